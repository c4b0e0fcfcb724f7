// Latent space (issue 5): the lecture's first argument for autoencoders — the code captures the
// structure of images better than pixel space (figs 2–4) — and its first application, anomaly
// detection, on the page's one model, live while it trains. Four boxes: pixel vs latent
// interpolation, the 2-D map of the codes, a drawing pad fed to the model, and the reconstruction
// error of digits vs anomalies. All maths runs in the engine (src/latent.rs) through
// `model.call('latent_*', ...)`; this file wires DOM, pointer and keyboard to it.

import { SIDE } from '../protocol.js';
import { drawDigitRow } from '../draw/digits.js';
import { LABEL_COLOURS, drawScatter, drawBars, drawHistogram, drawHeat, formatError } from './latent-draw.js';

export const id = 'panel-latent';

const N = SIDE * SIDE;
const MAP_COUNT = 1000; // digits on the latent map (every 10th image)
const PICKS_PER_CLASS = 2; // digits per class in the picking grid
const STEPS = 9; // interpolation strip length (α = 0, 1/8, …, 1)
const REFRESH_MS = 1000; // while training, strips and drawing at most this often
const ANOMALY_MS = 3000; // and the anomaly report at most this often (≥ 10× its cost)
const ANOMALY_NORMAL = 500;
const ANOMALY_PER_KIND = 100;
const BINS = 40;
const MAX_DRAWN = 100;
const KIND_NAMES = { noise: 'uniform noise', inverted: 'inverted digits', shifted: 'shifted digits', rotated: 'rotated digits', drawn: 'your drawings', all: 'all anomalies' };

