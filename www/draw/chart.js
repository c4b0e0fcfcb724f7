// The one chart and axes module of the page and its labs: canvas sizing at the device's pixel
// ratio, tick choices and labels, axes, and a line chart of several series (linear or log axes),
// used by every chart; and the training page's live loss chart (per-batch losses, epoch means,
// hover cursor) built on them. Pure functions of (ctx, data, dims, opts): no state.
export { LossSeries } from './series.js';

/**
 * Size the canvas's backing store to CSS size (`width`, `height`; default: its CSS box) × the
 * device pixel ratio (at most 2), draw in CSS pixels from now on, and clear. Returns {w, h}.
 */
export function fitCanvas(ctx, width, height) {
  const c = ctx.canvas;
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(width ?? (c.clientWidth || 300)));
  const h = Math.max(1, Math.round(height ?? (c.clientHeight || 200)));
  if (c.width !== Math.round(w * dpr)) c.width = Math.round(w * dpr);
  if (c.height !== Math.round(h * dpr)) c.height = Math.round(h * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { w, h };
}

/** 1, 2, 5 × 10^k ticks covering [lo, hi], about `want` of them. */
export function linearTicks(lo, hi, want) {
  const span = hi - lo || 1;
  const raw = span / want;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Decades, and 2 and 5 times them when the range is short, inside [lo, hi] (lo > 0). */
export function logTicks(lo, hi) {
  const ticks = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (v >= lo && v <= hi) ticks.push(Number(v.toPrecision(12)));
    }
  }
  return ticks.length > 8 ? ticks.filter((v) => Math.abs(Math.log10(v) % 1) < 1e-9) : ticks;
}

export function tickLabel(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/**
 * The left and bottom axes of the plot box `pad` ({l, r, t, b} margins) in a w×h chart, or its
 * whole frame (`frame: true`); leaves the text colour and an 11-px font set for the labels.
 */
export function drawAxes(ctx, w, h, pad, colors, frame = false) {
  ctx.strokeStyle = colors.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (frame) ctx.rect(pad.l + 0.5, pad.t + 0.5, w - pad.l - pad.r, h - pad.t - pad.b);
  else { ctx.moveTo(pad.l, pad.t); ctx.lineTo(pad.l, h - pad.b); ctx.lineTo(w - pad.r, h - pad.b); }
  ctx.stroke();
  ctx.fillStyle = colors.text;
  ctx.font = '11px system-ui, sans-serif';
}

/**
 * A line chart: `series` [{xs, ys, color}] (ys ≤ 0 or not finite skipped on a log axis, not
 * finite skipped on a linear one) against x from `x.min` (0) to the largest x.
 * @param {{width:number, height:number}} dims  CSS pixels; the canvas is fitted to them
 * @param {{colors:{text:string, grid:string}, pad?:{l,r,t,b}, frame?:boolean, lineWidth?:number,
 *   x?:{min?:number, ticks?:number[], format?:(v)=>string, label?:string},
 *   y?:{log?:boolean, zero?:boolean, headroom?:number, ticks?:(lo, hi)=>number[], format?:(v)=>string},
 *   empty?:string}} opts
 *   y.zero: the axis starts at 0 (else at the smallest value); y.headroom: top = max × it;
 *   x.ticks / y.ticks: where the labels go (fractions of the axis for x); `empty`: a note when
 *   there is nothing to draw. Returns the scales {fx, fy}, or null when empty.
 */
export function drawLines(ctx, series, dims, opts) {
  const { w, h } = fitCanvas(ctx, dims.width, dims.height);
  const pad = opts.pad ?? { l: 44, r: 10, t: 10, b: 24 };
  const X = opts.x ?? {};
  const Y = opts.y ?? {};
  drawAxes(ctx, w, h, pad, opts.colors, opts.frame);
  const ok = (v) => Number.isFinite(v) && (!Y.log || v > 0);
  let lo = Infinity, hi = -Infinity, xmax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.ys.length; i++) if (ok(s.ys[i])) { lo = Math.min(lo, s.ys[i]); hi = Math.max(hi, s.ys[i]); }
    if (s.xs.length) xmax = Math.max(xmax, s.xs[s.xs.length - 1]);
  }
  if (!(hi >= lo)) {
    if (opts.empty) { ctx.textAlign = 'center'; ctx.fillText(opts.empty, w / 2, h / 2); }
    return null;
  }
  const x0 = X.min ?? 0;
  const x1 = Math.max(xmax, x0 + 1);
  let y0, y1;
  if (Y.log) { y0 = Math.floor(Math.log10(lo)); y1 = Math.max(y0 + 1, Math.ceil(Math.log10(hi))); }
  else { y0 = Y.zero ? 0 : lo; y1 = hi * (Y.headroom ?? 1); if (!(y1 > y0)) y1 = y0 + 1; }
  const pw = w - pad.l - pad.r;
  const ph = h - pad.t - pad.b;
  const fx = (v) => pad.l + ((v - x0) / (x1 - x0)) * pw;
  const fy = Y.log ? (v) => pad.t + (1 - (Math.log10(v) - y0) / (y1 - y0)) * ph : (v) => pad.t + (1 - (v - y0) / (y1 - y0)) * ph;
  const yLo = Y.log ? 10 ** y0 : y0;
  const yHi = Y.log ? 10 ** y1 : y1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of (Y.ticks ?? (Y.log ? logTicks : (a, b) => [a, (a + b) / 2, b]))(yLo, yHi)) ctx.fillText((Y.format ?? tickLabel)(v), pad.l - 4, fy(v));
  ctx.textBaseline = 'top';
  for (const f of X.ticks ?? []) {
    ctx.textAlign = f === 1 ? 'right' : 'center';
    ctx.fillText((X.format ?? tickLabel)(x0 + f * (x1 - x0)), fx(x0 + f * (x1 - x0)), h - pad.b + 4);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  if (X.label) ctx.fillText(typeof X.label === 'function' ? X.label(x1) : X.label, pad.l + pw / 2, h - 2);
  ctx.lineWidth = opts.lineWidth ?? 1.5;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.ys.length; i++) {
      if (!ok(s.ys[i])) { pen = false; continue; }
      if (pen) ctx.lineTo(fx(s.xs[i]), fy(s.ys[i])); else ctx.moveTo(fx(s.xs[i]), fy(s.ys[i]));
      pen = true;
    }
    ctx.stroke();
  }
  return { fx, fy };
}

