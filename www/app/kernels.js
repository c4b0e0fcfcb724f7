// The training page's kernels panel: the rows of W_h as 28×28 tiles, a page of 64 or all of them;
// the pager, the colour legend and the hover readout. The training worker paints the grid (the
// engine's colour map, api/paint.rs) into this panel's canvas, which the page transferred to it as
// an OffscreenCanvas: a refresh costs the main thread nothing, even with 2048 kernels shown. Where
// the browser cannot transfer a canvas, the worker sends the grid's RGBA bytes and the page puts
// them in one call. The page says which kernels to paint with `kernel-view` (protocol.js).

import { SIDE, TO_WORKER } from '../protocol.js';
import { gridSize, tileAt, legendGradient } from '../draw/kernels.js';
import { invalidate } from './run.js';

/** Kernels per page when not showing all. */
export const KERNEL_PAGE = 64;
const KERNEL_GAP = 2; // pixels between tiles, at native resolution

function kernelView(app) {
  const { run, ui } = app;
  const d = run.info?.d ?? 0;
  const start = run.showAll ? 0 : run.kernelPage * KERNEL_PAGE;
  const count = run.showAll ? d : Math.max(0, Math.min(KERNEL_PAGE, d - start));
  const width = app.kernelWrapWidth ?? (ui.kernelWrap.clientWidth || 300);
  // Columns divide the page size, so pages fill whole rows; tiles stay at least ~38 (all: 22) CSS px.
  const least = run.showAll ? 22 : 38;
  const cols = [32, 16, 8, 4].find((c) => width / c >= least) ?? 4;
  return { d, start, count, cols, width };
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
  wireHover(app, ui.kernels);
  // The panel's width, read when layout is done (as the loss chart's size in render.js): reading it
  // in a frame that changed text would force a layout of the whole page.
  new ResizeObserver(() => {
    app.kernelWrapWidth = ui.kernelWrap.clientWidth || 300;
    invalidate(app, 'kernels');
  }).observe(ui.kernelWrap);
}

/** The hover readout of `canvas`: which kernel is under the pointer, and its largest |w|. */
function wireHover(app, canvas) {
  canvas.addEventListener('pointermove', (e) => {
    const g = app.run.kernelGrid;
    const scale = g ? g.width / (canvas.clientWidth || 1) : 0;
    const t = g ? tileAt(e.offsetX * scale, e.offsetY * scale, { count: g.count, cols: g.view.cols, side: SIDE, gap: g.view.gap }) : -1;
    app.ui.kernelReadout.textContent = t < 0 ? ''
      : `kernel ${g.start + t + 1} of ${app.run.info?.d ?? '?'} (row ${g.start + t + 1} of W_h) · max |w| ${g.maxima[t].toPrecision(3)}`;
  });
}

/** The kernels panel: pager, legend and the canvas's size for the grid on it, and the kernels
 *  asked of the worker. */
export function drawKernelPanel(app) {
  const { run, ui, state } = app;
  const v = kernelView(app);
  const pages = Math.max(1, Math.ceil(v.d / KERNEL_PAGE));
  ui.kernelsPrev.disabled = run.showAll || run.kernelPage === 0;
  ui.kernelsNext.disabled = run.showAll || run.kernelPage >= pages - 1;
  const range = !v.d ? 'kernels –'
    : run.showAll || pages === 1 ? `all ${v.d} kernels` : `kernels ${v.start + 1}–${v.start + v.count} of ${v.d}`;
  // A live region: written only when it changes, not with every grid that training sends.
  if (ui.kernelsRange.textContent !== range) ui.kernelsRange.textContent = range;
  const g = run.kernelGrid;
  const global = state.values.kscale === 'global';
  ui.legendLo.textContent = global && g ? `−${g.max.toPrecision(2)}` : '−max';
  ui.legendHi.textContent = global && g ? `+${g.max.toPrecision(2)}` : '+max';
  if (v.count) askView(app, { start: v.start, count: v.count, all: run.showAll, cols: v.cols, gap: KERNEL_GAP, scale: state.values.kscale });
  if (!g) return;
  // Scale the native grid so that a full row of `cols` tiles fills the panel's width.
  const fullRow = gridSize(g.view.cols, g.view.cols, SIDE, g.view.gap).width;
  ui.kernels.style.width = `${Math.floor((g.width * v.width) / fullRow)}px`;
  ui.kernels.setAttribute('aria-label', `Encoder kernels ${g.start + 1} to ${g.start + g.count} of ${v.d}, as 28×28 tiles`);
}

/**
 * Tell the worker which kernels to paint, when that changed or the worker is new; a new worker
 * also gets the canvas, transferred (a canvas given to a worker that died is replaced first).
 */
function askView(app, view) {
  const { run, ui } = app;
  const worker = app.link?.worker;
  const key = JSON.stringify(view);
  if (!worker || (key === run.viewSent && worker === run.viewWorker)) return;
  const msg = { type: TO_WORKER.KERNEL_VIEW, view };
  if (worker !== run.viewWorker) {
    if (run.canvasGiven) replaceCanvas(app);
    if (typeof ui.kernels.transferControlToOffscreen === 'function') {
      msg.canvas = ui.kernels.transferControlToOffscreen();
      run.canvasGiven = true;
    }
  }
  run.viewSent = key;
  run.viewWorker = worker;
  app.link.post(msg, msg.canvas ? [msg.canvas] : []);
}

/**
 * A grid the worker painted (a `kernels` report, or a frame's `kernelGrid`): on the canvas
 * already, or its `pixels` to put here. Counted in #app's data-kernels (render.js), with
 * data-kernels-by "worker" or "page" for who put the pixels.
 */
export function onKernelGrid(app, grid) {
  const { run } = app;
  run.kernelGrid = grid;
  if (grid.pixels) {
    // The worker's canvas failed it (grid.canvasError): the page draws on a canvas of its own.
    if (run.canvasGiven) replaceCanvas(app);
    const c = app.ui.kernels;
    if (c.width !== grid.width) c.width = grid.width;
    if (c.height !== grid.height) c.height = grid.height;
    c.getContext('2d').putImageData(new ImageData(grid.pixels, grid.width, grid.height), 0, 0);
  }
  if (grid.canvasError) console.warn(`The kernels are drawn on the page: ${grid.canvasError}`);
  run.kernelGrids += 1;
  invalidate(app, 'kernels');
}

/** A fresh canvas in place of one transferred to a worker (which alone can draw on it). */
function replaceCanvas(app) {
  const old = app.ui.kernels;
  const fresh = old.cloneNode(false); // id, role, aria-label and style
  old.replaceWith(fresh);
  app.ui.kernels = fresh;
  app.run.canvasGiven = false;
  wireHover(app, fresh);
}
