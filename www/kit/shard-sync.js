// The shared-memory line between the leader and one shard worker, used when the page is
// cross-origin isolated (www/kit/parallel.js is the leader's side, www/shard-worker.js the
// shard's). Everything a batch needs lives in SharedArrayBuffers sent once per model — the
// parameters, the batch's indices and corrupted rows, the shard's gradient — and a batch is
// signalled through one Int32 word with Atomics, with no message per batch: the shard blocks in
// `Atomics.wait` between batches (a worker may), so a batch starts within microseconds instead
// of a postMessage round trip through two event loops (the d = 30 step is ~3 ms of work).
//
// The state word (ctrl[STATE]) and who moves it:
//
//   ASLEEP ──leader: a batch, and a `wake` message──▶ BATCH      (the shard is in its event loop)
//   READY  ──leader: a batch, Atomics.notify───────▶ BATCH      (the shard waits in `serve`)
//   BATCH  ──shard: gradient written, notify───────▶ READY      (or FAILED, and an `error` message)
//   READY  ──shard: IDLE_MS without a batch────────▶ ASLEEP     (back to its messages)
//
// The stop word (ctrl[STOP]) set by the leader sends the shard back to its event loop at once
// (before a new model's `build`, which brings a new line). Plain writes to the buffers before an
// Atomics store are seen by the thread that reads that store with Atomics (the JS memory model's
// synchronises-with), so the buffers need no atomics of their own.
//
// The exchange is pipelined in flat ranges (the trainer's `apply_ranges`, the decoder's first):
// the shard writes its gradient range by range, counting them in ctrl[GRAD]; the leader steps
// each range as it comes in and writes its new weights into `params`, counting them in ctrl[PUB]
// for the round in ctrl[ROUND] (one per step); an idle shard copies each range in as it is
// published. The batch then says (ctrl[FRESH]) whether `params` holds the whole round, or a
// full copy the shard takes whole. A shard waits on the doorbell ctrl[BELL], rung for every
// batch, range and stop, so no signal is lost between its look at the words and its wait.
//
//   const batch = ShardLine.batchBuffers(rows, dim);              // leader, per model
//   const line = ShardLine.create(params, gradLen, batch);        // per model and shard
//   shard.postMessage({ ..., line: line.buffers });               // once, with the build
//   if (line.send(start, end, m, hasInputs)) shard.postMessage({ type: 'wake' });
//   line.gradBlock(k, ms) / await line.gradSettle(k, ms);           // k gradient ranges are in
//   line.beginRound(); line.publish(k, ring);                        // weights of k ranges out
//   new ShardLine(msg.line).serve((start, end, m, hasInputs, fresh) => { ... line.gradOut(k) ... },
//     () => { /* idle: copy the ranges published so far (line.round, line.published) */ });

/** The state word's values. */
export const LINE = Object.freeze({ ASLEEP: 0, READY: 1, BATCH: 2, FAILED: 3 });

// Slots of the control Int32Array: state, stop flag, then the batch: its rows [start, end) of m,
// and whether corrupted inputs were written (1) or the shard reads clean images (0); the
// pipelined exchange's counts (gradient ranges in, weight ranges published, the round, whether
// `params` holds the whole round) and the doorbell.
const STATE = 0;
const STOP = 1;
const START = 2;
const END = 3;
const M = 4;
const INPUTS = 5;
const GRAD = 6;
const PUB = 7;
const ROUND = 8;
const FRESH = 9;
const BELL = 10;
const ROWS_US = 11; // µs from the shard taking its batch to its whole gradient computed (make bench)
const CTRL_LEN = 16;

/** Longest a shard waits, blocked, for the next batch before it goes back to its messages. */
export const IDLE_MS = 250;

// No spinning: polling the word for 1 ms before each sleep in Atomics.wait made 2 workers 2.8-3.7×
// slower in 3 of 4 runs on a busy machine (load 9-14 on 2 cores: the polls spend the workers'
// CPU share), and a quiet machine's wake-up (tens of µs) leaves little to win.

