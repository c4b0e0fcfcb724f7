// Pure drawing functions of the lab, `(ctx, data, dims, opts)`: the vector field with its heat
// map and colour bar (fig 17), points and their reconstructions (figs 15 and 16), the learned
// manifold and the drawing pad (the sensitivity ellipses: sensitivity.js).
// Coordinates: the view box [-VIEW, VIEW]² maps to a square of `size` canvas pixels, y up.

import { VIEW } from './state.js';

/** Colours of the three variants (lines, dots, legend). */
export const COLORS = Object.freeze({ standard: '#1d5bb8', denoising: '#c4431b', contractive: '#1f8a4c' });

// matplotlib's viridis at 0, 0.1, …, 1 (a perceptually uniform map, readable in grey and by
// most colour-blind readers); linear interpolation between the stops.
const VIRIDIS = [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
  [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
];

/** viridis(t) for t in [0, 1] (clamped), as [r, g, b] bytes. */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c])));
}

/** Canvas pixel of a point of the view box, for a square plot of `size` pixels. */
export function toPx(x, y, size) {
  return [((x + VIEW) / (2 * VIEW)) * size, ((VIEW - y) / (2 * VIEW)) * size];
}

/** A round number ≥ v for the top of the colour scale (1, 2, 2.5, 5 × 10^k). */
export function niceCeil(v) {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= v * (1 - 1e-9));
}

/** ‖g(f(x̃)) − x̃‖ for every grid point: Float32Array [g²]. */
export function distances(grid, out) {
  const d = new Float32Array(grid.length / 2);
  for (let i = 0; i < d.length; i++) d[i] = Math.hypot(out[2 * i] - grid[2 * i], out[2 * i + 1] - grid[2 * i + 1]);
  return d;
}

export function dots(ctx, pts, size, r, color, every = 1) {
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let i = 0; i < pts.length / 2; i += every) {
    const [px, py] = toPx(pts[2 * i], pts[2 * i + 1], size);
    ctx.moveTo(px + r, py);
    ctx.arc(px, py, r, 0, 2 * Math.PI);
  }
  ctx.fill();
}

/** The learned manifold: polylines of `k` points each. */
export function polylines(ctx, sweep, k, size, style, width) {
  ctx.strokeStyle = style;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  for (let s = 0; s + 2 * k <= sweep.length; s += 2 * k) {
    for (let i = 0; i < k; i++) {
      const [px, py] = toPx(sweep[s + 2 * i], sweep[s + 2 * i + 1], size);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
  }
  ctx.stroke();
}

function arrow(ctx, x0, y0, x1, y1) {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (len < 0.5) return;
  const head = Math.min(7, 0.45 * len);
  const a = Math.atan2(y1 - y0, x1 - x0);
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.moveTo(x1 - head * Math.cos(a - 0.45), y1 - head * Math.sin(a - 0.45));
  ctx.lineTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(a + 0.45), y1 - head * Math.sin(a + 0.45));
}

/** A horizontal viridis colour bar from 0 to vmax with three ticks, in the box (x, y, w, h). */
export function colorBar(ctx, x, y, w, h, vmax, label) {
  const img = ctx.createImageData(Math.max(1, Math.round(w)), 1);
  for (let i = 0; i < img.width; i++) {
    const [r, g, b] = viridis(i / (img.width - 1));
    img.data.set([r, g, b, 255], 4 * i);
  }
  const strip = document.createElement('canvas');
  strip.width = img.width;
  strip.height = 1;
  strip.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(strip, x, y, w, h);
  ctx.strokeStyle = '#56606d';
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  ctx.fillStyle = '#1b2129';
  ctx.font = '22px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = x + f * w;
    ctx.fillRect(Math.round(tx) - (f === 1 ? 2 : 0), y + h, 2, 6);
    ctx.textAlign = f === 0 ? 'left' : f === 1 ? 'right' : 'center';
    ctx.fillText(`${Number((f * vmax).toPrecision(3))}${f === 1 ? '+' : ''}`, tx, y + h + 8);
  }
  ctx.textAlign = 'center';
  ctx.fillText(label, x + w / 2, y + h + 36);
}

/**
 * Fig 17: the heat map of ‖g(f(x̃)) − x̃‖ over the grid (viridis, 0 … vmax), the arrows
 * x̃ → g(f(x̃)), the training points and the learned manifold, and the colour bar below.
 * data: {heatGrid, heat, arrowGrid, arrows, sweep, points}; dims: {heat, arrowsSide, sweep, size};
 * opts: {vmax}. The canvas is size × (size + 84) pixels.
 */
