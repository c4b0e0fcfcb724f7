// End-to-end tests of the training page in dist/ (build it with `make dist`): settings in the
// URL hash and the nav that never touches them, the kernels panel, and the worker protocol.
// Run: node --test tests/e2e/app-settings.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TIMEOUT, useBrowser, openPage, canvasPrint as pixels, waitCanvas,
  APP_READY as READY, appAttr as attr, appSteps as steps, waitAppSteps as waitSteps, waitAppDrawn, pauseApp,
} from './harness.mjs';

useBrowser(['index.html', 'pkg']);

test('the URL hash round-trips the settings, and training stops after its epochs', async () => {
  const hash = '#preset=denoising&d=64&lr=0.002&batch=2000&epochs=2&p=0.3&seed=7';
  const { context, page, errors } = await openPage(hash, READY);
  const shown = {};
  for (const id of ['preset', 'd', 'lr', 'batch', 'epochs', 'p', 'seed']) shown[id] = await page.inputValue(`#${id}`);
  assert.deepEqual(shown, { preset: 'denoising', d: '64', lr: '0.002', batch: '2000', epochs: '2', p: '0.3', seed: '7' });
  assert.ok(await page.locator('.row[data-row="mask"]').isVisible(), 'the denoising AE shows its masks');
  assert.ok(await page.locator('.row[data-row="corrupted"]').isVisible());
  assert.match(await page.textContent('#status'), /^epoch 1\/2 · batch 0\/5 /);

  // Training stops by itself after 2 epochs of 5 batches.
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForSelector('#app[data-done="true"][data-running="false"]', { timeout: TIMEOUT });
  await page.waitForTimeout(300);
  assert.equal(await steps(page), 10);
  assert.match(await page.textContent('#status'), /^epoch 2\/2 · batch 5\/5 · loss \d\.\d{4} · finished$/);
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForTimeout(300);
  assert.equal(await steps(page), 10, 'no training past the last epoch');

  // A changed control writes the hash.
  await page.locator('#d').fill('40');
  await page.locator('#d').press('Enter');
  await page.waitForFunction(() => location.hash.includes('d=40'));
  const written = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
  assert.deepEqual(Object.fromEntries(written), { preset: 'denoising', d: '40', lr: '0.002', batch: '2000', epochs: '2', p: '0.3', seed: '7' });
  await page.waitForFunction(() => document.getElementById('app').dataset.steps === '0', null, { timeout: TIMEOUT });

  // A hash change is honoured: missing keys take the preset's defaults.
  const generation = Number(await attr(page, 'generation'));
  await page.evaluate(() => { location.hash = '#preset=standard&seed=5'; });
  await page.waitForFunction((g) => Number(document.getElementById('app').dataset.generation) > g, generation, { timeout: TIMEOUT });
  assert.equal(await page.inputValue('#preset'), 'standard');
  assert.equal(await page.inputValue('#d'), '30');
  assert.equal(await page.inputValue('#seed'), '5');
  assert.ok(await page.locator('.row[data-row="mask"]').isHidden());
  // The new generation shows at its `ready`, before its first frame draws its outputs: wait for that.
  await waitAppDrawn(page);
  const url = page.url();
  const recon = await pixels(page, 'row-recon');

  // The copied link reopens the same configuration and seed: the same initial model.
  const other = await openPage(new URL(url).hash, READY);
  assert.equal(await other.page.inputValue('#seed'), '5');
  assert.equal((await pixels(other.page, 'row-recon')).hash, recon.hash);
  assert.deepEqual(other.errors, []);
  await other.context.close();

  // An invalid value in a link is shown with its message and refused.
  const bad = await openPage('#preset=standard&lr=abc', READY);
  assert.equal(await bad.page.inputValue('#lr'), 'abc');
  assert.equal(await bad.page.getAttribute('#lr', 'aria-invalid'), 'true');
  assert.ok(await bad.page.locator('#lr-error').isVisible());
  await bad.page.getByRole('button', { name: 'Train' }).click();
  await bad.page.waitForTimeout(300);
  assert.equal(await steps(bad.page), 0);
  await bad.context.close();

  assert.deepEqual(errors, []);
  await context.close();
});

