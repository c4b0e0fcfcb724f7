// The site's pretrained models (www/models/: safetensors files and index.json, written by
// `make pretrained` from fixed seeds by our CLI), and the one rule for "same settings": a
// trainer's settings object compared key by key after the engine's defaults fill the keys it
// leaves out, so {variant: 'standard', d: 30} equals the table's complete settings of the
// notebook's AE. Used by the training page (app/keep.js) and its worker.

/** The engine's defaults for every settings key (src/train.rs, `Settings::default`). */
export const ENGINE_DEFAULTS = Object.freeze({
  variant: 'standard', d: 30, hidden: [], lr: 0.001, batch: 256, seed: 0, loss: 'mse', tied: false,
  optimizer: 'adam', momentum: 0.9, corruption: 'dropout', noise_p: 0.5, sigma: 0.5, square: 12,
  lambda: 0.1, activation: 'tanh',
});

/** `settings` with every key of ENGINE_DEFAULTS, as JSON with the keys in one order. */
export function canonical(settings) {
  const full = { ...ENGINE_DEFAULTS, ...settings };
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

/** The models of index.json, each {name, title, file, dtype, bytes, sizes, settings, epochs, eval_on, eval_n, eval_mse_clean, eval_mse_noisy, …}. */
export async function loadModelTable(fetchImpl = fetch) {
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

/** The bytes of a table entry's file (Uint8Array). */
export async function fetchModel(entry, fetchImpl = fetch) {
  const res = await fetchImpl(new URL(`../models/${entry.file}`, import.meta.url));
  if (!res.ok) throw new Error(`models/${entry.file}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
