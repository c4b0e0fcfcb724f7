// End-to-end tests of the embeds (www/embed.html, www/embed/, www/embed-resize.js,
// www/app/embed-dialog.js) in dist/ (build it with `make dist`). The whole dist/ is served under a
// sub-path, /notes/ae/, of its own server (the "playground" origin); a course-notes page written by
// the test is served by a second server under another host name (localhost, not 127.0.0.1), so its
// frames are cross-site, third-party frames, and have no IndexedDB here (removed before any script).
// The last test opens each of the 15 views alone (about two minutes).
// Run: node --test tests/e2e/embed.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { startServer } from '../../scripts/serve.mjs';
import { DIST, RESULTS, TIMEOUT, APP_READY, useBrowser, openPage, assertClean, waitData, canvasPrint, axeViolations } from './harness.mjs';
import { HEIGHT_MESSAGE, FIRST_HEIGHT, iframeSnippet } from '../../www/embed/links.js';
import { EMBED_IDS } from '../../www/embed/ids.js';

useBrowser(['index.html', 'embed.html', 'embed-resize.js', 'embed/index.js', 'pkg']);

const SUB = 'notes/ae/';
let site = null; // dist/ at /notes/ae/
let notes = null; // the notes page's own server
before(async () => {
  const root = `${RESULTS}/embed-site`;
  await rm(root, { recursive: true, force: true });
  await mkdir(`${root}/notes`, { recursive: true });
  await symlink(DIST, `${root}/notes/ae`);
  await mkdir(`${RESULTS}/embed-notes`, { recursive: true });
  site = await startServer(root, 0);
  // Someone else's site: its own page, without the playground's policy (which forbids frames
  // from other origins and inline scripts, both of which a notes page may have).
  notes = await startServer(`${RESULTS}/embed-notes`, 0, { policy: () => null });
});
after(async () => {
  await site?.close();
  await notes?.close();
});

/** The playground under its sub-path, as openPage's `server`. */
const playground = () => ({ url: `${site.url}${SUB}` });

