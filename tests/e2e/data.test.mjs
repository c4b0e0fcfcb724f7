// End-to-end tests of the Data box (www/app/data.js) in dist/ (build it with `make dist`): the
// data select in the URL, Fashion-MNIST training, the user's IDX files through the Load data
// picker (the shipped files round-trip; 9,000/1,000 training + test files, raw and gzip), and the
// malformed files refused with their message while the data and the model stay.
// Run: node --test tests/e2e/data.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  ROOT, TIMEOUT, useBrowser, openPage, assertClean, canvasPrint as pixels,
  APP_READY as READY, appAttr as attr, waitAppSteps as waitSteps, waitAppDrawn,
} from './harness.mjs';

useBrowser(['index.html', 'pkg', 'data/fashion10k-images-idx3-ubyte.gz']);

const IMAGES_GZ = readFileSync(`${ROOT}data/mnist10k-images-idx3-ubyte.gz`);
const LABELS_GZ = readFileSync(`${ROOT}data/mnist10k-labels-idx1-ubyte.gz`);
const IMAGES = gunzipSync(IMAGES_GZ); // 16-byte header, then 10,000 × 784 bytes
const LABELS = gunzipSync(LABELS_GZ); // 8-byte header, then 10,000 bytes

/** IDX files of images [from, to) of the shipped set, written from the format by hand. */
function idxImages(from, to) {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x803, 0);
  head.writeUInt32BE(to - from, 4);
  head.writeUInt32BE(28, 8);
  head.writeUInt32BE(28, 12);
  return Buffer.concat([head, IMAGES.subarray(16 + from * 784, 16 + to * 784)]);
}
function idxLabels(from, to) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(0x801, 0);
  head.writeUInt32BE(to - from, 4);
  return Buffer.concat([head, LABELS.subarray(8 + from, 8 + to)]);
}
const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

const BOX = '#data-box';
const boxAttr = (page, k) => page.getAttribute(BOX, `data-${k}`);

/** Unfold the Data box (folded to one line by default). */
async function openBox(page) {
  await page.evaluate(() => { document.getElementById('data-details').open = true; });
}

/** Choose `files` in the picker and wait for the worker's answer (loaded or refused). */
async function upload(page, files) {
  await page.setInputFiles('#data-file', files);
  await page.waitForSelector(`${BOX}[data-data-state="loaded"], ${BOX}[data-data-state="refused"]`, { timeout: TIMEOUT });
  return boxAttr(page, 'data-state');
}

test('the data select round-trips in the URL, and Fashion-MNIST trains', async () => {
  const opened = await openPage('#preset=standard&epochs=1&data=fashion', `${BOX}[data-data="fashion"]`);
  const { page, context } = opened;
  await page.waitForSelector(READY, { timeout: TIMEOUT });
  await openBox(page);
  assert.equal(await page.inputValue('#data-select'), 'fashion');
  assert.match(await page.textContent('#data-summary'), /^Fashion-MNIST \(9,000 training \+ 1,000 held-out\)$/);
  assert.equal(await boxAttr(page, 'train-len'), '9000');
  assert.equal(await boxAttr(page, 'test-len'), '1000');
  assert.match(await page.textContent('#data-parts'), /9,000 Fashion-MNIST images.*1,000 held-out/);
  await page.getByRole('button', { name: 'Train' }).click();
  await waitSteps(page, 3);
  assert.ok(Number(await attr(page, 'loss')) > 0, 'a loss is shown');

  // Back to MNIST from the select: the hash drops the key (MNIST is the default).
  await page.selectOption('#data-select', 'mnist');
  await page.waitForSelector(`${BOX}[data-data="mnist"]`, { timeout: TIMEOUT });
  assert.ok(!(await page.evaluate(() => location.hash)).includes('data='));
  await page.selectOption('#data-select', 'fashion');
  await page.waitForFunction(() => location.hash.includes('data=fashion'), null, { timeout: TIMEOUT });
  assertClean(opened);
  await context.close();
});

