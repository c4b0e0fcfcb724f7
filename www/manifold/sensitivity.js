// Figs 18–19 of the lecture, pure drawing `(ctx, data, dims, opts)`: how sensitive each model's
// code is to moves of its input, as an ellipse per point from the singular values and vectors of
// the exact Jacobian ∂h/∂x the worker sends.

import { frame, dots, polylines, toPx } from './draw.js';

/**
 * The singular values σ₁ ≥ σ₂ of a code × 2 Jacobian J (row-major [code, 2]) and the angle of
 * the input direction of σ₁: the eigen-decomposition of the 2 × 2 matrix JᵀJ.
 */
export function jacobianAxes(J) {
  let a = 0;
  let b = 0;
  let d = 0;
  for (let j = 0; j < J.length; j += 2) {
    a += J[j] * J[j];
    b += J[j] * J[j + 1];
    d += J[j + 1] * J[j + 1];
  }
  const m = (a + d) / 2;
  const r = Math.hypot((a - d) / 2, b);
  const l1 = m + r;
  const l2 = Math.max(0, m - r);
  // Eigenvector of l1: (b, l1 − a), or (l1 − d, b); the larger one is the better conditioned.
  const [vx, vy] = Math.abs(b) + Math.abs(l1 - a) >= Math.abs(l1 - d) + Math.abs(b) ? [b, l1 - a] : [l1 - d, b];
  const angle = vx === 0 && vy === 0 ? 0 : Math.atan2(vy, vx);
  return { s1: Math.sqrt(l1), s2: Math.sqrt(l2), angle };
}

/**
 * Figs 18–19: at each point, an ellipse with semi-axes σ₁, σ₂ along the input directions the code
 * is most and least sensitive to (the singular vectors of ∂h/∂x), scaled so the largest σ₁ of
 * this model is `radius` pixels. data: {points, jac, code, inputs, sweep}; opts: {color, radius}.
 */
export function drawSensitivity(ctx, data, dims, opts) {
  const { size } = dims;
  frame(ctx, size);
  dots(ctx, data.inputs, size, 1.6, '#c3c9d1');
  if (data.sweep.length === 2 * dims.sweep) polylines(ctx, data.sweep, dims.sweep, size, 'rgba(27,33,41,0.5)', 1.2);
  const k = data.points.length / 2;
  const step = 2 * data.code;
  const axes = [];
  let top = 0;
  for (let i = 0; i < k; i++) {
    const ax = jacobianAxes(data.jac.subarray(i * step, (i + 1) * step));
    axes.push(ax);
    top = Math.max(top, ax.s1);
  }
  const scale = top > 0 ? opts.radius / top : 0;
  ctx.fillStyle = opts.color;
  ctx.strokeStyle = opts.color;
  ctx.lineWidth = 1.4;
  for (let i = 0; i < k; i++) {
    const [px, py] = toPx(data.points[2 * i], data.points[2 * i + 1], size);
    const { s1, s2, angle } = axes[i];
    ctx.beginPath();
    // Canvas y points down, so the angle flips sign.
    ctx.ellipse(px, py, Math.max(0.6, s1 * scale), Math.max(0.6, s2 * scale), -angle, 0, 2 * Math.PI);
    ctx.globalAlpha = 0.18;
    ctx.fill();
    ctx.globalAlpha = 0.9;
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
}
