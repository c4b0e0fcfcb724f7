// Node tests of the labs' pure parts (no browser): the registry of labs and experiment ids the
// embed mode mounts from, the face-off's mapping to OpenCV's 8 bits, the latent lab's precision/recall and error labels, the capacity lab's
// d rule and its drawing pad's ink. Expected values are worked by hand in the comments.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LABS, EXPERIMENT_IDS, experiment, mountExperiment } from '../../www/labs/index.js';
import * as map from '../../www/labs/latent/map.js';
import { precisionRecall } from '../../www/labs/latent/anomaly.js';
import { formatError } from '../../www/labs/latent/charts.js';
import { checkD } from '../../www/labs/capacity/controls.js';
import { letterA, stamp } from '../../www/labs/capacity/charts.js';
import { toCv, fromCv, mse } from '../../www/labs/denoise/faceoff.js';

test('registry: every lab and experiment has a stable id and a mount', () => {
  assert.deepEqual(Object.keys(LABS), ['denoise', 'latent', 'capacity']);
  assert.deepEqual(EXPERIMENT_IDS, [
    'denoise/corruptions', 'denoise/compare', 'denoise/faceoff', 'denoise/energy',
    'latent/interpolate', 'latent/map', 'latent/draw', 'latent/anomaly',
    'capacity/size', 'capacity/compression', 'capacity/tied', 'capacity/loss', 'capacity/contractive',
  ]);
  for (const lab of Object.values(LABS)) {
    assert.match(lab.id, /^panel-/);
    assert.equal(typeof lab.mount, 'function');
  }
  for (const id of EXPERIMENT_IDS) assert.equal(typeof experiment(id).mount, 'function', id);
  assert.equal(experiment('latent/map'), map);
  for (const bad of ['latent', 'latent/', 'latent/map/x', 'nope/map', '__proto__/x', 'latent/toString', '']) {
    assert.equal(experiment(bad), null, JSON.stringify(bad));
  }
  const err = mountExperiment('latent/mpa', null, null);
  assert.ok(err instanceof Error);
  assert.match(err.message, /no experiment “latent\/mpa”\. Known: denoise\/corruptions, .*capacity\/contractive\./);
});

test('latent: precision and recall of “anomaly if e > t”', () => {
  const normal = [0.1, 0.2, 0.3];
  const anomalous = [0.25, 0.5];
  // t = 0.22: flagged 0.25, 0.5 (both anomalies) and 0.3 (one digit): precision 2/3, recall 1.
  assert.deepEqual(precisionRecall(normal, anomalous, 0.22), { tp: 2, fp: 1, precision: 2 / 3, recall: 1 });
  // t = 0.4: only 0.5: precision 1, recall 1/2.
  assert.deepEqual(precisionRecall(normal, anomalous, 0.4), { tp: 1, fp: 0, precision: 1, recall: 0.5 });
  const none = precisionRecall(normal, anomalous, 1);
  assert.ok(Number.isNaN(none.precision), 'nothing flagged: precision undefined');
  assert.equal(none.recall, 0);
  assert.ok(Number.isNaN(precisionRecall(normal, [], 0).recall), 'no anomalies: recall undefined');
  assert.deepEqual([0.0123, 1.234, 0.5, 0, NaN, Infinity].map(formatError), ['0.012', '1.23', '0.50', '0', '—', '—']);
});

test('capacity: d from 1 to 1000, whole numbers only, with the sentence otherwise', () => {
  for (const [text, value] of [['1', 1], ['1000', 1000], [' 30 ', 30], ['+5', 5], ['784', 784]]) assert.deepEqual(checkD(text), { value }, text);
  for (const text of ['0', '1001', '5000', '1e3', '2.5', '-3', 'abc', '', '99999999999999999999']) {
    assert.match(checkD(text).error, /^Code size d must be a whole number from 1 to 1000 here/, JSON.stringify(text));
  }
});

test('capacity pad: a stamp inks a soft dot, values only grow, clipped at the border', () => {
  const img = new Float32Array(28 * 28);
  stamp(img, 28, 0.2, -0.3); // rounds to (0, 0): the centre 1, the 4-neighbours 0.75, diagonals 0.4
  assert.deepEqual([img[0], img[1], img[28], img[29], img[2]], [1, 0.75, 0.75, Math.fround(0.4), 0]);
  stamp(img, 28, 1, 1); // centre (1, 1): its diagonal (0, 0) would be 0.4 but stays 1
  assert.deepEqual([img[0], img[29], img[1]], [1, 1, 0.75]);
  assert.equal(img.filter((v) => v > 0).length, 9, 'the 3×3 around (1, 1) (and (0, 0) inside it)');
  const a = letterA();
  assert.equal(a.length, 784);
  assert.ok(a.every((v) => v >= 0 && v <= 1));
  assert.equal(a[4 * 28 + 14], 1, 'the apex (14, 4) is inked');
  assert.equal(a[16 * 28 + 14], 1, 'the bar at row 16 crosses the middle');
  assert.equal(a[0] + a[27] + a[27 * 28], 0, 'corners are blank');
});

