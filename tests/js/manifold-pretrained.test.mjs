// Node tests of www/manifold/pretrained.js against www/models/manifold.json (the table `make
// pretrained` writes with scripts/pretrained-manifold.sh): the page's settings for every built-in
// curve find the file of each variant; a setting that shapes the model finds none, one that does
// not (σ for the standard AE, λ for the denoising one) still finds it; a drawn curve never does;
// the sentence names the file's steps and loss. Run: node --test tests/js/manifold-pretrained.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sameSettings, pretrainedFor, originText, ENGINE_DEFAULTS } from '../../www/manifold/pretrained.js';
import { LabState, CURVES, VARIANTS } from '../../www/manifold/state.js';

const TABLE = JSON.parse(readFileSync(new URL('../../www/models/manifold.json', import.meta.url), 'utf8')).models;

test('manifold pretrained: the page\'s default settings find one file per built-in curve and variant', () => {
  const curves = CURVES.filter((c) => c !== 'drawn');
  for (const curve of curves) {
    const s = LabState.fromHash(`#curve=${curve}`);
    for (const v of VARIANTS) {
      const entry = pretrainedFor(TABLE, s.labSettings(v.key));
      assert.ok(entry, `${curve}/${v.key}`);
      assert.equal(entry.name, `manifold-${curve}-${v.key}`);
      assert.equal(entry.steps, 10_000, 'the lesson\'s step count (src/presets.rs MANIFOLD_STEPS)');
      assert.ok(entry.dtype === 'F16' ? Math.abs(entry.eval_loss - entry.f32_eval_loss) <= 1e-4 : entry.dtype === 'F32', `${entry.name}: F16 only within 1e-4`);
    }
  }
  assert.equal(TABLE.length, curves.length * VARIANTS.length, 'no file the page cannot reach');
});

test('manifold pretrained: only the settings that shape a variant\'s model count', () => {
  const base = LabState.fromHash('').labSettings('standard');
  assert.ok(sameSettings(base, { ...base, sigma: 1.5, lambda: 7 }), 'σ and λ do not shape a standard AE');
  assert.ok(!sameSettings(base, { ...base, lr: 0.01 }), 'the learning rate counts, as for MNIST (kit/models.js)');
  for (const [k, v] of [['width', 32], ['seed', 1], ['points', 401], ['noise', 0.03], ['depth', 2], ['code', 3], ['batch', 50]]) {
    assert.equal(pretrainedFor(TABLE, { ...base, [k]: v }), null, `${k} = ${v}`);
  }
  const dae = LabState.fromHash('').labSettings('denoising');
  assert.equal(pretrainedFor(TABLE, { ...dae, sigma: 0.3 }), null, 'σ shapes the denoising AE');
  assert.ok(pretrainedFor(TABLE, { ...dae, lambda: 3 }), 'λ does not');
  const cae = LabState.fromHash('').labSettings('contractive');
  assert.equal(pretrainedFor(TABLE, { ...cae, lambda: 0.2 }), null, 'λ shapes the contractive AE');
  // Missing keys take the engine's defaults (src/labs/manifold/settings.rs).
  assert.ok(sameSettings({ variant: 'standard' }, ENGINE_DEFAULTS));
});

test('manifold pretrained: a drawn curve has none; the sentences carry steps and loss', () => {
  const drawn = { ...LabState.fromHash('').labSettings('standard'), curve: 'drawn' };
  assert.equal(pretrainedFor(TABLE, drawn), null);
  assert.equal(originText({ kind: 'pretrained', title: 'standard AE on the circle', steps: 10000, loss: 0.0000347371787938755 }),
    'pretrained: standard AE on the circle, 10,000 steps, loss 0.0000347');
  assert.equal(originText({ kind: 'kept', steps: 1234, loss: 0.01234 }), 'kept copy: 1,234 steps, loss 0.0123');
  assert.equal(originText({ kind: 'seed', seed: 3, why: 'a drawn curve has no pretrained model' }), 'from seed 3 (a drawn curve has no pretrained model)');
  assert.equal(originText({ kind: 'seed', seed: 0 }), 'from seed 0');
});
