// End-to-end tests of the latent-space lab (www/labs/latent/) in dist/ (build it
// with `make dist`): picking two digits fills both interpolation strips, a drawing made of
// synthetic pointer events comes back reconstructed, the threshold slider changes precision and
// recall, the map picks a digit, and d = 2 / d = 1 / denoising models work too.
// Run: node --test tests/e2e/latent.test.mjs
//
// The panel counts what it paints in data-* attributes of its <section> (interp, map, drawn,
// anomaly, selected), set right after the canvases are drawn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMEOUT, useBrowser, openPage, assertClean } from './harness.mjs';

useBrowser(['index.html', 'pkg']);

/** The page at `hash`, once the latent lab has drawn its map and its anomaly report. */
async function open(hash, viewport = { width: 1280, height: 900 }) {
  const opened = await openPage(hash, '#app[data-ready="true"]', { viewport });
  await opened.page.waitForSelector('#panel-latent[data-map][data-anomaly]', { timeout: TIMEOUT });
  return opened;
}

/** The panel's paint counter `key`. */
async function counter(page, key) {
  return Number((await page.getAttribute('#panel-latent', `data-${key}`)) ?? 0);
}

async function waitCounter(page, key, above) {
  await page.waitForFunction(([k, a]) => Number(document.getElementById('panel-latent').dataset[k] ?? 0) > a, [key, above], { timeout: TIMEOUT });
}

/** Grey values (R channel) of a canvas, or of a w×h region at (x, y). */
async function grey(page, selector, region) {
  return page.evaluate(([s, r]) => {
    const c = document.querySelector(s);
    const [x, y, w, h] = r ?? [0, 0, c.width, c.height];
    const d = c.getContext('2d').getImageData(x, y, w, h).data;
    const out = [];
    for (let i = 0; i < d.length; i += 4) out.push(d[i]);
    return { width: c.width, height: c.height, px: out };
  }, [selector, region]);
}

const spread = (px) => Math.max(...px) - Math.min(...px);

