// The training page's worker: its commands (config, play, pause, step, reset; www/protocol.js)
// through kit/worker-link.js, and its reports (loading, ready, frame, error, answers) into
// `app.run`, the drawing and the labs' model.

import { TO_WORKER, TO_PAGE } from '../protocol.js';
import { WorkerLink } from '../kit/worker-link.js';
import { early } from './boot.js';
import { invalidate } from './run.js';
import { say, setRunning, setHover, showAlert, hideAlert } from './render.js';
import { KERNEL_PAGE, onKernelGrid } from './kernels.js';

const LOADING_TEXT = {
  wasm: 'Loading the WebAssembly engine…',
  data: 'Fetching 10,000 MNIST digits…',
  model: 'Building the model…',
  fashion: 'Fetching 10,000 Fashion-MNIST images…',
};

/** Start the worker (take over the one app/boot.js started); false (with a message on the page) when the browser cannot. */
export function startWorker(app) {
  try {
    app.link = new WorkerLink(new URL('../worker.js', import.meta.url), {
      adopt: early,
      onMessage: (msg) => onMessage(app, msg),
      onFail: (text) => {
        setRunning(app, false);
        app.model?.failAll(text);
        showAlert(app, text);
        invalidate(app, 'status');
      },
      onCrash: (text) => restartWorker(app, text),
      // A worker that does not answer is replaced like a crashed one (its model given back).
      onTimeout: (text) => restartWorker(app, `${text.replace(/\.$/, '')}, so it was stopped.`),
    });
    return true;
  } catch (e) {
    showAlert(app, `This browser cannot start the training worker: ${e.message}`);
    return false;
  }
}

/**
 * The worker died or hung: every question waiting on it fails with the reason, a new worker
 * starts with the same settings, the model it held comes back from the kept copy (app/keep-last.js:
 * taken at each pause, epoch end and every 30 s of training), and the page says what happened.
 */
function restartWorker(app, text) {
  setRunning(app, false);
  app.model?.failAll(text);
  const kept = app.keep?.keptForRestart() ?? null;
  app.ui.app.dataset.crashes = String(Number(app.ui.app.dataset.crashes ?? 0) + 1);
  app.link.restart();
  app.run.sent = ''; // the new worker has no model: send the settings again
  sendConfig(app);
  const back = kept ? app.keep.restore(kept) : 'no trained model had been kept yet, so press Train to train again.';
  showAlert(app, `${text} A new worker started with the same settings; ${back}`, 'crash');
  invalidate(app, 'status');
}

export function send(app, type, extra = {}) {
  app.link?.send(type, extra);
}

/** The `config` message of the valid settings (its JSON is what `run.sent` remembers). */
export function configMessage(state) {
  return { settings: state.trainerSettings(), epochs: state.values.epochs, data: state.values.data, workers: state.values.workers };
}

/** Send the valid settings to the worker when they differ from the last ones sent. */
export function sendConfig(app) {
  const { run, state } = app;
  const msg = configMessage(state);
  const key = JSON.stringify(msg);
  if (key === run.sent) return;
  // The learning rate and the epochs do not shape the model: the worker keeps it and trains on.
  // A new data set is a new model too.
  const shape = (m) => JSON.stringify([{ ...m.settings, lr: 0 }, m.data]);
  const modelChanged = !run.sent || shape(JSON.parse(run.sent)) !== shape(msg);
  run.sent = key;
  if (modelChanged) setRunning(app, false);
  send(app, TO_WORKER.CONFIG, msg);
  invalidate(app, 'status', 'chart');
}

function onMessage(app, msg) {
  switch (msg.type) {
    case TO_PAGE.LOADING:
      if (!app.run.info || msg.stage === 'model' || msg.stage === 'fashion') say(app, app.run.info && msg.stage === 'model' ? 'Building a new model…' : LOADING_TEXT[msg.stage]);
      break;
    case TO_PAGE.PREVIEW: onPreview(app, msg); break;
    case TO_PAGE.READY: onReady(app, msg); app.model?.ready(msg); app.keep?.onReady(msg); break;
    case TO_PAGE.FRAME: onFrame(app, msg); app.model?.frame(msg); app.keep?.onFrame(msg); break;
    case TO_PAGE.ANSWER: app.model?.answer(msg); break;
    case TO_PAGE.KERNELS: onKernelGrid(app, msg.grid); break;
    case TO_PAGE.ERROR: onError(app, msg); break;
    case TO_PAGE.WEIGHTS_REFUSED: app.keep?.onRefused(msg); break;
    case TO_PAGE.DATA: app.onData?.(msg); break; // app/data.js
    default: console.warn(`unknown message from the worker: ${msg.type}`);
  }
}

