// Node tests of the page's settings state (www/state.js) and its hash round trip, and of the
// display digits the worker picks (www/protocol.js). No browser. Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { State, PRESETS, KEYS, defaults } from '../../www/state.js';
import { displayIndices } from '../../www/protocol.js';

test('state: notebook defaults, and the trainer settings they give', () => {
  const s = new State();
  assert.deepEqual(
    { ...s.values },
    { preset: 'standard', d: 30, lr: 0.001, batch: 256, epochs: 20, p: 0.5, seed: 0, scale: 'linear', kscale: 'tile', data: 'mnist' },
  );
  assert.ok(s.valid);
  assert.deepEqual(s.trainerSettings(), { variant: 'standard', d: 30, lr: 0.001, batch: 256, seed: 0, loss: 'mse', optimizer: 'adam', tied: false });
  assert.equal(s.toHash(), 'preset=standard&d=30&lr=0.001&batch=256&epochs=20&p=0.5&seed=0');
  assert.equal(PRESETS.denoising.d, 500);
  s.applyPreset('denoising');
  assert.equal(s.values.d, 500);
  assert.deepEqual(s.trainerSettings(), { variant: 'denoising', d: 500, lr: 0.001, batch: 256, seed: 0, loss: 'mse', optimizer: 'adam', tied: false, corruption: 'dropout', noise_p: 0.5 });
});

test('state: every invalid text is refused with a message and leaves the value alone', () => {
  const cases = {
    d: ['0', '2049', '5000', '1.5', '-3', 'abc', '', '1e3'],
    lr: ['abc', '0', '-0.1', '11', 'NaN', 'Infinity', '1/2', ''],
    batch: ['0', '4097', '2.5', 'x'],
    epochs: ['0', '1001', 'ten'],
    p: ['1', '-0.1', '1.5', 'half'],
    seed: ['-1', '4294967296', '0.5', 'seed'],
    preset: ['contractive', ''],
  };
  for (const [key, texts] of Object.entries(cases)) {
    for (const text of texts) {
      const s = new State();
      const before = s.values[key];
      const err = s.set(key, text);
      assert.ok(err && err.length > 10, `${key}=${JSON.stringify(text)} refused`);
      assert.equal(s.values[key], before, `${key}=${JSON.stringify(text)} keeps ${before}`);
      assert.equal(s.valid, false);
      assert.equal(s.text[key], text.trim());
      assert.equal(s.toHash(), new State().toHash(), 'an invalid text never reaches the hash');
    }
  }
  const s = new State();
  for (const [key, text, value] of [['d', '2048', 2048], ['d', '1', 1], ['lr', '1e-4', 1e-4], ['lr', '.5', 0.5], ['p', '0', 0], ['p', '0.99', 0.99], ['seed', ' 42 ', 42], ['batch', '4096', 4096]]) {
    assert.equal(s.set(key, text), null, `${key}=${text} accepted`);
    assert.equal(s.values[key], value);
  }
  assert.ok(s.valid);
});

test('state: the hash round-trips, missing keys take the preset defaults', () => {
  const hash = '#preset=denoising&d=64&lr=0.002&batch=128&epochs=3&p=0.3&seed=7';
  const s = State.fromHash(hash);
  assert.ok(s.valid);
  assert.deepEqual([s.values.preset, s.values.d, s.values.lr, s.values.batch, s.values.epochs, s.values.p, s.values.seed], ['denoising', 64, 0.002, 128, 3, 0.3, 7]);
  assert.equal(`#${s.toHash()}`, hash);
  assert.equal(State.fromHash(`#${s.toHash()}`).toHash(), s.toHash());

  const d = State.fromHash('#preset=denoising');
  assert.equal(d.values.d, 500);
  assert.equal(d.values.seed, 0);
  // View options appear only when changed, and a bad one falls back instead of refusing.
  const v = State.fromHash('#preset=standard&scale=log&kscale=bogus');
  assert.ok(v.valid);
  assert.equal(v.values.scale, 'log');
  assert.equal(v.values.kscale, 'tile');
  assert.match(v.toHash(), /&scale=log$/);
  // An invalid value in a link is kept as text with its message.
  const bad = State.fromHash('#lr=abc&d=0');
  assert.equal(bad.valid, false);
  assert.deepEqual(Object.keys(bad.errors).sort(), ['d', 'lr']);
  assert.equal(bad.text.lr, 'abc');
  assert.equal(bad.values.lr, defaults().lr);
  assert.deepEqual(KEYS.slice(0, 7), ['preset', 'd', 'lr', 'batch', 'epochs', 'p', 'seed']);
});

test('display digits: the first image of each class, in class order', () => {
  const labels = Uint8Array.from([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4, 8]);
  assert.deepEqual([...displayIndices(labels)], [3, 2, 1, 18, 4, 8, 11, 0, 20, 7]);
  assert.deepEqual([...displayIndices(Uint8Array.from([1, 1, 0]))], [2, 0]);
});

test('state: the data set is in the hash only when not MNIST; an unknown one is ignored with a message', () => {
  const s = State.fromHash('#preset=standard&data=fashion');
  assert.equal(s.values.data, 'fashion');
  assert.ok(s.toHash().endsWith('&data=fashion'));
  assert.ok(!('data' in s.trainerSettings()), 'the engine never sees it: the worker picks the set');
  assert.equal(s.set('data', 'mnist'), null);
  assert.ok(!s.toHash().includes('data='));
  const t = new State();
  const messages = t.readHash('#data=floppy');
  assert.equal(t.values.data, 'mnist');
  assert.ok(t.valid);
  assert.ok(messages.some((m) => m.includes('Data') && m.includes('floppy')), messages.join('\n'));
});
