// End-to-end tests of the denoising panel (www/labs/denoise/) in dist/ (build it with
// `make dist`): every part renders while the main model trains; painting with synthetic pointer
// events changes the input and the fill; the energy of a fill never rises; the face-off loads
// opencv.js from dist/vendor/ only when asked and gives the same bytes as Python's OpenCV
// (tests/oracles/inpaint-cases.json, made by tests/oracles/inpaint_opencv.py); the notebook's
// comparison trains both models and draws their kernels; no console error; nothing off-origin.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, RESULTS, TIMEOUT, useBrowser, openPage, assertClean } from './harness.mjs';

const ORACLE = JSON.parse(readFileSync(`${ROOT}tests/oracles/inpaint-cases.json`, 'utf8'));

useBrowser(['index.html', 'vendor/opencv.js']);

/** The page, once its model is ready. */
const open = (viewport = { width: 1280, height: 900 }) => openPage('', '#app[data-ready="true"]', { viewport });

/** A fingerprint and the non-white pixel count of a canvas. */
async function canvasPrint(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261, ink = 0;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619);
    for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink++;
    return { hash: h >>> 0, ink, w: c.width, h: c.height };
  }, id);
}

test('denoising panel: rows, painting and fill, face-off with opencv.js, while the model trains', { timeout: 180_000 }, async () => {
  const opened = await open();
  const { context, page, requests } = opened;
  try {
    // Train first, at the top of the page (the panel must keep working meanwhile).
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const section = page.locator('#panel-denoise');
    await section.scrollIntoViewIfNeeded();
    assert.equal(await section.locator('h2').textContent(), 'Denoising, kernels and inpainting');
    assert.equal(requests.some((u) => u.includes('opencv')), false, 'opencv.js is not loaded before the face-off runs');

    // 1. Corruption rows.
    await page.waitForSelector('#dn-corrupt[data-drawn]', { timeout: TIMEOUT });
    const before = await canvasPrint(page, 'dn-row-xc');
    assert.equal(before.w, 8 * 28 + 7 * 2);
    assert.ok(before.ink > 500, 'the corrupted row is drawn');
    await page.locator('#dn-kind').selectOption('square');
    await page.waitForSelector('#dn-corrupt[data-drawn-kind="square 12"]', { timeout: TIMEOUT });
    const square = await canvasPrint(page, 'dn-row-xc');
    assert.notEqual(square.hash, before.hash, 'a new corruption redraws the row');
    const mask = await page.evaluate(() => {
      const c = document.getElementById('dn-row-mask');
      const d = c.getContext('2d').getImageData(0, 0, 28, 28).data; // the first digit
      let black = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 0) black++;
      return black;
    });
    assert.equal(mask, 144, 'the 12×12 square is masked in the first digit');
    // A bad strength is refused with a message, not a throw.
    await page.getByLabel('Square size (pixels)', { exact: true }).fill('40');
    await page.waitForFunction(() => /from 1 to 28/.test(document.querySelector('#dn-corrupt .error').textContent), null, { timeout: TIMEOUT });

    // 4. The painting pad: paint a stroke outside the default hole with the mouse.
    await page.waitForSelector('#dn-pad[data-ready="true"]', { timeout: TIMEOUT });
    assert.equal(await page.getAttribute('#dn-pad', 'data-holes'), '100');
    const pad = page.locator('#dn-pad-input');
    await pad.scrollIntoViewIfNeeded();
    const padBefore = await canvasPrint(page, 'dn-pad-input');
    const fillBefore = await canvasPrint(page, 'dn-pad-fill');
    const box = await pad.boundingBox();
    const at = (px, py) => [box.x + (px / 28) * box.width, box.y + (py / 28) * box.height];
    await page.mouse.move(...at(3, 3));
    await page.mouse.down();
    for (let i = 3; i <= 24; i += 1) await page.mouse.move(...at(i, 4));
    await page.mouse.up();
    const holes = Number(await page.getAttribute('#dn-pad', 'data-holes'));
    assert.ok(holes > 130, `painting adds hole pixels (${holes})`);
    const padAfter = await canvasPrint(page, 'dn-pad-input');
    assert.notEqual(padAfter.hash, padBefore.hash, 'painting changes the input');
    await page.waitForFunction((h) => {
      const c = document.getElementById('dn-pad-fill');
      const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
      let x = 2166136261;
      for (let i = 0; i < d.length; i++) x = Math.imul(x ^ d[i], 16777619);
      return (x >>> 0) !== h;
    }, fillBefore.hash, { timeout: TIMEOUT });

    // Fill by gradient descent on the paused model: the energy never rises and ends lower.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#train').click(); // Train, now named Pause
    await page.waitForSelector('#app[data-running="false"]', { timeout: TIMEOUT });
    await pad.scrollIntoViewIfNeeded();
    await page.locator('#dn-pad-method').selectOption('gradient');
    await page.locator('#dn-pad-iters').fill('20');
    await page.getByRole('button', { name: 'Fill the hole' }).click();
    await page.waitForSelector('#dn-pad[data-fills="1"]', { timeout: TIMEOUT });
    const energy = JSON.parse(await page.getAttribute('#dn-pad', 'data-energy'));
    assert.equal(energy.length, 21);
    for (let i = 1; i < energy.length; i++) assert.ok(energy[i] <= energy[i - 1], `energy rose at ${i}: ${energy[i - 1]} → ${energy[i]}`);
    assert.ok(energy[20] < energy[0], 'the energy went down');
    assert.notEqual((await canvasPrint(page, 'dn-pad-input')).hash, padAfter.hash, 'the fill changes the hole');

    // 3. Face-off on the main model, 100 digits: loads opencv.js from dist/vendor/ now.
    await page.locator('#dn-fo-source').selectOption('main');
    await page.getByLabel('Test digits (100–1000)', { exact: true }).fill('100');
    await page.getByRole('button', { name: 'Run the face-off' }).click();
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('dn-faceoff').dataset.state), null, { timeout: 90_000 });
    assert.equal(await page.getAttribute('#dn-faceoff', 'data-state'), 'done', await page.locator('#dn-faceoff .error').textContent());
    const scores = JSON.parse(await page.getAttribute('#dn-faceoff', 'data-scores'));
    assert.equal(scores.length, 5);
    const by = Object.fromEntries(scores.map((s) => [s.name, s]));
    for (const s of scores) assert.ok(Number.isFinite(s.masked) && Number.isFinite(s.whole), s.name);
    const grey = by['holes left grey (no inpainting)'];
    assert.ok(by['OpenCV Telea'].masked < grey.masked && by['OpenCV Navier–Stokes'].masked < grey.masked, 'OpenCV fills better than grey');
    assert.equal(await page.locator('#dn-fo-table tbody tr').count(), 5);
    assert.ok((await canvasPrint(page, 'dn-fo-telea')).ink > 300);
    assert.ok(requests.some((u) => u.endsWith('/vendor/opencv.js')), 'opencv.js came from dist/vendor/');

    // opencv.js in this browser gives the bytes of Python's OpenCV 4.12 on the reference cases.
    const diffs = await page.evaluate(async (oracle) => {
      const w = new Worker('labs/denoise/opencv-worker.js');
      const out = [];
      for (const [i, c] of oracle.cases.entries()) {
        const res = await new Promise((resolve) => {
          w.onmessage = (ev) => resolve(ev.data);
          w.postMessage({ id: i, images: Uint8Array.from(c.img), masks: Uint8Array.from(c.mask), radius: oracle.radius });
        });
        if (res.error) { out.push(res.error); continue; }
        let t = 0, n = 0;
        for (let k = 0; k < 784; k++) { t += res.telea[k] !== c.telea[k]; n += res.ns[k] !== c.ns[k]; }
        out.push(`${c.name}: telea ${t}, ns ${n}`);
      }
      w.terminate();
      return out;
    }, ORACLE);
    assert.equal(diffs.length, 10);
    for (const d of diffs) assert.match(d, /telea 0, ns 0$/, d);

    await section.screenshot({ path: `${RESULTS}/denoise-1280.png` });
    assertClean(opened);
  } finally {
    await context.close();
  }
});

