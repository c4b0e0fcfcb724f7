// Where an embed lives: the embed page's URL for a view and its settings, the playground page that
// opens the same view, the notes page's <iframe> snippet, and the one message an embed posts to its
// parent. Pure, and free of the labs (the 2-D lab page loads it without them): used by the Embed
// dialog (app/embed-dialog.js), the embed page (embed/index.js) and the Node tests. The ids are
// in embed/ids.js.
//
//   embedUrl('latent/map', '#preset=standard&d=30', 'https://x.org/ae/index.html')
//     → 'https://x.org/ae/embed.html?lab=latent/map#preset=standard&d=30'
/** The training view (loss chart, digit rows, kernels). */
export const TRAIN = 'train';
/** The 2-D manifold lab (manifold.html). */
export const MANIFOLD = 'manifold';
/** The titles of the two views that are not a lab experiment (those take their box's heading). */
export const TITLES = Object.freeze({ [TRAIN]: 'Loss, digits and kernels', [MANIFOLD]: '2-D manifold lab' });

/** The type of the message an embed posts to its parent: {type, lab, height (CSS px)}. */
export const HEIGHT_MESSAGE = 'autoencoder-playground:height';
/** The notes page's resize script, beside embed.html. */
export const RESIZE_SCRIPT = 'embed-resize.js';
/** The <iframe>'s height before its first height message (CSS px). */
export const FIRST_HEIGHT = 480;

/** '#a=1' or 'a=1' or '' → '#a=1' or ''. */
function hashOf(hash) {
  const h = String(hash ?? '').replace(/^#/, '');
  return h ? `#${h}` : '';
}

/** The embed page of view `id` with the settings `hash`, as an absolute URL beside `base`. */
export function embedUrl(id, hash, base) {
  return new URL(`embed.html?lab=${id}${hashOf(hash)}`, base).href;
}

/** The full page that holds view `id`, with the same settings (the embed's "open" link). */
export function playgroundUrl(id, hash, base) {
  return new URL(`${id === MANIFOLD ? 'manifold.html' : 'index.html'}${hashOf(hash)}`, base).href;
}

/** HTML-escape text for an attribute value. */
function attr(text) {
  return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The snippet for a notes page: the <iframe> of `url`, titled `title`, and the resize script
 * from the same folder (it loads once however often it is pasted).
 */
export function iframeSnippet(url, title) {
  const script = new URL(RESIZE_SCRIPT, url).href;
  return `<iframe src="${attr(url)}" title="${attr(`Autoencoder Playground: ${title}`)}" `
    + `style="width:100%;height:${FIRST_HEIGHT}px;border:0" loading="lazy"></iframe>\n`
    + `<script src="${attr(script)}" async></script>`;
}

/** A box's heading without its number: '2 · The latent map' → 'The latent map'. */
export function headingTitle(text) {
  return String(text ?? '').replace(/\s+/g, ' ').trim().replace(/^\d+\s*·\s*/, '');
}
