// The page-side handle on the worker's model for the lecture panels (denoising, latent space,
// capacity, ...). A panel never talks to the worker directly: it asks questions through
// `model.call(op, ...args)` — `op` is a method of the wasm `Trainer` (see docs/ARCHITECTURE.md),
// run in the worker between training slices — and listens for new models and training frames.
//
//   const rec = await model.call('reconstruct_rows', rows);   // Float32Array
//   model.onReady((info) => ...);   // a new trainer: {len, d, dim, lo, hi, variant, ...}
//   model.onFrame((frame) => ...);  // after each training frame: {stats, running, generation}
//
// Answers to an older trainer's questions still arrive; `model.generation` tells them apart.
import { TO_WORKER } from './protocol.js';

export class ModelClient {
  constructor(worker) {
    this.worker = worker;
    this.pending = new Map(); // qid -> {resolve, reject}
    this.nextId = 1;
    this.readyListeners = [];
    this.frameListeners = [];
    this.info = null; // the current trainer's info, once ready
    this.generation = 0;
    this.lastFrame = null;
  }

  /** Ask the model: resolves to the Trainer method's result, rejects with its Error message. */
  call(op, ...args) {
    const qid = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(qid, { resolve, reject });
      this.worker.postMessage({ type: TO_WORKER.QUERY, qid, op, args });
    });
  }

  /** `cb(info)` whenever a new trainer is ready (and at once if one already is). */
  onReady(cb) {
    this.readyListeners.push(cb);
    if (this.info) cb(this.info);
  }

  /** `cb(frame)` after every training frame. */
  onFrame(cb) {
    this.frameListeners.push(cb);
  }

  /**
   * The same model as seen by a panel in `section`: training frames reach it only while the
   * section is on screen (and the latest missed one when it comes back), so panels out of view
   * cost the training page no main-thread time. Everything else is the shared client's.
   */
  forSection(section) {
    const view = Object.create(this); // info, generation, lastFrame: read through to the client
    const listeners = [];
    let visible = false;
    let missed = false;
    view.call = (...args) => this.call(...args);
    view.onReady = (cb) => this.onReady(cb);
    view.onFrame = (cb) => listeners.push(cb);
    this.frameListeners.push((frame) => {
      if (!visible) missed = true;
      else for (const cb of listeners) safely(cb, frame);
    });
    new IntersectionObserver(([entry]) => {
      visible = entry.isIntersecting;
      if (visible && missed && this.lastFrame) {
        missed = false;
        for (const cb of listeners) safely(cb, this.lastFrame);
      }
    }).observe(section);
    return view;
  }

  // ---- called by main.js --------------------------------------------------------------------

  answer(msg) {
    const p = this.pending.get(msg.qid);
    if (!p) return;
    this.pending.delete(msg.qid);
    if (msg.error !== undefined) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  }

  ready(msg) {
    this.info = msg.info;
    this.generation = msg.generation;
    for (const cb of this.readyListeners) safely(cb, msg.info);
  }

  frame(msg) {
    this.lastFrame = msg;
    for (const cb of this.frameListeners) safely(cb, msg);
  }
}

/** A panel's bug must not break the page's own drawing. */
function safely(cb, arg) {
  try {
    cb(arg);
  } catch (e) {
    console.error(e);
  }
}
