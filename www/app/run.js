// What the training page knows of the worker's model and of its own drawing (`app.run`), and the
// one way to ask for a redraw: `invalidate` marks parts dirty and the next animation frame draws
// them (`run.paint`, which app/render.js sets). Every module that changes what is shown imports
// `invalidate` from here, so the drawing modules need not import one another's callers.

import { LossSeries } from '../draw/chart.js';

/** What the page knows of the worker's model and of its own drawing. The settings live in `state`. */
export function newRun() {
  return {
    sent: '', // the last config sent, as JSON
    generation: 0,
    info: null, // from `ready`: len, d, dim, lo, hi, variant, batch
    display: null, // from `ready`: indices, labels, inputs, masks?, corrupted?
    frame: null, // the latest frame
    preview: null, // before the first `ready`: {inputs, recon, labels, lo, hi} (worker-preview.js)
    running: false,
    series: new LossSeries(),
    kernelGrid: null, // the last grid the worker painted: {start, count, width, max, maxima, view, …} (app/kernels.js)
    kernelGrids: 0, // grids painted so far (#app data-kernels)
    viewSent: '', // the kernels asked of the worker (JSON), the worker asked, and whether it has the canvas
    viewWorker: null,
    canvasGiven: false,
    kernelPage: 0,
    showAll: false,
    hover: -1,
    dirty: new Set(),
    queued: false,
    paint: () => {}, // draws the dirty parts (app/render.js's wireRender sets it)
  };
}

/** Mark `parts` for redrawing in the next animation frame. */
export function invalidate(app, ...parts) {
  const { run } = app;
  for (const p of parts) run.dirty.add(p);
  if (!run.queued) {
    run.queued = true;
    requestAnimationFrame(() => run.paint());
  }
}

/** True when the model has trained every epoch the settings ask for. */
export function finished(app) {
  return !!app.run.frame && app.run.frame.stats.epoch >= app.state.values.epochs;
}
