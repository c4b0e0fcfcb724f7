// Property tests of the two URL-hash parsers (the training page's State, the 2-D lab's LabState):
// whatever a link holds — random bytes, 100 kB strings, unknown keys, NaN, negative sizes — reading
// it never throws, leaves only valid values, and lists a readable sentence for each thing refused;
// valid settings round-trip exactly. Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { State, FIELDS, LAB_FIELDS, KEYS, LAB_KEYS, PRESETS, hasSettings } from '../../www/state.js';
import { LabState, FIELDS as LAB2D_FIELDS, KEYS as LAB2D_KEYS, CURVES } from '../../www/manifold/state.js';

/** A linear congruential generator (Numerical Recipes' constants), so a failing case replays from its seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => (a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const PAGES = [
  { name: 'State', make: () => new State(), fields: { ...FIELDS, ...LAB_FIELDS }, keys: [...KEYS, ...LAB_KEYS], all: (s) => ({ ...s.values, ...s.lab }) },
  { name: 'LabState', make: () => new LabState(), fields: LAB2D_FIELDS, keys: LAB2D_KEYS, all: (s) => ({ ...s.values }) },
];

/** Text of random UTF-16 code units, biased to the characters a hash parser cares about. */
function randomText(r, length) {
  const special = ['&', '=', '#', '%', '+', '%zz', '%E2%82', '\u0000', '\ud800', 'NaN', '-', '.', 'e', ' '];
  let out = '';
  for (let i = 0; i < length; i++) {
    const u = r();
    if (u < 0.3) out += special[Math.floor(r() * special.length)];
    else if (u < 0.6) out += String.fromCharCode(48 + Math.floor(r() * 75));
    else out += String.fromCharCode(Math.floor(r() * 65536));
  }
  return out;
}

/** Each value of `s` parses back to itself under its own field's rule: nothing invalid got in. */
function assertValid(page, s, context) {
  const values = page.all(s);
  for (const k of page.keys) {
    const r = page.fields[k].parse(String(values[k]));
    assert.equal(r.error, undefined, `${context}: ${k} = ${values[k]} is valid`);
    assert.equal(r.value, values[k], `${context}: ${k} is its own parse`);
  }
}

/** Every message is a sentence of bounded length (a 100 kB link must not make a 100 kB message). */
function assertSentences(messages, context) {
  assert.ok(Array.isArray(messages), `${context}: a list of messages`);
  for (const m of messages) {
    assert.equal(typeof m, 'string');
    assert.ok(m.length > 15 && m.length < 400, `${context}: message of ${m.length} chars: ${m.slice(0, 80)}`);
    assert.match(m, /[.…]$/, `${context}: a sentence: ${m.slice(0, 80)}`);
  }
}

/** Read `hash` into a fresh state: its messages, and the state. */
function read(page, hash) {
  const s = page.make();
  const messages = s.readHash(hash);
  return { s, messages };
}

for (const page of PAGES) {
  test(`${page.name}: random bytes never throw, leave valid values, and round-trip them`, () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      // Half the cases look like settings (known keys, random values), half are pure noise.
      const hash = r() < 0.5
        ? `#${page.keys.filter(() => r() < 0.5).map((k) => `${k}=${randomText(r, Math.floor(r() * 12))}`).join('&')}`
        : randomText(r, Math.floor(r() * 300));
      const { s, messages } = read(page, hash);
      assertValid(page, s, `seed ${seed}`);
      assertSentences(messages, `seed ${seed}`);
      // One message per invalid key at least, and an invalid key is never in the hash written.
      assert.ok(messages.length >= Object.keys(s.errors).length, `seed ${seed}: every refusal is told`);
      const again = read(page, s.toHash());
      assert.deepEqual(page.all(again.s), page.all(s), `seed ${seed}: the valid values round-trip`);
      assert.deepEqual(again.messages, [], `seed ${seed}: a written hash reads back without complaint`);
    }
  });

  test(`${page.name}: 100 kB strings, as a value, as a key and as the whole hash`, () => {
    const big = 'x9%'.repeat(34_000);
    for (const hash of [`#${page.keys[1]}=${big}`, `#${big}=1`, big, `#${page.keys[0]}=${'1'.repeat(100_000)}`]) {
      const { s, messages } = read(page, hash);
      assertValid(page, s, 'big');
      assertSentences(messages, 'big');
      assert.ok(messages.length >= 1, 'the big text is refused, and said so');
    }
  });
}

test('State: unknown keys, NaN and negative sizes are refused by name; the rest is taken', () => {
  const { s, messages } = read(PAGES[0], '#d=NaN&batch=-256&lr=NaN&epochs=-1&seed=7&colour=blue&tied=maybe');
  assert.equal(s.values.d, 30, 'notebook default d');
  assert.equal(s.values.batch, 256);
  assert.equal(s.values.lr, 0.001);
  assert.equal(s.values.seed, 7, 'the valid key is taken');
  assert.equal(s.lab.tied, 'false');
  assert.deepEqual(Object.keys(s.errors).sort(), ['batch', 'd', 'epochs', 'lr']);
  const text = messages.join('\n');
  for (const phrase of ['Code size d', 'Batch size', 'Learning rate', 'Epochs', '“colour”', 'Tied weights']) {
    assert.ok(text.includes(phrase), `a message names ${phrase}:\n${text}`);
  }
  assert.equal(messages.length, 6);
});

