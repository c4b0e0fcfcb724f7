// Node tests of www/kit/models.js against www/models/index.json (the table `make pretrained`
// wrote): every lesson the site has pretrained is found from the page's own settings, the
// comparison ignores what does not shape a model, and the sentences name what a model was scored
// on. No browser. Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { State } from '../../www/state.js';
import { sameSettings, matchModel, pretrainedFor, presetModel, scoreText, pretrainedText, trainingOf } from '../../www/kit/models.js';

const DOC = JSON.parse(readFileSync(new URL('../../www/models/index.json', import.meta.url), 'utf8'));
const TABLE = DOC.models;
const trainer = (hash) => State.fromHash(hash).trainerSettings();

test('models: each lab lesson the site pretrained opens from the page settings its button sets', () => {
  // The settings each lesson's control writes (capacity/controls.js, lessons.js: the preset's
  // lr and batch from src/presets.rs: BCE lr 0.003, batch 64; contractive λ 0.01).
  const cases = {
    'notebook-ae-d30': '#preset=standard',
    'notebook-dae-d500': '#preset=denoising',
    'contractive-d30': '#reg=contractive&lambda=0.01',
    'bce-d30': '#loss=bce&lr=0.003&batch=64',
    'tied-linear-d30': '#tied=true&act=linear',
    // The failure-on-purpose lessons: contractive λ = 0.1; BCE at the notebook's lr and batch.
    'contractive-too-large-d30': '#reg=contractive&lambda=0.1',
    'bce-plateau-d30': '#loss=bce',
  };
  for (const [name, hash] of Object.entries(cases)) assert.equal(matchModel(TABLE, trainer(hash))?.name, name, hash);
  assert.equal(presetModel(TABLE, 'map_2d')?.name, 'map-2d', 'the map lesson finds its model by preset key');
  assert.equal(presetModel(TABLE, 'map_2d_one_layer')?.name, 'map-2d-one-layer', 'and the failure-on-purpose one');
  assert.equal(presetModel(TABLE, 'no_such_lesson'), null);
});

test('models: every file learnt from the 9,000 training digits and was scored on the 1,000 held out', () => {
  assert.match(DOC.made_by, /9,000 training digits/);
  for (const m of TABLE) {
    assert.equal(m.eval_on, 'test', m.name);
    assert.equal(m.eval_n, 1000, m.name);
    assert.ok(Number.isFinite(m.eval_mse_clean) && m.eval_mse_clean > 0, m.name);
    // F16 only where it moved the eval MSE by at most 1e-4 (scripts/pretrained.sh).
    if (m.dtype === 'F16') assert.ok(Math.abs(m.eval_mse_clean - m.f32_eval_mse_clean) <= 1e-4, m.name);
  }
});

test('models: a file does not move a page field the user did not touch (one λ, src/presets.rs)', () => {
  const pageLambda = new State().lab.lambda; // the page's λ field at open
  for (const m of TABLE.filter((x) => x.settings.variant !== 'contractive')) {
    assert.equal(m.settings.lambda, pageLambda, `${m.name} carries the page's λ`);
  }
});

test('models: λ, the corruption and the momentum count only where they shape the model', () => {
  assert.ok(sameSettings({ variant: 'standard', lambda: 0.01 }, { variant: 'standard', lambda: 0.1 }));
  assert.ok(!sameSettings({ variant: 'contractive', lambda: 0.01 }, { variant: 'contractive', lambda: 0.1 }));
  assert.ok(sameSettings({ noise_p: 0.3 }, { noise_p: 0.5 }), 'a standard AE has no noise');
  assert.ok(!sameSettings({ variant: 'denoising', noise_p: 0.3 }, { variant: 'denoising', noise_p: 0.5 }));
  assert.ok(sameSettings({ momentum: 0.5 }, {}), 'Adam has no momentum setting');
  assert.ok(!sameSettings({ optimizer: 'sgd', momentum: 0.5 }, { optimizer: 'sgd' }));
});

test('models: no MNIST model for another data set', () => {
  assert.equal(pretrainedFor(TABLE, trainer('#preset=standard'), 'mnist')?.name, 'notebook-ae-d30');
  assert.equal(pretrainedFor(TABLE, trainer('#preset=standard'), 'fashion'), null);
  assert.equal(pretrainedFor(TABLE, trainer('#preset=standard'), 'user'), null);
});

test('models: the sentences say what a model was scored on, and count pretrained epochs as training', () => {
  const e = { title: 'notebook AE (d = 30)', epochs: 20, eval_on: 'test', eval_n: 1000, eval_mse_clean: 0.123456 };
  assert.equal(scoreText(e), 'eval MSE 0.1235 on 1,000 held-out digits');
  assert.equal(scoreText({ ...e, eval_on: 'all', eval_n: 10000 }), 'eval MSE 0.1235 on 10,000 digits');
  assert.equal(pretrainedText(e), 'pretrained notebook AE (d = 30), 20 epochs, eval MSE 0.1235 on 1,000 held-out digits');
  const pre = { cause: 'weights', source: { kind: 'pretrained', ...e } };
  assert.deepEqual(trainingOf(pre, 0), { trained: true, text: 'after 20 epochs (pretrained)' });
  assert.deepEqual(trainingOf(pre, 1234), { trained: true, text: 'after 20 epochs (pretrained) + 1,234 batches here' });
  assert.deepEqual(trainingOf({ cause: 'config' }, 0), { trained: false, text: 'after 0 batches' });
  assert.deepEqual(trainingOf({ cause: 'reset' }, 1), { trained: true, text: 'after 1 batch' });
  const file = { cause: 'weights', source: { kind: 'file', name: 'a.safetensors' }, file: { provenance: { epochs: 7 } } };
  assert.equal(trainingOf(file, 0).text, 'after 7 epochs (loaded)');
});
