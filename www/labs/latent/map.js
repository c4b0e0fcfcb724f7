// latent/map: the codes of 1,000 digits in two dimensions — the code itself for d ≤ 2, else its
// first two principal components (`latent_map`) — coloured by label; pointing between the dots
// decodes the map point (`latent_decode_xy`); a click or Enter picks a digit for interpolation.
import { drawDigitRow } from '../../draw/digits.js';
import { LABEL_COLOURS, drawScatter } from './charts.js';
import { latentExperiment, N, SIDE } from './shared.js';
import { separation, separationSentence } from './separation.js';
import { MapLesson } from './map-lesson.js';
import { pretrainedText, trainingOf } from '../../kit/models.js';

const REFRESH_MS = 1000; // while training, at most this often (and at most 1/8 of the time)

const HTML = `
<section class="lat-box lat-mapbox" aria-labelledby="lat-map-title">
  <h3 id="lat-map-title">2 · The latent map</h3>
  <p class="explain lat-map-explain">The codes of 1,000 digits. With <span class="math">d = 2</span> the code is
    plotted as it is; with more dimensions, on its first two principal components. Training can pull the classes
    apart although it never sees a label, from the images alone; the line under the map measures how far. Point at a dot to see its
    digit, between the dots to see what the decoder makes of that point; click (or focus the map, ← → and
    Enter) to pick it for the interpolation.</p>
  <div class="lat-map-wrap">
    <canvas class="lat-map" tabindex="0" role="img" aria-label="Latent map of 1,000 digits coloured by label" aria-describedby="lat-map-readout"></canvas>
    <div class="lat-tip" hidden><canvas class="pix" width="28" height="28"></canvas><span></span></div>
  </div>
  <ul class="lat-legend" aria-label="Colours of the labels"></ul>
  <p class="readout lat-map-readout" id="lat-map-readout" aria-live="polite"></p>
  <p class="lat-map-claim" aria-live="polite"></p>
  <p class="error lat-map-notice" role="alert" hidden></p>
  <div class="buttons lat-map-lessons">
    <button type="button" data-map="map_2d" disabled>d = 2 lesson: this map from its own 784-50-50-2 encoder</button>
    <button type="button" data-map="map_2d_one_layer" disabled>Failure on purpose: d = 2 with a one-layer encoder</button>
    <button type="button" data-map="main" disabled>Back to the main model's map</button>
  </div>
  <div class="buttons lat-map-own" hidden>
    <button type="button" data-own="train">Train it on</button>
    <button type="button" data-own="seed">Restart it from its seed</button>
  </div>
</section>
`;

