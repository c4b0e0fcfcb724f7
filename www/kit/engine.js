// The engine for a worker: the wasm build this browser runs best, loaded once. Two builds of the
// same crate sit side by side in dist/ (same JS glue, same exports): pkg-relaxed/ (relaxed SIMD:
// fused multiply-add in the GEMM micro-kernel) and pkg/ (simd128, the fallback). The choice is
// `WebAssembly.validate` on a tiny module that uses f32x4.relaxed_madd.
//
// A worker imports `wasm` from here instead of a pkg/ folder, calls `init()`, then reads the
// façade's names through `wasm` (no list of names to keep in step with src/api/):
//
//   import init, { wasm } from './kit/engine.js';
//   await init();          // or init('simd128') to force a build (the benchmark runs both)
//   wasm.Trainer.on(...);  // before init() resolved, or a name the façade lacks: a thrown Error

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

/** The URL of a build's .wasm: wasm-pack writes it beside the glue as `<name>_bg.wasm`. */
export function wasmUrl(build) {
  return new URL(BUILDS[build].replace(/\.js$/, '_bg.wasm'), import.meta.url);
}

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

/** The loaded build's module namespace, null before `init` resolves. */
let loaded = null;

/**
 * The façade (src/api/): `wasm.Trainer`, `wasm.DataSets`, … of the build `init` loaded. Reading a
 * name before `init()` resolved, or one the façade does not export, throws an Error that says so
 * (a plain `undefined` would only fail later, far from the cause).
 */
export const wasm = new Proxy(Object.freeze({}), {
  get(_, name) {
    if (typeof name === 'symbol') return undefined; // console.log, inspection
    if (!loaded) throw new Error(`The engine is not loaded yet: wasm.${name} was read before init() resolved.`);
    if (!(name in loaded)) throw new Error(`The engine exports no “${name}” (it has ${Object.keys(loaded).filter((k) => k !== 'default').join(', ')}).`);
    return loaded[name];
  },
  has: (_, name) => !!loaded && name in loaded,
});

let loading = null;

/** Load the engine once per worker (behind `wasm`); resolves to its module namespace.
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
      // The .wasm is fetched and compiled while its JS glue is fetched (not after): one round
      // trip less. Where streaming compilation is refused (a host that does not serve .wasm as
      // application/wasm), the glue's own fetch + instantiate fallback runs instead.
      const compiling = WebAssembly.compileStreaming(fetch(wasmUrl(name))).catch(() => undefined);
      const m = await import(new URL(BUILDS[name], import.meta.url).href);
      const module = await compiling;
      await m.default(module ? { module_or_path: module } : undefined);
      loaded = m;
      build = name;
      return m;
    } catch (e) {
      firstError ??= e;
    }
  }
  loading = null; // a later call may try again
  throw firstError;
}
