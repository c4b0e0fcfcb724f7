// The 2-D lab's loss curves, pure drawing `(ctx, data, dims)`: every variant's mean loss per
// chunk of steps on one log axis.

/**
 * Loss curves on a log axis: data: [{label, color, steps: number[], losses: number[]}];
 * dims: {width, height} in canvas pixels.
 */
export function drawLoss(ctx, data, dims) {
  const { width, height } = dims;
  const pad = { left: 58, right: 14, top: 12, bottom: 34 };
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  let lo = Infinity;
  let hi = -Infinity;
  let maxStep = 1;
  for (const s of data) {
    for (let i = 0; i < s.losses.length; i++) {
      const v = s.losses[i];
      if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    if (s.steps.length) maxStep = Math.max(maxStep, s.steps[s.steps.length - 1]);
  }
  ctx.font = '13px system-ui, sans-serif';
  ctx.fillStyle = '#56606d';
  if (!(hi > 0)) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('Press Train to see the loss fall.', width / 2, height / 2);
    return;
  }
  const l0 = Math.floor(Math.log10(lo));
  const l1 = Math.max(l0 + 1, Math.ceil(Math.log10(hi)));
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const X = (s) => pad.left + (s / maxStep) * w;
  const Y = (v) => pad.top + (1 - (Math.log10(v) - l0) / (l1 - l0)) * h;
  ctx.strokeStyle = '#e6eaef';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let k = l0; k <= l1; k++) {
    const y = Math.round(Y(10 ** k)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(width - pad.right, y);
    ctx.stroke();
    ctx.fillText(`1e${k}`, pad.left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.textAlign = f === 1 ? 'right' : 'center';
    ctx.fillText(Math.round(f * maxStep).toLocaleString('en'), X(f * maxStep), height - pad.bottom + 6);
  }
  ctx.textAlign = 'center';
  ctx.fillText('steps (mini-batches)', pad.left + w / 2, height - 16);
  ctx.strokeStyle = '#d5dbe3';
  ctx.strokeRect(pad.left + 0.5, pad.top + 0.5, w, h);
  ctx.lineWidth = 1.8;
  for (const s of data) {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < s.losses.length; i++) {
      const v = s.losses[i];
      if (!(v > 0 && Number.isFinite(v))) continue;
      const x = X(s.steps[i]);
      const y = Y(v);
      if (!started) { ctx.moveTo(x, y); started = true; } else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
}
