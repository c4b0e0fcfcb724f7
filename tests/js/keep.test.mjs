// Node tests of the keep feature's pure parts: which pretrained model fits the page's settings
// (www/kit/models.js against www/models/index.json, the table `make pretrained` wrote), and what
// the page says and writes about a model (www/app/keep-text.js). No browser. Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { State } from '../../www/state.js';
import { canonical, sameSettings, matchModel, ENGINE_DEFAULTS } from '../../www/kit/models.js';
import { sourceLine, describeFile, pythonSnippet, patchOf, fmtSizes, saveName } from '../../www/app/keep-text.js';

const TABLE = JSON.parse(readFileSync(new URL('../../www/models/index.json', import.meta.url), 'utf8')).models;

test('models: the page opens on the notebook AE, the denoising preset on the notebook DAE, other settings on none', () => {
  assert.equal(matchModel(TABLE, new State().trainerSettings())?.name, 'notebook-ae-d30');
  assert.equal(matchModel(TABLE, State.fromHash('#preset=denoising').trainerSettings())?.name, 'notebook-dae-d500');
  // (The capacity lab's lessons have their own files: tests/js/models.test.mjs.)
  for (const hash of ['#seed=1', '#d=31', '#lr=0.002', '#preset=denoising&p=0.4', '#tied=true', '#loss=bce&batch=128', '#reg=contractive&lambda=0.02']) {
    assert.equal(matchModel(TABLE, State.fromHash(hash).trainerSettings()), null, hash);
  }
});

test('models: settings compare with the engine defaults filled in, in any key order', () => {
  assert.ok(sameSettings({ d: 30 }, { ...ENGINE_DEFAULTS }));
  assert.ok(sameSettings({ lr: 0.001, variant: 'standard' }, { variant: 'standard', lr: 0.001 }));
  assert.ok(!sameSettings({ d: 30 }, { d: 30, hidden: [128] }));
  assert.ok(!sameSettings({ d: 30 }, null));
  assert.notEqual(canonical({ extra: 1 }), canonical({}), 'a key the defaults lack still counts');
});

/** What the engine's weightsInfo says of the PyTorch fixture (tests/fixtures/weights/README.md). */
const PYTORCH = {
  sizes: [784, 30], dtype: 'F32', from_metadata: false, params: 47_854, bytes: 191_736,
  settings: { ...ENGINE_DEFAULTS }, provenance: { epochs: 0, eval_mse_clean: null },
};

test('keep text: the source line names the pretrained model with the eval MSE of its table entry', () => {
  const e = TABLE[0];
  const line = sourceLine({ cause: 'weights', source: { kind: 'pretrained', ...e }, file: PYTORCH }, 0);
  assert.match(line, new RegExp(`pretrained ${e.title.replace(/[()]/g, '\\$&')}, ${e.epochs} epochs, eval MSE ${e.eval_mse_clean.toFixed(4)} on 1,000 held-out digits\\. `));
  assert.match(sourceLine({ cause: 'reset' }, 7), /untrained, reset to seed 7/);
  assert.match(sourceLine({ cause: 'weights', source: { kind: 'file', name: 'ae.safetensors' }, file: PYTORCH }, 0), /“ae.safetensors” \(784 → 30 → 784\)/);
});

test('keep text: a file in words, and the Python that loads it', () => {
  // 47,854 = 784·30 + 30 + 30·784 + 784: the notebook's two Linear layers.
  assert.equal(describeFile(PYTORCH), '784 → 30 → 784, F32, 47,854 parameters, a PyTorch state_dict (no metadata: the notebook’s Tanh layers assumed).');
  assert.equal(fmtSizes([784, 128, 16]), '784 → 128 → 16 → 128 → 784');
  const nb = pythonSnippet('ae.safetensors', { activation: 'tanh', loss: 'mse' }, [784, 30]);
  assert.match(nb, /^d = 30 /m);
  assert.match(nb, /model = Autoencoder\(\)\.to\(device\)/);
  assert.match(nb, /model\.load_state_dict\(load_file\("ae\.safetensors"\)\)/);
  const deep = pythonSnippet('deep.safetensors', { activation: 'tanh', loss: 'mse' }, [784, 128, 16]);
  assert.match(deep, /model\.encoder = nn\.Sequential\(nn\.Linear\(784, 128\), nn\.Tanh\(\), nn\.Linear\(128, 16\), nn\.Tanh\(\)\)/);
  assert.match(deep, /model\.decoder = nn\.Sequential\(nn\.Linear\(16, 128\), nn\.Tanh\(\), nn\.Linear\(128, 784\), nn\.Tanh\(\)\)/);
  const bce = pythonSnippet('b.safetensors', { activation: 'linear', loss: 'bce' }, [784, 10]);
  assert.match(bce, /nn\.Linear\(784, 10\), nn\.Identity\(\)\)/);
  assert.match(bce, /nn\.Linear\(10, 784\), nn\.Sigmoid\(\)\)/);
  assert.equal(saveName(30, 21), 'autoencoder-d30-21ep.safetensors');
});

test('keep text: a file\'s settings become the page\'s, and what the page cannot show is named', () => {
  const s = State.fromHash('#preset=denoising&p=0.3&seed=4');
  const settings = { ...ENGINE_DEFAULTS, ...s.trainerSettings() };
  const { patch, unshown } = patchOf(settings);
  const back = new State();
  assert.deepEqual(back.apply(patch), []);
  assert.ok(sameSettings(back.trainerSettings(), settings), 'the page then sends the same settings: the model stays');
  assert.deepEqual(unshown, []);
  assert.deepEqual(patchOf({ ...ENGINE_DEFAULTS, hidden: [128], optimizer: 'sgd' }).unshown, ['hidden layers of 128 units', 'the sgd optimiser']);
});
