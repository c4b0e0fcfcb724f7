// Benchmark worker: trains each configuration for a while and reports samples per second.
// Runs in a module Worker, like the page's trainer, so the numbers are what the page gets.
//
//   in:  { type: 'run', configs: [{ name, ...settings }], seconds, warmup }
//   out: { type: 'progress', text } | { type: 'result', result } | { type: 'done', results }
//        | { type: 'error', message }
import init, { Trainer } from './pkg/autoencoder_playground.js';
import { loadMnist } from './kit/data.js';
import { messageOf } from './kit/session.js';

/** Time `trainer.step(1)` until `seconds` have passed; at least `minSteps` steps. */
function timeSteps(trainer, seconds, minSteps) {
  let steps = 0;
  let stats = null;
  const t0 = performance.now();
  let elapsed = 0;
  while (steps < minSteps || elapsed < seconds * 1000) {
    stats = trainer.step(1);
    steps += 1;
    elapsed = performance.now() - t0;
  }
  return { steps, seconds: elapsed / 1000, loss: stats.loss };
}

async function run({ configs, seconds = 3, warmup = 5, minSteps = 10 }) {
  const post = (text) => self.postMessage({ type: 'progress', text });
  post('loading wasm');
  await init();
  post('fetching MNIST');
  const { images, labels } = await loadMnist();
  const results = [];
  for (const config of configs) {
    const { name, ...settings } = config;
    post(`${name}: building trainer`);
    const trainer = new Trainer(settings, images, labels);
    try {
      post(`${name}: warm-up (${warmup} steps)`);
      if (warmup > 0) trainer.step(warmup);
      post(`${name}: timing for ${seconds} s`);
      const t = timeSteps(trainer, seconds, minSteps);
      if (!Number.isFinite(t.loss)) throw new Error(`${name}: loss is ${t.loss}`);
      const batch = settings.batch;
      const result = {
        name,
        d: trainer.d,
        batch,
        samples_per_s: (t.steps * batch) / t.seconds,
        steps: t.steps,
        seconds: t.seconds,
        ms_per_step: (1000 * t.seconds) / t.steps,
        loss: t.loss,
      };
      results.push(result);
      self.postMessage({ type: 'result', result });
    } finally {
      trainer.free();
    }
  }
  self.postMessage({ type: 'done', results });
}

self.onmessage = (event) => {
  if (event.data?.type !== 'run') return;
  run(event.data).catch((e) => self.postMessage({ type: 'error', message: messageOf(e) }));
};
