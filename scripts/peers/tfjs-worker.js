// TensorFlow.js 4.22 (its wasm backend) training the notebook's autoencoder, for
// scripts/bench-peers.mjs: the same MNIST 10k file, scaled to [-1, 1]; Linear(784, d) + tanh,
// Linear(d, 784) + tanh; MSE; Adam lr 1e-3; batch 256; for the denoising model (d = 500) the
// input multiplied by a dropout mask of p = 0.5 (values 0 and 2), as the notebook does. A classic
// worker (the UMD bundles load with importScripts); the page that starts it is peers.html.
//
//   in:  { configs: [{ name, d, noise }], seconds, warmup }
//   out: { type: 'result', result: {name, d, samples_per_s, steps, seconds, backend, simd, threads} }
//        | { type: 'done' } | { type: 'error', message }
/* global tf, importScripts */
importScripts('tf.min.js', 'tf-backend-wasm.min.js');

const BATCH = 256;
const TRAIN = 9000; // the first 9,000 digits, as the playground trains on

async function mnist() {
  const res = await fetch('mnist10k-images-idx3-ubyte.gz');
  const raw = new Uint8Array(await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const pixels = raw.subarray(16, 16 + TRAIN * 784);
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < x.length; i++) x[i] = (pixels[i] / 255 - 0.5) / 0.5;
  return tf.tensor2d(x, [TRAIN, 784]);
}

/** PyTorch's Linear init: U(−1/√fan_in, 1/√fan_in) for weights and bias. */
function linear(fanIn, fanOut) {
  const k = 1 / Math.sqrt(fanIn);
  return { w: tf.variable(tf.randomUniform([fanIn, fanOut], -k, k)), b: tf.variable(tf.randomUniform([fanOut], -k, k)) };
}

async function run({ configs, seconds = 3, warmup = 5 }) {
  tf.wasm.setWasmPaths('./');
  await tf.setBackend('wasm');
  await tf.ready();
  const X = await mnist();
  for (const { name, d, noise } of configs) {
    const enc = linear(784, d);
    const dec = linear(d, 784);
    const opt = tf.train.adam(1e-3);
    const step = () => {
      const cost = opt.minimize(() => tf.tidy(() => {
        const idx = tf.randomUniform([BATCH], 0, TRAIN, 'int32');
        const x = tf.gather(X, idx);
        const input = noise ? tf.mul(x, tf.mul(tf.cast(tf.greater(tf.randomUniform(x.shape), 0.5), 'float32'), 2)) : x;
        const h = tf.tanh(tf.add(tf.matMul(input, enc.w), enc.b));
        const y = tf.tanh(tf.add(tf.matMul(h, dec.w), dec.b));
        return tf.mean(tf.square(tf.sub(y, x)));
      }), true);
      const loss = cost.dataSync()[0]; // wait for the step, as the playground's step returns its loss
      cost.dispose();
      return loss;
    };
    for (let i = 0; i < warmup; i++) step();
    let steps = 0;
    let loss = NaN;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      loss = step();
      steps += 1;
    }
    const s = (performance.now() - t0) / 1000;
    self.postMessage({ type: 'result', result: {
      name, d, steps, seconds: s, samples_per_s: (steps * BATCH) / s, loss,
      backend: tf.getBackend(), simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    } });
    for (const v of [enc.w, enc.b, dec.w, dec.b]) v.dispose();
    opt.dispose();
  }
  self.postMessage({ type: 'done' });
}

self.onmessage = (e) => run(e.data).catch((err) => self.postMessage({ type: 'error', message: String(err?.message ?? err) }));
