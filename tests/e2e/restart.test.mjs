// Nothing lost: a training worker that panics or hangs is replaced, and the model it held comes
// back (the kept copy of app/keep-last.js: in IndexedDB, or in memory where storage is
// forbidden) with the same reconstructions; a lab's question that gets no answer says so in its
// panel; the 2-D lab's hung worker is replaced too, and its three models come back from the
// copy its worker last kept; the denoising lab's comparison (its own worker) likewise gets back the
// two models trained in the tab. The hang uses the test hook `window.__aeTimeoutMs` (kit/worker-link.js) to time out in
// seconds rather than 45. Run: node --test tests/e2e/restart.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TIMEOUT, useBrowser, openPage, assertClean, appAttr as attr, appSteps as steps, waitAppSteps, pauseApp, canvasPrint, waitCanvasPrint,
  APP_READY as READY,
} from './harness.mjs';
import { trainingWorker, hang, hangWhileTraining } from './hang.mjs';

useBrowser(['index.html', 'manifold.html', 'pkg']);

/** A model of its own (no pretrained one has these settings): d = 12, seed 3. */
const HASH = '#preset=standard&d=12&seed=3';
/** The test's time-out for the page's workers (ms): long enough for a loaded machine's slices. */
const SHORT_MS = 10_000;

/** Wait until #keep has `data-<key>` equal to `value`. */
function waitKeep(page, key, value) {
  return page.waitForFunction(([k, v]) => document.getElementById('keep')?.dataset[k] === v, [key, value], { timeout: TIMEOUT });
}

