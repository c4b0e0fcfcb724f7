// End-to-end test of the training page's first frame: the first reconstructions on screen are the
// pretrained model's (no model is built from the seed first), and they do not wait for the labs
// below the training panels (none is mounted, or even fetched, yet); the labs mount after, and
// every one fills its section. Before it, while MNIST still loads, the worker's `preview` draws
// the same model's reconstructions of the same ten digits (www/worker-preview.js): the same
// numbers, bit for bit. How long it takes is printed by `make bench`, never asserted here.
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

/** Runs before the page's scripts: the training worker's `preview`, `ready` and first `frame`
 *  (copies of their digit arrays), and the order in which #app said preview / ready. */
const WORKER_REPORTS = `(${() => {
  const seen = (window.__reports = { order: [] });
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      if (!/\/worker\.js$/.test(String(url))) return;
      this.addEventListener('message', ({ data: m }) => {
        const list = (a) => (a ? [...a] : null);
        if (m?.type === 'preview') {
          seen.preview ??= { variant: m.variant, inputs: [...m.inputs], recon: [...m.recon], labels: [...m.labels], lo: m.lo, hi: m.hi,
            masks: list(m.masks), corrupted: list(m.corrupted), reconClean: list(m.reconClean) };
        }
        if (m?.type === 'ready') {
          seen.ready ??= { variant: m.info.variant, inputs: [...m.inputs], labels: [...m.labels], lo: m.info.lo, hi: m.info.hi, masks: list(m.masks), corrupted: list(m.corrupted) };
        }
        if (m?.type === 'frame') seen.frame ??= { recon: [...m.recon], reconClean: list(m.reconClean) };
      });
    }
  };
  new MutationObserver(() => {
    const app = document.getElementById('app');
    if (app?.dataset.preview === 'drawn' && !seen.order.includes('preview')) seen.order.push('preview');
    if (app?.dataset.ready === 'true' && !seen.order.includes('ready')) seen.order.push('ready');
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready', 'data-preview'] });
}})()`;

/** MNIST's images held back 1.5 s: on a fast load the data can beat the weights to the worker,
 *  and then, rightly, there is no preview (the first frame is due at once). */
const SLOW_MNIST = {
  url: /mnist10k-images-idx3-ubyte\.gz$/,
  handler: async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  },
};

/** The preview equals the first frame: the same ten digits, range and variant, and (bit for bit:
 *  the same engine and weights on the same scaled pixels, scripts/display-digits.mjs) the same
 *  inputs, reconstructions and, for the denoising AE, the same masks, x̃ and clean outputs. */
function assertPreviewIsFirstFrame(r) {
  assert.ok(r.preview, 'the worker sent a preview');
  assert.deepEqual(r.order, ['preview', 'ready'], 'the preview was drawn, then the model');
  assert.equal(r.preview.labels.length, 10);
  assert.deepEqual(r.preview.labels, r.ready.labels, 'the same ten digits, in the same order');
  assert.deepEqual([r.preview.variant, r.preview.lo, r.preview.hi], [r.ready.variant, r.ready.lo, r.ready.hi]);
  assert.deepEqual(r.preview.inputs, r.ready.inputs, 'the preview’s inputs are the first frame’s');
  assert.deepEqual(r.preview.masks, r.ready.masks, 'the same masks (null for a standard AE)');
  assert.deepEqual(r.preview.corrupted, r.ready.corrupted, 'the same corrupted inputs (null for a standard AE)');
  assert.deepEqual(r.preview.recon, r.frame.recon, 'the preview’s reconstructions are the first frame’s');
  assert.deepEqual(r.preview.reconClean, r.frame.reconClean, 'the same clean outputs (null for a standard AE)');
  assert.ok(r.preview.recon.some((v) => v !== r.preview.lo), 'the reconstructions are not blank');
}

for (const [name, hash, variant] of [['the notebook’s AE (the default page)', '', 'standard'], ['the denoising AE', '#preset=denoising', 'denoising']]) {
  test(`first frame: a preview of ${name} is drawn before MNIST is in, with the first frame’s very numbers`, async () => {
    const opened = await openPage(hash, APP_READY, { init: WORKER_REPORTS, route: SLOW_MNIST });
    const { page } = opened;
    try {
      await page.waitForFunction(() => window.__reports.frame, null, { timeout: TIMEOUT });
      const r = await page.evaluate(() => window.__reports);
      assert.equal(r.ready.variant, variant);
      assertPreviewIsFirstFrame(r);
      if (variant === 'denoising') {
        assert.ok(r.preview.masks.some((v) => v === 0) && r.preview.masks.some((v) => v === 2), 'dropout masks: 0 or 1/(1−p)');
      }
      assert.equal(await page.evaluate(() => document.getElementById('keep').dataset.source), 'pretrained', 'the model is the pretrained one');
      assertClean(opened);
    } finally {
      await opened.context.close();
    }
  });
}
