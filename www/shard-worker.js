// A shard worker of data-parallel training (www/kit/parallel.js has the protocol): a replica of
// the page's model that computes the gradient of its slice of each batch with the parameters the
// leader (www/worker.js) sends. It keeps no optimiser state, only the training images (sent once
// per data set) and the replica built for the current settings. Cross-origin isolated, batches
// come on a shared line (www/kit/shard-sync.js): the worker computes them in a loop, blocked in
// Atomics.wait between them, and goes back to its messages when the line is idle or stopped;
// otherwise each batch is a `grad` message. Messages are handled one after another; a refusal or
// a trap is reported as `error`, and the leader then trains alone.

import init, { wasm } from './kit/engine.js';
import { SHARD, copyParams } from './kit/parallel.js';
import { ShardLine } from './kit/shard-sync.js';
import { messageOf, isCrash } from './kit/session.js';

let images = null; // {images: Uint8Array, rows, cols}
let replica = null;
let line = null; // the current model's ShardLine (shared memory), or null
let queue = init();

/** With the leader's `params`, the gradient of training images `idx` (of a batch of m; `inputs`
 *  their corrupted rows or undefined) into `grads`. The replica's parameters and its gradient
 *  are views of wasm memory: one copy each way. */
function gradient(params, idx, inputs, m, grads) {
  copyParams(replica, params, true);
  grads.set(replica.gradient_view(idx, inputs, m));
}

/** The gradient of rows [start, end) of a batch of m on the shared line, into its `grads`. */
function lineBatch(start, end, m, hasInputs) {
  const dim = images.rows * images.cols;
  gradient(line.params, line.idx.subarray(start, end), hasInputs ? line.inputs.subarray(start * dim, end * dim) : undefined, m, line.grads);
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
      self.postMessage({ type: SHARD.BUILT, generation: msg.generation, gradLen: replica.grad_len() });
      return;
    }
    case SHARD.WAKE:
      if (!replica || !line) throw new Error('no model yet');
      line.serve(lineBatch);
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
