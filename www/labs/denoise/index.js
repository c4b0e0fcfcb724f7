// The denoising lab (lecture figs 10–11 and 21–27, the notebook's last cells): its heading, then
// its four experiments, each a module that mounts on its own:
//   corruptions.js  the four corruptions on the main model;
//   compare.js      the notebook's standard vs denoising AE, in their own worker;
//   faceoff.js      inpainting: autoencoder vs OpenCV's Telea and Navier–Stokes;
//   energy.js       inpainting by energy minimisation on a digit the user paints over.
// The face-off and the energy experiments may also ask the comparison's two models.
import { el, useStylesheet } from '../../kit/dom.js';
import * as corruptions from './corruptions.js';
import * as compare from './compare.js';
import * as faceoff from './faceoff.js';
import * as energy from './energy.js';

export const id = 'panel-denoise';
export const title = 'Denoising, kernels and inpainting';
/** Experiment ids (`denoise/<key>`) and their modules, in page order. */
export const EXPERIMENTS = { corruptions, compare, faceoff, energy };

/**
 * Mount the lab into `section`, one experiment per step: a generator, so the page can give each
 * step its own idle task (no one long task for the whole lab). Its value: {unmount}.
 */
export function* mount(section, model) {
  useStylesheet(new URL('./denoise.css', import.meta.url));
  section.append(
    el('h2', { id: 'denoise-title' }, title),
    el('p', { class: 'explain' },
      'A denoising autoencoder is trained to undo a corruption: it sees x̃ = corrupt(x) and is scored against the clean x, ',
      el('span', { class: 'math' }, 'ℓ = ‖x − D(E(x̃))‖²'),
      '. The lecture’s picture: corruption pushes a digit off the manifold of digits, and the network learns the way back, so it can also fill in what is missing.'),
  );
  section.setAttribute('aria-labelledby', 'denoise-title');
  const parts = [corruptions.mount(section, model)];
  yield;
  const cmp = compare.mount(section, model);
  parts.push(cmp);
  yield;
  parts.push(faceoff.mount(section, model, { compare: cmp.models }));
  yield;
  parts.push(energy.mount(section, model, { compare: cmp.models }));
  return { unmount: () => { for (const p of parts) p.unmount?.(); section.replaceChildren(); } };
}
