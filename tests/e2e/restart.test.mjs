// Nothing lost: a training worker that panics or hangs is replaced, and the model it held comes
// back (the kept copy of app/keep-last.js: in IndexedDB, or in memory where storage is
// forbidden) with the same reconstructions; a lab's question that gets no answer says so in its
// panel; the 2-D lab's hung worker is replaced too, and its three models come back from the
// copy its worker last kept. The hang uses the test hook `window.__aeTimeoutMs` (kit/worker-link.js) to time out in
// seconds rather than 45. Run: node --test tests/e2e/restart.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TIMEOUT, useBrowser, openPage, assertClean, appAttr as attr, appSteps as steps, waitAppSteps, canvasPrint, waitCanvasPrint,
  APP_READY as READY,
} from './harness.mjs';

useBrowser(['index.html', 'manifold.html', 'pkg']);

/** A model of its own (no pretrained one has these settings): d = 12, seed 3. */
const HASH = '#preset=standard&d=12&seed=3';
/** The test's time-out for the page's workers (ms): long enough for a loaded machine's slices. */
const SHORT_MS = 10_000;

/** Wait until #keep has `data-<key>` equal to `value`. */
function waitKeep(page, key, value) {
  return page.waitForFunction(([k, v]) => document.getElementById('keep')?.dataset[k] === v, [key, value], { timeout: TIMEOUT });
}

/** The page's training worker, as Playwright sees it: its URL ends with `path` (a lab's never does). */
function trainingWorker(page, path = '/worker.js') {
  const w = page.workers().filter((x) => x.url().endsWith(path));
  assert.ok(w.length >= 1, `the training worker among ${page.workers().map((x) => x.url()).join(', ')}`);
  return w.at(-1);
}

/** Train some batches, pause, and wait until the paused model is kept; returns its batches and drawing. */
async function trainAndKeep(page, min) {
  await page.click('#train');
  await waitAppSteps(page, min);
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#app').dataset.running === 'false', null, { timeout: TIMEOUT });
  await page.waitForTimeout(300); // the pause's last frame
  const n = await steps(page);
  assert.ok(n >= min, `${n} batches trained`);
  await waitKeep(page, 'keptSteps', String(n));
  return { n, recon: (await canvasPrint(page, 'row-recon')).hash };
}

/** The reconstructions drawn are `hash` again (the same model), or fail. */
const waitRecon = (page, hash) => waitCanvasPrint(page, 'row-recon', hash);

