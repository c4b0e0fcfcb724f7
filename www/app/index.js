// The training page: the Model controls, the training panels (loss chart, digit rows, kernels) and
// the labs, all on the one model the worker trains. The main thread never trains; it draws at most
// once per animation frame. Plain functions over one object, `app`:
//
//   app.state   the one State: settings ⇄ controls ⇄ URL hash        (app/controls.js)
//   app.link    the worker and its reports                            (app/commands.js)
//   app.run     what the page knows of the model, and what is drawn   (app/run.js; app/render.js, app/kernels.js)
//   app.model   the labs' handle on the model and its verbs           (model.js)
//   app.keep    pretrained models, Save/Load weights, the kept model    (app/keep.js)
//   app.ui      the page's elements, found once
//
// The first frame comes first: the worker is already loading (app/boot.js started it); the first
// model is the site's pretrained one when the settings have one (fetched beside the worker's
// engine and data, sent before the first config, so no model is built from the seed only to be
// replaced); the labs below the training panels (their ~40 modules) are fetched only once the
// worker's own fetches are out, and mounted once the first reconstructions are on screen.
// dist/index.html preloads this module's static imports.

import { State } from '../state.js';
import { ModelClient } from '../model.js';
import { buildTextFields } from '../kit/text-fields.js';
import { Alerts, hashNotice } from '../kit/alerts.js';
import { StatusLine } from '../kit/status-line.js';
import { loadModelTable, pretrainedFor, fetchModel, pretrainedSource } from '../kit/models.js';
import { wireControls, showControls, writeHash, configure, play, pause } from './controls.js';
import { startWorker, sendConfig } from './commands.js';
import { newRun, invalidate } from './run.js';
import { wireRender } from './render.js';
import { wireKernels } from './kernels.js';
import { mountKeep } from './keep.js';
import { send as sendWeights } from './keep-last.js';
import { mountPytorchNote } from './pytorch-note.js';
import { mountData } from './data.js';

/** The controls, panels and live regions of index.html, by role. */
function findUi() {
  const $ = (id) => document.getElementById(id);
  return {
    app: $('app'),
    preset: $('preset'),
    inputs: Object.fromEntries(['d', 'lr', 'batch', 'epochs', 'p', 'seed', 'workers'].map((k) => [k, $(k)])),
    scale: [...document.querySelectorAll('input[name="scale"]')],
    kscale: $('kscale'),
    train: $('train'),
    step: $('step'),
    reset: $('reset'),
    epochLabel: $('epoch-label'),
    progress: $('epoch-progress'),
    loss: $('loss'),
    rate: $('rate'),
    elapsed: $('elapsed'),
    status: $('status'),
    said: $('status-said'),
    alert: $('alert'),
    chart: $('chart'),
    chartReadout: $('chart-readout'),
    chartReadoutSaid: $('chart-readout-said'),
    rows: {
      input: $('row-input'), mask: $('row-mask'), corrupted: $('row-corrupted'),
      recon: $('row-recon'), reconClean: $('row-recon-clean'),
    },
    reconCaption: $('recon-caption'),
    kernels: $('kernels'),
    kernelWrap: document.querySelector('.kernel-wrap'),
    kernelsPrev: $('kernels-prev'),
    kernelsNext: $('kernels-next'),
    kernelsAll: $('kernels-all'),
    kernelsRange: $('kernels-range'),
    kernelReadout: $('kernel-readout'),
    legendLo: $('legend-lo'),
    legendHi: $('legend-hi'),
  };
}

/** Labs mount at the latest this long after the page starts, even with no frame yet (a failed engine). */
const LABS_LATEST_MS = 10_000;

/**
 * Each lab (www/labs/) into its empty <section>, with a model that sends it frames only while on
 * screen, and the Embed buttons on their boxes: after the first frame is painted (or after
 * LABS_LATEST_MS), one experiment per task in idle time, so that neither the first frame nor a
 * training frame waits for a lab's DOM (the denoising lab's alone took ~200 ms at load 10; with
 * Train clicked at the first frame, a whole lab per task left a 53–93 ms task in 7 of 8 cold
 * loads, one experiment per task a 52–55 ms one in 3 of 8: headless Chromium, 2 cores).
 * `#app[data-labs="mounted"]` once all are.
 */
function mountLabsAfterFirstFrame(app) {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    clearTimeout(timer);
    // The frame's drawing runs in the next animation frame (app/render.js): start after its paint.
    requestAnimationFrame(() => setTimeout(() => mountLabs(app), 0));
  };
  const timer = setTimeout(start, LABS_LATEST_MS);
  app.model.onFrame(start);
}

