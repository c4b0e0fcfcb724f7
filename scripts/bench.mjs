// Run the benchmark page (dist/bench.html) in headless Chromium and print its numbers.
//
//   node scripts/bench.mjs [--seconds 3] [--warmup 5] [--root dist]    (or `make bench`)
//
// Prints a table and the JSON the page leaves in window.__benchResult. Exits non-zero on a
// page error, a failed request, a benchmark error or a timeout.
import { parseArgs } from 'node:util';
import { startServer } from './serve.mjs';
import { launchChromium } from './chromium.mjs';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: process.env.BENCH_SECONDS || '3' },
    warmup: { type: 'string', default: '5' },
    root: { type: 'string', default: 'dist' },
    timeout: { type: 'string', default: '300' }, // whole run, in seconds
    // Cross-origin isolated (as `make serve`): shard workers share memory; 'false' transfers.
    isolate: { type: 'string', default: process.env.BENCH_ISOLATE || 'true' },
  },
});

function table(rows) {
  const head = ['model', 'workers', 'd', 'batch', 'samples/s', 'ms/step', 'steps', 'seconds', 'last loss'];
  const body = rows.map((r) => [r.name, String(r.workers ?? 1), String(r.d), String(r.batch),
    Math.round(r.samples_per_s).toString(), r.ms_per_step.toFixed(1), String(r.steps),
    r.seconds.toFixed(2), r.loss.toFixed(4)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** 'model: W workers ×s of 1 worker's rate' for each model timed on more than one worker. */
function speedups(rows) {
  const lines = [];
  for (const r of rows) {
    const one = rows.find((o) => o.name === r.name && (o.workers ?? 1) === 1);
    if (one && (r.workers ?? 1) > 1) {
      lines.push(`${r.name}: ${r.workers} workers ${(r.samples_per_s / one.samples_per_s).toFixed(2)}× the rate of 1${r.shared ? ' (shared memory)' : ' (transferred buffers)'}`);
    }
  }
  return lines.join('\n');
}

const server = await startServer(opts.root, 0, { isolate: opts.isolate !== 'false' });
const browser = await launchChromium();
const problems = [];
let exitCode = 0;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

  const url = `${server.url}bench.html?seconds=${encodeURIComponent(opts.seconds)}&warmup=${encodeURIComponent(opts.warmup)}`;
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
  if (result) {
    console.log(table(result.results));
    console.log(speedups(result.results));
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