test('a worker that panics is replaced and the trained model comes back (same reconstructions), then trains on', async () => {
  const opened = await openPage(HASH, READY);
  const { page } = opened;
  try {
    const fresh = (await canvasPrint(page, 'row-recon')).hash;
    const { n, recon } = await trainAndKeep(page, 30);
    assert.notEqual(recon, fresh, 'training changed the reconstructions');
    // A panic exactly as kit/session.js reports a wasm trap: console_error_panic_hook's text.
    await trainingWorker(page).evaluate(() => {
      self.postMessage({ type: 'error', crashed: true, message: 'panicked at src/train/mod.rs:1:1:\ntest panic\n\nStack:\n\nError\n    at x', ack: 0, fatal: true });
      self.close();
    });
    await page.waitForFunction(() => document.querySelector('#app').dataset.crashes === '1', null, { timeout: TIMEOUT });
    const alert = await page.textContent('#alert');
    const m = alert.match(/^The training worker crashed \(panicked at src\/train\/mod\.rs:1:1: test panic\)\. A new worker started with the same settings; the model kept (\d+) s ago \(epoch \d+, (\d+) batches\) was loaded back into it; Train continues from there\.$/);
    assert.ok(m, `alert: ${alert}`);
    assert.equal(Number(m[2]), n, 'the kept model is the paused one');
    await waitKeep(page, 'source', 'kept');
    assert.equal(await page.evaluate(() => window.__workers.length), 2, 'one new worker');
    assert.equal(await page.inputValue('#d'), '12');
    await waitRecon(page, recon);
    await page.click('#train');
    await waitAppSteps(page, 3);
    await page.click('#train');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

test('without storage, a hung worker: the lab\'s question times out in its panel, the next command replaces the worker and the model comes back from memory', async () => {
  const forbid = `Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('storage is forbidden here', 'SecurityError'); } });`;
  const opened = await openPage(HASH, READY, { init: forbid });
  const { page } = opened;
  try {
    await waitKeep(page, 'storage', 'unavailable');
    const { n, recon } = await trainAndKeep(page, 20);
    assert.equal(await page.evaluate(() => document.getElementById('keep').dataset.stored), undefined, 'nothing went to storage');
    await page.evaluate((ms) => { window.__aeTimeoutMs = ms; }, SHORT_MS);
    // The worker busy for two minutes: it reads no message and says nothing.
    trainingWorker(page).evaluate(() => { const end = Date.now() + 120_000; while (Date.now() < end); }).catch(() => {});
    await page.waitForTimeout(200);
    // A lab's question (the corruption panel redraws for a new strength) gets no answer.
    await page.locator('#dn-strength').scrollIntoViewIfNeeded();
    await page.fill('#dn-strength', '0.3');
    const lost = page.locator('#dn-strength').locator('xpath=ancestor::section[1]').locator('.query-lost');
    await lost.waitFor({ state: 'visible', timeout: TIMEOUT });
    assert.match(await lost.textContent(), /^The model did not answer “\w+” within 10 s; try again, or reload the page\.$/);
    assert.equal(await lost.getAttribute('role'), 'alert');
    assert.equal(await attr(page, 'crashes'), null, 'a question alone does not replace the worker');
    // A command (Train) met by silence: the worker is stopped and replaced.
    await page.click('#train');
    await page.waitForFunction(() => document.querySelector('#app').dataset.crashes === '1', null, { timeout: TIMEOUT });
    await page.evaluate(() => { window.__aeTimeoutMs = 0; }); // the new worker gets the usual time-outs
    const alert = await page.textContent('#alert');
    const m = alert.match(/^The training worker has not answered for 10 s, so it was stopped\. A new worker started with the same settings; the model kept (\d+) s ago \(epoch \d+, (\d+) batches\) was loaded back into it; Train continues from there\.$/);
    assert.ok(m, `alert: ${alert}`);
    assert.equal(Number(m[2]), n);
    await waitKeep(page, 'source', 'kept');
    await waitRecon(page, recon);
    // The panel asks again with the new model and its line goes away.
    await page.fill('#dn-strength', '0.4');
    await lost.waitFor({ state: 'hidden', timeout: TIMEOUT });
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

test('the 2-D lab: a hung worker is replaced after the time-out, its three models come back (the same field), and it trains on', async () => {
  // Seed 3: no pretrained model, so the field before the hang is what training here drew.
  const opened = await openPage('manifold.html#curve=arcs&seed=3', '#lab[data-ready="true"]');
  const { page } = opened;
  const lab = (k) => page.getAttribute('#lab', `data-${k}`);
  try {
    const seedField = (await canvasPrint(page, 'field-denoising')).hash;
    await page.click('#train');
    await page.waitForFunction(() => Number(document.getElementById('lab').dataset.steps) >= 300, null, { timeout: TIMEOUT });
    await page.click('#train');
    await page.waitForFunction(() => document.getElementById('lab').dataset.running === 'false', null, { timeout: TIMEOUT });
    // The pause's copy of the models (the worker's `kept` report) has the paused step count.
    await page.waitForFunction(() => {
      const d = document.getElementById('lab').dataset;
      return d.keptSteps && d.keptSteps === d.steps;
    }, null, { timeout: TIMEOUT });
    await page.waitForTimeout(300); // the pause's frame drawn
    const n = Number(await lab('steps'));
    const trained = (await canvasPrint(page, 'field-denoising')).hash;
    assert.notEqual(trained, seedField, 'training changed the field');
    await page.evaluate((ms) => { window.__aeTimeoutMs = ms; }, SHORT_MS);
    trainingWorker(page, '/manifold/worker.js').evaluate(() => { const end = Date.now() + 120_000; while (Date.now() < end); }).catch(() => {});
    await page.waitForTimeout(200);
    await page.evaluate(() => { document.getElementById('lab').dataset.ready = 'false'; });
    await page.click('#train');
    await page.waitForSelector('#lab[data-ready="true"]', { timeout: TIMEOUT });
    await page.evaluate(() => { window.__aeTimeoutMs = 0; });
    const alert = await page.textContent('#alert');
    const m = alert.match(/^The training worker has not answered for 10 s, so it was stopped\. A new worker started with the same settings; the models kept (\d+) s ago \(([\d,]+) steps\) were loaded back into it; Train continues from there\.$/);
    assert.ok(m, `alert: ${alert}`);
    assert.equal(Number(m[2].replace(/,/g, '')), n, 'the kept models are the paused ones');
    assert.equal(await page.evaluate(() => window.__workers.length), 2, 'one new worker');
    assert.equal(await lab('origins'), 'kept,kept,kept');
    assert.match(await page.textContent('#origin-standard'), new RegExp(`^kept copy: ${n.toLocaleString('en')} steps, loss \\d`));
    await waitCanvasPrint(page, 'field-denoising', trained);
    await page.click('#train');
    await page.waitForFunction((k) => Number(document.getElementById('lab').dataset.totalSteps) > k, n, { timeout: TIMEOUT });
    await page.click('#train');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});
