// The Embed buttons of the full pages and their one dialog: a ready <iframe> snippet (with the
// resize script) and a link, each with a Copy button, for the view and the settings shown now.
// Used by the training page (the training view and every lab experiment: wireEmbeds) and by the
// 2-D lab page (embedButton). The URLs are built by embed/links.js, beside this page's own URL,
// so they hold on any host and sub-path.
import { el, useStylesheet } from '../kit/dom.js';
import { TRAIN, TITLES, embedUrl, iframeSnippet, headingTitle } from '../embed/links.js';

const CSS = new URL('../embed/embed.css', import.meta.url);
let dialog = null; // built on first use, then reused: {root, heading, snippet, link, open, said}

function build() {
  const snippet = el('textarea', { id: 'embed-snippet', rows: '5', readonly: '', spellcheck: 'false' });
  const link = el('input', { id: 'embed-link', type: 'text', readonly: '', spellcheck: 'false' });
  const said = el('p', { class: 'embed-copied', role: 'status' });
  const copy = (field, what) => el('button', { type: 'button', 'data-copy': field.id, 'aria-label': `Copy the ${what}` }, 'Copy');
  const copySnippet = copy(snippet, 'HTML snippet');
  const copyLink = copy(link, 'link');
  const heading = el('h2', { id: 'embed-dialog-title' });
  const open = el('a', { href: '', target: '_blank', rel: 'noopener' }, 'Open the embed in a new tab');
  const root = el('dialog', { class: 'embed-dialog', 'aria-labelledby': 'embed-dialog-title' },
    heading,
    el('p', {}, 'Paste the HTML into your course notes: the lab runs in the frame, with these settings, ',
      'on any site. The script fits the frame’s height to the lab; add it once per page.'),
    el('label', { for: 'embed-snippet' }, 'HTML'),
    el('div', { class: 'copy-row' }, snippet, copySnippet),
    el('label', { for: 'embed-link' }, 'Link'),
    el('div', { class: 'copy-row' }, link, copyLink),
    el('p', {}, open),
    said,
    el('form', { method: 'dialog', class: 'close-row' }, el('button', { type: 'submit' }, 'Close')));
  copySnippet.addEventListener('click', () => copyText(snippet, said, 'The HTML'));
  copyLink.addEventListener('click', () => copyText(link, said, 'The link'));
  document.body.append(root);
  return { root, heading, snippet, link, open, said };
}

/** Copy a field's text: the clipboard if the browser lets us, else select it and say how. */
async function copyText(field, said, what) {
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    said.textContent = `${what} is copied.`;
  } catch {
    const done = document.execCommand?.('copy');
    said.textContent = done ? `${what} is copied.` : `${what} is selected: press Ctrl+C (⌘C) to copy it.`;
  }
}

/** Open the dialog for view `id` ('latent/map'), titled `title`, with the settings `hash`. */
export function openEmbedDialog(id, title, hash) {
  useStylesheet(CSS);
  dialog ??= build();
  const url = embedUrl(id, hash, location.href);
  dialog.heading.textContent = `Embed “${title}”`;
  dialog.snippet.value = iframeSnippet(url, title);
  dialog.link.value = url;
  dialog.open.href = url;
  dialog.said.textContent = '';
  dialog.root.dataset.lab = id;
  if (!dialog.root.open) dialog.root.showModal();
  return dialog.root;
}

/**
 * An Embed button for view `id`; `hash()` gives the settings at the moment it is pressed. Its name
 * is "Embed" alone (the view's title is its description), so it never matches another control's.
 */
export function embedButton(id, title, hash) {
  useStylesheet(CSS);
  const b = el('button', { type: 'button', class: 'embed-btn', 'data-embed': id, 'aria-haspopup': 'dialog', title: `Embed “${title}” in a web page` }, 'Embed');
  b.addEventListener('click', () => openEmbedDialog(id, title, hash()));
  return b;
}

/**
 * The training page's Embed buttons: the training view's on the loss panel, and one on each lab
 * experiment's box (lab.js marks them `.experiment`, the denoising lab's are `.dn-part`), in the order of the lab's EXPERIMENTS). Not
 * on the embed page itself, which links to the full page instead.
 */
export function wireEmbeds(app, labs) {
  if (document.body.classList.contains('embed')) return;
  const hash = () => app.state.toHash();
  document.getElementById('loss-title')?.before(embedButton(TRAIN, TITLES[TRAIN], hash));
  for (const [name, lab] of Object.entries(labs)) {
    const section = document.getElementById(lab.id);
    if (!section) continue;
    const boxes = section.querySelectorAll('.experiment, .dn-part'); // the denoising lab builds its own boxes
    const ids = Object.keys(lab.EXPERIMENTS);
    if (boxes.length !== ids.length) {
      console.warn(`embed: the ${name} lab shows ${boxes.length} experiments but lists ${ids.length}; no Embed buttons there.`);
      continue;
    }
    boxes.forEach((box, i) => {
      const title = headingTitle(box.querySelector('h3')?.textContent) || `${name}/${ids[i]}`;
      box.prepend(embedButton(`${name}/${ids[i]}`, title, hash));
    });
  }
}
