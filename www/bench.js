// Benchmark page: runs bench-worker.js once per engine build (simd128, and relaxed SIMD where
// this browser validates it), one after the other, over the notebook's two headline models, and
// shows samples per second and the whole step's fraction of the GEMM's rate.
// Query: ?seconds=3 (timed seconds per model and per GEMM), ?warmup=5 (steps),
// ?builds=simd128,relaxed-simd (which builds; default: every build this browser runs),
// ?workers=1,2 (worker counts of the best build; default 1 to the cores, 2 to 4).
// For scripts (scripts/bench.mjs): where the script exposes window.__torchRound(d, seconds), the
// best build's worker times a PyTorch round after each of its own rounds (bench-worker.js).
// window.__benchResult = { results: [...], builds: [...] } when
// done, window.__benchError = 'message' on failure.
import { BUILDS, hasRelaxedSimd } from './kit/engine.js';
import { grouped } from './kit/grouped.js';

const MODELS = [
  { name: 'standard d=30', variant: 'standard', d: 30, batch: 256, lr: 0.001 },
  { name: 'denoising d=500', variant: 'denoising', d: 500, batch: 256, lr: 0.001 },
];
/** Worker counts timed in the best build: 1 to the cores (at least 2, at most 4), or ?workers=1,2. */
const COUNTS = new URLSearchParams(location.search).get('workers')?.split(',').map(Number).filter((w) => Number.isInteger(w) && w > 0)
  ?? Array.from({ length: Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2)) }, (_, i) => i + 1);
/** Each model on one worker in every build; on every count of COUNTS (data-parallel,
 *  kit/parallel.js) in the best build, the one the page runs (its shard workers load it too). */
const configsFor = (best) => MODELS.flatMap((m) => (best ? COUNTS : [1]).map((workers) => ({ ...m, workers })));

const query = new URLSearchParams(location.search);
const seconds = Number(query.get('seconds') ?? 3);
const warmup = Number(query.get('warmup') ?? 5);
const runnable = hasRelaxedSimd() ? ['simd128', 'relaxed-simd'] : ['simd128'];
const builds = query.get('builds')?.split(',').filter((b) => b in BUILDS) ?? runnable;

const status = document.getElementById('status');
const tbody = document.querySelector('#results tbody');
document.getElementById('env').textContent =
  `${navigator.userAgent} · ${navigator.hardwareConcurrency} threads · ${seconds} s per model · ` +
  `relaxed SIMD ${hasRelaxedSimd() ? 'supported' : 'not supported'}`;

function addRow(r) {
  const tr = document.createElement('tr');
  const fixed = (v) => (v == null ? '—' : v.toFixed(1));
  const percent = (f) => (f == null ? '—' : `${Math.round(100 * f)} %`);
  const times = (x) => (x == null ? '—' : `${x.toFixed(2)}×`);
  const cells = [r.build, r.name, r.d, r.batch, r.workers, grouped(r.samples_per_s),
    r.ms_per_step.toFixed(2), fixed(r.step_gflops), fixed(r.gemm_gflops),
    percent(r.gemm_fraction), fixed(r.peak_gflops), percent(r.peak_fraction), times(r.speedup), times(r.products_speedup),
    r.loss.toFixed(4)];
  for (const value of cells) {
    const td = document.createElement('td');
    td.textContent = value;
    tr.append(td);
  }
  tbody.append(tr);
}

function fail(message) {
  status.textContent = `error: ${message}`;
  status.classList.add('error');
  window.__benchError = message;
}

/** One build in its own worker; resolves to the worker's 'done' message. */
function runBuild(build) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module' });
    const stop = (f, v) => { worker.terminate(); f(v); };
    worker.onerror = (event) => stop(reject, new Error(event.message || 'worker failed to load'));
    worker.onmessage = ({ data }) => {
      if (data.type === 'progress') status.textContent = data.text;
      else if (data.type === 'result') addRow(data.result);
      else if (data.type === 'torch') {
        window.__torchRound(data.d, data.seconds).then((r) => worker.postMessage({ type: 'torch', rate: r.samples_per_s }),
          (e) => worker.postMessage({ type: 'torch', error: e.message ?? String(e) }));
      }
      else if (data.type === 'error') stop(reject, new Error(data.message));
      else if (data.type === 'done') stop(resolve, data);
    };
    const best = build === builds.at(-1);
    const torch = best && typeof window.__torchRound === 'function';
    worker.postMessage({ type: 'run', build, configs: configsFor(best), seconds, warmup, torch });
  });
}

async function main() {
  if (builds.length === 0) throw new Error(`?builds= names no known build (known: ${Object.keys(BUILDS).join(', ')})`);
  const done = [];
  for (const build of builds) done.push(await runBuild(build));
  status.textContent = 'done';
  window.__benchResult = {
    results: done.flatMap((d) => d.results),
    builds: done.map((d) => ({ build: d.build, load_ms: d.load_ms })),
    relaxed_simd: hasRelaxedSimd(),
    seconds,
    warmup,
    user_agent: navigator.userAgent,
    threads: navigator.hardwareConcurrency,
  };
}

main().catch((e) => fail(e.message));
