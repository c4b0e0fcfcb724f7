// The start of every capacity experiment's `mount` (see lab.js's openExperiment): mounted alone,
// an experiment brings its own lab and the controls above it.
import { openExperiment } from '../lab.js';
import { capacityLab } from './shared.js';
import * as controls from './controls.js';

export function capacityExperiment(container, model, opts, html) {
  return openExperiment(container, model, opts, {
    css: new URL('./capacity.css', import.meta.url),
    html,
    makeLab: capacityLab,
    alone: (lab) => controls.mount(container, model, lab),
  });
}
