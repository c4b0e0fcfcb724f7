// Node tests of the 2-D lab's settings (www/manifold/state.js): defaults and their hash, the
// drawn stroke's 12-bit text, the variant set, and which keys rebuild the models.
// Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabState, DEFAULTS, VIEW, VARIANTS, encodeStroke, decodeStroke } from '../../www/manifold/state.js';

test('2-D lab state: defaults, their hash, and the engine settings per variant', () => {
  const s = new LabState();
  assert.ok(s.valid);
  assert.equal(s.toHash(), 'curve=circle&points=400&noise=0.02&sigma=0.15&lambda=0.1&width=64&depth=1&code=2&lr=0.003&seed=0');
  assert.deepEqual(s.labSettings('denoising'), {
    variant: 'denoising', curve: 'circle', points: 400, noise: 0.02, sigma: 0.15, lambda: 0.1,
    width: 64, depth: 1, code: 2, lr: 0.003, batch: 100, seed: 0,
  });
  assert.equal(s.set('points', '40'), null);
  assert.equal(s.labSettings('standard').batch, 40, 'a batch never exceeds the points');
  assert.deepEqual(s.shown().map((v) => v.key), VARIANTS.map((v) => v.key));
});

test('2-D lab state: the variant set is normalised to s, d, c order; an empty or repeated one is refused', () => {
  const s = new LabState();
  assert.equal(s.set('show', 'cs'), null);
  assert.equal(s.values.show, 'sc');
  assert.deepEqual(s.shown().map((v) => v.key), ['standard', 'contractive']);
  for (const bad of ['', 'ss', 'x', 'sdcs']) assert.match(s.set('show', bad), /at least one/);
  assert.match(s.toHash(), /&show=sc$/, 'written only when not the default');
});

test('2-D lab state: a stroke round-trips to 12 bits; a drawn curve without one falls back', () => {
  const pts = Float32Array.from([-1.5, -1.5, 0, 0, 1.5, 1.5, 0.123, -0.987]);
  const text = encodeStroke(pts);
  assert.equal(text.length, 4 * 4, 'four base64url characters per point');
  const back = decodeStroke(text);
  // One step of the 12-bit grid over [-VIEW, VIEW]: 2·1.5/4095 ≈ 7.3e-4; rounding is half of it.
  const half = VIEW / 4095 + 1e-6;
  for (let i = 0; i < pts.length; i++) assert.ok(Math.abs(back[i] - pts[i]) <= half, `coordinate ${i}: ${back[i]} vs ${pts[i]}`);
  assert.equal(encodeStroke(back), text, 'a decoded stroke encodes to the same text');

  const drawn = LabState.fromHash(`#curve=drawn&stroke=${text}`);
  assert.equal(drawn.values.curve, 'drawn');
  assert.equal(drawn.strokePoints().length, pts.length);
  assert.match(drawn.toHash(), new RegExp(`stroke=${text}`));
  const lost = new LabState();
  const messages = lost.readHash('#curve=drawn');
  assert.equal(lost.values.curve, DEFAULTS.curve);
  assert.match(messages.join(' '), /needs its stroke/);
  assert.match(new LabState().set('stroke', 'abc'), /damaged/);
});

test('2-D lab state: the model key changes with model keys only', () => {
  const s = new LabState();
  const key = s.modelKey();
  s.set('view', 'jacobian');
  assert.equal(s.modelKey(), key, 'the points view rebuilds nothing');
  s.set('lambda', '0.5');
  assert.notEqual(s.modelKey(), key);
});
