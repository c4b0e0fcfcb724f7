// Benchmark worker: loads one engine build, trains each configuration for a while and times the
// same step's matrix products alone (GemmBench), one core's arithmetic peak (GemmBench.peak) and
// the products' micro-kernel alone on operands in L1 (GemmBench.kernel_alone: what this core
// gives the kernel itself, which a busy host lowers), reporting samples/s and the step's fraction
// of the GEMM's rate and of the peak. For W > 1 workers it also times the products of each
// worker's slice of the batch on W workers side by side (bench-products-worker.js): what W
// workers give the products on this host in that run, the rest of the step aside.
// Runs in a module Worker, like the page's trainer, so the numbers are what the page gets. One
// worker per build: a worker holds one wasm instance.
//
//   in:  { type: 'run', build, configs: [{ name, workers, ...settings }], seconds, warmup, torch }
//        (workers: W of data-parallel training, kit/parallel.js; 1 = trainer.step alone. The
//        products are timed alone on this worker, one core: for W workers the fraction is of W
//        times that rate, the limit W cores could reach. The shard workers load the best build
//        this browser runs, whatever `build` is. One model's worker counts are timed in turns:
//        each result's `speedup` is the median over the turns of its rate over one worker's,
//        and `products_speedup` the same turns' products on one worker over the slowest of W
//        workers' slices side by side. With `torch`, PyTorch trains the same model for as long
//        after each turn of the steps (asked of the page: bench.js, scripts/bench.mjs), and
//        `torch_ratio` is the median over the turns of the rate over PyTorch's: the page and
//        PyTorch side by side in the same minute, as the issue judges them.)
//   out: { type: 'progress', text } | { type: 'result', result } | { type: 'done', results, build, load_ms }
//        | { type: 'error', message } | { type: 'torch', d, seconds } (answered { type: 'torch', rate } or
//        { type: 'torch', error })
import init, { wasm } from './kit/engine.js';
import { ShardPool, batchTiming } from './kit/parallel.js';
import { loadMnist } from './kit/data.js';
import { messageOf } from './kit/session.js';
import { median, timeRuns } from './bench-timing.js';

/** Short runs of steps (on each worker count), of products alone and of the peak, alternated; the
 *  median of each is reported. */
const REPEATS = 5;
/** Rounds of GemmBench.peak per call: about 1 ms of multiply-adds. */
const PEAK_ROUNDS = 100_000;
/** Calls of GemmBench.kernel_alone per call: about 1 ms of the micro-kernel (8192 FLOPs a call). */
const KERNEL_CALLS = 3_000;

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

/** FLOP/s of `f` (which returns the FLOPs it did, about 1 ms' worth), called for 0.1 s. */
async function flopRate(f) {
  let flops = 0;
  const t = await time(() => { flops += f(); }, 0.1, 1);
  return flops / t.seconds;
}

/** One model on `workers` data-parallel workers (1: trainer.step alone): its trainer, its shard
 *  pool and its step; `free()` ends it. */
function runner(settings, workers, images, labels) {
  const trainer = new wasm.Trainer(settings, images, labels);
  const pool = workers > 1 ? new ShardPool(new URL('./shard-worker.js', import.meta.url), workers, wasm.shardRows) : null;
  pool?.prepare(trainer, settings, 'mnist');
  const step = pool ? () => pool.step(trainer) : () => trainer.step(1);
  return { workers, trainer, pool, step, rates: [], steps: 0, seconds: 0, seen: 0, loss: NaN, free: () => { pool?.close(); trainer.free(); } };
}

/** W helper workers (bench-products-worker.js), helper i holding the products of worker i's rows
 *  of a batch (`shardRows`); `time(seconds)` runs them all at once and resolves to each one's
 *  median seconds per run of its products (a median: a shared host's pauses, which land on one
 *  run or another, do not move it). `close()` ends them. */
async function productsSideBySide(build, settings, workers) {
  const helpers = [];
  const ask = (w, msg) => new Promise((resolve, reject) => {
    w.onmessage = ({ data }) => (data.type === 'error' ? reject(new Error(`products worker: ${data.message}`)) : resolve(data));
    w.onerror = (e) => reject(new Error(e.message || 'products worker failed to load'));
    w.postMessage(msg);
  });
  const close = () => helpers.forEach((w) => w.terminate());
  try {
    for (let i = 0; i < workers; i++) helpers.push(new Worker(new URL('./bench-products-worker.js', import.meta.url), { type: 'module' }));
    await Promise.all(helpers.map((w, i) => {
      const [start, end] = wasm.shardRows(settings.batch, workers, i);
      return ask(w, { type: 'build', build, settings, rows: end - start });
    }));
  } catch (e) {
    close();
    throw e;
  }
  const time = async (seconds) => (await Promise.all(helpers.map((w) => ask(w, { type: 'go', seconds })))).map((t) => median(t.runs));
  return { workers, time, close };
}

