// The 2-D manifold lab opens trained: with the page's default settings each of its three
// autoencoders loads the site's pretrained model (www/models/manifold.json, `make pretrained`)
// and says so with its steps and loss, the field is drawn before any Train press, Step trains on
// from the file's steps, Reset starts from the seed; other settings and a drawn curve start from
// the seed and say why; the embed (embed.html?lab=manifold) opens the same way. Needs `make dist`. Run: node --test tests/e2e/manifold-pretrained.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TIMEOUT, useBrowser, openPage, assertClean, canvasPrint } from './harness.mjs';

useBrowser(['manifold.html', 'embed.html', 'pkg', 'models/manifold.json', 'models/manifold-circle-standard.safetensors']);

const READY = '#lab[data-ready="true"]';
const VARIANTS = ['standard', 'denoising', 'contractive'];
/** The table the page reads (scripts/pretrained-manifold.sh wrote it from the CLI's runs). */
const TABLE = JSON.parse(readFileSync(new URL('../../www/models/manifold.json', import.meta.url), 'utf8')).models;

const attr = (page, name) => page.getAttribute('#lab', `data-${name}`);
const waitFrames = (page, n) => page.waitForFunction((k) => Number(document.getElementById('lab').dataset.frames) >= k, n, { timeout: TIMEOUT });

test('the default lab opens on the pretrained models, named with steps and loss; Step trains on; Reset starts from the seed', async () => {
  const opened = await openPage('manifold.html', READY);
  const { page, requests } = opened;
  try {
    await waitFrames(page, 1);
    assert.equal(await attr(page, 'origins'), 'pretrained,pretrained,pretrained');
    for (const v of VARIANTS) {
      const entry = TABLE.find((m) => m.name === `manifold-circle-${v}`);
      assert.ok(requests.some((u) => u.endsWith(`models/${entry.file}`)), `${v}: its file was fetched`);
      assert.equal(await page.textContent(`#origin-${v}`),
        `pretrained: ${v} AE on the circle, ${entry.steps.toLocaleString('en')} steps, loss ${entry.final_loss.toPrecision(3)}`);
    }
    assert.equal(await attr(page, 'steps'), '0', 'nothing trained here yet');
    assert.equal(await attr(page, 'total-steps'), '10000');
    // The sensitivity sentence measures the pretrained models, not "untrained" ones.
    assert.match(await page.textContent('#ratio-claim'), /after 10,000 steps on the circle, mean σ₂\/σ₁ is \d\.\d\d for the contractive autoencoder/);
    const pretrained = (await canvasPrint(page, 'field-denoising')).hash;

    await page.getByRole('button', { name: 'Step' }).click();
    await page.waitForFunction(() => document.getElementById('lab').dataset.totalSteps === '10001', null, { timeout: TIMEOUT });
    assert.equal(await attr(page, 'steps'), '1');

    const gen = Number(await attr(page, 'generation'));
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.waitForFunction((g) => Number(document.getElementById('lab').dataset.generation) > g, gen, { timeout: TIMEOUT });
    await page.waitForFunction(() => document.getElementById('lab').dataset.totalSteps === '0', null, { timeout: TIMEOUT });
    assert.equal(await attr(page, 'origins'), 'seed,seed,seed');
    assert.equal(await page.textContent('#origin-standard'), 'from seed 0');
    assert.notEqual((await canvasPrint(page, 'field-denoising')).hash, pretrained, 'the seed draws another field');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

test('every built-in curve opens pretrained; other settings start from the seed and say why', async () => {
  const opened = await openPage('manifold.html#curve=spiral', READY);
  const { page } = opened;
  try {
    await waitFrames(page, 1);
    assert.equal(await attr(page, 'origins'), 'pretrained,pretrained,pretrained');
    assert.match(await page.textContent('#origin-contractive'), /^pretrained: contractive AE on the spiral, 10,000 steps, loss \d/);
    // σ shapes only the denoising AE: the other two stay pretrained.
    const gen = Number(await attr(page, 'generation'));
    await page.fill('#sigma', '0.3');
    await page.press('#sigma', 'Enter');
    await page.waitForFunction((g) => Number(document.getElementById('lab').dataset.generation) > g, gen, { timeout: TIMEOUT });
    assert.equal(await attr(page, 'origins'), 'pretrained,seed,pretrained');
    await page.waitForFunction(() => /^from seed 0/.test(document.getElementById('origin-denoising').textContent), null, { timeout: TIMEOUT });
    assert.equal(await page.textContent('#origin-denoising'), 'from seed 0 (no pretrained model has these settings)');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

test('a drawn curve has no pretrained model, and says so', async () => {
  // A stroke from (−1, 0.75) to (1, 0.75): two points, 12-bit base64url (manifold/state.js).
  const opened = await openPage('manifold.html#curve=drawn&stroke=Krv_1Vv_', READY);
  const { page } = opened;
  try {
    await waitFrames(page, 1);
    assert.equal(await attr(page, 'origins'), 'seed,seed,seed');
    assert.equal(await page.textContent('#origin-standard'), 'from seed 0 (a drawn curve has no pretrained model)');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

test('the embedded 2-D lab opens on the same pretrained models', async () => {
  const opened = await openPage('embed.html?lab=manifold#curve=arcs', READY);
  const { page } = opened;
  try {
    await waitFrames(page, 1);
    assert.equal(await attr(page, 'origins'), 'pretrained,pretrained,pretrained');
    assert.match(await page.textContent('#origin-denoising'), /^pretrained: denoising AE on the arcs, 10,000 steps, loss \d/);
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});
