// The lecture panels below the training panels, as main.js mounts them: `{id, mount(section, model)}`
// each. The labs live in www/labs/ (see www/labs/index.js); the capacity panel moves there next.
import * as capacity from './capacity.js';
import { LABS } from '../labs/index.js';

export const PANELS = [capacity, LABS.latent, LABS.denoise];
