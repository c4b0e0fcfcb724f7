// latent/anomaly: anomaly detection, the lecture's first application. Every input is scored by its
// reconstruction error e(x) = ‖x − D(E(x))‖²/784 (`latent_anomalies`: 500 held-out digits and 100
// of each kind of anomaly, plus drawings; `latent_versus`: 500 images of the other built-in data
// set); a threshold gives precision and recall, and the ROC AUC sums them up
// (`latent_precision_recall`, asked each time the threshold moves); a selected input shows where
// its error is (`latent_probe`'s heat map).
import { drawDigitRow } from '../../draw/digits.js';
import { drawHistogram, drawHeat, formatError } from './charts.js';
import { latentExperiment, N, SIDE } from './shared.js';

const ANOMALY_MS = 3000; // while training, the report at most this often (≥ 10× its cost)
const ANOMALY_NORMAL = 500;
const ANOMALY_PER_KIND = 100;
const BINS = 40;
const KIND_NAMES = { noise: 'uniform noise', inverted: 'inverted digits', shifted: 'shifted digits', rotated: 'rotated digits', drawn: 'your drawings', all: 'all anomalies', clothing: 'another data set' };
/** The other built-in set the 'clothing' population comes from (`latent_versus`'s `set`). */
const OTHER_NAMES = { fashion: 'Fashion-MNIST clothes', mnist: 'MNIST digits' };

/** Why a kind of anomaly is hard to tell from digits, said when its AUC is low (0.5 is chance). */
function hardToTell(kind, auc) {
  if (!(auc < 0.75)) return '';
  const why = kind === 'inverted'
    ? 'tanh is odd and the biases stay small, so the model is nearly odd too, D(E(−x)) ≈ −D(E(x)): an inverted digit is reconstructed about as well as the digit'
    : 'the model reconstructs these about as well as digits';
  return `. An AUC of ${auc.toFixed(2)} is close to chance (0.5): ${why}.`;
}

const HTML = `
<section class="lat-box lat-anombox" aria-labelledby="lat-anom-title">
  <h3 id="lat-anom-title">4 · Anomaly detection</h3>
  <p class="explain">Score every input by its reconstruction error <span class="math">e(x) = ‖x − D(E(x))‖²/784</span>
    and call it an anomaly when <span class="math">e(x)</span> is above a threshold. Blue: 500 held-out test digits; red: the
    chosen anomalies (100 of each kind, plus what you add from the drawing pad; or 500 held-out images of the
    other data set — clothes for a digit model —, the natural out-of-distribution test). Drag the threshold; the ROC AUC is
    the chance that an anomaly scores above a digit, whatever the threshold.</p>
  <div class="lat-anom-tools">
    <label>Anomalies <select class="lat-kind">
      <option value="all">all kinds</option><option value="noise">uniform noise</option><option value="inverted">inverted digits</option>
      <option value="shifted">shifted digits</option><option value="rotated">rotated digits</option><option value="drawn">your drawings</option>
      <option value="clothing">clothes (Fashion-MNIST)</option></select></label>
    <label>Shift <select class="lat-shift">${[2, 4, 6, 8, 10].map((k) => `<option value="${k}"${k === 6 ? ' selected' : ''}>${k} px</option>`).join('')}</select></label>
    <label>Rotation <select class="lat-angle">${[15, 30, 45, 90, 180].map((a) => `<option value="${a}"${a === 90 ? ' selected' : ''}>${a}°</option>`).join('')}</select></label>
  </div>
  <canvas class="lat-hist" aria-hidden="true"></canvas>
  <div class="lat-threshold">
    <label for="lat-threshold">Threshold <output id="lat-threshold-out" for="lat-threshold">—</output></label>
    <input id="lat-threshold" type="range" min="0" max="1000" step="1" value="500" aria-describedby="lat-anom-readout">
  </div>
  <p class="readout lat-anom-readout" id="lat-anom-readout" aria-live="polite">Waiting for the model…</p>
  <p class="lat-hint">Click an image to see where its error is: the per-pixel heat map <span class="math">(x̂ − x)²</span>.</p>
  <figure class="lat-strip"><figcaption>digits</figcaption><canvas class="pix lat-ex-normal" tabindex="0" role="img" aria-label="Example digits; click or ← → to select"></canvas></figure>
  <figure class="lat-strip"><figcaption class="lat-ex-caption">anomalies</figcaption><canvas class="pix lat-ex-anom" tabindex="0" role="img" aria-label="Example anomalies; click or ← → to select"></canvas></figure>
  <div class="lat-heat">
    <figure><canvas class="pix lat-sel-in" width="28" height="28" role="img" aria-label="Selected input"></canvas><figcaption>input</figcaption></figure>
    <figure><canvas class="pix lat-sel-rec" width="28" height="28" role="img" aria-label="Its reconstruction"></canvas><figcaption>output</figcaption></figure>
    <figure><canvas class="pix lat-sel-heat" width="28" height="28" role="img" aria-label="Per-pixel squared error"></canvas><figcaption>error <span class="math">(x̂−x)²</span></figcaption></figure>
  </div>
  <p class="readout lat-sel-readout" aria-live="polite"></p>
</section>
`;

