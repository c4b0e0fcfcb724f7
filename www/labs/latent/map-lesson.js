// The page's side of the latent map's own model (map-worker.js): start a d = 2 lesson preset on
// the map's digits (pretrained, or from its seed), train it on, get its frames (the map as the
// engine computes it), ask it to decode map points. Its own worker, so the page's main model is
// never touched. A worker that crashes, leaves a question unanswered for CALL_TIMEOUT_MS, or
// sends nothing for COMMAND_TIMEOUT_MS while it trains (a frame comes every second), is replaced (at most MAX_RESTARTS times) and the new one starts from the copy of the model the old
// one last kept (kit/kept.js), so training done in the tab is not lost; `onNotice` says so.

import { KeptCopy, keptAgo, countText } from '../../kit/kept.js';
import { shorten, shortenedFor, MAX_RESTARTS, COMMAND_TIMEOUT_MS } from '../../kit/worker-link.js';
import { CALL_TIMEOUT_MS } from '../../model.js';
import { warnOnLeave } from '../../kit/leave.js';
import { grouped } from '../../kit/grouped.js';

export class MapLesson {
  /**
   * `onFrame(frame)` for each of the worker's frames, `onError(message)` when it fails,
   * `onNotice(sentence)` when its worker was replaced ('' clears it), `onKept({epoch, steps})`
   * when a copy of the model was kept.
   */
  constructor(onFrame, onError, onNotice = onError, onKept = () => {}) {
    Object.assign(this, { onFrame, onError, onNotice, onKept, worker: null, qid: 0, pending: new Map(), frame: null });
    this.kept = new KeptCopy();
    this.generation = 0; // one per start: a copy of another lesson or start is never loaded
    this.lastStart = null;
    this.restarts = 0;
    this.restoring = false; // the new worker was given a kept copy; its first frame says whether it took it
    this.watch = 0; // while it trains: the silence time-out, re-armed by each frame
    // Its model lives in this tab only: leaving after training it asks first (kit/leave.js).
    this.stopWarning = warnOnLeave(() => (this.worker && this.frame?.steps > 0 ? 'the latent map lesson’s model trained here' : null));
  }

  /**
   * Show preset `key` ('map_2d' or 'map_2d_one_layer') on images `idx`: from the site's
   * pretrained model of it (`from` 'pretrained', when there is one) or trained from its seed.
   */
  start(key, idx, from = 'pretrained') {
    this.spawn();
    this.frame = null;
    this.generation += 1;
    this.kept.clear();
    this.onNotice('');
    this.lastStart = { type: 'start', generation: this.generation, key, idx: Array.from(idx), from };
    this.worker.postMessage(this.lastStart);
  }

  /** The worker, started and wired if there is none. */
  spawn() {
    if (this.worker) return;
    const w = new Worker(new URL('./map-worker.js', import.meta.url), { type: 'module' });
    this.worker = w;
    let spoke = false;
    w.onmessage = (e) => {
      if (w !== this.worker) return; // a report of a worker already replaced
      spoke = true;
      clearTimeout(this.watch);
      this.receive(e.data);
    };
    w.onerror = (e) => {
      e.preventDefault?.();
      if (w !== this.worker) return;
      if (spoke) this.replace(`The map's worker crashed (${shorten(e.message)}).`);
      else this.onError(`The map's worker failed: ${e.message ?? 'load error'}`);
    };
  }

  /** Train the lesson's model on for its preset's epochs. */
  trainOn() {
    this.worker?.postMessage({ type: 'train' });
  }

