// The 2-D lab's pretrained models (www/models/manifold.json and its files, written by `make
// pretrained`: scripts/pretrained-manifold.sh, our CLI's `manifold-train` from seed 0), the rule
// that picks one for a lab — its settings equal a file's key by key, after the engine's defaults
// fill the missing keys and the keys that do not shape that variant are dropped (λ only for the
// contractive AE, σ only for the denoising one), as www/kit/models.js `sameSettings` does for
// MNIST — and the sentence that says where each panel's model came from. Pure but for the two
// fetches; used by manifold/worker.js (the table and files) and manifold/figures.js (the text).

import { grouped } from '../kit/grouped.js';

/** The engine's defaults for every key (src/labs/manifold/settings.rs `ManifoldSettings::default`). */
export const ENGINE_DEFAULTS = Object.freeze({
  variant: 'standard', curve: 'circle', points: 400, noise: 0.02, sigma: 0.15, lambda: 0.05, width: 64,
  depth: 1, code: 2, lr: 0.01, batch: 100, seed: 0,
});

/** Keys that shape a model only of some variant (elsewhere left out of the comparison). */
const USED_WHEN = Object.freeze({
  lambda: (s) => s.variant === 'contractive',
  sigma: (s) => s.variant === 'denoising',
});

/** `settings` with every key of ENGINE_DEFAULTS (null where it does not shape the model), as JSON in one key order. */
export function canonical(settings) {
  const full = { ...ENGINE_DEFAULTS, ...settings };
  for (const [k, used] of Object.entries(USED_WHEN)) if (!used(full)) full[k] = null;
  return JSON.stringify(Object.keys(ENGINE_DEFAULTS).map((k) => [k, full[k]]));
}

/** True when two settings objects build the same 2-D model on the same points. */
export function sameSettings(a, b) {
  return !!a && !!b && canonical(a) === canonical(b);
}

/** The table's URL, beside this module's folder (any host, any sub-path). */
export const MANIFOLD_MODELS = new URL('../models/manifold.json', import.meta.url);

/** The models of manifold.json, each {name, preset, title, file, dtype, bytes, settings, steps, final_loss, eval_loss}. */
export async function loadTable(fetchImpl = fetch) {
  const res = await fetchImpl(MANIFOLD_MODELS);
  if (!res.ok) throw new Error(`models/manifold.json: HTTP ${res.status}`);
  const doc = await res.json();
  if (!Array.isArray(doc?.models)) throw new Error('models/manifold.json lists no models');
  return doc.models;
}

/** The table's model trained with `settings`, or null (always null for a drawn curve). */
export function pretrainedFor(models, settings) {
  if (settings?.curve === 'drawn') return null;
  return models.find((m) => sameSettings(m.settings, settings)) ?? null;
}

/** The bytes of a table entry's file (Uint8Array): the MNIST table's fetch, same folder. */
export { fetchModel } from '../kit/models.js';

const loss = (v) => (Number.isFinite(v) ? v.toPrecision(3) : '—');

/**
 * Where a panel's model came from, as the sentence under its title. `origin` (the worker's):
 * {kind: 'pretrained', title, steps, loss} | {kind: 'kept', steps, loss} | {kind: 'seed', seed,
 * why?}; `why` says why no file was loaded ("a drawn curve has no pretrained model").
 */
export function originText(origin) {
  if (!origin) return '';
  if (origin.kind === 'pretrained') return `pretrained: ${origin.title}, ${grouped(origin.steps)} steps, loss ${loss(origin.loss)}`;
  if (origin.kind === 'kept') return `kept copy: ${grouped(origin.steps)} steps, loss ${loss(origin.loss)}`;
  return `from seed ${origin.seed}${origin.why ? ` (${origin.why})` : ''}`;
}