/**
 * `fn(args)` (async) with at most one call in flight: a call made meanwhile waits, and a newer
 * one replaces it, so only the newest arguments run next (a threshold drag is answered at its
 * latest position, never through a queue of stale ones). Returns `ask(args)`.
 */
export function latestOnly(fn) {
  let busy = false;
  let next = null; // {args} of the newest waiting call
  return async function ask(args) {
    next = { args };
    if (busy) return;
    busy = true;
    try {
      while (next) {
        const { args: a } = next;
        next = null;
        await fn(a);
      }
    } finally {
      busy = false;
    }
  };
}

export function mount(container, model, opts = {}) {
  const { lab, $, ctx, unmount } = latentExperiment(container, model, opts, HTML);
  let threshold = null; // log10 of the threshold
  let thresholdTouched = false; // moved by the user (else it follows the digits' 95th percentile)
  let selected = null; // {row: 'normal'|'anom', i}
  let range = null; // [lo, hi] of log10 e over every population
  let exRows = null; // the example strips' images: {normal, anom}
  let lastAnom = 0;
  let anomCost = 0;
  let dirtyAnom = true;

  const thr = $('#lat-threshold');
  const histCanvas = $('.lat-hist');
  async function refreshAnomalies() {
    if (!lab.info) return;
    const gen = model.generation;
    const drawn = new Float32Array(lab.drawnList.length * N);
    lab.drawnList.forEach((x, i) => drawn.set(x, i * N));
    const t0 = performance.now();
    try {
      const at = model.lastFrame?.generation === gen ? model.lastFrame.stats?.steps ?? 0 : 0; // the model's age
      const r = await model.call('latent_anomalies', ANOMALY_NORMAL, ANOMALY_PER_KIND, Number($('.lat-shift').value), Number($('.lat-angle').value), drawn);
      if (gen !== model.generation) return;
      anomCost = performance.now() - t0;
      lab.root.dataset.anomalyMs = anomCost.toFixed(0);
      lastAnom = performance.now();
      dirtyAnom = false;
      // Out of distribution, only once chosen (it fetches and parses a second data set): the
      // held-out images of the other built-in set (clothes for a digit model) against the
      // model's own held-out images.
      const v = $('.lat-kind').value === 'clothing' ? await model.call('latent_versus', ANOMALY_NORMAL) : null;
      if (gen !== model.generation) return;
      lab.report = r;
      lab.reportSteps = at; // the drawing pad says how old the median it compares with is
      lab.versus = v;
      if (v) {
        KIND_NAMES.clothing = OTHER_NAMES[v.set];
        lab.root.dataset.versusAuc = v.auc.toFixed(4);
      }
      paintAnomalies();
      lab.count('anomaly');
      // Keep the selected input's heat map live; the first time, show the first anomaly's.
      if (selected) selectExample(selected.row, selected.i);
      else selectExample('anom', 0);
    } catch (e) {
      $('.lat-anom-readout').textContent = `The anomaly report could not be computed: ${e.message}`;
    }
  }
  function kindErrors(kind) {
    const r = lab.report;
    if (kind === 'clothing') return lab.versus.other;
    if (kind === 'all') {
      const parts = r.errors.slice(1);
      const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    }
    return r.errors[r.kinds.indexOf(kind)];
  }
  function kindExamples(kind) {
    const r = lab.report;
    if (kind === 'clothing') return lab.versus.examples;
    if (kind !== 'all') return r.examples[r.kinds.indexOf(kind)];
    // Three of each kind.
    const parts = r.examples.slice(1).map((e) => e.subarray(0, Math.min(e.length, 3 * N)));
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function errorRange() {
    // log10 bounds over every population, with a margin.
    let lo = Infinity, hi = -Infinity;
    for (const e of [...lab.report.errors, ...(lab.versus ? [lab.versus.own, lab.versus.other] : [])]) for (const v of e) { const l = Math.log10(Math.max(v, 1e-12)); if (l < lo) lo = l; if (l > hi) hi = l; }
    if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
    const m = (hi - lo) * 0.04;
    return [lo - m, hi + m];
  }
  function thresholdValue() { const [lo, hi] = range; return lo + (hi - lo) * (Number(thr.value) / 1000); }
  function paintAnomalies() {
    const r = lab.report;
    if (!r) return;
    const kind = $('.lat-kind').value;
    if (kind === 'clothing' && !lab.versus) { refreshAnomalies(); return; } // computed on first choice
    const normal = kind === 'clothing' ? lab.versus.own : r.errors[0]; // each AUC against its own digits
    const anom = kindErrors(kind);
    const first = !range;
    range = errorRange();
    const [lo, hi] = range;
    if (first || threshold === null || !thresholdTouched) {
      // Until the user moves it, the threshold follows the 95th percentile of the digits' errors
      // (about 5 % false alarms), so it stays meaningful while training lowers every error.
      const sorted = Float32Array.from(normal).sort();
      threshold = Math.log10(Math.max(sorted[Math.floor(0.95 * (sorted.length - 1))], 1e-12));
    }
    thr.value = String(Math.round(((Math.min(hi, Math.max(lo, threshold)) - lo) / (hi - lo)) * 1000));
    const t = thresholdValue();
    drawHistogram(histCanvas.getContext('2d'), normal, anom, { lo, hi, bins: BINS, threshold: t });
    const tv = 10 ** t;
    $('#lat-threshold-out').value = formatError(tv);
    thr.setAttribute('aria-valuetext', `reconstruction error ${formatError(tv)}`);
    const auc = kind === 'all' ? r.auc_all : kind === 'clothing' ? lab.versus.auc : r.auc[r.kinds.indexOf(kind)];
    showScores({ normal, anom, t: tv, kind, auc });
    $('.lat-ex-caption').textContent = KIND_NAMES[kind];
    const ex = kindExamples(kind);
    const en = r.examples[0];
    drawDigitRow(ctx('.lat-ex-normal'), en, { count: en.length / N, side: SIDE, gap: 2 }, { ...lab.info, gapColor: [255, 255, 255] });
    const ca = ctx('.lat-ex-anom');
    if (ex.length) drawDigitRow(ca, ex, { count: ex.length / N, side: SIDE, gap: 2 }, { ...lab.info, gapColor: [255, 255, 255] });
    else { ca.canvas.width = 1; ca.canvas.height = SIDE; }
    exRows = { normal: en, anom: ex };
    markSelected();
  }
  /** The readout of "anomaly if e > t": the engine's precision and recall, newest threshold only. */
  const showScores = latestOnly(async ({ normal, anom, t, kind, auc }) => {
    const readout = $('.lat-anom-readout');
    const pct = (v) => (Number.isFinite(v) ? v.toFixed(2) : '—');
    let pr;
    try {
      pr = await model.call('latent_precision_recall', normal, anom, t);
    } catch (e) {
      readout.textContent = `Precision and recall could not be computed: ${e.message}`;
      return;
    }
    if (!anom.length) {
      readout.textContent = 'No drawings in the anomaly set yet: draw a letter or a shape above and press “Add as anomaly”.';
    } else {
      readout.textContent = `${KIND_NAMES[kind]}: flagged ${pr.tp} of ${anom.length} anomalies and ${pr.fp} of ${normal.length} digits · precision ${pct(pr.precision)} · recall ${pct(pr.recall)} · ROC AUC ${pct(auc)}${hardToTell(kind, auc)}`;
    }
    readout.dataset.precision = pct(pr.precision);
    readout.dataset.recall = pct(pr.recall);
    readout.dataset.auc = pct(auc);
  });
  /** An orange frame around the selected example's tile (1 px of the native 28-px tiles). */
  function markSelected() {
    const sel = selected;
    if (!sel || !exRows) return;
    const c = ctx(sel.row === 'normal' ? '.lat-ex-normal' : '.lat-ex-anom');
    c.strokeStyle = '#e08600';
    c.lineWidth = 2;
    c.strokeRect(sel.i * (SIDE + 2) + 1, 1, SIDE - 2, SIDE - 2);
  }
  const setThresholdFromSlider = () => { threshold = thresholdValue(); thresholdTouched = true; paintAnomalies(); };
  thr.addEventListener('input', setThresholdFromSlider);
  const dragHist = (e) => {
    if (!range) return;
    const r = histCanvas.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    thr.value = String(Math.round(f * 1000));
    setThresholdFromSlider();
  };
  histCanvas.addEventListener('pointerdown', (e) => { histCanvas.setPointerCapture(e.pointerId); dragHist(e); });
  histCanvas.addEventListener('pointermove', (e) => { if (histCanvas.hasPointerCapture(e.pointerId)) dragHist(e); });
  $('.lat-kind').addEventListener('change', () => { selected = null; paintAnomalies(); });
  for (const s of ['.lat-shift', '.lat-angle']) $(s).addEventListener('change', () => { dirtyAnom = true; refreshAnomalies(); });

  // Selecting an example: click a tile, or focus the strip and use ← →.
  for (const [sel, row] of [['.lat-ex-normal', 'normal'], ['.lat-ex-anom', 'anom']]) {
    const c = $(sel);
    c.addEventListener('click', (e) => {
      const r = c.getBoundingClientRect();
      const i = Math.floor(((e.clientX - r.left) / r.width) * c.width / (SIDE + 2));
      selectExample(row, i);
    });
    c.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const n = (exRows?.[row].length ?? 0) / N;
      if (!n) return;
      const cur = selected?.row === row ? selected.i : -1;
      selectExample(row, cur < 0 ? (e.key === 'ArrowRight' ? 0 : n - 1) : (cur + (e.key === 'ArrowRight' ? 1 : n - 1)) % n);
      e.preventDefault();
    });
  }
  async function selectExample(row, i) {
    const rows = exRows?.[row];
    if (!rows || i < 0 || (i + 1) * N > rows.length) return;
    const x = rows.slice(i * N, (i + 1) * N);
    if (selected) { selected = null; paintAnomalies(); } // repaint the strips without the old frame
    selected = { row, i };
    markSelected();
    try {
      const p = await model.call('latent_probe', x);
      drawDigitRow(ctx('.lat-sel-in'), x, { count: 1, side: SIDE, gap: 0 }, lab.info);
      drawDigitRow(ctx('.lat-sel-rec'), p.recon, { count: 1, side: SIDE, gap: 0 }, lab.info);
      let max = 0;
      for (const v of p.heat) max = Math.max(max, v);
      const span = (lab.info.hi - lab.info.lo) ** 2;
      drawHeat(ctx('.lat-sel-heat'), p.heat, Math.max(max, span * 0.05));
      const t = threshold !== null ? 10 ** threshold : NaN;
      $('.lat-sel-readout').textContent = `${row === 'normal' ? 'digit' : 'anomaly'} ${i + 1}: e(x) = ${formatError(p.error)} — ${p.error > t ? 'above' : 'below'} the threshold, so it is called ${p.error > t ? 'an anomaly' : 'normal'}; heat map white 0 → red → black ${formatError(Math.max(max, span * 0.05))}.`;
      lab.count('selected');
    } catch (e) {
      $('.lat-sel-readout').textContent = e.message;
    }
  }

  lab.on('reset', () => { lab.report = null; range = null; });
  lab.on('drawn', () => { $('.lat-kind').value = 'drawn'; dirtyAnom = true; refreshAnomalies(); });
  lab.on('resize', paintAnomalies);
  lab.task(async (force, now) => {
    if (force || dirtyAnom || now - lastAnom >= Math.max(ANOMALY_MS, 10 * anomCost)) await refreshAnomalies();
  });
  return { unmount };
}
