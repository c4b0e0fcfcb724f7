// The denoising panel (lecture figs 10–11 and 21–27, the notebook's last cells), in four parts:
//   1. corruptions: mask | corrupted input | reconstruction | clean target for fixed digits, with
//      the corruption and its strength chosen here (the main model's training settings stay);
//   2. the notebook's comparison: standard AE (d = 30) vs denoising AE (d = 500) in their own
//      worker (compare-worker.js), kernels side by side and outputs on the same corrupted digits;
//   3. the inpainting face-off (denoise-faceoff.js): AE vs OpenCV's Telea and Navier–Stokes;
//   4. inpainting by energy minimisation on a digit the user paints over (denoise-pad.js).
import { drawDigitRow } from '../draw/digits.js';
import { drawKernels, gridSize, legendGradient } from '../draw/kernels.js';
import { mountFaceoff } from './denoise-faceoff.js';
import { mountPad } from './denoise-pad.js';
import { el, row, throttled } from './denoise-ui.js';

export const id = 'panel-denoise';

/** The fixed digits of the corruption rows and of the comparison (the notebook shows img[3:7]). */
export const ROW_DIGITS = [3, 4, 5, 6, 7, 8, 9, 10];
const SIDE = 28;
const GAP = 2;

const KINDS = {
  dropout: { label: 'Dropout mask (the notebook)', name: 'p', min: 0, max: 0.95, step: 0.05, value: 0.5, hint: 'x̃ = x ⊙ m, m = 0 with probability p, else 1/(1−p)' },
  gaussian: { label: 'Gaussian noise', name: 'σ', min: 0, max: 2, step: 0.05, value: 0.5, hint: 'x̃ = x + σ·z, z ~ N(0, 1)' },
  salt_pepper: { label: 'Salt and pepper', name: 'p', min: 0, max: 0.95, step: 0.05, value: 0.2, hint: 'a fraction p of pixels set to black or white' },
  square: { label: 'Occluding square', name: 'size', min: 1, max: 28, step: 1, value: 12, hint: 'a size×size grey square at a random place' },
};

export function mount(section, model) {
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('./denoise.css', import.meta.url).href;
  document.head.append(css);

  section.append(
    el('h2', { id: 'denoise-title' }, 'Denoising, kernels and inpainting'),
    el('p', { class: 'explain' },
      'A denoising autoencoder is trained to undo a corruption: it sees x̃ = corrupt(x) and is scored against the clean x, ',
      el('span', { class: 'math' }, 'ℓ = ‖x − D(E(x̃))‖²'),
      '. The lecture’s picture: corruption pushes a digit off the manifold of digits, and the network learns the way back, so it can also fill in what is missing.'),
  );
  section.setAttribute('aria-labelledby', 'denoise-title');
  mountCorruptions(section, model);
  const compare = mountCompare(section);
  mountFaceoff(section, model, compare);
  mountPad(section, model, compare);
}

// ---- 1. corruptions ---------------------------------------------------------------------------