export function mount(container, model, opts = {}) {
  const { lab, $, ctx, unmount } = latentExperiment(container, model, opts, HTML);
  let map = null; // the engine's answer: {xy, labels, method, explained, mean, components}
  let view = null; // drawScatter's transform
  let cursor = -1; // keyboard cursor on the map
  let decoded = null; // the decoded point under the pointer: {img, z}
  let lastMap = 0;
  let mapCost = 0;

  const mapCanvas = $('.lat-map');
  const tip = $('.lat-tip');
  const legend = $('.lat-legend');
  // Colours set through the CSSOM: the page's policy refuses style="" attributes in markup.
  legend.replaceChildren(...LABEL_COLOURS.map((c, l) => {
    const swatch = document.createElement('span');
    swatch.style.background = c;
    const li = document.createElement('li');
    li.append(swatch, String(l));
    return li;
  }));
  // The map's own d = 2 model (map-worker.js), when a lesson button started it; else the main model.
  const lesson = new MapLesson((f) => {
    map = f.map;
    Object.assign(lab.root.dataset, { mapSource: f.key, mapFrom: f.pretrained ? 'pretrained' : 'seed', mapSteps: String(f.steps) });
    $('.lat-map-own').hidden = false;
    $('[data-own="train"]').disabled = f.running;
    drawMap();
    lab.count('map');
  }, (message) => { $('.lat-map-readout').textContent = message; }, (notice) => {
    // Its worker was replaced (map-lesson.js): whether the model trained here came back.
    $('.lat-map-notice').textContent = notice;
    $('.lat-map-notice').hidden = !notice;
  }, (k) => Object.assign(lab.root.dataset, { mapKeptSteps: String(k.steps), mapKeepMs: k.ms.toFixed(1) }));
  const source = () => (lesson.worker ? lesson : model);
  for (const b of $('.lat-map-lessons').querySelectorAll('[data-map]')) {
    b.addEventListener('click', () => {
      if (b.dataset.map === 'main') {
        lesson.stop();
        lab.root.dataset.mapSource = 'main';
        delete lab.root.dataset.mapFrom;
        $('.lat-map-own').hidden = true;
        refreshMap();
      } else if (lab.mapIdx) {
        lesson.start(b.dataset.map, lab.mapIdx);
      }
    });
  }
  // The lesson model's own Train (on from where it is) and Reset (from its seed).
  $('[data-own="train"]').addEventListener('click', () => lesson.trainOn());
  $('[data-own="seed"]').addEventListener('click', () => { if (lesson.frame && lab.mapIdx) lesson.start(lesson.frame.key, lab.mapIdx, 'seed'); });
  lab.on('ready', () => { for (const b of $('.lat-map-lessons').querySelectorAll('[data-map]')) b.disabled = false; });

  async function refreshMap() {
    if (!lab.mapIdx || lesson.worker) return; // the map's own model sends its maps itself
    const gen = model.generation;
    const t0 = performance.now();
    try {
      const m = await model.call('latent_map', lab.mapIdx);
      if (gen !== model.generation) return;
      mapCost = performance.now() - t0;
      lab.root.dataset.mapMs = mapCost.toFixed(0); // measured, for the record and the tests
      map = m;
      lastMap = performance.now();
      drawMap();
      lab.count('map');
    } catch (e) {
      $('.lat-map-readout').textContent = `The map could not be computed: ${e.message}`;
    }
  }
  function drawMap() {
    if (!map) return;
    const marks = [];
    // A picked map digit carries its index on the map; a drawing has none.
    const find = (x) => (x && x.mapIndex !== undefined ? x.mapIndex : -1);
    const ia = find(lab.a), ib = find(lab.b);
    if (ia >= 0) marks.push({ i: ia, text: 'A' });
    if (ib >= 0) marks.push({ i: ib, text: 'B' });
    view = drawScatter(mapCanvas.getContext('2d'), map.xy, map.labels, { marks, cursor: cursor });
    const own = lesson.frame;
    const d = own ? 2 : lab.info.d;
    const run = own && (own.pretrained ? `${pretrainedText(own.pretrained)}${own.epoch ? `, + ${own.epoch} epochs here` : ''}${own.running ? `, training to ${own.epochs}` : ''}`
      : `epoch ${own.epoch} of ${own.epochs}${own.done ? ' (done)' : ''}`);
    const how = own ? `${own.label} — its own model, ${run}: the code itself, h₁ across, h₂ up`
      : d === 1 ? 'd = 1: horizontal = the code, vertical = the label (spread)' : d === 2 ? 'd = 2: the code itself, h₁ across, h₂ up' : `d = ${d}: first two principal components of the codes, ${(100 * map.explained).toFixed(0)} % of their variance`;
    mapCanvas.dataset.method = map.method;
    const sep = separation(map.xy, map.labels);
    const f = model.lastFrame;
    const steps = own ? own.steps : f?.generation === model.generation ? f.stats?.steps ?? 0 : 0;
    // A pretrained model (the main one, or the lesson's) counts as trained, with its epochs.
    const origin = own ? (own.pretrained ? { cause: 'weights', source: { kind: 'pretrained', epochs: own.pretrained.epochs } } : null) : model.origin;
    const claim = separationSentence(sep, trainingOf(origin, steps));
    if ($('.lat-map-claim').textContent !== claim) $('.lat-map-claim').textContent = claim;
    Object.assign(lab.root.dataset, { mapSeparation: String(sep.ratio), mapRms: String(sep.rms) });
    if (cursor < 0) $('.lat-map-readout').textContent = how;
  }
  function nearest(px, py) {
    if (!view || !map) return -1;
    let best = -1, bd = 6 * 6; // within 6 px of a dot: that digit; farther: the decoded point
    const k = map.labels.length;
    for (let i = 0; i < k; i++) {
      const [sx, sy] = view.toScreen(map.xy[2 * i], map.xy[2 * i + 1]);
      const dd = (sx - px) ** 2 + (sy - py) ** 2;
      if (dd < bd) { bd = dd; best = i; }
    }
    return best;
  }
  function showTip(i, px, py) {
    if (i < 0) { tip.hidden = true; return; }
    const c = tip.querySelector('canvas');
    drawDigitRow(c.getContext('2d'), lab.mapInputs.subarray(i * N, (i + 1) * N), { count: 1, side: SIDE, gap: 0 }, lab.info);
    tip.querySelector('span').textContent = `${lab.mapLabels[i]}`;
    tip.hidden = false;
    placeTip(px, py);
    $('.lat-map-readout').textContent = `digit ${lab.mapLabels[i]} (image ${lab.mapIdx[i]}) at (${map.xy[2 * i].toFixed(2)}, ${map.xy[2 * i + 1].toFixed(2)}) — click to pick it as ${lab.target}`;
  }
  const local = (e) => { const r = mapCanvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  // Between the dots: decode the map point, D(mean + z₁v₁ + z₂v₂) — what the lecture's 2-D latent
  // plots show. One question in flight; the latest point wins.
  let decoding = false;
  let wanted = null;
  async function showDecoded(px, py) {
    wanted = [px, py];
    if (decoding || !map || !view) return;
    decoding = true;
    try {
      while (wanted) {
        const [qx, qy] = wanted;
        wanted = null;
        const z = view.toData(qx, qy);
        const img = await source().call('latent_decode_xy', map.mean, map.components, Float32Array.from(z));
        if (tip.dataset.mode !== 'decoded') continue;
        const c = tip.querySelector('canvas');
        drawDigitRow(c.getContext('2d'), img, { count: 1, side: SIDE, gap: 0 }, lab.info);
        tip.querySelector('span').textContent = 'D(h)';
        tip.hidden = false;
        placeTip(qx, qy);
        decoded = { img, z };
        $('.lat-map-readout').textContent = `between the dots: the decoder’s image of the map point (${z[0].toFixed(2)}, ${z[1].toFixed(2)}) — click to pick it as ${lab.target}`;
        lab.count('decoded');
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
    if (i >= 0) lab.pickMap(i);
    else if (decoded) lab.pick(decoded.img.slice(), `(map point ${decoded.z.map((v) => v.toFixed(1)).join(', ')})`);
  });
  mapCanvas.addEventListener('keydown', (e) => {
    if (!map) return;
    const k = map.labels.length;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      cursor = cursor < 0 ? (e.key === 'ArrowRight' ? 0 : k - 1) : (cursor + (e.key === 'ArrowRight' ? 1 : k - 1)) % k;
      drawMap();
      const [sx, sy] = view.toScreen(map.xy[2 * cursor], map.xy[2 * cursor + 1]);
      tip.dataset.mode = 'digit';
      showTip(cursor, sx, sy);
      e.preventDefault();
    } else if ((e.key === 'Enter' || e.key === ' ') && cursor >= 0) {
      lab.pickMap(cursor);
      e.preventDefault();
    }
  });
  mapCanvas.addEventListener('blur', () => { tip.hidden = true; });

  lab.on('reset', () => { if (!lesson.worker) map = null; cursor = -1; });
  lab.on('pick', drawMap);
  lab.on('resize', drawMap);
  lab.task(async (force, now) => {
    if (force || now - lastMap >= Math.max(REFRESH_MS, 8 * mapCost)) await refreshMap();
  });
  return { unmount: () => { lesson.stop(); lesson.stopWarning(); unmount(); } };
}
