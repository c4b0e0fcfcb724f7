// Node tests of the shared-memory line between the leader and a shard worker
// (www/kit/shard-sync.js) with a real second thread (node:worker_threads): batches go and come
// back with no message while the shard listens, a sleeping shard is woken by a message, a stop
// sends it back to its messages, and a failing batch marks the line FAILED at once.
// Run: node --test tests/js/shard-sync.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { ShardLine, LINE, IDLE_MS } from '../../www/kit/shard-sync.js';

// The shard: each batch writes grads[j] = params[j] · (end − start) + idx[start] (a result that
// depends on every field of the batch), and fails on a batch of m = 13.
const SHARD = `
  import { parentPort } from 'node:worker_threads';
  import { ShardLine } from ${JSON.stringify(new URL('../../www/kit/shard-sync.js', import.meta.url).href)};
  let line = null;
  parentPort.on('message', (msg) => {
    if (msg.type === 'build') { line = new ShardLine(msg.line); parentPort.postMessage({ type: 'built' }); return; }
    try {
      line.serve((start, end, m) => {
        if (m === 13) throw new Error('unlucky batch');
        for (let j = 0; j < line.grads.length; j++) line.grads[j] = line.params[j] * (end - start) + line.idx[start];
      });
      parentPort.postMessage({ type: 'left' });
    } catch (e) {
      parentPort.postMessage({ type: 'error', message: e.message });
    }
  });`;

/** A shard thread running `source`: its worker and `next(type)`, the next message of a type. */
function startShard(source = SHARD) {
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), { type: 'module' });
  const messages = [];
  let waiter = null;
  w.on('message', (m) => { messages.push(m); waiter?.(); });
  const next = async (type) => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return messages.splice(i, 1)[0];
      await new Promise((r) => { waiter = r; });
    }
  };
  return { w, next };
}

function newLine() {
  const params = new Float32Array(new SharedArrayBuffer(4 * 5));
  return ShardLine.create(params, 8, ShardLine.batchBuffers(16, 3));
}

/** One batch of rows [start, end) on `line`; true when a `wake` had to be sent. */
async function batch(line, shard, start, end, m = 16) {
  const woke = line.send(start, end, m, false);
  if (woke) shard.w.postMessage({ type: 'wake' });
  let state = line.block(1000);
  while (state === LINE.BATCH) state = await line.settle(1000);
  return { woke, state };
}

test('ShardLine: batches go and come back on the line; an idle shard sleeps and is woken', async () => {
  const shard = startShard();
  const line = newLine();
  shard.w.postMessage({ type: 'build', line: line.buffers });
  await shard.next('built');
  line.params.set([1, 2, 3, 4, 5]);
  line.idx.set([7, 8, 9, 10]);
  const first = await batch(line, shard, 1, 3);
  assert.equal(first.woke, true, 'a new line starts asleep: the first batch needs a message');
  assert.equal(first.state, LINE.READY);
  assert.deepEqual([...line.grads.subarray(0, 5)], [1 * 2 + 8, 2 * 2 + 8, 3 * 2 + 8, 4 * 2 + 8, 5 * 2 + 8]);
  // The next batches, at once: the shard listens on the line, no message goes.
  for (let k = 0; k < 50; k++) {
    line.params[0] = k;
    const b = await batch(line, shard, 0, 2);
    assert.equal(b.woke, false, `batch ${k} needed a message`);
    assert.equal(line.grads[0], k * 2 + 7);
  }
  // Idle for longer than IDLE_MS: the shard goes back to its messages, and a batch wakes it.
  await shard.next('left');
  assert.equal(line.state, LINE.ASLEEP);
  const late = await batch(line, shard, 2, 3);
  assert.equal(late.woke, true);
  assert.equal(line.grads[1], 2 * 1 + 9);
  await shard.w.terminate();
});

test('ShardLine: without Atomics.waitAsync the leader still waits without blocking', async () => {
  const shard = startShard();
  const line = newLine();
  shard.w.postMessage({ type: 'build', line: line.buffers });
  await shard.next('built');
  const waitAsync = Atomics.waitAsync;
  try {
    Atomics.waitAsync = undefined;
    line.params[0] = 3;
    assert.equal(line.send(0, 2, 16, false), true);
    shard.w.postMessage({ type: 'wake' });
    let state = line.state;
    while (state === LINE.BATCH) state = await line.settle(1000); // no block(): only the timer path
    assert.equal(state, LINE.READY);
    assert.equal(line.grads[0], 3 * 2);
  } finally {
    Atomics.waitAsync = waitAsync;
  }
  await shard.w.terminate();
});

test('ShardLine: a stop sends the shard to its messages at once; a failed batch marks the line', async () => {
  const shard = startShard();
  const line = newLine();
  shard.w.postMessage({ type: 'build', line: line.buffers });
  await shard.next('built');
  await batch(line, shard, 0, 1);
  const t0 = performance.now();
  line.stop();
  await shard.next('left');
  assert.ok(performance.now() - t0 < IDLE_MS, `the stop took ${performance.now() - t0} ms (idle time-out ${IDLE_MS})`);
  // A new line (a new model's build); its first batch fails.
  const next = newLine();
  shard.w.postMessage({ type: 'build', line: next.buffers });
  await shard.next('built');
  const failed = await batch(next, shard, 0, 4, 13);
  assert.equal(failed.state, LINE.FAILED);
  assert.equal((await shard.next('error')).message, 'unlucky batch');
  assert.throws(() => next.send(0, 1, 16, false), /failed/);
  await shard.w.terminate();
});

