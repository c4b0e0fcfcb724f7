// Keep and hand on, in the browser (www/app/keep.js): the page opens on the pretrained model named
// with the eval MSE of www/models/index.json; Save then Load in a fresh page draws the same
// reconstructions; a state_dict PyTorch saved loads and its sizes are shown; a truncated file and
// one of the wrong shapes are refused with their reason while the model trains on; the model kept
// in IndexedDB is offered after a reload, resumes, and is gone once forgotten. Needs `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { useBrowser, openPage, assertClean, canvasPrint, waitCanvasPrint, appAttr, appSteps, waitAppSteps, waitAppDrawn, APP_READY, ROOT, RESULTS, TIMEOUT } from './harness.mjs';

useBrowser(['index.html', 'pkg', 'models/index.json']);

const TABLE = JSON.parse(readFileSync(`${ROOT}www/models/index.json`, 'utf8')).models;
const PYTORCH_DEEP = `${ROOT}tests/fixtures/weights/deep-ae-d16-f16.safetensors`;

/** Wait until #keep has `data-<key>` equal to `value`. */
function waitKeep(page, key, value) {
  return page.waitForFunction(([k, v]) => document.getElementById('keep')?.dataset[k] === v, [key, value], { timeout: TIMEOUT });
}

/** Mean |output − input| over the drawn digit rows (0–255): small when the model reconstructs. */
function rowGap(page) {
  return page.evaluate(() => {
    const px = (id) => { const c = document.getElementById(id); return c.getContext('2d').getImageData(0, 0, c.width, c.height).data; };
    const a = px('row-input');
    const b = px('row-recon');
    let s = 0;
    for (let i = 0; i < a.length; i += 4) s += Math.abs(a[i] - b[i]);
    return s / (a.length / 4);
  });
}

/** The reconstructions drawn are `hash` again (the same model), or fail. */
const waitRecon = (page, hash) => waitCanvasPrint(page, 'row-recon', hash);

/** A safetensors file of zero-filled F32 tensors with the given shapes (the format's 8-byte header length + JSON). */
function safetensors(shapes) {
  const header = {};
  let at = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [at, at + n] };
    at += n;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, Buffer.alloc(at)]);
}

test('the page opens on the pretrained notebook AE, named with its eval MSE, and draws it before any Train', async () => {
  const entry = TABLE.find((m) => m.name === 'notebook-ae-d30');
  const p = await openPage('', APP_READY);
  try {
    await waitKeep(p.page, 'source', 'pretrained');
    await waitAppDrawn(p.page); // the rows are the pretrained model's, not the seed's before it
    const line = await p.page.textContent('#model-source');
    assert.ok(line.includes(`pretrained ${entry.title}, ${entry.epochs} epochs, eval MSE ${entry.eval_mse_clean.toFixed(4)}`), line);
    assert.equal(await appSteps(p.page), 0, 'no batch trained here');
    const trained = await rowGap(p.page);
    // The same page from a seed with no pretrained model: an untrained model's outputs.
    const q = await openPage('#seed=1', APP_READY);
    try {
      await waitKeep(q.page, 'source', 'seed');
      await waitAppDrawn(q.page);
      const untrained = await rowGap(q.page);
      assert.ok(trained < untrained / 2, `pretrained outputs are near their inputs: ${trained} vs untrained ${untrained}`);
    } finally {
      await q.context.close();
    }
    assertClean(p);
  } finally {
    await p.context.close();
  }
});

test('Save weights, then Load weights in a fresh page: the same reconstructions, and the Python to load it', async () => {
  const a = await openPage('', APP_READY);
  let path;
  let hash;
  try {
    await waitKeep(a.page, 'source', 'pretrained');
    await a.page.click('#step'); // one batch on: no longer the pretrained model the fresh page opens with
    await waitAppSteps(a.page, 1);
    const [download] = await Promise.all([a.page.waitForEvent('download', { timeout: TIMEOUT }), a.page.click('#save-weights')]);
    path = `${RESULTS}/keep-${download.suggestedFilename()}`;
    await download.saveAs(path);
    assert.match(download.suggestedFilename(), /^autoencoder-d30-20ep\.safetensors$/);
    hash = (await canvasPrint(a.page, 'row-recon')).hash;
    assert.match(await a.page.textContent('#keep-python-code'), /load_file\("autoencoder-d30-20ep\.safetensors"\)/);
    assertClean(a);
  } finally {
    await a.context.close();
  }
  const b = await openPage('', APP_READY);
  try {
    await waitKeep(b.page, 'source', 'pretrained');
    assert.notEqual((await canvasPrint(b.page, 'row-recon')).hash, hash, 'the fresh page starts elsewhere');
    await b.page.setInputFiles('#weights-file', path);
    await waitKeep(b.page, 'source', 'file');
    await waitRecon(b.page, hash);
    assert.match(await b.page.textContent('#keep-file'), /784 → 30 → 784, F32, 47,854 parameters, saved by Autoencoder Playground/);
    assertClean(b);
  } finally {
    await b.context.close();
  }
});

