// The latent map's own model, in its own module worker so the page's main model is untouched:
// one of the d = 2 lesson presets of the engine's table (src/presets.rs via `presets()`:
// `map_2d`, the 784-50-50-2 encoder whose classes pull apart, or `map_2d_one_layer`, the
// failure on purpose), trained for the preset's epochs. It runs the site's worker loop.
//   page → worker  {type:'start', key, idx}  {type:'query', qid, op, args}
//   worker → page  {type:'frame', key, label, steps, epoch, epochs, done, map}   (map: latent_map(idx))
//                  {type:'answer', qid, result | error}  {type:'error', message, ack, fatal}

import init, { Trainer, presets } from '../../kit/engine.js';
import { WorkerSession, post, messageOf } from '../../kit/session.js';
import { loadMnist } from '../../kit/data.js';

const SLICE_MS = 60; // train at most this long before answering the page
const FRAME_MS = 1000; // a new map at most this often (a map of 1,000 codes costs a few ms)
const QUERIES = ['latent_decode_xy', 'latent_map'];
const KEYS = ['map_2d', 'map_2d_one_layer'];

class MapLesson extends WorkerSession {
  constructor() {
    super();
    this.bytes = null;
    this.trainer = null;
    this.preset = null;
    this.idx = null;
    this.stats = null;
    this.lastFrame = -Infinity;
  }

  get hasModel() {
    return !!this.trainer;
  }

  handle(msg) {
    if (msg.type !== 'start') throw new Error(`The map's worker does not know the command “${msg.type}”.`);
    if (!KEYS.includes(msg.key)) throw new Error(`The map trains only the presets ${KEYS.join(' and ')}, not “${msg.key}”.`);
    const p = presets().mnist.find((x) => x.key === msg.key);
    const trainer = new Trainer(p.settings, this.bytes.images, this.bytes.labels);
    this.trainer?.free();
    this.trainer = trainer;
    this.preset = p;
    this.idx = Uint32Array.from(msg.idx);
    this.stats = { steps: 0, epoch: 0 };
    this.frame(true);
    this.running = true;
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
    while (performance.now() - t0 < SLICE_MS && this.stats.epoch < this.preset.epochs) this.stats = this.trainer.step(1);
    if (this.stats.epoch >= this.preset.epochs) this.running = false;
    this.frame(!this.running);
  }

  frame(force) {
    const now = performance.now();
    if (!force && now - this.lastFrame < FRAME_MS) return;
    this.lastFrame = now;
    const { key, label, epochs } = this.preset;
    post({ type: 'frame', key, label, epochs, steps: this.stats.steps, epoch: this.stats.epoch, done: this.stats.epoch >= epochs, map: this.trainer.latent_map(this.idx) });
  }
}

const session = new MapLesson();
session.listen(Promise.all([init(), loadMnist()]).then(([, bytes]) => { session.bytes = bytes; }));
