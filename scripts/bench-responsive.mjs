// The page's responsiveness while it trains, as issue #11 judges it: the training page at phone
// width (390 × 844) with every encoder kernel shown, the denoising preset (d = 500) on W workers,
// and d = 2048 (2048 kernels shown) on one. (1,000 epochs: it does not finish during the
// measurement.) For each, after a warm-up, over `seconds` of training it records:
//   - the main thread's tasks over 50 ms (the Long Tasks API: the browser's own record of each
//     one, with no tracing to slow the page);
//   - the share of the time the main thread was busy (the DevTools Performance domain's
//     TaskDuration: every task, short ones too);
//   - the samples per second trained, with the drawing and the page sharing the machine's cores
//     (data-steps × the batch size, over the same interval);
//   - then the longest main-thread task of a TRACE_S-second trace (category `toplevel` only: the
//     tasks' bounds, little overhead), a length the Long Tasks API gives only above 50 ms.
// Used by scripts/bench.mjs (`make bench`); numbers are printed, never asserted.

/** Width and height of the phone the page is measured at (CSS px). */
export const PHONE = { width: 390, height: 844 };
/** Seconds of training before the interval: the first frames, kernels and chart settle. */
const WARM_S = 3;
/** Seconds of the trace that finds the longest task. */
const TRACE_S = 5;

/** The longest task (ms) on the renderer's main thread over the next `seconds`, from a trace. */
async function longestTask(browser, page, seconds) {
  await browser.startTracing(page, { categories: ['toplevel'] });
  await page.waitForTimeout(seconds * 1000);
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString());
  const main = new Set(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  let longest = 0;
  for (const e of traceEvents) {
    if (e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`)) longest = Math.max(longest, e.dur / 1000);
  }
  return longest;
}

/** The conditions: the denoising preset on each worker count, then d = 2048 on one worker. */
function cases(workers) {
  return [...workers.map((w) => ({ hash: 'preset=denoising', d: 500, w })), { hash: 'preset=standard&d=2048', d: 2048, w: 1 }];
}

/**
 * One page per case: {workers, d, seconds, longTasks: [ms…], busy (0–1), samplesPerS, steps,
 * kernelsBy ('worker': painted into the OffscreenCanvas; 'page': put by the page)}. Page
 * errors go into `problems` through `watch(page, problems)`.
 */
export async function responsiveness(browser, server, problems, { workers, seconds, watch }) {
  const rows = [];
  for (const { hash, d, w } of cases(workers)) {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    watch(page, problems);
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${server.url}index.html#${hash}&epochs=1000&workers=${w}`);
    await page.waitForSelector('#app[data-labs="mounted"]', { timeout: 60_000 });
    await page.check('#kernels-all');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.click('#train');
    await page.waitForTimeout(WARM_S * 1000);
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const sample = () => page.evaluate(() => ({
      now: performance.now(),
      steps: Number(document.getElementById('app').dataset.steps),
      batch: Number(document.querySelector('[data-key="batch"] input')?.value),
      running: document.getElementById('app').dataset.running === 'true',
      kernelsBy: document.getElementById('app').dataset.kernelsBy,
    }));
    const [m0, s0] = [await metrics(), await sample()];
    await page.waitForTimeout(seconds * 1000);
    const [m1, s1] = [await metrics(), await sample()];
    const longest = await longestTask(browser, page, TRACE_S);
    const longTasks = await page.evaluate((from) => window.__longTasks.filter((t) => t.start >= from).map((t) => t.ms), s0.now);
    const dt = m1.Timestamp - m0.Timestamp;
    if (!s1.running) problems.push(`responsiveness: training stopped before the end of the ${seconds} s on ${w} worker(s)`);
    rows.push({
      workers: w,
      d,
      kernelsBy: s1.kernelsBy,
      seconds: dt,
      longTasks, // over 50 ms, in the interval and the trace
      longest, // ms, in the trace
      busy: (m1.TaskDuration - m0.TaskDuration) / dt,
      steps: s1.steps - s0.steps,
      samplesPerS: ((s1.steps - s0.steps) * s1.batch) / dt,
    });
    await context.close();
  }
  return rows;
}

/** The report's lines: one per worker count. */
export function responsivenessReport(rows) {
  const lines = [`while training (index.html, ${PHONE.width} px wide, every kernel shown; d = 500: #preset=denoising):`];
  for (const r of rows) {
    const over = r.longTasks.length
      ? `${r.longTasks.length} main-thread task(s) over 50 ms, the longest ${Math.round(Math.max(...r.longTasks))} ms`
      : 'no main-thread task over 50 ms';
    lines.push(`  d = ${r.d}, ${r.workers} worker${r.workers > 1 ? 's' : ''}, ${r.seconds.toFixed(0)} s: ${over}, main thread busy ${(100 * r.busy).toFixed(1)} %, ` +
      `${Math.round(r.samplesPerS)} samples/s in the page; the longest task of a ${TRACE_S} s trace after: ${r.longest.toFixed(1)} ms; ` +
      `kernels painted by the ${r.kernelsBy === 'worker' ? 'worker (OffscreenCanvas)' : 'page'}`);
  }
  return lines.join('\n');
}