test('a state_dict PyTorch saved (dropped on the page) loads, its sizes shown, and trains', async () => {
  const p = await openPage('', APP_READY);
  try {
    await waitKeep(p.page, 'source', 'pretrained');
    const bytes = [...readFileSync(PYTORCH_DEEP)];
    await p.page.evaluate((b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], 'deep-ae-d16-f16.safetensors'));
      // On the loss chart, beside the Model panel: the page takes it, the tab does not open it.
      document.getElementById('chart').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    await waitKeep(p.page, 'source', 'file');
    // tests/fixtures/weights/README.md: 784-128-16-128-784, F16, no metadata.
    const info = await p.page.textContent('#keep-file');
    assert.match(info, /784 → 128 → 16 → 128 → 784, F16, .* a PyTorch state_dict/);
    assert.match(await p.page.textContent('#model-source'), /loaded from “deep-ae-d16-f16\.safetensors”/);
    assert.equal(await p.page.inputValue('#d'), '16', 'the controls follow the file');
    assert.match(await p.page.textContent('#keep-python-code'), /nn\.Linear\(784, 128\), nn\.Tanh\(\), nn\.Linear\(128, 16\)/);
    await p.page.click('#step');
    await waitAppSteps(p.page, 1);
    assertClean(p);
  } finally {
    await p.context.close();
  }
});

test('a truncated file and one of the wrong shapes are refused with their reason; the model trains on', async () => {
  const truncated = `${RESULTS}/keep-truncated.safetensors`;
  writeFileSync(truncated, readFileSync(PYTORCH_DEEP).subarray(0, 5000));
  const shapes = `${RESULTS}/keep-shapes.safetensors`;
  writeFileSync(shapes, safetensors({ 'encoder.0.weight': [30, 100], 'encoder.0.bias': [30], 'decoder.0.weight': [100, 30], 'decoder.0.bias': [100] }));
  const p = await openPage('', APP_READY);
  try {
    await waitKeep(p.page, 'source', 'pretrained');
    const generation = await appAttr(p.page, 'generation');
    await p.page.click('#train');
    await waitAppSteps(p.page, 2);
    for (const [file, reason] of [[truncated, /was not loaded: weights file: .*(truncated|invalid|not a valid)/], [shapes, /was not loaded: weights file: encoder\.0\.weight takes 100 inputs/]]) {
      await p.page.setInputFiles('#weights-file', file);
      await p.page.waitForFunction(() => document.getElementById('keep-message').classList.contains('bad'), null, { timeout: TIMEOUT });
      const text = await p.page.textContent('#keep-message');
      assert.match(text, reason);
      assert.match(text, /The current model is kept\./);
      const steps = await appSteps(p.page);
      await waitAppSteps(p.page, steps + 2); // still training
      assert.equal(await appAttr(p.page, 'running'), 'true');
      assert.equal(await appAttr(p.page, 'generation'), generation, 'the same model');
      await p.page.evaluate(() => document.getElementById('keep-message').classList.remove('bad'));
    }
    assertClean(p);
  } finally {
    await p.context.close();
  }
});

test('the last model is kept in IndexedDB: a reload offers it, Resume brings it back, Forget forgets it', async () => {
  const p = await openPage('', APP_READY);
  try {
    await waitKeep(p.page, 'source', 'pretrained');
    await p.page.click('#step');
    await waitAppSteps(p.page, 1);
    await waitKeep(p.page, 'stored', '1'); // in IndexedDB (keptSteps: in memory, before the store answers)
    const hash = (await canvasPrint(p.page, 'row-recon')).hash;
    await p.page.reload();
    await waitKeep(p.page, 'kept', 'offered');
    assert.match(await p.page.textContent('#keep-offer-text'), /d = 30, 20 epochs, 1 batch trained here on top of notebook AE \(d = 30\)\./);
    await waitKeep(p.page, 'source', 'pretrained');
    await p.page.click('#keep-resume');
    await waitKeep(p.page, 'source', 'kept');
    await waitRecon(p.page, hash);
    await p.page.reload();
    await waitKeep(p.page, 'kept', 'offered');
    await p.page.click('#keep-forget');
    await waitKeep(p.page, 'kept', 'forgotten');
    await p.page.reload();
    await waitKeep(p.page, 'kept', 'none');
    assert.ok(await p.page.isHidden('#keep-offer'));
    assertClean(p);
  } finally {
    await p.context.close();
  }
});

test('without storage (IndexedDB forbidden) the page says so once and still opens on the pretrained model', async () => {
  const p = await openPage('', null);
  try {
    await p.page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('storage is forbidden here', 'SecurityError'); } });
    });
    await p.page.reload();
    await waitKeep(p.page, 'storage', 'unavailable');
    assert.match(await p.page.textContent('#keep-storage'), /does not let the page keep your model \(storage is forbidden here\)/);
    await waitKeep(p.page, 'source', 'pretrained');
    await p.page.click('#step');
    await waitAppSteps(p.page, 1);
    assert.equal(await p.page.locator('#keep-storage:visible').count(), 1, 'said once');
    assertClean(p);
  } finally {
    await p.context.close();
  }
});

test('the denoising lab’s comparison starts from the pretrained pair, each named with its eval MSE', async () => {
  const p = await openPage('', APP_READY);
  try {
    await p.page.locator('#dn-compare').scrollIntoViewIfNeeded();
    assert.equal(await p.page.inputValue('#dn-compare-from'), 'pretrained', 'the default');
    await p.page.getByLabel('Epochs each', { exact: true }).fill('1');
    await p.page.getByRole('button', { name: 'Run the notebook’s comparison' }).click();
    await p.page.waitForSelector('#dn-compare[data-from="pretrained"]', { timeout: TIMEOUT });
    await p.page.locator('#dn-compare-pause').click();
    const status = await p.page.locator('#dn-compare .status').textContent();
    for (const name of ['notebook-ae-d30', 'notebook-dae-d500']) {
      const e = TABLE.find((m) => m.name === name);
      assert.ok(status.includes(`pretrained ${e.epochs} epochs (eval MSE ${e.eval_mse_clean.toFixed(4)} on 1,000 held-out digits)`), `${name}: ${status}`);
    }
    assertClean(p);
  } finally {
    await p.context.close();
  }
});
