// End-to-end tests of the labs that open trained (www/models/, made by `make pretrained`): the
// capacity lab's lessons (contractive, BCE, tied linear) load the site's pretrained model of
// their preset instead of training from the seed, and their sentences name it and count its
// epochs before any Train press; the latent map's d = 2 lesson opens on its pretrained
// 784-50-50-2 model, trains on, and restarts from its seed; the failure-on-purpose lessons
// (contractive λ = 0.1, BCE on the plateau, the one-layer d = 2 map) open on their pretrained end state; the Model panel's "Train bigger in
// PyTorch" note shows the README's lines. Every wait is on a condition. Needs `make dist`.
// Run: node --test tests/e2e/pretrained.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, TIMEOUT, APP_READY, useBrowser, openPage, assertClean, appSteps } from './harness.mjs';

useBrowser(['index.html', 'pkg', 'models/index.json', 'models/map-2d.safetensors', 'models/map-2d-one-layer.safetensors']);

const TABLE = JSON.parse(readFileSync(`${ROOT}www/models/index.json`, 'utf8')).models;
const entry = (name) => TABLE.find((m) => m.name === name);
const CAP = '#panel-capacity';

/**
 * Wait until the page holds the pretrained model `name` and the capacity lab has reported on
 * it (its data-generation is the page's: set last, after every experiment heard the report).
 */
async function waitPretrained(page, name) {
  const title = entry(name).title;
  await page.waitForFunction((t) => {
    const keep = document.getElementById('keep');
    const app = document.getElementById('app');
    const cap = document.getElementById('panel-capacity');
    return keep.dataset.source === 'pretrained' && document.getElementById('model-source').textContent.includes(t)
      && cap.dataset.generation === app.dataset.generation && app.dataset.ready === 'true';
  }, title, { timeout: TIMEOUT });
}

/** Click the capacity lesson button of preset `key` once the lab has its presets. */
async function lesson(page, key) {
  const b = page.locator(`${CAP} [data-preset="${key}"]`);
  await b.scrollIntoViewIfNeeded();
  await page.waitForFunction((k) => !document.querySelector(`#panel-capacity [data-preset="${k}"]`).disabled, key, { timeout: TIMEOUT });
  await b.click();
}

test('capacity: the contractive, BCE and tied linear lessons open on their pretrained models, before any Train', async () => {
  const opened = await openPage('', APP_READY);
  const { page } = opened;
  await waitPretrained(page, 'notebook-ae-d30');

  // Contractive λ = 0.01: the pretrained file, its verdict from the engine's ‖∂h/∂x‖², no batch here.
  await lesson(page, 'contractive');
  await waitPretrained(page, 'contractive-d30');
  await page.waitForFunction(() => document.getElementById('panel-capacity').dataset.caeClaim === 'contracts', null, { timeout: TIMEOUT });
  assert.equal(await appSteps(page), 0, 'shown as pretrained, not trained from the seed');
  const cae = await page.textContent('#cap-cae-claim');
  assert.match(cae, /^λ = 0\.01: the code contracts while the digits stay — ‖∂h\/∂x‖²_F = \d+\.\d\d against \d+\.\d\d for the standard model/, cae);
  assert.ok(cae.includes('after 20 epochs (pretrained)'), cae);
  // The measured sensitivities (src/presets.rs: 0.72 vs 3.26 at 20 epochs): the penalty shrinks it.
  const [jCae, jStd] = cae.match(/\d+\.\d\d/g).slice(1, 3).map(Number);
  assert.ok(jCae < jStd / 2, `contractive ‖J‖² ${jCae} well below the standard model's ${jStd}`);
  console.log(`pretrained contractive lesson: ${cae}`);
  assert.ok((await page.textContent('#cap-status')).includes(`Model: pretrained ${entry('contractive-d30').title}`));
  assert.equal(await page.evaluate(() => location.hash.includes('lambda=')), false, 'λ is the page default: the hash does not carry it');

  // Failure on purpose, λ = 0.1: its pretrained end state, the code ignoring the input.
  await lesson(page, 'contractive_too_large');
  await waitPretrained(page, 'contractive-too-large-d30');
  await page.waitForFunction(() => document.getElementById('panel-capacity').dataset.caeClaim === 'collapsed', null, { timeout: TIMEOUT });
  assert.equal(await appSteps(page), 0, 'the failure is shown pretrained, not trained from the seed');
  const bad = await page.textContent('#cap-cae-claim');
  assert.ok(bad.includes('after 20 epochs (pretrained)'), bad);
  console.log(`pretrained λ-too-large lesson: ${bad}`);

  // BCE, lr 0.003, batch 64: it has left the mean-digit plateau (PLATEAU_DB, lessons.js).
  await lesson(page, 'bce');
  await waitPretrained(page, 'bce-d30');
  await page.waitForFunction(() => document.getElementById('panel-capacity').dataset.lossClaim === 'left', null, { timeout: TIMEOUT });
  assert.equal(await appSteps(page), 0);
  const bce = await page.textContent('#cap-loss-claim');
  assert.match(bce, /^BCE has left the mean-digit plateau: PSNR \d+\.\d\d dB after 20 epochs \(pretrained\)/, bce);
  console.log(`pretrained BCE lesson: ${bce}`);

  // Failure on purpose, BCE at lr 0.001 and batch 256: after 20 epochs still on the mean digit.
  await lesson(page, 'bce_plateau');
  await waitPretrained(page, 'bce-plateau-d30');
  await page.waitForFunction(() => document.getElementById('panel-capacity').dataset.lossClaim === 'plateau', null, { timeout: TIMEOUT });
  assert.equal(await appSteps(page), 0);
  const flat = await page.textContent('#cap-loss-claim');
  assert.ok(flat.includes(`after ${entry('bce-plateau-d30').epochs} epochs (pretrained)`), flat);
  console.log(`pretrained BCE plateau lesson: ${flat}`);

  // Tied linear AE: beside PCA with k = d, the AE's error near PCA's floor.
  await page.click('#cap-linear');
  await waitPretrained(page, 'tied-linear-d30');
  assert.equal(await appSteps(page), 0);
  await page.click('#cap-pca');
  await page.waitForFunction(() => /AE \/ PCA = /.test(document.getElementById('cap-pca-meters').textContent), null, { timeout: TIMEOUT });
  const meters = await page.textContent('#cap-pca-meters');
  const ratio = Number(meters.match(/AE \/ PCA = (\d+\.\d+)/)[1]);
  // src/presets.rs measured 0.0754 vs PCA's 0.0720 after 20 epochs (1.05); an untrained one is far above.
  assert.ok(ratio > 0.9 && ratio < 1.25, `the tied linear AE sits near PCA's error: ratio ${ratio}`);
  console.log(`pretrained tied linear AE: ${meters.replace(/\s+/g, ' ').trim()}`);

  // "Run this model" trains the pretrained model on (no new model).
  const gen = await page.getAttribute('#app', 'data-generation');
  await page.click('#cap-train');
  await page.waitForFunction(() => Number(document.getElementById('app').dataset.steps) > 0, null, { timeout: TIMEOUT });
  assert.equal(await page.getAttribute('#app', 'data-generation'), gen);
  assert.equal(await page.getAttribute('#keep', 'data-source'), 'pretrained');
  assertClean(opened);
  await opened.context.close();
});

