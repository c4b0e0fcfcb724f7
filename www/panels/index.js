// The lecture panels below the training panels. Each module exports `mount(section, model)`:
// it fills its (empty) <section> in index.html and talks to the model through `model`
// (www/model.js). Panels add themselves here.
import * as capacity from './capacity.js';
import * as latent from './latent.js';
import * as denoise from './denoise.js';

export const PANELS = [capacity, latent, denoise];
