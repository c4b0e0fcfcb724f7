// The training page's first module: index.html runs it before app/index.js, and it imports
// nothing, so the training worker starts at once and its module graph, the wasm and the MNIST
// bytes load while the page's own modules do. The worker's reports wait in `held` until
// app/commands.js's WorkerLink takes the worker over (its `adopt` option) and replays them.

/** {worker, held: [MessageEvent | ErrorEvent]}, or null where no module worker could start (app/commands.js then tries, and says why). */
export const early = startEarly();

function startEarly() {
  try {
    const worker = new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
    const held = [];
    worker.onmessage = (e) => held.push(e);
    worker.onerror = (e) => {
      e.preventDefault();
      held.push(e);
    };
    return { worker, held };
  } catch {
    return null;
  }
}