export function drawField(ctx, data, dims, opts) {
  const { size } = dims;
  const g = dims.heat;
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  // Heat map at grid resolution, smoothed by the browser's bilinear scaling.
  const d = distances(data.heatGrid, data.heat);
  const img = new ImageData(g, g);
  for (let i = 0; i < d.length; i++) {
    const [r, gg, b] = viridis(d[i] / opts.vmax);
    img.data.set([r, gg, b, 255], 4 * i);
  }
  const tile = document.createElement('canvas');
  tile.width = g;
  tile.height = g;
  tile.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(tile, 0, 0, size, size);
  // Training points, faint.
  dots(ctx, data.points, size, 1.3, 'rgba(255,255,255,0.55)');
  // The learned manifold, when it is a curve (code size 1; a mesh would hide the field).
  if (data.sweep.length === 2 * dims.sweep) polylines(ctx, data.sweep, dims.sweep, size, 'rgba(255,255,255,0.85)', 2);
  // Arrows x̃ → g(f(x̃)): a dark halo under a white stroke, readable on every colour of the map.
  ctx.beginPath();
  for (let i = 0; i < data.arrowGrid.length / 2; i++) {
    const [x0, y0] = toPx(data.arrowGrid[2 * i], data.arrowGrid[2 * i + 1], size);
    const [x1, y1] = toPx(data.arrows[2 * i], data.arrows[2 * i + 1], size);
    arrow(ctx, x0, y0, x1, y1);
  }
  ctx.lineCap = 'round';
  ctx.strokeStyle = 'rgba(0,0,0,0.45)';
  ctx.lineWidth = 3;
  ctx.stroke();
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.lineWidth = 1.3;
  ctx.stroke();
  ctx.strokeStyle = '#56606d';
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
  colorBar(ctx, 14, size + 8, size - 28, 18, opts.vmax, 'distance travelled ‖g(f(x̃)) − x̃‖');
}

/** White square, a light grid every 0.5 and the axes' frame. */
export function frame(ctx, size) {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  // Axes through the origin and a light grid every 0.5.
  ctx.strokeStyle = '#eef1f4';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let v = -1.5; v <= 1.5001; v += 0.5) {
    const [px] = toPx(v, 0, size);
    const [, py] = toPx(0, v, size);
    ctx.moveTo(Math.round(px) + 0.5, 0);
    ctx.lineTo(Math.round(px) + 0.5, size);
    ctx.moveTo(0, Math.round(py) + 0.5);
    ctx.lineTo(size, Math.round(py) + 0.5);
  }
  ctx.stroke();
  ctx.strokeStyle = '#d5dbe3';
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
}

/**
 * Figs 15 and 16: inputs (grey), their outputs g(f(·)) (the variant's colour), a thin line from
 * each input to its output, and the learned manifold (dark line or mesh).
 * data: {inputs, outputs, sweep}; dims: {size, sweep}; opts: {color, every}.
 */
export function drawPoints(ctx, data, dims, opts) {
  const { size } = dims;
  frame(ctx, size);
  const every = opts.every ?? 1;
  ctx.strokeStyle = 'rgba(86,96,109,0.35)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i < data.inputs.length / 2; i += every) {
    const [x0, y0] = toPx(data.inputs[2 * i], data.inputs[2 * i + 1], size);
    const [x1, y1] = toPx(data.outputs[2 * i], data.outputs[2 * i + 1], size);
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
  }
  ctx.stroke();
  dots(ctx, data.inputs, size, 2, '#9aa3ae', every);
  const lines = data.sweep.length / (2 * dims.sweep);
  polylines(ctx, data.sweep, dims.sweep, size, lines > 1 ? 'rgba(27,33,41,0.35)' : 'rgba(27,33,41,0.8)', lines > 1 ? 1 : 1.5);
  dots(ctx, data.outputs, size, 2.2, opts.color, every);
}

/** The drawing pad: grid, the current training points, and the stroke being drawn. */
export function drawPad(ctx, data, dims) {
  const { size } = dims;
  frame(ctx, size);
  if (data.points) dots(ctx, data.points, size, 1.6, '#9aa3ae');
  const s = data.stroke;
  if (s && s.length >= 4) {
    ctx.strokeStyle = '#1d5bb8';
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (let i = 0; i < s.length / 2; i++) {
      const [px, py] = toPx(s[2 * i], s[2 * i + 1], size);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }
}

/** Canvas pixel → point of the view box (the inverse of the plots' mapping). */
export function fromPx(px, py, size) {
  return [(px / size) * 2 * VIEW - VIEW, VIEW - (py / size) * 2 * VIEW];
}
