// The site's pretrained models (www/models/: safetensors files and index.json, written by
// `make pretrained` from fixed seeds by our CLI), and the one rule for "same settings": a
// trainer's settings object compared key by key after the engine's defaults fill the keys it
// leaves out and the keys that do not shape that model are dropped, so {variant: 'standard',
// d: 30} equals the table's complete settings of the notebook's AE, whatever λ they carry; and
// the sentences that name a pretrained model and what it was scored on. Used by the training
// page (app/keep.js), its worker, the labs and their own workers.

import { grouped } from './grouped.js';

/** The engine's defaults for every settings key (src/train.rs, `Settings::default`). */
export const ENGINE_DEFAULTS = Object.freeze({
  variant: 'standard', d: 30, hidden: [], lr: 0.001, batch: 256, seed: 0, loss: 'mse', tied: false,
  optimizer: 'adam', momentum: 0.9, corruption: 'dropout', noise_p: 0.5, sigma: 0.5, square: 12,
  lambda: 0.1, activation: 'tanh',
});

/**
 * Keys that shape a model only under some settings: λ only a contractive one, the corruption's
 * parameters only a denoising one, the momentum only SGD. Elsewhere they are left out of the
 * comparison (a standard model trained with any λ is the same model).
 */
const USED_WHEN = Object.freeze({
  lambda: (s) => s.variant === 'contractive',
  corruption: (s) => s.variant === 'denoising',
  noise_p: (s) => s.variant === 'denoising',
  sigma: (s) => s.variant === 'denoising',
  square: (s) => s.variant === 'denoising',
  momentum: (s) => s.optimizer === 'sgd',
});

/** `settings` with every key of ENGINE_DEFAULTS (null where it does not shape the model), as JSON with the keys in one order. */
export function canonical(settings) {
  const full = { ...ENGINE_DEFAULTS, ...settings };
  for (const [k, used] of Object.entries(USED_WHEN)) if (!used(full)) full[k] = null;
  return JSON.stringify(Object.keys(ENGINE_DEFAULTS).map((k) => [k, full[k]]).concat(
    Object.keys(full).filter((k) => !Object.hasOwn(ENGINE_DEFAULTS, k)).sort().map((k) => [k, full[k]]),
  ));
}

/** True when two settings objects build the same model. */
export function sameSettings(a, b) {
  return !!a && !!b && canonical(a) === canonical(b);
}

/** The table's URL, beside this module's folder (any host, any sub-path). */
export const MODELS_INDEX = new URL('../models/index.json', import.meta.url);

/** The table as this page or worker fetched it (one fetch per realm), or null. */
let table = null;

/**
 * The models of index.json, each {name, preset, title, file, dtype, bytes, sizes, settings,
 * epochs, eval_on, eval_n, eval_mse_clean, eval_mse_noisy, …}. Fetched once with the global
 * `fetch` (the page's opening model and app/keep.js share it; a failure is not kept, so a later
 * call tries again); `fetchImpl` (tests) fetches anew.
 */
export function loadModelTable(fetchImpl) {
  if (fetchImpl) return fetchTable(fetchImpl);
  table ??= fetchTable(fetch).catch((e) => {
    table = null;
    throw e;
  });
  return table;
}

async function fetchTable(fetchImpl) {
  const res = await fetchImpl(MODELS_INDEX);
  if (!res.ok) throw new Error(`models/index.json: HTTP ${res.status}`);
  const doc = await res.json();
  if (!Array.isArray(doc?.models)) throw new Error('models/index.json lists no models');
  return doc.models;
}

/** The table's model trained with exactly `settings`, or null. */
export function matchModel(models, settings) {
  return models.find((m) => sameSettings(m.settings, settings)) ?? null;
}

/**
 * The table's model a trainer built from `settings` on data set `data` opens with, or null: the
 * one trained with those settings, and only on MNIST (every file here learnt from MNIST digits).
 */
export function pretrainedFor(models, settings, data = 'mnist') {
  return data === 'mnist' ? matchModel(models, settings) : null;
}

/** The table's model of lesson preset `key` (src/presets.rs), or null. */
export function presetModel(models, key) {
  return models.find((m) => m.preset === key) ?? null;
}

/** The bytes of a table entry's file (Uint8Array). */
export async function fetchModel(entry, fetchImpl = fetch) {
  const res = await fetchImpl(new URL(`../models/${entry.file}`, import.meta.url));
  if (!res.ok) throw new Error(`models/${entry.file}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A table entry as the `source` of its weights sent to a worker (the page's sentences name it by it). */
export function pretrainedSource(entry) {
  const { name, title, epochs, eval_mse_clean, eval_on, eval_n } = entry;
  return { kind: 'pretrained', name, title, epochs, eval_mse_clean, eval_on, eval_n };
}

/**
 * What a table entry was scored on, for the page's sentences: "eval MSE 0.1183 on 1,000 held-out
 * digits" (4 decimals, as the page shows MSEs; "digits" when the file scored every image).
 */
export function scoreText(entry) {
  const mse = Number.isFinite(entry?.eval_mse_clean) ? entry.eval_mse_clean.toFixed(4) : '—';
  const n = Number.isFinite(entry?.eval_n) ? grouped(entry.eval_n) : '?';
  return `eval MSE ${mse} on ${n} ${entry?.eval_on === 'test' ? 'held-out ' : ''}digits`;
}

/** "pretrained notebook AE (d = 30), 20 epochs, eval MSE 0.1183 on 1,000 held-out digits". */
export function pretrainedText(entry) {
  return `pretrained ${entry.title}, ${entry.epochs} epochs, ${scoreText(entry)}`;
}

/**
 * How much a model has trained, for the labs' sentences: `origin` is the model's (`model.origin`: a
 * pretrained or loaded file brings its epochs), `steps` the batches trained here since. Returns
 * {trained, text}: text "after 1,234 batches", "after 20 epochs (pretrained)" or "after 20 epochs
 * (pretrained) + 1,234 batches here".
 */
export function trainingOf(origin, steps) {
  const src = origin?.cause === 'weights' ? origin.source ?? {} : null;
  const prior = src ? src.epochs ?? origin.file?.provenance?.epochs ?? 0 : 0;
  const batches = `${grouped(steps)} batch${steps === 1 ? '' : 'es'}`;
  if (!prior) return { trained: steps > 0, text: `after ${batches}` };
  const before = `after ${prior} epochs (${src.kind === 'pretrained' ? 'pretrained' : 'loaded'})`;
  return { trained: true, text: steps > 0 ? `${before} + ${batches} here` : before };
}
