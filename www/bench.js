// Benchmark page: runs bench-worker.js over the notebook's two headline models and shows
// samples per second. Query: ?seconds=3 (timed seconds per model), ?warmup=5 (steps).
// For scripts (scripts/bench.mjs): window.__benchResult = { results: [...] } when done,
// window.__benchError = 'message' on failure.

// Each model on 1 and 2 workers (data-parallel, kit/parallel.js): the rate per worker count.
const MODELS = [
  { name: 'standard d=30', variant: 'standard', d: 30, batch: 256, lr: 0.001 },
  { name: 'denoising d=500', variant: 'denoising', d: 500, batch: 256, lr: 0.001 },
];
const CONFIGS = MODELS.flatMap((m) => [1, 2].map((workers) => ({ ...m, workers })));

const query = new URLSearchParams(location.search);
const seconds = Number(query.get('seconds') ?? 3);
const warmup = Number(query.get('warmup') ?? 5);

const status = document.getElementById('status');
const tbody = document.querySelector('#results tbody');
document.getElementById('env').textContent =
  `${navigator.userAgent} · ${navigator.hardwareConcurrency} threads · ${seconds} s per model`;

function addRow(r) {
  const tr = document.createElement('tr');
  const cells = [r.name, r.workers, r.d, r.batch, Math.round(r.samples_per_s).toLocaleString('en-US'),
    r.ms_per_step.toFixed(1), r.steps, r.seconds.toFixed(2), r.loss.toFixed(4)];
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

const worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module' });
worker.onerror = (event) => fail(event.message || 'worker failed to load');
worker.onmessage = ({ data }) => {
  if (data.type === 'progress') status.textContent = data.text;
  else if (data.type === 'result') addRow(data.result);
  else if (data.type === 'error') fail(data.message);
  else if (data.type === 'done') {
    status.textContent = 'done';
    window.__benchResult = {
      results: data.results,
      seconds,
      warmup,
      user_agent: navigator.userAgent,
      threads: navigator.hardwareConcurrency,
    };
    worker.terminate();
  }
};
worker.postMessage({ type: 'run', configs: CONFIGS, seconds, warmup });
