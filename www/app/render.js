// Drawing of the training page's panels, at most once per animation frame: the progress and the
// live status, the notebook's digit rows, the loss chart and its hover readout (the kernels are in
// app/kernels.js), and the data-* attributes on <main id="app"> that tests and scripts read. They
// are set in the same frame that draws the canvases, so a test that waits for one sees its pixels.

import { SIDE } from '../protocol.js';
import { drawDigitRow } from '../draw/digits.js';
import { drawLossChart, indexAt } from '../draw/chart.js';
import { finished, invalidate } from './run.js';
import { drawKernelPanel } from './kernels.js';
import { grouped } from '../kit/grouped.js';

const DIGIT_GAP = 2; // pixels between digits, at native resolution
const GAP_COLOR = [255, 255, 255]; // between digits: the panel's white

/** Colours of the chart, from the page's CSS custom properties. */
function chartColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return { text: v('--muted'), grid: v('--grid'), batch: v('--batch'), epoch: v('--epoch'), cursor: v('--text') };
}

export function wireRender(app) {
  const { ui, run } = app;
  run.paint = () => render(app);
  app.colors = chartColors();
  ui.chart.addEventListener('pointermove', (e) => setHover(app, indexAt(run.series, e.offsetX, chartDims(app))));
  ui.chart.addEventListener('pointerleave', () => setHover(app, -1));
  ui.chart.addEventListener('blur', () => setHover(app, -1));
  ui.chart.addEventListener('keydown', (e) => {
    const n = run.series.length;
    if (!n) return;
    const at = run.hover >= 0 ? run.hover : n - 1;
    const jump = e.shiftKey ? run.series.perEpoch : 1;
    const to = { ArrowLeft: at - jump, ArrowRight: at + jump, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setHover(app, Math.max(0, Math.min(n - 1, to)));
  });
  // The chart's size, read when layout is already done: reading clientWidth in a frame that has
  // just changed text forces a layout of the whole page (40+ ms with the labs) on every frame.
  new ResizeObserver(() => {
    app.chartSize = { width: ui.chart.clientWidth, height: ui.chart.clientHeight };
    invalidate(app, 'chart', 'kernels');
  }).observe(ui.chart);
}

/** Train's name says what a press does: Train, or Pause while training. Set at once, not per frame. */
export function setRunning(app, running) {
  const { ui } = app;
  app.run.running = running;
  const name = running ? 'Pause' : 'Train';
  if (ui.train.textContent !== name) ui.train.textContent = name;
  ui.train.classList.toggle('running', running);
}

/** `text` in the status line, read out now (kit/status-line.js). */
export function say(app, text) {
  app.status.say(text);
}

/** Source `key`'s sentence in the page's alert region (kit/alerts.js): the engine's by default. */
export function showAlert(app, text, key = 'engine') {
  app.alerts.set(key, text);
}

/** Clear source `key`'s sentence (others stay: a new model does not hide the link's refusals). */
export function hideAlert(app, key = 'engine') {
  app.alerts.clear(key);
  if (key === 'engine') delete app.ui.app.dataset.error;
}

function chartDims(app) {
  const { ui, run, state } = app;
  const { width, height } = app.chartSize ?? { width: ui.chart.clientWidth, height: ui.chart.clientHeight };
  return { width, height, dpr: window.devicePixelRatio || 1, total: state.values.epochs * run.series.perEpoch };
}

/** The chart's cursor on batch `i` (-1: none), and its readout: read out at once when the user
 *  moved it, but only every few seconds when a training frame refreshed it (`byUser` false: the
 *  epoch's mean under a cursor can change with every batch). */
export function setHover(app, i, byUser = true) {
  const { run } = app;
  run.hover = i;
  const s = run.series;
  let text = 'Point at the chart, or focus it and use ← →, to read a batch’s loss.';
  if (i >= 0 && i < s.length) {
    const e = s.epochOf(i);
    const { mean } = s.epochMean(e);
    text = `batch ${i + 1} (epoch ${e + 1}, batch ${i - e * s.perEpoch + 1}/${s.perEpoch}) · loss ${fmtLoss(s.values[i])} · epoch ${e + 1} mean ${fmtLoss(mean)}`;
  }
  if (byUser) app.chartReadout.say(text);
  else app.chartReadout.show(text);
  invalidate(app, 'chart');
}

function render(app) {
  const { ui, run, state } = app;
  run.queued = false;
  const dirty = run.dirty;
  run.dirty = new Set();
  const f = run.frame;
  const epochs = state.values.epochs;

  if (f) {
    const pos = position(f.stats);
    setText(ui.epochLabel, epochText(app, pos, epochs, false));
    if (ui.progress.max !== pos.of) ui.progress.max = pos.of;
    if (ui.progress.value !== pos.batch) ui.progress.value = pos.batch;
    setText(ui.loss, f.stats.steps ? fmtLoss(f.stats.loss) : '—');
    const w = f.workers?.active ?? 1;
    setText(ui.rate, f.rate > 0 ? `${grouped(f.rate)} on ${w} worker${w > 1 ? 's' : ''}` : '—');
    setText(ui.elapsed, fmtTime(f.elapsed));
    // The line follows every frame while training; it is read out every few seconds then.
    if (dirty.has('status')) say(app, statusText(app, f, pos, epochs));
    else if (run.running) app.status.show(statusText(app, f, pos, epochs));
  }
  if (!run.display && run.preview && dirty.has('preview')) drawPreview(app);
  if (run.display && dirty.has('display')) drawDisplay(app);
  if (f && dirty.has('digits')) drawRecon(app, f);
  if (dirty.has('chart')) drawChart(app);
  if (dirty.has('kernels')) drawKernelPanel(app);

  // For tests and for anyone scripting the page: what is drawn now.
  setData(ui.app, {
    ready: !!f,
    running: run.running,
    // The frame drawn answers the last command sent: after a Pause, every batch trained is in.
    answered: !!f && app.link.current(f),
    done: finished(app),
    generation: run.generation,
    steps: f?.stats.steps ?? 0,
    workers: f?.workers?.active ?? 1,
    workersShared: !!f?.workers?.shared, // buffers in shared memory (cross-origin isolated)
    epoch: f?.stats.epoch ?? 0,
    loss: f && f.stats.steps ? f.stats.loss : '',
    kernels: run.kernelGrids, // grids painted (app/kernels.js), and who put their pixels
    kernelsBy: run.kernelGrid ? (run.canvasGiven ? 'worker' : 'page') : '',
  });
}

/**
 * Text and data-* attributes are written only when they change: a render that only paints (the
 * chart's hover) then costs the page no style or layout work.
 */
function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}

