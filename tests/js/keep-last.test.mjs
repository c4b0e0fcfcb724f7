// When the page keeps a copy of its model (www/app/keep-last.js): at a pause, at an epoch's end
// (at most every KEEP_EPOCH_MS), every KEEP_EVERY_MS of training, never twice for the same batch;
// in memory even without storage; and given back only for the model the replaced worker held.
// Run: node --test tests/js/keep-last.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onFrame, keepNow, keptForRestart, KEEP_EVERY_MS, KEEP_EPOCH_MS } from '../../www/app/keep-last.js';

/** A keep object as keep.js makes it, over a fake app whose model answers save_weights with `steps`
 *  bytes and, asked for one (`blob`), a Blob of them as the worker makes it (worker-queries.js). */
function fakeKeep({ store = null } = {}) {
  const calls = [];
  const blobs = [];
  const app = {
    run: { generation: 1, frame: null, info: { d: 4 } },
    state: { toHash: () => '#d=4', values: { epochs: 20 } },
    model: {
      generation: 1,
      async callWith(options, op, dtype, prior) {
        calls.push([op, dtype, prior]);
        const bytes = Uint8Array.of(app.run.frame.stats.steps);
        if (!options.blob) return bytes;
        blobs.push(new Blob([bytes]));
        return { bytes, blob: blobs.at(-1) };
      },
    },
  };
  const keep = {
    app, store, prior: 0, origin: null, saving: false, again: false, last: null,
    lastKept: { generation: -1, steps: -1, epoch: -1, at: 0 }, ui: { box: { dataset: {} } },
  };
  return { keep, app, calls, blobs };
}

/** Show frame `stats` to the keep, as commands.js does, and let its keeping finish. */
async function frame(keep, app, stats, running) {
  const msg = { generation: app.run.generation, running, stats: { epoch: 0, ...stats } };
  app.run.frame = msg;
  onFrame(keep, msg);
  await new Promise((r) => setTimeout(r, 0));
}

test('keep-last: kept at a pause and at a new epoch, not on every frame; in memory without storage', async (t) => {
  const { keep, app, calls } = fakeKeep();
  let now = 1_000_000;
  t.mock.method(performance, 'now', () => now);
  await frame(keep, app, { steps: 0 }, false);
  assert.equal(calls.length, 0, 'an untrained model is not kept');
  await frame(keep, app, { steps: 5 }, true);
  assert.equal(calls.length, 1, 'the first trained frame of a model');
  assert.deepEqual([...keep.last.bytes], [5]);
  assert.equal(keep.last.generation, 1);
  now += 1000;
  await frame(keep, app, { steps: 9 }, true);
  assert.equal(calls.length, 1, 'same epoch, 1 s later: not yet');
  now += KEEP_EPOCH_MS;
  await frame(keep, app, { steps: 40, epoch: 1 }, true);
  assert.equal(calls.length, 2, 'a new epoch after KEEP_EPOCH_MS');
  now += 1000;
  await frame(keep, app, { steps: 80, epoch: 2 }, true);
  assert.equal(calls.length, 2, 'a new epoch within KEEP_EPOCH_MS waits');
  await frame(keep, app, { steps: 81, epoch: 2 }, false);
  assert.equal(calls.length, 3, 'a pause is always kept');
  await frame(keep, app, { steps: 81, epoch: 2 }, false);
  assert.equal(calls.length, 3, 'never twice for the same batch');
  now += KEEP_EVERY_MS + 1;
  await frame(keep, app, { steps: 90, epoch: 2 }, true);
  assert.equal(calls.length, 4, 'every KEEP_EVERY_MS while training');
  assert.equal(keep.ui.box.dataset.keptSteps, '90');
  assert.equal(keep.ui.box.dataset.stored, undefined, 'no storage: memory only');
});

test('keep-last: a keep asked for while one is on its way runs after it; a replaced worker gets its own model only', async () => {
  const puts = [];
  const { keep, app, blobs } = fakeKeep({ store: { available: true, put: async (r) => puts.push(r) > 0 } });
  app.run.frame = { generation: 1, running: true, stats: { steps: 3, epoch: 0 } };
  const first = keepNow(keep);
  app.run.frame = { generation: 1, running: false, stats: { steps: 4, epoch: 0 } };
  keepNow(keep); // the pause, while the first keep is on its way
  await first;
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual([...keep.last.bytes], [4], 'the pause was kept after the running frame');
  assert.equal(keep.ui.box.dataset.stored, '4');
  // IndexedDB gets the worker's Blob itself, not one made on the page (a copy on its thread);
  // memory keeps the bytes, for a replaced worker.
  assert.equal(puts.length, 2);
  assert.equal(puts[1].bytes, blobs[1]);
  assert.ok(keep.last.bytes instanceof Uint8Array);
  assert.deepEqual([...new Uint8Array(await puts[1].bytes.arrayBuffer())], [4]);
  const rec = keptForRestart(keep);
  assert.equal(rec.steps, 4);
  assert.equal(keep.last, null, 'handed over once');
  // A copy of an older model (the settings changed since) is not given to the new worker.
  app.run.frame = { generation: 1, running: false, stats: { steps: 7, epoch: 0 } };
  await keepNow(keep);
  app.run.generation = 2;
  assert.equal(keptForRestart(keep), null);
});
