// Node tests of the pure drawing modules (no browser): the loss series, and the pixel mapping of
// the kernel and digit painters, through a minimal stand-in for a 2-D canvas context.
// Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LossSeries, indexAt } from '../../www/draw/chart.js';
import { drawKernels, gridSize, tileAt, legendGradient } from '../../www/draw/kernels.js';
import { drawDigitRow, rowSize } from '../../www/draw/digits.js';

/** Just enough of CanvasRenderingContext2D for the ImageData painters. */
function fakeContext() {
  const canvas = { width: 0, height: 0, pixels: null };
  return {
    canvas,
    createImageData: (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
    // The painters put whole images at (0, 0), of the canvas's size.
    putImageData(img, x, y) {
      assert.deepEqual([x, y, img.width, img.height], [0, 0, canvas.width, canvas.height]);
      canvas.pixels = img.data.slice();
    },
  };
}

const pixel = (ctx, x, y) => [...ctx.canvas.pixels.subarray((y * ctx.canvas.width + x) * 4, (y * ctx.canvas.width + x) * 4 + 4)];

test('loss series: appends in order, groups epochs, maps the pointer to a batch', () => {
  const s = new LossSeries();
  s.clear(4);
  s.append(0, Float32Array.from([4, 3, 2, 1]));
  s.append(4, Float32Array.from([1, 1]));
  assert.equal(s.length, 6);
  assert.deepEqual(s.epochMean(0), { mean: 2.5, count: 4 });
  assert.deepEqual(s.epochMean(1), { mean: 1, count: 2 });
  assert.equal(s.epochOf(5), 1);
  assert.throws(() => s.append(3, Float32Array.from([0])), /expected batch 6/);
  for (let i = 0; i < 2000; i++) s.append(s.length, Float32Array.of(0.5)); // grows
  assert.equal(s.length, 2006);
  const dims = { width: 654, height: 200, total: 2006 }; // plot: 54 px left margin, 12 right, 588 wide
  assert.equal(indexAt(s, 54, dims), 0);
  assert.equal(indexAt(s, 54 + 588, dims), 2005);
  assert.equal(indexAt(s, 10, dims), -1);
  assert.equal(indexAt(new LossSeries(), 100, dims), -1);
});

test('kernels: diverging map symmetric around 0, per tile or global scale, grid and hit test', () => {
  const n = 28 * 28;
  const w = new Float32Array(3 * n);
  w[0] = 1; w[1] = -1; w[2] = 0; w[3] = 0.5; // tile 0: max |w| = 1
  w[n] = 0.1; w[n + 1] = -0.1; // tile 1: max |w| = 0.1
  w.fill(0, 2 * n); // tile 2: all zero
  const ctx = fakeContext();
  const dims = { start: 0, count: 3, cols: 2, side: 28, gap: 2 };
  drawKernels(ctx, w, dims, { scale: 'tile' });
  assert.deepEqual([ctx.canvas.width, ctx.canvas.height], [58, 58]);
  const red = pixel(ctx, 0, 0);
  const blue = pixel(ctx, 1, 0);
  const white = pixel(ctx, 2, 0);
  assert.ok(red[0] > 90 && red[2] < 40, `+max is dark red ${red}`);
  assert.ok(blue[2] > 90 && blue[0] < 10, `−max is dark blue ${blue}`);
  assert.ok(white.slice(0, 3).every((c) => c > 240), `0 is white ${white}`);
  assert.deepEqual(pixel(ctx, 30, 0), red, 'per tile: 0.1 of a tile whose max is 0.1 is as red as 1 of one whose max is 1');
  assert.deepEqual(pixel(ctx, 0, 30), white, 'an all-zero tile is white');
  assert.equal(pixel(ctx, 28, 0)[3], 0, 'gaps stay transparent');

  drawKernels(ctx, w, dims, { scale: 'global', globalMax: 1 });
  const faint = pixel(ctx, 30, 0);
  assert.ok(faint[0] > 200 && faint[1] > 150, `global: 0.1 of max 1 is a faint red ${faint}`);
  const d10 = { start: 0, count: 10, cols: 4, side: 28, gap: 2 };
  assert.deepEqual(gridSize(10, 4, 28, 2), { cols: 4, rows: 3, width: 118, height: 88 });
  assert.equal(tileAt(31, 1, d10), 1);
  assert.equal(tileAt(28.5, 1, d10), -1, 'in a gap');
  assert.equal(tileAt(100, 70, d10), -1, 'past the last tile');
  assert.match(legendGradient(), /^linear-gradient\(to right, rgb\(5 48 97\).*rgb\(103 0 31\)\)$/);
});

test('kernels: the engine\'s colour map (the worker paints the page\'s grid) gives drawKernels\' bytes', async () => {
  // The training page's grid is painted in the worker by api/paint.rs; the denoising lab's by
  // drawKernels. The same weights must look the same in both. Needs dist/ (`make dist`).
  const glue = fileURLToPath(new URL('../../dist/pkg/autoencoder_playground.js', import.meta.url));
  assert.ok(existsSync(glue), `${glue} missing: run make dist first`);
  const engine = await import(pathToFileURL(glue).href);
  engine.initSync({ module: readFileSync(glue.replace(/\.js$/, '_bg.wasm')) });
  const n = 28 * 28;
  // Weights over several magnitudes, with exact zeros and a tile's ±max at its ends.
  const w = Float32Array.from({ length: 13 * n }, (_, i) => (i % 97 === 0 ? 0 : Math.sin(i * 0.37) * 10 ** ((i % 5) - 3)));
  for (const [dims, globalMax] of [[{ start: 0, count: 13, cols: 4 }, 0], [{ start: 3, count: 7, cols: 8 }, 0], [{ start: 2, count: 11, cols: 3 }, 0.05]]) {
    const ctx = fakeContext();
    drawKernels(ctx, w, { ...dims, side: 28, gap: 2 }, globalMax ? { scale: 'global', globalMax } : { scale: 'tile' });
    const rust = engine.kernelGridPixels(w, dims.start, dims.count, dims.cols, 2, globalMax);
    assert.equal(rust.length, ctx.canvas.width * ctx.canvas.height * 4, JSON.stringify(dims));
    assert.ok(Buffer.from(rust.buffer, rust.byteOffset, rust.length).equals(Buffer.from(ctx.canvas.pixels.buffer)), `the same bytes for ${JSON.stringify(dims)}`);
  }
  assert.throws(() => engine.kernelGridPixels(w, 10, 4, 2, 2, 0), /kernels 11–14 asked of 13/);
});

test('digits: lo is black, hi is white, the rest clamped; masks black where dropped', () => {
  const n = 28 * 28;
  const x = new Float32Array(2 * n).fill(-1);
  x[0] = 1; x[1] = 0; x[2] = 2; x[n] = -2;
  const ctx = fakeContext();
  const dims = { count: 2, side: 28, gap: 2 };
  drawDigitRow(ctx, x, dims, { lo: -1, hi: 1, gapColor: [10, 20, 30] });
  assert.deepEqual(rowSize(2, 28, 2), { width: 58, height: 28 });
  assert.deepEqual([ctx.canvas.width, ctx.canvas.height], [58, 28]);
  assert.deepEqual(pixel(ctx, 0, 0), [255, 255, 255, 255]);
  assert.deepEqual(pixel(ctx, 1, 0), [128, 128, 128, 255]);
  assert.deepEqual(pixel(ctx, 2, 0), [255, 255, 255, 255], 'clamped above');
  assert.deepEqual(pixel(ctx, 30, 0), [0, 0, 0, 255], 'clamped below');
  assert.deepEqual(pixel(ctx, 3, 0), [0, 0, 0, 255]);
  assert.deepEqual(pixel(ctx, 28, 0), [10, 20, 30, 255], 'gap colour');
  const m = new Float32Array(2 * n);
  m[0] = 2;
  drawDigitRow(ctx, m, dims, { lo: -1, hi: 1, kind: 'mask' });
  assert.deepEqual(pixel(ctx, 0, 0), [255, 255, 255, 255], 'kept');
  assert.deepEqual(pixel(ctx, 1, 0), [0, 0, 0, 255], 'dropped');
});
