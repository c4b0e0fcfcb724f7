// Encoder kernels: rows of W_h (d×784) shown as 28×28 tiles in a diverging colour map that is
// symmetric around 0 (blue < 0 < red, white = 0), painted at native resolution into one ImageData.

/** RdBu anchors from −1 (blue) through 0 (near white) to +1 (red). */
const ANCHORS = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

/**
 * 256 colours, index 0 ↔ −1, 255 ↔ +1, each an RGBA pixel packed into one u32 in the byte order
 * of ImageData (written through a byte view, so right on either endianness). Built once; read only.
 */
const LUT = (() => {
  const lut = new Uint32Array(256);
  const bytes = new Uint8Array(lut.buffer);
  const last = ANCHORS.length - 1;
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * last;
    const k = Math.min(last - 1, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) bytes[i * 4 + c] = Math.round(ANCHORS[k][c] + (ANCHORS[k + 1][c] - ANCHORS[k][c]) * f);
    bytes[i * 4 + 3] = 255;
  }
  return lut;
})();

/** The colour map as a CSS gradient from −1 (left) to +1 (right), for the legend. */
export function legendGradient() {
  return `linear-gradient(to right, ${ANCHORS.map(([r, g, b]) => `rgb(${r} ${g} ${b})`).join(', ')})`;
}

/** Largest |w| in rows [from, to) of a row-major matrix with `n` columns. */
export function maxAbs(weights, n, from, to) {
  let m = 0;
  for (let i = from * n; i < to * n; i++) {
    const a = Math.abs(weights[i]);
    if (a > m) m = a;
  }
  return m;
}

/** Grid geometry of `count` tiles in `cols` columns. */
export function gridSize(count, cols, side, gap) {
  const c = Math.max(1, Math.min(cols, count));
  const rows = Math.max(1, Math.ceil(count / c));
  return { cols: c, rows, width: c * side + (c - 1) * gap, height: rows * side + (rows - 1) * gap };
}

/**
 * Paint kernels `start … start+count−1` in a grid. The training page's grid is painted by the
 * worker with the engine's same map (api/paint.rs; a Node test holds the two to the same bytes);
 * this one draws the denoising lab's small grids.
 * @param {CanvasRenderingContext2D} ctx   its canvas is resized to fit the grid (which clears it)
 * @param {Float32Array} weights           d×side² encoder weights (rows of W_h)
 * @param {{start:number, count:number, cols:number, side:number, gap:number}} dims
 * @param {{scale:'tile'|'global', globalMax?:number}} opts
 *   tile: each tile scaled by its own max |w| (shows every unit's pattern);
 *   global: all tiles by one max |w| (`globalMax`, else the largest over all d rows), which
 *   compares the units' strengths.
 */
export function drawKernels(ctx, weights, dims, opts) {
  const { start, count, side, gap } = dims;
  const g = gridSize(count, dims.cols, side, gap);
  if (ctx.canvas.width !== g.width) ctx.canvas.width = g.width;
  if (ctx.canvas.height !== g.height) ctx.canvas.height = g.height;
  const img = ctx.createImageData(g.width, g.height); // transparent gaps
  const px = new Uint32Array(img.data.buffer); // one packed RGBA pixel per element
  const n = side * side;
  const global = opts.scale === 'global' ? (opts.globalMax ?? maxAbs(weights, n, 0, weights.length / n)) : 0;
  for (let t = 0; t < count; t++) {
    const row = start + t;
    const m = opts.scale === 'global' ? global : maxAbs(weights, n, row, row + 1);
    const k = m > 0 ? 127.5 / m : 0; // w = ±m ↦ 0 or 255, w = 0 ↦ 127.5
    const x0 = (t % g.cols) * (side + gap);
    const y0 = Math.floor(t / g.cols) * (side + gap);
    let w = row * n;
    for (let y = 0; y < side; y++) {
      let o = (y0 + y) * g.width + x0;
      for (let x = 0; x < side; x++, o++, w++) {
        const i = (weights[w] * k + 128) | 0; // rounds, as the value is ≥ 0 once in range
        px[o] = LUT[i < 0 ? 0 : i > 255 ? 255 : i];
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** Which tile (0-based within the drawn page) lies under canvas pixel (x, y), or -1. */
export function tileAt(x, y, dims) {
  const { side, gap } = dims;
  const g = gridSize(dims.count, dims.cols, side, gap);
  const c = Math.floor(x / (side + gap));
  const r = Math.floor(y / (side + gap));
  if (c < 0 || r < 0 || c >= g.cols || x - c * (side + gap) >= side || y - r * (side + gap) >= side) return -1;
  const t = r * g.cols + c;
  return t < dims.count ? t : -1;
}
