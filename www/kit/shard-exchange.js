// The shared-memory batch of data-parallel training, the leader's side (www/kit/parallel.js has
// the pool and the protocol; kit/shard-sync.js the line to each shard): used when the page is
// cross-origin isolated. The batch's indices and inputs are written in place and signalled; the
// leader computes the last slice meanwhile; then the exchange is pipelined in flat ranges of
// RANGE_FLOATS (`exchange`): each shard writes its gradient range by range, the leader steps
// each range as soon as every shard's part of it is in (`apply_range`, the same bits as one
// step) and writes its new weights into the shared parameters, which the idle shards copy in
// while the next ranges are stepped (woken every RING_RANGES ranges). The decoder's ranges come
// first: a shard writes them before it computes the encoder's backward (`gradient_head`),
// so the leader steps them while the shards finish. A shard writes its gradient as its layers
// hold it, not scaled by its share of the batch: the leader scales it as it reads it
// (`exchange_rows`, the same bits), which spares each shard a pass over its gradient. The next batch sends no weights when the
// leader's are still the ones sent (`params_stamp`).
//
// Measured (Chromium 156, 2-core AMD EPYC, denoising d = 500, 2 workers): the exchange took
// 3.7–4.1 ms per batch where the copies and the step one after another took ~4.6 ms, and the
// shard's copy of the weights at the start of a batch fell from ~0.6 to ~0.02 ms. On a 2-core
// AVX-512 EPYC the exchange took 1.45 ms, 0.21 of it ringing the doorbell at every range; rung
// every RING_RANGES ranges, 1.31–1.37 ms (docs/ARCHITECTURE.md).

import { LINE } from './shard-sync.js';

/** Longest flat range of the pipelined exchange: 128 KB of floats, ~25 ranges at d = 500 (each
 *  ~0.15 ms of the leader's step), so a shard's copies run beside the leader's. */
export const RANGE_FLOATS = 32768;

/** Weight ranges published per ring of a shard's doorbell (and the last range): a ring wakes the
 *  idle shard from Atomics.wait, a futex call of ~9 µs on the leader's path, where 24 rings a
 *  d = 500 step took 0.21 ms of its ~1.45 ms exchange (Chromium 156, 2-core AVX-512 EPYC). */
export const RING_RANGES = 4;

/** Longest a batch waits for a shard before it is given up (a stuck or starved worker). */
export const SHARD_TIMEOUT_MS = 20000;

/** Longest the leader blocks in Atomics.wait for a shard's slice (shared memory): about a d = 500
 *  step on a slow machine; a longer wait goes on without blocking the worker's messages. */
export const BLOCK_MS = 250;

/** Where a shared-memory batch's time goes on the leader, summed in ms over `batches` (the
 *  pool's `timing`; make bench prints the means): sending the shards their rows, its own rows
 *  (the next batch's drawn ahead included), waiting for the shards' gradients (for the first
 *  range, and blocked mid-exchange for the encoder's), the rest of the exchange, and waiting for
 *  the shards to take the last weights; and `shard`, the slowest shard's own rows (from taking
 *  the batch to its whole gradient computed, as it timed them). */
export function batchTiming() {
  return { batches: 0, send: 0, own: 0, wait: 0, exchange: 0, settle: 0, shard: 0 };
}

/** Copies the trainer's parameters into `flat` (a Float32Array of every parameter in order):
 *  one `set` per parameter from a view of its storage in wasm memory. Also a shard's way in
 *  (shard-worker.js), with the copies the other way. */
export function copyParams(trainer, flat, into = false) {
  let at = 0;
  for (const view of trainer.param_views()) {
    if (into) view.set(flat.subarray(at, at + view.length));
    else flat.set(view, at);
    at += view.length;
  }
}

/** A batch over the shards' lines: indices and inputs written in place, a signal each (the
 *  weights too, unless the last step left them whole in `params`); the last slice here
 *  meanwhile; then the step range by range as the shards' gradients come in (`exchange`). */
export async function stepShared(pool, trainer, idx) {
  const m = idx.length;
  const lines = pool.lines;
  if (m > lines[1].idx.length) throw new Error(`a batch of ${m} rows does not fit the shards' buffers of ${lines[1].idx.length}`);
  const t0 = performance.now();
  const fresh = pool.sent?.trainer === trainer && pool.sent.stamp === trainer.params_stamp();
  pool.sent = null;
  if (!fresh) copyParams(trainer, lines[1].params);
  lines[1].idx.set(idx);
  for (let i = 1; i < pool.count; i++) {
    const [start, end] = pool.rowsOf(m, i);
    const inputs = trainer.batch_inputs(start, end); // corrupted now; a view too
    if (inputs) lines[i].inputs.set(inputs, start * trainer.dim);
    if (lines[i].send(start, end, m, !!inputs, fresh)) pool.wake(i);
  }
  const [start, end] = pool.rowsOf(m, 0);
  const t1 = performance.now();
  trainer.own_gradient(start, end);
  trainer.prepare_next(); // the next batch's rows, while the shards compute
  const t2 = performance.now();
  for (let i = 1; i < pool.count; i++) await rangesIn(pool, i, 1); // each shard's slice computed
  const t3 = performance.now();
  let shard = 0;
  for (let i = 1; i < pool.count; i++) shard = Math.max(shard, lines[i].rowsMs);
  const rows = pool.lines.map((_, i) => { const [a, b] = pool.rowsOf(m, i); return b - a; });
  const [stats, blocked] = exchange(pool, trainer, rows);
  const t4 = performance.now();
  for (let i = 1; i < pool.count; i++) await settled(pool, i); // READY: the next batch may go
  pool.sent = { trainer, stamp: trainer.params_stamp() };
  const t = pool.timing;
  t.batches += 1;
  t.send += t1 - t0;
  t.own += t2 - t1;
  t.wait += t3 - t2 + blocked;
  t.exchange += t4 - t3 - blocked;
  t.settle += performance.now() - t4;
  t.shard += shard;
  return stats;
}

