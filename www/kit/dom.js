// The one DOM helper module of the page and its labs: build elements, a labelled row of digits,
// a lab's stylesheet, write text or HTML only when it changed, count paints in data-* (what the
// browser tests wait for), and a refresher that runs at most one query at a time.

/**
 * `el('div', {class: 'x'}, child, 'text')`: attributes as given (booleans by presence). `style`
 * goes through the CSSOM: the page's policy refuses style="" attributes, not the CSSOM.
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v);
  }
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

/** Add the stylesheet at `href` (a URL) to the document once, however many modules ask for it. */
export function useStylesheet(href) {
  const url = String(href);
  for (const l of document.querySelectorAll('link[rel="stylesheet"]')) if (l.href === url) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = url;
  document.head.append(link);
}

/** The one element that the markup `html` describes (a lab's static HTML), not yet in the page. */
export function fromHtml(html) {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

const lastHtml = new WeakMap();
/**
 * Set an element's HTML only when it differs (no needless layout while training). `html` is our
 * own markup: any text that comes from outside it (an error message, a file, the URL) goes
 * through `escapeHtml` first, so it can only ever be text.
 */
export function setHtml(e, html) {
  if (lastHtml.get(e) === html) return;
  e.innerHTML = html;
  lastHtml.set(e, html);
}

/** `text` as HTML text: & < > " ' escaped. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Add one to the counter `data-<key>` of `e` (paints and answers, for the record and the tests). */
export function bump(e, key) {
  e.dataset[key] = String(Number(e.dataset[key] ?? 0) + 1);
}

/**
 * Log an error a panel's task did not handle, unless it is a question the worker can no longer
 * answer (`e.lost`: a time-out or a dead worker, which model.js's forSection already says in the
 * panel itself, and which a worker's crash and restart make expected, not a bug).
 */
export function logUnlessLost(e) {
  if (!e?.lost) console.error(e);
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
      logUnlessLost(e);
    } finally {
      busy = false;
      if (again) { again = false; if (!timer) timer = setTimeout(go, 0); }
    }
  };
  return () => { if (!timer) go(); else again = again || busy; };
}
