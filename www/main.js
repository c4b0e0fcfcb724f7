// The page's wiring: controls ⇄ state ⇄ URL hash, commands to the training worker, and drawing of
// what the worker reports. The main thread never trains; it draws at most once per animation frame.

import { TO_WORKER, TO_PAGE, SIDE } from './protocol.js';
import { State, KEYS, FIELDS, hasSettings } from './state.js';
import { drawDigitRow } from './draw/digits.js';
import { drawKernels, gridSize, tileAt, maxAbs, legendGradient } from './draw/kernels.js';
import { LossSeries, drawLossChart, indexAt } from './draw/chart.js';
import { ModelClient } from './model.js';
import { PANELS } from './panels/index.js';

/** The text inputs, by setting key (the preset is a select, the view settings are elsewhere). */
const INPUT_KEYS = ['d', 'lr', 'batch', 'epochs', 'p', 'seed'];
const KERNEL_PAGE = 64; // kernels per page when not showing all
const DIGIT_GAP = 2; // pixels between digits, at native resolution
const KERNEL_GAP = 2;
const KERNEL_TILES_PER_FRAME = 128; // ~100,000 pixels: a few ms of drawing per animation frame
const STATUS_EVERY_MS = 3000; // the live region speaks at most this often while training
const LOADING_TEXT = {
  wasm: 'Loading the WebAssembly engine…',
  data: 'Fetching 10,000 MNIST digits…',
  model: 'Building the model…',
};

/** The page's one state: every setting with its default and validation, read from the URL hash. */
const state = State.fromHash(location.hash);

start();

