// The latent map's own model, in its own module worker so the page's main model is untouched:
// one of the d = 2 lesson presets of the engine's table (src/presets.rs via `presets()`:
// `map_2d`, the 784-50-50-2 encoder whose classes pull apart, or `map_2d_one_layer`, the
// failure on purpose). It starts from the site's pretrained model of that preset when there is
// one (www/models/, kit/models.js) — shown at once, trained — or from the preset's seed, and
// then trains the preset's epochs. Like the page's model it learns from the 9,000 training
// digits and its map indexes the 1,000 held-out ones (DataSets), the digits the lab shows.
// It runs the site's worker loop. A model trained here is sent back as a `kept` copy (F32
// safetensors) at the end of each run and every KEEP_EVERY_MS of training (kit/kept.js); a worker
// that replaces a crashed or hung one starts from that copy (`kept` in `start`), counts carried on.
//   page → worker  {type:'start', generation, key, idx, from: 'pretrained'|'seed', kept?: {bytes, epoch, steps, until, pretrained}, run?}
//                  {type:'train'}  {type:'query', qid, op, args}
//   worker → page  {type:'frame', key, label, steps, epoch, epochs, running, done, pretrained, map, restored}
//                  (map: latent_map(idx); pretrained: the table entry it started from, or null;
//                  epoch: epochs trained here, epochs: where this run stops)
//                  {type:'kept', generation, ms, bytes, epoch, steps, until, pretrained}
//                  {type:'answer', qid, result | error}  {type:'error', message, ack, fatal}

import init, { wasm } from '../../kit/engine.js';
import { WorkerSession, post, messageOf, isCrash } from '../../kit/session.js';
import { loadMnist } from '../../kit/data.js';
import { loadModelTable, presetModel, fetchModel } from '../../kit/models.js';
import { keepDue } from '../../kit/kept.js';

const SLICE_MS = 60; // train at most this long before answering the page
const FRAME_MS = 1000; // a new map at most this often (a map of 1,000 codes costs a few ms)
const QUERIES = ['latent_decode_xy', 'latent_map'];
const KEYS = ['map_2d', 'map_2d_one_layer'];

class MapLesson extends WorkerSession {
  constructor() {
    super();
    this.data = null; // DataSets: 9,000 to learn from, 1,000 held out
    this.table = [];
    this.trainer = null;
    this.preset = null;
    this.pretrained = null; // the table entry the model started from
    this.idx = null;
    this.stats = null;
    this.prior = { epoch: 0, steps: 0 }; // the counts of a kept copy it started from
    this.until = 0; // epochs (since the model was made) at which training stops
    this.lastFrame = -Infinity;
    this.generation = 0; // the page's, echoed in `kept`
    this.lastKept = 0;
    this.keptSteps = 0; // steps in the copy the page holds (a model not trained here needs none)
    this.restored = null; // null, true, or the reason the kept copy was refused
  }

  /** Epochs and steps since the model was first made: a kept copy's plus this worker's. */
  get counts() {
    return { epoch: this.prior.epoch + this.stats.epoch, steps: this.prior.steps + this.stats.steps };
  }

  get hasModel() {
    return !!this.trainer;
  }

  async handle(msg) {
    if (msg.type === 'train') return this.trainOn();
    if (msg.type !== 'start') throw new Error(`The map's worker does not know the command “${msg.type}”.`);
    if (!KEYS.includes(msg.key)) throw new Error(`The map trains only the presets ${KEYS.join(' and ')}, not “${msg.key}”.`);
    const p = wasm.presets().mnist.find((x) => x.key === msg.key);
    this.generation = msg.generation ?? 0;
    this.restored = null;
    if (msg.kept) {
      try {
        return this.restore(msg, p);
      } catch (e) {
        if (isCrash(e)) throw e;
        this.restored = messageOf(e); // told in the frame; the lesson starts as it opened
      }
    }
    const entry = msg.from === 'seed' ? null : presetModel(this.table, msg.key);
    let trainer = null;
    if (entry) {
      try {
        trainer = wasm.Trainer.fromWeightsOn(await fetchModel(entry), this.data);
      } catch (e) {
        post({ type: 'error', message: `The pretrained ${entry.title} could not be loaded (${messageOf(e)}); the map trains it from its seed.`, ack: this.ack, fatal: false });
      }
    }
    this.pretrained = trainer ? entry : null;
    trainer ??= wasm.Trainer.on(p.settings, this.data);
    this.trainer?.free();
    this.trainer = trainer;
    this.preset = p;
    this.idx = Uint32Array.from(msg.idx);
    this.stats = { steps: 0, epoch: 0 };
    this.prior = { epoch: 0, steps: 0 };
    this.keptSteps = 0;
    // A pretrained model is shown as it is; one from its seed trains the preset's epochs.
    this.until = this.pretrained ? 0 : p.epochs;
    this.running = !this.pretrained;
    this.frame(true);
    if (this.running) this.schedule();
  }

