// The notebook's comparison (lecture figs 22–23), in its own module worker so the page's main
// model is untouched: the standard AE (d = 30) and the denoising AE (d = 500, dropout mask
// p = 0.5), both Adam 1e-3, batch 256, trained together (alternating batches) or one after the
// other. Messages:
//   page → worker  {type:'start', mode:'together'|'sequential', epochs}  {type:'pause'}  {type:'resume'}
//                  {type:'query', qid, which:'standard'|'denoising', op, args}
//   worker → page  {type:'ready'}  {type:'frame', models:[{name, d, stats, kernels?, maxAbs?}], outputs, running, done}
//                  {type:'answer', qid, result | error}  {type:'error', message}
// `outputs`: D(E(x̃)) of both models on the same fixed corrupted digits, `[2, k·784]` as two arrays.

import init, { Trainer } from '../../pkg/autoencoder_playground.js';

const DATA = { images: '../../data/mnist10k-images-idx3-ubyte.gz', labels: '../../data/mnist10k-labels-idx1-ubyte.gz' };
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

let bytes = null;
let models = null; // [{name, trainer, stats, epochs}]
let running = false;
let mode = 'together';
let epochs = 20;
let turn = 0;
let lastFrame = -Infinity;
let lastKernels = -Infinity; // (a worker's clock starts at its creation)
let shown = null; // {idx, xc} fixed corrupted digits for the outputs
const tick = new MessageChannel();
tick.port1.onmessage = () => slice();

function messageOf(e) {
  return e instanceof Error ? e.message || String(e) : String(e);
}

async function fetchBytes(path) {
  const res = await fetch(new URL(path, import.meta.url));
  if (!res.ok) throw new Error(`Could not load ${path} (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

const loaded = (async () => {
  const [, images, labels] = await Promise.all([init(), fetchBytes(DATA.images), fetchBytes(DATA.labels)]);
  bytes = { images, labels };
})();

function build() {
  for (const m of models ?? []) m.trainer.free();
  models = NOTEBOOK.map(({ name, settings }) => {
    const trainer = new Trainer(settings, bytes.images, bytes.labels);
    return { name, trainer, d: trainer.d, stats: trainer.position() };
  });
}

function done(m) {
  return m.stats.epoch >= epochs;
}

/** Train for up to SLICE_MS, one batch at a time (alternating, or the first unfinished model). */
function slice() {
  if (!running) return;
  const t0 = performance.now();
  try {
    while (performance.now() - t0 < SLICE_MS) {
      const open = models.filter((m) => !done(m));
      if (open.length === 0) {
        running = false;
        break;
      }
      const m = mode === 'together' ? open[turn++ % open.length] : open[0];
      m.stats = m.trainer.step(1);
    }
    frame(false);
  } catch (e) {
    running = false;
    postMessage({ type: 'error', message: messageOf(e) });
  }
  if (running) tick.port2.postMessage(0);
  else frame(true);
}

function frame(force) {
  const now = performance.now();
  if (!force && now - lastFrame < FRAME_MS) return;
  lastFrame = now;
  const withKernels = force || now - lastKernels > KERNEL_MS;
  if (withKernels) lastKernels = now;
  const transfer = [];
  const out = models.map((m) => {
    const o = { name: m.name, d: m.d, stats: m.stats, done: done(m) };
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
  const outputs = models.map((m) => m.trainer.reconstruct_rows(shown.xc));
  transfer.push(...outputs.map((o) => o.buffer));
  postMessage({ type: 'frame', models: out, outputs, running, done: models.every(done), epochs }, transfer);
}

function query({ qid, which, op, args = [] }) {
  try {
    if (!models) throw new Error('the comparison has not started yet');
    const m = models.find((x) => x.name === which);
    if (!m) throw new Error(`no model ${which}`);
    if (!['reconstruct_rows', 'corrupt_rows', 'inputs', 'kernels', 'inpaint_rows'].includes(op)) throw new Error(`unknown query ${op}`);
    const result = m.trainer[op](...args);
    postMessage({ type: 'answer', qid, result, steps: m.stats.steps }, result?.buffer ? [result.buffer] : []);
  } catch (e) {
    postMessage({ type: 'answer', qid, error: messageOf(e) });
  }
}

let queue = Promise.resolve();
onmessage = (ev) => {
  const msg = ev.data;
  queue = queue.then(async () => {
    try {
      await loaded;
      if (msg.type === 'start') {
        mode = msg.mode === 'sequential' ? 'sequential' : 'together';
        const e = Number(msg.epochs);
        if (!Number.isInteger(e) || e < 1 || e > 200) throw new Error(`epochs must be a whole number from 1 to 200, got ${msg.epochs}`);
        epochs = e;
        build();
        const idx = Uint32Array.from(msg.idx);
        const both = models[0].trainer.corrupt_rows(idx, 'dropout', 0.5, msg.seed >>> 0);
        shown = { idx, xc: both.slice(0, idx.length * 784), mask: both.slice(idx.length * 784) };
        postMessage({ type: 'ready', xc: shown.xc, mask: shown.mask, clean: models[0].trainer.inputs(idx) });
        running = true;
        tick.port2.postMessage(0);
      } else if (msg.type === 'pause') {
        running = false;
      } else if (msg.type === 'resume') {
        if (models && !models.every(done)) {
          if (msg.mode) mode = msg.mode === 'sequential' ? 'sequential' : 'together';
          running = true;
          tick.port2.postMessage(0);
        }
      } else if (msg.type === 'query') {
        query(msg);
      }
    } catch (e) {
      running = false;
      if (msg.type === 'query') postMessage({ type: 'answer', qid: msg.qid, error: messageOf(e) });
      else postMessage({ type: 'error', message: messageOf(e) });
    }
  });
};
