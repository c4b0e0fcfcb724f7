// Node tests of the one chart and axes module (www/draw/chart.js), without a browser: canvas
// sizing at the device pixel ratio, tick choices, and where drawLines puts its points, through a
// stand-in context that records every call. Expected coordinates are worked by hand in comments.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitCanvas, linearTicks, logTicks, tickLabel, drawLines, drawAxes } from '../../www/draw/chart.js';

/** A 2-D context that records calls as [name, ...args]; properties are plain fields. */
function recorder(canvas = { width: 0, height: 0, clientWidth: 0, clientHeight: 0 }) {
  const calls = [];
  const state = { canvas, calls, measureText: (t) => ({ width: 6 * String(t).length }) };
  return new Proxy(state, {
    get: (t, k) => (k in t ? t[k] : (...args) => { calls.push([k, ...args]); }),
    set: (t, k, v) => { t[k] = v; return true; },
  });
}

/** Every stroked path's moveTo/lineTo points, as [op, x, y] rounded to 1e-9, in drawing order. */
function paths(calls) {
  const out = [];
  let path = [];
  for (const [op, x, y] of calls) {
    if (op === 'beginPath') path = [];
    else if (op === 'moveTo' || op === 'lineTo') path.push([op, Number(x.toFixed(9)), Number(y.toFixed(9))]);
    else if (op === 'stroke') out.push(path);
  }
  return out;
}
const lastPath = (calls) => paths(calls).at(-1);

test('fitCanvas: backing store = CSS size × device pixel ratio (at most 2), drawing in CSS pixels', () => {
  const saved = globalThis.devicePixelRatio;
  try {
    globalThis.devicePixelRatio = 1.5;
    const ctx = recorder();
    assert.deepEqual(fitCanvas(ctx, 200, 100), { w: 200, h: 100 });
    assert.deepEqual([ctx.canvas.width, ctx.canvas.height], [300, 150]);
    assert.deepEqual(ctx.calls[0], ['setTransform', 1.5, 0, 0, 1.5, 0, 0]);
    assert.deepEqual(ctx.calls[1], ['clearRect', 0, 0, 200, 100]);
    globalThis.devicePixelRatio = 3; // a phone: capped at 2, the charts need no more
    const phone = recorder({ width: 0, height: 0, clientWidth: 390, clientHeight: 80 });
    assert.deepEqual(fitCanvas(phone), { w: 390, h: 80 }, 'the CSS box when no size is given');
    assert.deepEqual([phone.canvas.width, phone.canvas.height], [780, 160]);
  } finally {
    globalThis.devicePixelRatio = saved;
  }
});

test('ticks: 1-2-5 steps on a linear axis, decades (and 2, 5 on short ranges) on a log one', () => {
  // span 1 over ~5 ticks: raw step 0.2 → 10^-1 × 2.
  assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  // span 0.07 over ~3: raw 0.0233 → 0.05; multiples of 0.05 in [0.013, 0.083]: 0.05 only.
  assert.deepEqual(linearTicks(0.013, 0.083, 3), [0.05]);
  assert.deepEqual(logTicks(0.01, 1), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
  // 2e-4 … 10: 1e-3 … 10 and their 2s and 5s (with 2e-4 and 5e-4) are more than 8: decades only.
  assert.deepEqual(logTicks(2e-4, 10), [1e-3, 0.01, 0.1, 1, 10]);
  assert.deepEqual([tickLabel(0), tickLabel(0.25), tickLabel(1234), tickLabel(0.00012), tickLabel(25000)], ['0', '0.25', '1230', '1e-4', '3e+4']);
});

test('drawLines: points at the hand-computed places, gaps at NaN, log axis in decades', () => {
  // 154 × 134 with margins l 44, r 10, t 10, b 24: a 100 × 100 plot from (44, 10).
  const dims = { width: 154, height: 134 };
  const colors = { text: '#555', grid: '#ddd' };
  const ctx = recorder();
  const s = drawLines(ctx, [{ xs: [0, 1, 2, 4], ys: [2, NaN, 1, 0], color: 'red' }], dims, { colors, y: { zero: true } });
  // x: 0 … 4 → 44 … 144; y: 0 … 2 → 110 … 10.
  assert.deepEqual(lastPath(ctx.calls), [['moveTo', 44, 10], ['moveTo', 94, 60], ['lineTo', 144, 110]]);
  assert.equal(s.fx(3), 119);
  // y labels at 0, 1, 2 (the default: both ends and the middle), right-aligned at x = 40.
  assert.deepEqual(ctx.calls.filter((c) => c[0] === 'fillText').map((c) => [c[1], c[2], c[3]]), [['0', 40, 110], ['1', 40, 60], ['2', 40, 10]]);

  const log = recorder();
  drawLines(log, [{ xs: [0, 1, 2], ys: [100, 1, 0.01], color: 'blue' }, { xs: [0, 2], ys: [-1, 10], color: 'green' }], dims, { colors, y: { log: true } });
  // decades 1e-2 … 1e2 over 100 px: 25 px each, so 100 → 10, 1 → 60, 0.01 → 110; the axes are
  // the first path; −1 is skipped on a log axis, so green starts at (2, 10) → (144, 35).
  const [, blue, green] = paths(log.calls);
  assert.deepEqual(blue, [['moveTo', 44, 10], ['lineTo', 94, 60], ['lineTo', 144, 110]]);
  assert.deepEqual(green, [['moveTo', 144, 35]]);

  const empty = recorder();
  assert.equal(drawLines(empty, [{ xs: [0], ys: [NaN], color: 'red' }], dims, { colors, empty: 'nothing yet' }), null);
  assert.ok(empty.calls.some((c) => c[0] === 'fillText' && c[1] === 'nothing yet'));
});

test('drawAxes: two axis lines, or the whole frame', () => {
  const pad = { l: 44, r: 10, t: 10, b: 24 };
  const ctx = recorder();
  drawAxes(ctx, 154, 134, pad, { text: '#555', grid: '#ddd' });
  assert.deepEqual(lastPath(ctx.calls), [['moveTo', 44, 10], ['lineTo', 44, 110], ['lineTo', 144, 110]]);
  assert.equal(ctx.strokeStyle, '#ddd');
  assert.equal(ctx.fillStyle, '#555');
  const framed = recorder();
  drawAxes(framed, 154, 134, pad, { text: '#555', grid: '#ddd' }, true);
  assert.deepEqual(framed.calls.find((c) => c[0] === 'rect'), ['rect', 44.5, 10.5, 100, 100]);
});
