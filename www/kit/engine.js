// The engine for a worker: the wasm build this browser runs best, loaded once. Two builds of the
// same crate sit side by side in dist/ (same JS glue, same exports): pkg-relaxed/ (relaxed SIMD:
// fused multiply-add in the GEMM micro-kernel) and pkg/ (simd128, the fallback). The choice is
// `WebAssembly.validate` on a tiny module that uses f32x4.relaxed_madd.
//
// A worker imports the façade's names from here instead of from a pkg/ folder, and calls `init()`
// as before: the names below are live bindings, filled in when `init()` resolves.
//
//   import init, { Trainer } from './kit/engine.js';
//   await init();          // or init('simd128') to force a build (the benchmark runs both)
//   new Trainer(...);

/** A whole wasm module with one function `() -> v128` whose body is three `i32.const 1;
 *  i8x16.splat` and `f32x4.relaxed_madd` (opcode 0xfd 0x105): valid only with relaxed SIMD. */
export const RELAXED_SIMD_PROBE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, //        type section: () -> v128
  0x03, 0x02, 0x01, 0x00, //                          function section: one function of type 0
  0x0a, 0x13, 0x01, 0x11, 0x00, //                    code section: one body of 17 bytes, no locals
  0x41, 0x01, 0xfd, 0x0f, 0x41, 0x01, 0xfd, 0x0f, 0x41, 0x01, 0xfd, 0x0f, // 3 × (i32.const 1, i8x16.splat)
  0xfd, 0x85, 0x02, 0x0b, //                          f32x4.relaxed_madd, end
);

/** The builds, best first: name → the wasm-pack output's JS, relative to this file. */
export const BUILDS = Object.freeze({
  'relaxed-simd': '../pkg-relaxed/autoencoder_playground.js',
  simd128: '../pkg/autoencoder_playground.js',
});

/** True when this JavaScript engine validates relaxed-SIMD wasm. */
export function hasRelaxedSimd() {
  try {
    return WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

/** The build `init` loaded ('relaxed-simd' or 'simd128'), null before. */
export let build = null;

// The façade's exports (src/api/), bound by `init`. tests/js/engine.test.mjs fails when the
// wasm-pack output exports a name this list lacks.
export let Trainer, DataSets, ManifoldLab, GemmBench, manifoldGrid, presets, weightsInfo, shardRows;

function bind(m) {
  ({ Trainer, DataSets, ManifoldLab, GemmBench, manifoldGrid, presets, weightsInfo, shardRows } = m);
}

let loading = null;

/** Load the engine once per worker and bind its exports; resolves to its module namespace.
 *  `want` forces a build by name; otherwise relaxed SIMD where validated, simd128 else (and
 *  simd128 also when the relaxed build fails to load, so a host without pkg-relaxed/ works). */
export default function init(want) {
  loading ??= load(want);
  return loading;
}

async function load(want) {
  if (want !== undefined && !(want in BUILDS)) throw new Error(`Unknown engine build “${want}” (known: ${Object.keys(BUILDS).join(', ')}).`);
  const order = want ? [want] : hasRelaxedSimd() ? ['relaxed-simd', 'simd128'] : ['simd128'];
  let firstError = null;
  for (const name of order) {
    try {
      const m = await import(new URL(BUILDS[name], import.meta.url).href);
      await m.default(); // fetch + WebAssembly.instantiateStreaming of the .wasm beside it
      bind(m);
      build = name;
      return m;
    } catch (e) {
      firstError ??= e;
    }
  }
  loading = null; // a later call may try again
  throw firstError;
}
