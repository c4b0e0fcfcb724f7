// End-to-end tests of data-parallel training (www/kit/parallel.js, www/shard-worker.js) on the
// training page in dist/ (build it with `make dist`): the worker count round-trips in the URL,
// training works on 1 and 2 workers with the same result to float tolerance and the same result
// bit for bit for a given count, without main-thread long tasks; with cross-origin isolation the
// buffers are shared; a shard worker that fails leaves one worker, the model and a sentence.
// Run: node --test tests/e2e/workers.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';
import { defaultWorkers } from '../../www/kit/parallel.js';
import { DIST, TIMEOUT, useBrowser, openPage, assertClean, canvasPrint, APP_READY as READY, appAttr as attr } from './harness.mjs';

useBrowser(['index.html', 'pkg', 'shard-worker.js']);

// 5 batches of 2,000 digits in one epoch: every run trains exactly the same batches.
const RUN = 'preset=standard&d=30&lr=0.002&batch=2000&epochs=1&seed=3';

/** Train `hash`'s run to its end; what it ends on: the loss text, the output row, the workers. */
async function trainToEnd(hash, opts = {}) {
  const opened = await openPage(`#${hash}`, READY, opts);
  const { page } = opened;
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForSelector('#app[data-done="true"][data-running="false"]', { timeout: TIMEOUT });
  await page.waitForTimeout(300);
  return {
    ...opened,
    loss: Number(await attr(page, 'loss')),
    steps: Number(await attr(page, 'steps')),
    workers: await attr(page, 'workers'),
    shared: await attr(page, 'workers-shared'),
    rate: await page.textContent('#rate'),
    recon: (await canvasPrint(page, 'row-recon')).hash,
  };
}

test('workers: in the URL and the control, and 2 workers train what 1 does, repeatably', async () => {
  const one = await trainToEnd(`${RUN}&workers=1`);
  assert.equal(await one.page.inputValue('#workers'), '1');
  assert.equal(one.workers, '1');
  assert.match(one.rate, /on 1 worker$/);

  const two = await trainToEnd(`${RUN}&workers=2`);
  assert.equal(await two.page.inputValue('#workers'), '2');
  // A count stays in the link unless it is this browser's default (written when changed only).
  const cores = await two.page.evaluate(() => navigator.hardwareConcurrency);
  for (const [r, w] of [[one, 1], [two, 2]]) {
    const inLink = (await r.page.evaluate(() => location.hash)).includes(`workers=${w}`);
    assert.equal(inLink, w !== defaultWorkers(cores), `workers=${w} in the link on ${cores} cores`);
  }
  assert.equal(two.workers, '2');
  assert.match(two.rate, /on 2 workers$/);
  assert.equal(two.steps, 5);
  assert.equal(one.steps, 5);
  // Float tolerance: W=2 sums the slices' gradients in another order than W=1's one mean
  // (tests/shard.rs: weights within 1e-6 after 50 steps); 5 batches move the loss by far less.
  assert.ok(Math.abs(two.loss - one.loss) <= 1e-4 * one.loss, `loss ${two.loss} on 2 workers, ${one.loss} on 1`);

  // The same seed and count: the same model, bit for bit (the same pixels).
  const again = await trainToEnd(`${RUN}&workers=2`);
  assert.equal(again.recon, two.recon, 'two runs on 2 workers drew different outputs');
  assert.equal(again.loss, two.loss);

  // The control writes the link; a changed count keeps the model (it does not shape it).
  const generation = await attr(two.page, 'generation');
  await two.page.locator('#workers').fill('1');
  await two.page.locator('#workers').press('Enter');
  await two.page.waitForFunction(() => location.hash.includes('workers=1') || !location.hash.includes('workers='));
  await two.page.waitForTimeout(500);
  assert.equal(await attr(two.page, 'generation'), generation, 'the model was rebuilt for a worker count');
  for (const r of [one, two, again]) {
    assertClean(r);
    await r.context.close();
  }
});

test('workers: no main-thread long task while 2 workers train', async () => {
  // As tests/e2e/app.test.mjs checks one worker: while training, the page only draws. The window
  // holds the page's own tasks, not the test's: it opens once Train's click has been dispatched
  // and closes before Pause's (Playwright's role queries walk the page's accessibility tree in a
  // main-thread task of ~25 ms CPU, measured in a trace — longer than 50 ms on 2 busy cores).
  // The labs mount first: that one-time setup (one idle task per experiment, after the first frame) is
  // not training's drawing.
  const { context, page, errors } = await openPage('#preset=standard&seed=1&workers=2', '#app[data-labs="mounted"]');
  await page.click('#train');
  const t0 = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => Number(document.getElementById('app').dataset.steps) >= 60, null, { timeout: TIMEOUT });
  const t1 = await page.evaluate(() => performance.now());
  assert.equal(await attr(page, 'workers'), '2');
  assert.equal(await attr(page, 'running'), 'true', 'the window was spent training');
  await page.click('#train');
  await page.waitForSelector('#app[data-running="false"]', { timeout: TIMEOUT });
  const longTasks = await page.evaluate(([a, b]) => window.__longTasks.filter((t) => t.start >= a && t.start <= b), [t0, t1]);
  assert.deepEqual(longTasks, [], 'main-thread long tasks (> 50 ms) while training on 2 workers');
  assert.deepEqual(errors, []);
  await context.close();
});

test('workers: a refused count is said and not used', async () => {
  const { context, page, errors } = await openPage(`#${RUN}&workers=0`, READY);
  assert.match(await page.textContent('[role="alert"]'), /Workers/);
  // The machine's default is used instead (defaultWorkers: 2 on 2 cores, then cores − 1 up to 4).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await page.waitForFunction(() => document.getElementById('app').dataset.workers !== undefined);
  assert.equal(await attr(page, 'workers'), String(defaultWorkers(cores)));
  assert.deepEqual(errors, []);
  await context.close();
});

