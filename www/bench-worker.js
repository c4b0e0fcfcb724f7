// Benchmark worker: loads one engine build, trains each configuration for a while and times the
// same step's matrix products alone (GemmBench) and one core's arithmetic peak (GemmBench.peak),
// reporting samples/s and the step's fraction of the GEMM's rate and of the peak. Runs in a
// module Worker, like the page's trainer, so the numbers are what the page gets. One worker per
// build: a worker holds one wasm instance.
//
//   in:  { type: 'run', build, configs: [{ name, workers, ...settings }], seconds, warmup }
//        (workers: W of data-parallel training, kit/parallel.js; 1 = trainer.step alone. The
//        products are timed alone on this worker, one core: for W workers the fraction is of W
//        times that rate, the limit W cores could reach. The shard workers load the best build
//        this browser runs, whatever `build` is.)
//   out: { type: 'progress', text } | { type: 'result', result } | { type: 'done', results, build, load_ms }
//        | { type: 'error', message }
import init, { wasm } from './kit/engine.js';
import { ShardPool } from './kit/parallel.js';
import { loadMnist } from './kit/data.js';
import { messageOf } from './kit/session.js';

/** Short runs of steps, of products alone and of the peak, alternated; the median of each is reported. */
const REPEATS = 5;
/** Rounds of GemmBench.peak per call: about 1 ms of multiply-adds. */
const PEAK_ROUNDS = 100_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Call `round()` (awaited: a data-parallel step waits for its shards) until `seconds` have
 *  passed and at least `minRounds` ran. */
async function time(round, seconds, minRounds) {
  let rounds = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (rounds < minRounds || elapsed < seconds * 1000) {
    await round();
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
    const { name, workers = 1, ...settings } = config;
    post(`${name} on ${workers} worker(s): building trainer`);
    const trainer = new wasm.Trainer(settings, images, labels);
    const gemm = new wasm.GemmBench(settings, 784);
    const pool = workers > 1 ? new ShardPool(new URL('./shard-worker.js', import.meta.url), workers, wasm.shardRows) : null;
    try {
      pool?.prepare(trainer, settings, 'mnist');
      const step = pool ? () => pool.step(trainer) : () => trainer.step(1);
      post(`${name}: warm-up (${warmup} steps)`);
      for (let i = 0; i < warmup; i++) await step();
      // Steps and products alone in turns (REPEATS short runs each, medians), so both see the
      // same load on a shared machine and their ratio stays meaningful.
      post(`${name}: timing steps and the step's products alone, ${seconds} s each`);
      let loss = NaN;
      gemm.run(1);
      const stepRates = [];
      const gemmRates = [];
      const peakRates = [];
      let steps = 0;
      let stepSeconds = 0;
      for (let r = 0; r < REPEATS; r++) {
        const t = await time(async () => { loss = (await step()).loss; }, seconds / REPEATS, Math.ceil(minSteps / REPEATS));
        stepRates.push(t.rounds / t.seconds);
        steps += t.rounds;
        stepSeconds += t.seconds;
        const g = await time(() => gemm.run(1), seconds / REPEATS, 1);
        gemmRates.push(g.rounds / g.seconds);
        let peakFlops = 0;
        const p = await time(() => { peakFlops += gemm.peak(PEAK_ROUNDS); }, 0.1, 1);
        peakRates.push(peakFlops / p.seconds);
      }
      if (!Number.isFinite(loss)) throw new Error(`${name}: loss is ${loss}`);
      const t = { rounds: steps, seconds: stepSeconds, perS: median(stepRates) };
      const batch = settings.batch;
      const samplesPerS = t.perS * batch;
      const flopsPerSample = gemm.flops / batch; // the step's GEMM work per sample
      const gemmFlops = median(gemmRates) * gemm.flops;
      const peakFlops = median(peakRates);
      const result = {
        build,
        kernel: gemm.kernel,
        name,
        d: trainer.d,
        batch,
        workers,
        shared: !!pool?.shared,
        samples_per_s: samplesPerS,
        steps: t.rounds,
        seconds: t.seconds,
        ms_per_step: 1000 / t.perS,
        flops_per_sample: flopsPerSample,
        step_gflops: (samplesPerS * flopsPerSample) / 1e9,
        gemm_gflops: gemmFlops / 1e9, // one core's
        // Of W cores' GEMM rate: what the step reaches of the products' own speed on W cores.
        gemm_fraction: (samplesPerS * flopsPerSample) / (workers * gemmFlops),
        // One core's arithmetic peak in this build's instructions, and the step's share of W of them.
        peak_gflops: peakFlops / 1e9,
        peak_fraction: (samplesPerS * flopsPerSample) / (workers * peakFlops),
        loss,
      };
      results.push(result);
      self.postMessage({ type: 'result', result });
    } finally {
      pool?.close();
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
