// A lab's latest kept copy of its trained models, on the page's side: the lab's own worker sends
// a `kept` report (the models' F32 safetensors bytes and how far they trained) at pauses, at the
// end of a run and every KEEP_EVERY_MS of training; the lab holds the latest one here, per lab
// generation (a copy of another configuration is never used), and gives it to the worker that
// replaces a crashed or hung one. Also the sentence parts that say how old the copy is. Pure
// (no DOM, no worker): tested in Node. Serves labs/denoise/compare.js and labs/latent/map-lesson.js
// (and their workers, for KEEP_EVERY_MS and keepDue); the training page (app/keep-last.js) and the
// 2-D lab take their KEEP_EVERY_MS and keptAgo from here too.

import { grouped } from './grouped.js';

/** While training, a copy is sent at most this often (ms); always when training stops. */
export const KEEP_EVERY_MS = 30_000;

/**
 * True when a worker should send a copy now: training stopped (`running` false) or KEEP_EVERY_MS
 * passed since the last one (`lastAt`, ms on the worker's clock), and the models moved since the
 * last copy (`steps` ≠ `keptSteps`: a pause after a pause keeps nothing new).
 */
export function keepDue({ running, now, lastAt, steps, keptSteps }) {
  if (steps === keptSteps) return false;
  return !running || now - lastAt >= KEEP_EVERY_MS;
}

/** The latest copy of one lab's models; `put` replaces it, `forGeneration` hands it out. */
export class KeptCopy {
  constructor() {
    this.last = null; // {generation, at, ...record}
  }

  /** Keep `record` (a worker's `kept` report, bytes included) of lab generation `generation`, taken at `at` (ms). */
  put(generation, record, at) {
    this.last = { ...record, generation, at };
  }

  /** The copy for a new worker of lab generation `generation`, or null (none kept, or another configuration's). */
  forGeneration(generation) {
    return this.last && this.last.generation === generation ? this.last : null;
  }

  clear() {
    this.last = null;
  }
}

/** How long ago a copy taken `ms` ago was: "12 s ago", "3 min ago", "2 h ago", "3 days ago". */
export function keptAgo(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** "1 epoch, 40 batches" (the counts of a copy, or of what was trained). */
export function countText(epochs, batches) {
  const e = `${epochs} epoch${epochs === 1 ? '' : 's'}`;
  return `${e}, ${grouped(batches)} batch${batches === 1 ? '' : 'es'}`;
}
