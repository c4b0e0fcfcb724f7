// The shared set-up of the browser test files: where things are, one static server plus one
// Debian Chromium per test file (started before its first test, closed after its last), and
// `openPage`, the one way a test opens a page and records its console errors and foreign requests.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = `${ROOT}dist`;
export const RESULTS = `${ROOT}test-results`;
/** For waits on training, on a machine shared with builds. */
export const TIMEOUT = 60_000;

/**
 * Registers the file's before/after hooks: checks that dist/ holds `files` (paths relative to
 * dist/), serves dist/ on 127.0.0.1 and launches Chromium. Returns `{server, browser}`, filled in
 * once `before` has run.
 */
export function useBrowser(files = ['index.html', 'pkg']) {
  const env = { server: null, browser: null };
  current = env;
  before(async () => {
    const missing = files.filter((f) => !existsSync(`${DIST}/${f}`));
    assert.deepEqual(missing, [], `dist/ lacks ${missing.join(', ')}: run \`make dist\` first`);
    await mkdir(RESULTS, { recursive: true });
    env.server = await startServer(DIST, 0);
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** The file's browser and server (one `useBrowser` per test file). */
let current = null;

/**
 * Opens `url` (relative to dist/: '', '#d=100', 'manifold.html#curve=arcs') in a fresh context
 * and waits for `readySelector` (none: do not wait). Records, from before the first script runs:
 * `requests` (every URL, the workers' too), `foreign` (those outside the page's origin, data: URLs
 * aside), `errors` (console errors and uncaught page errors, as text), and main-thread long tasks
 * in `window.__longTasks` ({start, duration} each), and the workers the page started in
 * `window.__workers` (a test may crash one). A Content-Security-Policy violation (the page's, or
 * a worker's console line) is one of the `errors`, so every test that checks them checks the
 * policy too. `route` ({url, handler}) intercepts requests;
 * `server` ({url}) serves the page instead of the file's own server (a sub-path test).
 * Returns {context, page, requests, foreign, errors}; the test closes `context`.
 * `init` (a script's text) runs in every frame, before the frame's own scripts.
 */
export async function openPage(url = '', readySelector = null, { viewport = { width: 1280, height: 900 }, route, server = current?.server, init } = {}) {
  assert.ok(current?.browser, 'openPage: call useBrowser() at the top of the test file');
  const { browser } = current;
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({ viewport });
  const requests = [];
  const foreign = [];
  const errors = [];
  context.on('request', (r) => {
    const u = r.url();
    requests.push(u);
    if (!u.startsWith('data:') && new URL(u).origin !== origin) foreign.push(u);
  });
  if (route) await context.route(route.url, route.handler);
  if (init) await context.addInitScript({ content: init });
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspReport(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
    window.__workers = [];
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        window.__workers.push(this);
      }
    };
  });
  await context.exposeBinding('__cspReport', (_source, text) => errors.push(`csp: ${text}`));
  const page = await context.newPage();
  // Chromium also logs every refusal of the policy (a worker's too) as a console error.
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(server.url + url);
  if (readySelector) await page.waitForSelector(readySelector, { timeout: TIMEOUT });
  return { context, page, requests, foreign, errors };
}

/**
 * The page stayed clean: no console error, no uncaught error, no Content-Security-Policy
 * violation, no request outside its origin.
 */
export function assertClean({ errors, foreign }) {
  assert.deepEqual(errors, [], 'console errors and policy violations');
  assert.deepEqual(foreign, [], 'requests outside the page origin');
}

/** axe-core's source, from node_modules (never a CDN). */
let axeSource = null;

/**
 * Runs axe-core on `page` (WCAG 2.x A and AA rules, best practices) and returns its violations as
 * short lines: "rule-id: help (target, target…)". `exclude`: selectors axe skips.
 */