test('workers: cross-origin isolated, the shard workers share memory; the embed page is not isolated', async () => {
  const server = await startServer(DIST, 0, { isolate: true });
  try {
    const run = await trainToEnd(`${RUN}&workers=2`, { server });
    assert.equal(await run.page.evaluate(() => crossOriginIsolated), true);
    assert.equal(run.workers, '2');
    assert.equal(run.shared, 'true');
    assert.equal(run.steps, 5);
    // The shared line trains what one worker does (to float tolerance, as above), and repeats.
    const one = await trainToEnd(`${RUN}&workers=1`, { server });
    assert.ok(Math.abs(run.loss - one.loss) <= 1e-4 * one.loss, `loss ${run.loss} on 2 shared workers, ${one.loss} on 1`);
    const again = await trainToEnd(`${RUN}&workers=2`, { server });
    assert.equal(again.recon, run.recon, 'two runs on 2 shared workers drew different outputs');
    assert.equal(again.loss, run.loss);
    for (const r of [run, one, again]) {
      assertClean(r);
      await r.context.close();
    }
    const res = await fetch(`${server.url}embed.html`);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), null, 'a notes page must be able to frame the embed');
  } finally {
    await server.close();
  }
});

test('workers: the denoising variant ships its corrupted rows to the shard, shared and transferred', async () => {
  // The leader draws every row's mask; a shard gets its rows as a view of the leader's wasm
  // memory, copied into the shared line or sliced into a message. Either way 2 workers train
  // what 1 does to float tolerance, and the shared path repeats bit for bit.
  const dae = 'preset=denoising&d=30&lr=0.002&batch=2000&epochs=1&seed=3';
  const server = await startServer(DIST, 0, { isolate: true });
  try {
    const one = await trainToEnd(`${dae}&workers=1`, { server });
    const shared = await trainToEnd(`${dae}&workers=2`, { server });
    const sharedAgain = await trainToEnd(`${dae}&workers=2`, { server });
    const sent = await trainToEnd(`${dae}&workers=2`);
    assert.equal(await one.page.inputValue('#preset'), 'denoising');
    assert.equal(shared.shared, 'true');
    assert.notEqual(sent.shared, 'true', 'the default server is not isolated: buffers are transferred');
    for (const r of [shared, sent]) {
      assert.equal(r.workers, '2');
      assert.equal(r.steps, 5);
      assert.ok(Math.abs(r.loss - one.loss) <= 1e-4 * one.loss, `loss ${r.loss} on 2 workers, ${one.loss} on 1`);
    }
    assert.equal(sharedAgain.recon, shared.recon, 'two runs on 2 shared workers drew different outputs');
    assert.equal(sharedAgain.loss, shared.loss);
    for (const r of [one, shared, sharedAgain, sent]) {
      assertClean(r);
      await r.context.close();
    }
  } finally {
    await server.close();
  }
});

/**
 * Serve a copy of the site whose shard worker builds its replica, then throws `message` on its
 * first `type` message ('wake': a batch on the shared line; 'grad': a batch by message), to
 * `fn(server)`; `options` go to the server (`isolate`). The copy is removed afterwards.
 */
async function withFailingShard(type, message, options, fn) {
  const root = mkdtempSync(join(tmpdir(), 'ae-shard-'));
  cpSync(DIST, root, { recursive: true });
  writeFileSync(join(root, 'shard-worker.js'), `self.onmessage = ({ data }) => {
    if (data.type === 'build') self.postMessage({ type: 'built', generation: data.generation });
    if (data.type === '${type}') throw new Error('${message}');
  };`);
  const server = await startServer(root, 0, options);
  try {
    await fn(server);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('workers: shared memory: a shard that fails on its line leaves one worker and a sentence; training goes on', async () => {
  // A copy of the site whose shard worker builds its replica, then throws when woken for its
  // first batch on the shared line (kit/shard-sync.js): the leader, waiting on the line, must
  // hear of it through the worker's error, undo the batch and train on alone.
  await withFailingShard('wake', 'shard line test failure', { isolate: true }, async (server) => {
    const run = await trainToEnd(`${RUN}&workers=2`, { server });
    assert.equal(await run.page.evaluate(() => crossOriginIsolated), true);
    assert.equal(run.steps, 5, 'every batch trained');
    assert.equal(run.workers, '1');
    assert.match(await run.page.textContent('[role="alert"]'), /shard line test failure.*goes on with 1 worker instead of 2, and the model is kept/);
    await run.context.close();
  });
});

test('workers: a shard worker that fails mid-batch leaves one worker and a sentence; training goes on', async () => {
  // A copy of the site whose shard worker builds its replica, then throws on the first batch.
  await withFailingShard('grad', 'shard test failure', {}, async (server) => {
    const run = await trainToEnd(`${RUN}&workers=2`, { server });
    assert.equal(run.steps, 5, 'every batch trained');
    assert.equal(run.workers, '1');
    assert.match(await run.page.textContent('[role="alert"]'), /shard test failure.*goes on with 1 worker instead of 2, and the model is kept/);
    // The batch the shard dropped was undone and trained again: the same model as on 1 worker.
    const one = await trainToEnd(`${RUN}&workers=1`);
    assert.ok(Math.abs(run.loss - one.loss) <= 1e-4 * one.loss, `loss ${run.loss} after the fall-back, ${one.loss} on 1 worker`);
    await one.context.close();
    await run.context.close();
  });
});
