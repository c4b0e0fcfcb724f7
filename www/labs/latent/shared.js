// What the latent lab's experiments share: the 1,000 digits of the map (loaded once per model),
// the two digits A and B being interpolated and which one a click picks next, the drawings added
// as anomalies, and the latest anomaly report. Events on the `Lab`: 'pick' (A or B changed),
// 'target' (A or B picked next), 'drawn' (a drawing joined the anomalies), 'report' (new report).
import { SIDE } from '../../protocol.js';
import { Lab, openExperiment } from '../lab.js';

export const N = SIDE * SIDE;
export { SIDE };
const MAP_COUNT = 1000; // digits on the latent map (every 10th image)
const REFRESH_MS = 1000; // while training, strips and drawing at most this often
const MAX_DRAWN = 100;

/** The lab of `root` (the latent section, or a lone experiment's container). */
export function latentLab(root, model) {
  const lab = new Lab(root, model, { everyMs: REFRESH_MS, prepare: (info) => load(lab, info) });
  Object.assign(lab, {
    mapIdx: null, mapLabels: null, mapInputs: null, // Uint32Array, Uint8Array, Float32Array [k·784]
    a: null, b: null, aName: '', bName: '', range: '', target: 'A',
    drawnList: [], drawnRange: undefined, report: null,
  });
  lab.setTarget = (t) => { lab.target = t; lab.emit('target', t); };
  /** Make `x` (784 values) the next target's digit, named `name`; the other one is picked next. */
  lab.pick = (x, name) => {
    if (lab.target === 'A') { lab.a = x; lab.aName = name; lab.setTarget('B'); } else { lab.b = x; lab.bName = name; lab.setTarget('A'); }
    lab.emit('pick');
  };
  /** Pick map digit `i`; it keeps its place on the map, for the map's marks. */
  lab.pickMap = (i) => {
    const x = lab.mapInputs.slice(i * N, (i + 1) * N);
    x.mapIndex = i;
    lab.pick(x, `(a ${lab.mapLabels[i]}, image ${lab.mapIdx[i]})`);
  };
  /** Add a drawing (784 values) to the anomaly set, dropping the oldest beyond MAX_DRAWN. */
  lab.addDrawn = (x) => {
    if (lab.drawnList.length >= MAX_DRAWN) lab.drawnList.shift();
    lab.drawnList.push(x);
    lab.emit('drawn');
    return lab.drawnList.length;
  };
  lab.on('error', (e) => { root.querySelector('.lat-map-readout')?.replaceChildren(`The latent panel could not load its digits: ${e.message}`); });
  return lab;
}

/** Load the map's digits; default A and B: the first 2 and the first 7 (or keep the user's). */
async function load(lab, info) {
  const { model } = lab;
  const k = Math.min(MAP_COUNT, info.test_len);
  const stride = Math.max(1, Math.floor(info.test_len / k));
  const idx = Uint32Array.from({ length: k }, (_, i) => i * stride);
  const [labels, inputs] = await Promise.all([model.call('labels', idx), model.call('inputs', idx)]);
  Object.assign(lab, { mapIdx: idx, mapLabels: labels, mapInputs: inputs });
  // The user's picks stay unless the value range changed (they would be scaled wrongly).
  const range = `${info.lo},${info.hi}`;
  const pa = labels.indexOf(2), pb = labels.indexOf(7);
  if (!lab.a || lab.range !== range) { lab.a = inputs.slice(pa * N, (pa + 1) * N); lab.a.mapIndex = pa; lab.aName = `(a 2, image ${idx[pa]})`; }
  if (!lab.b || lab.range !== range) { lab.b = inputs.slice(pb * N, (pb + 1) * N); lab.b.mapIndex = pb; lab.bName = `(a 7, image ${idx[pb]})`; }
  lab.range = range;
  // Drawings added as anomalies were scaled to the old range: drop them if it changed.
  if (lab.drawnRange !== undefined && lab.drawnRange !== range) lab.drawnList = [];
  lab.drawnRange = range;
  lab.root.dataset.ready = 'true';
}

/** Median of a Float32Array (NaN when empty). */
export function median(v) {
  if (!v?.length) return NaN;
  const s = Float32Array.from(v).sort();
  return s[Math.floor(s.length / 2)];
}

/** An experiment of this lab: its box from `html` in `container` (see lab.js's openExperiment). */
export function latentExperiment(container, model, opts, html) {
  return openExperiment(container, model, opts, { css: new URL('./latent.css', import.meta.url), html, makeLab: latentLab });
}
