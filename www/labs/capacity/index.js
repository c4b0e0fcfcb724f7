// The capacity and regularisation lab: what stops an autoencoder from learning the identity — the
// code size d, tied weights (and PCA), the loss, and the contractive penalty — as experiments on
// the page's one model. The controls (controls.js) change the model through `model.configure`;
// the experiments share one report of the engine (src/capacity.rs) per refresh (shared.js):
//   size.js  probes and the error against d;   compression.js  bytes and PSNR;
//   tied.js  tied weights and PCA;             loss.js  MSE or BCE;   contractive.js  the penalty.
import { fromHtml, useStylesheet } from '../../kit/dom.js';
import { capacityLab } from './shared.js';
import * as controls from './controls.js';
import * as size from './size.js';
import * as compression from './compression.js';
import * as tied from './tied.js';
import * as loss from './loss.js';
import * as contractive from './contractive.js';

export const id = 'panel-capacity';
export const title = 'Capacity and regularisation';
/** Experiment ids (`capacity/<key>`) and their modules, in page order. */
export const EXPERIMENTS = { size, compression, tied, loss, contractive };

const INTRO = `
<h2 id="capacity-title">Capacity and regularisation</h2>
<p class="explain">An autoencoder with enough capacity can learn the identity <span class="math">x̂ = x</span>
  and then reconstructs anything — digits and non-digits alike. The lecture names what prevents it: an
  under-complete code (<span class="math">d &lt; 784</span>), tied weights <span class="math">W<sub>x</sub> = W<sub>h</sub><sup>⊤</sup></span>,
  noise in the input (denoising), or a penalty such as the contractive <span class="math">λ‖∂h/∂x‖²<sub>F</sub></span>.
  Change one thing below; the page's model is rebuilt and trained (Epochs and Seed are in Model).</p>
`;

/**
 * Mount the lab into `section`, one experiment per step: a generator, so the page can give each
 * step its own idle task (no one long task for the whole lab). Its value: {unmount}.
 */
export function* mount(section, model) {
  useStylesheet(new URL('./capacity.css', import.meta.url));
  section.setAttribute('aria-labelledby', 'capacity-title');
  section.removeAttribute('aria-label');
  section.innerHTML = INTRO;
  const lab = capacityLab(section, model);
  const parts = [controls.mount(section, model, lab)];
  const grid = fromHtml('<div class="cap-grid"></div>');
  section.append(grid);
  for (const e of Object.values(EXPERIMENTS)) {
    yield;
    parts.push(e.mount(grid, model, { lab }));
  }
  lab.start(); // every experiment is listening
  return { unmount: () => { for (const p of parts) p.unmount?.(); section.replaceChildren(); } };
}
