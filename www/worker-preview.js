// The opening model's first reconstructions, before MNIST has arrived. A cold load's first frame
// waited for the 10,000 digits (fetched and inflated ~90 ms after the engine compiled), though it
// draws only ten of them and the model needs none to reconstruct. So the worker fetches those ten
// (7.9 KB, with their held-out rows: scripts/display-digits.mjs; kit/data.js MNIST_DISPLAY) and,
// as soon as the engine and the page's pretrained weights are in, sends `preview`: the same
// engine and weights on the same digits as the first frame that follows
// (tests/e2e/first-frame.test.mjs).

import { wasm } from './kit/engine.js';
import { TO_PAGE } from './protocol.js';
import { post } from './kit/session.js';
import { corruptionRows, outputRows } from './worker-frames.js';

/**
 * Post `preview` {variant, inputs, recon, labels, lo, hi, and for a denoising model masks,
 * corrupted, reconClean} for a load-weights message `msg`, once `session.engine` (init()'s
 * promise) and `session.display` (the digits' {images, labels, rows}, or null when they could not
 * be fetched) are in.
 * Only for the site's pretrained model (an MNIST model by kit/models.js's table), and only while
 * `session` has no model yet (after `ready` the first frame is drawn anyway). A denoising model's
 * display masks are seeded by each digit's row in the held-out set (`rows`), as the first frame's
 * are. A preview that cannot be made is skipped without a word: the load-weights command carrying
 * the same bytes says what is wrong with them.
 */
export async function sendPreview(session, msg) {
  if (msg.source?.kind !== 'pretrained') return;
  let digits;
  try {
    [, digits] = await Promise.all([session.engine, session.display]);
  } catch {
    return; // the engine's failure is the load's, reported once by WorkerSession.listen
  }
  if (!digits || session.trainer) return;
  let t = null;
  try {
    const { variant } = wasm.weightsInfo(msg.bytes).settings;
    t = wasm.Trainer.fromWeights(msg.bytes, digits.images, digits.labels);
    const idx = Uint32Array.from({ length: t.len }, (_, i) => i);
    const denoising = variant === 'denoising';
    // The rows of `ready` and the first frame (worker-frames.js), the masks seeded by held-out row.
    const out = {
      type: TO_PAGE.PREVIEW, variant, inputs: t.inputs(idx), labels: t.labels(idx), lo: t.lo, hi: t.hi,
      ...corruptionRows(t, idx, denoising, digits.rows),
      ...outputRows(t, idx, denoising, digits.rows),
    };
    post(out, [out.inputs.buffer, out.recon.buffer, out.labels.buffer, out.masks?.buffer, out.corrupted?.buffer, out.reconClean?.buffer]);
  } catch {
    // no preview: the first frame comes with `ready`
  } finally {
    t?.free();
  }
}
