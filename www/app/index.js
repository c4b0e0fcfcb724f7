// The training page: the Model controls, the training panels (loss chart, digit rows, kernels) and
// the labs, all on the one model the worker trains. The main thread never trains; it draws at most
// once per animation frame. Plain functions over one object, `app`:
//
//   app.state   the one State: settings ⇄ controls ⇄ URL hash        (app/controls.js)
//   app.link    the worker and its reports                            (app/commands.js)
//   app.run     what the page knows of the model, and what is drawn   (app/render.js, app/kernels.js)
//   app.model   the labs' handle on the model and its verbs           (model.js)
//   app.keep    pretrained models, Save/Load weights, the kept model    (app/keep.js)
//   app.ui      the page's elements, found once

import { State } from '../state.js';
import { ModelClient } from '../model.js';
import { LossSeries } from '../draw/chart.js';
import { LABS } from '../labs/index.js';
import { buildTextFields } from '../kit/text-fields.js';
import { Alerts, hashNotice } from '../kit/alerts.js';
import { wireControls, showControls, writeHash, configure, play, pause } from './controls.js';
import { startWorker, sendConfig } from './commands.js';
import { wireRender, invalidate } from './render.js';
import { wireKernels } from './kernels.js';
import { wireEmbeds } from './embed-dialog.js';
import { mountKeep } from './keep.js';
import { mountData } from './data.js';

/** The controls, panels and live regions of index.html, by role. */
function findUi() {
  const $ = (id) => document.getElementById(id);
  return {
    app: $('app'),
    preset: $('preset'),
    inputs: Object.fromEntries(['d', 'lr', 'batch', 'epochs', 'p', 'seed'].map((k) => [k, $(k)])),
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
    alert: $('alert'),
    chart: $('chart'),
    chartReadout: $('chart-readout'),
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

/** What the page knows of the worker's model and of its own drawing. The settings live in `state`. */
function newRun() {
  return {
    sent: '', // the last config sent, as JSON
    generation: 0,
    info: null, // from `ready`: len, d, dim, lo, hi, variant, batch
    display: null, // from `ready`: indices, labels, inputs, masks?, corrupted?
    frame: null, // the latest frame
    running: false,
    series: new LossSeries(),
    kernels: null,
    kernelsMax: 0,
    kernelsDrawn: 0, // tiles of the current grid already painted
    kernelPage: 0,
    showAll: false,
    hover: -1,
    dirty: new Set(),
    queued: false,
    lastStatusAt: 0,
  };
}

/** Each lab (www/labs/) into its empty <section>, with a model that sends it frames only while on screen. */
function mountLabs(model) {
  for (const lab of Object.values(LABS)) {
    const section = document.getElementById(lab.id);
    if (section) lab.mount(section, model.forSection(section));
  }
}

buildTextFields();
const state = new State();
const hashRefusals = state.readHash(location.hash);
const app = { state, ui: findUi(), run: newRun(), link: null, model: null };
app.alerts = new Alerts(app.ui.alert);
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
  mountLabs(app.model);
  wireEmbeds(app, LABS);
  mountData(app, document.getElementById('data-box')); // before the first config: it may change `data`
  mountKeep(app);
  showControls(app);
  writeHash(app);
  sendConfig(app); // even with an invalid field: the model shows its valid settings, and Train refuses
  invalidate(app, 'chart', 'kernels');
}

/** The page's one object, for the embed page (embed/index.js), which boots this same page. */
export { app };
