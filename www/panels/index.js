// The lecture panels below the training panels, as main.js mounts them: `{id, mount(section, model)}`
// each. The labs live in www/labs/ (see www/labs/index.js).
import { LABS } from '../labs/index.js';

export const PANELS = Object.values(LABS);