// The notebook's mapping, worked by hand for p = 0.5 (noise 0 or 2, x̃ = x·noise):
// ((x̃/4 + 0.5)·255).byte(): 2 → 255, −2 → 0, 1 → 191.25 → 191, 0 → 127.5 → 127, −0.5 → 95.6 → 95;
// mask 2 − noise: non-zero where noise = 0.
test('face-off: the notebook mapping to 8 bits and the error measures', () => {
  const { img, mask } = toCv(Float32Array.of(2, -2, 1, 0, -0.5, 3), Float32Array.of(2, 2, 2, 0, 2, 2));
  assert.deepEqual([...img], [255, 0, 191, 127, 95, 255]);
  assert.deepEqual([...mask], [0, 0, 0, 1, 0, 0]);
  assert.deepEqual([...fromCv(Uint8Array.of(0, 255))], [-1, 1]);
  assert.deepEqual(mse([1, 0, 0, 0], [0, 0, 0, 0], Uint8Array.of(1, 1, 0, 0)), { masked: 0.5, whole: 0.25 });
  assert.ok(Number.isNaN(mse([1], [0], Uint8Array.of(0)).masked));
});

test('Lab: ready runs reset, prepare, ready, then every task; frames refresh at most every everyMs', async () => {
  // The browser pieces the Lab touches, as stand-ins: no observer callbacks, no resize events.
  globalThis.IntersectionObserver ??= class { observe() {} };
  globalThis.addEventListener ??= () => {};
  const { Lab } = await import('../../www/labs/lab.js');
  const model = { generation: 1, ready: [], frames: [], onReady(cb) { this.ready.push(cb); }, onFrame(cb) { this.frames.push(cb); } };
  const log = [];
  let release;
  const lab = new Lab({ dataset: {} }, model, { everyMs: 1000, prepare: async () => { log.push('prepare'); } });
  lab.on('reset', () => log.push('reset'));
  lab.on('ready', () => log.push('ready'));
  lab.task(async (force) => { log.push(`a ${force}`); if (release === null) await new Promise((r) => { release = r; }); });
  lab.task(async (force) => { log.push(`b ${force}`); });
  await Promise.resolve(); // the Lab subscribes after the experiments have registered
  assert.equal(model.ready.length, 1);
  await model.ready[0]({ d: 30 });
  assert.deepEqual(log, ['reset', 'prepare', 'ready', 'a true', 'b true']);

  // A training frame refreshes only when on screen, and only everyMs after the last refresh.
  log.length = 0;
  lab.visible = true;
  lab.lastRefresh = performance.now();
  model.frames[0]({ generation: 1, running: true });
  assert.deepEqual(log, [], 'too soon');
  lab.lastRefresh -= 1001;
  release = null; // hold task a: a refresh asked meanwhile runs once more after it, forced
  model.frames[0]({ generation: 1, running: true });
  model.frames[0]({ generation: 1, running: false }); // a stopped model: everything at once
  model.frames[0]({ generation: 1, running: false });
  assert.deepEqual(log, ['a false']);
  release();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(log, ['a false', 'b false', 'a true', 'b true'], 'two asks during a run: one more, forced');
  log.length = 0;
  model.frames[0]({ generation: 0, running: false });
  lab.visible = false;
  model.frames[0]({ generation: 1, running: false });
  assert.deepEqual(log, [], 'an old model’s frame, or off screen: no refresh');
  lab.count('map');
  lab.count('map');
  assert.equal(lab.root.dataset.map, '2');

  // A newer model arriving while the old one prepares: the old one never becomes ready.
  const slow = new Lab({ dataset: {} }, model, { prepare: async () => { model.generation = 2; } });
  const heard = [];
  slow.on('ready', () => heard.push('ready'));
  await Promise.resolve();
  await model.ready[1]({ d: 30 });
  assert.deepEqual(heard, []);
  assert.equal(slow.loaded, false);
});
