// End-to-end tests of the 2-D manifold lab (dist/manifold.html; build with `make dist`), in
// Debian's Chromium through playwright-core, served on 127.0.0.1. Run:
//   node --test tests/e2e/manifold.test.mjs
//
// The page sets data-* attributes on <main id="lab"> (ready, running, steps, generation, frames,
// curve, bounds = min/max of the training points) in the animation frame that draws the canvases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS, TIMEOUT, useBrowser, openPage, waitData, canvasPrint } from './harness.mjs';


useBrowser(['manifold.html', 'pkg']);

const READY = '#lab[data-ready="true"]';

/** A fresh page on manifold.html + hash, once the lab is ready. */
const open = (hash = '', viewport = { width: 1280, height: 900 }) => openPage(`manifold.html${hash}`, READY, { viewport });

const attr = (page, name) => page.getAttribute('#lab', `data-${name}`);

const waitSteps = (page, min) => waitData(page, '#lab', 'steps', min);

/** A fingerprint of a canvas's pixels. */
const fingerprint = async (page, id) => (await canvasPrint(page, id)).hash;

test('the lab loads, trains all three autoencoders, and the field changes; Pause stops; Step is one batch', async () => {
  // Seed 3: no pretrained model has it, so the labs start from the seed and Reset's field is the
  // opening one (the default settings open pretrained: tests/e2e/manifold-pretrained.test.mjs).
  const { context, page, requests, foreign, errors } = await open('#seed=3');
  assert.deepEqual(foreign, [], 'requests outside the origin');
  assert.ok(requests.some((u) => u.endsWith('autoencoder_playground_bg.wasm')), 'the worker loaded the wasm');
  // Defaults, and one field canvas per variant.
  assert.equal(await page.inputValue('#curve'), 'circle');
  assert.equal(await attr(page, 'curve'), 'circle');
  for (const v of ['standard', 'denoising', 'contractive']) {
    assert.equal(await page.locator(`#field-${v}`).count(), 1, `${v} field canvas`);
  }
  await page.waitForFunction(() => Number(document.getElementById('lab').dataset.frames) >= 1, null, { timeout: TIMEOUT });
  const untrained = await fingerprint(page, 'field-denoising');

  await page.getByRole('button', { name: 'Step' }).click();
  await waitSteps(page, 1);
  assert.equal(await attr(page, 'steps'), '1');

  await page.getByRole('button', { name: 'Train' }).click();
  assert.equal(await page.getByRole('button', { name: 'Pause' }).count(), 1, 'Train is named Pause while training');
  await waitSteps(page, 400);
  const early = await fingerprint(page, 'field-denoising');
  assert.notEqual(early, untrained, 'the field canvas changed with training');
  await waitSteps(page, 1500);
  const later = await fingerprint(page, 'field-denoising');
  assert.notEqual(later, early, 'the field canvas keeps changing while training');
  // The sensitivity view (figs 18–19) draws the Jacobian's ellipses in place of the points.
  const pointsView = await fingerprint(page, 'points-contractive');
  await page.check('input[name="view"][value="jacobian"]');
  await page.waitForFunction(() => /σ₂\/σ₁ \d/.test(document.getElementById('points-contractive-val').textContent), null, { timeout: TIMEOUT });
  assert.notEqual(await fingerprint(page, 'points-contractive'), pointsView, 'the sensitivity view is drawn');
  assert.match(await page.evaluate(() => location.hash), /view=jacobian/);
  // The page shows the loss of every variant.
  assert.match(await page.textContent('#loss-legend'), /Standard AE: \d.*Denoising AE: \d.*Contractive AE: \d/s);

  // The status line follows the frames; its live region (read out) changes at most every few
  // seconds while training (kit/status-line.js), not with each frame of 80 ms.
  const seen = await page.evaluate(() => new Promise((resolve) => {
    const looks = [];
    const id = setInterval(() => {
      looks.push([document.getElementById('status').textContent, document.getElementById('status-said').textContent]);
      if (looks.length === 12) { clearInterval(id); resolve(looks); }
    }, 100);
  }));
  const distinct = (i) => new Set(seen.map((l) => l[i])).size;
  assert.ok(seen.every(([line]) => /^Training · step [\d,]+ · epoch \d+$/.test(line)), `status lines: ${seen.map((l) => l[0]).join(' | ')}`);
  assert.ok(distinct(0) >= 6, `the line follows the frames: ${distinct(0)} texts in 1.2 s`);
  assert.ok(distinct(1) <= 2, `the live region speaks every few seconds: ${distinct(1)} texts in 1.2 s`);
  assert.deepEqual(await page.evaluate(() => [document.getElementById('status').getAttribute('role'), document.getElementById('status-said').getAttribute('role')]),
    [null, 'status'], 'the live region is the hidden twin');

  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForSelector('#lab[data-running="false"]', { timeout: TIMEOUT });
  await page.waitForTimeout(300);
  assert.match(await page.textContent('#status-said'), /^Paused · step /, 'a stop is read out at once');
  assert.equal(await page.textContent('#status-said'), await page.textContent('#status'));
  const paused = Number(await attr(page, 'steps'));
  await page.waitForTimeout(500);
  assert.equal(Number(await attr(page, 'steps')), paused, 'no training while paused');
  await page.getByRole('button', { name: 'Step' }).click();
  await waitSteps(page, paused + 1);
  assert.equal(Number(await attr(page, 'steps')), paused + 1, 'Step is one mini-batch');

  // Reset: the seed's initial weights again, so the untrained field comes back exactly.
  const gen = Number(await attr(page, 'generation'));
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.waitForFunction((g) => Number(document.getElementById('lab').dataset.generation) > g, gen, { timeout: TIMEOUT });
  await page.waitForFunction(() => document.getElementById('lab').dataset.steps === '0', null, { timeout: TIMEOUT });
  await page.waitForTimeout(200);
  assert.equal(await fingerprint(page, 'field-denoising'), untrained, 'Reset restores the initial model');
  await page.screenshot({ path: `${RESULTS}/manifold-1280.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a drawn curve becomes the training data', async () => {
  const { context, page, errors } = await open('#curve=sine');
  assert.equal(await attr(page, 'curve'), 'sine');
  const gen = Number(await attr(page, 'generation'));
  // A horizontal stroke at y = 0.75 from x = −1 to x = 1 (pad: [−1.5, 1.5]² onto the canvas box).
  const box = await page.locator('#pad').boundingBox();
  const px = (x, y) => [box.x + ((x + 1.5) / 3) * box.width, box.y + ((1.5 - y) / 3) * box.height];
  await page.mouse.move(...px(-1, 0.75));
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(...px(-1 + (2 * i) / 20, 0.75));
  await page.mouse.up();
  await page.waitForFunction((g) => Number(document.getElementById('lab').dataset.generation) > g, gen, { timeout: TIMEOUT });
  assert.equal(await attr(page, 'curve'), 'drawn');
  assert.equal(await page.inputValue('#curve'), 'drawn');
  // The training points now lie along the stroke (noise 0.02 around it), not on the sine wave.
  const [x0, x1, y0, y1] = (await attr(page, 'bounds')).split(',').map(Number);
  assert.ok(x0 < -0.9 && x0 > -1.12 && x1 > 0.9 && x1 < 1.12, `x range ${x0}..${x1}`);
  assert.ok(y0 > 0.6 && y1 < 0.9, `y range ${y0}..${y1}`);
  // The stroke is in the address, so the link reproduces the drawn data.
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /curve=drawn/);
  assert.match(hash, /stroke=[A-Za-z0-9_-]{8,}/);
  // Training on it works.
  await page.getByRole('button', { name: 'Train' }).click();
  await waitSteps(page, 200);
  await page.getByRole('button', { name: 'Pause' }).click();
  const reopened = await open(hash, { width: 800, height: 900 });
  assert.equal(await reopened.page.getAttribute('#lab', 'data-bounds'), await attr(page, 'bounds'), 'the shared link rebuilds the same points');
  assert.deepEqual(reopened.errors, []);
  await reopened.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('settings round-trip through the address; bad values are refused with a message', async () => {
  const { context, page, errors } = await open('#curve=spiral&points=300&noise=0.05&sigma=0.4&lambda=0.2&width=32&depth=2&code=1&lr=0.005&seed=7&show=dc&view=corrupted');
  const want = { curve: 'spiral', points: '300', noise: '0.05', sigma: '0.4', lambda: '0.2', width: '32', depth: '2', code: '1', lr: '0.005', seed: '7' };
  for (const [k, v] of Object.entries(want)) assert.equal(await page.inputValue(`#${k}`), v, k);
  assert.equal(await page.locator('#field-standard').count(), 0, 'standard hidden by show=dc');
  assert.equal(await page.locator('#field-contractive').count(), 1);
  assert.ok(await page.isChecked('input[name="view"][value="corrupted"]'));
  assert.match(await page.evaluate(() => location.hash), /curve=spiral&points=300&noise=0\.05&sigma=0\.4&lambda=0\.2&width=32&depth=2&code=1&lr=0\.005&seed=7&show=dc&view=corrupted/);

  await page.fill('#width', '999');
  await page.press('#width', 'Enter');
  await page.waitForSelector('#width-error:not([hidden])');
  assert.match(await page.textContent('#width-error'), /Hidden width must be a whole number from 1 to 256/);
  assert.equal(await page.getAttribute('#width', 'aria-invalid'), 'true');
  assert.match(await page.evaluate(() => location.hash), /width=32/, 'an invalid value never reaches the address');
  const gen = Number(await attr(page, 'generation'));
  await page.fill('#width', '16');
  await page.press('#width', 'Enter');
  await page.waitForSelector('#width-error', { state: 'hidden' });
  await page.waitForFunction((g) => Number(document.getElementById('lab').dataset.generation) > g, gen, { timeout: TIMEOUT });
  assert.match(await page.evaluate(() => location.hash), /width=16/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone width: one column, nothing wider than the screen, training works', async () => {
  const { context, page, errors } = await open('', { width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 390, `page is ${overflow}px wide`);
  const box = await page.locator('#field-standard').boundingBox();
  assert.ok(box.width > 250 && box.x >= 0 && box.x + box.width <= 390, `field canvas at ${JSON.stringify(box)}`);
  await page.getByRole('button', { name: 'Train' }).click();
  await waitSteps(page, 100);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.screenshot({ path: `${RESULTS}/manifold-390.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('changing only the learning rate keeps the trained labs: the same generation trains on', async () => {
  const { context, page, errors } = await open('#seed=3');
  await page.getByRole('button', { name: 'Step' }).click();
  await waitSteps(page, 1);
  await page.getByRole('button', { name: 'Train' }).click();
  await waitSteps(page, 300);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => document.getElementById('lab').dataset.running === 'false', null, { timeout: TIMEOUT });
  const generation = await attr(page, 'generation');
  const steps = Number(await attr(page, 'steps'));
  await page.fill('#lr', '0.001');
  await page.press('#lr', 'Enter');
  await page.waitForFunction(() => /lr=0\.001/.test(location.hash), null, { timeout: TIMEOUT });
  await page.getByRole('button', { name: 'Step' }).click();
  await waitSteps(page, steps + 1);
  assert.equal(await attr(page, 'generation'), generation, 'no new labs were built');
  assert.equal(Number(await attr(page, 'steps')), steps + 1, 'the step count went on from where it was');
  assert.deepEqual(errors, []);
  await context.close();
});