/** The next idle moment (at most `ms` away), as a promise; a plain task where there is no requestIdleCallback. */
const idle = (ms = 1000) => new Promise((resolve) => (self.requestIdleCallback ? requestIdleCallback(resolve, { timeout: ms }) : setTimeout(resolve, 0)));

/**
 * The labs' modules and the Embed buttons': fetched after the first frame, not beside the worker's
 * start. The page is not idle while the worker builds the first model: a cold load keeps both
 * cores busy, and fetching and compiling these ~40 modules then took CPU from the worker's path
 * (headless Chromium, 2 cores, alternated cold loads: first reconstructions 62–157 ms later in the
 * median, labs mounted 100–200 ms sooner).
 */
const labModules = () => Promise.all([import('../labs/index.js'), import('./embed-dialog.js')]);

/** Resolves once every stylesheet <link> of the page has loaded (or failed). */
function stylesheetsLoaded() {
  return Promise.all([...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.sheet ?? new Promise((done) => {
    l.addEventListener('load', done, { once: true });
    l.addEventListener('error', done, { once: true });
  })));
}

async function mountLabs(app) {
  const [{ LABS }, { wireEmbeds }] = await labModules();
  const sections = [];
  for (const lab of Object.values(LABS)) {
    await idle();
    const section = document.getElementById(lab.id);
    if (!section) continue;
    // Laid out (a lab may measure itself) but unseen, unclickable and out of the accessibility
    // tree until its stylesheet has loaded: no flash of unstyled lab (its hidden buttons showing).
    section.style.visibility = 'hidden';
    sections.push(section);
    const steps = lab.mount(section, app.model.forSection(section));
    while (!steps.next().done) await idle(); // one experiment per task
  }
  await stylesheetsLoaded();
  for (const section of sections) section.style.visibility = '';
  await idle();
  wireEmbeds(app, LABS);
  app.ui.app.dataset.labs = 'mounted';
}

/**
 * The pretrained model of the page's opening settings, fetched at once: {entry, bytes}, or null
 * (none for these settings, or the table or file could not be fetched: the model then starts from
 * its seed, and app/keep.js says why when it tries again).
 */
async function openingModel(app) {
  try {
    const entry = pretrainedFor(await loadModelTable(), app.state.trainerSettings(), app.state.values.data);
    return entry ? { entry, bytes: await fetchModel(entry) } : null;
  } catch {
    return null;
  }
}

/** The first model: the pretrained file when it still matches the settings and data, then the config (workers, epochs). */
async function sendFirst(app, opening) {
  const first = await opening;
  if (first && !app.run.sent && pretrainedFor([first.entry], app.state.trainerSettings(), app.state.values.data)) {
    sendWeights(app.keep, first.bytes, pretrainedSource(first.entry));
  }
  sendConfig(app); // even with an invalid field: the model shows its valid settings, and Train refuses
}

buildTextFields();
const state = new State();
const hashRefusals = state.readHash(location.hash);
const app = { state, ui: findUi(), run: newRun(), link: null, model: null };
const opening = openingModel(app); // beside the worker's wasm and data fetches
app.alerts = new Alerts(app.ui.alert);
app.status = new StatusLine(app.ui.status, app.ui.said); // the line, and what is read out of it
app.chartReadout = new StatusLine(app.ui.chartReadout, app.ui.chartReadoutSaid); // the chart's cursor, likewise
app.alerts.set('hash', hashNotice(hashRefusals));
app.ui.app.setAttribute('aria-busy', 'true');
wireRender(app);
wireKernels(app);
wireControls(app);
if (startWorker(app)) {
  app.model = new ModelClient({ postMessage: (msg) => app.link.post(msg) }); // the current worker, even after a restart
  app.model.connect({
    settings: () => app.state.snapshot(),
    configure: (patch) => configure(app, patch),
    train: () => play(app),
    pause: () => pause(app),
  });
  mountData(app, document.getElementById('data-box')); // before the first config: it may change `data`
  mountKeep(app);
  mountPytorchNote(document.getElementById('keep'));
  showControls(app);
  writeHash(app);
  sendFirst(app, opening);
  invalidate(app, 'chart', 'kernels');
  mountLabsAfterFirstFrame(app);
}

/** The page's one object, for the embed page (embed/index.js), which boots this same page. */
export { app };