function mountCorruptions(section, model) {
  const box = el('div', { class: 'dn-part', id: 'dn-corrupt' });
  const kind = el('select', { id: 'dn-kind' }, ...Object.entries(KINDS).map(([k, v]) => el('option', { value: k }, v.label)));
  const strength = el('input', { id: 'dn-strength', type: 'number', inputmode: 'decimal' });
  const strengthLabel = el('label', { for: 'dn-strength' }, 'p');
  const hint = el('span', { class: 'hint' });
  const error = el('p', { class: 'error', 'aria-live': 'assertive' });
  const status = el('p', { class: 'status', 'aria-live': 'polite' });
  const canvases = { mask: null, xc: null, rec: null, clean: null };
  const rows = el('div', { class: 'rows' },
    (canvases.mask = row('dn-row-mask', 'mask')).fig,
    (canvases.xc = row('dn-row-xc', 'corrupted x̃')).fig,
    (canvases.rec = row('dn-row-rec', 'D(E(x̃))')).fig,
    (canvases.clean = row('dn-row-clean', 'clean target x')).fig);
  box.append(
    el('h3', {}, '1 · Corruptions'),
    el('p', { class: 'explain' },
      'The notebook corrupts with a dropout mask, ', el('span', { class: 'math' }, 'x̃ = x ⊙ Dropout(p)(1)'),
      ', p = 0.5: half the pixels set to 0 (grey), the others doubled. Try the other corruptions on the main model above; a standard AE passes the noise through, a denoising one removes it.'),
    el('div', { class: 'dn-controls' },
      el('div', { class: 'field' }, el('label', { for: 'dn-kind' }, 'Corruption'), kind),
      el('div', { class: 'field' }, strengthLabel, strength, hint),
    ),
    error, rows, status,
  );
  section.append(box);

  function setKind() {
    const k = KINDS[kind.value];
    strengthLabel.textContent = k.name === 'size' ? 'Square size (pixels)' : `Strength ${k.name}`;
    strength.min = k.min; strength.max = k.max; strength.step = k.step; strength.value = k.value;
    hint.textContent = k.hint;
  }
  setKind();

  const refresh = throttled(async () => {
    if (!model.info) return;
    const s = Number(strength.value);
    const k = KINDS[kind.value];
    if (strength.value.trim() === '' || !Number.isFinite(s) || s < k.min || s > k.max) {
      error.textContent = `${k.name === 'size' ? 'The size' : k.name} must be a number from ${k.min} to ${k.max}${k.name === 'p' ? ' (1 would drop every pixel)' : ''}.`;
      return;
    }
    const idx = Uint32Array.from(ROW_DIGITS.filter((i) => i < model.info.len));
    const kindNow = kind.value;
    try {
      const both = await model.call('corrupt_rows', idx, kindNow, s, 1234);
      const n = idx.length * SIDE * SIDE;
      const xc = both.slice(0, n);
      const mask = both.slice(n);
      const [rec, clean] = await Promise.all([model.call('reconstruct_rows', xc), model.call('inputs', idx)]);
      error.textContent = '';
      const { lo, hi } = model.info;
      const dims = { count: idx.length, side: SIDE, gap: GAP };
      drawDigitRow(canvases.mask.ctx, mask, dims, { lo, hi, kind: 'mask' });
      drawDigitRow(canvases.xc.ctx, xc, dims, { lo, hi });
      drawDigitRow(canvases.rec.ctx, rec, dims, { lo, hi });
      drawDigitRow(canvases.clean.ctx, clean, dims, { lo, hi });
      let se = 0;
      for (let i = 0; i < n; i++) se += (rec[i] - clean[i]) ** 2;
      const f = model.lastFrame;
      status.textContent = `Main model (${model.info.variant}, d = ${model.info.d}${f?.stats ? `, ${f.stats.steps} batches` : ''}): MSE of D(E(x̃)) against x on these digits ${(se / n).toFixed(4)}.`;
      box.dataset.drawn = String(Number(box.dataset.drawn ?? 0) + 1);
      box.dataset.drawnKind = `${kindNow} ${s}`;
    } catch (e) {
      error.textContent = e.message;
    }
  }, 400);
  kind.addEventListener('change', () => { setKind(); refresh(); });
  strength.addEventListener('input', refresh);
  model.onReady(refresh);
  model.onFrame(refresh);
}

// ---- 2. the notebook's comparison --------------------------------------------------------------

/** Kernel pages shown for each model: the standard AE's 30, the first 100 of the DAE's 500. */
const SHOW_KERNELS = { standard: 30, denoising: 100 };

