// Benchmark worker: loads one engine build, trains each configuration for a while and times the
// same step's matrix products alone (GemmBench), reporting samples/s and the step's fraction of
// the GEMM's rate. Runs in a module Worker, like the page's trainer, so the numbers are what the
// page gets. One worker per build: a worker holds one wasm instance.
//
//   in:  { type: 'run', build, configs: [{ name, ...settings }], seconds, warmup }
//   out: { type: 'progress', text } | { type: 'result', result } | { type: 'done', results, build, load_ms }
//        | { type: 'error', message }
import init, { Trainer, GemmBench } from './kit/engine.js';
import { loadMnist } from './kit/data.js';
import { messageOf } from './kit/session.js';

/** Short runs of steps and of products alone, alternated; the median of each is reported. */
const REPEATS = 5;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Call `round()` until `seconds` have passed and at least `minRounds` ran. */
function time(round, seconds, minRounds) {
  let rounds = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (rounds < minRounds || elapsed < seconds * 1000) {
    round();
    rounds += 1;
    elapsed = performance.now() - t0;
  }
  return { rounds, seconds: elapsed / 1000 };
}

async function run({ build, configs, seconds = 3, warmup = 5, minSteps = 10 }) {
  const post = (text) => self.postMessage({ type: 'progress', text: `${build}: ${text}` });
  post('loading wasm');
  const t0 = performance.now();
  await init(build);
  const loadMs = performance.now() - t0;
  post('fetching MNIST');
  const { images, labels } = await loadMnist();
  const results = [];
  for (const config of configs) {
    const { name, ...settings } = config;
    post(`${name}: building trainer`);
    const trainer = new Trainer(settings, images, labels);
    const gemm = new GemmBench(settings, 784);
    try {
      post(`${name}: warm-up (${warmup} steps)`);
      if (warmup > 0) trainer.step(warmup);
      // Steps and products alone in turns (REPEATS short runs each, medians), so both see the
      // same load on a shared machine and their ratio stays meaningful.
      post(`${name}: timing steps and the step's products alone, ${seconds} s each`);
      let loss = NaN;
      gemm.run(1);
      const stepRates = [];
      const gemmRates = [];
      let steps = 0;
      let stepSeconds = 0;
      for (let r = 0; r < REPEATS; r++) {
        const t = time(() => { loss = trainer.step(1).loss; }, seconds / REPEATS, Math.ceil(minSteps / REPEATS));
        stepRates.push(t.rounds / t.seconds);
        steps += t.rounds;
        stepSeconds += t.seconds;
        const g = time(() => gemm.run(1), seconds / REPEATS, 1);
        gemmRates.push(g.rounds / g.seconds);
      }
      if (!Number.isFinite(loss)) throw new Error(`${name}: loss is ${loss}`);
      const t = { rounds: steps, seconds: stepSeconds, perS: median(stepRates) };
      const g = { perS: median(gemmRates) };
      const batch = settings.batch;
      const samplesPerS = t.perS * batch;
      const flopsPerSample = gemm.flops / batch; // the step's GEMM work per sample
      const gemmFlops = g.perS * gemm.flops;
      const result = {
        build,
        kernel: gemm.kernel,
        name,
        d: trainer.d,
        batch,
        workers: 1,
        samples_per_s: samplesPerS,
        steps: t.rounds,
        seconds: t.seconds,
        ms_per_step: 1000 / t.perS,
        flops_per_sample: flopsPerSample,
        step_gflops: (samplesPerS * flopsPerSample) / 1e9,
        gemm_gflops: gemmFlops / 1e9,
        gemm_fraction: (samplesPerS * flopsPerSample) / gemmFlops,
        loss,
      };
      results.push(result);
      self.postMessage({ type: 'result', result });
    } finally {
      gemm.free();
      trainer.free();
    }
  }
  self.postMessage({ type: 'done', build, load_ms: loadMs, results });
}

self.onmessage = (event) => {
  if (event.data?.type !== 'run') return;
  run(event.data).catch((e) => self.postMessage({ type: 'error', message: messageOf(e) }));
};
