// End-to-end tests of the lessons (www/labs/capacity/, www/manifold/) against dist/ (`make dist`):
// the page's lesson defaults are the engine's presets (src/presets.rs, through `presets()`); a
// capacity control asks before it replaces a trained model and keeps it on "Keep it"; the
// contractive, BCE and 2-D sensitivity sentences carry their live numbers and a verdict that
// follows them; the 2-D lab's default run stops by itself (its time is printed); a page opened
// from disk says how to serve it. Run: node --test tests/e2e/lessons.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, TIMEOUT, APP_READY, useBrowser, openPage, assertClean, appAttr, waitAppSteps } from './harness.mjs';

const env = useBrowser(['index.html', 'manifold.html', 'pkg']);

/** The engine's preset table, read in the page from the built wasm module (the oracle here). */
const enginePresets = (page) => page.evaluate(async () => {
  const m = await import('./pkg/autoencoder_playground.js');
  await m.default();
  return m.presets();
});

/** Click the capacity control `act`, answer the question in `status` with `answer`. */
async function answerAsk(page, status, answer) {
  await page.waitForSelector(`${status} .ask-${answer}`, { timeout: TIMEOUT });
  const text = await page.textContent(status);
  await page.click(`${status} .ask-${answer}`);
  return text;
}

test('a page opened from disk says how to serve its folder (both pages)', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  for (const file of ['index.html', 'manifold.html']) {
    await page.goto(`file://${DIST}/${file}`);
    await page.waitForSelector('#status[data-file-url="true"]', { timeout: TIMEOUT });
    const text = await page.textContent('#status');
    assert.match(text, /cannot run from a file on disk/, `${file}: ${text}`);
    assert.match(text, /python3 -m http\.server/, `${file}: ${text}`);
    assert.equal(await page.textContent('[role="status"]#status-said'), text, `${file}: read out too`);
  }
  await context.close();
});

test("the page's lesson defaults are the engine's presets", async () => {
  const opened = await openPage('', APP_READY);
  const { page } = opened;
  const table = await enginePresets(page);
  const f32 = (v) => Math.fround(v);
  const cae = table.mnist.find((p) => p.key === 'contractive').settings;
  const { LAB_DEFAULTS } = await page.evaluate(async () => ({ LAB_DEFAULTS: (await import('./state.js')).LAB_DEFAULTS }));
  assert.equal(f32(LAB_DEFAULTS.lambda), cae.lambda, 'contractive λ of the hash default');
  const { DEFAULTS } = await page.evaluate(async () => ({ DEFAULTS: (await import('./manifold/state.js')).DEFAULTS }));
  for (const p of table.manifold) {
    assert.equal(f32(DEFAULTS.lr), p.settings.lr, `${p.key} lr`);
    assert.equal(f32(DEFAULTS.lambda), p.settings.lambda, `${p.key} λ`);
  }
  assertClean(opened);
  await opened.context.close();
});

// Seed 1: no pretrained model matches, so no weights arrive after the page is ready (keep.js).
test('capacity: a trained model is kept on "Keep it", replaced on "Replace it"; the BCE and contractive lessons show their live numbers', async () => {
  const opened = await openPage('#preset=standard&d=30&epochs=1&seed=1', APP_READY);
  const { page } = opened;
  const table = await enginePresets(page);
  await page.click('#train');
  await waitAppSteps(page, 1);
  // Switching the loss of a trained model asks, naming the batches at stake; "Keep it" keeps it.
  const g0 = await appAttr(page, 'generation');
  await page.selectOption('#cap-loss', 'bce');
  const question = await answerAsk(page, '#cap-status', 'no');
  assert.match(question, /discards the current one, trained for [\d,]+ batches/, question);
  assert.match(await page.textContent('#cap-status'), /Kept the current model/);
  assert.equal(await page.inputValue('#cap-loss'), 'mse', 'the control shows the kept model');
  await page.waitForTimeout(500);
  assert.equal(await appAttr(page, 'generation'), g0, 'no model was built');

  // The BCE lesson button: after "Replace it" the new model trains at the engine's lr and batch.
  const bce = table.mnist.find((p) => p.key === 'bce');
  await page.waitForSelector('#panel-capacity [data-preset="bce"]:not([disabled])', { timeout: TIMEOUT });
  assert.equal(await page.textContent('[data-preset="bce"]'), bce.label);
  await page.click('[data-preset="bce"]');
  await answerAsk(page, '#cap-loss-claim', 'yes');
  await page.waitForFunction((g) => Number(document.getElementById('app').dataset.generation) > g, Number(g0), { timeout: TIMEOUT });
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, new RegExp(`lr=${Number(bce.settings.lr.toPrecision(6))}&batch=${bce.settings.batch}&`), hash);
  assert.match(hash, /loss=bce/);
  // The verdict of the new BCE model (the replaced model's last report may come meanwhile).
  await page.waitForFunction(() => {
    const p = document.getElementById('panel-capacity');
    return p.dataset.loss === 'bce' && ['plateau', 'left'].includes(p.dataset.lossClaim) && /^BCE/.test(document.getElementById('cap-loss-claim').textContent);
  }, null, { timeout: TIMEOUT });
  const loss = await page.evaluate(() => ({ text: document.getElementById('cap-loss-claim').textContent, ...document.getElementById('panel-capacity').dataset }));
  assert.ok(loss.text.includes(`PSNR ${Number(loss.lossPsnr).toFixed(2)} dB`), `the sentence carries the live PSNR: ${loss.text}`);
  assert.match(loss.text, loss.lossClaim === 'plateau' ? /still on the mean-digit plateau/ : /has left the mean-digit plateau/);

  // The contractive lesson: the sentence carries the engine's ‖∂h/∂x‖² and its verdict follows it.
  const cae = table.mnist.find((p) => p.key === 'contractive');
  await waitAppSteps(page, 1);
  await page.click('[data-preset="contractive"]');
  await answerAsk(page, '#cap-cae-claim', 'yes');
  await page.waitForFunction(() => ['contracts', 'collapsed'].includes(document.getElementById('panel-capacity').dataset.caeClaim)
    && /^λ/.test(document.getElementById('cap-cae-claim').textContent), null, { timeout: TIMEOUT });
  const c = await page.evaluate(() => ({ text: document.getElementById('cap-cae-claim').textContent, ...document.getElementById('panel-capacity').dataset }));
  assert.equal(Math.fround(Number(c.lambda)), cae.settings.lambda, 'the lesson λ is the engine preset');
  const j = Number(c.jacobian);
  if (c.caeClaim === 'contracts') assert.ok(c.text.includes(`‖∂h/∂x‖²_F = ${j.toFixed(2)}`), c.text);
  else assert.ok(c.text.includes(j.toExponential(1)) && /too large/.test(c.text), c.text);
  assertClean(opened);
  await opened.context.close();
});

