// The last model, kept: a copy of the current model's weights (F32 safetensors, exact) taken when
// training pauses or stops, at each epoch's end (at most every KEEP_EPOCH_MS) and every
// KEEP_EVERY_MS while it trains. The copy lives in memory on the main thread — so a worker that
// crashes or hangs (commands.js replaces it) gives its model back at once — and in IndexedDB
// (kit/store.js) where the browser allows, so that reopening the page offers to resume it.
// The worker makes the bytes between two training slices (`save_weights`), and a Blob of them for
// IndexedDB; here they are only stored, never parsed or copied: the bytes come transferred.
//
// keep.js mounts the Model panel and calls these with its `keep` object.

import { TO_WORKER } from '../protocol.js';
import { ago } from './keep-text.js';
import { KEEP_EVERY_MS, keptAgo } from '../kit/kept.js';

/** While training, the kept model is refreshed at most this often (ms); always when training stops. */
export { KEEP_EVERY_MS };
/** An epoch's end keeps the model too, but not more often than this (an epoch may take 0.3 s). */
export const KEEP_EPOCH_MS = 5_000;

/** A sentence in the keep box's message line (an alert when `bad`). */
export function tell(keep, text, bad = false) {
  const m = keep.ui.message;
  m.textContent = text;
  m.classList.toggle('bad', bad);
  m.setAttribute('role', bad ? 'alert' : 'status');
  m.hidden = !text;
  keep.ui.box.dataset.message = text;
}

/** A file to the worker; `epochs` (optional) the epoch limit that comes with it (a kept model's). */
export function send(keep, bytes, source, epochs) {
  keep.sent += 1;
  keep.app.link.send(TO_WORKER.LOAD_WEIGHTS, { bytes, source, epochs });
}

/** Keep the model when training stops, at an epoch's end, and every KEEP_EVERY_MS while it runs. */
export function onFrame(keep, msg) {
  const { app, lastKept } = keep;
  if (msg.generation !== app.run.generation || !msg.stats.steps) return;
  if (lastKept.generation === msg.generation && lastKept.steps === msg.stats.steps) return;
  const since = performance.now() - lastKept.at;
  const newEpoch = lastKept.generation !== msg.generation || msg.stats.epoch !== lastKept.epoch;
  const due = !msg.running || since > KEEP_EVERY_MS || (newEpoch && since > KEEP_EPOCH_MS);
  if (due) keepNow(keep);
}

/**
 * The current model (F32, exact) and its settings into memory and IndexedDB. One at a time: a
 * request while one is on its way runs once more after it (so a pause is never left unkept).
 */
export async function keepNow(keep) {
  const { app } = keep;
  if (keep.saving) {
    keep.again = true;
    return;
  }
  keep.saving = true;
  const generation = app.run.generation;
  const stats = app.run.frame?.stats ?? { steps: 0, epoch: 0 };
  try {
    const { bytes, blob } = await app.model.callWith({ blob: true }, 'save_weights', 'f32', keep.prior);
    if (app.model.generation !== generation || app.run.generation !== generation) return;
    const src = keep.origin?.source ?? {};
    const record = {
      bytes, hash: app.state.toHash(), limit: app.state.values.epochs, d: app.run.info.d,
      epochs: keep.prior + stats.epoch, steps: stats.steps, from: src.title ?? src.name ?? '',
    };
    keep.last = { ...record, generation, at: performance.now() };
    keep.lastKept = { generation, steps: stats.steps, epoch: stats.epoch, at: performance.now() };
    keep.ui.box.dataset.keptSteps = String(stats.steps);
    if (keep.store?.available && await keep.store.put({ ...record, bytes: blob })) {
      keep.stored = { generation, steps: stats.steps };
      keep.ui.box.dataset.stored = String(stats.steps);
    }
  } catch (e) {
    console.warn(`Kept model not updated: ${e.message}`);
  } finally {
    keep.saving = false;
    if (keep.again) {
      keep.again = false;
      const f = app.run.frame;
      if (f && f.generation === app.run.generation && f.stats.steps !== keep.lastKept.steps) keepNow(keep);
    }
  }
}

