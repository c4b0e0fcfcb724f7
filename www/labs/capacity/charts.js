// Pure drawing for the capacity lab: the d-sweep scatter, the recon/penalty lines and the
// drawing pad's letter. Functions of (ctx, data, dims, opts); no state. Axes: draw/chart.js.
import { fitCanvas, drawAxes, drawLines } from '../../draw/chart.js';

/**
 * Reconstruction error against code size d (log axis 1…1000): one point per run, digits and
 * probes in two colours, a line through the runs of each model kind in order of d.
 * @param {{d:number, label:string, digits:number, probes:number}[]} runs
 * @param {{width:number, height:number}} dims  CSS pixels
 * @param {{colors:{text:string, grid:string, digits:string, probes:string}}} opts
 */
export function drawSweep(ctx, runs, dims, opts) {
  const { width: w, height: h } = dims;
  const { colors } = opts;
  fitCanvas(ctx, w, h);
  const pad = { l: 44, r: 22, t: 10, b: 28 }; // r: room for half of the "1000" label
  drawAxes(ctx, w, h, pad, colors);
  const ymax = Math.max(1e-3, ...runs.flatMap((r) => [r.digits, r.probes, r.train ?? 0])) * 1.1;
  const x = (d) => pad.l + (Math.log10(d) / 3) * (w - pad.l - pad.r);
  const y = (v) => h - pad.b - (v / ymax) * (h - pad.t - pad.b);
  ctx.textAlign = 'center';
  for (const d of [1, 10, 100, 784, 1000]) {
    if (d !== 784) ctx.fillText(String(d), x(d), h - pad.b + 14); // 784 (the image) only as a line
    ctx.strokeStyle = colors.grid;
    ctx.beginPath();
    ctx.moveTo(x(d), pad.t);
    ctx.lineTo(x(d), h - pad.b);
    ctx.stroke();
  }
  ctx.fillText('code size d (log)', (pad.l + w - pad.r) / 2, h - 2);
  ctx.textAlign = 'right';
  for (const f of [0, 0.5, 1]) ctx.fillText((ymax * f).toPrecision(2), pad.l - 4, y(ymax * f) + 4);
  const sorted = [...runs].sort((a, b) => a.d - b.d);
  // Lines join only runs of the same model kind (label), in order of d; every run is a dot.
  const groups = new Map();
  for (const r of sorted) groups.set(r.label, [...(groups.get(r.label) ?? []), r]);
  for (const [key, color] of [['digits', colors.digits], ['train', colors.train ?? colors.digits], ['probes', colors.probes]]) {
    if (!runs.some((r) => Number.isFinite(r[key]))) continue; // runs without a training-set error
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 1.5;
    for (const g of groups.values()) {
      ctx.beginPath();
      g.forEach((r, i) => (i ? ctx.lineTo(x(r.d), y(r[key])) : ctx.moveTo(x(r.d), y(r[key]))));
      ctx.stroke();
    }
    for (const r of sorted) {
      ctx.beginPath();
      ctx.arc(x(r.d), y(r[key]), 3.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}

/**
 * Reconstruction loss and contractive penalty against training steps (two lines, one y axis).
 * @param {{steps:number, recon:number, penalty:number}[]} points
 */
export function drawParts(ctx, points, dims, opts) {
  const xs = points.map((p) => p.steps);
  drawLines(ctx, [
    { xs, ys: points.map((p) => p.recon), color: opts.colors.digits },
    { xs, ys: points.map((p) => p.penalty), color: opts.colors.probes },
  ], dims, {
    colors: opts.colors,
    x: { label: (last) => `batches (0 … ${last})` },
    y: { zero: true, headroom: 1.1, format: (v) => v.toPrecision(2) },
  });
}

/** A 28×28 drawing of the letter A in [0, 1] (three 2-px strokes), the pad's first probe. */
export function letterA(side = 28) {
  const img = new Float32Array(side * side);
  const line = (x0, y0, x1, y1) => {
    const n = 4 * Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
    for (let i = 0; i <= n; i++) stamp(img, side, x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n);
  };
  line(7, 23, 14, 4);
  line(14, 4, 21, 23);
  line(10, 16, 18, 16);
  return img;
}

/** Ink a soft 2-px dot at (x, y) of a [0, 1] image (values only grow). */
export function stamp(img, side, x, y) {
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const px = Math.round(x) + dx;
      const py = Math.round(y) + dy;
      if (px < 0 || py < 0 || px >= side || py >= side) continue;
      const v = dx === 0 && dy === 0 ? 1 : dx === 0 || dy === 0 ? 0.75 : 0.4;
      img[py * side + px] = Math.max(img[py * side + px], v);
    }
  }
}