test('denoising panel: the notebook comparison trains both models; phone width', { timeout: 120_000 }, async () => {
  const opened = await open({ width: 390, height: 844 });
  const { context, page } = opened;
  try {
    await page.locator('#dn-compare').scrollIntoViewIfNeeded();
    await page.getByLabel('Epochs each', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Run the notebook’s comparison' }).click();
    await page.waitForFunction(() => {
      const b = document.getElementById('dn-compare').dataset;
      return Number(b.standardSteps) >= 3 && Number(b.denoisingSteps) >= 2 && Number(b.kernels) >= 2;
    }, null, { timeout: TIMEOUT });
    const ks = await canvasPrint(page, 'dn-kernels-standard');
    const kd = await canvasPrint(page, 'dn-kernels-denoising');
    assert.equal(ks.w, 10 * 28 + 9 * 2);
    assert.equal(ks.h, 3 * 28 + 2 * 2, '30 kernels in 3 rows');
    assert.equal(kd.h, 10 * 28 + 9 * 2, '100 kernels in 10 rows');
    assert.ok(ks.ink > 5000 && kd.ink > 50000, 'both kernel grids are painted');
    assert.ok((await canvasPrint(page, 'dn-cmp-dae')).ink > 300, 'the denoising AE output is drawn');
    // Pause and resume are one button.
    await page.locator('#dn-compare-pause').click();
    await page.waitForSelector('#dn-compare[data-running="false"]');
    // Its status line is read out through a hidden twin (kit/status-line.js): a hold at once.
    await page.waitForFunction(() => / — paused\.$/.test(document.querySelector('#dn-compare [role="status"]').textContent), null, { timeout: TIMEOUT });
    assert.equal(await page.textContent('#dn-compare [role="status"]'), await page.textContent('#dn-compare .status'));
    assert.equal(await page.getAttribute('#dn-compare .status', 'aria-live'), null, 'the line redrawn per frame is not itself live');
    // The face-off asks the comparison's denoising AE.
    await page.getByLabel('Test digits (100–1000)', { exact: true }).fill('100');
    await page.getByRole('button', { name: 'Run the face-off' }).click();
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('dn-faceoff').dataset.state), null, { timeout: 90_000 });
    assert.equal(await page.getAttribute('#dn-faceoff', 'data-state'), 'done', await page.locator('#dn-faceoff .error').textContent());
    assert.equal(await page.getAttribute('#dn-fo-table', 'data-source'), 'denoising');
    // The energy pad on the comparison's denoising AE: a projection fill never raises E.
    await page.locator('#dn-pad-source').selectOption('denoising');
    await page.waitForSelector('#dn-pad[data-source="denoising"]', { timeout: TIMEOUT });
    await page.locator('#dn-pad-iters').fill('10');
    await page.locator('#dn-pad-go').click();
    await page.waitForSelector('#dn-pad[data-fills="1"]', { timeout: TIMEOUT });
    const energy = JSON.parse(await page.getAttribute('#dn-pad', 'data-energy'));
    assert.equal(energy.length, 11);
    // A ready-made patch (the keyboard's way): the bottom half is 14 rows of 28 pixels.
    await page.locator('#dn-pad-patch').selectOption('bottom');
    await page.waitForSelector('#dn-pad[data-holes="392"]', { timeout: TIMEOUT });
    for (let i = 1; i < energy.length; i++) assert.ok(energy[i] <= energy[i - 1], `energy rose at ${i}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no horizontal scroll at phone width (${width})`);
    await page.locator('#panel-denoise').screenshot({ path: `${RESULTS}/denoise-390.png` });
    assertClean(opened);
  } finally {
    await context.close();
  }
});