/**
 * What leaving the page now would lose (kit/leave.js), or null: the batches trained since the copy
 * in IndexedDB (all of them where the browser keeps nothing, or none was stored yet). A reopened
 * page offers that copy back, so only what came after it is at stake.
 */
export function unstoredLoss(keep) {
  const f = keep.app.run.frame;
  if (!f || f.generation !== keep.app.run.generation || !f.stats.steps) return null;
  const s = keep.stored;
  const since = s && s.generation === f.generation ? f.stats.steps - s.steps : f.stats.steps;
  return since > 0 ? `${since} batch${since === 1 ? '' : 'es'} of training not yet kept in this browser` : null;
}

/**
 * The worker is being replaced (it crashed or hung): the kept copy of the model it held, or
 * null when none was kept of that model. Call before the new worker's first `ready`.
 */
export function keptForRestart(keep) {
  const rec = keep.last;
  keep.saving = false; // a keep on its way died with the worker
  keep.again = false;
  keep.lastKept = { generation: -1, steps: -1, epoch: -1, at: 0 };
  keep.last = null;
  return rec && rec.generation === keep.app.run.generation ? rec : null;
}

/**
 * Load `rec` (from keptForRestart) into the new worker, after its config; returns the sentence
 * that says so ("the model kept 12 s ago (epoch 3, 240 batches) was loaded back …").
 */
export function restoreAfterRestart(keep, rec) {
  keep.ui.box.dataset.kept = 'restored';
  send(keep, rec.bytes.slice(), { kind: 'kept', epochs: rec.epochs, limit: rec.limit, restored: true }, rec.limit);
  const batches = `${rec.steps} batch${rec.steps === 1 ? '' : 'es'}`;
  return `the model kept ${keptAgo(performance.now() - rec.at)} (epoch ${rec.epochs}, ${batches}) was loaded back into it; Train continues from there.`;
}

/** Offer the kept model, if any; say once when this browser keeps nothing here. */
export async function offerKept(keep, store) {
  const { ui } = keep;
  keep.store = store;
  ui.box.dataset.storage = store.available ? 'available' : 'unavailable';
  if (!store.available) {
    ui.storage.textContent = `This browser does not let the page keep your model (${store.reason}): everything else works, but a reload starts afresh.`;
    ui.storage.hidden = false;
    return;
  }
  const rec = await store.get();
  keep.kept = rec;
  ui.box.dataset.kept = rec ? 'offered' : 'none';
  if (!rec) return;
  const on = rec.from ? ` on top of ${rec.from}` : '';
  const batches = `${rec.steps} batch${rec.steps === 1 ? '' : 'es'}`;
  ui.offerText.textContent = `This browser kept your last model, saved ${ago(Date.now() - rec.savedAt)}: d = ${rec.d}, ${rec.epochs} epochs, ${batches} trained here${on}.`;
  ui.offer.hidden = false;
}

export function resume(keep) {
  const { app, kept, ui } = keep;
  if (!kept) return;
  if (!app.state.valid) return tell(keep, 'Not resumed: a setting under Model is invalid; fix it first.', true);
  ui.offer.hidden = true;
  ui.box.dataset.kept = 'resumed';
  send(keep, kept.bytes.slice(), { kind: 'kept', epochs: kept.epochs, limit: kept.limit }, kept.limit);
}

export async function forget(keep) {
  const { ui } = keep;
  const ok = await keep.store.forget();
  keep.kept = null;
  ui.offer.hidden = true;
  ui.box.dataset.kept = ok ? 'forgotten' : 'offered';
  tell(keep, ok ? 'Forgotten: this browser keeps no model of this page now.' : 'The kept model could not be forgotten.', !ok);
}