/** Resolves when ctrl[slot] is no longer `value`, is notified, or `ms` passed, without blocking;
 *  where Atomics.waitAsync is missing (Firefox before 145), after a 5 ms timer instead. */
async function waitAsync(ctrl, slot, value, ms) {
  if (typeof Atomics.waitAsync !== 'function') {
    await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
    return;
  }
  const r = Atomics.waitAsync(ctrl, slot, value, ms);
  if (r.async) await r.value;
}

export class ShardLine {
  /** `buffers`: {ctrl: Int32Array, params, grads, inputs: Float32Array, idx: Uint32Array}, all on
   *  SharedArrayBuffers (`create`, or what a shard received). */
  constructor(buffers) {
    this.buffers = buffers;
    Object.assign(this, buffers);
    this.batchAt = NaN; // shard: when it took the batch it computes (`serve`), for ROWS_US
  }

  /** Leader: a line for one shard, with its own control word and gradient `[gradLen]`; the
   *  parameters `[gradLen − 3]` and the batch's buffers (`batchBuffers`) are every shard's. */
  static create(params, gradLen, { idx, inputs }) {
    const sab = (Type, n) => new Type(new SharedArrayBuffer(Type.BYTES_PER_ELEMENT * n));
    return new ShardLine({ ctrl: sab(Int32Array, CTRL_LEN), params, grads: sab(Float32Array, gradLen), idx, inputs });
  }

  /** Leader: the batch's shared index and input buffers for `batch` rows of `dim` values. */
  static batchBuffers(batch, dim) {
    return { idx: new Uint32Array(new SharedArrayBuffer(4 * batch)), inputs: new Float32Array(new SharedArrayBuffer(4 * batch * dim)) };
  }

  /** The state word now. */
  get state() {
    return Atomics.load(this.ctrl, STATE);
  }

  /** Leader: rows [start, end) of a batch of m are ready in the buffers, and `params` holds the
   *  whole round of weights published (`fresh`) or a full copy. True when the shard is asleep in
   *  its event loop and must be sent a `wake` message; throws when a batch is still in flight or
   *  the shard failed (the caller gives the pool up). */
  send(start, end, m, hasInputs, fresh = false) {
    const c = this.ctrl;
    c[START] = start;
    c[END] = end;
    c[M] = m;
    c[INPUTS] = hasInputs ? 1 : 0;
    c[FRESH] = fresh ? 1 : 0;
    Atomics.store(c, GRAD, 0);
    for (;;) {
      const was = Atomics.compareExchange(c, STATE, LINE.READY, LINE.BATCH);
      if (was === LINE.READY) {
        this.ring();
        return false;
      }
      // Asleep: the shard left `serve` and takes messages; it comes back for the `wake`.
      if (was === LINE.ASLEEP && Atomics.compareExchange(c, STATE, LINE.ASLEEP, LINE.BATCH) === LINE.ASLEEP) return true;
      if (was !== LINE.ASLEEP) throw new Error(was === LINE.FAILED ? 'the shard worker failed' : 'a batch was sent before the last one came back');
    }
  }

  /** Rings the doorbell: a waiting shard looks at the words again. */
  ring() {
    Atomics.add(this.ctrl, BELL, 1);
    Atomics.notify(this.ctrl, BELL);
  }

  /** Leader, once a batch's gradient is in: ms the shard took to compute it (its rows of the
   *  batch, from taking the batch to its whole gradient computed). */
  get rowsMs() {
    return Atomics.load(this.ctrl, ROWS_US) / 1000;
  }

  /** Gradient ranges the shard has written in this batch. */
  get gradRanges() {
    return Atomics.load(this.ctrl, GRAD);
  }

  /** Leader: waits, blocked, at most `ms` for `k` gradient ranges (or a failure); true when in. */
  gradBlock(k, ms) {
    const seen = this.gradRanges;
    if (seen >= k) return true;
    if (this.state === LINE.FAILED) return false;
    Atomics.wait(this.ctrl, GRAD, seen, ms);
    return this.gradRanges >= k;
  }

