// Where the site's data lives and how a worker loads it: the 10,000 MNIST digits as IDX bytes
// (gzipped on the server, inflated as they arrive; the engine parses them), resolved from this module so any page or worker, at any
// sub-path, finds the same two files.

/** The MNIST files, as URLs (dist/kit/ sits beside dist/data/). */
export const MNIST = Object.freeze({
  images: new URL('../data/mnist10k-images-idx3-ubyte.gz', import.meta.url).href,
  labels: new URL('../data/mnist10k-labels-idx1-ubyte.gz', import.meta.url).href,
});

/** The ten display digits of MNIST (scripts/display-digits.mjs, written by build-dist.sh): raw
 *  IDX (7.9 KB) and their held-out rows (JSON), so the opening model's reconstructions can be
 *  drawn before MNIST has arrived. */
export const MNIST_DISPLAY = Object.freeze({
  images: new URL('../data/mnist10k-display-images-idx3-ubyte', import.meta.url).href,
  labels: new URL('../data/mnist10k-display-labels-idx1-ubyte', import.meta.url).href,
  rows: new URL('../data/mnist10k-display-rows.json', import.meta.url).href, // their held-out rows
});

/**
 * Fetch `url` as bytes, or throw an Error that says which file failed. A `.gz` file is inflated
 * by the browser's DecompressionStream as it arrives (where there is one): off the engine, beside
 * the wasm compile, so the engine parses raw IDX (it takes raw or gzip) and the first frame does
 * not wait for a gunzip in wasm after the compile. Our own files only: a user's file keeps the
 * engine's size checks before inflating.
 */
export async function fetchBytes(url) {
  const res = await fetch(url);
  const name = new URL(url).pathname.split('/').pop();
  if (!res.ok) throw new Error(`Could not load ${name} (HTTP ${res.status}).`);
  if (name.endsWith('.gz') && res.body && typeof DecompressionStream === 'function') {
    try {
      return new Uint8Array(await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
    } catch (e) {
      throw new Error(`Could not inflate ${name}: ${e.message}`);
    }
  }
  return new Uint8Array(await res.arrayBuffer());
}

/** Both MNIST files: {images, labels}, Uint8Arrays of IDX (inflated where the browser can, else gzipped). */
export async function loadMnist() {
  const [images, labels] = await Promise.all([fetchBytes(MNIST.images), fetchBytes(MNIST.labels)]);
  return { images, labels };
}

/** The display digits: {images, labels} (Uint8Arrays of raw IDX), and `rows` (Uint32Array):
 *  each one's row in the held-out set. */
export async function loadMnistDisplay() {
  const [images, labels, rows] = await Promise.all([fetchBytes(MNIST_DISPLAY.images), fetchBytes(MNIST_DISPLAY.labels), fetchBytes(MNIST_DISPLAY.rows)]);
  return { images, labels, rows: Uint32Array.from(JSON.parse(new TextDecoder().decode(rows))) };
}

/** The Fashion-MNIST files (its 10,000-image test set; see data/README.md). */
export const FASHION = Object.freeze({
  images: new URL('../data/fashion10k-images-idx3-ubyte.gz', import.meta.url).href,
  labels: new URL('../data/fashion10k-labels-idx1-ubyte.gz', import.meta.url).href,
});

/** Both Fashion-MNIST files: {images, labels}, Uint8Arrays of IDX (as loadMnist). */
export async function loadFashion() {
  const [images, labels] = await Promise.all([fetchBytes(FASHION.images), fetchBytes(FASHION.labels)]);
  return { images, labels };
}
