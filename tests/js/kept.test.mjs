// A lab's kept copy of its models (www/kit/kept.js): when a worker sends one (at a stop, every
// KEEP_EVERY_MS of training, never twice of the same steps), that a copy serves only its own lab
// generation, and the sentence parts that say how old it is and how far it trained.
// Run: node --test tests/js/kept.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepDue, KeptCopy, keptAgo, countText, KEEP_EVERY_MS } from '../../www/kit/kept.js';

test('keepDue: at a stop with new steps, every KEEP_EVERY_MS while training, never for the same steps', () => {
  assert.equal(KEEP_EVERY_MS, 30_000, 'the brief: at most every 30 s while training');
  const base = { running: true, now: 100_000, lastAt: 100_000 - KEEP_EVERY_MS + 1, steps: 50, keptSteps: 10 };
  assert.equal(keepDue(base), false, 'training, 1 ms short of the interval');
  assert.equal(keepDue({ ...base, lastAt: 100_000 - KEEP_EVERY_MS }), true, 'training, the interval reached');
  assert.equal(keepDue({ ...base, running: false }), true, 'stopped: always, however recent the last copy');
  assert.equal(keepDue({ ...base, running: false, keptSteps: 50 }), false, 'a pause after a pause: nothing new');
  assert.equal(keepDue({ ...base, lastAt: 0, keptSteps: 50 }), false, 'the interval passed but the models did not move');
});

test('KeptCopy: the latest copy, handed out only for the lab generation it was kept in', () => {
  const k = new KeptCopy();
  assert.equal(k.forGeneration(1), null, 'nothing kept yet');
  k.put(1, { models: [{ name: 'standard', steps: 3 }] }, 500);
  k.put(1, { models: [{ name: 'standard', steps: 7 }] }, 900);
  const rec = k.forGeneration(1);
  assert.equal(rec.models[0].steps, 7, 'the latest copy replaces the older one');
  assert.equal(rec.at, 900);
  assert.equal(rec.generation, 1);
  assert.equal(k.forGeneration(2), null, 'a copy of another configuration is never used');
  k.clear();
  assert.equal(k.forGeneration(1), null, 'cleared');
});

test('keptAgo and countText: the words of the restart sentence', () => {
  // Hand-computed: 12.4 s rounds to 12; 59.6 s rounds to 60 s = 1 min; 5,400 s = 90 min = 1.5 h → 2 h.
  assert.equal(keptAgo(12_400), '12 s ago');
  assert.equal(keptAgo(-5), '0 s ago', 'a clock that went back reads as now');
  assert.equal(keptAgo(59_600), '1 min ago');
  assert.equal(keptAgo(150_000), '3 min ago');
  assert.equal(keptAgo(5_400_000), '2 h ago');
  // 172,800 s = 2 days: from there in days (as the training page's resume offer, app/keep-text.js ago).
  assert.equal(keptAgo(172_799_000), '48 h ago');
  assert.equal(keptAgo(259_200_000), '3 days ago');
  assert.equal(countText(1, 1), '1 epoch, 1 batch');
  assert.equal(countText(0, 40), '0 epochs, 40 batches');
  assert.equal(countText(21, 12345), '21 epochs, 12,345 batches');
});
