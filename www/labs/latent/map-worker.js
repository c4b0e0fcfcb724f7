// The latent map's own model, in its own module worker so the page's main model is untouched:
// one of the d = 2 lesson presets of the engine's table (src/presets.rs via `presets()`:
// `map_2d`, the 784-50-50-2 encoder whose classes pull apart, or `map_2d_one_layer`, the
// failure on purpose). It starts from the site's pretrained model of that preset when there is
// one (www/models/, kit/models.js) — shown at once, trained — or from the preset's seed, and
// then trains the preset's epochs. Like the page's model it learns from the 9,000 training
// digits and its map indexes the 1,000 held-out ones (DataSets), the digits the lab shows.
// It runs the site's worker loop.
//   page → worker  {type:'start', key, idx, from: 'pretrained'|'seed'}  {type:'train'}
//                  {type:'query', qid, op, args}
//   worker → page  {type:'frame', key, label, steps, epoch, epochs, running, done, pretrained, map}
//                  (map: latent_map(idx); pretrained: the table entry it started from, or null;
//                  epoch: epochs trained here, epochs: where this run stops)
//                  {type:'answer', qid, result | error}  {type:'error', message, ack, fatal}

import init, { wasm } from '../../kit/engine.js';
import { WorkerSession, post, messageOf } from '../../kit/session.js';
import { loadMnist } from '../../kit/data.js';
import { loadModelTable, presetModel, fetchModel } from '../../kit/models.js';

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
    this.until = 0; // epochs (since the model was made) at which training stops
    this.lastFrame = -Infinity;
  }

  get hasModel() {
    return !!this.trainer;
  }

  async handle(msg) {
    if (msg.type === 'train') return this.trainOn();
    if (msg.type !== 'start') throw new Error(`The map's worker does not know the command “${msg.type}”.`);
    if (!KEYS.includes(msg.key)) throw new Error(`The map trains only the presets ${KEYS.join(' and ')}, not “${msg.key}”.`);
    const p = wasm.presets().mnist.find((x) => x.key === msg.key);
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
    // A pretrained model is shown as it is; one from its seed trains the preset's epochs.
    this.until = this.pretrained ? 0 : p.epochs;
    this.running = !this.pretrained;
    this.frame(true);
    if (this.running) this.schedule();
  }

  /** Train the current model on for the preset's epochs. */
  trainOn() {
    if (!this.trainer) throw new Error('The map model has not started yet.');
    this.until = this.stats.epoch + this.preset.epochs;
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
      post({ type: 'answer', qid, error: messageOf(e) });
    }
    return true;
  }

  trainSlice() {
    const t0 = performance.now();
    while (performance.now() - t0 < SLICE_MS && this.stats.epoch < this.until) this.stats = this.trainer.step(1);
    if (this.stats.epoch >= this.until) this.running = false;
    this.frame(!this.running);
  }

  frame(force) {
    const now = performance.now();
    if (!force && now - this.lastFrame < FRAME_MS) return;
    this.lastFrame = now;
    const { key, label } = this.preset;
    const e = this.pretrained;
    const pretrained = e && { name: e.name, title: e.title, epochs: e.epochs, eval_on: e.eval_on, eval_n: e.eval_n, eval_mse_clean: e.eval_mse_clean };
    post({
      type: 'frame', key, label, steps: this.stats.steps, epoch: this.stats.epoch, epochs: this.until,
      running: this.running, done: !this.running, pretrained, map: this.trainer.latent_map(this.idx),
    });
  }
}

const session = new MapLesson();
session.listen(Promise.all([init(), loadMnist(), loadModelTable().catch(() => [])]).then(([, { images, labels }, table]) => {
  session.data = wasm.DataSets.builtin(images, labels);
  session.table = table;
}));
