// End-to-end tests of the page in dist/ (build it with `make dist`), in Debian's Chromium through
// playwright-core, served on 127.0.0.1. Run: node --test tests/e2e/
//
// What the page exposes for these tests: data-* attributes on <main id="app"> (ready, running,
// done, steps, epoch, loss, generation) that are set in the same animation frame that draws the
// canvases, so a test that waits for an attribute then reads a canvas sees that frame's pixels.
// The settings, the kernels and the worker protocol: app-settings.test.mjs.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, copyFile, mkdtemp, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';
import {
  ROOT, DIST, RESULTS, TIMEOUT, useBrowser, openPage, canvasPrint as pixels, waitCanvas, waitCanvasPrint,
  APP_READY as READY, appAttr as attr, appSteps as steps, waitAppSteps as waitSteps, waitAppDrawn, pauseApp,
} from './harness.mjs';

useBrowser(['index.html', 'pkg']);

// The page trains on the 9,000 training digits of the held-out split: ⌈9000/256⌉ = 36 batches an epoch.
test('loads with no console error and no request outside its own origin', async () => {
  const { context, page, requests, foreign, errors } = await openPage('', READY);
  assert.deepEqual(foreign, [], 'requests outside the page origin');
  // The worker's own requests are recorded too: the wasm and both data files.
  for (const f of ['autoencoder_playground_bg.wasm', 'mnist10k-images-idx3-ubyte.gz', 'mnist10k-labels-idx1-ubyte.gz']) {
    assert.ok(requests.some((u) => u.endsWith(f)), `${f} was not requested`);
  }
  // The page opens on the pretrained notebook AE (20 epochs, www/models/index.json): this tab's
  // epoch counter says it is this tab's, and the model's own count beside it.
  assert.match(await page.textContent('#status'), /^epoch 1\/20 here \(21 in all\) · batch 0\/36 · loss — · ready$/);
  assert.equal(await page.textContent('#epoch-label'), 'epoch 1/20 here');
  assert.equal(await page.inputValue('#d'), '30');
  assert.equal(await page.inputValue('#preset'), 'standard');
  // The untrained reconstructions are drawn as soon as the model exists (not blank, not one colour).
  const recon = await pixels(page, 'row-recon');
  assert.ok(recon.sum > 0, 'reconstructions are drawn at load');
  assert.ok(await page.locator('.row[data-row="mask"]').isHidden(), 'the standard AE has no mask row');
  assert.deepEqual(errors, []);
  await context.close();
});

test('works from a sub-path: every URL is relative', async () => {
  // Serve a folder in which dist/ appears as /some/sub-path/, like a project page of a static host.
  const top = await mkdtemp(join(tmpdir(), 'aep-'));
  await mkdir(join(top, 'some'));
  await symlink(DIST, join(top, 'some', 'sub-path'), 'dir');
  const sub = await startServer(top, 0);
  const { context, page, requests, foreign, errors } = await openPage('some/sub-path/#preset=standard&d=12&seed=3', READY, { server: sub });
  try {
    assert.equal(await page.inputValue('#d'), '12');
    assert.deepEqual(foreign, []);
    const outside = requests.map((u) => new URL(u).pathname).filter((p) => !p.startsWith('/some/sub-path/'));
    assert.deepEqual(outside, [], 'requests outside the sub-path');
    assert.ok(requests.some((p) => p.endsWith('.wasm')));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await sub.close();
    await rm(top, { recursive: true, force: true });
  }
});

