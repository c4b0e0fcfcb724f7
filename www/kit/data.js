// Where the site's data lives and how a worker loads it: the 10,000 MNIST digits as gzipped IDX
// bytes (the engine parses them), resolved from this module so any page or worker, at any
// sub-path, finds the same two files.

/** The MNIST files, as URLs (dist/kit/ sits beside dist/data/). */
export const MNIST = Object.freeze({
  images: new URL('../data/mnist10k-images-idx3-ubyte.gz', import.meta.url).href,
  labels: new URL('../data/mnist10k-labels-idx1-ubyte.gz', import.meta.url).href,
});

/** Fetch `url` as bytes, or throw an Error that says which file failed. */
export async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${new URL(url).pathname.split('/').pop()} (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Both MNIST files: {images, labels}, Uint8Arrays of gzipped IDX. */
export async function loadMnist() {
  const [images, labels] = await Promise.all([fetchBytes(MNIST.images), fetchBytes(MNIST.labels)]);
  return { images, labels };
}

/** The Fashion-MNIST files (its 10,000-image test set; see data/README.md). */
export const FASHION = Object.freeze({
  images: new URL('../data/fashion10k-images-idx3-ubyte.gz', import.meta.url).href,
  labels: new URL('../data/fashion10k-labels-idx1-ubyte.gz', import.meta.url).href,
});

/** Both Fashion-MNIST files: {images, labels}, Uint8Arrays of gzipped IDX. */
export async function loadFashion() {
  const [images, labels] = await Promise.all([fetchBytes(FASHION.images), fetchBytes(FASHION.labels)]);
  return { images, labels };
}