test('2-D lab: the default run stops by itself at the preset step count; the σ₂/σ₁ sentence carries both live ratios', async () => {
  const opened = await openPage('manifold.html', '#lab[data-ready="true"]');
  const { page } = opened;
  const table = await enginePresets(page);
  const steps = table.manifold[0].steps;
  // The page opens on pretrained models (www/models/manifold.json); the lesson's run is from the seed.
  await page.waitForFunction(() => document.getElementById('lab').dataset.origins === 'pretrained,pretrained,pretrained', null, { timeout: TIMEOUT });
  await page.click('#reset');
  await page.waitForFunction(() => document.getElementById('lab').dataset.origins === 'seed,seed,seed' && !document.getElementById('train').disabled, null, { timeout: TIMEOUT });
  await page.click('#train');
  const t0 = Date.now();
  // Four minutes was the old default run; the lesson's stop is meant to come well before.
  await page.waitForFunction(() => document.getElementById('lab').dataset.done === 'true', null, { timeout: 240_000, polling: 500 });
  const seconds = (Date.now() - t0) / 1000;
  console.log(`2-D lab default run: ${steps} steps in ${seconds.toFixed(1)} s in the page (loaded machine)`);
  assert.equal(Number(await page.getAttribute('#lab', 'data-steps')), steps);
  const r = await page.evaluate(() => ({ text: document.getElementById('ratio-claim').textContent, ...document.getElementById('lab').dataset }));
  const c = Number(r.ratioContractive);
  const s = Number(r.ratioStandard);
  assert.ok(r.text.includes(c.toFixed(2)) && r.text.includes(s.toFixed(2)), r.text);
  assert.match(r.text, c < 0.6 * s ? /flattens them/ : /has not flattened them/);
  console.log(`2-D lab at the stop: σ₂/σ₁ contractive ${c.toFixed(3)}, standard ${s.toFixed(3)}`);
  assertClean(opened);
  await opened.context.close();
});

test("latent map: the d = 2 lesson trains its own model (the main one untouched) and the sentence carries the live separation", async () => {
  const opened = await openPage('#preset=standard&d=30&epochs=1&seed=1', APP_READY);
  const { page } = opened;
  const g0 = await appAttr(page, 'generation');
  await page.waitForSelector('[data-map="map_2d"]:not([disabled])', { timeout: TIMEOUT });
  await page.click('[data-map="map_2d"]');
  // It opens on the site's pretrained model (tests/e2e/pretrained.test.mjs); from its seed it trains.
  await page.waitForFunction(() => document.getElementById('panel-latent').dataset.mapFrom === 'pretrained', null, { timeout: TIMEOUT });
  await page.click('[data-own="seed"]');
  // Two frames of the map's own model: the sentence is rewritten with each one's number.
  await page.waitForFunction(() => {
    const p = document.getElementById('panel-latent');
    return p.dataset.mapSource === 'map_2d' && /epoch [1-9]/.test(p.querySelector('.lat-map-readout').textContent);
  }, null, { timeout: 120_000, polling: 500 });
  const m = await page.evaluate(() => {
    const p = document.getElementById('panel-latent');
    return { text: p.querySelector('.lat-map-claim').textContent, ratio: Number(p.dataset.mapSeparation), rms: Number(p.dataset.mapRms) };
  });
  if (m.rms < 0.01) assert.match(m.text, /nearly the same code/, m.text);
  else assert.ok(m.text.includes(`spread ${m.ratio.toFixed(2)}`), `${m.text} carries ${m.ratio}`);
  console.log(`latent map, 784-50-50-2 after ≥ 1 epoch in the page: between/within ${m.ratio.toFixed(3)}, RMS ${m.rms.toFixed(3)}`);
  assert.equal(await appAttr(page, 'generation'), g0, 'the main model was not rebuilt');
  await page.click('[data-map="main"]');
  await page.waitForFunction(() => document.getElementById('panel-latent').dataset.mapSource === 'main', null, { timeout: TIMEOUT });
  assertClean(opened);
  await opened.context.close();
});
