// Data-parallel training, the leader's side: a training worker (the leader, worker 0, which owns
// the one true model and its optimiser) starts W−1 shard workers (www/shard-worker.js), each a
// replica of the model on a copy of the training images. Per batch the leader opens it
// (`begin_batch`), sends each shard its parameters, its fixed slice of the indices (shard i the
// slice i − 1 of `shardRows(m, W, ·)`) and, for a corrupting variant, the corrupted rows the
// leader draws for it; computes the last slice itself, so every shard's rows are corrupted and
// sent before its own are; draws the next batch's rows while the shards compute
// (`prepare_next`: the next `begin_batch` takes them when nothing else moved the trainer, the
// same bits); adds the shards' gradients in worker order 1..W−1, the last in the
// optimiser's pass that applies the sum (`apply_with_exchange`). The maths and why the order is
// fixed: src/train/shard.rs. Replicas hold no optimiser state, so Reset, Load weights and a new
// lr need nothing but the next batch's parameters.
// Cross-origin isolated, that exchange is pipelined range by range (kit/shard-exchange.js).
//
// Buffers and signals. Cross-origin isolated, every buffer is a SharedArrayBuffer sent once per
// model (kit/shard-sync.js: the parameters, the batch's indices and corrupted rows, each shard's
// gradient) and a batch is signalled with Atomics: no message per batch, no copy into a message;
// the leader blocks for at most BLOCK_MS waiting (a step's length), then waits without blocking.
// Otherwise each shard has one parameter and one gradient ArrayBuffer that travel to the shard
// and back by transfer with a message per batch, so they too are allocated once per model. A
// shard that fails (an error, a trap, a worker that cannot start) rejects the batch: the leader
// undoes it (`abort_batch`) and goes on alone (see `step`).
//
//   const pool = new ShardPool(url, 2, shardRows);
//   pool.prepare(trainer, settings, dataKey);   // after every new trainer (sends images on a new dataKey)
//   const stats = await pool.step(trainer);     // one batch: what trainer.step(1) returns
//   pool.close();

import { ShardLine, LINE } from './shard-sync.js';
import { stepShared, copyParams, batchTiming, RANGE_FLOATS, SHARD_TIMEOUT_MS } from './shard-exchange.js';

export { RANGE_FLOATS, SHARD_TIMEOUT_MS, BLOCK_MS, copyParams, batchTiming } from './shard-exchange.js';

/** The messages between the leader and a shard worker. */
export const SHARD = Object.freeze({
  DATA: 'data', // → shard {images: Uint8Array, rows, cols}: the training images, once per data set
  BUILD: 'build', // → shard {generation, settings, line?}: a replica for these settings (line: shared)
  BUILT: 'built', // ← shard {generation, gradLen}
  GRAD: 'grad', // transfer: → shard {seq, idx, m, inputs?, params, grads}; ← shard {seq, params, grads}
  WAKE: 'wake', // shared: → shard: a batch waits on its line (kit/shard-sync.js), which it left idle
  ERROR: 'error', // ← shard {message, crashed}
});

/** True when buffers can be shared with workers (the page is cross-origin isolated). */
export function canShare() {
  return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}

/** The worker count the page uses unless the user sets one: every core on 1 or 2 cores, one core
 *  left for the page from 3 on, at most 4. On 2 cores the page's own share is small: 2 workers
 *  trained 1.55× faster in the page than 1, with its main thread 5.8 % busy and no task over 50 ms
 *  (make bench, docs/ARCHITECTURE.md); from 3 cores a spare core costs at most a third. */
export function defaultWorkers(cores = globalThis.navigator?.hardwareConcurrency) {
  const n = Number.isInteger(cores) && cores > 0 ? cores : 1;
  return n <= 2 ? n : Math.min(n - 1, 4);
}

/** Adds shard i's flat gradient to the leader's sum: copied into the trainer's exchange buffer
 *  (a view of wasm memory), then added there; the last shard's is added in the optimiser's pass,
 *  which applies the sum (`apply_with_exchange`: the same bits, one pass fewer) — its stats then. */
function addGradient(trainer, grads, last) {
  trainer.exchange_view().set(grads);
  return last ? trainer.apply_with_exchange() : trainer.add_exchange();
}

export class ShardPool {
  /** `url`: the shard worker's module; `count`: W, the leader included (≥ 2); `shardRows(m, w, i)` → [start, end). */
  constructor(url, count, shardRows) {
    this.count = count;
    this.shardRows = shardRows;
    this.shared = canShare();
    this.generation = 0;
    this.dataKey = null;
    this.built = null; // promise of every shard's `built` for this generation
    this.bufs = []; // transfer: per shard i ≥ 1, {params, grads} Float32Arrays (index 0 unused)
    this.lines = []; // shared: per shard i ≥ 1, its ShardLine (index 0 unused)
    this.seq = 0;
    this.pending = new Map(); // shard index -> {resolve, reject} of the batch in flight
    this.failure = null; // the first failure: every later call rejects with it
    this.failed = new Promise((resolve) => { this.onFailed = resolve; }); // resolves at `fail`
    this.shards = [];
    this.timing = batchTiming(); // shared memory: where the batches' time went on the leader
    for (let i = 1; i < count; i++) this.shards.push(this.start(url, i));
  }

  start(url, i) {
    const w = new Worker(url, { type: 'module', name: `shard ${i}` });
    w.onmessage = ({ data }) => this.receive(i, data);
    w.onerror = (e) => {
      e.preventDefault?.();
      this.fail(`shard worker ${i} stopped: ${e.message || 'it could not start'}`);
    };
    w.onmessageerror = () => this.fail(`shard worker ${i} sent a message that could not be read`);
    return w;
  }

