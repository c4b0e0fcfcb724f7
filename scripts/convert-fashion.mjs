// Builds the second built-in data set: the 10,000 images of the Fashion-MNIST test set (Zalando,
// MIT), from Debian's package `dataset-fashion-mnist`, in file order, written as the two gzip'd IDX
// files the engine and the page read. The output is committed in data/; see data/README.md.
//
//   apt-get install dataset-fashion-mnist
//   node scripts/convert-fashion.mjs [out-dir] [source-dir]
//        out-dir:    default data/ beside this script's parent
//        source-dir: default /usr/share/datasets/fashion-mnist (where the Debian package puts it)
//
// Input:  <source-dir>/t10k-images-idx3-ubyte.gz  magic 0x00000803, 10000, 28, 28, then the bytes
//         <source-dir>/t10k-labels-idx1-ubyte.gz  magic 0x00000801, 10000, then labels 0..9
//         Their decompressed MD5s must be upstream's (RAW_MD5): Debian re-gzipped the files (its
//         .gz differ from upstream's), the content must not differ.
// Which:  the first N = 10,000 images of the test set, i.e. all of it, in file order: exactly 1,000
//         per class, classes already mixed (labels start 9, 2, 1, 1, 6, ...), so no shuffle.
// Output: <out-dir>/fashion10k-images-idx3-ubyte.gz and fashion10k-labels-idx1-ubyte.gz, standard
//         IDX gzip'd by node's zlib at level 9 with mtime 0 and no name (`gzipIdx`), so re-running
//         reproduces the same bytes (tests/js/convert-fashion.test.mjs checks it).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { gzipIdx, idxHeader } from './convert-mnist.mjs';

/** Where `apt-get install dataset-fashion-mnist` puts the files (`dpkg -L dataset-fashion-mnist`). */
export const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
/** Images taken from the start of the test set. */
export const N = 10000;
const ROWS = 28;
const COLS = 28;
/**
 * MD5 of upstream's decompressed test files, as published beside the .gz MD5s of the
 * Fashion-MNIST README (`raw_data` of torchvision-style `FashionMNIST` loaders).
 */
const RAW_MD5 = {
  't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
  't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
};

/** Reads `<dir>/<name>.gz`, checks its decompressed MD5 and IDX header; returns [sizes, body]. */
function readIdx(dir, name, magic) {
  const raw = gunzipSync(readFileSync(join(dir, `${name}.gz`)));
  const md5 = createHash('md5').update(raw).digest('hex');
  if (md5 !== RAW_MD5[name]) {
    throw new Error(`${name}: decompressed MD5 ${md5}, expected upstream's ${RAW_MD5[name]}`);
  }
  const ndims = magic & 0xff;
  if (raw.readUInt32BE(0) !== magic) throw new Error(`${name}: wrong IDX magic`);
  const sizes = Array.from({ length: ndims }, (_, k) => raw.readUInt32BE(4 + 4 * k));
  return [sizes, raw.subarray(4 + 4 * ndims)];
}

/** Converts and writes both files into `outDir`; returns their paths and the count. */
export function convert(outDir, sourceDir = DEBIAN_DIR) {
  const [[n, rows, cols], pixels] = readIdx(sourceDir, 't10k-images-idx3-ubyte', 0x0803);
  const [[nl], labels] = readIdx(sourceDir, 't10k-labels-idx1-ubyte', 0x0801);
  if (n < N || nl !== n || rows !== ROWS || cols !== COLS) {
    throw new Error(`expected at least ${N} images of ${ROWS}x${COLS} with labels, found ${n} of ${rows}x${cols}, ${nl} labels`);
  }
  mkdirSync(outDir, { recursive: true });
  const imagesPath = join(outDir, 'fashion10k-images-idx3-ubyte.gz');
  const labelsPath = join(outDir, 'fashion10k-labels-idx1-ubyte.gz');
  const body = pixels.subarray(0, N * ROWS * COLS);
  writeFileSync(imagesPath, gzipIdx(Buffer.concat([idxHeader([N, ROWS, COLS]), body])));
  writeFileSync(labelsPath, gzipIdx(Buffer.concat([idxHeader([N]), labels.subarray(0, N)])));
  return { imagesPath, labelsPath, n: N };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = process.argv[2] ? resolve(process.argv[2]) : join(here, '..', 'data');
  const sourceDir = process.argv[3] ? resolve(process.argv[3]) : DEBIAN_DIR;
  const { imagesPath, labelsPath, n } = convert(outDir, sourceDir);
  console.log(`wrote ${n} Fashion-MNIST images to ${imagesPath} and ${labelsPath}`);
}