  receive(msg) {
    if (msg.type === 'frame') {
      if (this.restoring) {
        this.restoring = false;
        if (msg.restored !== true) this.onNotice(`${this.notice} But the kept copy could not be loaded (${msg.restored}), so it starts again as it opened.`);
      }
      this.frame = msg;
      if (msg.running) {
        const ms = shortenedFor(COMMAND_TIMEOUT_MS);
        this.watch = setTimeout(() => this.replace(`The map's worker has sent nothing while training for ${Math.round(ms / 1000)} s, so it was stopped.`), ms);
      }
      this.onFrame(msg);
    } else if (msg.type === 'kept') {
      if (msg.generation !== this.generation) return;
      this.kept.put(this.generation, msg, performance.now());
      this.onKept({ epoch: msg.epoch, steps: msg.steps, ms: msg.ms });
    } else if (msg.type === 'answer') {
      const p = this.pending.get(msg.qid);
      this.pending.delete(msg.qid);
      p?.settle(() => (msg.error ? p.reject(new Error(msg.error)) : p.resolve(msg.result)));
    } else if (msg.type === 'error') {
      if (msg.crashed) this.replace(`The map's worker crashed (${shorten(msg.message)}).`);
      else this.onError(msg.message);
    }
  }

  /**
   * The worker died or hung (`why`): a new one starts the same lesson from the model its
   * predecessor last kept (else as the lesson opened), training on if it was training.
   */
  replace(why) {
    const wasRunning = !!this.frame?.running;
    const trained = this.frame?.steps ?? 0;
    clearTimeout(this.watch);
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.settle(() => p.reject(new Error(why)));
    this.pending.clear();
    this.restarts += 1;
    if (!this.lastStart || this.restarts > MAX_RESTARTS) {
      this.onNotice(`${why} Reload the page to try again.`);
      return;
    }
    const rec = this.kept.forGeneration(this.generation);
    let what;
    if (rec) {
      const lost = trained > rec.steps ? ` (the ${grouped(trained - rec.steps)} batches after it were lost)` : '';
      what = `the model kept ${keptAgo(performance.now() - rec.at)} (${countText(rec.epoch, rec.steps)} here) was loaded back into it${lost}${wasRunning ? '; it trains on from there' : ''}.`;
    } else {
      what = trained
        ? `no copy of the model had been kept yet, so the ${grouped(trained)} batches trained here were lost; it starts again as it opened.`
        : 'it starts again as it opened.';
    }
    this.notice = `${why} A new worker started the same lesson; ${what}`;
    this.onNotice(this.notice);
    this.restoring = !!rec;
    this.spawn();
    // The page keeps its copy (the new worker may die too): the worker gets a copy of the bytes.
    // `until`: where the run it was on stops (a Train on after the copy moved it).
    const until = this.frame?.epochs ?? rec?.until;
    const kept = rec && { bytes: rec.bytes.slice(), epoch: rec.epoch, steps: rec.steps, until, pretrained: rec.pretrained };
    this.worker.postMessage({ ...this.lastStart, kept: kept ?? undefined, run: wasRunning });
  }

  /** `trainer[op](...args)` on the map's model, answered between its training slices. */
  call(op, ...args) {
    if (!this.worker) return Promise.reject(new Error('the map model is not running'));
    const qid = ++this.qid;
    const ms = shortenedFor(CALL_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      // No answer: the worker is stuck, and is replaced as if it had crashed (it says so).
      const timer = setTimeout(() => {
        this.pending.delete(qid);
        const why = `The map's worker did not answer “${op}” within ${Math.round(ms / 1000)} s, so it was stopped.`;
        reject(new Error(why));
        this.replace(why);
      }, ms);
      const settle = (fn) => { clearTimeout(timer); fn(); };
      this.pending.set(qid, { resolve, reject, settle });
      this.worker.postMessage({ type: 'query', qid, op, args });
    });
  }

  /** End the worker (its model is gone; the main model's map comes back). */
  stop() {
    clearTimeout(this.watch);
    this.worker?.terminate();
    this.worker = null;
    this.frame = null;
    this.kept.clear();
    for (const p of this.pending.values()) p.settle(() => p.reject(new Error('the map model was stopped')));
    this.pending.clear();
  }
}
