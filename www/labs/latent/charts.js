// Pure drawing functions of the latent-space lab (www/labs/latent/): `(ctx, data, opts)`,
// no state. Canvases that show 28×28 images are painted at native resolution (ImageData) and
// scaled by CSS; charts (map, bars, histogram) are drawn at the canvas's CSS size × devicePixelRatio.
import { fitCanvas } from '../../draw/chart.js';

/** Ten label colours (d3's category10), index = digit. */
export const LABEL_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * The latent map: points `xy` [k, 2] coloured by `labels` [k]. Returns the view transform
 * `{toScreen(x, y) -> [px, py], toData(px, py) -> [x, y]}` (CSS pixels) for hit tests and decoding.
 * opts: {marks: [{i, text}], cursor: index or -1}
 */
export function drawScatter(ctx, xy, labels, opts = {}) {
  const { w, h } = fitCanvas(ctx);
  const k = labels.length;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < k; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const pad = 12;
  const sx = (w - 2 * pad) / (x1 - x0);
  const sy = (h - 2 * pad) / (y1 - y0);
  const toScreen = (x, y) => [pad + (x - x0) * sx, h - pad - (y - y0) * sy]; // y up
  const toData = (px, py) => [x0 + (px - pad) / sx, y0 + (h - pad - py) / sy];
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#e6eaef';
  ctx.lineWidth = 1;
  if (x0 < 0 && x1 > 0) { const [px] = toScreen(0, 0); ctx.beginPath(); ctx.moveTo(px, 0); ctx.lineTo(px, h); ctx.stroke(); }
  if (y0 < 0 && y1 > 0) { const [, py] = toScreen(0, 0); ctx.beginPath(); ctx.moveTo(0, py); ctx.lineTo(w, py); ctx.stroke(); }
  ctx.globalAlpha = 0.75;
  for (let i = 0; i < k; i++) {
    const [px, py] = toScreen(xy[2 * i], xy[2 * i + 1]);
    ctx.fillStyle = LABEL_COLOURS[labels[i]] ?? '#000';
    ctx.fillRect(px - 2, py - 2, 4, 4);
  }
  ctx.globalAlpha = 1;
  for (const m of opts.marks ?? []) {
    if (m.i < 0 || m.i >= k) continue;
    const [px, py] = toScreen(xy[2 * m.i], xy[2 * m.i + 1]);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px, py, 7, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.font = 'bold 13px system-ui, sans-serif';
    ctx.fillStyle = '#000';
    // Up-right of the ring, flipped inward near the canvas edges so the letter is never cut.
    const tw = ctx.measureText(m.text).width;
    const lx = px + 8 + tw > w ? px - 8 - tw : px + 8;
    const ly = py - 8 - 13 < 0 ? py + 8 + 13 : py - 8;
    ctx.fillText(m.text, lx, ly);
  }
  if (opts.cursor >= 0 && opts.cursor < k) {
    const [px, py] = toScreen(xy[2 * opts.cursor], xy[2 * opts.cursor + 1]);
    ctx.strokeStyle = '#e08600';
    ctx.lineWidth = 2;
    ctx.strokeRect(px - 6, py - 6, 12, 12);
  }
  return { toScreen, toData };
}

/** The code h as a bar chart: one bar per unit, from 0, scaled to ±max(1, max|h|). */
export function drawBars(ctx, code) {
  const { w, h } = fitCanvas(ctx);
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const d = code.length;
  let m = 1;
  for (const v of code) m = Math.max(m, Math.abs(v));
  const mid = h / 2;
  ctx.strokeStyle = '#c8ced6';
  ctx.beginPath(); ctx.moveTo(0, mid); ctx.lineTo(w, mid); ctx.stroke();
  const bw = w / d;
  for (let i = 0; i < d; i++) {
    const v = code[i];
    const bh = (v / m) * (mid - 2);
    ctx.fillStyle = v >= 0 ? '#c4431b' : '#1d5bb8';
    ctx.fillRect(i * bw + (bw > 3 ? 0.5 : 0), Math.min(mid, mid - bh), Math.max(bw - (bw > 3 ? 1 : 0), 0.6), Math.abs(bh));
  }
  return m;
}

