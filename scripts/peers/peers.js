// Runs tfjs-worker.js with the configuration in the query (?seconds=3) and leaves the results
// in window.__peers (or window.__peersError) for scripts/bench-peers.mjs.
const seconds = Number(new URLSearchParams(location.search).get('seconds') ?? 3);
const configs = [{ name: 'standard d=30', d: 30, noise: false }, { name: 'denoising d=500', d: 500, noise: true }];
const results = [];
const worker = new Worker('tfjs-worker.js');
worker.onmessage = ({ data }) => {
  if (data.type === 'result') results.push(data.result);
  else if (data.type === 'done') window.__peers = results;
  else window.__peersError = data.message;
  document.getElementById('status').textContent = JSON.stringify(data);
};
worker.onerror = (e) => { window.__peersError = e.message || 'the TensorFlow.js worker failed'; };
worker.postMessage({ configs, seconds, warmup: 5 });
