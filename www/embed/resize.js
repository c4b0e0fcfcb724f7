// The embed's side of resizing: whenever the embed's content changes height, post it to the page
// that frames it, {type: HEIGHT_MESSAGE, lab, height} in CSS pixels, so its notes page can fit the
// <iframe> to it (www/embed-resize.js). The height is not a secret: any parent origin may hear it.
// The root's own height is measured, not the document's, which is at least the frame's height
// and would never let the frame shrink.
import { HEIGHT_MESSAGE } from './links.js';

/** Post `root`'s height to the parent now and after each change; {stop()}. */
export function postHeights(root, lab) {
  let last = -1;
  const post = () => {
    const height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last || !height) return;
    last = height;
    root.dataset.height = String(height); // what was posted, for the tests
    if (parent !== window) parent.postMessage({ type: HEIGHT_MESSAGE, lab, height }, '*');
  };
  const observer = new ResizeObserver(post);
  observer.observe(root);
  post();
  return { stop: () => observer.disconnect() };
}