// A shard of the pipelined exchange: its gradient in two ranges ([0, 4), [4, 8)), each counted as
// it is written (the second after `hold` ms), failing after the first on m = 13; between batches
// it copies each published range of `params` ([0, 2), [2, 5)) and reports it; a batch reports
// whether it came `fresh` and the weights the shard holds then.
const PIPE_SHARD = `
  import { parentPort } from 'node:worker_threads';
  import { ShardLine } from ${JSON.stringify(new URL('../../www/kit/shard-sync.js', import.meta.url).href)};
  const bounds = [0, 2, 5];
  let line = null, held = new Float32Array(5), round = -1, copied = 0;
  const idle = () => {
    const r = line.round, upTo = line.published;
    if (r !== round) [round, copied] = [r, 0];
    for (; copied < upTo; copied++) {
      held.set(line.params.subarray(bounds[copied], bounds[copied + 1]), bounds[copied]);
      parentPort.postMessage({ type: 'copied', round, k: copied + 1 });
    }
  };
  parentPort.on('message', (msg) => {
    if (msg.type === 'build') { line = new ShardLine(msg.line); parentPort.postMessage({ type: 'built' }); return; }
    try {
      line.serve((start, end, m, hasInputs, fresh) => {
        if (!fresh) held.set(line.params);
        parentPort.postMessage({ type: 'batch', fresh, held: [...held] });
        for (let j = 0; j < 4; j++) line.grads[j] = held[j % 5] + start;
        line.gradOut(1);
        if (m === 13) throw new Error('unlucky range');
        const until = Date.now() + 30;
        while (Date.now() < until);
        for (let j = 4; j < 8; j++) line.grads[j] = 100 + j;
        line.gradOut(2);
      }, idle);
      parentPort.postMessage({ type: 'left' });
    } catch (e) {
      parentPort.postMessage({ type: 'error', message: e.message });
    }
  });`;

test('ShardLine: the pipelined exchange — gradient ranges counted as written, weights copied in as published', async (t) => {
  const { w, next } = startShard(PIPE_SHARD);
  t.after(() => w.terminate()); // also when an assertion fails: a live worker keeps the run open
  const line = newLine();
  w.postMessage({ type: 'build', line: line.buffers });
  await next('built');
  // A full copy first: the batch is not fresh, the shard takes `params` whole.
  line.params.set([1, 2, 3, 4, 5]);
  if (line.send(2, 4, 16, false, false)) w.postMessage({ type: 'wake' });
  assert.deepEqual(await next('batch'), { type: 'batch', fresh: false, held: [1, 2, 3, 4, 5] });
  assert.equal(line.gradBlock(1, 2000), true);
  assert.deepEqual([...line.grads.subarray(0, 4)], [3, 4, 5, 6], 'the first range, before the second is written');
  assert.equal(line.gradRanges, 1, 'the second range is 30 ms away');
  let n = 0;
  while (!(await line.gradSettle(2, 2000))) n += 1;
  assert.ok(n < 5);
  assert.deepEqual([...line.grads.subarray(4, 8)], [104, 105, 106, 107]);
  let state = line.block(1000);
  while (state === LINE.BATCH) state = await line.settle(1000);
  assert.equal(state, LINE.READY);
  // A round of weights, range by range: the idle shard copies each as it is published.
  line.beginRound();
  line.params.set([10, 20], 0);
  line.publish(1);
  assert.deepEqual(await next('copied'), { type: 'copied', round: 1, k: 1 });
  line.params.set([30, 40, 50], 2);
  line.publish(2, false); // counted, but the doorbell stays quiet: the shard sleeps on
  const quiet = await Promise.race([next('copied'), new Promise((r) => setTimeout(() => r('quiet'), 60))]);
  assert.equal(quiet, 'quiet', 'a publish without a ring must not wake the shard');
  line.ring();
  assert.deepEqual(await next('copied'), { type: 'copied', round: 1, k: 2 }, 'the next ring brings the range published quietly');
  // The next batch is fresh: no full copy, the weights the shard holds are the round's.
  line.params.fill(-1); // what a full copy would take (it must not)
  assert.equal(line.send(0, 4, 16, false, true), false, 'the shard listens on the line');
  assert.deepEqual(await next('batch'), { type: 'batch', fresh: true, held: [10, 20, 30, 40, 50] });
  while (!line.gradBlock(2, 2000));
  while (line.block(1000) === LINE.BATCH);
  // A batch failing after its first range: the leader waiting for the second wakes at once.
  if (line.send(0, 4, 13, false, false)) w.postMessage({ type: 'wake' });
  const t0 = performance.now();
  assert.equal(line.gradBlock(2, 5000), false);
  assert.ok(performance.now() - t0 < 1000, `the failure took ${performance.now() - t0} ms to wake the leader`);
  assert.equal((await next('error')).message, 'unlucky range');
  assert.equal(line.state, LINE.FAILED);
  await w.terminate();
});
