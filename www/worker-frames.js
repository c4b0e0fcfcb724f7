// The training worker's reports to the page (www/worker.js): `ready` when a model is new, `frame`
// while it trains and `kernels` when the page shows other kernels, all built from the worker's
// Session (its trainer, settings, display digits and bookkeeping) with every typed array a fresh
// copy, transferred.

import { TO_PAGE } from './protocol.js';
import { post } from './kit/session.js';

/** `ready`: the model's shape, where it came from, and the display digits' inputs. */
export function sendReady(session) {
  const t = session.trainer;
  const idx = session.indices;
  const denoising = session.settings.variant === 'denoising';
  const msg = {
    type: TO_PAGE.READY,
    generation: session.generation,
    ack: session.ack,
    origin: session.origin,
    info: {
      len: t.len, test_len: t.test_len, data: session.data, d: t.d, dim: t.dim, lo: t.lo, hi: t.hi, variant: session.settings.variant,
      batch: session.settings.batch, batches_per_epoch: session.stats.batches_per_epoch,
    },
    indices: idx.slice(),
    labels: t.labels(idx),
    inputs: t.inputs(idx),
    ...corruptionRows(t, idx, denoising),
  };
  post(msg, [msg.indices.buffer, msg.labels.buffer, msg.inputs.buffer, msg.masks?.buffer, msg.corrupted?.buffer]);
}

/**
 * The rows a denoising AE shows beside the display digits x of trainer `t` (`idx`): its masks
 * and x̃ ({} for another model). `rows`: each digit's held-out row, which seeds its mask, where
 * `t` holds only the display digits (worker-preview.js); else each seeds as its own index.
 */
export function corruptionRows(t, idx, denoising, rows) {
  return denoising ? { masks: t.masks(idx, rows), corrupted: t.corrupted(idx, rows) } : {};
}

/**
 * The output rows of trainer `t` for the display digits `idx` (`rows` as for corruptionRows):
 * `recon` for the input the model is fed, as the notebook shows it (x̃ for the denoising AE), and
 * for the denoising AE `reconClean`, the output from the clean x.
 */
export function outputRows(t, idx, denoising, rows) {
  return denoising ? { recon: t.reconstruct_corrupted(idx, rows), reconClean: t.reconstruct(idx) } : { recon: t.reconstruct(idx) };
}

/** `frame`: the current state, the losses since the last frame; `full` adds the kernels (a
 *  d×784 copy). Resets the session's loss list and frame clocks. */
export function sendFrame(session, full) {
  const t = session.trainer;
  const idx = session.indices;
  const denoising = session.settings.variant === 'denoising';
  const s = session.stats;
  const stats = { loss: s.loss, recon: s.recon, penalty: s.penalty, epoch: s.epoch, batch: s.batch, batches_per_epoch: s.batches_per_epoch, samples_seen: s.samples_seen, steps: s.steps, warning: s.warning ?? null };
  const losses = Float32Array.from(session.losses);
  const msg = {
    type: TO_PAGE.FRAME,
    generation: session.generation,
    ack: session.ack,
    running: session.running,
    done: session.done(),
    epochs: session.epochs,
    stats,
    elapsed: session.elapsed,
    rate: session.elapsed > 0 ? (stats.samples_seen / session.elapsed) * 1000 : 0,
    losses,
    lossStart: session.lossStart,
    workers: session.workers.info(),
    ...outputRows(t, idx, denoising),
  };
  if (full) {
    if (session.kernelView) {
      msg.kernelGrid = paintGrid(session);
    } else {
      // A page that asked for no grid (kernel-view) gets W_h itself.
      msg.kernels = t.kernels();
      msg.kernelsMax = maxAbs(msg.kernels); // here, not on the page's thread: d×784 can be 1.6 M values
    }
    session.lastKernels = performance.now();
  }
  session.lossStart += session.losses.length;
  session.losses = [];
  session.lastFrame = performance.now();
  post(msg, [losses.buffer, msg.recon.buffer, msg.reconClean?.buffer, msg.kernels?.buffer, msg.kernelGrid?.pixels?.buffer, msg.kernelGrid?.maxima.buffer]);
}

/**
 * `kernel-view {view, canvas?}`: the kernels the page shows ({start, count, all, cols, gap,
 * scale}) and, once per worker, the OffscreenCanvas it transferred. Kept for every later full
 * frame, and painted at once (a `kernels` report) when there is a model.
 */
export function setKernelView(session, msg) {
  session.kernelView = msg.view;
  if (msg.canvas) session.kernelCanvas = msg.canvas;
  if (!session.trainer || !msg.view) return;
  const grid = paintGrid(session); // a throw: an `error` with the model kept, or a crash (kit/session.js)
  post({ type: TO_PAGE.KERNELS, generation: session.generation, grid }, [grid.pixels?.buffer, grid.maxima.buffer]);
}

/**
 * The page's kernel view painted by the engine (api/paint.rs): into the page's canvas when it
 * gave one, else as RGBA bytes (`pixels`) the page puts. `view` echoes what the page asked.
 * A canvas the engine cannot draw on is dropped for the bytes, and `canvasError` says why.
 */
function paintGrid(session) {
  const t = session.trainer;
  const v = session.kernelView;
  const args = [v.start, v.all ? t.d : v.count, v.cols, v.gap, v.scale === 'global'];
  let canvasError;
  if (session.kernelCanvas) {
    try {
      return { ...t.paint_kernels(session.kernelCanvas, ...args), view: v };
    } catch (e) {
      canvasError = e.message;
      session.kernelCanvas = null;
    }
  }
  return { ...t.kernel_pixels(...args), view: v, canvasError };
}

/** Largest |w| of an array. */
function maxAbs(a) {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}