/**
 * Histogram of two populations over log10 error: `normal`, `anomalous` (Float32Array of MSEs),
 * shared bins over [lo, hi] (log10 units), the threshold as a vertical line.
 */
export function drawHistogram(ctx, normal, anomalous, opts) {
  const { w, h } = fitCanvas(ctx);
  const { lo, hi, bins, threshold } = opts;
  const count = (vals) => {
    const c = new Uint32Array(bins);
    for (const v of vals) {
      const t = Math.floor(((Math.log10(Math.max(v, 1e-12)) - lo) / (hi - lo)) * bins);
      c[Math.min(bins - 1, Math.max(0, t))] += 1;
    }
    return c;
  };
  // Each population normalised to its own size, so 500 digits and 100 anomalies compare.
  const cn = count(normal);
  const ca = count(anomalous);
  const fn = (v) => v / Math.max(1, normal.length);
  const fa = (v) => v / Math.max(1, anomalous.length);
  let top = 0;
  for (let i = 0; i < bins; i++) top = Math.max(top, fn(cn[i]), fa(ca[i]));
  top = top || 1;
  const bottom = h - 18;
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const bw = w / bins;
  const bar = (c, f, colour) => {
    ctx.fillStyle = colour;
    for (let i = 0; i < bins; i++) {
      const bh = (f(c[i]) / top) * (bottom - 6);
      if (bh > 0) ctx.fillRect(i * bw, bottom - bh, Math.max(1, bw - 1), bh);
    }
  };
  bar(cn, fn, 'rgba(29, 91, 184, 0.55)');
  bar(ca, fa, 'rgba(196, 67, 27, 0.55)');
  // Axis: decades of MSE.
  ctx.fillStyle = '#56606d';
  ctx.strokeStyle = '#c8ced6';
  ctx.font = '11px system-ui, sans-serif';
  ctx.beginPath(); ctx.moveTo(0, bottom + 0.5); ctx.lineTo(w, bottom + 0.5); ctx.stroke();
  for (let e = Math.ceil(lo * 2) / 2; e <= hi; e += 0.5) {
    const x = ((e - lo) / (hi - lo)) * w;
    ctx.fillRect(x, bottom, 1, 4);
    const label = formatError(10 ** e);
    ctx.fillText(label, Math.min(w - ctx.measureText(label).width, Math.max(0, x - 10)), h - 4);
  }
  const tx = ((threshold - lo) / (hi - lo)) * w;
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(tx, 0); ctx.lineTo(tx, bottom); ctx.stroke();
  ctx.lineWidth = 1;
}

/** A short MSE label: 0.0123, 0.3, 1.2. */
export function formatError(v) {
  if (!Number.isFinite(v)) return '—';
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2).replace(/^0\.0*$/, '0');
}

/** Per-pixel squared error (784 values) as a 28×28 heat map: white 0 → yellow → red → black max. */
export function drawHeat(ctx, heat, max) {
  const side = 28;
  if (ctx.canvas.width !== side) ctx.canvas.width = side;
  if (ctx.canvas.height !== side) ctx.canvas.height = side;
  const img = ctx.createImageData(side, side);
  const m = max > 0 ? max : 1;
  for (let i = 0; i < side * side; i++) {
    const t = Math.min(1, heat[i] / m);
    // three linear pieces: (255,255,255) → (255,200,0) → (200,0,0) → (40,0,0)
    let r, g, b;
    if (t < 1 / 3) { const u = t * 3; r = 255; g = 255 - 55 * u; b = 255 * (1 - u); }
    else if (t < 2 / 3) { const u = (t - 1 / 3) * 3; r = 255 - 55 * u; g = 200 * (1 - u); b = 0; }
    else { const u = (t - 2 / 3) * 3; r = 200 - 160 * u; g = 0; b = 0; }
    img.data[4 * i] = r; img.data[4 * i + 1] = g; img.data[4 * i + 2] = b; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