test('the nav to the labs scrolls without touching the settings or the trained model', async () => {
  const { context, page, errors } = await openPage('#preset=standard&d=100&seed=2', READY);
  await page.click('#train');
  await waitSteps(page, 30);
  await pauseApp(page);
  const before = { steps: await steps(page), generation: await attr(page, 'generation'), hash: await page.evaluate(() => location.hash) };
  assert.ok(before.steps >= 30, `trained ${before.steps} batches`);
  const nav = page.getByRole('navigation', { name: 'Labs' });
  for (const [name, id] of [['Denoising & inpainting', 'panel-denoise'], ['Latent space', 'panel-latent'], ['Capacity & regularisation', 'panel-capacity']]) {
    await nav.getByRole('link', { name }).click();
    await page.waitForTimeout(300);
    const onScreen = await page.evaluate((i) => {
      const r = document.getElementById(i).getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }, id);
    assert.ok(onScreen, `${name}: its section is on screen`);
    assert.equal(await page.inputValue('#d'), '100', `${name}: d stays 100`);
    assert.equal(await steps(page), before.steps, `${name}: the ${before.steps} batches stay`);
    assert.equal(await attr(page, 'generation'), before.generation, `${name}: no new model`);
    assert.equal(await page.evaluate(() => location.hash), before.hash, `${name}: the address keeps the settings`);
  }
  // An anchor typed into the address is not a settings hash either.
  await page.evaluate(() => { location.hash = '#panel-latent'; });
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue('#d'), '100');
  assert.equal(await steps(page), before.steps);
  assert.equal(await attr(page, 'generation'), before.generation);
  assert.deepEqual(errors, []);
  await context.close();
});