  /**
   * The model from the page's kept copy (`msg.kept`), trained on to its `until` when `msg.run`.
   * Throws, changing nothing, when the copy is refused. A copy taken within an epoch restarts
   * that epoch's walk: its `epoch` counts completed epochs.
   */
  restore(msg, p) {
    const k = msg.kept;
    const trainer = wasm.Trainer.fromWeightsOn(k.bytes, this.data);
    if (trainer.d !== 2) {
      trainer.free();
      throw new Error(`the kept model has d = ${trainer.d}, not 2`);
    }
    this.trainer?.free();
    Object.assign(this, { trainer, preset: p, pretrained: k.pretrained ?? null, idx: Uint32Array.from(msg.idx), restored: true });
    this.stats = { steps: 0, epoch: 0 };
    this.prior = { epoch: k.epoch, steps: k.steps };
    this.keptSteps = k.steps;
    this.lastKept = performance.now();
    this.until = k.until;
    this.running = !!msg.run && this.counts.epoch < this.until;
    this.frame(true);
    if (this.running) this.schedule();
  }

  /** Train the current model on for the preset's epochs. */
  trainOn() {
    if (!this.trainer) throw new Error('The map model has not started yet.');
    this.until = this.counts.epoch + this.preset.epochs;
    this.running = true;
    this.frame(true);
    this.schedule();
  }

  answers(msg) {
    if (msg.type !== 'query') return false;
    const { qid, op, args = [] } = msg;
    try {
      if (!this.trainer) throw new Error('the map model has not started yet');
      if (!QUERIES.includes(op)) throw new Error(`unknown query ${op}`);
      post({ type: 'answer', qid, result: this.trainer[op](...args) });
    } catch (e) {
      if (!this.crashed(e)) post({ type: 'answer', qid, error: messageOf(e) });
    }
    return true;
  }

  trainSlice() {
    const t0 = performance.now();
    while (performance.now() - t0 < SLICE_MS && this.counts.epoch < this.until) this.stats = this.trainer.step(1);
    if (this.counts.epoch >= this.until) this.running = false;
    this.frame(!this.running);
    this.keep();
  }

  /** The table entry it started from, as the page shows it, or null. */
  get shownPretrained() {
    const e = this.pretrained;
    return e && { name: e.name, title: e.title, epochs: e.epochs, eval_on: e.eval_on, eval_n: e.eval_n, eval_mse_clean: e.eval_mse_clean };
  }

  /**
   * A copy of the model (F32, exact) for the page, when due (kit/kept.js keepDue: at the end of a
   * run, every KEEP_EVERY_MS of training, never twice of the same steps). `ms`: what the save cost.
   */
  keep() {
    const { epoch, steps } = this.counts;
    const now = performance.now();
    if (!keepDue({ running: this.running, now, lastAt: this.lastKept, steps, keptSteps: this.keptSteps })) return;
    const bytes = this.trainer.save_weights('f32', (this.pretrained?.epochs ?? 0) + this.prior.epoch);
    this.lastKept = performance.now();
    this.keptSteps = steps;
    post({ type: 'kept', generation: this.generation, ms: this.lastKept - now, bytes, epoch, steps, until: this.until, pretrained: this.shownPretrained }, [bytes.buffer]);
  }

  frame(force) {
    const now = performance.now();
    if (!force && now - this.lastFrame < FRAME_MS) return;
    this.lastFrame = now;
    const { key, label } = this.preset;
    const { epoch, steps } = this.counts;
    post({
      type: 'frame', key, label, steps, epoch, epochs: this.until, running: this.running, done: !this.running,
      pretrained: this.shownPretrained, map: this.trainer.latent_map(this.idx), restored: this.restored,
    });
  }
}

const session = new MapLesson();
session.listen(Promise.all([init(), loadMnist(), loadModelTable().catch(() => [])]).then(([, { images, labels }, table]) => {
  session.data = wasm.DataSets.builtin(images, labels);
  session.table = table;
}));
