// The notebook's comparison (lecture figs 22–23), in its own module worker so the page's main
// model is untouched: the standard AE (d = 30) and the denoising AE (d = 500, dropout mask
// p = 0.5), both Adam 1e-3, batch 256, trained together (alternating batches) or one after the
// other, from the site's pretrained pair (www/models/, kit/models.js) or from their seed, or — in a
// worker that replaces a crashed or hung one — from the copy the page kept of the two. It runs the
// site's worker loop (kit/session.js), and sends a `kept` copy of both models (F32 safetensors) at
// pauses, at the end of a run and every KEEP_EVERY_MS of training (kit/kept.js). Messages:
//   page → worker  {type:'start', generation, mode:'together'|'sequential', epochs, idx, seed, from:'pretrained'|'seed',
//                   kept?: {models:[{name, bytes, epoch, steps, loss, from}]}, hold?}  {type:'pause'}
//                  {type:'resume', mode?}  {type:'query', qid, which:'standard'|'denoising', op, args}
//   worker → page  {type:'ready', xc, mask, clean, restored: bool, why?}  {type:'answer', qid, result | error}
//                  {type:'frame', models:[{name, d, stats, done, from, kernels?, maxAbs?}], outputs, running, done, epochs}
//                  (`from`: the pretrained model's {title, epochs, eval_mse_clean}, or null from the seed;
//                  stats.epoch/steps count on across a restore: the kept copy's plus this worker's)
//                  {type:'kept', generation, ms, models:[{name, bytes, epoch, steps, loss, from}]}
//                  (ms: what making the copies cost this worker)
//                  {type:'error', message, ack, fatal}
// `outputs`: D(E(x̃)) of both models on the same fixed corrupted digits, `[2, k·784]` as two arrays.

import init, { wasm } from '../../kit/engine.js';
import { WorkerSession, post, messageOf, isCrash } from '../../kit/session.js';
import { loadMnist } from '../../kit/data.js';
import { loadModelTable, matchModel, fetchModel } from '../../kit/models.js';
import { keepDue } from '../../kit/kept.js';

/** The notebook's two models. */
const NOTEBOOK = [
  { name: 'standard', settings: { variant: 'standard', d: 30, lr: 1e-3, batch: 256, seed: 0 } },
  { name: 'denoising', settings: { variant: 'denoising', d: 500, lr: 1e-3, batch: 256, seed: 0, corruption: 'dropout', noise_p: 0.5 } },
];
const SLICE_MS = 60; // train at most this long before answering queries
const FRAME_MS = 400; // a frame at most this often
const KERNEL_MS = 1500; // kernels (500×784 floats for the DAE) at most this often
/** Which DAE kernels are sent: the first KERNELS of them (the page shows a page of them). */
const KERNELS = 100;
/** What the face-off and the energy experiments may ask the two models. */
const QUERIES = ['reconstruct_rows', 'corrupt_rows', 'inputs', 'kernels', 'inpaint_rows', 'faceoff_to_cv', 'faceoff_from_cv', 'faceoff_mse'];

class Comparison extends WorkerSession {
  constructor() {
    super();
    this.data = null; // the wasm DataSets: the 9,000 training digits and the 1,000 held out
    this.models = null; // [{name, trainer, d, stats, prior: {epoch, steps} of a kept copy it started from}]
    this.generation = 0; // the page's lab generation, echoed in `kept`
    this.lastKept = 0; // performance.now() of the last copy sent
    this.keptSteps = -1; // the two models' steps in that copy
    this.mode = 'together';
    this.epochs = 20;
    this.turn = 0;
    this.lastFrame = -Infinity;
    this.lastKernels = -Infinity; // (a worker's clock starts at its creation)
    this.shown = null; // {idx, xc, mask}: the fixed corrupted digits of the outputs
  }

  get hasModel() {
    return !!this.models;
  }

