// The page's side of a training worker (the training page's worker.js, the 2-D lab's
// manifold/worker.js): start the module worker, number each command, and tell whether a report
// is already an answer to the latest command (an older frame must not undo, say, a Pause).

export class WorkerLink {
  /**
   * `url`: the worker module (a URL made with import.meta.url, so any sub-path works).
   * `onMessage(msg)` gets every report; `onFail(text)` a sentence when the worker cannot run.
   * Throws when the browser cannot start a module worker at all.
   */
  constructor(url, { onMessage, onFail }) {
    this.nextId = 0;
    this.lastSent = 0; // id of the last command sent
    this.worker = new Worker(url, { type: 'module' });
    this.worker.onmessage = ({ data }) => onMessage(data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      onFail(`The training worker stopped: ${e.message || 'its script could not be loaded'}.`);
    };
  }

  /** Send command `type` with the fields of `extra`; returns its id. */
  send(type, extra = {}) {
    this.lastSent = ++this.nextId;
    this.worker.postMessage({ type, id: this.lastSent, ...extra });
    return this.lastSent;
  }

  /** True when `msg` ({ack}) reports on the latest command or a later state. */
  current(msg) {
    return msg.ack >= this.lastSent;
  }
}
