// The embed page (embed.html?lab=<id>#<settings>): one view of the playground — the training view,
// one lab experiment, or the 2-D lab — compact, for an <iframe> in course notes, on any origin.
// It boots the full page's own code on the full page's own markup (fetched from beside it), so the
// embed gets what the page gets (its model at open, its settings in the hash) and never a copy:
//
//   train          index.html's <main>: the model bar, loss chart, digit rows and kernels
//   <lab>/<exp>    index.html's <main> without its labs, plus the one experiment (labs/index.js)
//   manifold       manifold.html's <main>, figures and buttons
//
// It posts its height to the parent (embed/resize.js), links to the same view and settings on the
// full page, needs no storage, and never takes the focus or scrolls the page around it.
import { el, useStylesheet } from '../kit/dom.js';
import { mountExperiment } from '../labs/index.js';
import { TRAIN, MANIFOLD, TITLES, playgroundUrl, headingTitle } from './links.js';
import { readLab } from './ids.js';
import { postHeights } from './resize.js';

const $ = (id) => document.getElementById(id);
const ui = { root: $('embed'), title: $('embed-title'), open: $('embed-open'), status: $('embed-status'), error: $('embed-error'), body: $('embed-body') };

/** Say what went wrong, in the embed itself (the parent page sees it where the lab would be). */
function fail(text) {
  ui.error.textContent = text;
  ui.error.hidden = false;
  ui.status.textContent = '';
  ui.root.dataset.state = 'error';
}

/** The element `selector` of the playground page `file` (beside embed.html), adopted here. */
async function markupOf(file, selector) {
  const res = await fetch(new URL(`../${file}`, import.meta.url));
  if (!res.ok) throw new Error(`${file} could not be loaded (HTTP ${res.status}).`);
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const found = doc.querySelector(selector);
  if (!found) throw new Error(`${file} has no ${selector}.`);
  return document.adoptNode(found);
}

/** The training view or one experiment, on the training page's own boot (app/index.js). */
async function bootTraining(id) {
  const main = await markupOf('index.html', 'main#app');
  for (const s of main.querySelectorAll('section.lab')) s.remove(); // no lab mounts but ours
  main.classList.add(id === TRAIN ? 'embed-train' : 'embed-experiment');
  const box = id === TRAIN ? null : el('section', { class: 'panel wide embed-lab', id: 'embed-lab', 'data-experiment': id });
  if (box) main.append(box);
  ui.body.append(main);
  const { app } = await import('../app/index.js');
  if (!app.model) return; // the app says why (no worker) in its own alert
  app.model.onSettings(showOpenLink);
  if (!box) return TITLES[TRAIN];
  const mounted = mountExperiment(id, box, app.model.forSection(box));
  if (mounted instanceof Error) throw mounted;
  return headingTitle(box.querySelector('h3')?.textContent) || id;
}

/** The 2-D lab on its own page's boot (manifold/index.js). */
async function bootManifold() {
  useStylesheet(new URL('../manifold/manifold.css', import.meta.url));
  const main = await markupOf('manifold.html', 'main#lab');
  main.classList.add('embed-manifold');
  ui.body.append(main);
  await import('../manifold/index.js');
  return TITLES[MANIFOLD];
}

/** The "open in the playground" link: the same view with the settings the embed has now. */
function showOpenLink() {
  const id = ui.root.dataset.lab;
  if (id) ui.open.href = playgroundUrl(id, location.hash, location.href);
}

async function boot() {
  postHeights(ui.root, new URLSearchParams(location.search).get('lab') ?? '');
  const lab = readLab(location.search);
  if (lab.error) return fail(lab.error);
  ui.root.dataset.lab = lab.id;
  showOpenLink();
  // The settings move with the view: keep the link current when they may have changed.
  for (const ev of ['pointerenter', 'focus', 'click', 'contextmenu']) ui.open.addEventListener(ev, showOpenLink);
  addEventListener('hashchange', showOpenLink);
  try {
    const title = await (lab.id === MANIFOLD ? bootManifold() : bootTraining(lab.id));
    if (title) {
      ui.title.textContent = title;
      document.title = `${title} · Autoencoder Playground`;
    }
    showOpenLink(); // the hash as the page's boot wrote it
    ui.status.textContent = '';
    ui.root.dataset.state = 'ready';
  } catch (e) {
    fail(`This lab could not start: ${e.message}`);
  }
}

boot();
