// The marks issue #11 sets the page, timed in the same `make bench` run on this machine: PyTorch
// on one thread (scripts/bench_torch.py, the notebook's steps) and the native engine
// (`autoencoder-playground bench`), then one table of samples/s side by side with the page's.
//
//   import { marks, marksReport } from './bench-marks.mjs';     (scripts/bench.mjs --marks)
//   node scripts/bench-marks.mjs [--seconds 3]                  (the two marks alone)
//
// PyTorch runs where `$BENCH_PYTHON` (default python3) imports torch; make setup does not install
// it (~3 GB), so elsewhere its column says how to get it. The native binary is built by `make bench`.
import { parseArgs } from 'node:util';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWorkers } from '../www/kit/parallel.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const NATIVE = join(REPO, 'target/release/autoencoder-playground');
/** The notebook's two models, as every bench names them (the page's rows carry `d`). */
const MODELS = [{ name: 'standard d=30', d: 30 }, { name: 'denoising d=500', d: 500 }];

/** Rows {name, d, samples_per_s, samples_per_cpu_s} of `autoencoder-playground bench`'s table
 *  (src/cli/bench.rs: model, d, batch, workers, samples/s, samples/cpu-s, …); throws when a model
 *  is missing, so a changed table is an error here, not a blank column. */
export function parseNative(text) {
  return MODELS.map(({ name, d }) => {
    const line = text.split('\n').find((l) => l.startsWith(name));
    const cells = line?.slice(name.length).trim().split(/\s+/);
    if (!cells || Number(cells[0]) !== d || !Number.isFinite(Number(cells[3]))) {
      throw new Error(`native bench: no '${name}' row in its output:\n${text}`);
    }
    const cpu = Number(cells[4]);
    return { name, d, samples_per_s: Number(cells[3]), samples_per_cpu_s: Number.isFinite(cpu) ? cpu : null };
  });
}

/** The JSON on the last line of scripts/bench_torch.py's output; throws when there is none. */
export function parseTorch(text) {
  const last = text.trim().split('\n').pop();
  const out = JSON.parse(last);
  if (!Array.isArray(out.results) || out.results.length !== MODELS.length) throw new Error(`bench_torch.py: unexpected output:\n${text}`);
  return out;
}

/** The machine's CPU from /proc/cpuinfo's text (its first processor): "AMD EPYC, family 25 model 1,
 *  AVX2 + FMA, no AVX-512F", so runs on different hosts read apart (the same name hid a Zen 3 and
 *  a Zen 4 host whose GEMM reached 50 % and 83 % of the wasm peak); null when it names no CPU. */
export function cpuOf(text) {
  const first = text.split(/\n\s*\n/)[0];
  const field = (k) => first.match(new RegExp(`^${k}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
  const name = field('model name');
  if (!name) return null;
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const isa = [flags.has('avx2') && 'AVX2', flags.has('fma') && 'FMA'].filter(Boolean).join(' + ') || 'no AVX2';
  const family = field('cpu family');
  const at = family ? `, family ${family} model ${field('model')}` : '';
  return `${name}${at}, ${isa}, ${flags.has('avx512f') ? 'AVX-512F' : 'no AVX-512F'}`;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** {native, torch}: each its rows, or `error` (a sentence) where it could not run. */
export function marks({ seconds = 3 } = {}) {
  const out = { cpu: existsSync('/proc/cpuinfo') ? cpuOf(readFileSync('/proc/cpuinfo', 'utf8')) : null };
  try {
    if (!existsSync(NATIVE)) throw new Error(`${NATIVE} is missing (cargo build --release)`);
    out.native = { rows: parseNative(run(NATIVE, ['bench', '--seconds', String(seconds)])) };
  } catch (e) { out.native = { error: e.message }; }
  const python = process.env.BENCH_PYTHON || 'python3';
  const has = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (has.status !== 0) {
    out.torch = { error: `no PyTorch: ${python} cannot import torch (pip install torch, then BENCH_PYTHON=that python make bench)` };
  } else {
    try {
      const t = parseTorch(run(python, [join(HERE, 'bench_torch.py'), '--seconds', String(seconds)]));
      out.torch = { version: t.torch, capability: t.cpu_capability, rows: t.results };
    } catch (e) { out.torch = { error: e.message }; }
  }
  return out;
}

/** PyTorch timed in turns with the page (scripts/bench.mjs exposes `round` to bench.html, whose
 *  worker asks for one PyTorch round after each round of its own: bench-worker.js): a
 *  `bench_torch.py --serve` process, warmed up. Resolves to {about, round(d, seconds) → its
 *  {samples_per_s, samples_per_cpu_s}, close()}, or to {error} (a sentence) where $BENCH_PYTHON
 *  cannot import torch or the process does not start. One request at a time. */
export async function torchRounds({ python = process.env.BENCH_PYTHON || 'python3', timeoutMs = 120_000 } = {}) {
  const has = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (has.status !== 0) return { error: `no PyTorch: ${python} cannot import torch` };
  const child = spawn(python, [join(HERE, 'bench_torch.py'), '--serve'], { cwd: REPO, stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = []; // resolvers of the lines asked for, in order
  let ended = null;
  lines.on('line', (l) => waiting.shift()?.resolve(l));
  child.on('close', (code) => {
    ended = new Error(`bench_torch.py --serve ended (exit ${code})`);
    for (const w of waiting.splice(0)) w.reject(ended);
  });
  child.on('error', (e) => { ended = e; for (const w of waiting.splice(0)) w.reject(e); });
  const next = () => new Promise((resolve, reject) => {
    if (ended) return reject(ended);
    const timer = setTimeout(() => reject(new Error(`bench_torch.py --serve did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    waiting.push({ resolve: (l) => { clearTimeout(timer); resolve(l); }, reject: (e) => { clearTimeout(timer); reject(e); } });
  });
  const close = () => { child.stdin.end(); child.kill(); };
  try {
    const about = JSON.parse(await next());
    if (!about.ready) throw new Error(`bench_torch.py --serve: unexpected first line ${JSON.stringify(about)}`);
    const round = async (d, seconds) => {
      const answer = next();
      child.stdin.write(`${JSON.stringify({ d, seconds })}\n`);
      const r = JSON.parse(await answer);
      if (r.error || !(r.samples_per_s > 0)) throw new Error(`bench_torch.py --serve: ${r.error ?? JSON.stringify(r)}`);
      return r;
    };
    return { about, round, close };
  } catch (e) {
    close();
    return { error: e.message };
  }
}

