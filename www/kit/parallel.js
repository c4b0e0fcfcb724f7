// Data-parallel training, the leader's side: a training worker (the leader, worker 0, which owns
// the one true model and its optimiser) starts W−1 shard workers (www/shard-worker.js), each a
// replica of the model on a copy of the training images. Per batch the leader opens it
// (`begin_batch`), sends each shard its parameters, its fixed slice of the indices
// (`shardRows(m, W, i)`) and, for a corrupting variant, the corrupted rows the leader drew;
// computes slice 0 itself; adds the shards' gradients in worker order 1..W−1; and applies the sum
// (`apply_gradient`). The maths and why the order is fixed: src/train/shard.rs. Replicas hold no
// optimiser state, so Reset, Load weights and a new lr need nothing but the next batch's
// parameters.
//
// Buffers: each shard has one parameter and one gradient buffer. When the page is cross-origin
// isolated they are SharedArrayBuffers, allocated once per model and shared (no copy); otherwise
// they are ordinary ArrayBuffers that travel to the shard and back by transfer, so they too are
// allocated once per model. A shard that fails (an error, a trap, a worker that cannot start)
// rejects the batch: the leader undoes it (`abort_batch`) and goes on alone (see `step`).
//
//   const pool = new ShardPool(url, 2, shardRows);
//   pool.prepare(trainer, settings, dataKey);   // after every new trainer (sends images on a new dataKey)
//   const stats = await pool.step(trainer);     // one batch: what trainer.step(1) returns
//   pool.close();

/** The messages between the leader and a shard worker. */
export const SHARD = Object.freeze({
  DATA: 'data', // → shard {images: Uint8Array, rows, cols}: the training images, once per data set
  BUILD: 'build', // → shard {generation, settings}: a replica for these settings
  BUILT: 'built', // ← shard {generation, gradLen}
  GRAD: 'grad', // → shard {seq, idx, m, inputs?, params, grads}; ← shard {seq, params, grads}
  ERROR: 'error', // ← shard {message, crashed}
});

/** Longest a batch waits for a shard before it is given up (a stuck or starved worker). */
export const SHARD_TIMEOUT_MS = 20000;

/** True when buffers can be shared with workers (the page is cross-origin isolated). */
export function canShare() {
  return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}

/** The worker count the page uses unless the user sets one: one core left for the page, at most 4. */
export function defaultWorkers(cores = globalThis.navigator?.hardwareConcurrency) {
  const n = Number.isInteger(cores) && cores > 0 ? cores : 1;
  return Math.max(1, Math.min(n - 1, 4));
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
    this.bufs = []; // per shard i ≥ 1: {params, grads} Float32Arrays (index 0 unused)
    this.seq = 0;
    this.pending = new Map(); // shard index -> {resolve, reject} of the batch in flight
    this.failure = null; // the first failure: every later call rejects with it
    this.shards = [];
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
    const floats = (n) => new Float32Array(this.shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
    // Shared: one parameter buffer for every shard, written once a batch.
    const params = this.shared ? floats(gradLen - 3) : null;
    this.bufs = [null, ...this.shards.map(() => ({ params: params ?? floats(gradLen - 3), grads: floats(gradLen) }))];
    const generation = this.generation;
    this.built = Promise.all(this.shards.map((w, k) => this.request(k + 1, () => {
      w.postMessage({ type: SHARD.BUILD, generation, settings });
    })));
    this.built.catch(() => {}); // a failure is reported by the next `step`
  }

  /** One batch of `trainer` over the leader and every shard: the stats of `apply_gradient`. */
  async step(trainer) {
    if (this.failure) throw this.failure;
    await this.built;
    const idx = trainer.begin_batch();
    try {
      const m = idx.length;
      const seq = ++this.seq;
      const replies = [];
      for (let i = 1; i < this.count; i++) {
        const [start, end] = this.shardRows(m, this.count, i);
        const b = this.bufs[i];
        if (!this.shared || i === 1) trainer.params_into(b.params);
        const msg = { type: SHARD.GRAD, seq, idx: idx.subarray(start, end), m, inputs: trainer.batch_inputs(start, end), params: b.params, grads: b.grads };
        const transfer = this.shared ? [] : [b.params.buffer, b.grads.buffer];
        if (msg.inputs) transfer.push(msg.inputs.buffer); // a fresh copy each batch: moved, not cloned
        replies.push(this.request(i, () => this.shards[i - 1].postMessage(msg, transfer)));
      }
      const [start, end] = this.shardRows(m, this.count, 0);
      trainer.own_gradient(start, end);
      const answers = await Promise.all(replies);
      for (let i = 1; i < this.count; i++) {
        const { params, grads } = answers[i - 1];
        this.bufs[i] = { params, grads }; // the transferred buffers, back for the next batch
        trainer.add_gradient(grads);
      }
      return trainer.apply_gradient();
    } catch (e) {
      trainer.abort_batch(); // nothing of a half-done batch is kept
      throw e;
    }
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
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.close();
  }

  close() {
    for (const w of this.shards) w.terminate();
    this.shards = [];
  }
}

/**
 * The training worker's use of a pool: the worker count asked for, the pool when it is > 1, and
 * the fall-back to one worker when a shard fails (the batch is undone, the model kept, and
 * `note` says what happened until the count is set again).
 *
 *   const workers = new Workers(url, shardRows);
 *   workers.set(2, trainer, settings, dataKey);    // the `workers` setting (and at start)
 *   workers.adopt(trainer, settings, dataKey);      // after every new trainer
 *   const stats = await workers.step(trainer);      // one batch, on every worker
 */
export class Workers {
  constructor(url, shardRows) {
    this.url = url;
    this.shardRows = shardRows;
    this.requested = 1;
    this.pool = null;
    this.note = ''; // why the page trains on fewer workers than asked, or ''
  }

  /** Workers in use: W of the pool, or 1. */
  get active() {
    return this.pool ? this.pool.count : 1;
  }

  /** Ask for `count` workers (the leader included); replicas of `trainer` when it exists. */
  set(count, trainer, settings, dataKey) {
    if (count === this.requested && (this.pool || count === 1)) return;
    this.requested = count;
    this.note = '';
    this.pool?.close();
    this.pool = null;
    if (count < 2) return;
    try {
      this.pool = new ShardPool(this.url, count, this.shardRows);
    } catch (e) {
      this.fallBack(`This browser cannot start shard workers (${e.message})`);
      return;
    }
    if (trainer) this.pool.prepare(trainer, settings, dataKey);
  }

  adopt(trainer, settings, dataKey) {
    this.pool?.prepare(trainer, settings, dataKey);
  }

  /** One batch: on the pool, or `trainer.step(1)`; a pool failure falls back to the latter. */
  async step(trainer) {
    if (!this.pool) return trainer.step(1);
    try {
      return await this.pool.step(trainer);
    } catch (e) {
      if (!this.pool.failure) throw e; // the engine's (a diverged batch, say): the pool is fine
      this.fallBack(this.pool.failure.message);
      return trainer.step(1);
    }
  }

  fallBack(why) {
    this.pool?.close();
    this.pool = null;
    this.note = `${why.charAt(0).toUpperCase()}${why.slice(1)}: training goes on with 1 worker instead of ${this.requested}, and the model is kept.`;
  }

  /** What a frame says of the workers: {requested, active, shared, note}. */
  info() {
    return { requested: this.requested, active: this.active, shared: !!this.pool?.shared, note: this.note };
  }

  close() {
    this.pool?.close();
    this.pool = null;
  }
}
