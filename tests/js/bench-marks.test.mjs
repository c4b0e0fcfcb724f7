// scripts/bench-marks.mjs: the parsers of the native bench's table and of bench_torch.py's JSON,
// and the side-by-side table `make bench` prints (the page over PyTorch, native over PyTorch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNative, parseTorch, marksReport, cpuOf, pageRate, torchRounds } from '../../scripts/bench-marks.mjs';
import { peersReport } from '../../scripts/bench-peers.mjs';

// The binary `cargo test --profile tests` builds for tests/cli.rs (make test runs it first).
const BIN = ['target/tests/autoencoder-playground', 'target/release/autoencoder-playground'].find(existsSync);

test('the native bench table as the binary prints it parses into both models\' rates', { skip: BIN ? false : 'no native binary built (cargo test --profile tests builds one)' }, () => {
  const r = spawnSync(BIN, ['bench', '--seconds', '0.2', '--repeats', '1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = parseNative(r.stdout);
  assert.deepEqual(rows.map((x) => x.d), [30, 500]);
  // Above the table: the peak and the micro-kernel alone, each a rate (src/gemm/alone.rs).
  const rate = (what) => Number(r.stdout.match(new RegExp(`^${what} \\(.*?\\): ([0-9.]+) GFLOP/s`, 'm'))?.[1]);
  assert.ok(rate('one core\'s arithmetic peak') > 0, r.stdout);
  assert.ok(rate('the micro-kernel alone') > 0, r.stdout);
  assert.match(r.stdout, /^the micro-kernel alone .* GFLOP\/s, \d+ % of the peak$/m);
  for (const x of rows) {
    assert.ok(x.samples_per_s > 0, JSON.stringify(x));
    // The printed cell, not a neighbour's: samples/s is the column after `workers` (1).
    const line = r.stdout.split('\n').find((l) => l.startsWith(x.name));
    assert.match(line, new RegExp(`\\s1\\s+${x.samples_per_s}\\s`));
  }
});

test('a native table without a model, or with its row changed, is an error, not a blank', () => {
  const row = (name, d) => `${name.padEnd(16)} ${d} 256 1 1000 990 1.0 2.0 235 50 % 40 %`;
  assert.equal(parseNative([row('standard d=30', 30), row('denoising d=500', 500)].join('\n'))[1].samples_per_cpu_s, 990);
  assert.throws(() => parseNative(row('standard d=30', 30)), /denoising d=500/);
  assert.throws(() => parseNative([row('standard d=30', 31), row('denoising d=500', 500)].join('\n')), /standard d=30/);
  assert.throws(() => parseTorch('Traceback\nImportError: torch'), SyntaxError);
  assert.throws(() => parseTorch('{"results": []}'), /unexpected output/);
});

test('the side-by-side table divides each of ours by PyTorch at the same d', () => {
  const page = [
    { d: 30, workers: 1, samples_per_s: 300 }, { d: 30, workers: 2, samples_per_s: 450 },
    { d: 500, workers: 1, samples_per_s: 50 }, { d: 500, workers: 2, samples_per_s: 80 },
  ];
  const m = {
    native: { rows: [{ d: 30, samples_per_s: 400 }, { d: 500, samples_per_s: 60 }] },
    torch: { version: 'x', capability: 'AVX2', rows: [{ d: 30, samples_per_s: 200 }, { d: 500, samples_per_s: 100 }] },
  };
  // A 2-thread browser trains on 2 workers by default (defaultWorkers): that column is theirs.
  const lines = marksReport(m, page, 2).split('\n');
  const d30 = lines.find((l) => l.includes('standard d=30'));
  const d500 = lines.find((l) => l.includes('denoising d=500'));
  assert.match(d30, /450 \(2 w\)/);
  assert.match(d30, /1\.50×, 2\.25×\s+2\.00×$/);
  assert.match(d500, /0\.50×, 0\.80×\s+0\.60×$/);
  // Two builds at one count: the faster is the page's (the engine picks the best build it runs).
  const twoBuilds = marksReport(m, [...page, { d: 500, workers: 2, samples_per_s: 90 }], 2);
  assert.match(twoBuilds.split('\n').find((l) => l.includes('denoising d=500')), /90 \(2 w\).*0\.50×, 0\.90×/);
  // A 4-thread browser's default is 3 workers, not timed here: a dash, not another count's rate.
  const four = marksReport(m, page, 4).split('\n').find((l) => l.includes('standard d=30'));
  assert.match(four, /1\.50×, —\s+2\.00×$/);
  assert.doesNotMatch(four, /450/);
  // Without PyTorch the ratios are dashes and the reason is printed.
  const none = marksReport({ native: m.native, torch: { error: 'no PyTorch: python3 cannot import torch' } }, page);
  assert.match(none, /—, —\s+—/);
  assert.match(none, /\(torch: no PyTorch/);
});

test('the TensorFlow.js lines set the page on 1 worker and at its default count over the peer, as the table does', () => {
  const ours = [
    { d: 500, workers: 1, samples_per_s: 800 }, { d: 500, workers: 2, samples_per_s: 1200 },
    { d: 500, workers: 2, samples_per_s: 1300 }, { d: 500, workers: 3, samples_per_s: 1900 },
  ];
  assert.equal(pageRate(ours, 500, 2), 1300); // two builds at one count: the faster
  assert.equal(pageRate(ours, 500, 4), undefined);
  assert.equal(pageRate(ours, 30, 1), undefined);
  const peer = [{ name: 'denoising d=500', d: 500, simd: true, threads: false, isolated: false, samples_per_s: 100, loss: 0.25 }];
  const line = (threads) => peersReport(peer, ours, threads).split('\n')[1];
  // 2 threads: the default is 2 workers (defaultWorkers), not the fastest count timed (3).
  assert.match(line(2), /100 samples\/s \(loss 0\.2500\); the playground 8\.0× on 1 worker, 13\.0× on 2 workers, its default$/);
  // 1 thread: the default is 1 worker, said once; 5 threads: 4 workers, not timed here: left out.
  assert.match(line(1), /8\.0× on 1 worker$/);
  assert.match(line(5), /8\.0× on 1 worker$/);
  // Nothing of ours at this d: the peer's rate alone.
  assert.match(peersReport(peer, [], 2).split('\n')[1], /samples\/s \(loss 0\.2500\)$/);
});

test('the CPU line names the first processor, its family and model, and which vector ISAs it has', () => {
  // Two processors of /proc/cpuinfo's layout: only the first is read.
  const proc = (n, flags) => `processor\t: ${n}\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse2 ${flags}\n`;
  assert.equal(cpuOf(`${proc(0, 'avx2 fma avx512f')}\n${proc(1, 'sse4_2')}`), 'AMD EPYC 9R14, family 25 model 17, AVX2 + FMA, AVX-512F');
  assert.equal(cpuOf(proc(0, 'sse4_2')), 'AMD EPYC 9R14, family 25 model 17, no AVX2, no AVX-512F');
  assert.equal(cpuOf('processor\t: 0\nflags\t: avx2\n'), null); // no model name: no line
  // This machine's own, where it names one (x86 Linux does): the report's first line carries it.
  const cpu = existsSync('/proc/cpuinfo') ? cpuOf(readFileSync('/proc/cpuinfo', 'utf8')) : null;
  if (cpu) {
    assert.match(cpu, /, (no )?AVX-512F$/);
    const m = { cpu, native: { rows: [] }, torch: { rows: [] } };
    assert.ok(marksReport(m).split('\n')[0].includes(`(${cpu})`));
  }
});

test('the turns with PyTorch print the median and range of each model on 1 worker and at the default count', () => {
  const m = { native: { rows: [] }, torch: { rows: [] } };
  const page = [
    { d: 30, workers: 1, samples_per_s: 1, torch_ratio: 1.234, torch_ratio_range: [1.1, 1.3] },
    { d: 30, workers: 2, samples_per_s: 1, torch_ratio: 2.046, torch_ratio_range: [1.9, 2.2] },
    { d: 500, workers: 1, samples_per_s: 1, torch_ratio: 0.7, torch_ratio_range: [0.65, 0.8] },
    { d: 500, workers: 2, samples_per_s: 1, torch_ratio: 1.104, torch_ratio_range: [0.951, 1.2] },
    { d: 500, workers: 2, samples_per_s: 1, torch_ratio: null }, // another build, not in turns
  ];
  const lines = marksReport(m, page, 2).split('\n');
  assert.ok(lines.some((l) => /in turns in the same minute/.test(l)), lines.join('\n'));
  assert.match(lines.find((l) => l.includes('standard d=30') && l.includes('turns')), /on 1 worker 1\.23× \(turns 1\.10–1\.30\); at its default \(2 w\) 2\.05× \(turns 1\.90–2\.20\)$/);
  assert.match(lines.find((l) => l.includes('denoising d=500') && l.includes('turns')), /1 worker 0\.70× .*at its default \(2 w\) 1\.10× \(turns 0\.95–1\.20\)$/);
  // 4 threads default to 3 workers, not timed: a dash. No turns at all: no such lines; a failure said.
  assert.match(marksReport(m, page, 4), /at its default \(3 w\) —/);
  assert.doesNotMatch(marksReport(m, page.map((r) => ({ ...r, torch_ratio: null })), 2), /in turns/);
  const failed = marksReport(m, [{ d: 30, workers: 1, torch_ratio: null, torch_error: 'PyTorch round: gone' }], 2);
  assert.match(failed, /\(PyTorch in turns with the page: PyTorch round: gone\)/);
});

/** A stand-in for $BENCH_PYTHON: `-c ...` succeeds (torch imports); otherwise it serves rounds as
 *  bench_torch.py --serve does (a ready line, then one answer per request, d = 7 refused). */
function fakePython(ready = '{"ready": true, "torch": "fake", "cpu_capability": "X"}') {
  const dir = mkdtempSync(join(tmpdir(), 'fake-torch-'));
  const file = join(dir, 'python');
  writeFileSync(file, `#!/bin/sh
[ "$1" = "-c" ] && exit 0
echo '${ready}'
while read -r line; do
  case "$line" in
    *'"d":7'*) echo '{"error": "bad request"}' ;;
    *'"d":500'*) echo '{"d": 500, "samples_per_s": 1234.5, "samples_per_cpu_s": 1200}' ;;
    *) echo '{"d": 30, "samples_per_s": 9876, "samples_per_cpu_s": null}' ;;
  esac
done
`);
  chmodSync(file, 0o755);
  return file;
}

test('PyTorch rounds on request: one answer per request in order, a refusal an error, a missing torch a sentence', async () => {
  const t = await torchRounds({ python: fakePython() });
  assert.equal(t.error, undefined);
  assert.equal(t.about.torch, 'fake');
  try {
    assert.equal((await t.round(500, 0.1)).samples_per_s, 1234.5);
    assert.equal((await t.round(30, 0.1)).samples_per_s, 9876);
    await assert.rejects(t.round(7, 0.1), /bad request/);
    assert.equal((await t.round(500, 0.1)).samples_per_s, 1234.5); // still in step after a refusal
  } finally {
    t.close();
  }
  assert.match((await torchRounds({ python: '/nonexistent/python' })).error, /cannot import torch/);
  // A process whose first line is not the ready line: an error, and the process ended.
  assert.match((await torchRounds({ python: fakePython('{"hello": 1}') })).error, /unexpected first line/);
});