function start() {
  const $ = (id) => document.getElementById(id);
  const ui = {
    app: $('app'),
    preset: $('preset'),
    inputs: Object.fromEntries(INPUT_KEYS.map((k) => [k, $(k)])),
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
  const css = getComputedStyle(document.documentElement);
  const cssVar = (name) => css.getPropertyValue(name).trim();
  const colors = { text: cssVar('--muted'), grid: cssVar('--grid'), batch: cssVar('--batch'), epoch: cssVar('--epoch'), cursor: cssVar('--text') };
  const gapColor = [255, 255, 255]; // between digits: the panel's white
  let model = null; // the labs' handle on the worker's model, once the worker runs

  // What the page knows of the worker and its model. The settings themselves live in `state`.
  const run = {
    worker: null,
    nextId: 0,
    lastCommand: 0, // id of the last command sent; older frames do not decide `running`
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

  // ---- settings ⇄ controls ⇄ hash ---------------------------------------------------------------

  function control(key) {
    return key === 'preset' ? ui.preset : ui.inputs[key];
  }

  function showError(key) {
    const box = document.getElementById(`${key}-error`);
    const input = control(key);
    if (!box || !input) return;
    const err = state.errors[key];
    if (err) {
      input.setAttribute('aria-invalid', 'true');
      box.textContent = err;
      box.hidden = false;
    } else {
      input.removeAttribute('aria-invalid');
      box.textContent = '';
      box.hidden = true;
    }
  }

  function showControls() {
    ui.preset.value = state.values.preset;
    for (const k of INPUT_KEYS) {
      if (ui.inputs[k].value !== state.text[k]) ui.inputs[k].value = state.text[k];
    }
    for (const k of ['preset', ...INPUT_KEYS]) showError(k);
    const noisy = state.applies('p');
    ui.inputs.p.closest('.field').classList.toggle('inactive', !noisy);
    document.getElementById('p-hint').textContent = noisy ? 'dropout, 0 ≤ p < 1' : 'denoising preset only';
    for (const r of ui.scale) r.checked = r.value === state.values.scale;
    ui.kscale.value = state.values.kscale;
  }

  function writeHash() {
    if (!state.valid) return; // keep what the person typed in the address bar
    const hash = `#${state.toHash()}`;
    if (location.hash === hash) return;
    history.replaceState(null, '', hash);
    model?.settingsChanged();
  }

  /** Send the valid settings to the worker when they differ from the last ones sent. */
  function commit() {
    if (!state.valid) return false;
    writeHash();
    sendConfig();
    return true;
  }

  function sendConfig() {
    const msg = { settings: state.trainerSettings(), epochs: state.values.epochs };
    const key = JSON.stringify(msg);
    if (key === run.sent) return;
    const modelChanged = !run.sent || JSON.stringify(JSON.parse(run.sent).settings) !== JSON.stringify(msg.settings);
    run.sent = key;
    if (modelChanged) setRunning(false);
    send(TO_WORKER.CONFIG, msg);
    invalidate('status', 'chart');
  }

  /** When a setting is invalid: show every message, focus the first bad control, say why (returned). */
  function refuseIfInvalid(what) {
    if (state.valid) return null;
    const first = KEYS.find((k) => state.errors[k]);
    for (const k of KEYS) showError(k);
    control(first)?.focus();
    const why = `Not ${what}: ${FIELDS[first].label} is invalid. ${state.errors[first]}`;
    say(why);
    return why;
  }

  /** The labs' verb model.configure: the patch through the one state, then the same commit. */
  function configure(patch) {
    const refused = state.apply(patch);
    if (refused.length) return refused.join(' ');
    showControls();
    commit();
    invalidate('chart', 'kernels', 'status');
    return null;
  }

  ui.preset.addEventListener('change', () => {
    state.applyPreset(ui.preset.value);
    showControls();
    commit();
  });
  for (const k of INPUT_KEYS) {
    const input = ui.inputs[k];
    // Clear a message as soon as the text is valid again; show a new one only when it is committed.
    input.addEventListener('input', () => {
      if (!state.set(k, input.value)) showError(k);
    });
    const apply = () => {
      state.set(k, input.value);
      showError(k);
      commit();
    };
    input.addEventListener('change', apply);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        apply();
      }
    });
  }
  for (const r of ui.scale) {
    r.addEventListener('change', () => {
      state.set('scale', r.value);
      writeHash();
      invalidate('chart');
    });
  }
  ui.kscale.addEventListener('change', () => {
    state.set('kscale', ui.kscale.value);
    writeHash();
    invalidate('kernels');
  });
  addEventListener('hashchange', () => {
    if (!hasSettings(location.hash)) return; // an in-page anchor: the settings stay as they are
    state.readHash(location.hash);
    showControls();
    commit();
    invalidate('chart', 'kernels', 'status');
  });

  // ---- buttons -------------------------------------------------------------------------------

  function finished() {
    return !!run.frame && run.frame.stats.epoch >= state.values.epochs;
  }

  /** Train (the button, and the labs' model.train): null when started, else why not. */
  function play() {
    if (run.running) return null;
    const invalid = refuseIfInvalid('training');
    if (invalid) return invalid;
    commit();
    if (finished()) {
      const why = `Finished: all ${state.values.epochs} epochs are done. Raise Epochs to train on, or press Reset.`;
      say(why);
      return why;
    }
    send(TO_WORKER.PLAY);
    setRunning(true);
    invalidate('status');
    return null;
  }

  function pause() {
    if (!run.running) return;
    send(TO_WORKER.PAUSE);
    setRunning(false);
    invalidate('status');
  }

  ui.train.addEventListener('click', () => (run.running ? pause() : play()));
  ui.step.addEventListener('click', () => {
    if (refuseIfInvalid('stepping')) return;
    commit();
    if (finished()) {
      say(`Finished: all ${state.values.epochs} epochs are done. Raise Epochs to train on, or press Reset.`);
      return;
    }
    send(TO_WORKER.STEP);
    setRunning(false);
    invalidate('status');
  });
  ui.reset.addEventListener('click', () => {
    if (state.valid) commit();
    send(TO_WORKER.RESET);
    setRunning(false);
    invalidate('status');
  });

  // ---- chart hover and kernels paging --------------------------------------------------------

  function chartDims() {
    const width = ui.chart.clientWidth;
    const height = ui.chart.clientHeight;
    return { width, height, dpr: window.devicePixelRatio || 1, total: state.values.epochs * run.series.perEpoch };
  }

  function setHover(i) {
    run.hover = i;
    const s = run.series;
    if (i < 0 || i >= s.length) {
      ui.chartReadout.textContent = 'Point at the chart, or focus it and use ← →, to read a batch’s loss.';
    } else {
      const e = s.epochOf(i);
      const { mean } = s.epochMean(e);
      ui.chartReadout.textContent = `batch ${i + 1} (epoch ${e + 1}, batch ${i - e * s.perEpoch + 1}/${s.perEpoch}) · loss ${fmtLoss(s.values[i])} · epoch ${e + 1} mean ${fmtLoss(mean)}`;
    }
    invalidate('chart');
  }

  ui.chart.addEventListener('pointermove', (e) => setHover(indexAt(run.series, e.offsetX, chartDims())));
  ui.chart.addEventListener('pointerleave', () => setHover(-1));
  ui.chart.addEventListener('blur', () => setHover(-1));
  ui.chart.addEventListener('keydown', (e) => {
    const n = run.series.length;
    if (!n) return;
    const at = run.hover >= 0 ? run.hover : n - 1;
    const jump = e.shiftKey ? run.series.perEpoch : 1;
    const to = { ArrowLeft: at - jump, ArrowRight: at + jump, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setHover(Math.max(0, Math.min(n - 1, to)));
  });

  function kernelView() {
    const d = run.info?.d ?? 0;
    const start = run.showAll ? 0 : run.kernelPage * KERNEL_PAGE;
    const count = run.showAll ? d : Math.max(0, Math.min(KERNEL_PAGE, d - start));
    const width = ui.kernelWrap.clientWidth || 300;
    // Columns divide the page size, so pages fill whole rows; tiles stay at least ~38 (all: 22) CSS px.
    const least = run.showAll ? 22 : 38;
    const cols = [32, 16, 8, 4].find((c) => width / c >= least) ?? 4;
    return { d, start, count, cols, side: SIDE, gap: KERNEL_GAP, width };
  }

  ui.kernelsPrev.addEventListener('click', () => {
    run.kernelPage = Math.max(0, run.kernelPage - 1);
    invalidate('kernels');
  });
  ui.kernelsNext.addEventListener('click', () => {
    const d = run.info?.d ?? 0;
    run.kernelPage = Math.min(Math.max(0, Math.ceil(d / KERNEL_PAGE) - 1), run.kernelPage + 1);
    invalidate('kernels');
  });
  ui.kernelsAll.addEventListener('change', () => {
    run.showAll = ui.kernelsAll.checked;
    invalidate('kernels');
  });
  ui.kernels.addEventListener('pointermove', (e) => {
    const v = kernelView();
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

  new ResizeObserver(() => invalidate('chart', 'kernels')).observe(ui.chart);
  new ResizeObserver(() => invalidate('kernels')).observe(ui.kernelWrap);

  // ---- the worker ----------------------------------------------------------------------------

  function send(type, extra = {}) {
    if (!run.worker) return;
    run.lastCommand = ++run.nextId;
    run.worker.postMessage({ type, id: run.lastCommand, ...extra });
  }

  function onReady(msg) {
    run.generation = msg.generation;
    run.info = msg.info;
    run.display = msg;
    run.frame = null;
    run.kernels = null;
    run.series.clear(msg.info.batches_per_epoch);
    run.kernelPage = Math.min(run.kernelPage, Math.max(0, Math.ceil(msg.info.d / KERNEL_PAGE) - 1));
    setHover(-1);
    hideAlert();
    ui.app.setAttribute('aria-busy', 'false');
    const denoising = msg.info.variant === 'denoising';
    for (const row of ['mask', 'corrupted', 'recon-clean']) {
      document.querySelector(`.row[data-row="${row}"]`).hidden = !denoising;
    }
    ui.reconCaption.innerHTML = denoising
      ? 'output <span class="math">x̂</span> from <span class="math">x̃</span>'
      : 'output <span class="math">x̂</span>';
    const digits = [...msg.labels].join(', ');
    ui.rows.input.setAttribute('aria-label', `Input digits ${digits}`);
    ui.rows.recon.setAttribute('aria-label', `Reconstructions of the digits ${digits}`);
    invalidate('display', 'digits', 'chart', 'kernels', 'status');
  }

  function onFrame(msg) {
    if (msg.generation !== run.generation) return; // from a model that no longer exists
    const s = run.series;
    if (msg.stats.batches_per_epoch > 0) s.perEpoch = msg.stats.batches_per_epoch;
    try {
      s.append(msg.lossStart, msg.losses);
    } catch (e) {
      console.warn(e.message); // a gap in the series: keep drawing what we have
    }
    run.frame = msg;
    if (msg.ack >= run.lastCommand) setRunning(msg.running);
    if (msg.kernels) {
      run.kernels = msg.kernels;
      run.kernelsMax = msg.kernelsMax;
      run.dirty.add('kernels');
    }
    // The live region speaks after each command and when training ends, but while training only
    // every few seconds: an epoch can take a third of a second, too fast to be read out.
    if (!msg.running || performance.now() - run.lastStatusAt > STATUS_EVERY_MS) run.dirty.add('status');
    if (run.hover >= 0) setHover(run.hover);
    invalidate('digits', 'chart', 'progress');
  }

  function onError(msg) {
    if (msg.ack >= run.lastCommand) setRunning(false);
    run.sent = ''; // the refused config may be sent again once changed back and forth
    const kept = run.info && !msg.fatal ? ' The current model is kept.' : '';
    showAlert(`${msg.fatal ? 'The engine could not start: ' : ''}${msg.message}${kept}`);
    ui.app.dataset.error = msg.message;
    invalidate('status');
  }

  try {
    run.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch (e) {
    showAlert(`This browser cannot start the training worker: ${e.message}`);
    return;
  }
  // The lecture panels ask the same model their questions and change it through its verbs
  // (www/model.js, www/panels/).
  model = new ModelClient(run.worker);
  model.connect({ settings: () => state.snapshot(), configure, train: play, pause });
  run.worker.onmessage = ({ data: msg }) => {
    switch (msg.type) {
      case TO_PAGE.LOADING:
        if (!run.info || msg.stage === 'model') say(run.info ? 'Building a new model…' : LOADING_TEXT[msg.stage]);
        break;
      case TO_PAGE.READY: onReady(msg); model.ready(msg); break;
      case TO_PAGE.FRAME: onFrame(msg); model.frame(msg); break;
      case TO_PAGE.ANSWER: model.answer(msg); break;
      case TO_PAGE.ERROR: onError(msg); break;
      default: console.warn(`unknown message from the worker: ${msg.type}`);
    }
  };
  for (const panel of PANELS) {
    const section = document.getElementById(panel.id);
    if (section) panel.mount(section, model.forSection(section));
  }
  run.worker.onerror = (e) => {
    e.preventDefault();
    setRunning(false);
    showAlert(`The training worker stopped: ${e.message || 'its script could not be loaded'}.`);
    invalidate('status');
  };

  // ---- drawing -------------------------------------------------------------------------------

  /** Train's name says what a press does: Train, or Pause while training. Set at once, not per frame. */
  function setRunning(running) {
    run.running = running;
    const name = running ? 'Pause' : 'Train';
    if (ui.train.textContent !== name) ui.train.textContent = name;
    ui.train.classList.toggle('running', running);
  }

  function invalidate(...parts) {
    for (const p of parts) run.dirty.add(p);
    if (!run.queued) {
      run.queued = true;
      requestAnimationFrame(render);
    }
  }

  function say(text) {
    ui.status.textContent = text;
    run.lastStatusAt = performance.now();
  }

  function showAlert(text) {
    ui.alert.textContent = text;
    ui.alert.hidden = false;
  }

  function hideAlert() {
    ui.alert.hidden = true;
    ui.alert.textContent = '';
    delete ui.app.dataset.error;
  }

  function render() {
    run.queued = false;
    const dirty = run.dirty;
    run.dirty = new Set();
    const f = run.frame;
    const epochs = state.values.epochs;

    if (f) {
      const pos = position(f.stats);
      ui.epochLabel.textContent = `epoch ${pos.epoch}/${epochs}`;
      ui.progress.max = pos.of;
      ui.progress.value = pos.batch;
      ui.loss.textContent = f.stats.steps ? fmtLoss(f.stats.loss) : '—';
      ui.rate.textContent = f.rate > 0 ? fmtCount(f.rate) : '—';
      ui.elapsed.textContent = fmtTime(f.elapsed);
      if (dirty.has('status')) say(statusText(f, pos, epochs));
    }
    if (run.display && dirty.has('display')) drawDisplay();
    if (f && dirty.has('digits')) drawRecon(f);
    if (dirty.has('chart')) drawChart();
    if (dirty.has('kernels')) drawKernelPanel();
    else if (dirty.has('more-kernels')) paintKernels();

    // For tests and for anyone scripting the page: what is drawn now.
    const ds = ui.app.dataset;
    ds.ready = String(!!f);
    ds.running = String(run.running);
    ds.done = String(finished());
    ds.generation = String(run.generation);
    ds.steps = String(f?.stats.steps ?? 0);
    ds.epoch = String(f?.stats.epoch ?? 0);
    ds.loss = f && f.stats.steps ? String(f.stats.loss) : '';
  }

  function statusText(f, pos, epochs) {
    const mode = run.running ? 'training' : finished() ? 'finished' : f.stats.steps ? 'paused' : 'ready';
    const loss = f.stats.steps ? fmtLoss(f.stats.loss) : '—';
    return `epoch ${pos.epoch}/${epochs} · batch ${pos.batch}/${pos.of} · loss ${loss} · ${mode}`;
  }

  function digitDims() {
    return { count: run.display.indices.length, side: SIDE, gap: DIGIT_GAP };
  }

  function drawDisplay() {
    const { lo, hi } = run.info;
    const m = run.display;
    drawDigitRow(ui.rows.input.getContext('2d'), m.inputs, digitDims(), { lo, hi, gapColor });
    if (m.masks) drawDigitRow(ui.rows.mask.getContext('2d'), m.masks, digitDims(), { lo, hi, kind: 'mask', gapColor });
    if (m.corrupted) drawDigitRow(ui.rows.corrupted.getContext('2d'), m.corrupted, digitDims(), { lo, hi, gapColor });
  }

  function drawRecon(f) {
    const { lo, hi } = run.info;
    drawDigitRow(ui.rows.recon.getContext('2d'), f.recon, digitDims(), { lo, hi, gapColor });
    if (f.reconClean) drawDigitRow(ui.rows.reconClean.getContext('2d'), f.reconClean, digitDims(), { lo, hi, gapColor });
  }

  function drawChart() {
    const dims = chartDims();
    if (!dims.width || !dims.height) return;
    const w = Math.round(dims.width * dims.dpr);
    const h = Math.round(dims.height * dims.dpr);
    if (ui.chart.width !== w) ui.chart.width = w;
    if (ui.chart.height !== h) ui.chart.height = h;
    drawLossChart(ui.chart.getContext('2d'), run.series, dims, { log: state.values.scale === 'log', hover: run.hover, colors });
  }

  /**
   * Paint the next rows of the kernel grid: at most KERNEL_TILES_PER_FRAME tiles now, the rest in
   * the next animation frames (2048 tiles at once would block the page for too long).
   */
  function paintKernels() {
    const v = kernelView();
    const from = run.kernelsDrawn;
    if (!run.kernels || from >= v.count) return;
    const to = Math.min(v.count, from + Math.max(1, Math.floor(KERNEL_TILES_PER_FRAME / v.cols)) * v.cols);
    drawKernels(ui.kernels.getContext('2d'), run.kernels, { ...v, from, to }, { scale: state.values.kscale, globalMax: run.kernelsMax });
    run.kernelsDrawn = to;
    if (to < v.count) invalidate('more-kernels');
  }

  /** The kernels panel: pager, legend, canvas size, then the first rows of the grid. */
  function drawKernelPanel() {
    const v = kernelView();
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
    paintKernels();
  }

  // In-page links (the nav to the labs) scroll without touching the hash, which holds the settings.
  document.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[href^="#"]');
    const target = a && !hasSettings(a.hash) && document.getElementById(a.hash.slice(1));
    if (!target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    target.scrollIntoView({ block: 'start' });
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  });

  // ---- go ------------------------------------------------------------------------------------

  ui.app.setAttribute('aria-busy', 'true');
  document.querySelector('.legend .bar').style.background = legendGradient();
  showControls();
  writeHash();
  sendConfig(); // even with an invalid field: the model shows its valid settings, and Train refuses
  invalidate('chart', 'kernels');
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

/** 12345.6 → "12,346" (not toLocaleString: its first call loads locale data, a long task). */
function fmtCount(v) {
  return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fmtTime(ms) {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')} min`;
}
