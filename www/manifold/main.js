// Wiring of the 2-D manifold lab: controls ↔ LabState ↔ URL hash, commands to the worker, frames
// from it drawn in the next animation frame (the data-* attributes of <main id="lab"> are set in
// that same frame, so a test that waits for them reads that frame's pixels), and the drawing pad.

import { LabState, KEYS, VARIANTS, encodeStroke } from './state.js';
import { TO_WORKER, TO_PAGE, HEAT, ARROWS, SWEEP } from './protocol.js';
import { COLORS, drawField, drawPoints, drawPad, drawLoss, drawSensitivity, jacobianAxes, distances, niceCeil, fromPx } from './draw.js';

const FIELD_SIZE = 480; // canvas pixels of a square plot
const FIELD_BAR = 84; // canvas pixels below a field for its colour bar
const $ = (id) => document.getElementById(id);

/** The page's one mutable state: settings plus what the worker last sent. */
const page = {
  state: LabState.fromHash(location.hash),
  worker: null,
  nextId: 1,
  lastSent: 0, // id of the last command sent
  builtKey: '', // modelKey() of the labs the worker holds (or is building)
  generation: 0,
  ready: null, // {data, corrupted}
  frame: null, // the last frame
  frames: 0,
  dirty: false,
  running: false,
  wantRunning: false, // resume training after a rebuild
  series: {}, // variant → {steps: [], losses: []}
  stroke: null, // the stroke being drawn, [x0, y0, x1, y1, …]
  heatGrid: gridPoints(HEAT),
  arrowGrid: gridPoints(ARROWS),
};

/** The engine's grid (manifold::grid_points), rebuilt here so the page needs no wasm. */
function gridPoints(g) {
  const v = 1.5;
  const step = (2 * v) / g;
  const out = new Float32Array(2 * g * g);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      out[2 * (r * g + c)] = -v + (c + 0.5) * step;
      out[2 * (r * g + c) + 1] = v - (r + 0.5) * step;
    }
  }
  return out;
}

function send(type, extra = {}) {
  const id = page.nextId++;
  page.lastSent = id;
  page.worker.postMessage({ type, id, ...extra });
  return id;
}

// ---- settings and controls -------------------------------------------------------------------

const TEXT_KEYS = ['points', 'noise', 'sigma', 'lambda', 'width', 'depth', 'code', 'lr', 'seed'];

