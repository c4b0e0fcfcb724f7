// Accessibility as a check: axe-core (npm, injected from node_modules by the harness) on every
// page with zero violations, every information-carrying canvas with a text equivalent, the
// training driven by the keyboard alone, and reduced motion honoured.
// Run: node --test tests/e2e/a11y.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMEOUT, useBrowser, openPage, assertClean, axeViolations, waitAppSteps, pauseApp, APP_READY as READY } from './harness.mjs';

useBrowser(['index.html', 'manifold.html', 'bench.html', 'pkg']);

/**
 * In the page: the training page's labs (mounted after its first frame, app/index.js) are all in,
 * and each has painted its first state: the corruption rows, the latent lab's map and anomaly
 * report, the capacity report on the model the page holds.
 */
function labsDrawn() {
  const $ = (s) => document.querySelector(s);
  const app = $('#app').dataset;
  const latent = $('#panel-latent').dataset;
  return app.labs === 'mounted' && !!$('#dn-corrupt')?.dataset.drawn && !!latent.map && !!latent.anomaly
    && $('#panel-capacity').dataset.generation === app.generation;
}

/** The 2-D lab's first frame is drawn (its data-ready comes with the worker's `ready`, before it). */
function labDrawn() {
  return Number(document.getElementById('lab').dataset.frames) >= 1;
}

/** Each page, what shows that it is ready, and what shows that it has drawn what it will draw at first. */
const PAGES = [
  { url: '', ready: READY, drawn: labsDrawn },
  { url: '#preset=denoising', ready: READY, drawn: labsDrawn }, // the mask and corrupted rows, the greyed field gone
  { url: 'manifold.html', ready: '#lab[data-ready="true"]', drawn: labDrawn },
  { url: 'bench.html', ready: '#results' },
];

for (const { url, ready, drawn } of PAGES) {
  test(`axe: no violations on ${url || 'index.html'}`, async () => {
    const opened = await openPage(url, ready);
    try {
      if (drawn) {
        // Every lab below the fold has mounted and painted its first state: axe sees the whole
        // page, not one still being built (300 ms after READY the labs were still mounting in 7 of 8 loads).
        await opened.page.waitForFunction(drawn, null, { timeout: TIMEOUT });
        await opened.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      }
      assert.deepEqual(await axeViolations(opened.page), []);
      assertClean(opened);
    } finally {
      await opened.context.close();
    }
  });
}

// The embed views (every lab alone, embed.html?lab=<id>) get the same axe check in
// embed.test.mjs, inside its one pass over every view.

test('axe notices a violation (the check can fail)', async () => {
  const opened = await openPage('', READY);
  try {
    await opened.page.evaluate(() => {
      const b = document.createElement('button'); // a button with no name
      document.querySelector('#app').append(b);
    });
    const found = await axeViolations(opened.page);
    assert.ok(found.some((v) => v.startsWith('button-name:')), found.join('\n'));
  } finally {
    await opened.context.close();
  }
});

test('every canvas that carries information has a text equivalent; the loss chart says its last values', async () => {
  const opened = await openPage('#seed=1', READY);
  const { page } = opened;
  try {
    // Every canvas: the labs' too, which mount after the first frame (at READY: 4 canvases of 67).
    await page.waitForSelector('#app[data-labs="mounted"]', { timeout: TIMEOUT });
    // Named itself, or the picture inside a named control (a digit button) or beside its words
    // (a tooltip's text): its parent carries the name.
    const unnamed = await page.evaluate(() => {
      const isNamed = (e) => !!(e && (e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.tagName !== 'CANVAS' && e.textContent.trim())));
      return [...document.querySelectorAll('canvas')]
        .filter((c) => !c.closest('[aria-hidden="true"], [hidden]'))
        .filter((c) => !isNamed(c) && !isNamed(c.parentElement))
        .map((c) => c.id || c.className);
    });
    assert.deepEqual(unnamed, []);
    await page.click('#train');
    await waitAppSteps(page, 45);
    await pauseApp(page);
    // The label is rewritten with the chart's next drawing after the pause's last frame: wait until
    // it speaks of every batch the page has recorded.
    await page.waitForFunction(() => {
      const m = /^[^:]+: ([\d,]+) batches; last batch loss/.exec(document.querySelector('#chart').getAttribute('aria-label') ?? '');
      return m && Number(m[1].replace(/,/g, '')) === Number(document.querySelector('#app').dataset.steps);
    }, null, { timeout: TIMEOUT });
    const label = await page.getAttribute('#chart', 'aria-label');
    const n = Number(await page.getAttribute('#app', 'data-steps'));
    const loss = Number(await page.getAttribute('#app', 'data-loss'));
    // The chart's words match the page's own record of the same frame.
    const m = label.match(/^Loss per batch and mean loss per epoch: ([\d,]+) batches; last batch loss ([\d.]+); mean loss (.+)$/);
    assert.ok(m, label);
    assert.equal(Number(m[1].replace(/,/g, '')), n);
    assert.ok(Math.abs(Number(m[2]) - loss) <= 1e-4 * Math.max(1, loss) + 5e-5, `${m[2]} vs ${loss}`);
    // "epoch 1 0.1234, epoch 2 0.0567 (so far)": one per epoch begun, the last maybe partial.
    // 36 batches an epoch: ⌈9,000 training digits / 256⌉ (the held-out split, data/README.md).
    const PER_EPOCH = 36;
    const means = m[3].split(', ').map((t) => t.match(/^epoch (\d+) ([\d.]+)( \(so far\))?$/));
    assert.ok(means.every(Boolean), m[3]);
    assert.deepEqual(means.map((e) => Number(e[1])), Array.from({ length: Math.ceil(n / PER_EPOCH) }, (_, i) => i + 1));
    assert.equal(!!means.at(-1)[3], n % PER_EPOCH !== 0, 'only a partial last epoch is "so far"');
    assert.ok(Number(means[1][2]) < Number(means[0][2]), 'the second epoch\'s mean is below the first\'s');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

test('the keyboard alone: Tab reaches Train, Enter starts and pauses training', async () => {
  const opened = await openPage('', READY);
  const { page } = opened;
  try {
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'train');
    }
    assert.ok(reached, 'Train is in the tab order');
    await page.keyboard.press('Enter');
    await waitAppSteps(page, 2);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#app').dataset.running === 'false', null, { timeout: TIMEOUT });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'step', 'Step follows Train');
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});

test('prefers-reduced-motion: no CSS animation or transition runs', async () => {
  const opened = await openPage('', READY);
  const { page } = opened;
  try {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const moving = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => {
      const s = getComputedStyle(e);
      return (s.animationName !== 'none' && parseFloat(s.animationDuration) > 0) || parseFloat(s.transitionDuration) > 0;
    }).map((e) => e.id || e.tagName));
    assert.deepEqual(moving, []);
    assertClean(opened);
  } finally {
    await opened.context.close();
  }
});
