// Small DOM helpers of the denoising panel: element builder, a labelled row of digits, and a
// refresher that runs at most one query at a time and at most every `ms` milliseconds.

/** `el('div', {class: 'x'}, child, 'text')`: attributes as given (booleans by presence). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * A <figure class="row"> with caption and a pixelated canvas for `count` digits: {fig, canvas, ctx}.
 * The canvas starts at the row's final size, so the layout does not jump (or, at 1×28, stretch
 * to a very tall empty canvas) before the first drawing.
 */
export function row(id, caption, count = 8) {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': caption, width: String(count * 28 + (count - 1) * 2), height: '28' });
  const fig = el('figure', { class: 'row' }, el('figcaption', {}, caption), canvas);
  return { fig, canvas, ctx: canvas.getContext('2d') };
}

/**
 * Wrap an async `fn` so calls coalesce: one run at a time, the next no sooner than `ms` after the
 * last started, and a call during a run schedules exactly one more run after it.
 */
export function throttled(fn, ms) {
  let busy = false;
  let again = false;
  let last = -Infinity;
  let timer = 0;
  const go = async () => {
    timer = 0;
    if (busy) { again = true; return; }
    const wait = last + ms - performance.now();
    if (wait > 0) { timer = setTimeout(go, wait); return; }
    busy = true;
    last = performance.now();
    try {
      await fn();
    } catch (e) {
      console.error(e);
    } finally {
      busy = false;
      if (again) { again = false; if (!timer) timer = setTimeout(go, 0); }
    }
  };
  return () => { if (!timer) go(); else again = again || busy; };
}