/** Train some batches, pause, and wait until the paused model is kept; returns its batches and drawing. */
async function trainAndKeep(page, min) {
  await page.click('#train');
  await waitAppSteps(page, min);
  await pauseApp(page);
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
    await hang(page);
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
    // data-running is the drawn frame's own (manifold/figures.js): false once the pause's frame is on screen.
    await page.waitForFunction(() => document.getElementById('lab').dataset.running === 'false', null, { timeout: TIMEOUT });
    // The pause's copy of the models (the worker's `kept` report) has the paused step count.
    await page.waitForFunction(() => {
      const d = document.getElementById('lab').dataset;
      return d.keptSteps && d.keptSteps === d.steps;
    }, null, { timeout: TIMEOUT });
    const n = Number(await lab('steps'));
    const trained = (await canvasPrint(page, 'field-denoising')).hash;
    assert.notEqual(trained, seedField, 'training changed the field');
    await page.evaluate((ms) => { window.__aeTimeoutMs = ms; }, SHORT_MS);
    await hang(page, '/manifold/worker.js');
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

test('the comparison of the denoising lab: its hung worker is replaced and the two models trained in the tab come back (same outputs, same batch counts)', async () => {
  const opened = await openPage(HASH, READY);
  const { page } = opened;
  const box = (k) => page.getAttribute('#dn-compare', `data-${k}`);
  try {
    await page.locator('#dn-compare').scrollIntoViewIfNeeded();
    await page.fill('#dn-compare-epochs', '3'); // not done before the pause below (36 batches an epoch)
    await page.click('#dn-compare-run'); // from the pretrained pair, the default
    await page.waitForFunction(() => {
      const d = document.getElementById('dn-compare').dataset;
      return Number(d.standardSteps) >= 4 && Number(d.denoisingSteps) >= 4;
    }, null, { timeout: TIMEOUT });
    await page.click('#dn-compare-pause');
    await page.waitForSelector('#dn-compare[data-running="false"]', { timeout: TIMEOUT });
    // The pause's copy of the two models (the worker's `kept` report) has the paused batch count,
    // and the pause's own frame is drawn (data-running above is the page's, set on the click).
    await page.waitForFunction(() => {
      const d = document.getElementById('dn-compare').dataset;
      return d.keptSteps && d.keptSteps === d.steps && / — paused\.$/.test(document.querySelector('#dn-compare .status').textContent);
    }, null, { timeout: TIMEOUT });
    const n = { standard: Number(await box('standard-steps')), denoising: Number(await box('denoising-steps')) };
    const std = (await canvasPrint(page, 'dn-cmp-std')).hash;
    const dae = (await canvasPrint(page, 'dn-cmp-dae')).hash;
    const statusBefore = await page.textContent('#dn-compare .status');
    console.log(`one kept copy of both models (d = 30 and d = 500, F32): ${await box('keep-ms')} ms in the worker`);
    await page.evaluate((ms) => { window.__aeTimeoutMs = ms; }, SHORT_MS);
    await hang(page, '/compare-worker.js');
    // The energy pad asks the comparison's denoising AE: no answer, so the worker is replaced.
    await page.locator('#dn-pad-source').selectOption('denoising');
    await page.waitForSelector('#dn-compare[data-crashes="1"]', { timeout: TIMEOUT });
    await page.evaluate(() => { window.__aeTimeoutMs = 0; });
    const error = await page.textContent('#dn-compare .error');
    const m = error.match(/^The comparison worker did not answer “\w+” within 10 s, so it was stopped\. A new worker started with the same settings; the models kept (\d+) s ago \(standard: \d+ epochs?, (\d+) batch(?:es)?; denoising: \d+ epochs?, (\d+) batch(?:es)?\) were loaded back into it; “Continue the comparison” trains on from there\.$/);
    assert.ok(m, `error line: ${error}`);
    assert.deepEqual({ standard: Number(m[2]), denoising: Number(m[3]) }, n, 'the kept models are the paused ones');
    await page.waitForSelector('#dn-compare[data-kept="restored"]', { timeout: TIMEOUT });
    // The trained models' outputs and counts, not the pretrained pair's: held, as before the hang.
    await waitCanvasPrint(page, 'dn-cmp-std', std);
    await waitCanvasPrint(page, 'dn-cmp-dae', dae);
    assert.equal(Number(await box('standard-steps')), n.standard);
    assert.equal(Number(await box('denoising-steps')), n.denoising);
    assert.equal(await box('running'), 'false', 'held, as it was');
    assert.equal(await page.textContent('#dn-compare .status'), statusBefore, 'the same counts and losses');
    // The pad's question goes to the new worker; Continue trains on from the kept counts.
    await page.locator('#dn-pad-source').selectOption('main');
    await page.locator('#dn-pad-source').selectOption('denoising');
    await page.waitForSelector('#dn-pad[data-source="denoising"]', { timeout: TIMEOUT });
    // Every frame of a running comparison re-arms the silence time-out: short from here on.
    await page.evaluate((ms) => { window.__aeTimeoutMs = ms; }, SHORT_MS);
    await page.click('#dn-compare-pause');
    await page.waitForFunction((k) => Number(document.getElementById('dn-compare').dataset.denoisingSteps) > k, n.denoising, { timeout: TIMEOUT });
    // Hung while training: no frame for the time-out, so it is replaced, and trains on from the copy.
    await hang(page, '/compare-worker.js');
    await page.waitForSelector('#dn-compare[data-crashes="2"]', { timeout: TIMEOUT });
    await page.evaluate(() => { window.__aeTimeoutMs = 0; });
    const again = await page.textContent('#dn-compare .error');
    assert.match(again, /^The comparison worker has sent nothing while training for 10 s, so it was stopped\. A new worker started with the same settings; the models kept \d+ s ago \(standard: \d+ epochs?, (\d+) batch(?:es)?; denoising: \d+ epochs?, (\d+) batch(?:es)?\) were loaded back into it \(the [\d,]+ batches after it were lost\); they train on from there\.$/, again);
    await page.waitForSelector('#dn-compare[data-kept="restored"]', { timeout: TIMEOUT });
    assert.equal(await box('running'), 'true', 'running, as before the hang');
    await page.waitForFunction((k) => Number(document.getElementById('dn-compare').dataset.denoisingSteps) > k, n.denoising, { timeout: TIMEOUT });
    await page.click('#dn-compare-pause');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

/** FNV-1a of the pixels of the first canvas matching `selector` (canvasPrint's hash, by selector). */
function printOf(page, selector) {
  return page.evaluate((s) => {
    const c = document.querySelector(s);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
    return `${c.width}x${c.height}:${h.toString(16)}`;
  }, selector);
}

test('the latent map lesson: its hung worker is replaced and the model trained on in the tab comes back (same map, same batches)', async () => {
  const opened = await openPage(HASH, READY);
  const { page } = opened;
  const data = (k) => page.getAttribute('#panel-latent', `data-${k}`);
  try {
    const b = page.locator('#panel-latent [data-map="map_2d"]');
    await b.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !document.querySelector('#panel-latent [data-map="map_2d"]').disabled, null, { timeout: TIMEOUT });
    await b.click();
    await page.waitForFunction(() => document.getElementById('panel-latent').dataset.mapFrom === 'pretrained', null, { timeout: TIMEOUT });
    // Train it on (the preset's epochs on top of the pretrained ones); the run's end keeps a copy.
    await page.click('#panel-latent [data-own="train"]');
    await page.waitForFunction(() => {
      const d = document.getElementById('panel-latent').dataset;
      return Number(d.mapSteps) > 0 && d.mapKeptSteps === d.mapSteps && !document.querySelector('#panel-latent [data-own="train"]').disabled;
    }, null, { timeout: 180_000, polling: 250 });
    const n = Number(await data('map-steps'));
    const readout = await page.textContent('.lat-map-readout');
    assert.match(readout, /\+ \d+ epochs here/, readout);
    const map = await printOf(page, '#panel-latent .lat-map');
    console.log(`one kept copy of the d = 2 map model (F32): ${await data('map-keep-ms')} ms in the worker`);
    const drawsBefore = Number(await data('map')); // maps drawn so far (the hung worker draws no more)
    await page.evaluate((ms) => { window.__aeTimeoutMs = ms; }, SHORT_MS);
    await hang(page, '/map-worker.js');
    // Pointing between the dots asks the map's model to decode the point: no answer, replaced.
    const box = await page.locator('#panel-latent .lat-map').boundingBox();
    for (const [fx, fy] of [[0.02, 0.02], [0.98, 0.02], [0.02, 0.98], [0.5, 0.03]]) await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
    const notice = page.locator('#panel-latent .lat-map-notice');
    await notice.waitFor({ state: 'visible', timeout: TIMEOUT });
    await page.evaluate(() => { window.__aeTimeoutMs = 0; });
    const text = await notice.textContent();
    const m = text.match(/^The map's worker did not answer “latent_decode_xy” within 10 s, so it was stopped\. A new worker started the same lesson; the model kept (\d+) s ago \(\d+ epochs?, ([\d,]+) batch(?:es)? here\) was loaded back into it\.$/);
    assert.ok(m, `notice: ${text}`);
    assert.equal(Number(m[2].replace(/,/g, '')), n, 'the kept model is the trained one');
    // The trained model's map and counts, not the pretrained model's.
    // A map drawn since the hang is the new worker's (data-map-steps alone already read n before it).
    await page.waitForFunction(([s, k]) => {
      const d = document.getElementById('panel-latent').dataset;
      return Number(d.mapSteps) === s && Number(d.map) > k;
    }, [n, drawsBefore], { timeout: TIMEOUT });
    await page.mouse.move(0, 0);
    await page.waitForFunction((r) => document.querySelector('.lat-map-readout').textContent === r, readout, { timeout: TIMEOUT }).catch(() => {});
    assert.equal(await page.textContent('.lat-map-readout'), readout, 'the same epochs on top of the pretrained ones');
    assert.equal(await printOf(page, '#panel-latent .lat-map'), map, 'the same map');
    // Hung while training on: a second of silence per frame is expected; the time-out replaces it and
    // it trains on from the same copy (the batches since are lost, and said to be).
    await page.evaluate((ms) => { window.__aeTimeoutMs = ms; }, SHORT_MS);
    await hangWhileTraining(page, '/map-worker.js', n);
    await page.click('#panel-latent [data-own="train"]');
    await page.waitForFunction(() => window.__hung, null, { timeout: TIMEOUT });
    await page.waitForFunction(() => /has sent nothing while training/.test(document.querySelector('#panel-latent .lat-map-notice').textContent), null, { timeout: TIMEOUT });
    await page.evaluate(() => { window.__aeTimeoutMs = 0; });
    const again = await notice.textContent();
    assert.match(again, /^The map's worker has sent nothing while training for 10 s, so it was stopped\. A new worker started the same lesson; the model kept \d+ s ago \(\d+ epochs?, ([\d,]+) batch(?:es)? here\) was loaded back into it \(the [\d,]+ batches after it were lost\); it trains on from there\.$/, again);
    assert.equal(Number(again.match(/([\d,]+) batch(?:es)? here/)[1].replace(/,/g, '')), n, 'the same copy');
    await page.waitForFunction((k) => Number(document.getElementById('panel-latent').dataset.mapSteps) > k, n, { timeout: TIMEOUT });
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});
