// The message names every training worker of the site shares (the page's worker.js, the 2-D lab's
// manifold/worker.js): the commands a page sends, each with an `id`, and the reports a worker
// answers. A protocol adds its own (www/protocol.js adds `loading`, `query` and `answer`).

/** Commands, page → worker. */
export const COMMANDS = Object.freeze({
  CONFIG: 'config',
  PLAY: 'play',
  PAUSE: 'pause',
  STEP: 'step',
  RESET: 'reset',
});

/** Reports, worker → page. `error` is {message, ack, fatal}. */
export const REPORTS = Object.freeze({
  READY: 'ready',
  FRAME: 'frame',
  ERROR: 'error',
});
