// Benchmark helper: one of W workers that time a data-parallel step's matrix products side by
// side (bench-worker.js starts W of them). Each holds GemmBench for its own slice of the batch
// (the rows `shardRows` gives worker i of W) and times it when told to, while the others time
// theirs. One worker's products on the whole batch over the slowest of the W is what W workers
// give the products on this machine, the exchange, the wait and the element-wise work aside. Two
// cores of a shared host run slower side by side than one alone; that ratio says by how much in
// the same run, so a speed-up short of a goal can be read against it.
//
//   in:  { type: 'build', build, settings, rows }  → out: { type: 'ready' }
//        { type: 'go', seconds }                   → out: { type: 'timed', runs: [s, …] } (each run's)
//   out: { type: 'error', message } on any failure
import init, { wasm } from './kit/engine.js';
import { messageOf } from './kit/session.js';
import { timeRuns } from './bench-timing.js';

let gemm = null;

async function handle(msg) {
  if (msg.type === 'build') {
    await init(msg.build);
    gemm?.free();
    gemm = new wasm.GemmBench({ ...msg.settings, batch: msg.rows }, 784);
    gemm.run(1); // warm-up: buffers touched, caches filled
    return { type: 'ready' };
  }
  if (msg.type === 'go') {
    if (!gemm) throw new Error('go before build');
    return { type: 'timed', runs: timeRuns(gemm, msg.seconds) };
  }
  throw new Error(`unknown message ${msg.type}`);
}

self.onmessage = ({ data }) => {
  handle(data).then((out) => self.postMessage(out), (e) => self.postMessage({ type: 'error', message: messageOf(e) }));
};