function showError(key, message) {
  const el = $(`${key}-error`);
  if (el) {
    el.textContent = message || '';
    el.hidden = !message;
  }
  const input = $(key);
  if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

function syncControls() {
  const s = page.state;
  for (const k of TEXT_KEYS) $(k).value = s.text[k];
  $('curve').value = s.values.curve;
  $('curve').querySelector('option[value="drawn"]').disabled = !s.values.stroke;
  for (const box of document.querySelectorAll('input[name="show"]')) box.checked = s.values.show.includes(box.value);
  for (const r of document.querySelectorAll('input[name="view"]')) r.checked = r.value === s.values.view;
  for (const k of KEYS) showError(k, s.errors[k]);
  layoutFigures();
}

function writeHash() {
  const hash = `#${page.state.toHash()}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

/** Send a config when the model settings changed (and are valid). */
function maybeRebuild() {
  writeHash();
  if (!page.state.valid) return;
  const key = page.state.modelKey();
  if (key === page.builtKey) return;
  page.builtKey = key;
  page.wantRunning = page.running;
  const s = page.state;
  const labs = s.shown().map((v) => ({ variant: v.key, settings: s.labSettings(v.key) }));
  send(TO_WORKER.CONFIG, { labs, drawn: s.strokePoints() });
  $('status').textContent = 'Building the models…';
}

function onControl(key, text) {
  const err = page.state.set(key, text);
  showError(key, err);
  if (key === 'view') {
    writeHash();
    page.dirty = true;
    return;
  }
  if (key === 'show') layoutFigures();
  maybeRebuild();
}

function wireControls() {
  for (const k of TEXT_KEYS) {
    $(k).addEventListener('change', (e) => onControl(k, e.target.value));
    $(k).addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); onControl(k, e.target.value); } });
  }
  $('settings').addEventListener('submit', (e) => e.preventDefault());
  $('curve').addEventListener('change', (e) => onControl('curve', e.target.value));
  for (const box of document.querySelectorAll('input[name="show"]')) {
    box.addEventListener('change', () => {
      const letters = [...document.querySelectorAll('input[name="show"]:checked')].map((b) => b.value).join('');
      onControl('show', letters);
    });
  }
  for (const r of document.querySelectorAll('input[name="view"]')) r.addEventListener('change', () => onControl('view', r.value));
  $('train').addEventListener('click', () => {
    // The name changes at once; the worker's next frame confirms it.
    const play = !page.running;
    send(play ? TO_WORKER.PLAY : TO_WORKER.PAUSE);
    setRunning(play, false);
  });
  $('step').addEventListener('click', () => send(TO_WORKER.STEP));
  $('reset').addEventListener('click', () => { page.wantRunning = false; send(TO_WORKER.RESET); });
  addEventListener('hashchange', () => {
    page.state.readHash(location.hash);
    syncControls();
    maybeRebuild();
  });
}

// ---- figures ------------------------------------------------------------------------------------

/** One field and one points canvas per shown variant. */
function layoutFigures() {
  for (const [id, kind] of [['fieldviews', 'field'], ['pointviews', 'points']]) {
    const box = $(id);
    const want = page.state.shown().map((v) => v.key).join(',');
    if (box.dataset.variants === want) continue;
    box.dataset.variants = want;
    box.replaceChildren(...page.state.shown().map((v) => {
      const fig = document.createElement('figure');
      const cap = document.createElement('figcaption');
      const name = document.createElement('span');
      const sw = document.createElement('span');
      sw.className = `swatch ${v.key}`;
      name.append(sw, ` ${v.label}`);
      const val = document.createElement('span');
      val.className = 'val';
      val.id = `${kind}-${v.key}-val`;
      cap.append(name, val);
      const c = document.createElement('canvas');
      c.id = `${kind}-${v.key}`;
      c.width = FIELD_SIZE;
      c.height = kind === 'field' ? FIELD_SIZE + FIELD_BAR : FIELD_SIZE;
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', kind === 'field'
        ? `${v.label}: arrows from grid points to their reconstructions over a heat map of the distance`
        : `${v.label}: inputs and their reconstructions, and the learned manifold`);
      fig.append(cap, c);
      return fig;
    }));
  }
  page.dirty = true;
}

function fmt(v) {
  return Number.isFinite(v) ? v.toPrecision(3) : '–';
}

function draw() {
  requestAnimationFrame(draw);
  if (!page.dirty) return;
  page.dirty = false;
  const f = page.frame;
  const r = page.ready;
  drawPad($('pad').getContext('2d'), { points: r?.data, stroke: page.stroke }, { size: 480 });
  if (f && r && f.generation === page.generation) {
    // One colour scale for every field, so the three can be compared; its top is the 95th
    // percentile of all distances (rounded up), so the few far corners do not wash out the rest.
    const dist = new Map();
    const all = [];
    for (const l of f.labs) {
      const d = distances(page.heatGrid, l.heat);
      dist.set(l.variant, d);
      all.push(...d);
    }
    all.sort((a, b) => a - b);
    const vmax = niceCeil(all[Math.floor(0.95 * (all.length - 1))]);
    const corrupted = page.state.values.view === 'corrupted';
    for (const l of f.labs) {
      const fc = $(`field-${l.variant}`);
      if (fc) {
        drawField(fc.getContext('2d'), {
          heatGrid: page.heatGrid, heat: l.heat, arrowGrid: page.arrowGrid, arrows: l.arrows, sweep: l.sweep, points: r.data,
        }, { size: FIELD_SIZE, heat: HEAT, sweep: SWEEP }, { vmax });
        const d = dist.get(l.variant);
        let on = 0;
        for (let i = 0; i < r.data.length; i += 2) on += Math.hypot(l.out[i] - r.data[i], l.out[i + 1] - r.data[i + 1]);
        $(`field-${l.variant}-val`).textContent =
          `mean travel: from the points ${fmt(on / (r.data.length / 2))}, over the grid ${fmt(d.reduce((a, b) => a + b, 0) / d.length)}`;
      }
      const pc = $(`points-${l.variant}`);
      if (pc && page.state.values.view === 'jacobian') {
        drawSensitivity(pc.getContext('2d'), { points: r.jacPoints, jac: l.jac, code: r.code, inputs: r.data, sweep: l.sweep },
          { size: FIELD_SIZE, sweep: SWEEP }, { color: COLORS[l.variant], radius: 26 });
        let ratio = 0;
        const k = r.jacPoints.length / 2;
        for (let i = 0; i < k; i++) {
          const { s1, s2 } = jacobianAxes(l.jac.subarray(i * 2 * r.code, (i + 1) * 2 * r.code));
          ratio += s1 > 0 ? s2 / s1 : 1;
        }
        $(`points-${l.variant}-val`).textContent = `least / most sensitive direction, mean σ₂/σ₁ ${fmt(ratio / k)}`;
      } else if (pc) {
        const inputs = corrupted ? r.corrupted : r.data;
        const outputs = corrupted ? l.outCorrupted : l.out;
        drawPoints(pc.getContext('2d'), { inputs, outputs, sweep: l.sweep }, { size: FIELD_SIZE, sweep: SWEEP },
          { color: COLORS[l.variant], every: Math.max(1, Math.floor(inputs.length / 2 / 600)) });
        let err = 0;
        for (let i = 0; i < r.data.length; i++) err += (outputs[i] - r.data[i]) ** 2;
        $(`points-${l.variant}-val`).textContent = `MSE of the outputs against the clean points ${fmt(err / r.data.length)}`;
      }
    }
    const series = f.labs.map((l) => ({ ...page.series[l.variant], color: COLORS[l.variant] }));
    // The chart is drawn in CSS pixels on a backing store devicePixelRatio times larger.
    const lc = $('loss');
    const dpr = window.devicePixelRatio || 1;
    const [w, h] = [lc.clientWidth || 900, lc.clientHeight || 260];
    if (lc.width !== Math.round(w * dpr) || lc.height !== Math.round(h * dpr)) {
      lc.width = Math.round(w * dpr);
      lc.height = Math.round(h * dpr);
    }
    const lctx = lc.getContext('2d');
    lctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawLoss(lctx, series, { width: w, height: h });
    $('loss-legend').replaceChildren(...f.labs.map((l) => {
      const s = document.createElement('span');
      const sw = document.createElement('span');
      sw.className = `swatch ${l.variant}`;
      const name = VARIANTS.find((v) => v.key === l.variant).label;
      const extra = l.variant === 'contractive' && Number.isFinite(l.penalty) ? ` (recon ${fmt(l.recon)} + penalty ${fmt(l.penalty)})` : '';
      s.append(sw, ` ${name}: ${fmt(l.loss)}${extra}`);
      return s;
    }));
    const lab = $('lab');
    lab.dataset.steps = String(f.steps);
    lab.dataset.running = String(f.running);
    lab.dataset.frames = String(page.frames);
  }
}

// ---- worker messages ----------------------------------------------------------------------------

function setRunning(running, done) {
  page.running = running;
  const b = $('train');
  b.textContent = running ? 'Pause' : 'Train';
  b.setAttribute('aria-pressed', String(running));
  b.disabled = !running && done;
}

function onMessage(e) {
  const msg = e.data;
  if (msg.type === TO_PAGE.READY) {
    page.generation = msg.generation;
    page.ready = { data: msg.data, corrupted: msg.corrupted, jacPoints: msg.jacPoints, code: msg.code };
    page.series = {};
    for (const v of VARIANTS) page.series[v.key] = { steps: [], losses: [] };
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < msg.data.length; i += 2) {
      x0 = Math.min(x0, msg.data[i]); x1 = Math.max(x1, msg.data[i]);
      y0 = Math.min(y0, msg.data[i + 1]); y1 = Math.max(y1, msg.data[i + 1]);
    }
    const lab = $('lab');
    lab.dataset.generation = String(msg.generation);
    lab.dataset.curve = page.state.values.curve;
    lab.dataset.bounds = [x0, x1, y0, y1].map((v) => v.toFixed(3)).join(',');
    lab.dataset.ready = 'true';
    $('alert').hidden = true;
    for (const id of ['train', 'step', 'reset']) $(id).disabled = false;
    if (page.wantRunning) send(TO_WORKER.PLAY);
    page.wantRunning = false;
    page.dirty = true;
  } else if (msg.type === TO_PAGE.FRAME) {
    if (msg.generation !== page.generation) return;
    for (const l of msg.labs) {
      const s = page.series[l.variant];
      s.steps.push(...l.lossSteps);
      s.losses.push(...l.losses);
    }
    page.frame = msg;
    page.frames++;
    // A frame older than the last command (say, Pause) must not undo that command's button state.
    if (msg.ack >= page.lastSent) setRunning(msg.running, msg.done);
    $('status').textContent = `${msg.running ? 'Training' : msg.done ? 'Done' : 'Paused'} · step ${msg.steps.toLocaleString('en')} · epoch ${msg.epoch}`
      + (msg.done ? ' (stopped after 30,000 steps; Reset to start again)' : '');
    page.dirty = true;
  } else if (msg.type === TO_PAGE.ERROR) {
    const a = $('alert');
    a.textContent = msg.message;
    a.hidden = false;
    page.builtKey = ''; // let the next valid change rebuild
    if (msg.fatal) $('status').textContent = 'The lab could not start.';
    else setRunning(false, false);
  }
}

// ---- the drawing pad ----------------------------------------------------------------------------

function wirePad() {
  const pad = $('pad');
  const at = (e) => {
    const box = pad.getBoundingClientRect();
    const [x, y] = fromPx(((e.clientX - box.left) / box.width) * 480, ((e.clientY - box.top) / box.height) * 480, 480);
    return [Math.max(-1.5, Math.min(1.5, x)), Math.max(-1.5, Math.min(1.5, y))];
  };
  pad.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    page.stroke = [...at(e)];
    page.dirty = true;
  });
  pad.addEventListener('pointermove', (e) => {
    if (!page.stroke || !pad.hasPointerCapture(e.pointerId)) return;
    const [x, y] = at(e);
    const n = page.stroke.length;
    if (Math.hypot(x - page.stroke[n - 2], y - page.stroke[n - 1]) < 0.01) return;
    page.stroke.push(x, y);
    page.dirty = true;
  });
  const end = () => {
    if (!page.stroke) return;
    const pts = Float32Array.from(page.stroke);
    page.stroke = null;
    page.dirty = true;
    let len = 0;
    for (let i = 2; i < pts.length; i += 2) len += Math.hypot(pts[i] - pts[i - 2], pts[i + 1] - pts[i - 1]);
    if (pts.length < 4 || len < 0.1) {
      $('pad-hint').textContent = 'Too short: drag a longer stroke to make it the training data.';
      return;
    }
    $('pad-hint').textContent = 'Drag with a mouse, pen or finger: your stroke becomes the training data.';
    page.state.set('stroke', encodeStroke(pts));
    page.state.set('curve', 'drawn');
    syncControls();
    maybeRebuild();
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
}

// ---- start --------------------------------------------------------------------------------------

function start() {
  syncControls();
  wireControls();
  wirePad();
  page.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  page.worker.onmessage = onMessage;
  page.worker.onerror = (e) => {
    $('alert').textContent = `The training worker failed: ${e.message || 'unknown error'}`;
    $('alert').hidden = false;
  };
  writeHash();
  if (page.state.valid) maybeRebuild();
  else $('status').textContent = 'Fix the highlighted settings to start.';
  requestAnimationFrame(draw);
}

start();
