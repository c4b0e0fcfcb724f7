// scripts/convert-fashion.mjs reproduces the committed data/fashion10k-*.gz from Debian's
// `dataset-fashion-mnist` (apt-get install dataset-fashion-mnist); skipped, saying so, without it.
//
//   node --test tests/js/convert-fashion.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { DEBIAN_DIR, convert } from '../../scripts/convert-fashion.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FILES = ['fashion10k-images-idx3-ubyte.gz', 'fashion10k-labels-idx1-ubyte.gz'];
const skip = existsSync(join(DEBIAN_DIR, 't10k-images-idx3-ubyte.gz'))
  ? false
  : `${DEBIAN_DIR} missing: apt-get install dataset-fashion-mnist to run this check`;

test('the converter reproduces the committed Fashion-MNIST files byte for byte', { skip }, () => {
  const out = [mkdtempSync(join(tmpdir(), 'ae-fashion-')), mkdtempSync(join(tmpdir(), 'ae-fashion-'))];
  try {
    // Twice: the same input gives the same bytes (no timestamp or name in the gzip header).
    for (const dir of out) assert.equal(convert(dir).n, 10000);
    for (const name of FILES) {
      const committed = readFileSync(join(root, 'data', name));
      const [a, b] = out.map((dir) => readFileSync(join(dir, name)));
      assert.ok(a.equals(b), `${name}: two runs of the converter differ`);
      // gzip header (RFC 1952): FLG (byte 3) 0 = no name, no extra; MTIME (bytes 4..7) 0.
      assert.equal(a[3], 0, `${name}: gzip header carries a name or extra field`);
      assert.equal(a.readUInt32LE(4), 0, `${name}: gzip header carries a timestamp`);
      // Content first (what the engine reads), then the exact bytes (same zlib as the commit).
      assert.ok(gunzipSync(a).equals(gunzipSync(committed)), `data/${name} differs from a fresh conversion`);
      assert.ok(a.equals(committed), `data/${name}: same content, different gzip bytes (another zlib?)`);
    }
  } finally {
    for (const dir of out) rmSync(dir, { recursive: true, force: true });
  }
});

test('the converter refuses a source that is not upstream\'s test set', { skip }, () => {
  const fake = mkdtempSync(join(tmpdir(), 'ae-fashion-src-'));
  try {
    // The MNIST files have the same layout but other bytes: the MD5 check must name the file.
    for (const kind of ['images-idx3', 'labels-idx1']) {
      const src = readFileSync(join(root, 'data', `mnist10k-${kind}-ubyte.gz`));
      writeFileSync(join(fake, `t10k-${kind}-ubyte.gz`), src);
    }
    assert.throws(() => convert(join(fake, 'out'), fake), /t10k-images-idx3-ubyte: decompressed MD5/);
  } finally {
    rmSync(fake, { recursive: true, force: true });
  }
});
