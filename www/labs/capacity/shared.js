// What the capacity lab's experiments share: the engine's report on the current model
// (`capacity_report`: MSE, PSNR, code sizes, ‖∂h/∂x‖², on the first REPORT_COUNT digits), asked
// once per refresh and handed to every experiment as the 'report' event, the latest training
// stats, and the name of the model's configuration. Settings come from `model.settings` and
// change only through `model.configure` (controls.js).
import { SIDE } from '../../protocol.js';
import { Lab } from '../lab.js';

export const N = SIDE * SIDE;
export { SIDE };
export const REPORT_COUNT = 300; // digits the report measures (the first 300 held-out ones, and the first 300 training ones beside them)
export const TILES = 12; // kernels and components shown per model
const REPORT_EVERY_MS = 2500; // while training, a fresh report at most this often

/** The lab of `root` (the capacity section, or a lone experiment's container). */
export function capacityLab(root, model) {
  const lab = new Lab(root, model, { everyMs: REPORT_EVERY_MS });
  Object.assign(lab, { report: null, lastStats: null });
  lab.on('reset', () => { lab.report = null; lab.lastStats = null; });
  lab.on('frame', (f) => { if (lab.info && f.generation === model.generation) lab.lastStats = f.stats; });
  lab.task(async () => {
    const gen = model.generation;
    const report = await model.call('capacity_report', REPORT_COUNT);
    if (gen !== model.generation) return; // a new model came meanwhile
    lab.report = report;
    await lab.emit('report', report);
    const s = model.settings;
    Object.assign(root.dataset, { d: String(report.d), psnr: String(report.psnr), loss: s.loss, tied: String(s.tied) });
    root.dataset.generation = String(gen); // last: the browser tests wait on it
  });
  return lab;
}

/** A short name of the model's configuration: 'standard, tied, BCE', 'contractive λ=0.1'. */
export function configLabel(info, s) {
  const parts = [info.variant === 'contractive' ? `contractive λ=${s.lambda}` : info.variant];
  if (s.tied) parts.push('tied');
  if (s.act === 'linear') parts.push('linear');
  if (s.loss === 'bce') parts.push('BCE');
  return parts.join(', ');
}

/** A 12-tile grid of 28×28 kernels or components, `cols` ≤ 6. */
export function tileDims(count) {
  return { start: 0, count, cols: Math.min(6, count), side: SIDE, gap: 2 };
}

/** The two charts' colours: the page's text and grid, blue digits (or loss), red probes (or penalty). */
export function chartColors() {
  const css = getComputedStyle(document.documentElement);
  return {
    text: css.getPropertyValue('--muted').trim() || '#56606d',
    grid: css.getPropertyValue('--grid').trim() || '#e6eaef',
    digits: '#1d5bb8',
    train: '#7aa6e0', // the same digits' colour, lighter: the training-set error beside the held-out one
    probes: '#c4431b',
  };
}

/** Keep `widths[key]` at the CSS width of `canvas` and call `redraw` when it changes; reading
 *  clientWidth while training would force a layout of the whole page on every frame. */
export function watchWidth(canvas, redraw) {
  const box = { width: 300 };
  new ResizeObserver(([e]) => {
    const w = Math.round(e.contentRect.width);
    if (w) { box.width = w; redraw(); }
  }).observe(canvas);
  return box;
}

/** A PSNR in decibels as shown: '23.41 dB', or '∞ dB' for a perfect reconstruction. */
export const db = (v) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : '∞ dB');
