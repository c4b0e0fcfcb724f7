// The opening model's first reconstructions, before MNIST has arrived. A cold load's first frame
// waited for the 10,000 digits (fetched and inflated ~90 ms after the engine compiled), though it
// draws only ten of them and the model needs none to reconstruct. So the worker fetches those ten
// as a 7.9 KB file (scripts/display-digits.mjs; kit/data.js MNIST_DISPLAY) and, as soon as the
// engine and the page's pretrained weights are in, sends `preview`: the same engine and weights
// on the same digits as the first frame that follows (tests/e2e/first-frame.test.mjs).

import { wasm } from './kit/engine.js';
import { TO_PAGE } from './protocol.js';
import { post } from './kit/session.js';

/**
 * Post `preview` {inputs, recon, labels, lo, hi} for a load-weights message `msg`, once `engine`
 * (init()'s promise) and `display` (the digits' {images, labels}, or null when they could not be
 * fetched) are in. Only for the site's pretrained model (an MNIST model by kit/models.js's table),
 * only while `session` has no model yet (after `ready` the first frame is drawn anyway), and not
 * for a denoising model: its display corruption is seeded by each digit's row in the held-out set,
 * which a ten-digit file does not have. A preview that cannot be made is skipped without a word:
 * the load-weights command carrying the same bytes says what is wrong with them.
 */
export async function sendPreview(session, msg, engine, display) {
  if (msg.source?.kind !== 'pretrained') return;
  let digits;
  try {
    [, digits] = await Promise.all([engine, display]);
  } catch {
    return; // the engine's failure is the load's, reported once by WorkerSession.listen
  }
  if (!digits || session.trainer) return;
  let t = null;
  try {
    if (wasm.weightsInfo(msg.bytes).settings.variant === 'denoising') return;
    t = wasm.Trainer.fromWeights(msg.bytes, digits.images, digits.labels);
    const idx = Uint32Array.from({ length: t.len }, (_, i) => i);
    const out = { type: TO_PAGE.PREVIEW, inputs: t.inputs(idx), recon: t.reconstruct(idx), labels: t.labels(idx), lo: t.lo, hi: t.hi };
    post(out, [out.inputs.buffer, out.recon.buffer, out.labels.buffer]);
  } catch {
    // no preview: the first frame comes with `ready`
  } finally {
    t?.free();
  }
}