function setData(e, values) {
  for (const [key, v] of Object.entries(values)) {
    const text = String(v);
    if (e.dataset[key] !== text) e.dataset[key] = text;
  }
}

function statusText(app, f, pos, epochs) {
  const mode = app.run.running ? 'training' : finished(app) ? 'finished' : f.stats.steps ? 'paused' : 'ready';
  const loss = f.stats.steps ? fmtLoss(f.stats.loss) : '—';
  return `${epochText(app, pos, epochs, true)} · batch ${pos.batch}/${pos.of} · loss ${loss} · ${mode}`;
}

/**
 * "epoch 3/20", the epoch counter of this tab's training. A loaded model (pretrained, kept, a
 * file) trained epochs before: then "epoch 1/20 here", and with `all` the model's own count too,
 * "epoch 1/20 here (21 in all)" — not a bare "epoch 1" beside "pretrained, 20 epochs".
 */
function epochText(app, pos, epochs, all) {
  const prior = app.keep?.prior ?? 0;
  if (!prior) return `epoch ${pos.epoch}/${epochs}`;
  return `epoch ${pos.epoch}/${epochs} here${all ? ` (${prior + pos.epoch} in all)` : ''}`;
}

/** The fixed rows of a model's display digits `m` (`ready`'s, or a `preview`): x, and for the
 *  denoising AE its mask and x̃; values in [lo, hi]. */