const HTML = `
<h2 id="latent-title">Latent space</h2>
<p class="explain">The lecture’s first argument for autoencoders: the images of a class lie on a thin
  curved manifold of the 784-dimensional pixel space, and the code <span class="math">h = E(x)</span> follows it.
  Averaging two images in pixel space gives a ghostly superposition that is no digit (fig 3); averaging their
  codes and decoding, <span class="math">D((1−α)E(x<sub>A</sub>) + αE(x<sub>B</sub>))</span>, moves along the
  manifold (fig 4). Because the model only learned to reconstruct digits, a large reconstruction error
  <span class="math">‖x − D(E(x))‖²</span> flags an input that is not one — the lecture’s first application,
  anomaly detection. Everything below is computed by the model being trained above, and updates while it trains.</p>

<div class="lat-grid">
<section class="lat-box lat-interp" aria-labelledby="lat-interp-title">
  <h3 id="lat-interp-title">1 · Pixel space vs latent space (figs 3–4)</h3>
  <p class="explain">Pick two digits (here, on the map, or draw one). The top strip is
    <span class="math">(1−α)·x<sub>A</sub> + α·x<sub>B</sub></span>: a cross-fade, whose middle is two
    half-bright digits on top of each other. The bottom strip decodes the interpolated code; with a trained model
    its middle frames look like digits. α = 0 and α = 1 give the inputs and their reconstructions.</p>
  <fieldset class="lat-target">
    <legend>A click picks</legend>
    <label><input type="radio" name="lat-target" value="A" checked> digit A</label>
    <label><input type="radio" name="lat-target" value="B"> digit B</label>
  </fieldset>
  <div class="lat-picks" role="group" aria-label="Test digits to pick"></div>
  <div class="lat-ab">
    <figure><canvas class="pix lat-a" width="28" height="28" role="img" aria-label="Digit A"></canvas><figcaption>A <span class="lat-a-label"></span></figcaption></figure>
    <figure><canvas class="pix lat-b" width="28" height="28" role="img" aria-label="Digit B"></canvas><figcaption>B <span class="lat-b-label"></span></figcaption></figure>
  </div>
  <figure class="lat-strip"><figcaption>pixel space <span class="math">(1−α)x<sub>A</sub> + αx<sub>B</sub></span></figcaption>
    <canvas class="pix lat-strip-pixel" role="img" aria-label="Interpolation in pixel space"></canvas></figure>
  <figure class="lat-strip"><figcaption>latent space <span class="math">D((1−α)h<sub>A</sub> + αh<sub>B</sub>)</span></figcaption>
    <canvas class="pix lat-strip-latent" role="img" aria-label="Interpolation in latent space"></canvas></figure>
  <div class="lat-alpha">
    <label for="lat-alpha">α = <output id="lat-alpha-out" for="lat-alpha">0.50</output></label>
    <input id="lat-alpha" type="range" min="0" max="1" step="0.01" value="0.5">
  </div>
  <div class="lat-big">
    <figure><canvas class="pix lat-big-pixel" width="28" height="28" role="img" aria-label="Pixel-space blend at α"></canvas><figcaption>pixel space at α</figcaption></figure>
    <figure><canvas class="pix lat-big-latent" width="28" height="28" role="img" aria-label="Latent-space blend at α"></canvas><figcaption>latent space at α</figcaption></figure>
  </div>
</section>

<section class="lat-box lat-mapbox" aria-labelledby="lat-map-title">
  <h3 id="lat-map-title">2 · The latent map</h3>
  <p class="explain lat-map-explain">The codes of 1,000 digits. With <span class="math">d = 2</span> the code is
    plotted as it is; with more dimensions, on its first two principal components. Training pulls the classes
    apart although it never sees a label: the structure comes from the images alone. Point at a dot to see its
    digit, between the dots to see what the decoder makes of that point; click (or focus the map, ← → and
    Enter) to pick it for the interpolation.</p>
  <div class="lat-map-wrap">
    <canvas class="lat-map" tabindex="0" role="img" aria-label="Latent map of 1,000 test digits coloured by label" aria-describedby="lat-map-readout"></canvas>
    <div class="lat-tip" hidden><canvas class="pix" width="28" height="28"></canvas><span></span></div>
  </div>
  <ul class="lat-legend" aria-label="Colours of the labels"></ul>
  <p class="readout lat-map-readout" id="lat-map-readout" aria-live="polite"></p>
</section>

<section class="lat-box lat-drawbox" aria-labelledby="lat-draw-title">
  <h3 id="lat-draw-title">3 · Draw your own digit</h3>
  <p class="explain">Your drawing is prepared like MNIST (bounding box scaled to 20×20, centre of mass moved to
    the middle of 28×28, a light blur), then encoded and decoded. A digit comes back recognisable with a small
    error; a letter or a shape is pulled towards the nearest digit, and its error is larger.</p>
  <div class="lat-draw-row">
    <canvas class="lat-pad" width="280" height="280" aria-label="Drawing pad: draw a digit with the mouse, a pen or a finger"></canvas>
    <div class="lat-draw-out">
      <div class="lat-pair">
        <figure><canvas class="pix lat-draw-in" width="28" height="28" role="img" aria-label="Your drawing, preprocessed"></canvas><figcaption>input <span class="math">x</span></figcaption></figure>
        <figure><canvas class="pix lat-draw-rec" width="28" height="28" role="img" aria-label="Its reconstruction"></canvas><figcaption>output <span class="math">x̂</span></figcaption></figure>
      </div>
      <p class="lat-draw-error readout" aria-live="polite">Draw in the box.</p>
      <figure class="lat-code"><canvas class="lat-bars" role="img" aria-label="The code h as bars"></canvas><figcaption>code <span class="math">h</span> (<span class="lat-d"></span> units; red &gt; 0 &gt; blue)</figcaption></figure>
    </div>
  </div>
  <div class="buttons">
    <button type="button" class="lat-clear">Clear</button>
    <button type="button" class="lat-example">Example stroke</button>
    <button type="button" class="lat-use-a" disabled>Use as A</button>
    <button type="button" class="lat-use-b" disabled>Use as B</button>
    <button type="button" class="lat-add-anomaly" disabled>Add as anomaly</button>
  </div>
  <p class="error lat-draw-alert" role="alert" hidden></p>
</section>

<section class="lat-box lat-anombox" aria-labelledby="lat-anom-title">
  <h3 id="lat-anom-title">4 · Anomaly detection</h3>
  <p class="explain">Score every input by its reconstruction error <span class="math">e(x) = ‖x − D(E(x))‖²/784</span>
    and call it an anomaly when <span class="math">e(x)</span> is above a threshold. Blue: 500 test digits; red: the
    chosen anomalies (100 of each kind, plus what you add from the drawing pad). Drag the threshold; the ROC AUC is
    the chance that an anomaly scores above a digit, whatever the threshold.</p>
  <div class="lat-anom-tools">
    <label>Anomalies <select class="lat-kind">
      <option value="all">all kinds</option><option value="noise">uniform noise</option><option value="inverted">inverted digits</option>
      <option value="shifted">shifted digits</option><option value="rotated">rotated digits</option><option value="drawn">your drawings</option></select></label>
    <label>Shift <select class="lat-shift">${[2, 4, 6, 8, 10].map((k) => `<option value="${k}"${k === 6 ? ' selected' : ''}>${k} px</option>`).join('')}</select></label>
    <label>Rotation <select class="lat-angle">${[15, 30, 45, 90, 180].map((a) => `<option value="${a}"${a === 90 ? ' selected' : ''}>${a}°</option>`).join('')}</select></label>
  </div>
  <canvas class="lat-hist" aria-hidden="true"></canvas>
  <div class="lat-threshold">
    <label for="lat-threshold">Threshold <output id="lat-threshold-out" for="lat-threshold">—</output></label>
    <input id="lat-threshold" type="range" min="0" max="1000" step="1" value="500" aria-describedby="lat-anom-readout">
  </div>
  <p class="readout lat-anom-readout" id="lat-anom-readout" aria-live="polite">Waiting for the model…</p>
  <p class="lat-hint">Click an image to see where its error is: the per-pixel heat map <span class="math">(x̂ − x)²</span>.</p>
  <figure class="lat-strip"><figcaption>test digits</figcaption><canvas class="pix lat-ex-normal" tabindex="0" role="img" aria-label="Example test digits; click or ← → to select"></canvas></figure>
  <figure class="lat-strip"><figcaption class="lat-ex-caption">anomalies</figcaption><canvas class="pix lat-ex-anom" tabindex="0" role="img" aria-label="Example anomalies; click or ← → to select"></canvas></figure>
  <div class="lat-heat">
    <figure><canvas class="pix lat-sel-in" width="28" height="28" role="img" aria-label="Selected input"></canvas><figcaption>input</figcaption></figure>
    <figure><canvas class="pix lat-sel-rec" width="28" height="28" role="img" aria-label="Its reconstruction"></canvas><figcaption>output</figcaption></figure>
    <figure><canvas class="pix lat-sel-heat" width="28" height="28" role="img" aria-label="Per-pixel squared error"></canvas><figcaption>error <span class="math">(x̂−x)²</span></figcaption></figure>
  </div>
  <p class="readout lat-sel-readout" aria-live="polite"></p>
</section>
</div>
`;

