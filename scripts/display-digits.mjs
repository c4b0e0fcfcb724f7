// Writes the ten display digits of the built-in MNIST set as two small raw IDX files (and their
// held-out rows as JSON), so the training worker can draw the opening model's first
// reconstructions before the 10,000 digits have arrived (www/worker-preview.js):
//
//   node scripts/display-digits.mjs <pkg dir> <data dir> <out dir>
//   → <out dir>/mnist10k-display-images-idx3-ubyte  (10 × 28 × 28 bytes, 16-byte header)
//     <out dir>/mnist10k-display-labels-idx1-ubyte  (10 bytes, 8-byte header)
//     <out dir>/mnist10k-display-rows.json          (their 10 rows in the held-out set, which
//                                                    seed a denoising model's display masks)
//
// The digits are the engine's: its class-balanced held-out split of data/mnist10k-*.gz
// (DataSets.builtin), then protocol.js's displayIndices over the held-out labels — the same two
// steps worker.js takes, so the preview shows the digits the first frame shows. build-dist.sh runs
// it; tests/e2e/first-frame.test.mjs checks the preview's inputs equal the first frame's.

import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { displayIndices } from '../www/protocol.js';

const [pkgDir, dataDir, outDir] = process.argv.slice(2).map((p) => resolve(p));
if (!outDir) {
  console.error('usage: node scripts/display-digits.mjs <pkg dir> <data dir> <out dir>');
  process.exit(2);
}

const pkg = await import(pathToFileURL(join(pkgDir, 'autoencoder_playground.js')).href);
pkg.initSync({ module: readFileSync(join(pkgDir, 'autoencoder_playground_bg.wasm')) });

const images = gunzipSync(readFileSync(join(dataDir, 'mnist10k-images-idx3-ubyte.gz')));
const labels = gunzipSync(readFileSync(join(dataDir, 'mnist10k-labels-idx1-ubyte.gz')));
const sets = pkg.DataSets.builtin(images, labels);
const trainer = pkg.Trainer.on({}, sets); // the defaults: inputs scaled to [-1, 1]
const all = Uint32Array.from({ length: trainer.test_len }, (_, i) => i);
const idx = displayIndices(trainer.labels(all));
const { lo, hi } = trainer;

// The engine hands out scaled inputs, x = lo + (hi − lo)·b/255 in f32; rounding back recovers b.
const x = trainer.inputs(idx);
const pixels = Uint8Array.from(x, (v) => Math.round(((v - lo) / (hi - lo)) * 255));

/** A raw IDX file: magic 0x0000 08 <dims>, each dimension big-endian u32, then the bytes. */
function idxFile(dims, body) {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint32(0, 0x0800 + dims.length);
  dims.forEach((n, i) => head.setUint32(4 + 4 * i, n));
  return Buffer.concat([new Uint8Array(head.buffer), body]);
}

writeFileSync(join(outDir, 'mnist10k-display-images-idx3-ubyte'), idxFile([idx.length, 28, 28], pixels));
writeFileSync(join(outDir, 'mnist10k-display-labels-idx1-ubyte'), idxFile([idx.length], trainer.labels(idx)));
writeFileSync(join(outDir, 'mnist10k-display-rows.json'), `${JSON.stringify([...idx])}\n`);
trainer.free();
sets.free();
console.log(`display-digits: ${idx.length} digits (held-out rows ${[...idx].join(', ')}) in ${outDir}`);