function drawInputs(app, m, { lo, hi }) {
  const rows = app.ui.rows;
  const dims = { count: m.labels.length, side: SIDE, gap: DIGIT_GAP };
  drawDigitRow(rows.input.getContext('2d'), m.inputs, dims, { lo, hi, gapColor: GAP_COLOR });
  if (m.masks) drawDigitRow(rows.mask.getContext('2d'), m.masks, dims, { lo, hi, kind: 'mask', gapColor: GAP_COLOR });
  if (m.corrupted) drawDigitRow(rows.corrupted.getContext('2d'), m.corrupted, dims, { lo, hi, gapColor: GAP_COLOR });
}

/** The output rows of `f` (a frame, or a `preview`) for `count` digits: x̂, and for the denoising
 *  AE the output from the clean x too. */
function drawOutputs(app, f, { lo, hi }, count) {
  const rows = app.ui.rows;
  const dims = { count, side: SIDE, gap: DIGIT_GAP };
  drawDigitRow(rows.recon.getContext('2d'), f.recon, dims, { lo, hi, gapColor: GAP_COLOR });
  if (f.reconClean) drawDigitRow(rows.reconClean.getContext('2d'), f.reconClean, dims, { lo, hi, gapColor: GAP_COLOR });
}

function drawDisplay(app) {
  drawInputs(app, app.run.display, app.run.info);
}

function drawRecon(app, f) {
  drawOutputs(app, f, app.run.info, app.run.display.labels.length);
}

/** The opening model's rows before it is ready (worker-preview.js); marks #app
 *  data-preview="drawn" (the first reconstructions on screen: scripts/bench.mjs). */
function drawPreview(app) {
  const p = app.run.preview;
  drawInputs(app, p, p);
  drawOutputs(app, p, p, p.labels.length);
  app.ui.app.dataset.preview = 'drawn';
}

function drawChart(app) {
  const { ui, run, state } = app;
  const dims = chartDims(app);
  if (!dims.width || !dims.height) return;
  const w = Math.round(dims.width * dims.dpr);
  const h = Math.round(dims.height * dims.dpr);
  if (ui.chart.width !== w) ui.chart.width = w;
  if (ui.chart.height !== h) ui.chart.height = h;
  const bce = state.lab.loss === 'bce';
  drawLossChart(ui.chart.getContext('2d'), run.series, dims, { log: state.values.scale === 'log', hover: run.hover, colors: app.colors, lossName: bce ? 'BCE' : 'MSE' });
  // The formula above the chart names the loss the model trains with.
  const [formula, words] = [document.getElementById('loss-formula'), document.getElementById('loss-words')];
  const text = bce ? ['L = −1/n Σ [x log x̂ + (1 − x) log(1 − x̂)]', ', the mean binary cross-entropy over the batch’s pixels']
    : ['L = 1/n Σ (x̂ − x)²', ', the mean square over the batch’s pixels'];
  if (formula && formula.textContent !== text[0]) formula.textContent = text[0];
  if (words && words.textContent !== text[1]) words.textContent = text[1];
  ui.chart.setAttribute('aria-label', chartText(run.series));
}

/** Epoch means the chart's text equivalent spells out (the last ones). */
const TEXT_EPOCHS = 5;

/** The chart in words (its accessible name): batches so far, the last batch's loss, the last epoch means. */
export function chartText(series) {
  const n = series.length;
  if (!n) return 'Loss per batch and mean loss per epoch: no batch trained yet';
  const last = series.epochOf(n - 1);
  const means = [];
  for (let e = Math.max(0, last - TEXT_EPOCHS + 1); e <= last; e++) {
    const { mean, count } = series.epochMean(e);
    means.push(`epoch ${e + 1} ${fmtLoss(mean)}${count < series.perEpoch ? ' (so far)' : ''}`);
  }
  return `Loss per batch and mean loss per epoch: ${grouped(n)} batches; last batch loss ${fmtLoss(series.values[n - 1])}; mean loss ${means.join(', ')}`;
}

/** Where training stands: the epoch in progress (1-based), batches done in it, and of how many. */
function position(stats) {
  const of = stats.batches_per_epoch;
  if (stats.steps > 0 && stats.batch === 0) return { epoch: stats.epoch, batch: of, of };
  return { epoch: stats.epoch + 1, batch: stats.batch, of };
}

function fmtLoss(v) {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

function fmtTime(ms) {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')} min`;
}
