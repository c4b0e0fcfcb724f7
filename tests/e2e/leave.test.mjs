// End-to-end tests of leaving a page that holds training nowhere else (www/kit/leave.js): the
// browser asks "Leave site?" only then. The training page: not for its pretrained model, nor once
// its training is kept in IndexedDB, but while batches are not yet kept; the 2-D lab (whose models
// live in the tab only): once a model trained there. Needs `make dist`.
// Run: node --test tests/e2e/leave.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMEOUT, useBrowser, openPage, assertClean } from './harness.mjs';

useBrowser(['index.html', 'manifold.html', 'pkg']);

/** What kit/leave.js says leaving would lose now (the page's own module instance), or null. */
const loss = (page) => page.evaluate(async () => (await import('./kit/leave.js')).leaveLoss());

/** Close `page` as a user leaving does (beforeunload runs); true when the browser asked first (then leave). */
async function closeAsks(page) {
  let asked = false;
  page.on('dialog', (d) => {
    if (d.type() === 'beforeunload') asked = true;
    d.accept();
  });
  const closed = new Promise((resolve) => page.once('close', resolve));
  await page.close({ runBeforeUnload: true });
  await closed;
  return asked;
}

test('leaving the training page asks only while training is not yet kept in this browser', async () => {
  const opened = await openPage('#preset=standard&epochs=20', '#app[data-ready="true"]');
  const { context, page } = opened;
  try {
    assert.equal(await loss(page), null, 'the pretrained model, untrained here: nothing to lose');
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('keep').dataset.stored === '1', null, { timeout: TIMEOUT });
    assert.equal(await loss(page), null, 'one batch, kept in IndexedDB: a reopened page offers it back');
    await page.click('#train');
    await page.waitForFunction(() => Number(document.getElementById('app').dataset.steps) > 3, null, { timeout: TIMEOUT });
    assert.match(await loss(page), /^\d+ batch(es)? of training not yet kept in this browser$/);
    assertClean(opened);
    assert.equal(await closeAsks(page), true, 'leaving mid-training asks first');
  } finally {
    await context.close();
  }
});

test('leaving the 2-D lab asks once a model trained there, not before', async () => {
  const untouched = await openPage('manifold.html', '#lab[data-ready="true"]');
  try {
    assert.equal(await loss(untouched.page), null);
    assert.equal(await closeAsks(untouched.page), false, 'the pretrained models, untrained here: no question');
  } finally {
    await untouched.context.close();
  }
  const opened = await openPage('manifold.html', '#lab[data-ready="true"]');
  const { context, page } = opened;
  try {
    await page.getByRole('button', { name: 'Step' }).click();
    await page.waitForFunction(() => document.getElementById('lab').dataset.steps === '1', null, { timeout: TIMEOUT });
    assert.equal(await loss(page), 'the 2-D lab’s three models trained here');
    assertClean(opened);
    assert.equal(await closeAsks(page), true);
  } finally {
    await context.close();
  }
});
