// The page's side of the latent map's own model (map-worker.js): start a d = 2 lesson preset on
// the map's digits (pretrained, or from its seed), train it on, get its frames (the map as the engine computes it), ask it to decode map
// points. Its own worker, so the page's main model is never touched.

export class MapLesson {
  /** `onFrame(frame)` for each of the worker's frames, `onError(message)` when it fails. */
  constructor(onFrame, onError) {
    Object.assign(this, { onFrame, onError, worker: null, qid: 0, pending: new Map(), frame: null });
  }

  /**
   * Show preset `key` ('map_2d' or 'map_2d_one_layer') on images `idx`: from the site's
   * pretrained model of it (`from` 'pretrained', when there is one) or trained from its seed.
   */
  start(key, idx, from = 'pretrained') {
    if (!this.worker) {
      this.worker = new Worker(new URL('./map-worker.js', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e) => this.receive(e.data);
      this.worker.onerror = (e) => { e.preventDefault?.(); this.onError(`The map's worker failed: ${e.message ?? 'load error'}`); };
    }
    this.frame = null;
    this.worker.postMessage({ type: 'start', key, idx: Array.from(idx), from });
  }

  /** Train the lesson's model on for its preset's epochs. */
  trainOn() {
    this.worker?.postMessage({ type: 'train' });
  }

  receive(msg) {
    if (msg.type === 'frame') {
      this.frame = msg;
      this.onFrame(msg);
    } else if (msg.type === 'answer') {
      const p = this.pending.get(msg.qid);
      this.pending.delete(msg.qid);
      if (p) (msg.error ? p.reject(new Error(msg.error)) : p.resolve(msg.result));
    } else if (msg.type === 'error') {
      this.onError(msg.message);
    }
  }

  /** `trainer[op](...args)` on the map's model, answered between its training slices. */
  call(op, ...args) {
    if (!this.worker) return Promise.reject(new Error('the map model is not running'));
    const qid = ++this.qid;
    return new Promise((resolve, reject) => {
      this.pending.set(qid, { resolve, reject });
      this.worker.postMessage({ type: 'query', qid, op, args });
    });
  }

  /** End the worker (its model is gone; the main model's map comes back). */
  stop() {
    this.worker?.terminate();
    this.worker = null;
    this.frame = null;
    for (const p of this.pending.values()) p.reject(new Error('the map model was stopped'));
    this.pending.clear();
  }
}