  /** Replicas for `trainer` (built for `settings`); the images go again when `dataKey` changes. */
  prepare(trainer, settings, dataKey) {
    if (this.failure) return;
    this.generation += 1;
    if (dataKey !== this.dataKey) {
      const images = trainer.train_images();
      for (const w of this.shards) w.postMessage({ type: SHARD.DATA, images, rows: trainer.image_rows, cols: trainer.image_cols });
      this.dataKey = dataKey;
    }
    const gradLen = trainer.grad_len();
    this.ranges = trainer.apply_ranges(RANGE_FLOATS);
    this.sent = null; // {trainer, stamp}: whose weights the shared `params` hold whole (stepShared)
    for (const line of this.lines) line?.stop(); // a shard waiting on the old model's line takes the build
    if (this.shared) {
      const params = new Float32Array(new SharedArrayBuffer(4 * (gradLen - 3)));
      const rows = Number.isInteger(settings?.batch) ? Math.min(settings.batch, trainer.len) : trainer.len;
      const batch = ShardLine.batchBuffers(rows, trainer.dim);
      this.lines = [null, ...this.shards.map(() => ShardLine.create(params, gradLen, batch))];
    } else {
      const floats = (n) => new Float32Array(new ArrayBuffer(4 * n));
      this.bufs = [null, ...this.shards.map(() => ({ params: floats(gradLen - 3), grads: floats(gradLen) }))];
    }
    const generation = this.generation;
    this.built = Promise.all(this.shards.map((w, k) => this.request(k + 1, () => {
      w.postMessage({ type: SHARD.BUILD, generation, settings, line: this.lines[k + 1]?.buffers });
    })));
    this.built.catch(() => {}); // a failure is reported by the next `step`
  }

  /** Rows [start, end) of a batch of `m` that worker `i` computes: shard i the slice i − 1, the
   *  leader (i = 0) the last, W − 1. The leader corrupts rows in order as they are asked for
   *  (src/train/shard.rs), so a shard's rows are ready before the leader draws its own. */
  rowsOf(m, i) {
    return this.shardRows(m, this.count, i === 0 ? this.count - 1 : i - 1);
  }

  /** One batch of `trainer` over the leader and every shard: the stats of `apply_gradient`. */
  async step(trainer) {
    if (this.failure) throw this.failure;
    await this.built;
    const idx = trainer.begin_batch();
    try {
      const stats = this.shared ? await stepShared(this, trainer, idx) : await this.stepTransfer(trainer, idx);
      return stats;
    } catch (e) {
      trainer.abort_batch(); // nothing of a half-done batch is kept
      throw e;
    }
  }

  /** A batch by messages: each shard's parameters and gradient buffers go and come back. */
  async stepTransfer(trainer, idx) {
    const m = idx.length;
    const seq = ++this.seq;
    const replies = [];
    for (let i = 1; i < this.count; i++) {
      const [start, end] = this.rowsOf(m, i);
      const b = this.bufs[i];
      copyParams(trainer, b.params);
      // batch_inputs is a view of wasm memory: sliced into a fresh copy, moved with the message.
      const msg = { type: SHARD.GRAD, seq, idx: idx.subarray(start, end), m, inputs: trainer.batch_inputs(start, end)?.slice(), params: b.params, grads: b.grads };
      const transfer = [b.params.buffer, b.grads.buffer];
      if (msg.inputs) transfer.push(msg.inputs.buffer); // a fresh copy each batch: moved, not cloned
      replies.push(this.request(i, () => this.shards[i - 1].postMessage(msg, transfer)));
    }
    const [start, end] = this.rowsOf(m, 0);
    trainer.own_gradient(start, end);
    trainer.prepare_next();
    const answers = await Promise.all(replies);
    let stats;
    for (let i = 1; i < this.count; i++) {
      const { params, grads } = answers[i - 1];
      this.bufs[i] = { params, grads }; // the transferred buffers, back for the next batch
      stats = addGradient(trainer, grads, i === this.count - 1);
    }
    return stats;
  }

  /** Shard i left its line for its messages: a `wake` brings it back to the batch waiting there. */
  wake(i) {
    this.shards[i - 1].postMessage({ type: SHARD.WAKE });
  }

  /** Send with `post` and wait for shard `i`'s answer (or its failure, or the time-out). */
  request(i, post) {
    if (this.failure) return Promise.reject(this.failure);
    this.pending.get(i)?.drop(); // a build superseded by a newer one: nobody waits for it
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(`shard worker ${i} did not answer within ${SHARD_TIMEOUT_MS / 1000} s`), SHARD_TIMEOUT_MS);
      this.pending.set(i, {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
        drop: () => { clearTimeout(timer); resolve(null); },
      });
      post();
    });
  }

  receive(i, msg) {
    if (msg.type === SHARD.ERROR) return this.fail(`shard worker ${i} failed: ${msg.message}`);
    if (msg.type === SHARD.BUILT && msg.generation !== this.generation) return; // an older model's
    const p = this.pending.get(i);
    this.pending.delete(i);
    p?.resolve(msg);
  }

  /** The pool is broken: every waiting and later call rejects with `text`; the shards stop. */
  fail(text) {
    if (this.failure) return;
    this.failure = new Error(text);
    this.onFailed(LINE.FAILED);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.close();
  }

  close() {
    for (const w of this.shards) w.terminate();
    this.shards = [];
  }
}
