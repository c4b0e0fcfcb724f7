// The page-side handle on the worker's model, for the labs (denoising, latent space, capacity, ...).
// A lab never talks to the worker, the URL or another part's DOM: it asks questions through
// `model.call(op, ...args)` — `op` is a method of the wasm `Trainer` (see docs/ARCHITECTURE.md),
// run in the worker between training slices —, listens for new models and training frames, and
// changes the one model through the app's verbs (the app owns the settings, the hash and Train).
//
//   const rec = await model.call('reconstruct_rows', rows);   // Float32Array
//   model.onReady((info) => ...);   // a new trainer: {len, d, dim, lo, hi, variant, ...}
//   model.onFrame((frame) => ...);  // after each training frame: {stats, running, generation}
//   model.origin                    // where the current model came from: {cause: 'config'|'reset'|
//                                   //   'weights', source?: {kind: 'pretrained', title, epochs, …}}
//   model.settings                  // frozen copy of the settings: {preset, d, lr, batch, epochs,
//                                   //   p, seed, scale, kscale, reg, lambda, tied (boolean), loss, act}
//   await model.configure({ d: 100, tied: true })  // true when applied (the model is rebuilt
//                                   //   only if a model-shaping key changed); false when refused,
//                                   //   with the reasons in model.refusal (sentences, '' if none)
//   model.onSettings((settings) => ...);  // after every change, from any control or lab
//   model.train(); model.pause();   // like the Train / Pause button; train() is false if refused
//
// Answers to an older trainer's questions still arrive; `model.generation` tells them apart.
import { TO_WORKER } from './protocol.js';
import { shortenedFor } from './kit/worker-link.js';

/** How long a question may wait for its answer before it fails with a sentence (ms). */
export const CALL_TIMEOUT_MS = 60_000;

export class ModelClient {
  constructor(worker) {
    this.worker = worker;
    this.pending = new Map(); // qid -> {resolve, reject}
    this.nextId = 1;
    this.readyListeners = [];
    this.frameListeners = [];
    this.info = null; // the current trainer's info, once ready
    this.origin = null; // the current trainer's origin (the `ready` report's)
    this.generation = 0;
    this.lastFrame = null;
    this.settingsListeners = [];
    this.refusal = ''; // why the last configure() or train() was refused
    this.app = null; // the app's verbs, from connect()
  }

  /** A frozen copy of the main model's current settings (see the header). */
  get settings() {
    return this.app.settings();
  }

  /** Apply `patch` ({key: value}) through the app's one state; resolves false if refused. */
  configure(patch) {
    return Promise.resolve(this.answerOf(this.app.configure(patch)));
  }

  /** Start or resume training, like the Train button; false (and `refusal`) if refused. */
  train() {
    return this.answerOf(this.app.train());
  }

  /** Pause training, like the Pause button. */
  pause() {
    this.app.pause();
  }

  /** `cb(settings)` after every change of the settings (frozen copy). */
  onSettings(cb) {
    this.settingsListeners.push(cb);
  }

  /** An app verb's result: null when done, else the refusal's sentence. */
  answerOf(refusal) {
    this.refusal = refusal ?? '';
    return !refusal;
  }

  /**
   * Ask the model: resolves to the Trainer method's result, rejects with its Error message, or
   * with a sentence when no answer came within CALL_TIMEOUT_MS or the worker died.
   */
  call(op, ...args) {
    return this.callWith({}, op, ...args);
  }

  /** `call` with `options` in the question: `{blob: true}` asks for bytes as {bytes, blob}, the
   *  Blob made by the worker (worker-queries.js: a Blob made here copies the bytes on this thread). */
  callWith(options, op, ...args) {
    const qid = this.nextId++;
    const ms = shortenedFor(CALL_TIMEOUT_MS); // a test may shorten it (kit/worker-link.js)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(qid);
        reject(lost(`The model did not answer “${op}” within ${Math.round(ms / 1000)} s; try again, or reload the page.`));
      }, ms);
      const done = (fn) => (v) => { clearTimeout(timer); fn(v); };
      this.pending.set(qid, { resolve: done(resolve), reject: done(reject) });
      this.worker.postMessage({ ...options, type: TO_WORKER.QUERY, qid, op, args });
    });
  }

  /** Every question still waiting fails with `text` (the worker that would answer is gone). */
  failAll(text) {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(lost(text));
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
   * section is on screen (and the latest missed one when it comes back), so labs out of view
   * cost the training page no main-thread time. Everything else is the shared client's.
   */
  forSection(section) {
    const view = Object.create(this); // info, generation, lastFrame: read through to the client
    const listeners = [];
    let visible = false;
    let missed = false;
    // A question that got no answer (time-out, dead worker) says so in the panel itself: the
    // lab's own error handling may only log it. The next answer clears it.
    view.call = (...args) => this.call(...args).then(
      (v) => { showLost(section, ''); return v; },
      (e) => { if (e.lost) showLost(section, e.message); throw e; },
    );
    view.onReady = (cb) => this.onReady(cb);
    view.onSettings = (cb) => this.onSettings(cb);
    view.configure = (patch) => this.configure(patch);
    view.train = () => this.train();
    view.pause = () => this.pause();
    Object.defineProperty(view, 'refusal', { get: () => this.refusal });
    view.onFrame = (cb) => listeners.push(cb);
    this.frameListeners.push((frame) => {
      if (!visible) missed = true;
      else for (const cb of listeners) safely(cb, frame);
    });
    // One callback may carry several entries for the section, oldest first (two layouts before the
    // callback's task ran, as while an embed's frame is resized under load): the newest says
    // whether it is on screen now. Reading the first left a visible lab deaf to frames.
    new IntersectionObserver((entries) => {
      visible = entries[entries.length - 1].isIntersecting;
      if (visible && missed && this.lastFrame) {
        missed = false;
        for (const cb of listeners) safely(cb, this.lastFrame);
      }
    }).observe(section);
    return view;
  }

  // ---- called by the app (www/app/) --------------------------------------------------------

  /**
   * The app's verbs: `settings()` → frozen settings, `configure(patch)`, `train()` → null or the
   * refusal's sentence, `pause()`.
   */
  connect(app) {
    this.app = app;
  }

  settingsChanged() {
    const s = this.settings;
    for (const cb of this.settingsListeners) safely(cb, s);
  }

  answer(msg) {
    const p = this.pending.get(msg.qid);
    if (!p) return;
    this.pending.delete(msg.qid);
    if (msg.error !== undefined) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  }

  ready(msg) {
    this.info = msg.info;
    this.origin = msg.origin ?? null;
    this.generation = msg.generation;
    for (const cb of this.readyListeners) safely(cb, msg.info);
  }

  frame(msg) {
    this.lastFrame = msg;
    for (const cb of this.frameListeners) safely(cb, msg);
  }
}

/** An Error for a question that will get no answer (`lost`: a time-out, a dead worker). */
function lost(text) {
  return Object.assign(new Error(text), { lost: true });
}

/** Show (or clear, with '') the panel's line for a question that got no answer. */
function showLost(section, text) {
  let line = section.querySelector(':scope > .query-lost');
  if (!line && !text) return;
  if (!line) {
    line = document.createElement('p');
    line.className = 'query-lost error';
    line.setAttribute('role', 'alert');
    section.append(line);
  }
  line.textContent = text;
  line.hidden = !text;
}

/** A panel's bug must not break the page's own drawing. */
function safely(cb, arg) {
  try {
    cb(arg);
  } catch (e) {
    console.error(e);
  }
}
