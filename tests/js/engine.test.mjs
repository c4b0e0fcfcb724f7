// Node tests of www/kit/engine.js, the chooser between the two wasm builds: its relaxed-SIMD
// probe agrees with the real relaxed build (where the probe says no, that build is invalid; where
// yes, it validates); its `wasm` namespace refuses before init and then reads the build's exports;
// every `wasm.X` the site reads is a façade export. Needs dist/ (`make dist`).
// Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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

/** The names a build's wasm-pack glue exports (its classes and functions). */
const exportsOf = (folder) => [...readFileSync(dist(`${folder}/autoencoder_playground.js`), 'utf8')
  .matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]).sort();

test('engine: both builds export the same names', () => {
  needDist();
  assert.deepEqual(exportsOf('pkg-relaxed'), exportsOf('pkg'));
  assert.deepEqual(Object.keys(BUILDS), ['relaxed-simd', 'simd128']);
});

test('engine: `wasm` refuses before init, then reads every façade export of the loaded build', async () => {
  needDist();
  // dist/kit/engine.js, beside the builds it loads. Node's fetch refuses file: URLs: read them.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url) => new Response(readFileSync(fileURLToPath(url)), { headers: { 'content-type': 'application/wasm' } });
  try {
    const engine = await import(new URL('../../dist/kit/engine.js', import.meta.url).href);
    assert.throws(() => engine.wasm.Trainer, /not loaded yet: wasm\.Trainer was read before init\(\) resolved/);
    assert.equal('Trainer' in engine.wasm, false);
    const m = await engine.default('simd128');
    assert.equal(engine.build, 'simd128');
    const names = exportsOf('pkg');
    assert.ok(names.includes('Trainer') && names.includes('DataSets'), names.join(', '));
    for (const n of names) assert.equal(engine.wasm[n], m[n], `wasm.${n} is the build's own export`);
    assert.throws(() => engine.wasm.Trainr, /exports no “Trainr” \(it has .*Trainer/);
    // The loaded engine works: the façade's preset table comes back from Rust.
    assert.ok(Array.isArray(engine.wasm.presets().mnist));
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('engine: every name the site reads as wasm.X is one the façade exports', () => {
  needDist();
  const names = new Set(exportsOf('pkg'));
  const www = fileURLToPath(new URL('../../www/', import.meta.url));
  const files = readdirSync(www, { recursive: true }).filter((f) => /\.m?js$/.test(f));
  const read = [];
  for (const f of files) {
    const src = readFileSync(join(www, f), 'utf8');
    const imports = [...src.matchAll(/^import ([^;]+) from '[./]*(?:kit\/)?engine\.js';/gm)];
    if (f !== join('kit', 'engine.js') && imports.length) {
      // Only `init` and the `wasm` namespace cross: no hand-kept list of names to fall behind.
      for (const [, what] of imports) assert.match(what, /^(init, )?\{ (wasm|BUILDS, hasRelaxedSimd) \}$|^init$/, `${f}: import ${what}`);
    }
    for (const [, n] of src.matchAll(/\bwasm\.(\w+)/g)) read.push([f, n]);
  }
  assert.ok(read.length >= 10, `the workers read the façade through wasm.X (${read.length} reads found)`);
  const unknown = read.filter(([, n]) => !names.has(n)).map(([f, n]) => `${f}: wasm.${n}`);
  assert.deepEqual(unknown, [], 'names the façade does not export');
});
