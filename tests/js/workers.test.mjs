// Node tests of the worker-count setting (www/state.js `workers`, www/kit/parallel.js): its
// default from the machine's cores, its hash round trip and its refusals; and the pool's
// fall-back bookkeeping without workers; that no lab query reaches the data-parallel batch's
// trainer methods. No browser. Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { State, MAX_WORKERS } from '../../www/state.js';
import { defaultWorkers } from '../../www/kit/parallel.js';
import { Workers } from '../../www/kit/workers.js';

test('defaultWorkers: every core on 1 or 2, one left for the page from 3, at most 4', () => {
  // [cores, expected]: an unknown count means one worker.
  for (const [cores, w] of [[1, 1], [2, 2], [3, 2], [4, 3], [5, 4], [16, 4], [undefined, 1], [0, 1], [NaN, 1], [2.5, 1]]) {
    assert.equal(defaultWorkers(cores), w, `${cores} cores`);
  }
});

test('workers: in the hash only when changed, and read back from it', () => {
  const s = new State();
  assert.ok(!s.toHash().includes('workers'), 'the machine default is not written');
  const other = defaultWorkers() === 2 ? 3 : 2;
  assert.deepEqual(s.apply({ workers: other }), []);
  assert.ok(s.toHash().includes(`workers=${other}`), s.toHash());
  const back = State.fromHash(`#${s.toHash()}`);
  assert.equal(back.values.workers, other);
  assert.equal(back.toHash(), s.toHash());
  // The engine's settings never carry it: the worker count does not shape the model.
  assert.ok(!('workers' in back.trainerSettings()));
});

test('workers: 0, too many and non-integers are refused by name; the default is kept', () => {
  for (const bad of ['0', String(MAX_WORKERS + 1), '1.5', 'two', '-2']) {
    const s = new State();
    const messages = s.readHash(`#workers=${bad}`);
    assert.equal(messages.length, 1, `${bad}: ${messages}`);
    assert.match(messages[0], /Workers/);
    assert.equal(s.values.workers, defaultWorkers(), `${bad}: the default stays`);
  }
});

test('Workers: one worker needs no pool; a failed pool falls back with a sentence', () => {
  const w = new Workers('unused.js', () => [0, 0]);
  w.set(1, null, null, 'train');
  assert.equal(w.active, 1);
  assert.deepEqual(w.info(), { requested: 1, active: 1, shared: false, note: '' });
  // Node has no module Worker: the pool cannot start, and the page is told why.
  const hadWorker = 'Worker' in globalThis;
  if (!hadWorker) {
    w.set(2, null, null, 'train');
    assert.equal(w.active, 1);
    assert.match(w.info().note, /goes on with 1 worker instead of 2/);
  }
  // A step without a pool is the trainer's own step(1).
  const trainer = { step: (k) => ({ loss: k }) };
  return w.step(trainer).then((s) => assert.deepEqual(s, { loss: 1 }));
});

test('a lab query may call no trainer method of the data-parallel batch', async () => {
  // Every `trainer.X(` / `replica.X(` the leader's and the shards' code calls drives a batch
  // (or hands out a view of wasm memory): a lab's query of one mid-training would break it.
  const { QUERY_DENIED } = await import('../../www/worker-queries.js');
  const files = ['kit/parallel.js', 'kit/shard-exchange.js', 'shard-worker.js'];
  const called = new Set();
  for (const f of files) {
    const src = readFileSync(new URL(`../../www/${f}`, import.meta.url), 'utf8');
    for (const [, name] of src.matchAll(/\b(?:trainer|replica)\.([a-z_]+)\(/g)) called.add(name);
  }
  // What a lab may ask of the leader too: the sizes, offsets and images a shard is built from.
  const harmless = new Set(['grad_len', 'apply_ranges', 'decoder_at', 'train_images', 'params_stamp', 'free']);
  const batch = [...called].filter((name) => !harmless.has(name));
  assert.ok(batch.includes('apply_begin') && batch.includes('own_gradient'), `the scan found the batch's calls: ${batch}`);
  for (const name of batch) assert.ok(QUERY_DENIED.has(name), `a lab query could call ${name}`);
});