/** A hash as {key: value}, for comparing settings whatever their order. */
const params = (hash) => Object.fromEntries(new URLSearchParams(String(hash).replace(/^#/, '')));

/** The iframe src and script src of a snippet. */
function parseSnippet(html) {
  return { iframe: html.match(/<iframe src="([^"]+)"/)?.[1].replace(/&amp;/g, '&'), script: html.match(/<script src="([^"]+)"/)?.[1], title: html.match(/title="([^"]+)"/)?.[1] };
}

/** Open the Embed dialog of view `id`; its {link, snippet}. */
async function dialogOf(page, id) {
  await page.click(`[data-embed="${id}"]`);
  await page.waitForSelector(`dialog.embed-dialog[open][data-lab="${id}"]`, { timeout: TIMEOUT });
  const out = { link: await page.inputValue('#embed-link'), snippet: await page.inputValue('#embed-snippet') };
  await page.click('dialog.embed-dialog .close-row button');
  await page.waitForSelector('dialog.embed-dialog', { state: 'hidden', timeout: TIMEOUT });
  return out;
}

test('under /notes/ae/: the page trains, and every Embed dialog gives the snippet and link of the current settings', async () => {
  const opened = await openPage('#preset=standard&d=16&lr=0.002&seed=7', APP_READY, { server: playground() });
  const { context, page } = opened;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(site.url).origin });
  // The whole dist/ works from the sub-path: it loads, trains, asks nothing of another origin.
  await page.click('#train');
  await waitData(page, '#app', 'steps', 5);
  await page.click('#train'); // pause
  // One Embed button per view of the page (the 2-D lab has its own page), wired with the labs,
  // which mount after the first frame.
  await page.waitForSelector('#app[data-labs="mounted"]', { timeout: TIMEOUT });
  const ids = await page.$$eval('[data-embed]', (bs) => bs.map((b) => b.dataset.embed));
  assert.deepEqual(ids, EMBED_IDS.filter((id) => id !== 'manifold'));

  const pageHash = await page.evaluate(() => location.hash);
  assert.equal(params(pageHash).d, '16');
  assert.equal(params(pageHash).seed, '7');
  const base = `${site.url}${SUB}`;
  for (const id of ['train', 'latent/map', 'denoise/compare']) {
    const { link, snippet } = await dialogOf(page, id);
    assert.equal(link, `${base}embed.html?lab=${id}${pageHash}`, id);
    const s = parseSnippet(snippet);
    assert.equal(s.iframe, link, `${id}: the snippet frames the link`);
    assert.equal(s.script, `${base}embed-resize.js`);
    assert.match(s.title, /^Autoencoder Playground: \S/);
  }
  // The Copy button puts the link on the clipboard (or says how to copy it).
  await page.click('[data-embed="latent/map"]');
  await page.click('[data-copy="embed-link"]');
  await page.waitForFunction(() => document.querySelector('.embed-copied').textContent !== '', null, { timeout: TIMEOUT });
  const said = await page.textContent('.embed-copied');
  if (/copied/.test(said)) assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.inputValue('#embed-link'));
  else assert.match(said, /selected/);
  await page.click('dialog.embed-dialog .close-row button');

  // A changed setting is in the next snippet.
  await page.fill('#d', '24');
  await page.press('#d', 'Enter');
  await page.waitForFunction(() => /(^|[#&])d=24(&|$)/.test(location.hash), null, { timeout: TIMEOUT });
  const after = await dialogOf(page, 'capacity/tied');
  assert.equal(params(new URL(after.link).hash).d, '24');
  assert.equal(new URL(after.link).searchParams.get('lab'), 'capacity/tied');
  assertClean(opened);
  await context.close();

  // The 2-D lab page's Embed button, under the sub-path too.
  const lab = await openPage('manifold.html#curve=arcs&seed=3', '#lab[data-ready="true"]', { server: playground() });
  const m = await dialogOf(lab.page, 'manifold');
  const labHash = await lab.page.evaluate(() => location.hash);
  assert.equal(m.link, `${base}embed.html?lab=manifold${labHash}`);
  assert.equal(params(labHash).curve, 'arcs');
  assertClean(lab);
  await lab.context.close();
});

test('the embed URL round-trips its settings: embed → open in the playground → Embed gives the same URL', async () => {
  const hash = '#preset=denoising&d=64&lr=0.002&batch=128&epochs=3&p=0.3&seed=5&tied=true';
  const opened = await openPage(`embed.html?lab=capacity/compression${hash}`, '#embed[data-state="ready"]', { server: playground() });
  const { context, page } = opened;
  // The model is the one the hash describes (the capacity lab's report: d and tied).
  await page.waitForSelector('#embed-lab[data-generation]', { timeout: TIMEOUT });
  assert.equal(await page.getAttribute('#embed-lab', 'data-d'), '64');
  assert.equal(await page.getAttribute('#embed-lab', 'data-tied'), 'true');
  const now = await page.evaluate(() => location.hash);
  for (const [k, v] of Object.entries(params(hash))) assert.equal(params(now)[k], v, k);
  assert.equal(await page.textContent('#embed-title'), 'Compression');
  // Its link opens the full page with the same settings...
  const open = await page.getAttribute('#embed-open', 'href');
  assert.equal(open, `${site.url}${SUB}index.html${now}`);
  assert.equal(await page.getAttribute('#embed-open', 'target'), '_blank');
  await page.goto(open);
  await page.waitForSelector(APP_READY, { timeout: TIMEOUT });
  // ... whose Embed button gives back the embed's URL.
  const { link } = await dialogOf(page, 'capacity/compression');
  assert.equal(link, `${site.url}${SUB}embed.html?lab=capacity/compression${now}`);
  assertClean(opened);
  await context.close();

  // The 2-D lab's embed: its settings in, its link out.
  const lab = await openPage('embed.html?lab=manifold#curve=spiral&seed=4', '#lab[data-ready="true"]', { server: playground() });
  assert.equal(await lab.page.getAttribute('#lab', 'data-curve'), 'spiral');
  const labHash = await lab.page.evaluate(() => location.hash);
  assert.equal(params(labHash).seed, '4');
  await lab.page.hover('#embed-open');
  assert.equal(await lab.page.getAttribute('#embed-open', 'href'), `${site.url}${SUB}manifold.html${labHash}`);
  assertClean(lab);
  await lab.context.close();

  // An unknown lab: a sentence naming the known ones, no console error.
  const bad = await openPage('embed.html?lab=latent/nope', '#embed[data-state="error"]', { server: playground() });
  const text = await bad.page.textContent('#embed-error');
  assert.match(text, /no lab “latent\/nope”/);
  assert.match(text, /latent\/map/);
  assertClean(bad);
  await bad.context.close();
});

test('a notes page on another site embeds two labs: each renders and trains, the frames fit their content, the page keeps its focus and scroll', async (t) => {
  // The training view from seed 3 (no pretrained model has d = 16); the map on the notebook's
  // AE, which the site has pretrained (www/models/index.json).
  const base = `${site.url}${SUB}`;
  const snippet = (id, hash, title) => iframeSnippet(`${base}embed.html?lab=${id}${hash}`, title);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Week 7 notes</title>
<style>body{margin:0;font:16px sans-serif}.embeds{display:flex;gap:8px}.embeds>div{flex:1;min-width:0}</style></head><body>
<h1>Week 7: autoencoders</h1><p><input id="mine" value="my notes" autofocus></p>
<script>window.heights = []; addEventListener('message', (e) => { if (e.data && e.data.type === '${HEIGHT_MESSAGE}') heights.push({ lab: e.data.lab, height: e.data.height, origin: e.origin }); });</script>
<div class="embeds"><div>${snippet('train', '#preset=standard&d=16&seed=3', 'Training')}</div><div>${snippet('latent/map', '#preset=standard&d=30&seed=0', 'The latent map')}</div></div>
<div style="height:3000px">More notes.</div><script>scrollTo(0, 40);</script></body></html>`;
  await writeFile(`${RESULTS}/embed-notes/notes.html`, html);
  // Third-party frames often have no IndexedDB: take it away from the playground's frames.
  const port = new URL(site.url).port;
  const init = `if (location.port === '${port}') Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });`;
  const opened = await openPage('notes.html', null, { server: { url: `http://localhost:${notes.port}/` }, init });
  const { context, page } = opened;
  const frameOf = async (id) => {
    await page.waitForFunction((id) => [...document.querySelectorAll('iframe')].some((f) => f.src.includes(`lab=${id}#`)), id);
    let f = null;
    const deadline = Date.now() + TIMEOUT;
    while (!(f = page.frames().find((x) => x.url().includes(`lab=${id}#`)))) {
      assert.ok(Date.now() < deadline, `the ${id} frame never navigated`);
      await page.waitForTimeout(50);
    }
    return f;
  };
  const train = await frameOf('train');
  const map = await frameOf('latent/map');
  await train.waitForSelector(APP_READY, { timeout: TIMEOUT });
  await map.waitForSelector('#embed-lab[data-map]', { timeout: TIMEOUT });
  // For the record: each frame's time since its navigation once both have drawn their first model
  // (an upper bound of its start-up, ms, on this machine).
  const readyMs = await Promise.all([train, map].map((f) => f.evaluate(() => Math.round(performance.now()))));
  t.diagnostic(`both frames drawn within ${readyMs[0]} ms (train) and ${readyMs[1]} ms (latent/map) of their navigation`);
  assert.equal(await map.textContent('#embed-title'), 'The latent map');
  assert.equal(await map.isVisible('#chart'), false, 'an experiment embed hides the training panels');
  // The map's model is the pretrained one, loaded without IndexedDB; the other starts from its seed.
  await map.waitForSelector('#keep[data-source="pretrained"]', { timeout: TIMEOUT });
  assert.match(await map.textContent('#model-source'), /^Model: pretrained /);
  assert.equal(await map.isVisible('#model-source'), true);
  assert.equal(await map.isVisible('#save-weights'), false, 'saving belongs to the full page');
  assert.match(await train.textContent('#model-source'), /^Model: untrained, built from seed 3/);
  // Nothing took the notes page's focus or scrolled it.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'mine');
  assert.equal(await page.evaluate(() => scrollY), 40);

  // Each frame posted its height and the script set it: the frame shows all of its lab, no more.
  for (const [id, frame] of [['train', train], ['latent/map', map]]) {
    await page.waitForFunction((id) => {
      const last = window.heights.filter((h) => h.lab === id).at(-1);
      const f = [...document.querySelectorAll('iframe')].find((x) => x.src.includes(`lab=${id}#`));
      return last && parseFloat(f.style.height) === last.height;
    }, id, { timeout: TIMEOUT });
    const posted = await page.evaluate((id) => window.heights.filter((h) => h.lab === id).at(-1), id);
    assert.equal(posted.origin, new URL(site.url).origin);
    assert.notEqual(posted.height, FIRST_HEIGHT, `${id}: resized`);
    const inner = await frame.evaluate(() => ({ root: Math.ceil(document.getElementById('embed').getBoundingClientRect().height), scroll: document.documentElement.scrollHeight, view: innerHeight }));
    assert.equal(inner.root, posted.height, `${id}: the posted height is the content's`);
    assert.ok(inner.scroll <= inner.view + 1, `${id}: no scrolling inside the frame (${inner.scroll} > ${inner.view})`);
    t.diagnostic(`${id}: frame resized to ${posted.height} px`);
  }

  // A height message that does not come from an embed's frame moves nothing.
  const sized = await page.$$eval('iframe', (fs) => fs.map((f) => f.style.height));
  await page.evaluate((type) => { postMessage({ type, lab: 'train', height: 9999 }, '*'); return new Promise((r) => setTimeout(r, 200)); }, HEIGHT_MESSAGE);
  assert.deepEqual(await page.$$eval('iframe', (fs) => fs.map((f) => f.style.height)), sized);

  // Both train and redraw.
  const steps0 = Number(await train.getAttribute('#app', 'data-steps'));
  const maps0 = Number(await map.getAttribute('#embed-lab', 'data-map'));
  const recon0 = await canvasPrint(train, 'row-recon');
  await train.click('#train');
  await map.click('#train');
  await waitData(train, '#app', 'steps', steps0 + 20);
  await waitData(map, '#app', 'steps', 20);
  await waitData(map, '#embed-lab', 'map', maps0 + 1);
  await train.click('#train');
  await train.waitForSelector('#app[data-running="false"]', { timeout: TIMEOUT });
  assert.notEqual((await canvasPrint(train, 'row-recon')).hash, recon0.hash, 'the reconstructions were redrawn');
  assert.ok((await canvasPrint(train, 'chart')).ink > 0, 'the loss chart is drawn');

  assert.deepEqual(opened.errors, [], 'console errors, the frames’ included');
  const elsewhere = opened.foreign.filter((u) => new URL(u).origin !== new URL(site.url).origin);
  assert.deepEqual(elsewhere, [], 'requests outside the notes page and the playground');
  await context.close();
});

test('every view embeds: its title, its own box, a height, no console error', { timeout: 600_000 }, async (t) => {
  for (const id of EMBED_IDS) {
    const ready = id === 'manifold' ? '#lab[data-ready="true"]' : APP_READY;
    const opened = await openPage(`embed.html?lab=${id}#d=30`, ready, { server: playground(), viewport: { width: 640, height: 800 } });
    const { page } = opened;
    await page.waitForSelector('#embed[data-state="ready"][data-height]', { timeout: TIMEOUT });
    const got = await page.evaluate(() => ({
      title: document.getElementById('embed-title').textContent,
      height: Number(document.getElementById('embed').dataset.height),
      boxes: document.querySelectorAll('#embed-lab > *').length,
      labs: document.querySelectorAll('section.lab').length,
      open: document.getElementById('embed-open').href,
    }));
    assert.notEqual(got.title, 'Autoencoder Playground', `${id}: titled`);
    assert.ok(got.height > 200, `${id}: height ${got.height}`);
    assert.equal(got.labs, 0, `${id}: no lab of the full page`);
    assert.deepEqual(await axeViolations(page), [], `${id}: axe-core violations`);
    if (id !== 'train' && id !== 'manifold') assert.ok(got.boxes >= 1, `${id}: its box is mounted`);
    assert.match(got.open, new RegExp(`/${SUB}${id === 'manifold' ? 'manifold' : 'index'}\\.html#`));
    t.diagnostic(`${id}: “${got.title}”, ${got.height} px at 640 px wide`);
    assertClean(opened);
    await opened.context.close();
  }
});