/** The page's rate for the model of size `d` on `workers` workers in `rows` (scripts/bench.mjs's
 *  results): the faster build's samples/s where two builds were timed at that count (the engine
 *  runs the best build the browser has), undefined where that count was not timed. */
export function pageRate(rows, d, workers) {
  return Math.max(0, ...rows.filter((r) => r.d === d && r.workers === workers).map((r) => r.samples_per_s)) || undefined;
}

/** The side-by-side table: per model the page on 1 worker and on the worker count it picks by
 *  default for the browser's `threads` (defaultWorkers; the fastest build at each), native,
 *  PyTorch on one thread, and each of ours over PyTorch. */
export function marksReport(m, page = [], threads = undefined) {
  const x = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
  const n = (v) => (v ? String(Math.round(v)) : '—');
  const w = defaultWorkers(threads);
  const torch = m.torch.version ? `PyTorch ${m.torch.version} (${m.torch.capability}) on one thread` : 'PyTorch on one thread';
  const lines = [`side by side on this machine${m.cpu ? ` (${m.cpu})` : ''} in this run, samples/s; ${torch}:`];
  lines.push(`  ${'model'.padEnd(16)} ${'page 1 w'.padStart(9)} ${'page default'.padStart(13)} ${'native'.padStart(8)} ${'PyTorch'.padStart(8)}   page÷PyTorch (1 w, default)  native÷PyTorch`);
  for (const { name, d } of MODELS) {
    const one = pageRate(page, d, 1);
    const byDefault = pageRate(page, d, w);
    const native = m.native.rows?.find((r) => r.d === d)?.samples_per_s;
    const torch = m.torch.rows?.find((r) => r.d === d)?.samples_per_s;
    const defaultCell = byDefault ? `${n(byDefault)} (${w} w)` : '—';
    lines.push(`  ${name.padEnd(16)} ${n(one).padStart(9)} ${defaultCell.padStart(13)} ${n(native).padStart(8)} ${n(torch).padStart(8)}   ` +
      `${`${x(one, torch)}, ${x(byDefault, torch)}`.padEnd(27)}  ${x(native, torch)}`);
  }
  for (const k of ['native', 'torch']) if (m[k].error) lines.push(`  (${k}: ${m[k].error.split('\n')[0]})`);
  lines.push(...inTurns(page, w));
  return lines.join('\n');
}

/** The lines of the page over PyTorch timed in turns (bench-worker.js `torch_ratio`: PyTorch
 *  trained for as long right after each of the page's turns), per model on 1 worker and at the
 *  default count `w`: the median over the turns and the lowest and highest; none when PyTorch
 *  was not timed in turns. */
export function inTurns(page, w) {
  const timed = page.filter((r) => r.torch_ratio != null);
  const errors = [...new Set(page.map((r) => r.torch_error).filter(Boolean))];
  if (!timed.length) return errors.map((e) => `  (PyTorch in turns with the page: ${e})`);
  const cell = (d, workers) => {
    const r = timed.find((x) => x.d === d && x.workers === workers);
    if (!r) return '—';
    const [lo, hi] = r.torch_ratio_range;
    return `${r.torch_ratio.toFixed(2)}× (turns ${lo.toFixed(2)}–${hi.toFixed(2)})`;
  };
  const lines = ['  in turns in the same minute (PyTorch trained for as long right after each of the page\'s turns), page ÷ PyTorch, median of the turns:'];
  for (const { name, d } of MODELS) lines.push(`  ${name.padEnd(16)} on 1 worker ${cell(d, 1)}; at its default (${w} w) ${cell(d, w)}`);
  for (const e of errors) lines.push(`  (PyTorch in turns: ${e})`);
  return lines;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: opts } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
  console.log(marksReport(marks({ seconds: Number(opts.seconds) })));
}