  handle(msg) {
    if (msg.type === 'start') {
      const e = Number(msg.epochs);
      if (!Number.isInteger(e) || e < 1 || e > 200) throw new Error(`Epochs must be a whole number from 1 to 200, got ${msg.epochs}.`);
      this.mode = msg.mode === 'sequential' ? 'sequential' : 'together';
      this.epochs = e;
      this.generation = msg.generation ?? 0;
      const from = msg.from === 'seed' ? 'seed' : 'pretrained';
      let why = null;
      if (msg.kept) {
        try {
          this.restore(msg.kept.models);
        } catch (err) {
          if (isCrash(err)) throw err;
          why = messageOf(err);
          this.build(from);
        }
      } else {
        this.build(from);
      }
      // What the page holds now: a restored copy is not sent back until the models move.
      this.keptSteps = msg.kept && !why ? this.totalSteps() : -1;
      this.lastKept = performance.now();
      const idx = Uint32Array.from(msg.idx);
      const both = this.models[0].trainer.corrupt_rows(idx, 'dropout', 0.5, msg.seed >>> 0);
      this.shown = { idx, xc: both.slice(0, idx.length * 784), mask: both.slice(idx.length * 784) };
      post({ type: 'ready', xc: this.shown.xc, mask: this.shown.mask, clean: this.models[0].trainer.inputs(idx), restored: !!msg.kept && !why, why });
      if (msg.hold) this.frame(true);
      else this.play();
    } else if (msg.type === 'pause') {
      this.running = false;
      if (this.models) this.frame(true); // the paused counts, which the kept copy has too
      this.keep();
    } else if (msg.type === 'resume') {
      if (this.models && !this.models.every((m) => this.done(m))) {
        if (msg.mode) this.mode = msg.mode === 'sequential' ? 'sequential' : 'together';
        this.play();
      } else if (this.models) {
        this.frame(true); // nothing left to train: the page hears so (and that the worker lives)
      }
    } else {
      throw new Error(`The comparison worker does not know the command “${msg.type}”.`);
    }
  }

  /** A question to one model, answered between training slices. */
  answers(msg) {
    if (msg.type !== 'query') return false;
    const { qid, which, op, args = [] } = msg;
    try {
      if (!this.models) throw new Error('the comparison has not started yet');
      const m = this.models.find((x) => x.name === which);
      if (!m) throw new Error(`no model ${which}`);
      if (!QUERIES.includes(op)) throw new Error(`unknown query ${op}`);
      const result = m.trainer[op](...args);
      post({ type: 'answer', qid, result, steps: m.stats.steps }, [result?.buffer]);
    } catch (e) {
      if (!this.crashed(e)) post({ type: 'answer', qid, error: messageOf(e) });
    }
    return true;
  }

  /** The two models, from the pretrained pair (each one the site has) or from their seed. */
  build(from) {
    for (const m of this.models ?? []) m.trainer.free();
    this.models = NOTEBOOK.map(({ name, settings }) => {
      const pre = from === 'pretrained' ? this.pretrained[name] : null;
      // Each learns from the 9,000 training digits and shows held-out ones.
      const trainer = pre ? wasm.Trainer.fromWeightsOn(pre.bytes, this.data) : wasm.Trainer.on(settings, this.data);
      const { title, epochs, eval_mse_clean, eval_on, eval_n } = pre?.entry ?? {};
      const info = pre && { title, epochs, eval_mse_clean, eval_on, eval_n };
      return { name, trainer, d: trainer.d, stats: trainer.position(), from: info ?? null, prior: { epoch: 0, steps: 0 } };
    });
  }

  /**
   * The two models from the page's kept copy (`kept`: [{name, bytes, epoch, steps, loss, from}]), their
   * counts carried on. Throws, changing nothing, when either copy is refused. A copy taken in the
   * middle of an epoch restarts that epoch's walk: its `epoch` counts completed epochs only.
   */
  restore(kept) {
    const models = [];
    try {
      for (const { name, settings } of NOTEBOOK) {
        const k = kept.find((x) => x.name === name);
        if (!k) throw new Error(`the copy has no ${name} AE`);
        const trainer = wasm.Trainer.fromWeightsOn(k.bytes, this.data);
        // The last batch's loss shown until this worker trains a batch (position() has none).
        const stats = { ...trainer.position(), loss: k.loss ?? 0 };
        models.push({ name, trainer, d: trainer.d, stats, from: k.from ?? null, prior: { epoch: k.epoch, steps: k.steps } });
        if (trainer.d !== settings.d) throw new Error(`the kept ${name} AE has d = ${trainer.d}, not ${settings.d}`);
      }
    } catch (e) {
      for (const m of models) m.trainer.free();
      throw e;
    }
    for (const m of this.models ?? []) m.trainer.free();
    this.models = models;
  }