test('Train lowers the loss and changes the reconstructions; Pause stops; no long task', async () => {
  // Seed 1: a model from its seed (seed 0 opens on the pretrained notebook AE, whose loss has
  // little left to fall; tests/e2e/keep.test.mjs covers that one).
  const { context, page, errors } = await openPage('#seed=1', READY);
  const atLoad = await pixels(page, 'row-recon');
  // The labs mount first (one idle task per experiment after the first frame): the long-task window
  // below is training's, not the page's one-time setup.
  await page.waitForSelector('#app[data-labs="mounted"]', { timeout: TIMEOUT });

  await page.getByRole('button', { name: 'Step' }).click();
  await waitSteps(page, 1);
  assert.equal(await steps(page), 1);
  const firstLoss = Number(await attr(page, 'loss'));
  assert.ok(firstLoss > 0, `first loss ${firstLoss}`);

  // Keyboard: from Step, Shift+Tab reaches Train, which shows a focus ring and starts with Enter.
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'train');
  assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'solid', 'visible focus');
  await page.keyboard.press('Enter');
  // The name changes in the key's handler itself, without waiting for a frame.
  assert.equal(await page.evaluate(() => document.getElementById('train').textContent), 'Pause');
  // The long-task window holds the page's tasks while it trains, not the test's: Playwright's role
  // queries below walk the accessibility tree in a main-thread task (~25 ms CPU in a trace).
  const t0 = await page.evaluate(() => performance.now());
  await waitSteps(page, 100);
  const t1 = await page.evaluate(() => performance.now());
  assert.equal(await attr(page, 'running'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Pause' }).count(), 1, 'Train is named Pause while training');
  assert.equal(await page.getByRole('button', { name: 'Train' }).count(), 0);
  assert.match(await page.textContent('#status'), /^epoch \d+\/20 · batch \d+\/36 · loss \d+\.\d{4}/);
  assert.match(await page.textContent('#epoch-label'), /^epoch \d+\/20$/);
  // The status line a sighted student reads follows the counters above it frame by frame (each
  // look reads both in one task, so from one frame); only its live region, read out, waits a few
  // seconds between updates while training (kit/status-line.js, EVERY_MS).
  for (let look = 0; look < 3; look++) {
    const seen = await page.evaluate(() => ({
      status: document.getElementById('status').textContent,
      label: document.getElementById('epoch-label').textContent,
      batch: document.getElementById('epoch-progress').value,
      of: document.getElementById('epoch-progress').max,
    }));
    const line = seen.status.match(/^epoch (\d+)\/20 · batch (\d+)\/(\d+) · /);
    assert.ok(line, `status line "${seen.status}"`);
    assert.deepEqual(line.slice(1).map(Number), [Number(seen.label.match(/\d+/)[0]), seen.batch, seen.of],
      `look ${look}: "${seen.status}" beside "${seen.label}", progress ${seen.batch}/${seen.of}`);
    await page.waitForTimeout(60); // a few frames: training here ends within seconds
  }
  assert.deepEqual(await page.evaluate(() => [document.getElementById('status').getAttribute('role'), document.getElementById('status-said').getAttribute('role')]),
    [null, 'status'], 'the live region is the hidden twin, not the line redrawn every frame');

  assert.equal(await page.getByRole('button', { name: 'Pause' }).getAttribute('id'), 'train');
  await pauseApp(page);
  const pausedSteps = await steps(page);
  const paused = await pixels(page, 'row-recon');
  await page.waitForTimeout(1000);
  assert.equal(await steps(page), pausedSteps, 'no batch after Pause');
  assert.equal((await pixels(page, 'row-recon')).hash, paused.hash, 'no redraw after Pause');
  assert.equal(await page.getByRole('button', { name: 'Train' }).count(), 1);
  assert.match(await page.textContent('#status'), /paused$/);
  assert.equal(await page.textContent('#status-said'), await page.textContent('#status'), 'paused: read out as shown');

  const loss = Number(await attr(page, 'loss'));
  assert.ok(loss < 0.6 * firstLoss, `loss fell from ${firstLoss} to ${loss}`);
  assert.ok(Math.abs(paused.sum - atLoad.sum) > 0.05 * atLoad.sum, `reconstructions changed (pixel sum ${atLoad.sum} → ${paused.sum})`);

  const longTasks = await page.evaluate(([a, b]) => window.__longTasks.filter((t) => t.start >= a && t.start <= b), [t0, t1]);
  assert.deepEqual(longTasks, [], 'main-thread long tasks (> 50 ms) while training');

  // The chart's hover readout names the batch under the pointer.
  const box = await page.locator('#chart').boundingBox();
  await page.mouse.move(box.x + 80, box.y + box.height / 2);
  assert.match(await page.textContent('#chart-readout'), /^batch \d+ \(epoch 1, batch \d+\/36\) · loss \d\.\d{4}/);
  await page.getByRole('radio', { name: 'log' }).check();
  assert.match(await page.evaluate(() => location.hash), /scale=log/);

  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${RESULTS}/app.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the chart readout under the keyboard cursor is read out when moved, not with every training frame, nor is the kernel range', async () => {
  const { context, page, errors } = await openPage('#epochs=200', READY);
  await page.getByRole('button', { name: 'Train' }).click();
  await waitSteps(page, 50);
  await page.focus('#chart');
  await page.keyboard.press('End'); // the cursor on the last batch: its epoch's mean moves with each batch
  await page.waitForFunction(() => /^batch \d+ /.test(document.getElementById('chart-readout-said').textContent), null, { timeout: TIMEOUT });
  // For 1.2 s of frames (each refreshes the readout and the kernels): how often the live twin
  // and the kernels' live range line ("kernels 1–30 of 30", unchanged) were written.
  const seen = await page.evaluate(() => new Promise((resolve) => {
    const writes = { readout: 0, kernels: 0 };
    const watch = (id, key) => {
      const o = new MutationObserver((records) => { writes[key] += records.length; });
      o.observe(document.getElementById(id), { childList: true, characterData: true, subtree: true });
      return o;
    };
    const watching = [watch('chart-readout-said', 'readout'), watch('kernels-range', 'kernels')];
    setTimeout(() => { watching.forEach((o) => o.disconnect()); resolve(writes); }, 1200);
  }));
  assert.equal(await attr(page, 'running'), 'true', 'still training');
  assert.ok(seen.readout <= 2, `the readout's live region was written ${seen.readout} times in 1.2 s of frames`);
  assert.equal(seen.kernels, 0, 'the unchanged kernel range was rewritten');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.textContent('#chart-readout-said'), await page.textContent('#chart-readout'), 'a move is read out at once');
  assert.equal(await page.getAttribute('#chart-readout', 'aria-live'), null, 'the visible line is not itself live');
  await pauseApp(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Step trains exactly one batch', async () => {
  const { context, page, errors } = await openPage('', READY);
  const step = page.getByRole('button', { name: 'Step' });
  for (let k = 1; k <= 3; k++) {
    const before = await pixels(page, 'row-recon');
    await step.click();
    await waitSteps(page, k);
    await page.waitForTimeout(200); // a second batch, if any, would show by now
    assert.equal(await steps(page), k);
    assert.notEqual((await pixels(page, 'row-recon')).hash, before.hash, 'a step redraws the reconstructions');
    assert.match(await page.textContent('#status'), new RegExp(`^epoch 1/20 here \\(21 in all\\) · batch ${k}/36 · loss \\d\\.\\d{4} · paused$`));
    assert.equal(await attr(page, 'running'), 'false');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('Reset restores the initial state of the settings and seed', async () => {
  // Seed 1: no pretrained model matches it, so the page opens on the seed's initial weights, the
  // state Reset returns to (the pretrained default's Reset is in keep.test.mjs).
  const { context, page, errors } = await openPage('#seed=1', READY);
  const recon0 = await pixels(page, 'row-recon');
  const kernels0 = await waitCanvas(page, 'kernels', (p) => p.red + p.blue > 0); // painted by the worker a moment after the first frame
  assert.ok(kernels0.red + kernels0.blue > 0, 'the kernels are painted');
  const generation = Number(await attr(page, 'generation'));
  await page.getByRole('button', { name: 'Train' }).click();
  await waitSteps(page, 20);
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.waitForFunction((g) => Number(document.getElementById('app').dataset.generation) > g
    && document.getElementById('app').dataset.steps === '0', generation, { timeout: TIMEOUT });
  // The new model's `ready` alone already reads steps 0 (no frame yet), with the old rows still on
  // screen: wait for its first frame drawn.
  await waitAppDrawn(page);
  await page.waitForTimeout(300); // a batch after Reset, if any, would show by now
  assert.equal(await steps(page), 0);
  assert.equal(await attr(page, 'running'), 'false');
  assert.equal(await page.getByRole('button', { name: 'Train' }).count(), 1);
  assert.equal((await pixels(page, 'row-recon')).hash, recon0.hash, 'same reconstructions as at load');
  await waitCanvasPrint(page, 'kernels', kernels0.hash); // same kernels as at load
  assert.match(await page.textContent('#status'), /^epoch 1\/20 · batch 0\/36 · loss — · ready$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page opens on the pretrained model; Step trains it on, Reset starts from the seed', async () => {
  const { context, page, errors } = await openPage('', READY);
  const keep = (key) => page.getAttribute('#keep', `data-${key}`);
  await page.waitForFunction(() => document.getElementById('keep').dataset.source === 'pretrained', null, { timeout: TIMEOUT });
  await waitAppDrawn(page);
  const pretrained = await pixels(page, 'row-recon');
  assert.match(await page.textContent('#model-source'), /^Model: pretrained notebook AE \(d = 30\), 20 epochs, eval MSE 0\.\d{4} on 1,000 held-out digits\. Train continues from it; Reset starts from seed 0\.$/);
  assert.equal(await steps(page), 0);
  // One batch on: still the pretrained model, trained on here.
  await page.getByRole('button', { name: 'Step' }).click();
  await waitSteps(page, 1);
  assert.equal(await keep('source'), 'pretrained');
  // Reset: the seed's model, steps 0, and the sentence says so.
  const generation = Number(await attr(page, 'generation'));
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.waitForFunction((g) => Number(document.getElementById('app').dataset.generation) > g
    && document.getElementById('keep').dataset.source === 'seed', generation, { timeout: TIMEOUT });
  await waitAppDrawn(page);
  assert.equal(await steps(page), 0);
  assert.match(await page.textContent('#model-source'), /^Model: untrained, reset to seed 0\./);
  assert.notEqual((await pixels(page, 'row-recon')).hash, pretrained.hash, 'the seed\'s untrained outputs replace the pretrained ones');
  assert.equal(await page.inputValue('#d'), '30', 'the settings stay');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an invalid value is refused beside its control and never starts training (phone width)', async () => {
  // Seed 1: no pretrained model loads after ready and rewrites the settings under the test.
  const { context, page, errors } = await openPage('#seed=1', READY, { viewport: { width: 375, height: 812 } });
  const hash0 = await page.evaluate(() => location.hash);
  for (const [id, bad] of [['lr', 'abc'], ['d', '0'], ['d', '5000'], ['p', '1'], ['batch', '12.5']]) {
    const input = page.locator(`#${id}`);
    const good = await input.inputValue();
    await input.fill(bad);
    // Straight from typing to a click on Train: the message appearing on blur must not move
    // Train from under the pointer (the buttons sit above the settings for that reason).
    await page.getByRole('button', { name: 'Train' }).click();
    assert.equal(await input.getAttribute('aria-invalid'), 'true', `${id}=${bad} marked invalid`);
    assert.match(await input.getAttribute('aria-describedby'), new RegExp(`\\b${id}-error\\b`));
    const message = page.locator(`#${id}-error`);
    assert.ok(await message.isVisible(), `${id}=${bad}: message shown`);
    assert.match(await message.textContent(), /must be/);

    assert.match(await page.textContent('#status'), /^Not training: /);
    assert.equal(await page.evaluate(() => document.activeElement.id), id, 'focus moves to the invalid control');
    await page.getByRole('button', { name: 'Step' }).click();
    assert.match(await page.textContent('#status'), /^Not stepping: /);
    await page.waitForTimeout(400);
    assert.equal(await steps(page), 0, `${id}=${bad}: no training`);
    assert.equal(await attr(page, 'running'), 'false');
    assert.equal(await page.getByRole('button', { name: 'Train' }).count(), 1);
    assert.equal(await page.evaluate(() => location.hash), hash0, 'an invalid value never reaches the hash');

    await input.fill(good);
    await input.press('Tab');
    assert.equal(await input.getAttribute('aria-invalid'), null);
    assert.ok(await message.isHidden());
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('an error from the engine is shown on the page, which stays usable', async () => {
  const { context, page, errors } = await openPage('', null, {
    route: {
      url: '**/mnist10k-labels-idx1-ubyte.gz',
      handler: (r) => r.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('not an IDX file') }),
    },
  });
  const alert = page.getByRole('alert');
  await alert.waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.match(await alert.textContent(), /IDX/i, 'the Rust message reaches the page');
  assert.equal(await attr(page, 'ready'), 'false');
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForTimeout(300);
  assert.equal(await steps(page), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('fits a phone screen', async () => {
  const { context, page, errors } = await openPage('', READY, { viewport: { width: 375, height: 812 } });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  for (const name of ['Train', 'Step', 'Reset']) {
    const box = await page.getByRole('button', { name }).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375 && box.height >= 40, `${name} button fits and is tappable`);
  }
  const recon = await page.locator('#row-recon').boundingBox();
  assert.ok(recon.width > 250 && recon.x + recon.width <= 375, `reconstructions use the width (${recon.width}px)`);
  await page.screenshot({ path: `${RESULTS}/app-phone.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

after(async () => {
  // Keep one desktop screenshot as the project's picture when asked (UPDATE_SCREENSHOT=1).
  if (process.env.UPDATE_SCREENSHOT === '1' && existsSync(`${RESULTS}/app.png`)) {
    await copyFile(`${RESULTS}/app.png`, `${ROOT}docs/screenshot.png`);
  }
});
