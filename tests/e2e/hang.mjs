// Hanging a page's worker on purpose, for the end-to-end tests of the page's worker time-outs and
// restarts (restart.test.mjs): the worker says on the 'e2e-hang' BroadcastChannel just before it
// stops reading messages, so a test knows the hang has begun instead of sleeping for it.

import assert from 'node:assert/strict';
import { TIMEOUT } from './harness.mjs';

/** The page's training worker, as Playwright sees it: its URL ends with `path` (a lab's never does). */
export function trainingWorker(page, path = '/worker.js') {
  const w = page.workers().filter((x) => x.url().endsWith(path));
  assert.ok(w.length >= 1, `the training worker among ${page.workers().map((x) => x.url()).join(', ')}`);
  return w.at(-1);
}

/**
 * Make the worker at `path` busy for two minutes (it reads no message and says nothing), and wait
 * until it is: the worker says so on a BroadcastChannel just before its loop, so a message the page
 * sends from then on is never read. A fixed sleep instead let a slow machine's page ask before the
 * loop began, and get its answer.
 */
export async function hang(page, path) {
  const worker = trainingWorker(page, path);
  await worker.evaluate(() => { self.__hangChannel = new BroadcastChannel('e2e-hang'); });
  await listenForHang(page);
  worker.evaluate(() => {
    self.__hangChannel.postMessage('busy');
    const end = Date.now() + 120_000;
    while (Date.now() < end);
  }).catch(() => {});
  await page.waitForFunction(() => window.__hung, null, { timeout: TIMEOUT });
}

/** The page sets `window.__hung` when a worker says on the 'e2e-hang' channel that it hangs now. */
function listenForHang(page) {
  return page.evaluate(() => {
    window.__hung = false;
    const c = new BroadcastChannel('e2e-hang');
    c.onmessage = () => { window.__hung = true; c.close(); };
  });
}

/**
 * Make the worker at `path` hang (as `hang`) just after it reports training past `steps` batches,
 * its clock running `speed` times fast from now on, so that even a short run reports while it
 * trains (a frame comes every FRAME_MS of the worker's clock). With the real clock, the latent
 * map's ten epochs took ~0.7 s on a fast machine: the run ended before its first frame in between,
 * and a hang after it hung an idle worker, which nobody was waiting for.
 */
export async function hangWhileTraining(page, path, steps, speed = 20) {
  const worker = trainingWorker(page, path);
  await listenForHang(page);
  await worker.evaluate(([k, fast]) => {
    const channel = new BroadcastChannel('e2e-hang');
    const now = performance.now.bind(performance);
    const t0 = now();
    performance.now = () => t0 + (now() - t0) * fast;
    const send = self.postMessage.bind(self);
    self.postMessage = (msg, ...rest) => {
      send(msg, ...rest);
      if (msg?.type !== 'frame' || !msg.running || !(msg.steps > k)) return;
      channel.postMessage('busy');
      const end = Date.now() + 120_000;
      while (Date.now() < end);
    };
  }, [steps, speed]);
}