/** The opening model's reconstructions while MNIST loads (worker-preview.js), drawn until `ready`. */
function onPreview(app, msg) {
  if (app.run.info) return; // a model is on screen already
  app.run.preview = msg;
  showRows(app, msg.variant, msg.labels);
  invalidate(app, 'preview');
}

/** The digit rows a model of `variant` shows (the denoising AE's mask, x̃ and clean-output rows
 *  too), their caption, and their accessible names from the display digits' labels. */
function showRows(app, variant, labels) {
  const { ui } = app;
  const denoising = variant === 'denoising';
  for (const row of ['mask', 'corrupted', 'recon-clean']) {
    document.querySelector(`.row[data-row="${row}"]`).hidden = !denoising;
  }
  ui.reconCaption.innerHTML = denoising
    ? 'output <span class="math">x̂</span> from <span class="math">x̃</span>'
    : 'output <span class="math">x̂</span>';
  const digits = [...labels].join(', ');
  ui.rows.input.setAttribute('aria-label', `Input digits ${digits}`);
  ui.rows.recon.setAttribute('aria-label', `Reconstructions of the digits ${digits}`);
}

function onReady(app, msg) {
  const { run, ui } = app;
  run.generation = msg.generation;
  run.info = msg.info;
  run.display = msg;
  run.preview = null;
  run.frame = null;
  run.series.clear(msg.info.batches_per_epoch);
  run.kernelPage = Math.min(run.kernelPage, Math.max(0, Math.ceil(msg.info.d / KERNEL_PAGE) - 1));
  setHover(app, -1);
  hideAlert(app);
  hideAlert(app, 'diverged');
  hideAlert(app, 'timeout');
  app.ui.app.dataset.diverged = '';
  ui.app.setAttribute('aria-busy', 'false');
  showRows(app, msg.info.variant, msg.labels);
  invalidate(app, 'display', 'digits', 'chart', 'kernels', 'status');
}

function onFrame(app, msg) {
  const { run } = app;
  if (msg.generation !== run.generation) return; // from a model that no longer exists
  const s = run.series;
  if (msg.stats.batches_per_epoch > 0) s.perEpoch = msg.stats.batches_per_epoch;
  try {
    s.append(msg.lossStart, msg.losses);
  } catch (e) {
    console.warn(e.message); // a gap in the series: keep drawing what we have
  }
  run.frame = msg;
  showAlert(app, msg.workers?.note, 'workers'); // a shard worker failed: training went on with one
  if (app.link.current(msg)) setRunning(app, msg.running);
  showDivergence(app, msg.stats.warning, msg.running);
  if (msg.kernelGrid) onKernelGrid(app, msg.kernelGrid);
  // The status line is read out after each command and when training ends; while training the
  // render shows it every frame and reads it out every few seconds (kit/status-line.js).
  if (!msg.running) run.dirty.add('status');
  if (run.hover >= 0) setHover(app, run.hover, false);
  invalidate(app, 'digits', 'chart', 'progress');
}

/**
 * The engine's blow-up warning (a loss far above its start): the worker paused on it, and the
 * alert says so with the numbers and what to try; cleared once training runs without it.
 */
function showDivergence(app, warning, running) {
  if (warning) showAlert(app, `Training paused: ${warning}.`, 'diverged');
  else if (running) hideAlert(app, 'diverged');
  app.ui.app.dataset.diverged = warning ? 'warning' : app.ui.app.dataset.diverged === 'nonfinite' && !running ? 'nonfinite' : '';
}

/** A step the engine undid (NaN/∞): its message says so, with the step and the learning rate. */
const DIVERGED = /^training diverged/i;

function onError(app, msg) {
  const { run } = app;
  if (app.link.current(msg)) setRunning(app, false);
  if (DIVERGED.test(msg.message)) {
    showAlert(app, `Training paused: ${msg.message}`, 'diverged');
    app.ui.app.dataset.diverged = 'nonfinite';
    invalidate(app, 'status');
    return;
  }
  run.sent = ''; // the refused config may be sent again once changed back and forth
  const kept = run.info && !msg.fatal ? ' The current model is kept.' : '';
  showAlert(app, `${msg.fatal ? 'The engine could not start: ' : ''}${msg.message}${kept}`);
  app.ui.app.dataset.error = msg.message;
  invalidate(app, 'status');
}