const PAD = { left: 54, right: 12, top: 20, bottom: 32 };

/** The plot's geometry and scales for this series, size and options. */
export function layout(series, dims, opts) {
  const w = Math.max(1, dims.width - PAD.left - PAD.right);
  const h = Math.max(1, dims.height - PAD.top - PAD.bottom);
  const total = Math.max(1, dims.total, series.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < series.length; i++) {
    const v = series.values[i];
    if (Number.isFinite(v) && (!opts.log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  const empty = !(hi >= lo);
  let ylo;
  let yhi;
  if (opts.log) {
    [ylo, yhi] = empty ? [0.01, 1] : [lo / 1.15, hi * 1.15];
    if (yhi / ylo < 10) { const c = Math.sqrt(ylo * yhi); ylo = c / Math.sqrt(10); yhi = c * Math.sqrt(10); }
  } else {
    [ylo, yhi] = empty ? [0, 1] : [0, hi * 1.05 || 1];
  }
  const fy = opts.log
    ? (v) => PAD.top + h * (1 - (Math.log10(v) - Math.log10(ylo)) / (Math.log10(yhi) - Math.log10(ylo)))
    : (v) => PAD.top + h * (1 - (v - ylo) / (yhi - ylo));
  const fx = (i) => PAD.left + (w * (i + 0.5)) / total;
  return { w, h, total, ylo, yhi, fx, fy, empty };
}

/** The batch index under CSS x coordinate `x`, or -1 when there is none. */
export function indexAt(series, x, dims) {
  if (series.length === 0) return -1;
  const w = Math.max(1, dims.width - PAD.left - PAD.right);
  const total = Math.max(1, dims.total, series.length);
  const i = Math.round(((x - PAD.left) / w) * total - 0.5);
  if (x < PAD.left - 4 || x > dims.width - PAD.right + 4) return -1;
  return Math.max(0, Math.min(series.length - 1, i));
}

/**
 * Draw the chart.
 * @param {CanvasRenderingContext2D} ctx
 * @param {LossSeries} series
 * @param {{width:number, height:number, dpr:number, total:number}} dims  CSS size; `total` = the
 *   planned number of batches (epochs × batches per epoch), so the x axis spans the whole run
 * @param {{log:boolean, hover:number, colors:{text:string, grid:string, batch:string, epoch:string, cursor:string}}} opts
 */
export function drawLossChart(ctx, series, dims, opts) {
  const { width, height, dpr } = dims;
  const c = opts.colors;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const L = layout(series, dims, opts);
  const clip = (v) => Math.max(PAD.top, Math.min(PAD.top + L.h, v));

  // Grid and y labels.
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = c.grid;
  ctx.fillStyle = c.text;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yt = opts.log ? logTicks(L.ylo, L.yhi) : linearTicks(L.ylo, L.yhi, Math.max(2, Math.floor(L.h / 36)));
  for (const v of yt) {
    const y = Math.round(L.fy(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(PAD.left, y); ctx.lineTo(PAD.left + L.w, y); ctx.stroke();
    ctx.fillText(tickLabel(v), PAD.left - 6, y);
  }
  // Epoch ticks on x, labelled at most every ~44 px.
  const pe = series.perEpoch;
  const epochs = Math.ceil(L.total / pe);
  const every = Math.max(1, Math.ceil(44 / ((L.w * pe) / L.total)));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let e = 0; e <= epochs; e += every) {
    const x = Math.round(PAD.left + (L.w * e * pe) / L.total) + 0.5;
    if (x > PAD.left + L.w + 1) break;
    ctx.beginPath(); ctx.moveTo(x, PAD.top + L.h); ctx.lineTo(x, PAD.top + L.h + 4); ctx.stroke();
    ctx.fillText(String(e), x, PAD.top + L.h + 6);
  }
  ctx.fillText('epoch', PAD.left + L.w / 2, PAD.top + L.h + 18);
  ctx.textAlign = 'left';
  const name = opts.lossName ?? 'MSE'; // the model's loss: 'MSE' or 'BCE'
  ctx.fillText(opts.log ? `loss (${name}, log axis)` : `loss (${name})`, 4, 2);
  ctx.strokeStyle = c.text;
  ctx.beginPath(); ctx.moveTo(PAD.left + 0.5, PAD.top); ctx.lineTo(PAD.left + 0.5, PAD.top + L.h + 0.5); ctx.lineTo(PAD.left + L.w, PAD.top + L.h + 0.5); ctx.stroke();

  if (L.empty) {
    ctx.fillStyle = c.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('no batches yet — press Train or Step', PAD.left + L.w / 2, PAD.top + L.h / 2);
    return;
  }

  // Per-batch losses: a polyline, or min–max bars per pixel column when there are many.
  const ok = (v) => Number.isFinite(v) && (!opts.log || v > 0);
  ctx.strokeStyle = c.batch;
  ctx.lineWidth = 1;
  ctx.beginPath();
  const n = series.length;
  if (n > L.w * 2) {
    const cols = Math.ceil(L.w);
    for (let px = 0; px < cols; px++) {
      const from = Math.floor((px / L.w) * L.total);
      const to = Math.min(n, Math.floor(((px + 1) / L.w) * L.total));
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = from; i < to; i++) {
        const v = series.values[i];
        if (ok(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
      }
      if (hi >= lo) { ctx.moveTo(PAD.left + px + 0.5, clip(L.fy(hi)) - 0.5); ctx.lineTo(PAD.left + px + 0.5, clip(L.fy(lo)) + 0.5); }
    }
  } else {
    let pen = false;
    for (let i = 0; i < n; i++) {
      const v = series.values[i];
      if (!ok(v)) { pen = false; continue; }
      const x = L.fx(i);
      const y = clip(L.fy(v));
      if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      pen = true;
    }
  }
  ctx.stroke();

  // Epoch means: a line through the complete epochs, a hollow dot for the one in progress.
  ctx.strokeStyle = c.epoch;
  ctx.fillStyle = c.epoch;
  ctx.lineWidth = 1.5;
  const last = series.epochOf(n - 1);
  const pts = [];
  for (let e = 0; e <= last; e++) {
    const { mean, count } = series.epochMean(e);
    if (ok(mean)) pts.push({ x: L.fx(Math.min(e * pe + pe / 2, L.total) - 0.5), y: clip(L.fy(mean)), done: count === pe });
  }
  ctx.beginPath();
  pts.forEach((p, k) => (k ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
  ctx.stroke();
  for (const p of pts) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, 3, 0, 2 * Math.PI);
    if (p.done) ctx.fill(); else { ctx.lineWidth = 1.5; ctx.stroke(); }
  }

  // Hover cursor.
  if (opts.hover >= 0 && opts.hover < n) {
    const x = Math.round(L.fx(opts.hover)) + 0.5;
    ctx.strokeStyle = c.cursor;
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(x, PAD.top); ctx.lineTo(x, PAD.top + L.h); ctx.stroke();
    const v = series.values[opts.hover];
    if (ok(v)) {
      ctx.fillStyle = c.cursor;
      ctx.beginPath(); ctx.arc(x, clip(L.fy(v)), 3.5, 0, 2 * Math.PI); ctx.fill();
    }
  }
}
