// Run the benchmark page (dist/bench.html) in headless Chromium and print its numbers, then time
// page-open → first reconstructions of the playground (dist/index.html) on localhost.
//
//   node scripts/bench.mjs [--seconds 3] [--warmup 5] [--loads 3] [--root dist] [--isolate false]
//                          [--workers 1,2] [--responsive-seconds 15] [--peers false] [--marks false]
//                          [--first-only]
//                                                                              (or `make bench`)
//
// Prints: a table per build (samples/s at d = 30 and d = 500, the step's GFLOP/s, its products'
// GFLOP/s timed alone on one core, and the fraction of W cores' worth of it; one core's arithmetic
// peak in the build's instructions, the fraction of W of them, and the samples/s it caps one
// worker at; the best build also on 2 or more data-parallel workers, with the speed-up over 1),
// the time to first reconstructions
// (median of --loads cold loads, each in a fresh browser context: no cache) with the median of
// each stage before and after it (modules run, worker started, preview drawn, first model, first
// frame drawn, labs mounted; the first reconstructions are the preview's where there is one), and the
// page's responsiveness while it trains at phone width with every kernel shown, per worker count
// and at d = 2048 (scripts/bench-responsive.mjs: tasks over 50 ms, main-thread busy share,
// samples/s in the page, who painted the kernels; --responsive-seconds 0 skips it), TensorFlow.js
// on the same model in the same browser with the playground's rate over it
// (scripts/bench-peers.mjs; installed on first use; --peers false skips it), the page side by
// side with the native engine and PyTorch on one thread (scripts/bench-marks.mjs; PyTorch where
// $BENCH_PYTHON imports torch; --marks false skips both), with PyTorch also timed in turns with the
// page's own turns (bench_torch.py --serve, asked by bench-worker.js through
// window.__torchRound), and the JSON of it all. --first-only:
// the cold loads alone. Exits non-zero on a page error, a failed request, a benchmark error or a
// timeout.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { startServer } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { responsiveness, responsivenessReport } from './bench-responsive.mjs';
import { tfjsPeers, peersReport } from './bench-peers.mjs';
import { marks, marksReport, torchRounds } from './bench-marks.mjs';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: process.env.BENCH_SECONDS || '3' },
    workers: { type: 'string', default: process.env.BENCH_WORKERS || '' }, // e.g. 1,2 (default: 1 to the cores)
    warmup: { type: 'string', default: '5' },
    loads: { type: 'string', default: '3' },
    root: { type: 'string', default: 'dist' },
    timeout: { type: 'string', default: '600' }, // whole run, in seconds
    // Cross-origin isolated (as `make serve`): shard workers share memory; 'false' transfers.
    isolate: { type: 'string', default: process.env.BENCH_ISOLATE || 'true' },
    // Seconds of training per worker count at phone width (0: none).
    'responsive-seconds': { type: 'string', default: '15' },
    // TensorFlow.js side by side ('false': not run).
    peers: { type: 'string', default: 'true' },
    // PyTorch on one thread and the native engine, side by side with the page ('false': not run).
    marks: { type: 'string', default: 'true' },
    // Only the cold loads of index.html (no training benchmark): for A/B runs of the first frame.
    'first-only': { type: 'boolean', default: false },
  },
});

/** The first-frame record of the playground: #app gets data-ready="true" in the frame that draws
 *  the model's first frame (tests/e2e/harness.mjs, APP_READY), and data-preview="drawn" in the
 *  one that draws its preview (the same reconstructions, before MNIST is in: www/worker-preview.js). */
const APP_READY = '#app[data-ready="true"]';
const APP_PREVIEW = '#app[data-preview="drawn"]';