/** Precision and recall of "anomaly if e > t" (the engine's `latent::precision_recall`, mirrored
 *  here so the slider answers without a round trip). Precision is NaN when nothing is flagged. */
export function precisionRecall(normal, anomalous, t) {
  let tp = 0, fp = 0;
  for (const v of anomalous) if (v > t) tp++;
  for (const v of normal) if (v > t) fp++;
  return { tp, fp, precision: tp + fp > 0 ? tp / (tp + fp) : NaN, recall: anomalous.length ? tp / anomalous.length : NaN };
}

export function mount(section, model) {
  if (!document.querySelector('link[data-latent]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('./latent.css', import.meta.url).href;
    link.dataset.latent = '';
    document.head.append(link);
  }
  section.innerHTML = HTML;
  section.setAttribute('aria-labelledby', 'latent-title');
  section.removeAttribute('aria-label');
  const $ = (s) => section.querySelector(s);
  const ctx = (s) => $(s).getContext('2d');
  const count = (key) => { section.dataset[key] = String(Number(section.dataset[key] || 0) + 1); };

  // Everything this panel knows; reset by a new model.
  const st = {
    info: null, generation: -1,
    mapIdx: null, mapLabels: null, mapInputs: null, // the 1,000 digits: Uint32Array, Uint8Array, Float32Array [k·784]
    map: null, view: null, cursor: -1,
    a: null, b: null, aName: '', bName: '', target: 'A',
    strip: null, // Float32Array [2·(STEPS+1), 784]: STEPS pixel rows, α row; then the latent ones
    drawn: null, drawnProbe: null, drawnList: [], // preprocessed drawing, its probe, drawings added as anomalies
    report: null, threshold: null, thresholdTouched: false, selected: null, // anomaly report, threshold (log10), {kind, i}
    visible: false, busy: false, lastRefresh: 0, lastMap: 0, lastAnom: 0, mapCost: 0, anomCost: 0, dirtyAnom: true,
  };

  // ---- the picking grid ------------------------------------------------------------------
  const picks = $('.lat-picks');
  function buildPicks() {
    picks.replaceChildren();
    const seen = new Array(10).fill(0);
    for (let i = 0; i < st.mapIdx.length; i++) {
      const l = st.mapLabels[i];
      if (seen[l] >= PICKS_PER_CLASS) continue;
      seen[l]++;
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'lat-pick';
      btn.dataset.i = String(i);
      btn.setAttribute('aria-label', `digit ${l}, image ${st.mapIdx[i]}`);
      const c = document.createElement('canvas');
      c.className = 'pix';
      btn.append(c);
      drawDigitRow(c.getContext('2d'), st.mapInputs.subarray(i * N, (i + 1) * N), { count: 1, side: SIDE, gap: 0 }, st.info);
      btn.addEventListener('click', () => pickMap(i));
      picks.append(btn);
    }
    const order = [...picks.children].sort((p, q) => st.mapLabels[p.dataset.i] - st.mapLabels[q.dataset.i]);
    picks.append(...order);
  }
  for (const r of section.querySelectorAll('input[name="lat-target"]')) r.addEventListener('change', () => { st.target = r.value; });
  function setTarget(t) {
    st.target = t;
    section.querySelector(`input[name="lat-target"][value="${t}"]`).checked = true;
  }

  function pick(x, name) {
    if (st.target === 'A') { st.a = x; st.aName = name; setTarget('B'); } else { st.b = x; st.bName = name; setTarget('A'); }
    paintAB();
    refreshInterp();
  }
  function paintAB() {
    const opts = st.info;
    if (st.a) drawDigitRow(ctx('.lat-a'), st.a, { count: 1, side: SIDE, gap: 0 }, opts);
    if (st.b) drawDigitRow(ctx('.lat-b'), st.b, { count: 1, side: SIDE, gap: 0 }, opts);
    $('.lat-a-label').textContent = st.aName;
    $('.lat-b-label').textContent = st.bName;
    drawMap();
  }

  // ---- interpolation ---------------------------------------------------------------------
  const alpha = $('#lat-alpha');
  function alphas() {
    const a = Array.from({ length: STEPS }, (_, i) => i / (STEPS - 1));
    a.push(Number(alpha.value));
    return Float32Array.from(a);
  }
  async function refreshInterp() {
    if (!st.a || !st.b) return;
    const gen = model.generation;
    try {
      const out = await model.call('latent_interpolate', st.a, st.b, alphas());
      if (gen !== model.generation) return;
      st.strip = out;
      paintStrips();
    } catch (e) {
      console.warn('latent interpolation:', e.message);
    }
  }
  function paintStrips() {
    const k = STEPS + 1;
    const s = st.strip;
    if (!s) return;
    const opts = { ...st.info, gapColor: [255, 255, 255] };
    drawDigitRow(ctx('.lat-strip-pixel'), s.subarray(0, STEPS * N), { count: STEPS, side: SIDE, gap: 2 }, opts);
    drawDigitRow(ctx('.lat-strip-latent'), s.subarray(k * N, (k + STEPS) * N), { count: STEPS, side: SIDE, gap: 2 }, opts);
    drawDigitRow(ctx('.lat-big-pixel'), s.subarray(STEPS * N, k * N), { count: 1, side: SIDE, gap: 0 }, opts);
    drawDigitRow(ctx('.lat-big-latent'), s.subarray((k + STEPS) * N, 2 * k * N), { count: 1, side: SIDE, gap: 0 }, opts);
    count('interp');
  }
  alpha.addEventListener('input', () => {
    $('#lat-alpha-out').value = Number(alpha.value).toFixed(2);
    refreshInterp();
  });

  // ---- the latent map --------------------------------------------------------------------
  const mapCanvas = $('.lat-map');
  const tip = $('.lat-tip');
  const legend = $('.lat-legend');
  legend.innerHTML = LABEL_COLOURS.map((c, l) => `<li><span style="background:${c}"></span>${l}</li>`).join('');
  async function refreshMap() {
    if (!st.mapIdx) return;
    const gen = model.generation;
    const t0 = performance.now();
    try {
      const m = await model.call('latent_map', st.mapIdx);
      if (gen !== model.generation) return;
      st.mapCost = performance.now() - t0;
      section.dataset.mapMs = st.mapCost.toFixed(0); // measured, for the record and the tests
      st.map = m;
      st.lastMap = performance.now();
      drawMap();
      count('map');
    } catch (e) {
      $('.lat-map-readout').textContent = `The map could not be computed: ${e.message}`;
    }
  }
  function drawMap() {
    if (!st.map) return;
    const marks = [];
    // A picked map digit carries its index on the map; a drawing has none.
    const find = (x) => (x && x.mapIndex !== undefined ? x.mapIndex : -1);
    const ia = find(st.a), ib = find(st.b);
    if (ia >= 0) marks.push({ i: ia, text: 'A' });
    if (ib >= 0) marks.push({ i: ib, text: 'B' });
    st.view = drawScatter(mapCanvas.getContext('2d'), st.map.xy, st.map.labels, { marks, cursor: st.cursor });
    const d = st.info.d;
    const how = d === 1 ? 'd = 1: horizontal = the code, vertical = the label (spread)' : d === 2 ? 'd = 2: the code itself, h₁ across, h₂ up' : `d = ${d}: first two principal components of the codes, ${(100 * st.map.explained).toFixed(0)} % of their variance`;
    mapCanvas.dataset.method = st.map.method;
    if (st.cursor < 0) $('.lat-map-readout').textContent = how;
  }
  function nearest(px, py) {
    if (!st.view || !st.map) return -1;
    let best = -1, bd = 6 * 6; // within 6 px of a dot: that digit; farther: the decoded point
    const k = st.map.labels.length;
    for (let i = 0; i < k; i++) {
      const [sx, sy] = st.view.toScreen(st.map.xy[2 * i], st.map.xy[2 * i + 1]);
      const dd = (sx - px) ** 2 + (sy - py) ** 2;
      if (dd < bd) { bd = dd; best = i; }
    }
    return best;
  }
  function showTip(i, px, py) {
    if (i < 0) { tip.hidden = true; return; }
    const c = tip.querySelector('canvas');
    drawDigitRow(c.getContext('2d'), st.mapInputs.subarray(i * N, (i + 1) * N), { count: 1, side: SIDE, gap: 0 }, st.info);
    tip.querySelector('span').textContent = `${st.mapLabels[i]}`;
    tip.hidden = false;
    placeTip(px, py);
    $('.lat-map-readout').textContent = `digit ${st.mapLabels[i]} (image ${st.mapIdx[i]}) at (${st.map.xy[2 * i].toFixed(2)}, ${st.map.xy[2 * i + 1].toFixed(2)}) — click to pick it as ${st.target}`;
  }
  const local = (e) => { const r = mapCanvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  // Between the dots: decode the map point, D(mean + z₁v₁ + z₂v₂) — what the lecture's 2-D latent
  // plots show. One question in flight; the latest point wins.
  let decoding = false;
  let wanted = null;
  async function showDecoded(px, py) {
    wanted = [px, py];
    if (decoding || !st.map || !st.view) return;
    decoding = true;
    try {
      while (wanted) {
        const [qx, qy] = wanted;
        wanted = null;
        const z = st.view.toData(qx, qy);
        const img = await model.call('latent_decode_xy', st.map.mean, st.map.components, Float32Array.from(z));
        if (tip.dataset.mode !== 'decoded') continue;
        const c = tip.querySelector('canvas');
        drawDigitRow(c.getContext('2d'), img, { count: 1, side: SIDE, gap: 0 }, st.info);
        tip.querySelector('span').textContent = 'D(h)';
        tip.hidden = false;
        placeTip(qx, qy);
        st.decoded = { img, z };
        $('.lat-map-readout').textContent = `between the dots: the decoder’s image of the map point (${z[0].toFixed(2)}, ${z[1].toFixed(2)}) — click to pick it as ${st.target}`;
        count('decoded');
      }
    } catch (e) {
      $('.lat-map-readout').textContent = e.message;
    } finally {
      decoding = false;
    }
  }
  function placeTip(px, py) {
    const w = mapCanvas.clientWidth;
    tip.style.left = `${Math.min(w - 90, px + 10)}px`;
    tip.style.top = `${Math.max(0, py - 70)}px`;
  }
  mapCanvas.addEventListener('pointermove', (e) => {
    const [x, y] = local(e);
    const i = nearest(x, y);
    tip.dataset.mode = i >= 0 ? 'digit' : 'decoded';
    if (i >= 0) showTip(i, x, y);
    else showDecoded(x, y);
  });
  mapCanvas.addEventListener('pointerleave', () => { tip.hidden = true; });
  mapCanvas.addEventListener('click', (e) => {
    const [x, y] = local(e);
    const i = nearest(x, y);
    if (i >= 0) pickMap(i);
    else if (st.decoded) pick(st.decoded.img.slice(), `(map point ${st.decoded.z.map((v) => v.toFixed(1)).join(', ')})`);
  });
  function pickMap(i) {
    const x = st.mapInputs.slice(i * N, (i + 1) * N);
    x.mapIndex = i;
    pick(x, `(a ${st.mapLabels[i]}, image ${st.mapIdx[i]})`);
  }
  mapCanvas.addEventListener('keydown', (e) => {
    if (!st.map) return;
    const k = st.map.labels.length;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      st.cursor = st.cursor < 0 ? (e.key === 'ArrowRight' ? 0 : k - 1) : (st.cursor + (e.key === 'ArrowRight' ? 1 : k - 1)) % k;
      drawMap();
      const [sx, sy] = st.view.toScreen(st.map.xy[2 * st.cursor], st.map.xy[2 * st.cursor + 1]);
      tip.dataset.mode = 'digit';
      showTip(st.cursor, sx, sy);
      e.preventDefault();
    } else if ((e.key === 'Enter' || e.key === ' ') && st.cursor >= 0) {
      pickMap(st.cursor);
      e.preventDefault();
    }
  });
  mapCanvas.addEventListener('blur', () => { tip.hidden = true; });

  // ---- drawing ---------------------------------------------------------------------------
  const pad = $('.lat-pad');
  const pctx = pad.getContext('2d', { willReadFrequently: true });
  const drawAlert = $('.lat-draw-alert');
  let stroke = null;
  let drawTimer = 0;
  function penWidth() { return pad.width / 13; }
  function padPoint(e) {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * pad.width, ((e.clientY - r.top) / r.height) * pad.height];
  }
  function line(p, q) {
    pctx.strokeStyle = '#000';
    pctx.lineWidth = penWidth();
    pctx.lineCap = 'round';
    pctx.lineJoin = 'round';
    pctx.beginPath();
    pctx.moveTo(p[0], p[1]);
    pctx.lineTo(q[0], q[1]);
    pctx.stroke();
  }
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    stroke = padPoint(e);
    line(stroke, stroke);
    e.preventDefault();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!stroke) return;
    const p = padPoint(e);
    line(stroke, p);
    stroke = p;
    if (!drawTimer) drawTimer = setTimeout(() => { drawTimer = 0; processDrawing(); }, 120);
  });
  const end = () => { if (stroke) { stroke = null; processDrawing(); } };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  $('.lat-clear').addEventListener('click', () => {
    pctx.clearRect(0, 0, pad.width, pad.height);
    st.drawn = null;
    st.drawnProbe = null;
    for (const s of ['.lat-draw-in', '.lat-draw-rec']) ctx(s).clearRect(0, 0, SIDE, SIDE);
    ctx('.lat-bars').clearRect(0, 0, 9999, 9999);
    $('.lat-draw-error').textContent = 'Draw in the box.';
    drawButtons();
  });
  $('.lat-example').addEventListener('click', () => {
    // A "4": three strokes in pad coordinates (fractions of the side).
    const s = pad.width;
    for (const [p, q] of [[[0.3, 0.2], [0.25, 0.55]], [[0.25, 0.55], [0.7, 0.55]], [[0.6, 0.2], [0.6, 0.85]]]) line([p[0] * s, p[1] * s], [q[0] * s, q[1] * s]);
    processDrawing();
  });
  function drawButtons() {
    for (const s of ['.lat-use-a', '.lat-use-b', '.lat-add-anomaly']) $(s).disabled = !st.drawn;
  }
  $('.lat-use-a').addEventListener('click', () => { setTarget('A'); pick(st.drawn.slice(), '(your drawing)'); });
  $('.lat-use-b').addEventListener('click', () => { setTarget('B'); pick(st.drawn.slice(), '(your drawing)'); });
  $('.lat-add-anomaly').addEventListener('click', () => {
    if (st.drawnList.length >= MAX_DRAWN) st.drawnList.shift();
    st.drawnList.push(st.drawn.slice());
    $('.lat-kind').value = 'drawn';
    st.dirtyAnom = true;
    refreshAnomalies();
    $('.lat-draw-error').textContent = `Added: ${st.drawnList.length} drawing${st.drawnList.length > 1 ? 's' : ''} in the anomaly set.`;
  });
  async function processDrawing() {
    if (!st.info) return;
    const img = pctx.getImageData(0, 0, pad.width, pad.height).data;
    const ink = new Float32Array(pad.width * pad.height);
    for (let i = 0; i < ink.length; i++) ink[i] = img[4 * i + 3] / 255; // alpha = ink
    try {
      st.drawn = await model.call('latent_preprocess', ink, pad.width, pad.height);
      drawAlert.hidden = true;
    } catch (e) {
      drawAlert.textContent = e.message;
      drawAlert.hidden = false;
      return;
    }
    drawButtons();
    await probeDrawing();
  }
  async function probeDrawing() {
    if (!st.drawn) return;
    const gen = model.generation;
    try {
      const p = await model.call('latent_probe', st.drawn);
      if (gen !== model.generation) return;
      st.drawnProbe = p;
      drawDigitRow(ctx('.lat-draw-in'), st.drawn, { count: 1, side: SIDE, gap: 0 }, st.info);
      drawDigitRow(ctx('.lat-draw-rec'), p.recon, { count: 1, side: SIDE, gap: 0 }, st.info);
      const m = drawBars(ctx('.lat-bars'), p.code);
      const normal = st.report ? median(st.report.errors[0]) : NaN;
      $('.lat-draw-error').textContent = `reconstruction error e(x) = ${formatError(p.error)}` + (Number.isFinite(normal) ? ` (median of the test digits: ${formatError(normal)})` : '') + `; code scale ±${m.toFixed(2)}`;
      count('drawn');
    } catch (e) {
      drawAlert.textContent = e.message;
      drawAlert.hidden = false;
    }
  }

  // ---- anomalies -------------------------------------------------------------------------
  const thr = $('#lat-threshold');
  const histCanvas = $('.lat-hist');
  async function refreshAnomalies() {
    if (!st.info) return;
    const gen = model.generation;
    const drawn = new Float32Array(st.drawnList.length * N);
    st.drawnList.forEach((x, i) => drawn.set(x, i * N));
    const t0 = performance.now();
    try {
      const r = await model.call('latent_anomalies', ANOMALY_NORMAL, ANOMALY_PER_KIND, Number($('.lat-shift').value), Number($('.lat-angle').value), drawn);
      if (gen !== model.generation) return;
      st.anomCost = performance.now() - t0;
      section.dataset.anomalyMs = st.anomCost.toFixed(0);
      st.lastAnom = performance.now();
      st.dirtyAnom = false;
      st.report = r;
      paintAnomalies();
      count('anomaly');
      // Keep the selected input's heat map live; the first time, show the first anomaly's.
      if (st.selected) selectExample(st.selected.row, st.selected.i);
      else selectExample('anom', 0);
    } catch (e) {
      $('.lat-anom-readout').textContent = `The anomaly report could not be computed: ${e.message}`;
    }
  }
  function kindErrors(kind) {
    const r = st.report;
    if (kind === 'all') {
      const parts = r.errors.slice(1);
      const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    }
    return r.errors[r.kinds.indexOf(kind)];
  }
  function kindExamples(kind) {
    const r = st.report;
    if (kind !== 'all') return r.examples[r.kinds.indexOf(kind)];
    // Three of each kind.
    const parts = r.examples.slice(1).map((e) => e.subarray(0, Math.min(e.length, 3 * N)));
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function range() {
    // log10 bounds over every population, with a margin.
    let lo = Infinity, hi = -Infinity;
    for (const e of st.report.errors) for (const v of e) { const l = Math.log10(Math.max(v, 1e-12)); if (l < lo) lo = l; if (l > hi) hi = l; }
    if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
    const m = (hi - lo) * 0.04;
    return [lo - m, hi + m];
  }
  function thresholdValue() { const [lo, hi] = st.range; return lo + (hi - lo) * (Number(thr.value) / 1000); }
  function paintAnomalies() {
    const r = st.report;
    if (!r) return;
    const kind = $('.lat-kind').value;
    const normal = r.errors[0];
    const anom = kindErrors(kind);
    const first = !st.range;
    st.range = range();
    const [lo, hi] = st.range;
    if (first || st.threshold === null || !st.thresholdTouched) {
      // Until the user moves it, the threshold follows the 95th percentile of the digits' errors
      // (about 5 % false alarms), so it stays meaningful while training lowers every error.
      const sorted = Float32Array.from(normal).sort();
      st.threshold = Math.log10(Math.max(sorted[Math.floor(0.95 * (sorted.length - 1))], 1e-12));
    }
    thr.value = String(Math.round(((Math.min(hi, Math.max(lo, st.threshold)) - lo) / (hi - lo)) * 1000));
    const t = thresholdValue();
    drawHistogram(histCanvas.getContext('2d'), normal, anom, { lo, hi, bins: BINS, threshold: t });
    const tv = 10 ** t;
    $('#lat-threshold-out').value = formatError(tv);
    thr.setAttribute('aria-valuetext', `reconstruction error ${formatError(tv)}`);
    const pr = precisionRecall(normal, anom, tv);
    const auc = kind === 'all' ? r.auc_all : r.auc[r.kinds.indexOf(kind)];
    const pct = (v) => (Number.isFinite(v) ? v.toFixed(2) : '—');
    const readout = $('.lat-anom-readout');
    if (!anom.length) {
      readout.textContent = 'No drawings in the anomaly set yet: draw a letter or a shape above and press “Add as anomaly”.';
    } else {
      readout.textContent = `${KIND_NAMES[kind]}: flagged ${pr.tp} of ${anom.length} anomalies and ${pr.fp} of ${normal.length} digits · precision ${pct(pr.precision)} · recall ${pct(pr.recall)} · ROC AUC ${pct(auc)}`;
    }
    readout.dataset.precision = pct(pr.precision);
    readout.dataset.recall = pct(pr.recall);
    readout.dataset.auc = pct(auc);
    $('.lat-ex-caption').textContent = KIND_NAMES[kind];
    const ex = kindExamples(kind);
    const en = r.examples[0];
    drawDigitRow(ctx('.lat-ex-normal'), en, { count: en.length / N, side: SIDE, gap: 2 }, { ...st.info, gapColor: [255, 255, 255] });
    const ca = ctx('.lat-ex-anom');
    if (ex.length) drawDigitRow(ca, ex, { count: ex.length / N, side: SIDE, gap: 2 }, { ...st.info, gapColor: [255, 255, 255] });
    else { ca.canvas.width = 1; ca.canvas.height = SIDE; }
    st.exRows = { normal: en, anom: ex };
    markSelected();
  }
  /** An orange frame around the selected example's tile (1 px of the native 28-px tiles). */
  function markSelected() {
    const sel = st.selected;
    if (!sel || !st.exRows) return;
    const c = ctx(sel.row === 'normal' ? '.lat-ex-normal' : '.lat-ex-anom');
    c.strokeStyle = '#e08600';
    c.lineWidth = 2;
    c.strokeRect(sel.i * (SIDE + 2) + 1, 1, SIDE - 2, SIDE - 2);
  }
  const setThresholdFromSlider = () => { st.threshold = thresholdValue(); st.thresholdTouched = true; paintAnomalies(); };
  thr.addEventListener('input', setThresholdFromSlider);
  const dragHist = (e) => {
    if (!st.range) return;
    const r = histCanvas.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    thr.value = String(Math.round(f * 1000));
    setThresholdFromSlider();
  };
  histCanvas.addEventListener('pointerdown', (e) => { histCanvas.setPointerCapture(e.pointerId); dragHist(e); });
  histCanvas.addEventListener('pointermove', (e) => { if (histCanvas.hasPointerCapture(e.pointerId)) dragHist(e); });
  $('.lat-kind').addEventListener('change', () => { st.selected = null; paintAnomalies(); });
  for (const s of ['.lat-shift', '.lat-angle']) $(s).addEventListener('change', () => { st.dirtyAnom = true; refreshAnomalies(); });

  // Selecting an example: click a tile, or focus the strip and use ← →.
  for (const [sel, row] of [['.lat-ex-normal', 'normal'], ['.lat-ex-anom', 'anom']]) {
    const c = $(sel);
    c.addEventListener('click', (e) => {
      const r = c.getBoundingClientRect();
      const i = Math.floor(((e.clientX - r.left) / r.width) * c.width / (SIDE + 2));
      selectExample(row, i);
    });
    c.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const n = (st.exRows?.[row].length ?? 0) / N;
      if (!n) return;
      const cur = st.selected?.row === row ? st.selected.i : -1;
      selectExample(row, cur < 0 ? (e.key === 'ArrowRight' ? 0 : n - 1) : (cur + (e.key === 'ArrowRight' ? 1 : n - 1)) % n);
      e.preventDefault();
    });
  }
  async function selectExample(row, i) {
    const rows = st.exRows?.[row];
    if (!rows || i < 0 || (i + 1) * N > rows.length) return;
    const x = rows.slice(i * N, (i + 1) * N);
    if (st.selected) { st.selected = null; paintAnomalies(); } // repaint the strips without the old frame
    st.selected = { row, i };
    markSelected();
    try {
      const p = await model.call('latent_probe', x);
      drawDigitRow(ctx('.lat-sel-in'), x, { count: 1, side: SIDE, gap: 0 }, st.info);
      drawDigitRow(ctx('.lat-sel-rec'), p.recon, { count: 1, side: SIDE, gap: 0 }, st.info);
      let max = 0;
      for (const v of p.heat) max = Math.max(max, v);
      const span = (st.info.hi - st.info.lo) ** 2;
      drawHeat(ctx('.lat-sel-heat'), p.heat, Math.max(max, span * 0.05));
      const t = st.threshold !== null ? 10 ** st.threshold : NaN;
      $('.lat-sel-readout').textContent = `${row === 'normal' ? 'test digit' : 'anomaly'} ${i + 1}: e(x) = ${formatError(p.error)} — ${p.error > t ? 'above' : 'below'} the threshold, so it is called ${p.error > t ? 'an anomaly' : 'normal'}; heat map white 0 → red → black ${formatError(Math.max(max, span * 0.05))}.`;
      count('selected');
    } catch (e) {
      $('.lat-sel-readout').textContent = e.message;
    }
  }

  // ---- life cycle ------------------------------------------------------------------------
  async function onReady(info) {
    st.info = info;
    st.generation = model.generation;
    st.map = null; st.report = null; st.range = null; st.strip = null; st.cursor = -1;
    $('.lat-d').textContent = String(info.d);
    const gen = model.generation;
    try {
      const k = Math.min(MAP_COUNT, info.len);
      const stride = Math.max(1, Math.floor(info.len / k));
      const idx = Uint32Array.from({ length: k }, (_, i) => i * stride);
      const [labels, inputs] = await Promise.all([model.call('labels', idx), model.call('inputs', idx)]);
      if (gen !== model.generation) return;
      Object.assign(st, { mapIdx: idx, mapLabels: labels, mapInputs: inputs });
      buildPicks();
      // Defaults: the first 2 and the first 7 (or keep the user's picks, re-scaled if the range changed).
      const first = (l) => st.mapLabels.indexOf(l);
      const pa = first(2), pb = first(7);
      if (!st.a || st.a.length !== N || st.aRange !== `${info.lo},${info.hi}`) { st.a = st.mapInputs.slice(pa * N, (pa + 1) * N); st.a.mapIndex = pa; st.aName = `(a 2, image ${idx[pa]})`; }
      if (!st.b || st.b.length !== N || st.aRange !== `${info.lo},${info.hi}`) { st.b = st.mapInputs.slice(pb * N, (pb + 1) * N); st.b.mapIndex = pb; st.bName = `(a 7, image ${idx[pb]})`; }
      st.aRange = `${info.lo},${info.hi}`;
      // Drawings added as anomalies were scaled to the old range: drop them if it changed.
      if (st.drawnRange !== undefined && st.drawnRange !== st.aRange) st.drawnList = [];
      st.drawnRange = st.aRange;
      paintAB();
      section.dataset.ready = 'true';
      if (st.drawn) await processDrawing(); // the pad's drawing, in the new model's range
      await refreshAll(true);
    } catch (e) {
      $('.lat-map-readout').textContent = `The latent panel could not load its digits: ${e.message}`;
    }
  }
  async function refreshAll(force) {
    if (!st.mapIdx) return;
    if (st.busy) {
      // Answer once more after the current round, so the last frame (pause, done) is shown.
      st.again = st.again || (force ? 'force' : 'soft');
      return;
    }
    st.busy = true;
    try {
      const now = performance.now();
      st.lastRefresh = now;
      await refreshInterp();
      if (st.drawn) await probeDrawing();
      if (force || now - st.lastMap >= Math.max(REFRESH_MS, 8 * st.mapCost)) await refreshMap();
      if (force || st.dirtyAnom || now - st.lastAnom >= Math.max(ANOMALY_MS, 10 * st.anomCost)) await refreshAnomalies();
    } finally {
      st.busy = false;
    }
    if (st.again) {
      const f = st.again === 'force';
      st.again = null;
      refreshAll(f);
    }
  }
  model.onReady((info) => { onReady(info); });
  model.onFrame((frame) => {
    if (!st.visible || !st.mapIdx || frame.generation !== model.generation) return;
    // While training, at most every REFRESH_MS; a frame of a stopped model (pause, step, done)
    // refreshes everything, so what stays on screen is the model as it is.
    if (frame.running && performance.now() - st.lastRefresh < REFRESH_MS) return;
    refreshAll(!frame.running);
  });
  new IntersectionObserver((entries) => {
    st.visible = entries.some((e) => e.isIntersecting);
    if (st.visible && st.mapIdx) refreshAll(false);
  }).observe(section);
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { drawMap(); paintAnomalies(); if (st.drawnProbe) drawBars(ctx('.lat-bars'), st.drawnProbe.code); }, 150);
  });
}

function median(v) {
  if (!v?.length) return NaN;
  const s = Float32Array.from(v).sort();
  return s[Math.floor(s.length / 2)];
}