test('standard AE: picking two digits fills both strips, drawing is reconstructed, the threshold moves precision/recall', async () => {
  const opened = await open('#preset=standard&d=30&seed=0');
  const { context, page } = opened;
  await page.click('#train');
  await page.locator('#panel-latent').scrollIntoViewIfNeeded(); // the panel refreshes only when visible
  await page.waitForFunction(() => Number(document.getElementById('app').dataset.steps) >= 60, null, { timeout: TIMEOUT });
  assert.ok((await counter(page, 'interp')) >= 2, 'the strips were redrawn while training');
  const a0 = await counter(page, 'anomaly');
  // Pause (the button is under the panel now): the rest is about the panel, not speed.
  await page.evaluate(() => document.getElementById('train').click());
  await waitCounter(page, 'anomaly', a0); // the paused model's report

  // 1. Picking: A = the first "0" button, B = the first "1" button.
  await page.check('input[name="lat-target"][value="A"]');
  const before = await counter(page, 'interp');
  await page.click('.lat-pick[aria-label^="digit 0"]');
  await page.click('.lat-pick[aria-label^="digit 1"]');
  await waitCounter(page, 'interp', before + 1);
  assert.match(await page.textContent('.lat-a-label'), /a 0/);
  assert.match(await page.textContent('.lat-b-label'), /a 1/);
  const pix = await grey(page, '.lat-strip-pixel');
  const lat = await grey(page, '.lat-strip-latent');
  assert.equal(pix.width, 9 * 28 + 8 * 2, 'nine tiles of 28 px with 2 px gaps');
  assert.equal(lat.width, pix.width);
  // The first pixel-space tile is digit A itself, the last digit B.
  const a = await grey(page, '.lat-a');
  const b = await grey(page, '.lat-b');
  assert.deepEqual((await grey(page, '.lat-strip-pixel', [0, 0, 28, 28])).px, a.px);
  assert.deepEqual((await grey(page, '.lat-strip-pixel', [8 * 30, 0, 28, 28])).px, b.px);
  // The latent strip shows images (not a blank canvas), different from the pixel strip's middle.
  const latMid = (await grey(page, '.lat-strip-latent', [4 * 30, 0, 28, 28])).px;
  const pixMid = (await grey(page, '.lat-strip-pixel', [4 * 30, 0, 28, 28])).px;
  assert.ok(spread(latMid) > 60, 'latent middle frame has contrast');
  assert.notDeepEqual(latMid, pixMid);
  // The α slider redraws the large pair.
  const n0 = await counter(page, 'interp');
  await page.fill('#lat-alpha', '0.2');
  await waitCounter(page, 'interp', n0);
  assert.equal(await page.textContent('#lat-alpha-out'), '0.20');

  // 2. Drawing with synthetic pointer events: a "7".
  await page.locator('.lat-pad').scrollIntoViewIfNeeded();
  const box = await page.locator('.lat-pad').boundingBox();
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  const d0 = await counter(page, 'drawn');
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [fx, fy] of [[0.45, 0.2], [0.75, 0.2], [0.6, 0.5], [0.45, 0.85]]) await page.mouse.move(...at(fx, fy), { steps: 6 });
  await page.mouse.up();
  await waitCounter(page, 'drawn', d0);
  const rec = await grey(page, '.lat-draw-rec');
  const inp = await grey(page, '.lat-draw-in');
  assert.equal(rec.width, 28);
  assert.ok(spread(rec.px) > 60, 'the reconstruction is an image');
  assert.ok(spread(inp.px) > 150, 'the preprocessed input has ink');
  // MNIST-like: the border rows of the preprocessed input are background (black).
  assert.ok(inp.px.slice(0, 28).every((v) => v < 40), 'top row is background');
  assert.match(await page.textContent('.lat-draw-error'), /e\(x\) = \d/);
  assert.equal(await page.locator('.lat-use-a').isDisabled(), false);
  // Clear, then an empty pad refuses with a message (no exception).
  await page.click('.lat-clear');
  assert.equal(await page.locator('.lat-use-a').isDisabled(), true);

  // 3. The threshold: far left flags everything (recall 1), far right nothing (recall 0).
  const readout = page.locator('.lat-anom-readout');
  await page.focus('#lat-threshold');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('.lat-anom-readout').dataset.recall === '1.00');
  const lowPrecision = Number(await readout.getAttribute('data-precision'));
  assert.ok(Math.abs(lowPrecision - 400 / 900) < 0.01, `precision with everything flagged: ${lowPrecision}`);
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('.lat-anom-readout').dataset.recall === '0.00');
  assert.equal(await readout.getAttribute('data-precision'), '—');
  const auc = Number(await readout.getAttribute('data-auc'));
  assert.ok(auc >= 0 && auc <= 1, `AUC ${auc}`);
  // The noise alone: after some training the AUC of noise vs digits is near 1.
  await page.selectOption('.lat-kind', 'noise');
  // The readout redraws on its next frame: wait for it, then require the separation.
  await page.waitForFunction(() => Number(document.querySelector('.lat-anom-readout').dataset.auc) > 0.9, null, { timeout: 10_000 }).catch(() => {});
  const noiseAuc = Number(await readout.getAttribute('data-auc'));
  assert.ok(noiseAuc > 0.9, `noise separates from digits (AUC ${noiseAuc})`);
  // A heat map for a selected input.
  const s0 = await counter(page, 'selected');
  await page.focus('.lat-ex-anom');
  await page.keyboard.press('ArrowRight');
  await waitCounter(page, 'selected', s0);
  assert.ok(spread((await grey(page, '.lat-sel-heat')).px) > 0, 'the heat map is painted');

  // 4. The map: clicking a dot picks it as the next target.
  const target = await page.locator('input[name="lat-target"]:checked').getAttribute('value');
  await page.focus('.lat-map');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent(target === 'A' ? '.lat-a-label' : '.lat-b-label'), /image 0\)/);
  assertClean(opened);
  await context.close();
});

test('d = 2 plots the code itself, d = 1 and the denoising AE work, at phone width', async () => {
  for (const [hash, method] of [['#preset=standard&d=2&seed=1', 'code'], ['#preset=standard&d=1&seed=1', 'code'], ['#preset=denoising&d=500&seed=0', 'pca-subspace']]) {
    const opened = await open(hash, { width: 390, height: 800 });
    const { context, page } = opened;
    await page.locator('#panel-latent').scrollIntoViewIfNeeded();
    assert.equal(await page.getAttribute('.lat-map', 'data-method'), method, hash);
    const readout = await page.textContent('.lat-map-readout');
    assert.match(readout, /d = \d+/, hash);
    // The strips are filled for the default pair, and the page does not scroll sideways.
    assert.ok(spread((await grey(page, '.lat-strip-latent')).px) > 0, `${hash}: latent strip painted`);
    // Between the dots the map decodes the point under the pointer (top-left corner: no dots).
    await page.locator('.lat-map').scrollIntoViewIfNeeded();
    const box = await page.locator('.lat-map').boundingBox();
    const d0 = await counter(page, 'decoded');
    await page.mouse.move(box.x + 3, box.y + 3);
    await page.mouse.move(box.x + 4, box.y + 4);
    await waitCounter(page, 'decoded', d0);
    assert.equal(await page.textContent('.lat-tip span'), 'D(h)');
    assert.ok(spread((await grey(page, '.lat-tip canvas')).px) >= 0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${hash}: page wider than the phone by ${overflow}px`);
    assertClean(opened);
    await context.close();
  }
});