test('the shipped files round-trip through Load data; four 9,000/1,000 files are told apart', async () => {
  const base = await openPage('#seed=3', READY);
  await waitAppDrawn(base.page);
  const builtin = await pixels(base.page, 'row-recon');
  const builtinInputs = await pixels(base.page, 'row-input');

  // The two shipped files (raw images, gzip labels): the same split, the same digits, the same model.
  const gen = Number(await attr(base.page, 'generation'));
  assert.equal(await upload(base.page, [file('mnist-images-idx3-ubyte', IMAGES), file('mnist-labels-idx1-ubyte.gz', LABELS_GZ)]), 'loaded');
  await base.page.waitForFunction((g) => Number(document.getElementById('app').dataset.generation) > g, gen, { timeout: TIMEOUT });
  await base.page.waitForSelector(`${BOX}[data-data="user"]`, { timeout: TIMEOUT });
  assert.match(await base.page.textContent('#data-status'), /Your data: 9,000 training \+ 1,000 test images \(one set, split 9:1/);
  assert.equal(await base.page.inputValue('#data-select'), 'user');
  await base.page.waitForFunction(() => location.hash.includes('data=user'), null, { timeout: TIMEOUT });
  // The rows of the model on the user's files, not the built-in model's still on screen at its `ready`.
  await waitAppDrawn(base.page);
  assert.equal((await pixels(base.page, 'row-input')).hash, builtinInputs.hash, 'the same held-out digits');
  assert.equal((await pixels(base.page, 'row-recon')).hash, builtin.hash, 'the same initial model');

  // Four files, names in MNIST's style, shuffled, raw and gzip: training = the last 9,000.
  assert.equal(await upload(base.page, [
    file('t10k-labels-idx1-ubyte', idxLabels(0, 1000)),
    file('train-images-idx3-ubyte.gz', gzipSync(idxImages(1000, 10000))),
    file('t10k-images-idx3-ubyte.gz', gzipSync(idxImages(0, 1000))),
    file('train-labels-idx1-ubyte.gz', gzipSync(idxLabels(1000, 10000))),
  ]), 'loaded');
  assert.match(await base.page.textContent('#data-status'), /^Your data: 9,000 training \+ 1,000 test images\.$/);
  await base.page.getByRole('button', { name: 'Train' }).click();
  await waitSteps(base.page, 3);
  assertClean(base);
  await base.context.close();
});

test('malformed files are refused with their message; the data and the model stay', async () => {
  // Seed 1: no pretrained model matches, so no weights load replaces the model under the test.
  const opened = await openPage('#seed=1', READY);
  const { page, context } = opened;
  const gen = await attr(page, 'generation');
  const cases = [
    [[file('digits.png', Buffer.from('\x89PNG\r\n\x1a\n0123456789abcdef')), file('l.gz', LABELS_GZ)], /digits\.png is not an MNIST-format IDX file/],
    [[file('i', idxImages(0, 1000)), file('l', idxLabels(0, 9000))], /holds 1000 images but the labels file holds 9000/],
    [[file('i.gz', IMAGES_GZ.subarray(0, 50000)), file('l.gz', LABELS_GZ)], /truncated/],
    [[file('big', Buffer.concat([Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 32, 0, 0, 0, 32]), Buffer.alloc(1024)])), file('l', idxLabels(0, 1))], /32×32 pixels; the page's models take 28×28/],
    [[file('i', idxImages(0, 10))], /Choose 2 files .* you chose 1/],
  ];
  for (const [files, message] of cases) {
    await page.evaluate(() => { document.getElementById('data-box').dataset.dataState = 'idle'; });
    assert.equal(await upload(page, files), 'refused', `refused: ${message}`);
    assert.match(await page.textContent('#data-error'), message);
    assert.equal(await page.inputValue('#data-select'), 'mnist', 'the data stay');
    assert.equal(await attr(page, 'generation'), gen, 'the model stays');
  }
  assert.ok(await page.locator('#data-select option[value="user"]').isDisabled(), 'no user data came in');
  assertClean(opened);
  await context.close();
});

test('a link with the sender\'s own data says so and shows MNIST', async () => {
  const opened = await openPage('#data=user', READY);
  const { page, context } = opened;
  assert.match(await page.textContent('#data-error'), /own IDX files, which are not in this page/);
  assert.equal(await page.inputValue('#data-select'), 'mnist');
  assert.equal(await boxAttr(page, 'data'), 'mnist');
  assertClean(opened);
  await context.close();
});

test('the anomaly panel scores Fashion-MNIST clothes against held-out digits (its own AUC)', async () => {
  const opened = await openPage('#preset=standard&epochs=1', READY);
  const { page, context } = opened;
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForSelector('#app[data-done="true"][data-running="false"]', { timeout: TIMEOUT });
  await page.locator('#panel-latent').scrollIntoViewIfNeeded(); // the panel refreshes only when visible
  await page.waitForSelector('#panel-latent[data-anomaly]', { timeout: TIMEOUT });
  await page.selectOption('.lat-kind', 'clothing'); // the other set is fetched on this first choice
  await page.waitForSelector('#panel-latent[data-versus-auc]', { timeout: TIMEOUT });
  const readout = page.locator('.lat-anom-readout');
  await page.waitForFunction(() => document.querySelector('.lat-anom-readout').textContent.startsWith('Fashion-MNIST clothes:'), null, { timeout: TIMEOUT });
  const auc = Number(await readout.getAttribute('data-auc'));
  const versus = Number(await page.getAttribute('#panel-latent', 'data-versus-auc'));
  assert.ok(auc >= 0 && auc <= 1, `AUC ${auc}`);
  assert.ok(Math.abs(auc - versus) < 0.006, `the readout shows latent_versus's AUC (${auc} vs ${versus})`);
  assert.match(await readout.textContent(), /of 500 anomalies and \d+ of 500 digits/);
  assertClean(opened);
  await context.close();
});
