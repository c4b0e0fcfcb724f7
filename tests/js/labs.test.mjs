// Node tests of the labs' pure parts (no browser): the registry of labs and experiment ids the
// embed mode mounts from, the latent lab's newest-only requests and error labels (the face-off's mapping and precision/recall are the engine's: tests/inpaint.rs, tests/latent.rs), the capacity lab's
// d rule and its drawing pad's ink. Expected values are worked by hand in the comments.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LABS, EXPERIMENT_IDS, experiment, mountExperiment } from '../../www/labs/index.js';
import * as map from '../../www/labs/latent/map.js';
import { latestOnly } from '../../www/labs/latent/anomaly.js';
import { formatError } from '../../www/labs/latent/charts.js';
import { checkD } from '../../www/labs/capacity/controls.js';
import { letterA, stamp } from '../../www/labs/capacity/charts.js';

test('registry: every lab and experiment has a stable id and a mount', () => {
  assert.deepEqual(Object.keys(LABS), ['denoise', 'latent', 'capacity']);
  assert.deepEqual(EXPERIMENT_IDS, [
    'denoise/corruptions', 'denoise/compare', 'denoise/faceoff', 'denoise/energy',
    'latent/interpolate', 'latent/map', 'latent/draw', 'latent/anomaly',
    'capacity/size', 'capacity/compression', 'capacity/tied', 'capacity/loss', 'capacity/contractive',
  ]);
  for (const lab of Object.values(LABS)) {
    assert.match(lab.id, /^panel-/);
    // A generator, one experiment per step: the page gives each step its own idle task.
    assert.equal(Object.getPrototypeOf(lab.mount), Object.getPrototypeOf(function* () {}), `${lab.id}: mount is a generator`);
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

test('latent: one request in flight, the newest waiting one replaces the others', async () => {
  const ran = [];
  const gates = [];
  const ask = latestOnly(async (t) => { ran.push(t); await new Promise((r) => gates.push(r)); });
  const first = ask(0.1); // runs at once
  ask(0.2); ask(0.3); ask(0.4); // a drag while 0.1 is in flight: only 0.4 may run next
  assert.deepEqual(ran, [0.1]);
  gates.shift()();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(ran, [0.1, 0.4], 'the stale thresholds 0.2 and 0.3 were dropped');
  gates.shift()();
  await first;
  assert.deepEqual(ran, [0.1, 0.4]);
  const again = ask(0.5); // idle again: runs at once
  assert.deepEqual(ran, [0.1, 0.4, 0.5]);
  gates.shift()();
  await again;
  // A failing call does not wedge it.
  const failing = latestOnly(async (t) => { if (t === 'bad') throw new Error('no'); ran.push(t); });
  await assert.rejects(failing('bad'));
  await failing('good');
  assert.equal(ran.at(-1), 'good');
});

test('latent: error labels', () => {
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
  await Promise.resolve();
  assert.equal(model.ready.length, 0, 'no subscription before start: experiments may still be mounting');
  lab.start();
  lab.start();
  assert.equal(model.ready.length, 1, 'start subscribes once');
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
  slow.start();
  await model.ready[1]({ d: 30 });
  assert.deepEqual(heard, []);
  assert.equal(slow.loaded, false);
});
