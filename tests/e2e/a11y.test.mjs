// Accessibility as a check: axe-core (npm, injected from node_modules by the harness) on every
// page with zero violations, every information-carrying canvas with a text equivalent, the
// training driven by the keyboard alone, and reduced motion honoured.
// Run: node --test tests/e2e/a11y.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMEOUT, useBrowser, openPage, assertClean, axeViolations, waitAppSteps, pauseApp, APP_READY as READY } from './harness.mjs';

useBrowser(['index.html', 'manifold.html', 'bench.html', 'pkg']);

/** Each page, and what shows that it has drawn what it will draw at first. */
const PAGES = [
  { url: '', ready: READY },
  { url: '#preset=denoising', ready: READY }, // the mask and corrupted rows, the greyed field gone
  { url: 'manifold.html', ready: '#lab[data-ready="true"]' },
  { url: 'bench.html', ready: '#results' },
];

for (const { url, ready } of PAGES) {
  test(`axe: no violations on ${url || 'index.html'}`, async () => {
    const opened = await openPage(url, ready);
    try {
      if (!url.startsWith('bench')) {
        // Every lab below the fold has mounted and painted its first state.
        await opened.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await opened.page.waitForTimeout(300);
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