/** The step range by range (the trainer's `apply_range`, in `pool.ranges`' order: the
 *  decoder's, the encoder's, the loss parts): each shard's part of a range copied into the
 *  exchange buffer in worker order (unscaled: shard i's `rows[i]` rows say its scale),
 *  added, the last one's stepped, and the range's new weights
 *  written into `params` and published to the shards, which copy them in while the next range
 *  is stepped. Synchronous: nothing else reaches the trainer mid-step. Returns the step's
 *  stats and the ms spent blocked for the shards' ranges. */
function exchange(pool, trainer, rows) {
  const { lines, ranges } = pool;
  const count = ranges.length / 2;
  const weights = count - 1; // the last range is the loss parts
  for (let i = 1; i < pool.count; i++) lines[i].beginRound();
  trainer.apply_begin(true);
  let blocked = 0;
  for (let k = 0; k < count; k++) {
    const [a, b] = [ranges[2 * k], ranges[2 * k + 1]];
    for (let i = 1; i < pool.count; i++) {
      if (lines[i].gradRanges <= k) {
        const t = performance.now();
        rangeInBlocking(pool, i, k + 1);
        blocked += performance.now() - t;
      }
      if (k === 0 || pool.count > 2) trainer.exchange_rows(rows[i]); // shard i's scale, as it is read
      trainer.exchange_view().set(lines[i].grads.subarray(a, b), a);
      if (i < pool.count - 1) trainer.add_exchange_range(a, b);
    }
    const next = trainer.apply_range(a, b); // the range's new weights (a view)
    if (k < weights) {
      lines[1].params.set(next, a);
      const ring = (k + 1) % RING_RANGES === 0 || k + 1 === weights;
      for (let i = 1; i < pool.count; i++) lines[i].publish(k + 1, ring);
    }
  }
  return [trainer.apply_end(), blocked];
}

/** Shard i's first k gradient ranges, waited for blocked (mid-step: the encoder's ranges follow
 *  the decoder's by the shard's encoder backward, ~1/5 of its products at one hidden layer; the
 *  rest within microseconds) until the time-out or a failure; throws the failure. */
function rangeInBlocking(pool, i, k) {
  const line = pool.lines[i];
  const deadline = performance.now() + SHARD_TIMEOUT_MS;
  while (!line.gradBlock(k, Math.max(0, deadline - performance.now())) && line.state !== LINE.FAILED && performance.now() < deadline);
  if (line.gradRanges >= k) return;
  pool.fail(line.state === LINE.FAILED ? `shard worker ${i} failed` : `shard worker ${i} did not answer within ${SHARD_TIMEOUT_MS / 1000} s`);
  throw pool.failure;
}

/** Shard i's first k gradient ranges: blocked up to BLOCK_MS, then without blocking until the
 *  time-out or a failure; throws the failure. */
async function rangesIn(pool, i, k) {
  const line = pool.lines[i];
  if (line.gradBlock(k, BLOCK_MS)) return;
  const deadline = performance.now() + SHARD_TIMEOUT_MS;
  while (line.gradRanges < k && line.state !== LINE.FAILED && !pool.failure && performance.now() < deadline) {
    await Promise.race([line.gradSettle(k, deadline - performance.now()), pool.failed]);
  }
  if (line.gradRanges >= k) return;
  await settled(pool, i); // says why, and throws
  throw pool.failure ?? new Error(`shard worker ${i} sent no gradient`);
}

/** Shard i's batch done: blocked up to BLOCK_MS, then without blocking until the time-out or
 *  a failure; throws the failure. */
async function settled(pool, i) {
  const line = pool.lines[i];
  let state = line.block(BLOCK_MS);
  const deadline = performance.now() + SHARD_TIMEOUT_MS;
  while (state === LINE.BATCH && !pool.failure && performance.now() < deadline) {
    state = await Promise.race([line.settle(deadline - performance.now()), pool.failed]);
  }
  if (state === LINE.READY || state === LINE.ASLEEP) return; // done (and the shard since idle)
  if (state === LINE.FAILED && !pool.failure) {
    // The shard's `error` message says why; it follows the state word by a message turn.
    await Promise.race([pool.failed, new Promise((r) => setTimeout(r, 2000))]);
    pool.fail(`shard worker ${i} failed`);
  }
  if (state === LINE.BATCH) pool.fail(`shard worker ${i} did not answer within ${SHARD_TIMEOUT_MS / 1000} s`);
  throw pool.failure;
}