  /** A model's counts since it was first built: a kept copy's plus this worker's. */
  counts(m) {
    return { epoch: m.prior.epoch + m.stats.epoch, steps: m.prior.steps + m.stats.steps };
  }

  totalSteps() {
    return this.models.reduce((a, m) => a + this.counts(m).steps, 0);
  }

  /**
   * A copy of both models (F32, exact) for the page to keep, when due (kit/kept.js keepDue: at a
   * pause or the run's end, every KEEP_EVERY_MS while training, never twice of the same steps): a
   * worker that replaces this one starts from it. `ms`: what the two saves cost.
   */
  keep() {
    if (!this.models) return;
    const steps = this.totalSteps();
    const now = performance.now();
    if (!keepDue({ running: this.running, now, lastAt: this.lastKept, steps, keptSteps: this.keptSteps })) return;
    const models = this.models.map((m) => {
      const { epoch, steps: s } = this.counts(m);
      // provenance.epochs: the pretrained model's epochs and those trained in the tab.
      const bytes = m.trainer.save_weights('f32', (m.from?.epochs ?? 0) + m.prior.epoch);
      return { name: m.name, bytes, epoch, steps: s, loss: m.stats.loss, from: m.from };
    });
    const ms = performance.now() - now;
    this.lastKept = performance.now();
    this.keptSteps = steps;
    post({ type: 'kept', generation: this.generation, ms, models }, models.map((m) => m.bytes.buffer));
  }

  play() {
    this.running = true;
    this.schedule();
  }

  done(m) {
    return this.counts(m).epoch >= this.epochs;
  }

  /** Up to SLICE_MS of single batches (alternating, or the first unfinished model), then a frame. */
  trainSlice() {
    const t0 = performance.now();
    while (performance.now() - t0 < SLICE_MS) {
      const open = this.models.filter((m) => !this.done(m));
      if (open.length === 0) {
        this.running = false;
        break;
      }
      const m = this.mode === 'together' ? open[this.turn++ % open.length] : open[0];
      try {
        m.stats = m.trainer.step(1);
      } catch (e) {
        if (isCrash(e)) throw e;
        throw new Error(`The ${m.name} AE: ${messageOf(e)}`); // a step the engine undid (NaN/∞)
      }
      if (m.stats.warning) {
        this.running = false; // a loss far above its start: pause, the page says why
        break;
      }
    }
    this.frame(!this.running);
    this.keep();
  }

  frame(force) {
    const now = performance.now();
    if (!force && now - this.lastFrame < FRAME_MS) return;
    this.lastFrame = now;
    const withKernels = force || now - this.lastKernels > KERNEL_MS;
    if (withKernels) this.lastKernels = now;
    const transfer = [];
    const out = this.models.map((m) => {
      const o = { name: m.name, d: m.d, stats: { ...m.stats, ...this.counts(m) }, done: this.done(m), from: m.from };
      if (withKernels) {
        const all = m.trainer.kernels();
        o.kernels = all.slice(0, Math.min(m.d, KERNELS) * 784);
        let mx = 0;
        for (const v of all) mx = Math.max(mx, Math.abs(v));
        o.maxAbs = mx;
        transfer.push(o.kernels.buffer);
      }
      return o;
    });
    const outputs = this.models.map((m) => m.trainer.reconstruct_rows(this.shown.xc));
    transfer.push(...outputs.map((o) => o.buffer));
    post({ type: 'frame', models: out, outputs, running: this.running, done: this.models.every((m) => this.done(m)), epochs: this.epochs }, transfer);
  }
}

/** The site's pretrained models for the notebook's two, by name ({entry, bytes}); none if unavailable. */
async function pretrainedPair() {
  const pair = {};
  try {
    const table = await loadModelTable();
    for (const { name, settings } of NOTEBOOK) {
      const entry = matchModel(table, settings);
      if (entry) pair[name] = { entry, bytes: await fetchModel(entry) };
    }
  } catch (e) {
    console.warn(`The comparison starts from the seed: ${messageOf(e)}`);
  }
  return pair;
}

const session = new Comparison();
session.pretrained = {};
session.listen(Promise.all([init(), loadMnist(), pretrainedPair()]).then(([, { images, labels }, pair]) => {
  session.data = wasm.DataSets.builtin(images, labels);
  session.pretrained = pair;
}));
