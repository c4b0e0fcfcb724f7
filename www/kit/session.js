// The loop every training worker of the site runs (the page's worker.js, the 2-D lab's
// manifold/worker.js; a lab's own worker may extend it too): commands queued and handled one after
// another once the engine has loaded; a refused command answered with `error` {message, ack,
// fatal}, never an uncaught throw; training in time slices that yield to the message queue. A
// WebAssembly trap (a Rust panic, out of memory) leaves the engine unusable: it is reported as
// `error` {crashed: true, message: the panic hook's text}, and the page restarts the worker.
//
//   class Session extends WorkerSession {
//     handle(msg) { ... }      // one command (msg.type, msg.id); throw to refuse it
//     trainSlice() { ... }     // while `running`: about one slice of work; set running = false to stop
//     get hasModel() { ... }   // false: an error is fatal (there is nothing usable)
//   }
//   new Session().listen(loadPromise);

import { REPORTS } from './protocol.js';

/** The message of anything thrown (wasm-bindgen turns a Rust error into an Error with its text). */
export function messageOf(e) {
  if (e instanceof Error) return e.message || String(e);
  return String(e);
}

/** postMessage with the given buffers transferred (undefined entries dropped). */
export function post(msg, buffers = []) {
  self.postMessage(msg, buffers.filter(Boolean));
}

/** True when `e` is a trap of the wasm instance (a panic, out of memory), not a refusal. */
export function isCrash(e) {
  return (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError)
    || (e instanceof RangeError && /memory/i.test(e.message));
}

/** The last console.error line of this worker: where console_error_panic_hook writes a panic. */
let lastConsoleError = '';
if (typeof console !== 'undefined' && typeof console.error === 'function') {
  const write = console.error.bind(console);
  console.error = (...args) => {
    lastConsoleError = args.map(String).join(' ');
    write(...args);
  };
}

export class WorkerSession {
  constructor() {
    this.ack = 0; // id of the last command handled
    this.running = false;
    this.queue = Promise.resolve(); // commands run one after another
    this.loaded = null;
    this.tick = new MessageChannel(); // a yield that does not suffer setTimeout's clamping
    this.tick.port1.onmessage = () => this.slice();
  }

  /**
   * Start answering the page. `loaded` is the promise of the engine and data; its failure is
   * reported once, as a fatal error, and later commands wait for nothing.
   */
  listen(loaded) {
    this.loaded = loaded;
    loaded.catch((e) => post({ type: REPORTS.ERROR, message: messageOf(e), ack: 0, fatal: true }));
    self.onmessage = (e) => this.receive(e.data);
  }

  /** Queue a command from the page; errors become `error` messages. */
  receive(msg) {
    this.queue = this.queue.then(async () => {
      try {
        await this.loaded;
      } catch {
        return; // already reported, once, as a fatal error
      }
      try {
        if (this.answers(msg)) return; // a question out of the commands' order: no ack
      } catch (e) {
        this.refuse(e); // an answer that threw: said, and the queue goes on
        return;
      }
      try {
        this.ack = msg.id ?? this.ack;
        await this.handle(msg); // a handler may be async (a data set fetched on first use)
      } catch (e) {
        this.running = false;
        this.refuse(e);
      }
    });
  }

  /** Questions outside the command order (the page's `query`, `kernel-view`): true when `msg`
   *  was one. A throw is refused like a command's (an `error`, or a crash), and the queue goes on. */
  answers(_msg) {
    return false;
  }

  /**
   * When `e` is a crash (see isCrash): report it, with the panic's text when the hook wrote one,
   * stop answering and return true. The page terminates this worker and starts another.
   */
  crashed(e) {
    if (!isCrash(e)) return false;
    this.running = false;
    const panic = /panicked at/.test(lastConsoleError) ? lastConsoleError : '';
    post({ type: REPORTS.ERROR, crashed: true, message: panic || messageOf(e), ack: this.ack, fatal: true });
    self.onmessage = null;
    return true;
  }

  /** Report a refused command; the model, if any, stays as it was. */
  refuse(e) {
    if (this.crashed(e)) return;
    post({ type: REPORTS.ERROR, message: messageOf(e), ack: this.ack, fatal: !this.hasModel });
  }

  /** Training stopped on `e` (a diverged step, say): the page hears why; the model is kept. */
  stopped(e) {
    post({ type: REPORTS.ERROR, message: messageOf(e), ack: this.ack, fatal: false });
  }

  /** Run `slice` again once the message queue has had its turn. */
  schedule() {
    this.tick.port2.postMessage(null);
  }

  /**
   * One time slice of training, then the next one unless paused or refused. The slice takes its
   * turn in the command queue, so it never runs while a command is half done (an async handler)
   * and a command never runs in the middle of a slice. `trainSlice` may return a promise
   * (data-parallel training waits for its shard workers): the queue waits for it.
   */
  slice() {
    const stop = (e) => {
      this.running = false;
      if (!this.crashed(e)) this.stopped(e);
    };
    const next = () => {
      if (this.running) this.schedule();
    };
    this.queue = this.queue.then(() => {
      if (!this.running || !this.hasModel) return undefined;
      try {
        const pending = this.trainSlice();
        if (pending?.then) return pending.then(next, stop);
        next();
      } catch (e) {
        stop(e);
      }
      return undefined;
    });
  }
}
