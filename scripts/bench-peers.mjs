// The Speed issue's browser peer, side by side with the playground in the same headless Chromium:
// TensorFlow.js 4.22 on its wasm backend training the same model on the same MNIST file
// (scripts/peers/tfjs-worker.js), once on one thread (the page not cross-origin isolated: wasm
// SIMD) and once with its threads (isolated: SIMD + a thread pool). TensorFlow.js is not a
// dependency of the playground: it is installed here, on first use, into target/peers/ (npm), and
// served from target/peers-root/ with the MNIST file of dist/. Not part of `make test`.
//
//   node scripts/bench-peers.mjs [--seconds 3] [--root dist]        (or `make bench-peers`)
//   import { tfjsPeers, peersReport } from './bench-peers.mjs';      (scripts/bench.mjs --peers)
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';
import { launchChromium } from './chromium.mjs';
import { pageRate } from './bench-marks.mjs';
import { defaultWorkers } from '../www/kit/parallel.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
export const TFJS_VERSION = '4.22.0';

/** target/peers-root/: the peer page, TensorFlow.js's bundles and wasm files, and MNIST (from `root`). */
function assemble(root) {
  const prefix = join(REPO, 'target/peers');
  const tf = join(prefix, 'node_modules/@tensorflow');
  if (!existsSync(join(tf, 'tfjs-backend-wasm/package.json')) || !existsSync(join(tf, 'tfjs/package.json'))) {
    console.error(`bench-peers: installing TensorFlow.js ${TFJS_VERSION} into target/peers (npm)`);
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel=error',
      `@tensorflow/tfjs@${TFJS_VERSION}`, `@tensorflow/tfjs-backend-wasm@${TFJS_VERSION}`], { stdio: 'inherit' });
  }
  const out = join(REPO, 'target/peers-root');
  mkdirSync(out, { recursive: true });
  for (const f of ['peers.html', 'peers.js', 'tfjs-worker.js']) cpSync(join(HERE, 'peers', f), join(out, f));
  cpSync(join(tf, 'tfjs/dist/tf.min.js'), join(out, 'tf.min.js')); // the union bundle: core with its gradients
  for (const f of ['tf-backend-wasm.min.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    cpSync(join(tf, 'tfjs-backend-wasm/dist', f), join(out, f));
  }
  cpSync(join(resolve(root), 'data/mnist10k-images-idx3-ubyte.gz'), join(out, 'mnist10k-images-idx3-ubyte.gz'));
  return out;
}

/** TensorFlow.js's rows: [{name, d, samples_per_s, threads, simd, …}], one-thread runs first. */
export async function tfjsPeers(browser, { root = 'dist', seconds = 3 } = {}) {
  const dir = assemble(root);
  const rows = [];
  for (const isolate of [false, true]) {
    const server = await startServer(dir, 0, { policy: () => null, isolate });
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}peers.html?seconds=${seconds}`);
      await page.waitForFunction(() => window.__peers || window.__peersError || null, null, { timeout: 600_000, polling: 250 });
      const error = await page.evaluate(() => window.__peersError ?? null);
      if (error) throw new Error(`TensorFlow.js: ${error}`);
      rows.push(...(await page.evaluate(() => window.__peers)).map((r) => ({ ...r, isolated: isolate })));
    } finally {
      await page.close();
      await server.close();
    }
  }
  return rows;
}

/** Lines: each peer row, and with `ours` (scripts/bench.mjs's rows) the playground's rate over it
 *  on 1 worker and on the count the page picks by default for the browser's `threads`
 *  (defaultWorkers), as in the side-by-side table (scripts/bench-marks.mjs). */
export function peersReport(rows, ours = [], threads = undefined) {
  const lines = [`TensorFlow.js ${TFJS_VERSION} (wasm backend), the same model, data and batch, in this browser:`];
  const w = defaultWorkers(threads);
  for (const r of rows) {
    const mode = `${r.simd ? 'SIMD' : 'no SIMD'}${r.isolated && r.threads ? ' + threads' : ', one thread'}`;
    const [one, byDefault] = [pageRate(ours, r.d, 1), w > 1 ? pageRate(ours, r.d, w) : undefined];
    const vs = one ? `; the playground ${(one / r.samples_per_s).toFixed(1)}× on 1 worker` +
      (byDefault ? `, ${(byDefault / r.samples_per_s).toFixed(1)}× on ${w} workers, its default` : '') : '';
    lines.push(`  ${r.name.padEnd(16)} ${mode.padEnd(18)} ${String(Math.round(r.samples_per_s)).padStart(7)} samples/s (loss ${r.loss.toFixed(4)})${vs}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: opts } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, root: { type: 'string', default: 'dist' } } });
  const browser = await launchChromium();
  try {
    console.log(peersReport(await tfjsPeers(browser, { root: opts.root, seconds: Number(opts.seconds) })));
  } finally {
    await browser.close();
  }
}
