// End-to-end test of the benchmark page (www/bench.html, bench-worker.js and its helpers in
// bench-products-worker.js) on dist/ (build it with `make dist`): a short run of both models on 1
// and 2 workers reports every row, and on 2 workers the speed-up over 1, the products timed side
// by side and, cross-origin isolated as `make bench` serves it, where the leader's batch went.
// Only that the numbers are there and consistent: how fast is `make bench`'s to print, never
// asserted here.
// Run: node --test tests/e2e/bench.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';
import { DIST, TIMEOUT, useBrowser, openPage, assertClean } from './harness.mjs';

useBrowser(['bench.html', 'bench-worker.js', 'bench-products-worker.js', 'pkg']);

test('bench: both models on 1 and 2 workers, with the products side by side on 2', async () => {
  const server = await startServer(DIST, 0, { isolate: true }); // shared memory, as make bench
  const opened = await openPage('bench.html?seconds=0.5&warmup=1&workers=1,2', null, { server });
  const { page, context } = opened;
  try {
    await page.waitForFunction(() => window.__benchResult || window.__benchError, null, { timeout: 4 * TIMEOUT });
    assert.equal(await page.evaluate(() => window.__benchError ?? null), null, 'the run failed');
    const { results } = await page.evaluate(() => window.__benchResult);
    const best = results.at(-1).build; // the best build runs last, on 1 and 2 workers
    for (const name of ['standard d=30', 'denoising d=500']) {
      const rows = results.filter((r) => r.build === best && r.name === name);
      assert.deepEqual(rows.map((r) => r.workers), [1, 2], `${name}: the worker counts timed`);
      const [one, two] = rows;
      assert.equal(one.products_speedup, null, `${name}: nothing side by side on 1 worker`);
      for (const key of ['speedup', 'products_speedup']) {
        const [lo, hi] = two[`${key}_range`];
        assert.ok(Number.isFinite(two[key]) && two[key] > 0, `${name}: ${key} ${two[key]}`);
        assert.ok(lo <= two[key] && two[key] <= hi, `${name}: ${key} ${two[key]} within its rounds [${lo}, ${hi}]`);
      }
      assert.ok(Number.isFinite(two.loss), `${name}: 2 workers trained (loss ${two.loss})`);
      // Where the 2-worker batch went on the leader (shared memory).
      assert.equal(one.batch_ms, null, `${name}: no parts on 1 worker`);
      assert.ok(two.shared, `${name}: shared memory`);
      const parts = ['send', 'own', 'wait', 'exchange', 'settle', 'shard'];
      assert.deepEqual(Object.keys(two.batch_ms ?? {}).sort(), [...parts].sort(), `${name}: the batch's parts`);
      for (const k of parts) assert.ok(Number.isFinite(two.batch_ms[k]) && two.batch_ms[k] >= 0, `${name}: ${k} ${two.batch_ms[k]} ms`);
      assert.ok(two.batch_ms.own > 0 && two.batch_ms.exchange > 0 && two.batch_ms.shard > 0, `${name}: both workers' rows and the exchange take time`);
    }
    // The table says the same: '—' on 1 worker, 'N.NN×' on 2, under headers that name them.
    const headers = await page.$$eval('#results thead th', (ths) => ths.map((th) => th.textContent));
    const at = headers.indexOf('products side by side');
    assert.ok(at > 0 && headers[at - 1] === 'vs 1 worker', `headers: ${headers.join(' | ')}`);
    const cells = await page.$$eval('#results tbody tr', (trs, at) => trs.map((tr) => [tr.cells[4].textContent, tr.cells[at].textContent]), at);
    assert.equal(cells.length, results.length);
    for (const [workers, side] of cells) assert.match(side, workers === '1' ? /^—$/ : /^\d+\.\d\d×$/, `${workers} worker(s): ${side}`);
    assertClean(opened);
  } finally {
    await context.close();
    await server.close();
  }
});
