// The messages between the page (app/commands.js) and the training worker (worker.js), named once.
//
// Page → worker (each carries `id`, a counter the page increments per command):
//   config {settings, epochs}  build a Trainer for `settings` (the façade's plain object) unless the
//                              settings equal the current ones, in which case only the epoch limit
//                              changes. A refused config keeps the old model and answers `error`.
//   play                       train until `pause`, or until `epochs` epochs are complete
//   pause                      stop after the batch in progress; answers with a frame
//   step                       pause if running, then train exactly one batch; answers with a frame
//   reset                      rebuild the Trainer with the current settings and seed (same
//                              initial weights as at load); answers `ready` and a frame
//   load-weights {bytes, source, epochs?}  a safetensors file (Uint8Array, transferred) checked and made the
//                              model by the engine (fresh optimiser, the file's settings); answers
//                              `ready` (origin.cause 'weights') and a frame, or `weights-refused`
//                              with the current model untouched (still training if it was);
//                              `epochs`, if given, the new epoch limit.
//                              `source` ({kind: 'pretrained'|'file'|'kept', …}) comes back in
//                              `ready`'s origin
//   config {…, data}           also names the data set: 'mnist' (default), 'fashion', 'user'
//   kernel-view {view, canvas?}  (no id: outside the commands' order of acks, like `query`) the
//                              kernels the page shows, {start, count, all, cols, gap, scale:
//                              'tile'|'global'}, or null; `canvas`, once per worker, the kernel
//                              panel's OffscreenCanvas (transferred), which the worker then paints.
//                              Answered by `kernels` when there is a model; every later full
//                              frame carries `kernelGrid` instead of `kernels`
//   data {files: [{name, bytes}]}  the user's IDX files (2 or 4, raw or gzip) to parse into the
//                              'user' set; answered by `data`. The current data and model stay.
//
// Worker → page:
//   loading {stage}            progress of start-up: 'wasm', 'data', 'model'
//   preview {variant, inputs, recon, labels, lo, hi, masks?, corrupted?, reconClean?}
//                              before the first `ready` only, at most once: the opening weights
//                              file (the first load-weights) reconstructing the ten display
//                              digits, drawn while MNIST still loads (worker-preview.js). The
//                              same digits and numbers the first frame will show; not a model
//                              (nothing trains or answers before `ready`)
//   ready {generation, origin, info, indices, labels, inputs, masks?, corrupted?}
//                              a new Trainer exists; origin {cause: 'config'|'reset'|'weights',
//                              source?, file?} (file: the engine's weightsInfo of the file).
//                              The display inputs, masks and corrupted inputs are fixed for a
//                              trainer, so they travel only here.
//   frame {generation, ack, running, done, epochs, stats, elapsed, rate, losses, lossStart,
//          recon, reconClean?, kernels?, kernelsMax?, kernelGrid?}
//                              at most every FRAME_MS while training, and after every command.
//                              `losses` are the per-batch losses since the previous frame, the
//                              first of them being batch number `lossStart` (0-based, counted
//                              since the trainer was built). `ack` is the id of the last command
//                              the worker handled. `kernels` (d×784, rows of W_h) and their
//                              largest |w| come at most every KERNELS_MS, and after commands;
//                              to a page that gave a kernel-view, `kernelGrid` (as `kernels`'
//                              grid) instead.
//                              `stats` are the fields of Trainer.step (`warning`: the blow-up
//                              sentence, or null; training pauses on it); `elapsed` is the time
//                              spent training (ms) and `rate` samples per second of it.
//   kernels {generation, grid}  the view of `kernel-view` painted (api/paint.rs): grid {start,
//                              count, cols, rows, width, height, max (largest |w| of W_h),
//                              maxima (each tile's), view (as asked), pixels? (RGBA bytes, when
//                              there is no canvas to paint), canvasError?}; also as a frame's
//                              `kernelGrid`, at most every KERNELS_MS while training
//   error {message, ack, fatal, crashed?}
//                              a thrown Error's message (from Rust or from loading); `fatal`
//                              when there is no usable model at all; `crashed` when the engine
//                              trapped (a panic: the hook's text) and the worker must be replaced
//   weights-refused {message, ack, source}  a load-weights whose file the engine refused
//   data {ok, message, train_len?, test_len?, split?, names?}
//                              the answer to the `data` command (a refusal's sentence when !ok)
//
// Panels (www/model.js) ask the model questions between training slices:
//   query {qid, op, args, blob?} → worker: run `trainer[op](...args)` (any Trainer method but the
//                                training and lifetime ones: step, free); `blob`: bytes answered
//                                as {bytes, blob}, a Blob of them made in the worker
//   answer {qid, generation, result?, error?}
//                              → page: the result (typed arrays transferred) or the Error message
//
// Every typed array is a fresh copy and is transferred, never cloned.

import { COMMANDS, REPORTS } from './kit/protocol.js';

/** Commands, page → worker: the kit's, and the labs' questions. */
export const TO_WORKER = Object.freeze({ ...COMMANDS, QUERY: 'query', KERNEL_VIEW: 'kernel-view', LOAD_WEIGHTS: 'load-weights', DATA: 'data' });

/** Reports, worker → page: the kit's, start-up progress and preview, and the answers to questions. */
export const TO_PAGE = Object.freeze({ ...REPORTS, LOADING: 'loading', PREVIEW: 'preview', ANSWER: 'answer', KERNELS: 'kernels', WEIGHTS_REFUSED: 'weights-refused', DATA: 'data' });

/** Longest stretch of training before the worker yields to its message queue (ms). */
export const SLICE_MS = 40;
/** Least time between two frames while training (ms): at most 10 frames a second. */
export const FRAME_MS = 100;
/** Least time between two kernel snapshots while training (ms). */
export const KERNELS_MS = 1000;

/** Side of one image, in pixels. */
export const SIDE = 28;

/**
 * The fixed display digits: the first image of each class 0–9 in the data set, in class order.
 * Fixed for a given data set, so every frame, every run and every shared link shows the same ten.
 * @param {Uint8Array} labels one label per image
 * @returns {Uint32Array} ten image indices (fewer if a class is missing)
 */
export function displayIndices(labels) {
  const first = new Array(10).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c < 10 && first[c] < 0) first[c] = i;
  }
  return Uint32Array.from(first.filter((i) => i >= 0));
}
