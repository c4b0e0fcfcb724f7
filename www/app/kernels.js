// The training page's kernels panel: the rows of W_h as 28×28 tiles, a page of 64 or all of them,
// filled over several animation frames so that 2048 tiles never block the page and shown at once
// when the grid on screen only gets new weights; the pager, the colour legend and the hover readout.

import { SIDE } from '../protocol.js';
import { fillKernels, putKernels, gridSize, tileAt, maxAbs, legendGradient } from '../draw/kernels.js';
import { invalidate } from './render.js';

/** Kernels per page when not showing all. */
export const KERNEL_PAGE = 64;
const KERNEL_GAP = 2; // pixels between tiles, at native resolution
const KERNEL_TILES_PER_FRAME = 128; // ~100,000 pixels: a few ms of drawing per animation frame

function kernelView(app) {
  const { run, ui } = app;
  const d = run.info?.d ?? 0;
  const start = run.showAll ? 0 : run.kernelPage * KERNEL_PAGE;
  const count = run.showAll ? d : Math.max(0, Math.min(KERNEL_PAGE, d - start));
  const width = app.kernelWrapWidth ?? (ui.kernelWrap.clientWidth || 300);
  // Columns divide the page size, so pages fill whole rows; tiles stay at least ~38 (all: 22) CSS px.
  const least = run.showAll ? 22 : 38;
  const cols = [32, 16, 8, 4].find((c) => width / c >= least) ?? 4;
  return { d, start, count, cols, side: SIDE, gap: KERNEL_GAP, width };
}

export function wireKernels(app) {
  const { ui, run } = app;
  document.querySelector('.legend .bar').style.background = legendGradient();
  ui.kernelsPrev.addEventListener('click', () => {
    run.kernelPage = Math.max(0, run.kernelPage - 1);
    invalidate(app, 'kernels');
  });
  ui.kernelsNext.addEventListener('click', () => {
    const d = run.info?.d ?? 0;
    run.kernelPage = Math.min(Math.max(0, Math.ceil(d / KERNEL_PAGE) - 1), run.kernelPage + 1);
    invalidate(app, 'kernels');
  });
  ui.kernelsAll.addEventListener('change', () => {
    run.showAll = ui.kernelsAll.checked;
    invalidate(app, 'kernels');
  });
  ui.kernels.addEventListener('pointermove', (e) => {
    const v = kernelView(app);
    const scale = ui.kernels.width / (ui.kernels.clientWidth || 1);
    const t = tileAt(e.offsetX * scale, e.offsetY * scale, v);
    if (t < 0 || !run.kernels) {
      ui.kernelReadout.textContent = '';
      return;
    }
    const k = v.start + t;
    const m = maxAbs(run.kernels, SIDE * SIDE, k, k + 1);
    ui.kernelReadout.textContent = `kernel ${k + 1} of ${v.d} (row ${k + 1} of W_h) · max |w| ${m.toPrecision(3)}`;
  });
  // The panel's width, read when layout is done (as the loss chart's size in render.js): reading it
  // in a frame that changed text would force a layout of the whole page.
  new ResizeObserver(() => {
    app.kernelWrapWidth = ui.kernelWrap.clientWidth || 300;
    invalidate(app, 'kernels');
  }).observe(ui.kernelWrap);
}

/**
 * Paint the next rows of the kernel grid: at most KERNEL_TILES_PER_FRAME tiles now, the rest in
 * the next animation frames (2048 tiles at once would block the page for too long).
 */
export function paintKernels(app) {
  const { run, ui, state } = app;
  const v = kernelView(app);
  const from = run.kernelsDrawn;
  if (!run.kernels || from >= v.count) return;
  const to = Math.min(v.count, from + Math.max(1, Math.floor(KERNEL_TILES_PER_FRAME / v.cols)) * v.cols);
  const ctx = ui.kernels.getContext('2d');
  const dims = { ...v, from, to };
  const image = fillKernels(run.kernelImage, run.kernels, dims, { scale: state.values.kscale, globalMax: run.kernelsMax },
    (w, h) => ctx.createImageData(w, h));
  run.kernelImage = image;
  // A grid of a new size shows its rows as they are filled. New weights on the grid already on
  // screen (every KERNELS_MS while training) show when all are in: one change of the canvas, not
  // one per animation frame (d = 2048, all shown, 390 px: the main thread busy 22 % → 10 %).
  if (from === 0) run.kernelsAtOnce = ui.kernels.width === image.width && ui.kernels.height === image.height;
  run.kernelsDrawn = to;
  if (!run.kernelsAtOnce) putKernels(ctx, image, dims);
  else if (to >= v.count) putKernels(ctx, image);
  if (to < v.count) invalidate(app, 'more-kernels');
}

/** The kernels panel: pager, legend, canvas size, then the first rows of the grid. */
export function drawKernelPanel(app) {
  const { run, ui, state } = app;
  const v = kernelView(app);
  const pages = Math.max(1, Math.ceil(v.d / KERNEL_PAGE));
  ui.kernelsPrev.disabled = run.showAll || run.kernelPage === 0;
  ui.kernelsNext.disabled = run.showAll || run.kernelPage >= pages - 1;
  ui.kernelsRange.textContent = !v.d ? 'kernels –'
    : run.showAll || pages === 1 ? `all ${v.d} kernels` : `kernels ${v.start + 1}–${v.start + v.count} of ${v.d}`;
  const global = state.values.kscale === 'global';
  ui.legendLo.textContent = global && run.kernels ? `−${run.kernelsMax.toPrecision(2)}` : '−max';
  ui.legendHi.textContent = global && run.kernels ? `+${run.kernelsMax.toPrecision(2)}` : '+max';
  if (!run.kernels || !v.count) return;
  // Scale the native grid so that a full row of `cols` tiles fills the panel's width.
  const fullRow = v.cols * (SIDE + KERNEL_GAP) - KERNEL_GAP;
  const g = gridSize(v.count, v.cols, SIDE, KERNEL_GAP);
  ui.kernels.style.width = `${Math.floor((g.width * v.width) / fullRow)}px`;
  ui.kernels.setAttribute('aria-label', `Encoder kernels ${v.start + 1} to ${v.start + v.count} of ${v.d}, as 28×28 tiles`);
  run.kernelsDrawn = 0;
  paintKernels(app);
}