function table(rows) {
  const head = ['build', 'model', 'd', 'batch', 'workers', 'samples/s', 'ms/step', 'step GFLOP/s', 'GEMM GFLOP/s', 'of W×GEMM',
    'peak GFLOP/s', 'of W×peak', 'last loss'];
  const fixed = (v) => (v == null ? '—' : v.toFixed(1));
  const percent = (f) => (f == null ? '—' : `${Math.round(100 * f)} %`);
  const body = rows.map((r) => [r.build, r.name, String(r.d), String(r.batch), String(r.workers),
    Math.round(r.samples_per_s).toString(), r.ms_per_step.toFixed(2), fixed(r.step_gflops),
    fixed(r.gemm_gflops), percent(r.gemm_fraction), fixed(r.peak_gflops), percent(r.peak_fraction), r.loss.toFixed(4)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** 'build model: W workers ×s of 1 worker's rate' for each model timed on more than one worker:
 *  the median over the rounds that timed both in turns (bench-worker.js), and its range; then
 *  the same rounds' products alone on W workers side by side over one worker's (what the host
 *  gives the products in that run), and where the leader's batch went (shared memory). */
function speedups(rows) {
  const ms = (x) => x.toFixed(2);
  const lines = [];
  for (const r of rows) {
    if (r.workers > 1 && r.speedup != null) {
      const [lo, hi] = r.speedup_range;
      lines.push(`${r.build} ${r.name}: ${r.workers} workers ${r.speedup.toFixed(2)}× the rate of 1 (rounds ${lo.toFixed(2)}–${hi.toFixed(2)})` +
        (r.gemm_fraction == null ? '' : `, ${Math.round(100 * r.gemm_fraction)} % of ${r.workers} cores' GEMM`) +
        (r.shared ? ' (shared memory)' : ' (transferred buffers)') +
        (r.products_speedup == null ? '' : `; the step's products alone, each worker's slice on ${r.workers} workers side by side, ` +
          `${r.products_speedup.toFixed(2)}× one worker's whole batch (rounds ${r.products_speedup_range.map((x) => x.toFixed(2)).join('–')}): ` +
          `what ${r.workers} workers give the step's products on this machine in this run, the rest of the step aside`) +
        (r.batch_ms == null ? '' : `\n  its batch on the leader (means, ms): its own rows ${ms(r.batch_ms.own)} (the next batch's drawn ahead included), ` +
          `waiting for the shards' gradients ${ms(r.batch_ms.wait)}, the exchange (the sum, Adam, the weights out) ${ms(r.batch_ms.exchange)}, ` +
          `the shards taking the last weights ${ms(r.batch_ms.settle)}, sending their rows ${ms(r.batch_ms.send)}; of ${ms(r.ms_per_step)} a step; ` +
          `the shard's own rows, as it timed them, ${ms(r.batch_ms.shard)}`));
    }
  }
  return lines.join('\n');
}

/** 'build model: at one core's peak N samples/s' for each model timed on one worker: the most
 *  one worker of that build can train here (GemmBench.peak: its multiply-adds with no memory),
 *  and the micro-kernel alone on operands in L1 (GemmBench.kernel_alone) as a share of that peak:
 *  what the products' kernel gets of this core, memory aside, which a busy host lowers (src/gemm/alone.rs). */
function ceilings(rows) {
  return rows.filter((r) => r.workers === 1 && r.peak_gflops)
    .map((r) => `${r.build} ${r.name}: one core's peak ${r.peak_gflops.toFixed(1)} GFLOP/s = at most ${Math.round((r.peak_gflops * 1e9) / r.flops_per_sample)} samples/s per worker` +
      (r.kernel_gflops ? `; the micro-kernel alone (operands in L1) ${r.kernel_gflops.toFixed(1)} GFLOP/s, ${Math.round((100 * r.kernel_gflops) / r.peak_gflops)} % of it` : ''))
    .join('\n');
}

/** Report a page's errors and failed requests into `problems`. */
function watch(page, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
}

/** bench.html's results. With `torch` (bench-marks.mjs `torchRounds`), the page may ask for a
 *  PyTorch round between its own (`window.__torchRound(d, seconds)`: bench-worker.js times the
 *  two in turns). */
async function benchPage(browser, server, problems, torch) {
  const page = await browser.newPage();
  watch(page, problems);
  if (torch?.round) await page.exposeFunction('__torchRound', (d, seconds) => torch.round(d, seconds));
  const counts = opts.workers ? `&workers=${encodeURIComponent(opts.workers)}` : '';
  const url = `${server.url}bench.html?seconds=${encodeURIComponent(opts.seconds)}&warmup=${encodeURIComponent(opts.warmup)}${counts}`;
  console.error(`bench: ${url}`);
  await page.goto(url);
  // Forward the page's status line, so a long run shows where it is.
  let last = '';
  const ticker = setInterval(async () => {
    const s = await page.textContent('#status').catch(() => null);
    if (s && s !== last) { last = s; console.error(`bench: ${s}`); }
  }, 500);
  try {
    await page.waitForFunction(
      () => window.__benchResult || window.__benchError || null,
      null, { timeout: Number(opts.timeout) * 1000, polling: 250 },
    );
  } finally {
    clearInterval(ticker);
  }
  const error = await page.evaluate(() => window.__benchError ?? null);
  if (error) problems.push(`benchmark error: ${error}`);
  const result = await page.evaluate(() => window.__benchResult ?? null);
  await page.close();
  return result;
}

/** What the first-frame loads record besides the first frame itself (ms from navigation start). */
const STAGES = {
  modules: 'the page\'s modules ran (DOMContentLoaded)',
  worker: 'training worker started',
  preview: 'the opening model\'s preview drawn (ten digits, before MNIST is in)',
  model: 'first model in the worker (ready)',
  frame: 'first frame drawn (the model on MNIST: Train works)',
  labs: 'labs mounted',
};

/**
 * One cold load (a fresh context: empty cache): milliseconds from navigation start to the first
 * reconstructions on screen (the preview, or the first frame where there is no preview), and the
 * stages before and after it (STAGES), each stamped in the page (a MutationObserver and a wrapped
 * Worker: no polling delay).
 */
async function firstFrame(browser, server, problems) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, problems);
  await page.addInitScript((selector) => {
    const t = (window.__stages = {});
    const stamp = (k) => { t[k] ??= performance.now(); };
    document.addEventListener('DOMContentLoaded', () => stamp('modules'));
    new MutationObserver(() => {
      if (document.querySelector(selector.ready)) stamp('frame');
      if (document.querySelector(selector.preview)) stamp('preview');
      if (document.querySelector('#app[data-labs="mounted"]')) stamp('labs');
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready', 'data-preview', 'data-labs'] });
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(url, options) {
        super(url, options);
        if (!/\/worker\.js$/.test(String(url))) return; // the training worker only
        stamp('worker');
        this.addEventListener('message', (e) => { if (e.data?.type === 'ready') stamp('model'); });
      }
    };
  }, { ready: APP_READY, preview: APP_PREVIEW });
  await page.goto(`${server.url}index.html`);
  await page.waitForFunction(() => (window.__stages.frame && window.__stages.labs) ? window.__stages : null, null, { timeout: 60_000, polling: 100 });
  const stages = await page.evaluate(() => window.__stages);
  await context.close();
  return { ms: Math.min(stages.frame, stages.preview ?? Infinity), stages };
}

/** The median of numbers. */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The first-frame lines: the median with every load, then each stage's median. */
function firstFrameReport(loads) {
  const lines = [`page open → first reconstructions (index.html, cold, median of ${loads.length}): ${Math.round(median(loads.map((l) => l.ms)))} ms ` +
    `[${loads.map((l) => Math.round(l.ms)).join(', ')}]`];
  for (const [key, what] of Object.entries(STAGES)) {
    const at = loads.map((l) => l.stages[key]).filter((v) => v != null);
    lines.push(`  ${at.length ? String(Math.round(median(at))).padStart(6) : '     —'} ms  ${what}${at.length < loads.length ? ` (in ${at.length} of ${loads.length} loads)` : ''}`);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  lines.push(`  (load average ${load})`);
  return lines.join('\n');
}

const server = await startServer(opts.root, 0, { isolate: opts.isolate !== 'false' });
const browser = await launchChromium();
const problems = [];
let exitCode = 0;
try {
  // PyTorch in turns with the page's rounds (the marks below time it again on its own).
  const torch = opts['first-only'] || opts.marks === 'false' ? null : await torchRounds();
  if (torch?.error) console.error(`bench: PyTorch will not be timed in turns with the page (${torch.error})`);
  let result;
  try {
    result = opts['first-only'] ? {} : await benchPage(browser, server, problems, torch);
  } finally {
    torch?.close?.();
  }
  const loads = [];
  for (let i = 0; i < Number(opts.loads); i++) {
    console.error(`bench: first reconstructions, cold load ${i + 1}/${opts.loads}`);
    loads.push(await firstFrame(browser, server, problems));
  }
  const seconds = opts['first-only'] ? 0 : Number(opts['responsive-seconds']);
  const counts = opts.workers ? opts.workers.split(',').map(Number).filter((w) => Number.isInteger(w) && w > 0)
    : Array.from({ length: Math.min(availableParallelism(), 4) }, (_, i) => i + 1);
  if (seconds > 0) console.error(`bench: responsiveness while training, ${seconds} s on ${counts.join(', ')} worker(s)`);
  const responsive = seconds > 0 ? await responsiveness(browser, server, problems, { workers: counts, seconds, watch }) : [];
  if (result && responsive.length) result.responsiveness = responsive;
  let peers = [];
  if (result?.results && opts.peers !== 'false') {
    console.error('bench: TensorFlow.js, the same model in this browser');
    try {
      peers = await tfjsPeers(browser, { root: opts.root, seconds: Number(opts.seconds) });
      result.peers = peers;
    } catch (e) {
      console.error(`bench: TensorFlow.js could not be run (${e.message}); --peers false skips it`);
    }
  }
  let mark = null;
  if (result?.results && opts.marks !== 'false') {
    console.error('bench: the native engine and PyTorch on one thread (scripts/bench-marks.mjs)');
    mark = marks({ seconds: Number(opts.seconds) });
    result.marks = mark;
  }
  if (result && loads.length) {
    result.first_reconstructions_ms = { median: median(loads.map((l) => l.ms)), loads: loads.map((l) => l.ms), stages: loads.map((l) => l.stages) };
  }
  if (result?.results) {
    console.log(table(result.results));
    console.log(speedups(result.results));
    console.log(ceilings(result.results));
    for (const b of result.builds) console.log(`${b.build}: engine loaded (fetch + compile + instantiate) in ${Math.round(b.load_ms)} ms`);
    console.log(`relaxed SIMD in this browser: ${result.relaxed_simd ? 'yes' : 'no'}`);
  }
  if (loads.length) console.log(firstFrameReport(loads));
  if (responsive.length) console.log(responsivenessReport(responsive));
  if (peers.length) console.log(peersReport(peers, result.results, result.threads));
  if (mark) console.log(marksReport(mark, result?.results, result?.threads));
  if (result?.results) {
    console.log(`(${result.threads} threads, ${result.user_agent})`);
    console.log(JSON.stringify(result, null, 2));
  }
  if (problems.length > 0 || !result) exitCode = 1;
} catch (e) {
  problems.push(String(e?.message ?? e));
  exitCode = 1;
} finally {
  await browser.close();
  await server.close();
}
for (const p of problems) console.error(`bench: ${p}`);
process.exit(exitCode);