function mountCompare(section) {
  const box = el('div', { class: 'dn-part', id: 'dn-compare' });
  const run = el('button', { type: 'button', class: 'primary', id: 'dn-compare-run' }, 'Run the notebook’s comparison');
  const pause = el('button', { type: 'button', id: 'dn-compare-pause', disabled: '' }, 'Hold the comparison');
  const mode = el('select', { id: 'dn-compare-mode' },
    el('option', { value: 'together' }, 'together (alternating batches)'),
    el('option', { value: 'sequential' }, 'one after the other'));
  const epochs = el('input', { id: 'dn-compare-epochs', type: 'number', min: '1', max: '200', step: '1', value: '20', inputmode: 'numeric' });
  const error = el('p', { class: 'error', 'aria-live': 'assertive' });
  const status = el('p', { class: 'status', 'aria-live': 'polite' }, 'Not started. Standard AE: d = 30; denoising AE: d = 500, dropout p = 0.5; both Adam, lr 10⁻³, batch 256, seed 0.');
  // Sized as their final grids (10 columns: 3 rows of 30, 10 rows of 100) before the first frame.
  const grid = (count) => gridSize(count, 10, SIDE, GAP);
  const kstd = el('canvas', { class: 'dn-kernels', id: 'dn-kernels-standard', 'aria-label': 'Encoder kernels of the standard autoencoder', role: 'img', width: String(grid(30).width), height: String(grid(30).height) });
  const kdae = el('canvas', { class: 'dn-kernels', id: 'dn-kernels-denoising', 'aria-label': 'Encoder kernels of the denoising autoencoder', role: 'img', width: String(grid(100).width), height: String(grid(100).height) });
  const r = {
    xc: row('dn-cmp-xc', 'corrupted x̃ (p = 0.5)'),
    std: row('dn-cmp-std', 'standard AE'),
    dae: row('dn-cmp-dae', 'denoising AE'),
    clean: row('dn-cmp-clean', 'clean x'),
  };
  box.append(
    el('h3', {}, '2 · Standard vs denoising: kernels and outputs (figs 22–23)'),
    el('p', { class: 'explain' },
      'The notebook trains an under-complete standard AE (d = 30) and an over-complete denoising AE (d = 500). With 500 units and clean inputs a model can get close to copying its input; with half of every input dropped, ',
      el('span', { class: 'math' }, 'min ‖x − D(E(x ⊙ m))‖²'),
      ' forces each unit of W', el('sub', {}, 'h'), ' to rely on the pixels around a stroke: after a few epochs many of its kernels (rows of W', el('sub', {}, 'h'), ', blue < 0 < red) are local stroke detectors while others stay noise, unlike the standard AE’s digit-wide blobs. Both models train here in their own worker; the main model above is untouched.'),
    el('div', { class: 'dn-controls' },
      el('div', { class: 'field' }, el('label', { for: 'dn-compare-mode' }, 'Train the two'), mode),
      el('div', { class: 'field' }, el('label', { for: 'dn-compare-epochs' }, 'Epochs each'), epochs),
      el('div', { class: 'buttons' }, run, pause),
    ),
    error, status,
    el('div', { class: 'dn-kernel-pair' },
      el('figure', {}, el('figcaption', {}, 'Standard AE (d = 30): all 30 kernels'), kstd),
      el('figure', {}, el('figcaption', {}, 'Denoising AE (d = 500): kernels 1–100'), kdae)),
    el('p', { class: 'legend' }, 'each tile scaled by its own max |w|: ', el('span', { class: 'bar', style: `background:${legendGradient()}` }), ' −max … 0 … +max'),
    el('div', { class: 'rows' }, r.xc.fig, r.std.fig, r.dae.fig, r.clean.fig),
  );
  section.append(box);

  let worker = null;
  let running = false;
  let started = false;
  let qid = 1;
  const pending = new Map();

  function ensureWorker() {
    if (worker) return worker;
    worker = new Worker(new URL('./compare-worker.js', import.meta.url), { type: 'module' });
    worker.onerror = (e) => { error.textContent = `The comparison worker failed: ${e.message ?? 'load error'}`; setRunning(false); };
    worker.onmessage = (ev) => {
      const msg = ev.data;
      if (msg.type === 'ready') {
        const dims = { count: ROW_DIGITS.length, side: SIDE, gap: GAP };
        drawDigitRow(r.xc.ctx, msg.xc, dims, { lo: -1, hi: 1 });
        drawDigitRow(r.clean.ctx, msg.clean, dims, { lo: -1, hi: 1 });
      } else if (msg.type === 'frame') {
        drawFrame(msg);
      } else if (msg.type === 'answer') {
        const p = pending.get(msg.qid);
        if (!p) return;
        pending.delete(msg.qid);
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.result);
      } else if (msg.type === 'error') {
        error.textContent = msg.message;
        setRunning(false);
      }
    };
    return worker;
  }

  function drawFrame(msg) {
    const dims = { count: ROW_DIGITS.length, side: SIDE, gap: GAP };
    drawDigitRow(r.std.ctx, msg.outputs[0], dims, { lo: -1, hi: 1 });
    drawDigitRow(r.dae.ctx, msg.outputs[1], dims, { lo: -1, hi: 1 });
    for (const m of msg.models) {
      if (!m.kernels) continue;
      const canvas = m.name === 'standard' ? kstd : kdae;
      const count = Math.min(SHOW_KERNELS[m.name], m.kernels.length / 784);
      const cols = 10;
      drawKernels(canvas.getContext('2d'), m.kernels, { start: 0, count, cols, side: SIDE, gap: GAP }, { scale: 'tile' });
      box.dataset.kernels = String(Number(box.dataset.kernels ?? 0) + 1);
      canvas.style.aspectRatio = `${gridSize(count, cols, SIDE, GAP).width} / ${gridSize(count, cols, SIDE, GAP).height}`;
    }
    const parts = msg.models.map((m) => `${m.name} (d = ${m.d}): epoch ${Math.min(m.stats.epoch, msg.epochs)}/${msg.epochs}, ${m.stats.steps} batches, loss ${m.stats.steps ? m.stats.loss.toFixed(4) : '–'}`);
    status.textContent = `${parts.join(' · ')}${msg.done ? ' — done.' : msg.running ? '' : ' — paused.'}`;
    box.dataset.steps = String(msg.models.reduce((a, m) => a + m.stats.steps, 0));
    box.dataset.standardSteps = String(msg.models[0].stats.steps);
    box.dataset.denoisingSteps = String(msg.models[1].stats.steps);
    if (msg.done || !msg.running) setRunning(false);
    if (msg.done) pause.disabled = true;
  }

  function setRunning(on) {
    running = on;
    pause.disabled = !started;
    pause.textContent = on ? 'Hold the comparison' : 'Continue the comparison'; // not “Pause”: that names the page's Train button
    box.dataset.running = String(on);
  }

  run.addEventListener('click', () => {
    const e = Number(epochs.value);
    if (!Number.isInteger(e) || e < 1 || e > 200) {
      error.textContent = 'Epochs must be a whole number from 1 to 200.';
      return;
    }
    error.textContent = '';
    status.textContent = 'Loading the two models…';
    ensureWorker().postMessage({ type: 'start', mode: mode.value, epochs: e, idx: ROW_DIGITS, seed: 1234 });
    started = true;
    run.textContent = 'Restart the comparison';
    setRunning(true);
  });
  pause.addEventListener('click', () => {
    if (!worker) return;
    if (running) worker.postMessage({ type: 'pause' });
    else worker.postMessage({ type: 'resume', mode: mode.value });
    setRunning(!running);
  });
  mode.addEventListener('change', () => { if (worker && running) worker.postMessage({ type: 'resume', mode: mode.value }); });

  return {
    /** `which` ('standard'|'denoising') model's `op(...args)`, or a rejection if not started. */
    call(which, op, ...args) {
      if (!worker || !started) return Promise.reject(new Error('Run the notebook’s comparison first (section 2), or choose the main model.'));
      const q = qid++;
      return new Promise((resolve, reject) => {
        pending.set(q, { resolve, reject });
        worker.postMessage({ type: 'query', qid: q, which, op, args });
      });
    },
    steps: () => Number(box.dataset.steps ?? 0),
  };
}
