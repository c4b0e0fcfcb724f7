// End-to-end tests of the capacity lab (www/labs/capacity/) against dist/ (`make dist`):
// the d control's range and messages, and that the tied toggle, the loss switch and λ each
// rebuild and retrain the page's model and update the panel's numbers. Run: node --test tests/e2e/
//
// The panel exposes what it drew on its <section> as data-* (generation, d, tied, loss, lambda,
// penalty, jacobian, psnr, probe-errors, pca-mse), set in the same call that writes the text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS, TIMEOUT, useBrowser, openPage, assertClean } from './harness.mjs';

useBrowser(['index.html', 'pkg']);

const SEL = '#panel-capacity';

const gen = (page) => page.getAttribute('#app', 'data-generation').then(Number);
const data = (page, name) => page.getAttribute(SEL, `data-${name}`);

/**
 * Wait until the panel has reported on a model newer than `after` that has trained ≥ 1 batch; a
 * change that would replace a trained model asks first (apply.js), and this answers "Replace it".
 */
async function retrained(page, after) {
  const asked = await page.waitForFunction((g) => {
    const app = document.getElementById('app');
    return document.querySelector('#cap-status .ask-yes') ? 'asked' : Number(app.dataset.generation) > g ? 'built' : false;
  }, after, { timeout: TIMEOUT }).then((h) => h.jsonValue());
  if (asked === 'asked') await page.click('#cap-status .ask-yes');
  await page.waitForFunction((g) => {
    const app = document.getElementById('app');
    const p = document.getElementById('panel-capacity');
    return Number(app.dataset.generation) > g && Number(app.dataset.steps) > 0
      && p.dataset.generation === app.dataset.generation;
  }, after, { timeout: TIMEOUT });
  return gen(page);
}

test('capacity panel: d range, tied, loss and λ each retrain and update the panel', async () => {
  const opened = await openPage('#preset=standard&d=30&epochs=1&seed=1', '#app[data-ready="true"]');
  const { context, page } = opened;
  // The report (data-d) and the probes (data-probe-errors) are separate tasks of the panel: wait for both.
  await page.waitForFunction(() => {
    const p = document.getElementById('panel-capacity');
    return p.dataset.d === '30' && p.dataset.probeErrors;
  }, null, { timeout: TIMEOUT });
  // The compression readout of d = 30: 120 bytes as f32, 30 at 8 bits, against 784.
  const comp = await page.textContent('#cap-comp');
  assert.match(comp, /120 bytes \(4 × 30\) · ratio 6\.53 : 1/);
  assert.match(comp, /30 bytes · ratio 26\.13 : 1/);
  assert.equal((await data(page, 'probe-errors')).split(',').length, 6, 'digit, 4 probes and the drawing');

  // d = 0 and d = 5000 are refused beside the control, and no model is built.
  let g = await gen(page);
  for (const bad of ['0', '5000']) {
    await page.fill('#cap-d', bad);
    await page.press('#cap-d', 'Enter');
    assert.ok(await page.isVisible('#cap-d-error'), `d=${bad} shows a message`);
    assert.match(await page.textContent('#cap-d-error'), /from 1 to 1000/);
    assert.equal(await page.getAttribute('#cap-d', 'aria-invalid'), 'true');
  }
  await page.waitForTimeout(300);
  assert.equal(await gen(page), g, 'a refused d builds no model');

  // d = 1 and d = 1000 are taken: a new model of that size is built and trained.
  for (const d of ['1', '1000']) {
    await page.fill('#cap-d', d);
    await page.press('#cap-d', 'Enter');
    assert.ok(await page.isHidden('#cap-d-error'));
    g = await retrained(page, g);
    assert.equal(await data(page, 'd'), d);
    assert.equal(await page.inputValue('#d'), d, 'the Model control shows the same d');
    assert.match(await page.evaluate(() => location.hash), new RegExp(`d=${d}&`));
  }
  await page.fill('#cap-d', '30');
  await page.press('#cap-d', 'Enter');
  g = await retrained(page, g);

  // Tied weights: a new model, trained; the hash and the panel say so.
  await page.check('#cap-tied');
  g = await retrained(page, g);
  assert.equal(await data(page, 'tied'), 'true');
  assert.match(await page.evaluate(() => location.hash), /tied=true/);
  // Loss switch: BCE with a sigmoid output on [0, 1].
  await page.selectOption('#cap-loss', 'bce');
  g = await retrained(page, g);
  assert.equal(await data(page, 'loss'), 'bce');
  assert.match(await page.textContent('#cap-loss-now'), /BCE with a sigmoid output/);
  // λ: the contractive AE; the penalty shown is the engine's (the step's penalty), and
  // λ·‖J‖² of the report is printed from the engine's Jacobian.
  // The slider is log10 λ in steps of 1/8: from −2 (the lesson's λ = 0.01, src/presets.rs), three
  // ArrowRight → −1.625, λ = 10^−1.625 = 0.0237.
  await page.focus('#cap-lambda');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.textContent('#cap-lambda-out'), '0.0237');
  g = await retrained(page, g); // one model for the three presses (the panel waits for them to stop)
  await page.waitForFunction(() => document.getElementById('panel-capacity').dataset.penalty !== '', null, { timeout: TIMEOUT });
  assert.equal(Number(await data(page, 'lambda')).toPrecision(3), '0.0237');
  assert.match(await page.evaluate(() => location.hash), /reg=contractive&lambda=0\.0237/);
  // Read in one go: the panel refreshes its report every few seconds while training.
  const { penalty, j, text } = await page.evaluate(() => {
    const p = document.getElementById('panel-capacity');
    return { penalty: Number(p.dataset.penalty), j: Number(p.dataset.jacobian), text: document.getElementById('cap-penalty').textContent };
  });
  assert.ok(penalty > 0, `penalty ${penalty}: ${text}`);
  assert.ok(text.includes(`penalty ${penalty.toFixed(5)}`), `${text} shows ${penalty}`);
  assert.ok(text.includes(`λ‖∂h/∂x‖²_F = ${(Math.fround(0.0237) * j).toFixed(5)}`), text);

  // PCA at k = d = 30 beside the AE.
  await page.click('#cap-pca');
  await page.waitForFunction(() => !!document.getElementById('panel-capacity').dataset.pcaMse, null, { timeout: TIMEOUT });
  assert.match(await page.textContent('#cap-pca-meters'), /PCA, k = 30/);
  await page.locator(SEL).screenshot({ path: `${RESULTS}/capacity-1280.png` });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.waitForTimeout(300);
  await page.locator(SEL).screenshot({ path: `${RESULTS}/capacity-390.png` });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at 390 px (${overflow} px)`);
  assertClean(opened);
  await context.close();
});
