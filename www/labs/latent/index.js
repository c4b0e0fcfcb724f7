// The latent-space lab: the lecture's first argument for autoencoders — the code captures the
// structure of images better than pixel space (figs 2–4) — and its first application, anomaly
// detection, on the page's one model, live while it trains. Its four experiments share one `Lab`
// (shared.js: the map's digits, A and B, the drawings added as anomalies):
//   interpolate.js  pixel vs latent interpolation;   map.js      the 2-D map of the codes;
//   draw.js         a drawing pad fed to the model;  anomaly.js  reconstruction error as a detector.
// All maths runs in the engine (src/latent.rs) through `model.call('latent_*', ...)`.
import { fromHtml, useStylesheet } from '../../kit/dom.js';
import { latentLab } from './shared.js';
import * as interpolate from './interpolate.js';
import * as map from './map.js';
import * as draw from './draw.js';
import * as anomaly from './anomaly.js';

export const id = 'panel-latent';
export const title = 'Latent space';
/** Experiment ids (`latent/<key>`) and their modules, in page order. */
export const EXPERIMENTS = { interpolate, map, draw, anomaly };

const INTRO = `
<h2 id="latent-title">Latent space</h2>
<p class="explain">The lecture’s first argument for autoencoders: the images of a class lie on a thin
  curved manifold of the 784-dimensional pixel space, and the code <span class="math">h = E(x)</span> follows it.
  Averaging two images in pixel space gives a ghostly superposition that is no digit (fig 3); averaging their
  codes and decoding, <span class="math">D((1−α)E(x<sub>A</sub>) + αE(x<sub>B</sub>))</span>, moves along the
  manifold (fig 4). Because the model only learned to reconstruct digits, a large reconstruction error
  <span class="math">‖x − D(E(x))‖²</span> flags an input that is not one — the lecture’s first application,
  anomaly detection. Everything below is computed by the model being trained above, and updates while it trains.</p>
`;

/**
 * Mount the lab into `section`, one experiment per step: a generator, so the page can give each
 * step its own idle task (no one long task for the whole lab). Its value: {unmount}.
 */
export function* mount(section, model) {
  useStylesheet(new URL('./latent.css', import.meta.url));
  section.innerHTML = INTRO;
  section.setAttribute('aria-labelledby', 'latent-title');
  section.removeAttribute('aria-label');
  const grid = fromHtml('<div class="lat-grid"></div>');
  section.append(grid);
  const lab = latentLab(section, model);
  const parts = [];
  for (const e of Object.values(EXPERIMENTS)) {
    yield;
    parts.push(e.mount(grid, model, { lab }));
  }
  lab.start(); // every experiment is listening
  return { unmount: () => { for (const p of parts) p.unmount?.(); section.replaceChildren(); } };
}