test('LabState: unknown keys, NaN and negative sizes are refused by name; the rest is taken', () => {
  const { s, messages } = read(PAGES[1], '#points=-5&code=NaN&width=-1&lr=NaN&curve=spiral&mystery=1');
  // The refused keys keep their defaults (the lab's own table, manifold/state.js).
  assert.deepEqual([s.values.points, s.values.code, s.values.width, s.values.lr], [400, 2, 64, 0.003]);
  assert.equal(s.values.curve, 'spiral');
  const text = messages.join('\n');
  for (const phrase of ['Points', 'Code size', 'Hidden width', 'Learning rate', '“mystery”']) {
    assert.ok(text.includes(phrase), `a message names ${phrase}:\n${text}`);
  }
  assert.equal(messages.length, 5);
});

test('State: random valid settings round-trip exactly, through the hash and through apply()', () => {
  const r = rng(2024);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  for (let i = 0; i < 300; i++) {
    const patch = {
      preset: pick(Object.keys(PRESETS)), d: 1 + Math.floor(r() * 2048), lr: Number((r() * 10).toPrecision(3)) || 0.5,
      batch: 1 + Math.floor(r() * 4096), epochs: 1 + Math.floor(r() * 1000), p: Math.floor(r() * 100) / 100,
      seed: Math.floor(r() * 4294967296), scale: pick(['linear', 'log']), kscale: pick(['tile', 'global']),
      reg: pick(['none', 'contractive']), lambda: Number((r() * 1000).toPrecision(4)), tied: r() < 0.5,
      loss: pick(['mse', 'bce']), act: pick(['tanh', 'linear']), data: pick(['mnist', 'fashion', 'user']),
    };
    const s = new State();
    assert.deepEqual(s.apply(patch), [], `case ${i} taken`);
    const expected = { ...patch, tied: patch.tied };
    assert.deepEqual({ ...s.snapshot() }, expected, `case ${i}: the snapshot is the patch`);
    const back = State.fromHash(`#${s.toHash()}`);
    assert.deepEqual({ ...back.snapshot() }, expected, `case ${i}: the hash round-trips`);
    assert.equal(back.toHash(), s.toHash());
  }
});

test('LabState: random valid settings round-trip exactly', () => {
  const r = rng(7);
  for (let i = 0; i < 300; i++) {
    const s = new LabState();
    const curve = CURVES.filter((c) => c !== 'drawn')[Math.floor(r() * 4)];
    const texts = {
      curve, points: 16 + Math.floor(r() * 4081), noise: Math.floor(r() * 50) / 100, sigma: Math.floor(r() * 200) / 100,
      lambda: Math.floor(r() * 1000) / 10, width: 1 + Math.floor(r() * 256), depth: Math.floor(r() * 5),
      code: 1 + Math.floor(r() * 8), lr: (1 + Math.floor(r() * 99)) / 100, seed: Math.floor(r() * 4294967296),
      show: ['s', 'd', 'c', 'sd', 'sc', 'dc', 'sdc'][Math.floor(r() * 7)], view: ['clean', 'corrupted', 'jacobian'][Math.floor(r() * 3)],
    };
    for (const [k, v] of Object.entries(texts)) assert.equal(s.set(k, String(v)), null, `case ${i}: ${k}=${v}`);
    const back = LabState.fromHash(`#${s.toHash()}`);
    assert.deepEqual(back.values, s.values, `case ${i}`);
  }
});

test('apply(): all or nothing, the preset first, refusals as sentences', () => {
  const s = new State();
  assert.deepEqual(s.apply({ preset: 'denoising', d: 64 }), []);
  assert.deepEqual([s.values.preset, s.values.d], ['denoising', 64], 'the preset, then d over its 500');
  const before = s.toHash();
  const refused = s.apply({ d: 0, tied: true, bogus: 1 });
  assert.equal(refused.length, 2);
  assert.match(refused[0], /Code size d must be a whole number from 1 to 2048\./);
  assert.match(refused[1], /“bogus” is not a setting\./);
  assert.equal(s.toHash(), before, 'nothing of a refused patch is applied');
  assert.equal(s.snapshot().tied, false);
  assert.deepEqual(s.apply({ tied: true }), []);
  assert.equal(s.snapshot().tied, true);
  assert.ok(Object.isFrozen(s.snapshot()));
  assert.deepEqual(s.apply({ constructor: 1, toString: 2 }).length, 2, 'prototype names are not settings');
  s.set('d', 'abc');
  assert.match(s.apply({ seed: 3 })[0], /invalid; fix it first/);
});

test('hasSettings: an in-page anchor is not a settings hash', () => {
  for (const h of ['#panel-latent', '#panel-capacity', '', '#', '#colour=blue', '#constructor=1']) assert.equal(hasSettings(h), false, h);
  for (const h of ['#d=100', '#preset=standard&d=30', 'tied=true']) assert.equal(hasSettings(h), true, h);
  // Reading an anchor gives the defaults and no complaint but the anchor's own name.
  const s = new State();
  assert.deepEqual(s.readHash('#panel-latent').length, 1);
  assert.equal(s.toHash(), new State().toHash());
});
