// The 2-D lab's drawing pad: a stroke of pointer events becomes the training data (the `stroke`
// setting, so a link keeps it).

import { encodeStroke } from './state.js';
import { fromPx } from './draw.js';
import { page, $ } from './page.js';
import { syncControls, maybeRebuild } from './controls.js';

export function wirePad() {
  const pad = $('pad');
  const at = (e) => {
    const box = pad.getBoundingClientRect();
    const [x, y] = fromPx(((e.clientX - box.left) / box.width) * 480, ((e.clientY - box.top) / box.height) * 480, 480);
    return [Math.max(-1.5, Math.min(1.5, x)), Math.max(-1.5, Math.min(1.5, y))];
  };
  pad.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    page.stroke = [...at(e)];
    page.dirty = true;
  });
  pad.addEventListener('pointermove', (e) => {
    if (!page.stroke || !pad.hasPointerCapture(e.pointerId)) return;
    const [x, y] = at(e);
    const n = page.stroke.length;
    if (Math.hypot(x - page.stroke[n - 2], y - page.stroke[n - 1]) < 0.01) return;
    page.stroke.push(x, y);
    page.dirty = true;
  });
  const end = () => {
    if (!page.stroke) return;
    const pts = Float32Array.from(page.stroke);
    page.stroke = null;
    page.dirty = true;
    let len = 0;
    for (let i = 2; i < pts.length; i += 2) len += Math.hypot(pts[i] - pts[i - 2], pts[i + 1] - pts[i - 1]);
    if (pts.length < 4 || len < 0.1) {
      $('pad-hint').textContent = 'Too short: drag a longer stroke to make it the training data.';
      return;
    }
    $('pad-hint').textContent = 'Drag with a mouse, pen or finger: your stroke becomes the training data.';
    page.state.set('stroke', encodeStroke(pts));
    page.state.set('curve', 'drawn');
    syncControls();
    maybeRebuild();
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
}
