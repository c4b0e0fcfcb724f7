// The labs' questions to the training worker (www/worker.js): `query` runs one Trainer method
// between training slices and answers with `answer`, never an `error` (a refused question must
// not stop training). `session` is the worker's Session: its trainer, data sets and generation.

import { wasm } from './kit/engine.js';
import { TO_PAGE } from './protocol.js';
import { messageOf, post } from './kit/session.js';
import { loadFashion } from './kit/data.js';

/** Trainer methods a query may not call: training goes through play/step, lifetime through
 *  reset, and the data-parallel batch (kit/parallel.js) through the leader's own loop; the
 *  views of wasm memory would post a clone of all of it. */
export const QUERY_DENIED = new Set(['step', 'free', 'constructor', 'param_views', 'begin_batch', 'own_gradient', 'add_exchange',
  'apply_gradient', 'apply_with_exchange', 'abort_batch', 'prepare_next', 'gradient_view', 'exchange_view', 'batch_inputs',
  'add_exchange_range', 'apply_begin', 'apply_range', 'apply_end', 'gradient_head', 'gradient_tail',
  'grad_views', 'exchange_rows']);

/** A panel's question: `trainer[op](...args)`, answered with `answer`. With `blob`, bytes come as
 *  {bytes, blob}: the bytes transferred and a Blob of them made here, which the page stores in
 *  IndexedDB as it is (app/keep-last.js). A Blob made on the page copies the bytes on its thread:
 *  at d = 2048 (12.9 MB) tasks of 20–66 ms at every epoch's keep (docs/ARCHITECTURE.md). */
export function answerQuery(session, { qid, op, args = [], blob = false }) {
  const generation = session.generation;
  try {
    if (!session.trainer) throw new Error('The model is not ready yet.');
    if (QUERY_DENIED.has(op) || typeof session.trainer[op] !== 'function') throw new Error(`unknown model query ${op}`);
    const out = session.trainer[op](...args);
    const result = blob && out instanceof Uint8Array ? { bytes: out, blob: new Blob([out]) } : out;
    post({ type: TO_PAGE.ANSWER, qid, generation, result }, ArrayBuffer.isView(out) ? [out.buffer] : []);
  } catch (e) {
    if (session.crashed(e)) return;
    post({ type: TO_PAGE.ANSWER, qid, generation, error: messageOf(e) });
  }
}

/**
 * The anomaly lab's out-of-distribution test: `latent_versus(count)` scores the model's
 * held-out images against the other built-in set's (Fashion-MNIST, or MNIST for a Fashion
 * model), fetched on first use. Answered like any query, with `other` naming that set.
 */
export async function answerVersus(session, { qid, args = [] }) {
  try {
    const other = session.data === 'fashion' ? 'mnist' : 'fashion';
    if (!session.sets[other]) {
      const { images, labels } = await loadFashion();
      session.sets.fashion ??= wasm.DataSets.builtin(images, labels);
    }
    if (!session.trainer) throw new Error('The model is not ready yet.');
    const r = session.trainer.latent_versus(session.sets[other], ...args);
    r.set = other;
    post({ type: TO_PAGE.ANSWER, qid, generation: session.generation, result: r }, [r.own.buffer, r.other.buffer, r.examples.buffer]);
  } catch (e) {
    post({ type: TO_PAGE.ANSWER, qid, generation: session.generation, error: messageOf(e) });
  }
}
