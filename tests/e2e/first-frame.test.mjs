// End-to-end test of the training page's first frame: the first reconstructions on screen are the
// pretrained model's (no model is built from the seed first), and they do not wait for the labs
// below the training panels (none is mounted, or even fetched, yet); the labs mount after, and
// every one fills its section. How long it takes is printed by `make bench`, never asserted here.
// Needs `make dist`.
// Run: node --test tests/e2e/first-frame.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMEOUT, APP_READY, useBrowser, openPage, assertClean } from './harness.mjs';

useBrowser(['index.html', 'pkg', 'models/index.json']);

const LAB_SECTIONS = ['panel-denoise', 'panel-latent', 'panel-capacity'];

/** Runs before the page's scripts: what the page held when #app first said data-ready="true". */
const AT_FIRST_FRAME = `(${(labs) => {
  new MutationObserver((_, obs) => {
    const app = document.querySelector('#app[data-ready="true"]');
    if (!app) return;
    obs.disconnect();
    const recon = document.getElementById('row-recon');
    window.__atFirstFrame = {
      labChildren: labs.map((id) => document.getElementById(id).childElementCount),
      // Lab modules fetched by then (none: their fetch and compile would take CPU from the worker).
      labModules: performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /\/labs\/|embed-dialog\.js/.test(u)),
      source: document.getElementById('keep').dataset.source,
      generation: app.dataset.generation,
      steps: app.dataset.steps,
      reconInk: recon.width > 0 && recon.getContext('2d').getImageData(0, 0, recon.width, recon.height).data.some((v, i) => i % 4 !== 3 && v > 0),
    };
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
}})(${JSON.stringify(LAB_SECTIONS)})`;

test('first frame: the pretrained model’s reconstructions, drawn before any lab is mounted; the labs follow', async () => {
  const opened = await openPage('', APP_READY, { init: AT_FIRST_FRAME });
  const { page } = opened;
  try {
    const first = await page.evaluate(() => window.__atFirstFrame);
    assert.ok(first, 'the first frame was recorded');
    assert.equal(first.reconInk, true, 'the reconstructions row is drawn in that frame');
    assert.equal(first.source, 'pretrained', 'the first model on screen is the pretrained one');
    assert.equal(first.generation, '1', 'no model from the seed was built before it');
    assert.equal(first.steps, '0');
    assert.deepEqual(first.labChildren, [0, 0, 0], 'no lab mounted before the first frame');
    assert.deepEqual(first.labModules, [], 'no lab module fetched before the first frame');

    await page.waitForSelector('#app[data-labs="mounted"]', { timeout: TIMEOUT });
    for (const id of LAB_SECTIONS) {
      assert.ok(await page.locator(`#${id} .experiment, #${id} .dn-part`).count() > 0, `${id} mounted its experiments`);
    }
    // The labs got the model that was already there: the capacity lab reports on it.
    await page.waitForFunction(() => document.getElementById('panel-capacity').dataset.generation === document.getElementById('app').dataset.generation,
      null, { timeout: TIMEOUT });
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});
