// Benchmark worker: trains each configuration for a while and reports samples per second.
// Runs in a module Worker, like the page's trainer, so the numbers are what the page gets.
//
//   in:  { type: 'run', configs: [{ name, workers, ...settings }], seconds, warmup }
//        (workers: W of data-parallel training, kit/parallel.js; 1 = trainer.step alone)
//   out: { type: 'progress', text } | { type: 'result', result } | { type: 'done', results }
//        | { type: 'error', message }
import init, { Trainer, shardRows } from './pkg/autoencoder_playground.js';
import { ShardPool } from './kit/parallel.js';
import { loadMnist } from './kit/data.js';
import { messageOf } from './kit/session.js';

/** Time `step()` (one batch) until `seconds` have passed; at least `minSteps` steps. */
async function timeSteps(step, seconds, minSteps) {
  let steps = 0;
  let stats = null;
  const t0 = performance.now();
  let elapsed = 0;
  while (steps < minSteps || elapsed < seconds * 1000) {
    stats = await step();
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
    const { name, workers = 1, ...settings } = config;
    post(`${name}: building trainer`);
    const trainer = new Trainer(settings, images, labels);
    const pool = workers > 1 ? new ShardPool(new URL('./shard-worker.js', import.meta.url), workers, shardRows) : null;
    try {
      pool?.prepare(trainer, settings, 'mnist');
      const step = pool ? () => pool.step(trainer) : () => trainer.step(1);
      post(`${name}: warm-up (${warmup} steps)`);
      for (let i = 0; i < warmup; i++) await step();
      post(`${name}: timing for ${seconds} s`);
      const t = await timeSteps(step, seconds, minSteps);
      if (!Number.isFinite(t.loss)) throw new Error(`${name}: loss is ${t.loss}`);
      const batch = settings.batch;
      const result = {
        name,
        workers,
        shared: !!pool?.shared,
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
      pool?.close();
      trainer.free();
    }
  }
  self.postMessage({ type: 'done', results });
}

self.onmessage = (event) => {
  if (event.data?.type !== 'run') return;
  run(event.data).catch((e) => self.postMessage({ type: 'error', message: messageOf(e) }));
};