test('encoder kernels: every one reachable by paging or show all, diverging colours', async () => {
  const { context, page, errors } = await openPage('#preset=standard&d=100', READY);
  const range = page.locator('#kernels-range');
  // The range text is redrawn on the next animation frame; the worker's canvas shows the grid a
  // moment after that (app/kernels.js): wait for each, then assert.
  const rangeIs = async (text) => {
    await page.waitForFunction((t) => document.getElementById('kernels-range').textContent === t, text, { timeout: 5000 }).catch(() => {});
    assert.equal(await range.textContent(), text);
  };
  await rangeIs('kernels 1–64 of 100');
  assert.ok(await page.getByRole('button', { name: 'Prev kernels' }).isDisabled());
  const first = await waitCanvas(page, 'kernels', (p) => p.red + p.blue > 0); // painted (a blank canvas is transparent)
  assert.ok(first.red + first.blue > 0, 'the kernels are painted');
  assert.equal(await attr(page, 'kernels-by'), 'worker', 'the training worker paints the grid into the canvas it was given');
  await page.getByRole('button', { name: 'Next kernels' }).click();
  await rangeIs('kernels 65–100 of 100');
  assert.ok(await page.getByRole('button', { name: 'Next kernels' }).isDisabled());
  const last = await waitCanvas(page, 'kernels', (p) => p.height < first.height);
  assert.ok(last.height < first.height, `the last page has fewer rows (${last.height} < ${first.height})`);
  await page.getByLabel('show all').check();
  await rangeIs('all 100 kernels');
  const all = await waitCanvas(page, 'kernels', (p) => p.height > last.height && p.width >= first.width);
  assert.ok(all.width >= first.width && all.height > last.height, `all 100 tiles drawn (${all.width}×${all.height})`);

  // Blue below 0, red above: a random initial W_h has both, in about equal numbers.
  assert.ok(all.red > 1000 && all.blue > 1000, JSON.stringify(all));
  assert.ok(Math.abs(all.red - all.blue) < 0.2 * (all.red + all.blue), 'symmetric around 0');
  await page.getByLabel('Colour scale').selectOption('global');
  await page.waitForFunction(() => location.hash.includes('kscale=global'));
  const global = await waitCanvas(page, 'kernels', (p) => p.hash !== all.hash);
  assert.notEqual(global.hash, all.hash, 'the global scale repaints the tiles');
  assert.equal(global.width, all.width);
  assert.match(await page.textContent('#legend-hi'), /^\+\d/);
  // The hover readout names the tile under the pointer and its own largest |w|.
  await page.locator('#kernels').hover({ position: { x: 5, y: 5 } });
  assert.match(await page.textContent('#kernel-readout'), /^kernel 1 of 100 \(row 1 of W_h\) · max \|w\| \d\.\d+/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without OffscreenCanvas the page puts the worker\'s kernel pixels itself: the same picture', async () => {
  const hash = '#preset=standard&d=100&seed=5';
  const worker = await openPage(hash, READY);
  const shown = await waitCanvas(worker.page, 'kernels', (p) => p.red + p.blue > 1000);
  assert.ok(shown.red + shown.blue > 1000, 'painted by the worker');
  assert.equal(await worker.page.getAttribute('#app', 'data-kernels-by'), 'worker');
  await worker.context.close();
  // A browser without canvas transfer (Safari before 16.4): the same seed, the same pixels.
  const { context, page, errors } = await openPage(hash, READY, {
    init: 'delete HTMLCanvasElement.prototype.transferControlToOffscreen;',
  });
  const put = await waitCanvas(page, 'kernels', (p) => p.hash === shown.hash);
  assert.equal(await attr(page, 'kernels-by'), 'page');
  assert.equal(put.hash, shown.hash, 'the same kernels, put by the page');
  assert.ok(put.red > 1000 && put.blue > 1000);
  assert.deepEqual(errors, []);
  await context.close();
});

test('worker protocol: frames, exact steps, a refused config keeps the trained model, epochs end play', async () => {
  const { context, page, errors } = await openPage('', READY);
  // A second worker, driven by hand with the messages of protocol.js.
  const r = await page.evaluate(async () => {
    const w = new Worker(new URL('./worker.js', location.href), { type: 'module' });
    const next = (want) => new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('no such message in 30 s')), 30000);
      const on = (e) => {
        if (!want(e.data)) return;
        clearTimeout(timer);
        w.removeEventListener('message', on);
        ok(e.data);
      };
      w.addEventListener('message', on);
    });
    const settings = { variant: 'standard', d: 8, batch: 1000, seed: 3 };
    w.postMessage({ type: 'config', id: 1, settings, epochs: 1 });
    const ready = await next((m) => m.type === 'ready');
    const first = await next((m) => m.type === 'frame' && m.ack === 1);
    w.postMessage({ type: 'step', id: 2 });
    const stepped = await next((m) => m.type === 'frame' && m.ack === 2);
    w.postMessage({ type: 'config', id: 3, settings: { ...settings, d: 0 }, epochs: 1 });
    const refused = await next((m) => m.type === 'error');
    w.postMessage({ type: 'step', id: 4 });
    const after = await next((m) => m.type === 'frame' && m.ack === 4);
    w.postMessage({ type: 'play', id: 5 });
    const done = await next((m) => m.type === 'frame' && m.done && !m.running);
    w.terminate();
    return {
      ready: { d: ready.info.d, perEpoch: ready.info.batches_per_epoch, inputs: ready.inputs.length, type: ready.inputs.constructor.name, labels: [...ready.labels] },
      first: { steps: first.stats.steps, losses: first.losses.length, kernels: first.kernels.length, recon: first.recon.length },
      stepped: { steps: stepped.stats.steps, losses: stepped.losses.length, lossStart: stepped.lossStart, loss: stepped.stats.loss, batchLoss: stepped.losses[0] },
      refused: { message: refused.message, ack: refused.ack, fatal: refused.fatal },
      after: { steps: after.stats.steps, lossStart: after.lossStart, generation: after.generation, was: ready.generation },
      done: { steps: done.stats.steps, epoch: done.stats.epoch },
    };
  });
  // The worker trains on the 9,000 training digits of the held-out split: ⌈9000/1000⌉ = 9 batches an epoch.
  assert.deepEqual(r.ready, { d: 8, perEpoch: 9, inputs: 10 * 784, type: 'Float32Array', labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  assert.deepEqual(r.first, { steps: 0, losses: 0, kernels: 8 * 784, recon: 10 * 784 });
  assert.equal(r.stepped.steps, 1);
  assert.equal(r.stepped.losses, 1);
  assert.equal(r.stepped.lossStart, 0);
  assert.ok(Math.abs(r.stepped.batchLoss - r.stepped.loss) < 1e-6, 'the frame carries the batch loss');
  assert.match(r.refused.message, /code size/i, 'the Rust message');
  assert.equal(r.refused.ack, 3);
  assert.equal(r.refused.fatal, false);
  assert.deepEqual(r.after, { steps: 2, lossStart: 1, generation: r.after.was, was: r.after.was }, 'the trained model is kept');
  assert.deepEqual(r.done, { steps: 9, epoch: 1 }, 'play stops after the last epoch');
  assert.deepEqual(errors, []);
  await context.close();
});
