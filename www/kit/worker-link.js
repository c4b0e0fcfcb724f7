// The page's side of a training worker (the training page's worker.js, the 2-D lab's
// manifold/worker.js): start the module worker, number each command, tell whether a report is
// already an answer to the latest command (an older frame must not undo, say, a Pause), and make
// sure the page never waits forever:
//
// * a worker that dies (an uncaught error, a Rust panic or out-of-memory that the worker reports
//   as `crashed`) is terminated and `onCrash(sentence)` is called, once per death; the owner
//   restarts it (`restart()`) and sends its last settings again. A worker that dies before it
//   ever spoke could not load at all: that is `onFail`, and it is not restarted.
// * a command left unanswered while the worker says nothing at all for `timeoutMs` (any report
//   is a sign of life: loading, frames) is `onTimeout(sentence)`; the owner replaces the worker
//   (`restart()`), as after a crash: a worker that does not answer is as good as dead.
// * Test hook: a positive number in `globalThis.__aeTimeoutMs` replaces every time-out of the
//   page's workers (commands here, `model.call`'s questions), read each time one is armed, so a
//   test can set it once the page is ready and make a hung worker time out in seconds.
//
//   const link = new WorkerLink(url, { onMessage, onFail, onCrash, onTimeout });
//   link.send('config', { settings });  link.current(msg);  link.restart();

/** Silence after an unanswered command before the page says the worker is stuck (ms). */
export const COMMAND_TIMEOUT_MS = 45_000;
/** Restarts allowed within RESTART_WINDOW_MS; past that the link gives up (`onFail`). */
export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

/** `ms`, or the test hook's shorter time-out when a test set one (see the header). */
export function shortenedFor(ms) {
  const t = Number(globalThis.__aeTimeoutMs);
  return t > 0 ? t : ms;
}
/** Longest crash text shown (the panic hook's message is the first lines of a long report). */
const CRASH_TEXT = 240;

export class WorkerLink {
  /**
   * `url`: the worker module (a URL made with import.meta.url, so any sub-path works).
   * `onMessage(msg)` gets every report; `onFail(text)` a sentence when the worker cannot run;
   * `onCrash(text)` when a running worker died (default: `onFail`); `onTimeout(text)` when a
   * command went unanswered (default: `onFail`). Throws when the browser cannot start a module
   * worker at all. `adopt` ({worker, held}: a worker of `url` already started, and the events it
   * sent meanwhile, in order) is taken over instead of starting one: a page may start its worker
   * before its own modules have loaded.
   */
  constructor(url, { onMessage, onFail, onCrash = onFail, onTimeout = onFail, timeoutMs = COMMAND_TIMEOUT_MS, adopt = null }) {
    this.url = url;
    this.handlers = { onMessage, onFail, onCrash, onTimeout };
    this.timeoutMs = timeoutMs;
    this.nextId = 0;
    this.lastSent = 0; // id of the last command sent
    this.lastAck = 0; // highest `ack` reported
    this.restarts = []; // times of recent restarts
    this.watchdog = 0;
    this.start(adopt?.worker);
    for (const e of adopt?.held.splice(0) ?? []) (e instanceof MessageEvent ? this.worker.onmessage : this.worker.onerror)(e);
  }

  /** A new worker (or `worker`, already started), wired; the previous one (if any) is already terminated. */
  start(worker = new Worker(this.url, { type: 'module' })) {
    this.worker = worker;
    this.spoke = false;
    this.dead = false;
    worker.onmessage = ({ data }) => {
      if (worker !== this.worker) return; // a report of a worker already replaced
      this.spoke = true;
      this.lastAck = Math.max(this.lastAck, data.ack ?? 0);
      this.arm();
      if (data.crashed) this.died(data.message);
      else this.handlers.onMessage(data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (worker !== this.worker) return;
      if (!this.spoke) {
        this.dead = true;
        this.disarm();
        this.handlers.onFail(`The training worker stopped: ${e.message || 'its script could not be loaded'}.`);
      } else {
        this.died(e.message);
      }
    };
  }

  /** The worker died: terminate it for good and say so, once. */
  died(text) {
    if (this.dead) return;
    this.dead = true;
    this.disarm();
    this.worker.terminate();
    const now = performance.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    const why = shorten(text);
    if (this.restarts.length >= MAX_RESTARTS) {
      this.handlers.onFail(`The training worker crashed ${MAX_RESTARTS + 1} times within a minute (${why}); reload the page to try again.`);
      return;
    }
    this.handlers.onCrash(`The training worker crashed (${why}).`);
  }

  /** Replace the worker with a fresh one (after a crash, or a time-out); commands start over. */
  restart() {
    this.disarm();
    if (!this.dead) this.worker.terminate();
    this.restarts.push(performance.now());
    this.lastAck = this.lastSent; // nothing sent to the old worker is still owed
    this.start();
  }

  /** Send command `type` with the fields of `extra`; returns its id. */
  send(type, extra = {}) {
    this.lastSent = ++this.nextId;
    this.worker.postMessage({ type, id: this.lastSent, ...extra });
    this.arm();
    return this.lastSent;
  }

  /** Post a message that is not a numbered command (a lab's query). */
  post(msg, transfer = []) {
    this.worker.postMessage(msg, transfer);
  }

  /** True when `msg` ({ack}) reports on the latest command or a later state. */
  current(msg) {
    return msg.ack >= this.lastSent;
  }

  /** While a command is unanswered, the worker has `timeoutMs` to say anything. */
  arm() {
    this.disarm();
    if (this.dead || this.lastAck >= this.lastSent) return;
    const ms = shortenedFor(this.timeoutMs);
    this.watchdog = setTimeout(() => {
      this.watchdog = 0;
      this.handlers.onTimeout(`The training worker has not answered for ${Math.round(ms / 1000)} s.`);
    }, ms);
  }

  disarm() {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = 0;
  }
}

/** A crash report cut to its first lines: the panic's place and message, not its stack. */
export function shorten(text) {
  const t = String(text || 'no message').replace(/^Uncaught\s+/, '').split(/\n\s*\n|\nStack:?/)[0].replace(/\s+/g, ' ').trim();
  return t.length > CRASH_TEXT ? `${t.slice(0, CRASH_TEXT)}…` : t;
}
