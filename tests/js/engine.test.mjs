// Node tests of www/kit/engine.js, the chooser between the two wasm builds: its relaxed-SIMD
// probe agrees with the real relaxed build (where the probe says no, that build is invalid; where
// yes, it validates), and it binds every name the façade exports. Needs dist/ (`make dist`).
// Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RELAXED_SIMD_PROBE, BUILDS, hasRelaxedSimd } from '../../www/kit/engine.js';

const dist = (rel) => fileURLToPath(new URL(`../../dist/${rel}`, import.meta.url));
const wasmOf = (folder) => dist(`${folder}/autoencoder_playground_bg.wasm`);

function needDist() {
  for (const f of ['pkg', 'pkg-relaxed']) assert.ok(existsSync(wasmOf(f)), `${wasmOf(f)} missing: run make dist first`);
}

test('engine: the probe answers as the relaxed build validates, and simd128 always validates', () => {
  needDist();
  const relaxed = readFileSync(wasmOf('pkg-relaxed'));
  assert.equal(WebAssembly.validate(readFileSync(wasmOf('pkg'))), true, 'the simd128 build must validate in Node');
  assert.equal(WebAssembly.validate(relaxed), hasRelaxedSimd(),
    'the relaxed build must validate exactly where the probe does (else it does not use relaxed SIMD, or the probe lies)');
  if (!hasRelaxedSimd()) {
    // Node 20: relaxed SIMD sits behind a V8 flag. With it, probe and build must both say yes.
    const script = `import { hasRelaxedSimd } from ${JSON.stringify(new URL('../../www/kit/engine.js', import.meta.url).href)};
      import { readFileSync } from 'node:fs';
      console.log(JSON.stringify([hasRelaxedSimd(), WebAssembly.validate(readFileSync(${JSON.stringify(wasmOf('pkg-relaxed'))}))]));`;
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script]);
    assert.deepEqual(JSON.parse(out), [true, true]);
  }
});

/** A module like the probe: one function `() -> v128`, no locals, body `ops` then `end`. */
function moduleOf(ops) {
  const body = [0x00, ...ops, 0x0b];
  return Uint8Array.of(...RELAXED_SIMD_PROBE.slice(0, 19), 0x0a, body.length + 2, 0x01, body.length, ...body);
}

test('engine: the probe is a valid module only because of its relaxed instruction', () => {
  const splat = [0x41, 0x01, 0xfd, 0x0f]; // i32.const 1; i8x16.splat
  assert.deepEqual(moduleOf([...splat, ...splat, ...splat, 0xfd, 0x85, 0x02]), RELAXED_SIMD_PROBE);
  // Its relaxed_madd swapped for drop + f32x4.add (0xfd 0xe4 0x01): plain simd128, valid everywhere.
  assert.equal(WebAssembly.validate(moduleOf([...splat, ...splat, ...splat, 0x1a, 0xfd, 0xe4, 0x01])), true);
});

test('engine: every façade export is bound, and both builds export the same names', () => {
  needDist();
  const exported = (folder) => [...readFileSync(dist(`${folder}/autoencoder_playground.js`), 'utf8')
    .matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]).sort();
  const names = exported('pkg');
  assert.deepEqual(exported('pkg-relaxed'), names);
  const source = readFileSync(new URL('../../www/kit/engine.js', import.meta.url), 'utf8');
  const bound = source.match(/^export let ([\w, ]+);/m)[1].split(', ');
  // `start` runs by itself at instantiation (#[wasm_bindgen(start)]); nobody calls it.
  const missing = names.filter((n) => n !== 'start' && !bound.includes(n));
  assert.deepEqual(missing, [], `www/kit/engine.js does not bind: ${missing.join(', ')}`);
  assert.deepEqual(Object.keys(BUILDS), ['relaxed-simd', 'simd128']);
});
