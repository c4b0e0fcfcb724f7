// Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ from the committed data
// (data/mnist10k-*, data/fashion10k-*) and by hand (a d = 1 safetensors model): small valid files,
// raw and gzip, so libFuzzer starts from inputs that reach past the header checks. Deterministic; the output is committed (< 200 KB).
//
//   node fuzz/make-seeds.mjs
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { gzipIdx, idxHeader } from '../scripts/convert-mnist.mjs';

const fuzzDir = dirname(fileURLToPath(import.meta.url));
const dataDir = join(fuzzDir, '..', 'data');
const DIM = 28 * 28;

/** The first `n` images and labels of a committed data set, as raw IDX buffers. */
function firstOf(name, n) {
  const images = gunzipSync(readFileSync(join(dataDir, `${name}-images-idx3-ubyte.gz`)));
  const labels = gunzipSync(readFileSync(join(dataDir, `${name}-labels-idx1-ubyte.gz`)));
  return {
    images: Buffer.concat([idxHeader([n, 28, 28]), images.subarray(16, 16 + n * DIM)]),
    labels: Buffer.concat([idxHeader([n]), labels.subarray(8, 8 + n)]),
  };
}

/** The `dataset` target's layout: u16 big-endian length of the images file, images, labels. */
function pair(images, labels) {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(images.length);
  return Buffer.concat([len, images, labels]);
}

/**
 * The `datasets` target's layout: a mode byte (bit 0: 4 files, bits 1–2: which names), then each
 * file but the last as a u16 big-endian length and its bytes, then the last file.
 */
function files(mode, ...parts) {
  const out = [Buffer.from([mode])];
  parts.forEach((b, i) => {
    if (i < parts.length - 1) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(b.length);
      out.push(len);
    }
    out.push(b);
  });
  return Buffer.concat(out);
}

const mnist = firstOf('mnist10k', 3);
const mnist12 = firstOf('mnist10k', 12); // enough for the held-out split (one in 10)
const fashion = firstOf('fashion10k', 2);
const tiny = { // 2 images of 3×2 pixels: valid IDX, not 28×28
  images: Buffer.concat([idxHeader([2, 3, 2]), Buffer.from([0, 50, 100, 150, 200, 255, 1, 2, 3, 4, 5, 6])]),
  labels: Buffer.concat([idxHeader([2]), Buffer.from([7, 1])]),
};

/**
 * A safetensors file without metadata, as `safetensors.torch.save_file` writes one: u64
 * little-endian header length, the JSON header (padded with spaces to 8 bytes), the tensors.
 * The notebook's AE with d = 1: encoder.0 [1, 784] + [1], decoder.0 [784, 1] + [784].
 */
function tinyWeights(dtype) {
  const size = { F16: 2, F32: 4 }[dtype];
  const shapes = [['encoder.0.weight', [1, 784]], ['encoder.0.bias', [1]],
    ['decoder.0.weight', [784, 1]], ['decoder.0.bias', [784]]];
  const header = {};
  let offset = 0;
  for (const [name, shape] of shapes) {
    const len = shape.reduce((a, b) => a * b) * size;
    header[name] = { dtype, shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const data = Buffer.alloc(offset);
  // Small finite values: F16 high bytes 0x20..0x2f, F32 high bytes 0x3c (about 0.01).
  for (let i = 0; i < offset; i++) data[i] = i % size === size - 1 ? (size === 2 ? 0x20 + (i % 16) : 0x3c) : (i * 37) & 0xff;
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, Buffer.from(json), data]);
}

const settings = [
  {},
  { variant: 'denoising', d: 500 },
  { variant: 'denoising', corruption: 'gaussian', sigma: 0.3, d: 8 },
  { variant: 'denoising', corruption: 'salt_pepper', noise_p: 0.2, d: 4 },
  { variant: 'denoising', corruption: 'square', square: 12, d: 4 },
  { variant: 'contractive', lambda: 0.1, d: 6 },
  { loss: 'bce', tied: true, optimizer: 'sgd', momentum: 0.9, lr: 0.1, d: 3 },
  { activation: 'linear', tied: true, d: 2, hidden: [16, 8], batch: 3, seed: 7 },
];

const corpora = {
  idx_images: {
    'mnist3.idx': mnist.images, 'mnist3.idx.gz': gzipIdx(mnist.images),
    'fashion2.idx.gz': gzipIdx(fashion.images), 'tiny3x2.idx': tiny.images,
  },
  idx_labels: {
    'mnist3.idx': mnist.labels, 'mnist3.idx.gz': gzipIdx(mnist.labels), 'tiny.idx': tiny.labels,
  },
  dataset: {
    'mnist3.gz': pair(gzipIdx(mnist.images), gzipIdx(mnist.labels)),
    'fashion2.raw': pair(fashion.images, fashion.labels),
    'tiny3x2.raw': pair(tiny.images, tiny.labels),
  },
  datasets: {
    'pair12.raw': files(0, mnist12.images, mnist12.labels),
    'pair12-swapped.gz': files(2, gzipIdx(mnist12.labels), gzipIdx(mnist12.images)),
    'four.gz': files(1, gzipIdx(mnist.images), gzipIdx(mnist.labels), gzipIdx(fashion.images), gzipIdx(fashion.labels)),
    'four-test-names.raw': files(3, fashion.images, fashion.labels, mnist.images, mnist.labels),
    'tiny3x2.raw': files(4, tiny.images, tiny.labels),
  },
  weights: { 'ae-d1-f16.safetensors': tinyWeights('F16'), 'ae-d1-f32.safetensors': tinyWeights('F32') },
  settings: Object.fromEntries(settings.map((s, i) => [`${i}.json`, Buffer.from(JSON.stringify(s))])),
};

for (const [target, files] of Object.entries(corpora)) {
  const dir = join(fuzzDir, 'corpus', target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}
console.log(`wrote seeds for ${Object.keys(corpora).join(', ')} into ${join(fuzzDir, 'corpus')}`);
