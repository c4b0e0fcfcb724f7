// A shard worker of data-parallel training (www/kit/parallel.js has the protocol): a replica of
// the page's model that computes the gradient of its slice of each batch with the parameters the
// leader (www/worker.js) sends. It keeps no optimiser state, only the training images (sent once
// per data set) and the replica built for the current settings. Cross-origin isolated, batches
// come on a shared line (www/kit/shard-sync.js): the worker computes them in a loop, blocked in
// Atomics.wait between them (writing each gradient range by range, and copying in the weights
// the leader publishes range by range while it steps: kit/shard-exchange.js), and goes back to
// its messages when the line is idle or stopped; otherwise each batch is a `grad` message.
// Messages are handled one after another; a refusal or a trap is reported as `error`, and the
// leader then trains alone.

import init, { wasm } from './kit/engine.js';
import { SHARD, RANGE_FLOATS, copyParams } from './kit/parallel.js';
import { ShardLine } from './kit/shard-sync.js';
import { messageOf, isCrash } from './kit/session.js';

let images = null; // {images: Uint8Array, rows, cols}
let replica = null;
let line = null; // the current model's ShardLine (shared memory), or null
let queue = init();
// The pipelined exchange (kit/shard-sync.js): the flat ranges as [start, end) pairs in the
// leader's order (its `apply_ranges`: the decoder's, the encoder's, the loss parts last), how
// many of them are the decoder's (written after the gradient's first part), each parameter's
// flat offset, and the round of weights being copied in.
let ranges = null;
let heads = 0;
let offsets = null;
let round = -1;
let copied = 0; // ranges of `round` copied into the replica

/** The parameter that flat scalar `a` belongs to (a range lies within one parameter). */
function paramOf(a) {
  let j = 0;
  while (a >= offsets[j + 1]) j += 1;
  return j;
}

/** Copies weight ranges [from, to) of the line's `params` into the replica: one `set` each
 *  into its parameter's view. */
function copyRanges(from, to) {
  if (from >= to) return;
  const views = replica.param_views();
  for (let k = from; k < to; k++) {
    const [a, b] = [ranges[2 * k], ranges[2 * k + 1]];
    const j = paramOf(a);
    views[j].set(line.params.subarray(a, b), a - offsets[j]);
  }
}

/** Between batches: the weight ranges the leader has published since the last look. */
function takePublished() {
  const r = line.round; // the round first: its count is never an older round's (shard-sync.js)
  const upTo = Math.min(line.published, ranges.length / 2 - 1);
  if (r !== round) [round, copied] = [r, 0];
  if (upTo > copied) {
    copyRanges(copied, upTo);
    copied = upTo;
  }
}

/** With the leader's `params`, the gradient of training images `idx` (of a batch of m; `inputs`
 *  their corrupted rows or undefined) into `grads`. The replica's parameters and its gradient
 *  are views of wasm memory: one copy each way. */
function gradient(params, idx, inputs, m, grads) {
  copyParams(replica, params, true);
  grads.set(replica.gradient_view(idx, inputs, m));
}

/** The gradient of rows [start, end) of a batch of m on the shared line into its `grads`, range
 *  by range, each counted as soon as it is written (the leader steps it meanwhile): the
 *  decoder's ranges once the gradient's first part is computed, the rest after the second.
 *  Each range is copied straight from its parameter's gradient in wasm memory (`grad_views`),
 *  unscaled: the leader scales it as it reads it (`exchange_rows`), which spares the shard a
 *  pass over the gradient. `fresh`: `params` holds the whole round of weights, of which the
 *  ranges not yet copied are taken; otherwise all of them. */
function lineBatch(start, end, m, hasInputs, fresh) {
  const dim = images.rows * images.cols;
  const count = ranges.length / 2;
  if (fresh && line.round === round) copyRanges(copied, count - 1); // the last range is the loss parts
  else copyParams(replica, line.params, true);
  [round, copied] = [-1, 0];
  const inputs = hasInputs ? line.inputs.subarray(start * dim, end * dim) : undefined;
  replica.gradient_head(line.idx.subarray(start, end), inputs, m);
  let views = replica.grad_views(); // views of wasm memory: taken again after every call into it
  let parts = null; // the slice's loss parts, once the second part is computed
  for (let k = 0; k < count - 1; k++) {
    if (k === heads) [parts, views] = [replica.gradient_tail(), replica.grad_views()]; // the encoder's
    const [a, b] = [ranges[2 * k], ranges[2 * k + 1]];
    const j = paramOf(a);
    line.grads.set(views[j].subarray(a - offsets[j], b - offsets[j]), a);
    line.gradOut(k + 1, k === heads);
  }
  line.grads.set(parts, ranges[2 * count - 2]); // the loss parts' range, last
  line.gradOut(count);
}

function handle(msg) {
  switch (msg.type) {
    case SHARD.DATA:
      images = msg;
      return;
    case SHARD.BUILD: {
      if (!images) throw new Error('no training images yet');
      replica?.free();
      replica = null;
      line = null;
      replica = wasm.Trainer.replica(msg.settings, images.images, images.rows, images.cols);
      line = msg.line ? new ShardLine(msg.line) : null;
      ranges = replica.apply_ranges(RANGE_FLOATS);
      const [decoder, params] = [replica.decoder_at(), replica.grad_len() - 3];
      heads = 0;
      while (ranges[2 * heads] >= decoder && ranges[2 * heads] < params) heads += 1;
      if (heads >= ranges.length / 2 - 1) throw new Error('this model has no encoder parameters to send after the decoder\'s');
      offsets = [0];
      for (const v of replica.param_views()) offsets.push(offsets[offsets.length - 1] + v.length);
      [round, copied] = [-1, 0];
      self.postMessage({ type: SHARD.BUILT, generation: msg.generation, gradLen: replica.grad_len() });
      return;
    }
    case SHARD.WAKE:
      if (!replica || !line) throw new Error('no model yet');
      line.serve(lineBatch, takePublished);
      return;
    case SHARD.GRAD: {
      if (!replica) throw new Error('no model yet');
      gradient(msg.params, msg.idx, msg.inputs, msg.m, msg.grads);
      self.postMessage({ type: SHARD.GRAD, seq: msg.seq, params: msg.params, grads: msg.grads }, [msg.params.buffer, msg.grads.buffer]);
      return;
    }
    default:
      throw new Error(`unknown shard message ${msg.type}`);
  }
}

self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data)).catch((e) => {
    self.postMessage({ type: SHARD.ERROR, message: messageOf(e), crashed: isCrash(e) });
  });
};