  /** Leader: as `gradBlock` without blocking (the worker's messages keep flowing); where
   *  Atomics.waitAsync is missing (Firefox before 145), a 5 ms timer instead. */
  async gradSettle(k, ms) {
    const seen = this.gradRanges;
    if (seen >= k || this.state === LINE.FAILED) return seen >= k;
    await waitAsync(this.ctrl, GRAD, seen, ms);
    return this.gradRanges >= k;
  }

  /** Shard: `k` ranges of this batch's gradient are written; `whole`: the whole gradient is
   *  computed by now (its time is kept for make bench). */
  gradOut(k, whole = false) {
    if (whole) Atomics.store(this.ctrl, ROWS_US, Math.round(1000 * (performance.now() - this.batchAt)));
    Atomics.store(this.ctrl, GRAD, k);
    Atomics.notify(this.ctrl, GRAD);
  }

  /** Leader: a new round of weights begins (none of it published yet). */
  beginRound() {
    Atomics.store(this.ctrl, PUB, 0); // before the round moves: a shard never pairs a new round with an old count
    Atomics.add(this.ctrl, ROUND, 1);
  }

  /** Leader: `k` ranges of this round's weights are in `params`; `ring` (the default) wakes an
   *  idle shard to copy them in, otherwise it finds them at its next wake-up. */
  publish(k, ring = true) {
    Atomics.store(this.ctrl, PUB, k);
    if (ring) this.ring();
  }

  /** The round of weights under way, and its ranges published so far (read the round first). */
  get round() {
    return Atomics.load(this.ctrl, ROUND);
  }

  get published() {
    return Atomics.load(this.ctrl, PUB);
  }

  /** Leader: waits, blocked, at most `ms` for the batch; the state then (BATCH if not yet). */
  block(ms) {
    Atomics.wait(this.ctrl, STATE, LINE.BATCH, ms);
    return this.state;
  }

  /** Leader: waits without blocking (the worker's messages keep flowing) at most `ms`; where
   *  Atomics.waitAsync is missing (Firefox before 145), a 5 ms timer instead. */
  async settle(ms) {
    await waitAsync(this.ctrl, STATE, LINE.BATCH, ms);
    return this.state;
  }

  /** Leader: the shard leaves `serve` for its event loop now (a new model's `build` follows). */
  stop() {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.notify(this.ctrl, STATE);
    this.ring();
  }

  /**
   * Shard: computes every batch the leader sends, `compute(start, end, m, hasInputs, fresh)`
   * writing `grads` (and counting its ranges with `gradOut`), until IDLE_MS pass without one or
   * the leader stops the line; `idle()` between them, whenever the doorbell rings (the weights
   * published so far). A throw of `compute` marks the line FAILED (the leader wakes at once) and
   * is rethrown for the error message.
   */
  serve(compute, idle = () => {}) {
    const c = this.ctrl;
    for (;;) {
      const bell = Atomics.load(c, BELL);
      if (Atomics.load(c, STOP) === 1) return; // the leader has a new line for this shard
      const s = Atomics.load(c, STATE);
      if (s === LINE.BATCH) {
        try {
          this.batchAt = performance.now();
          compute(c[START], c[END], c[M], c[INPUTS] === 1, c[FRESH] === 1);
        } catch (e) {
          Atomics.store(c, STATE, LINE.FAILED);
          Atomics.notify(c, STATE);
          Atomics.notify(c, GRAD);
          throw e;
        }
        Atomics.store(c, STATE, LINE.READY);
        Atomics.notify(c, STATE);
        continue;
      }
      if (s !== LINE.READY) return; // ASLEEP: no batch was sent (a stray wake); FAILED: nothing more comes
      idle();
      if (Atomics.wait(c, BELL, bell, IDLE_MS) === 'timed-out' &&
        Atomics.compareExchange(c, STATE, LINE.READY, LINE.ASLEEP) === LINE.READY) {
        return; // idle: back to the messages; the next batch comes with a `wake`
      }
    }
  }
}
