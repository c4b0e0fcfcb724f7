// End-to-end test of the labs' contract (www/labs/index.js) in dist/ (`make dist`): every
// experiment, by its id, mounts alone into an otherwise empty page — as the embed mode will —
// answers its first model (the latent and capacity ones record it in data-* of their container),
// unmounts to nothing, and leaves no console error and no request outside the page's origin.
// The page here only starts the training worker and routes its reports to a ModelClient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMEOUT, useBrowser, openPage, assertClean } from './harness.mjs';

useBrowser(['index.html', 'pkg', 'labs/index.js']);

/** A blank page of the site's own origin, so modules load from dist/ as on any page. */
const BLANK = { url: '**/blank-for-labs.html', handler: (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>lab</title><body></body>' }) };

test('every experiment mounts alone, answers its model, and unmounts', { timeout: 300_000 }, async () => {
  const opened = await openPage('blank-for-labs.html', null, { route: BLANK });
  const { context, page } = opened;
  const ids = await page.evaluate(async () => (await import('./labs/index.js')).EXPERIMENT_IDS);
  assert.equal(ids.length, 13);
  for (const id of ids) {
    const out = await page.evaluate(async ([id, timeout]) => {
      const { mountExperiment } = await import('./labs/index.js');
      const { ModelClient } = await import('./model.js');
      const { TO_WORKER, TO_PAGE } = await import('./protocol.js');
      const worker = new Worker('./worker.js', { type: 'module' });
      const model = new ModelClient(worker);
      const settings = Object.freeze({ preset: 'standard', d: 30, lr: 0.001, batch: 256, epochs: 1, p: 0.5, seed: 0, scale: 'linear', kscale: 'tile', reg: 'none', lambda: 0.1, tied: false, loss: 'mse', act: 'tanh' });
      model.connect({ settings: () => settings, configure: () => 'not in this test', train: () => 'not in this test', pause: () => {} });
      const route = { [TO_PAGE.READY]: 'ready', [TO_PAGE.FRAME]: 'frame', [TO_PAGE.ANSWER]: 'answer' };
      worker.onmessage = ({ data }) => { if (route[data.type]) model[route[data.type]](data); };
      const div = document.createElement('div');
      document.body.replaceChildren(div);
      const handle = mountExperiment(id, div, model);
      worker.postMessage({ type: TO_WORKER.CONFIG, id: 1, settings: { variant: 'standard', d: 30, lr: 0.001, batch: 256, seed: 0 }, epochs: 1 });
      // The latent experiments mark their digits loaded, the capacity ones their first report.
      // capacity/size's probes are a task of their own beside the report: wait for them too.
      const answered = () => (id.startsWith('latent/') ? div.dataset.ready === 'true'
        : id.startsWith('capacity/') ? div.dataset.generation === '1' && (id !== 'capacity/size' || !!div.dataset.probeErrors)
        : !!model.info);
      // The map's first drawing (data-map) comes a query after its digits (data-ready): 30-60 ms
      // here, too close to the 300 ms below on a loaded machine, so it is waited for too.
      const drawn = () => id !== 'latent/map' || Number(div.dataset.map) >= 1;
      const t0 = performance.now();
      while (!(answered() && drawn()) && performance.now() - t0 < timeout) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300)); // the first paints after the answer
      const result = { answered: answered(), boxes: div.children.length, canvases: div.querySelectorAll('canvas').length, data: { ...div.dataset } };
      handle.unmount?.();
      result.after = div.children.length;
      worker.terminate();
      return result;
    }, [id, TIMEOUT]);
    assert.ok(out.answered, `${id} heard its model: ${JSON.stringify(out)}`);
    // Alone, a capacity experiment brings the lab's controls above its box.
    assert.equal(out.boxes, id.startsWith('capacity/') ? 2 : 1, id);
    assert.equal(out.after, 0, `${id} unmounts to nothing`);
    if (id === 'latent/map') assert.ok(Number(out.data.map) >= 1, `the map was drawn: ${JSON.stringify(out.data)}`);
    if (id === 'capacity/size') assert.equal(out.data.probeErrors.split(',').length, 6, 'digit, 4 probes and the drawing');
  }
  assertClean(opened);
  await context.close();
});
