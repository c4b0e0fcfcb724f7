// The registry of the lecture's labs and their experiments. A lab is a folder with an `index.js`
// that exports `id` (its <section> in index.html), `title`, `EXPERIMENTS` and
// `mount(section, model) → {unmount?()}`; an experiment is a module of that folder exporting
// `mount(container, model, opts = {}) → {unmount?()}`, mountable on its own (the embed mode
// mounts exactly one). Ids are stable: 'denoise/compare', 'latent/map', 'capacity/tied', ...
import * as denoise from './denoise/index.js';
import * as latent from './latent/index.js';
import * as capacity from './capacity/index.js';

/** The labs in page order: {name: module}. */
export const LABS = { denoise, latent, capacity };

/** Every experiment id, in page order: ['denoise/corruptions', …, 'capacity/contractive']. */
export const EXPERIMENT_IDS = Object.freeze(Object.entries(LABS)
  .flatMap(([lab, m]) => Object.keys(m.EXPERIMENTS).map((e) => `${lab}/${e}`)));

/** The module of experiment `id` ('latent/map'), or null for an unknown id. */
export function experiment(id) {
  const [lab, name, ...rest] = String(id).split('/');
  if (rest.length || !Object.hasOwn(LABS, lab) || !Object.hasOwn(LABS[lab].EXPERIMENTS, name)) return null;
  return LABS[lab].EXPERIMENTS[name];
}

/**
 * Mount experiment `id` alone into `container` (the embed mode): its handle, or an Error with a
 * sentence that lists the known ids.
 */
export function mountExperiment(id, container, model, opts = {}) {
  const m = experiment(id);
  if (!m) return new Error(`There is no experiment “${id}”. Known: ${EXPERIMENT_IDS.join(', ')}.`);
  return m.mount(container, model, opts);
}