export async function axeViolations(page, { exclude = [] } = {}) {
  axeSource ??= readFileSync(`${ROOT}node_modules/axe-core/axe.min.js`, 'utf8');
  // Evaluated, not added as a <script>: the page's CSP refuses inline scripts, rightly.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (exclude) => {
    const ctx = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
    const r = await window.axe.run(ctx, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 5 ? ', …' : ''})`);
  }, exclude);
  return result;
}

/**
 * Wait until the number in `data-<key>` of `selector` is at least `min`. On a time-out the error
 * says where the page stood: every data-* of `selector` and of #app (running, steps, generation),
 * the Train button and the alert, so a failure in CI can be read without a rerun.
 */
export async function waitData(page, selector, key, min) {
  try {
    await page.waitForFunction(([s, k, m]) => Number(document.querySelector(s)?.dataset[k]) >= m, [selector, key, min], { timeout: TIMEOUT });
  } catch (e) {
    const state = await page.evaluate((s) => {
      const $ = (q) => document.querySelector(q);
      const train = $('#train');
      return JSON.stringify({ [s]: { ...$(s)?.dataset }, '#app': { ...$('#app')?.dataset }, train: train && `${train.textContent}${train.disabled ? ' (disabled)' : ''}`, alert: $('#alert')?.textContent ?? null });
    }, selector).catch((why) => `unreadable (${why.message})`);
    throw new Error(`data-${key} of ${selector} never reached ${min} within ${TIMEOUT / 1000} s; the page: ${state}`, { cause: e });
  }
}

/**
 * Runs in the page: what canvas `id` shows, {width, height, sum (of every RGBA byte), hash (FNV-1a
 * of the pixels, with the size), ink (pixels not near-white), red and blue (opaque pixels whose
 * red, or blue, exceeds the other by 40)}. A canvas the page transferred to
 * a worker (the kernels, app/kernels.js) has no context of its own: it is read through a copy.
 * Passed as source (the page's policy allows no eval), so it may use nothing from here.
 */
function printInPage(id) {
  const c = document.getElementById(id);
  let d;
  try {
    d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  } catch {
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const x = copy.getContext('2d');
    x.drawImage(c, 0, 0);
    d = x.getImageData(0, 0, c.width, c.height).data;
  }
  let sum = 0;
  let h = 2166136261;
  let ink = 0;
  for (let i = 0; i < d.length; i++) {
    sum += d[i];
    h = Math.imul(h ^ d[i], 16777619) >>> 0;
  }
  let red = 0;
  let blue = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink++;
    if (d[i + 3] && d[i] > d[i + 2] + 40) red++;
    else if (d[i + 3] && d[i + 2] > d[i] + 40) blue++;
  }
  return { width: c.width, height: c.height, sum, hash: `${c.width}x${c.height}:${h.toString(16)}`, ink, red, blue };
}

/** What canvas `id` shows (printInPage's record). */
export async function canvasPrint(page, id) {
  return page.evaluate(`(${printInPage})(${JSON.stringify(id)})`);
}

/** Wait until canvas `id` shows `hash` (canvasPrint's), then check it: a new model draws its
 *  pixels in its first frame, a moment after the message that made it. */
export async function waitCanvasPrint(page, id, hash) {
  await waitCanvas(page, id, (p) => p.hash === hash);
  assert.equal((await canvasPrint(page, id)).hash, hash, `${id}: the same pixels`);
}

/**
 * Wait (up to TIMEOUT; no error) until canvas `id`'s print satisfies `ok`, and return the last
 * print: the kernels reach the screen a moment after the message that says they are painted.
 */
export async function waitCanvas(page, id, ok) {
  const end = Date.now() + TIMEOUT;
  for (;;) {
    const p = await canvasPrint(page, id);
    if (ok(p) || Date.now() > end) return p;
    await page.waitForTimeout(50);
  }
}

// ---- the training page's record: data-* on <main id="app">, set in the frame that draws ----------

/** The training page is ready: a model exists and its first frame is drawn. */
export const APP_READY = '#app[data-ready="true"]';

/** `data-<name>` of <main id="app">. */
export function appAttr(page, name) {
  return page.getAttribute('#app', `data-${name}`);
}

/** Batches trained, as drawn. */
export async function appSteps(page) {
  return Number(await appAttr(page, 'steps'));
}

/** Wait until at least `min` batches are drawn. */
export function waitAppSteps(page, min) {
  return waitData(page, '#app', 'steps', min);
}

/**
 * Press Pause (#train while training) and wait until the frame that answers it is drawn: the
 * worker may finish a slice of batches after the press, and only its answer counts them all.
 */
export async function pauseApp(page) {
  await page.click('#train');
  await page.waitForFunction(() => {
    const d = document.getElementById('app').dataset;
    return d.running === 'false' && d.answered === 'true';
  }, null, { timeout: TIMEOUT });
}

/**
 * Wait until the training page has drawn the model it holds now: render.js sets #app's
 * data-generation and data-ready in the animation frame that draws a model's first frame, and
 * the page's one object (app/index.js) knows the generation of its current model. After a
 * weights file replaced the model (`#keep[data-source]` changed), the rows are then that model's.
 */
export async function waitAppDrawn(page) {
  await page.evaluate(async () => { window.__app = (await import(new URL('app/index.js', document.baseURI).href)).app; });
  await page.waitForFunction(() => {
    const d = document.getElementById('app').dataset;
    return d.ready === 'true' && Number(d.generation) === window.__app.run.generation;
  }, null, { timeout: TIMEOUT });
}
