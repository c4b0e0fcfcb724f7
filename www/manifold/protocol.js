// The messages between the lab page (manifold/main.js) and its worker (manifold/worker.js).
//
// Page → worker (each carries `id`, a counter the page increments per command):
//   config {labs: [{variant, settings, weights?}], drawn}
//                       build one ManifoldLab per entry (settings: the façade's plain object;
//                       drawn: Float32Array [k, 2] or null), each starting from `weights` (a
//                       kept copy's bytes, after a worker restart), else from the pretrained
//                       model of its settings (www/models/manifold.json), else from the seed.
//                       A refused config keeps the old labs and answers `error`. Answers
//                       `ready` and a frame.
//   play                train every lab until `pause` or the lesson's step count (presets().manifold)
//   pause               stop after the slice in progress; answers with a frame
//   step                pause if running, then one mini-batch for every lab; answers with a frame
//   reset               rebuild the labs from the current config from the seed (never pretrained)
//
// Worker → page:
//   ready {generation, data, corrupted, jacPoints, code, origins}
//                       new labs exist; the training points, the fixed corrupted points (fig 16)
//                       and the points where the Jacobian is drawn (every k-th training point, at
//                       most JAC_POINTS) are the same for every variant, so they travel only here;
//                       `origins` [{variant, kind: 'pretrained'|'kept'|'seed', steps?, loss?,
//                       title?, seed?, why?}] where each model came from (pretrained.js originText)
//   frame {generation, ack, running, done, steps, total, epoch, labs: [{variant, total, loss,
//          recon, penalty, lossSteps, losses, out, outCorrupted, heat, arrows, sweep, jac}]}
//                       at most every FRAME_MS while training and after every command.
//                       `lossSteps`/`losses`: the (step, mean loss) points since the previous
//                       frame; `out` g(f(x)) of the data; `outCorrupted` g(f(x̃)) of the
//                       corrupted points; `heat` g(f(x̃)) over the HEAT × HEAT grid; `arrows` the
//                       same over the ARROWS × ARROWS grid; `sweep` polylines of SWEEP points;
//                       `jac` the exact Jacobian ∂h/∂x at jacPoints, [k, code, 2].
//                       `steps`: trained since this generation began (the stop counts these);
//                       `total`: the model's steps, a loaded file's included (the loss axis too).
//   kept {generation, ack, steps, labs: [{variant, bytes, steps}]}
//                       every lab's model as F32 safetensors (exact), after pause and step, when
//                       training stops and every KEEP_EVERY_MS while it runs: the page keeps the
//                       last one and gives it to a replacement worker (commands.js)
//   error {message, ack, fatal}
//
// Every typed array is a fresh copy and is transferred, never cloned.

import { COMMANDS, REPORTS } from '../kit/protocol.js';

/** The kit's commands and reports, and the lab's kept copy. */
export const TO_WORKER = COMMANDS;
export const TO_PAGE = Object.freeze({ ...REPORTS, KEPT: 'kept' });

/** While training, a copy of the models goes to the page at least this often (ms): every lab's. */
export { KEEP_EVERY_MS } from '../kit/kept.js';

/** Longest stretch of training before the worker yields to its message queue (ms). */
export const SLICE_MS = 30;
/** Least time between two frames while training (ms). */
export const FRAME_MS = 80;
/** Mini-batches per `step(k)` call while training: one loss point each. */
export const CHUNK = 10;
/** Side of the heat-map grid and of the arrow grid (cells over the view box). */
export const HEAT = 64;
export const ARROWS = 15;
/** Points per polyline of the learned manifold. */
export const SWEEP = 160;
/** Most points at which the Jacobian ∂h/∂x is drawn (figs 18–19). */
export const JAC_POINTS = 90;
