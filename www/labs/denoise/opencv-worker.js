// OpenCV's own inpainting (Telea 2004 and Navier–Stokes, Bertalmio et al. 2001) for the face-off,
// in a classic worker: opencv.js (about 11 MB, WebAssembly embedded) is loaded from this site's
// vendor/ folder only when the face-off runs, and compiled here, off the main thread.
//   page → worker  {id, images: Uint8Array k·784, masks: Uint8Array k·784, radius}
//   worker → page  {id, telea: Uint8Array, ns: Uint8Array, ms, version} | {id, error}
// Exactly the notebook's call per digit: cv2.inpaint(img, mask, 3, INPAINT_TELEA | INPAINT_NS)
// on a 28×28 CV_8UC1 image and mask (non-zero = inpaint).

let cvReady = null;

function loadCv() {
  if (!cvReady) {
    cvReady = (async () => {
      importScripts('../../vendor/opencv.js');
      // The emscripten module is a thenable whose `then` hands back the module itself, so it
      // must never be awaited or returned from an async function (that would adopt it forever):
      // wait for its runtime, then pass it on wrapped in an object.
      const cv = self.cv;
      if (!cv.Mat) await new Promise((resolve) => { cv.onRuntimeInitialized = resolve; });
      return { cv };
    })();
  }
  return cvReady;
}

onmessage = async (ev) => {
  const { id, images, masks, radius = 3 } = ev.data;
  try {
    const { cv } = await loadCv();
    const n = 784;
    if (!(images instanceof Uint8Array) || !(masks instanceof Uint8Array) || images.length !== masks.length || images.length % n !== 0) {
      throw new Error('inpainting needs 8-bit images and masks of 28×28 pixels each');
    }
    const k = images.length / n;
    const telea = new Uint8Array(images.length);
    const ns = new Uint8Array(images.length);
    const t0 = performance.now();
    const img = new cv.Mat(28, 28, cv.CV_8UC1);
    const mask = new cv.Mat(28, 28, cv.CV_8UC1);
    const out = new cv.Mat();
    try {
      for (let i = 0; i < k; i++) {
        img.data.set(images.subarray(i * n, (i + 1) * n));
        mask.data.set(masks.subarray(i * n, (i + 1) * n));
        cv.inpaint(img, mask, out, radius, cv.INPAINT_TELEA);
        telea.set(out.data, i * n);
        cv.inpaint(img, mask, out, radius, cv.INPAINT_NS);
        ns.set(out.data, i * n);
      }
    } finally {
      img.delete();
      mask.delete();
      out.delete();
    }
    const version = typeof cv.getBuildInformation === 'function' ? (cv.getBuildInformation().match(/General configuration for OpenCV ([^\s=]+)/)?.[1] ?? '') : '';
    postMessage({ id, telea, ns, ms: performance.now() - t0, version }, [telea.buffer, ns.buffer]);
  } catch (e) {
    postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