test('latent map: the d = 2 lesson opens on its pretrained model, trains on, restarts from its seed', async () => {
  const opened = await openPage('', APP_READY);
  const { page } = opened;
  const e = entry('map-2d');
  await page.waitForSelector('#panel-latent[data-map]', { timeout: TIMEOUT });
  const b = page.locator('#panel-latent [data-map="map_2d"]');
  await b.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => !document.querySelector('#panel-latent [data-map="map_2d"]').disabled, null, { timeout: TIMEOUT });
  await b.click();
  await page.waitForFunction(() => {
    const d = document.getElementById('panel-latent').dataset;
    return d.mapSource === 'map_2d' && d.mapFrom === 'pretrained';
  }, null, { timeout: TIMEOUT });
  const readout = await page.textContent('.lat-map-readout');
  assert.ok(readout.includes(`pretrained ${e.title}, ${e.epochs} epochs, eval MSE ${e.eval_mse_clean.toFixed(4)} on 1,000 held-out digits`), readout);
  const claim = await page.textContent('.lat-map-claim');
  assert.match(claim, new RegExp(`spread \\d+\\.\\d\\d after ${e.epochs} epochs \\(pretrained\\)`), claim);
  // src/presets.rs measured a between/within ratio of about 1 for this preset at 10 epochs;
  // a map from an untrained encoder has its classes on top of each other (about 0).
  const ratio = Number(await page.getAttribute('#panel-latent', 'data-map-separation'));
  assert.ok(ratio > 0.5, `the pretrained map pulls the classes apart: ${ratio}`);
  console.log(`pretrained d = 2 map: ${claim}`);
  assert.equal(await appSteps(page), 0, 'the main model is untouched');

  // Train it on: the worker trains more epochs on top of the pretrained ones.
  await page.click('#panel-latent [data-own="train"]');
  await page.waitForFunction(() => /\+ \d+ epochs here/.test(document.querySelector('.lat-map-readout').textContent), null, { timeout: TIMEOUT });
  // From its seed: the map of an untrained model, then the classes pulling apart as it trains.
  await page.click('#panel-latent [data-own="seed"]');
  await page.waitForFunction(() => document.getElementById('panel-latent').dataset.mapFrom === 'seed', null, { timeout: TIMEOUT });
  assert.match(await page.textContent('.lat-map-readout'), /its own model, epoch \d+ of 10/);

  // Failure on purpose: the one-layer d = 2 encoder, pretrained, gives every digit one code.
  const one = entry('map-2d-one-layer');
  await page.click('#panel-latent [data-map="map_2d_one_layer"]');
  await page.waitForFunction(() => {
    const d = document.getElementById('panel-latent').dataset;
    return d.mapSource === 'map_2d_one_layer' && d.mapFrom === 'pretrained';
  }, null, { timeout: TIMEOUT });
  const oneReadout = await page.textContent('.lat-map-readout');
  assert.ok(oneReadout.includes(`pretrained ${one.title}, ${one.epochs} epochs`), oneReadout);
  // separation.js: below its RMS-spread floor the claim says every digit has nearly one code
  // (src/presets.rs measured a spread of 0.001–0.003 for this preset at 20 epochs).
  await page.waitForFunction(() => /Every digit has nearly the same code here/.test(document.querySelector('.lat-map-claim').textContent), null, { timeout: TIMEOUT });
  console.log(`pretrained one-layer d = 2 map: ${await page.textContent('.lat-map-claim')}`);
  assertClean(opened);
  await opened.context.close();
});

test('the Model panel says how to train bigger in PyTorch, with the README’s lines', async () => {
  const opened = await openPage('', APP_READY);
  const { page } = opened;
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const block = /## Outgrowing the browser[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)[1].trimEnd();
  await page.click('#pytorch-note summary');
  assert.ok(await page.isVisible('#pytorch-note pre'));
  assert.equal(await page.textContent('#pytorch-note code'), block);
  assertClean(opened);
  await opened.context.close();
});