/** The page's answer to the PyTorch round asked for (one at a time). */
let torchReply = null;

/** PyTorch's samples/s training the model of size `d` for `seconds`, timed by scripts/bench.mjs
 *  (bench_torch.py --serve) while this worker waits. */
function torchRound(d, seconds) {
  return new Promise((resolve, reject) => {
    torchReply = (data) => (data.error ? reject(new Error(data.error)) : resolve(data.rate));
    self.postMessage({ type: 'torch', d, seconds });
  });
}

/** The median, lowest and highest of rate[k] / torch[k] over the turns PyTorch was timed in. */
function overTorch(rates, torch) {
  const ratios = rates.map((r, k) => r / torch[k]).filter(Number.isFinite);
  return ratios.length ? { median: median(ratios), range: [Math.min(...ratios), Math.max(...ratios)] } : null;
}

/** The mean ms per batch of each part of `pool.timing` (shared memory), or null. */
function batchParts(pool) {
  const t = pool?.shared ? pool.timing : null;
  if (!t?.batches) return null;
  return Object.fromEntries(['send', 'own', 'wait', 'exchange', 'settle', 'shard'].map((k) => [k, t[k] / t.batches]));
}

async function run({ build, configs, seconds = 3, warmup = 5, minSteps = 10, torch = false }) {
  const post = (text) => self.postMessage({ type: 'progress', text: `${build}: ${text}` });
  post('loading wasm');
  const t0 = performance.now();
  await init(build);
  const loadMs = performance.now() - t0;
  post('fetching MNIST');
  const { images, labels } = await loadMnist();
  const results = [];
  let torchError = null; // the first PyTorch round that failed: no more are asked for
  // One model's worker counts are timed in turns (below), so they share the machine's load.
  const models = [...new Set(configs.map((c) => c.name))].map((name) => configs.filter((c) => c.name === name));
  for (const group of models) {
    const { name, workers: _, ...settings } = group[0];
    const counts = group.map((c) => c.workers ?? 1);
    post(`${name} on ${counts.join(', ')} worker(s): building trainers`);
    const gemm = new wasm.GemmBench(settings, 784);
    const runners = [];
    const sides = []; // per W > 1: its helpers timing the products side by side
    try {
      for (const w of counts) runners.push(runner(settings, w, images, labels));
      for (const w of counts.filter((w) => w > 1)) sides.push(await productsSideBySide(build, settings, w));
      post(`${name}: warm-up (${warmup} steps each)`);
      for (const r of runners) for (let i = 0; i < warmup; i++) r.seen = (await r.step()).samples_seen;
      for (const r of runners) if (r.pool) r.pool.timing = batchTiming(); // the timed batches' alone
      // Each worker count's steps, then the products alone and the peak, in turns (REPEATS short
      // runs each, medians): every rate sees the same load on a shared machine, so the ratios of
      // the step to the products and of W workers to one stay meaningful.
      post(`${name}: timing steps on ${counts.join(', ')} worker(s) and the step's products alone, ${seconds} s each`);
      gemm.run(1);
      const gemmRates = [];
      const peakRates = [];
      const kernelRates = [];
      const ratios = new Map(counts.map((w) => [w, []])); // W → this round's rate over 1 worker's
      const sideRatios = new Map(counts.map((w) => [w, []])); // W → the products': 1 worker's time over W's slowest
      const torchRates = []; // per turn: PyTorch's samples/s right after the page's steps, or NaN
      for (let round = 0; round < REPEATS; round++) {
        for (const r of runners) {
          // The images trained, not steps × batch: an epoch of the bench's 10,000 digits ends in a
          // batch of 16 (39 × 256 + 16), which counted as 256 overstated every rate by ~2.4 %
          // (PyTorch's bench trains full batches only, scripts/bench_torch.py).
          const before = r.seen;
          const t = await time(async () => {
            const stats = await r.step();
            [r.loss, r.seen] = [stats.loss, stats.samples_seen];
          }, seconds / REPEATS, Math.ceil(minSteps / REPEATS));
          r.rates.push((r.seen - before) / t.seconds);
          r.steps += t.rounds;
          r.seconds += t.seconds;
        }
        if (torch && !torchError) {
          try {
            torchRates.push(await torchRound(settings.d, seconds / REPEATS));
          } catch (e) {
            torchError = `PyTorch round: ${messageOf(e)}`;
            post(torchError);
          }
        }
        if (torchRates.length <= round) torchRates.push(NaN);
        const one = runners.find((r) => r.workers === 1);
        if (one) for (const r of runners) ratios.get(r.workers).push(r.rates[round] / one.rates[round]);
        const g = timeRuns(gemm, seconds / REPEATS);
        gemmRates.push(g.length / g.reduce((a, b) => a + b, 0));
        for (const side of sides) {
          const perRun = await side.time(seconds / REPEATS);
          sideRatios.get(side.workers).push(median(g) / Math.max(...perRun));
        }
        peakRates.push(await flopRate(() => gemm.peak(PEAK_ROUNDS)));
        kernelRates.push(await flopRate(() => gemm.kernel_alone(KERNEL_CALLS)));
      }
      const gemmFlops = median(gemmRates) * gemm.flops;
      const peakFlops = median(peakRates);
      const kernelFlops = median(kernelRates);
      for (const r of runners) {
        if (!Number.isFinite(r.loss)) throw new Error(`${name}: loss is ${r.loss}`);
        const batch = settings.batch;
        const samplesPerS = median(r.rates);
        const flopsPerSample = gemm.flops / batch; // the step's GEMM work per sample
        const ratio = ratios.get(r.workers);
        const side = sideRatios.get(r.workers); // medians of runs: the host's pauses left out
        const vsTorch = overTorch(r.rates, torchRates);
        const result = {
          build,
          kernel: gemm.kernel,
          name,
          d: r.trainer.d,
          batch,
          workers: r.workers,
          shared: !!r.pool?.shared,
          samples_per_s: samplesPerS,
          // Of one worker's rate in the same rounds: the median, and the lowest and highest round.
          speedup: ratio.length ? median(ratio) : null,
          speedup_range: ratio.length ? [Math.min(...ratio), Math.max(...ratio)] : null,
          // The step's products alone, one worker's on the whole batch over the slowest of W
          // workers' on their slices side by side (each a median run): what W workers give
          // the products on this machine, the rest of the step aside.
          products_speedup: side.length ? median(side) : null,
          products_speedup_range: side.length ? [Math.min(...side), Math.max(...side)] : null,
          // Of PyTorch's rate timed right after each turn (one thread, bench_torch.py --serve): the
          // median over the turns, the lowest and highest; null where PyTorch was not timed.
          torch_ratio: vsTorch?.median ?? null,
          torch_ratio_range: vsTorch?.range ?? null,
          torch_round_samples_per_s: torch ? torchRates : null,
          torch_error: torch ? torchError : null,
          // Shared memory: the leader's mean batch by part (ms; kit/shard-exchange.js batchTiming).
          batch_ms: batchParts(r.pool),
          round_samples_per_s: r.rates, // each turn's, in order
          steps: r.steps,
          seconds: r.seconds,
          ms_per_step: (1000 * r.seconds) / r.steps, // the mean over every turn
          flops_per_sample: flopsPerSample,
          step_gflops: (samplesPerS * flopsPerSample) / 1e9,
          gemm_gflops: gemmFlops / 1e9, // one core's
          // Of W cores' GEMM rate: what the step reaches of the products' own speed on W cores.
          gemm_fraction: (samplesPerS * flopsPerSample) / (r.workers * gemmFlops),
          // One core's arithmetic peak in this build's instructions, and the step's share of W of them.
          peak_gflops: peakFlops / 1e9,
          peak_fraction: (samplesPerS * flopsPerSample) / (r.workers * peakFlops),
          // The micro-kernel alone, operands in L1, on this core: what it gives the products' kernel.
          kernel_gflops: kernelFlops / 1e9,
          loss: r.loss,
        };
        results.push(result);
        self.postMessage({ type: 'result', result });
      }
    } finally {
      for (const r of runners) r.free();
      for (const side of sides) side.close();
      gemm.free();
    }
  }
  self.postMessage({ type: 'done', build, load_ms: loadMs, results });
}

self.onmessage = (event) => {
  if (event.data?.type === 'torch') {
    const reply = torchReply;
    torchReply = null;
    reply?.(event.data);
    return;
  }
  if (event.data?.type !== 'run') return;
  run(event.data).catch((e) => self.postMessage({ type: 'error', message: messageOf(e) }));
};
