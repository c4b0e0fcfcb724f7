// The 2-D manifold lab (manifold.html): standard, denoising and contractive autoencoders trained
// side by side on a curve in the plane, with the lecture's figures 15–19. Mounts the lab:
// page.js (the one state), controls.js, commands.js (the worker), figures.js (drawing), pad.js.

import { buildTextFields } from '../kit/text-fields.js';
import { Alerts, hashNotice } from '../kit/alerts.js';
import { StatusLine } from '../kit/status-line.js';
import { page, $ } from './page.js';
import { syncControls, wireControls, writeHash, maybeRebuild } from './controls.js';
import { startWorker } from './commands.js';
import { draw } from './figures.js';
import { wirePad } from './pad.js';
import { embedButton } from '../app/embed-dialog.js';
import { warnOnLeave } from '../kit/leave.js';

buildTextFields();
page.alerts = new Alerts($('alert'));
page.status = new StatusLine($('status'), $('status-said'));
page.alerts.set('hash', hashNotice(page.hashRefusals));
syncControls();
wireControls();
wirePad();
startWorker();
writeHash();
if (page.state.valid) maybeRebuild();
else page.status.say('Fix the highlighted settings to start.');
requestAnimationFrame(draw);
// The three models live in this tab only: leaving after training them asks first (kit/leave.js).
warnOnLeave(() => (page.frame?.generation === page.generation && page.frame.steps > 0 ? 'the 2-D lab’s three models trained here' : null));
// The Embed button (not on the embed page, which has no page head).
document.querySelector('.page-head h1')?.before(embedButton('manifold', '2-D manifold lab', () => page.state.toHash()));
