// A row of 28×28 images painted at native resolution into one ImageData (CSS scales the canvas
// with `image-rendering: pixelated`), as the notebook's display_images shows inputs and outputs.

/** Width and height in pixels of a row of `count` tiles of `side`×`side` with `gap` between them. */
export function rowSize(count, side, gap) {
  return { width: Math.max(1, count * side + (count - 1) * gap), height: side };
}

/**
 * Paint `count` images side by side.
 * @param {CanvasRenderingContext2D} ctx  its canvas is resized to fit
 * @param {Float32Array} data             count×side² values, row-major per image
 * @param {{count:number, side:number, gap:number}} dims
 * @param {{lo:number, hi:number, kind?:'gray'|'mask', gapColor?:number[]}} opts
 *   gray: lo → black, hi → white, values outside clamped (so the x̃ = 2x of dropout stays in range);
 *   mask: 0 (dropped) → black, anything else (kept) → white; gaps grey unless `gapColor`.
 */
export function drawDigitRow(ctx, data, dims, opts) {
  const { count, side, gap } = dims;
  const { width, height } = rowSize(count, side, gap);
  if (ctx.canvas.width !== width) ctx.canvas.width = width;
  if (ctx.canvas.height !== height) ctx.canvas.height = height;
  const img = ctx.createImageData(width, height);
  const px = img.data;
  const mask = opts.kind === 'mask';
  // A mask is mostly white (kept): a grey gap keeps its tiles apart from each other and the page.
  const [gr, gg, gb] = opts.gapColor ?? (mask ? [150, 150, 150] : [255, 255, 255]);
  for (let i = 0; i < px.length; i += 4) {
    px[i] = gr; px[i + 1] = gg; px[i + 2] = gb; px[i + 3] = 255;
  }
  const scale = 255 / (opts.hi - opts.lo);
  const n = side * side;
  for (let t = 0; t < count; t++) {
    const x0 = t * (side + gap);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = data[t * n + y * side + x];
        const g = mask ? (v !== 0 ? 255 : 0) : Math.min(255, Math.max(0, Math.round((v - opts.lo) * scale)));
        const o = (y * width + x0 + x) * 4;
        px[o] = g; px[o + 1] = g; px[o + 2] = g;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}
