// The 2-D lab's worker (manifold/worker.js through kit/worker-link.js): commands, its reports
// (ready, frame, kept, error) into the one `page` object, and its replacement after a crash or a
// time-out with the models it last kept.

import { VARIANTS } from './state.js';
import { TO_WORKER, TO_PAGE } from './protocol.js';
import { WorkerLink } from '../kit/worker-link.js';
import { keptAgo } from '../kit/kept.js';
import { page, $, send, setRunning } from './page.js';
import { maybeRebuild } from './controls.js';
import { grouped } from '../kit/grouped.js';

/** Start the worker. */
export function startWorker() {
  page.link = new WorkerLink(new URL('./worker.js', import.meta.url), {
    onMessage,
    onFail: (text) => {
      setRunning(false, false);
      page.alerts.set('engine', text);
    },
    onCrash: restart,
    // A worker that does not answer is replaced like a crashed one.
    onTimeout: (text) => restart(`${text.replace(/\.$/, '')}, so it was stopped.`),
  });
}

/**
 * A new worker, the same settings, and the models back: the copy the worker last kept (its
 * `kept` report, at pauses and every KEEP_EVERY_MS of training) is loaded into the new one; the
 * alert says how old it is. Without a copy the labs start as they did (pretrained or seed).
 */
function restart(text) {
  const kept = page.kept?.generation === page.generation ? page.kept : null;
  const trained = (page.frame?.generation === page.generation && page.frame.steps) || 0;
  let what;
  if (kept) {
    const lost = trained > kept.steps ? ` (the ${grouped(trained - kept.steps)} steps after it were lost)` : '';
    what = `the models kept ${keptAgo(performance.now() - kept.at)} (${grouped(kept.total)} steps) were loaded back into it${lost}; Train continues from there.`;
  } else {
    what = trained
      ? `no copy of the models had been kept yet, so the ${grouped(trained)} steps trained here were lost; they start again as they opened.`
      : 'the models had not trained here, so they start again as they opened.';
  }
  page.alerts.set('crash', `${text} A new worker started with the same settings; ${what}`);
  setRunning(false, false);
  page.link.restart();
  page.builtKey = '';
  maybeRebuild(kept);
}

function onMessage(msg) {
  if (msg.type === TO_PAGE.READY) {
    page.generation = msg.generation;
    page.ready = { data: msg.data, corrupted: msg.corrupted, jacPoints: msg.jacPoints, code: msg.code };
    page.series = {};
    for (const v of VARIANTS) page.series[v.key] = { steps: [], losses: [] };
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < msg.data.length; i += 2) {
      x0 = Math.min(x0, msg.data[i]); x1 = Math.max(x1, msg.data[i]);
      y0 = Math.min(y0, msg.data[i + 1]); y1 = Math.max(y1, msg.data[i + 1]);
    }
    page.origins = Object.fromEntries(msg.origins.map((o) => [o.variant, o]));
    // A kept copy stays valid for the labs it was loaded into, until they send their own.
    if (page.kept && msg.origins.some((o) => o.kind === 'kept')) page.kept.generation = msg.generation;
    else page.kept = null;
    const lab = $('lab');
    lab.dataset.origins = msg.origins.map((o) => o.kind).join(',');
    delete lab.dataset.keptSteps;
    lab.dataset.generation = String(msg.generation);
    lab.dataset.curve = page.state.values.curve;
    lab.dataset.bounds = [x0, x1, y0, y1].map((v) => v.toFixed(3)).join(',');
    lab.dataset.ready = 'true';
    for (const k of ['engine', 'diverged', 'timeout']) page.alerts.clear(k);
    for (const id of ['train', 'step', 'reset']) $(id).disabled = false;
    if (page.wantRunning) send(TO_WORKER.PLAY);
    page.wantRunning = false;
    page.dirty = true;
  } else if (msg.type === TO_PAGE.FRAME) {
    if (msg.generation !== page.generation) return;
    for (const l of msg.labs) {
      const s = page.series[l.variant];
      s.steps.push(...l.lossSteps);
      s.losses.push(...l.losses);
    }
    page.frame = msg;
    page.frames++;
    // A frame older than the last command (say, Pause) must not undo that command's button state.
    if (page.link.current(msg)) setRunning(msg.running, msg.done);
    // The engine's blow-up watch: the worker paused; say which lab, with its numbers.
    const blown = msg.labs.filter((l) => l.warning);
    if (blown.length) page.alerts.set('diverged', `Training paused: ${blown.map((l) => `the ${l.variant} autoencoder: ${l.warning}`).join('; ')}.`);
    else if (msg.running) page.alerts.clear('diverged');
    const here = msg.total !== msg.steps ? ` (${grouped(msg.steps)} here)` : '';
    // The epoch counter is this tab's (a loaded model's earlier steps are in `total`, not in it).
    // Shown every frame (one every FRAME_MS while training); read out every few seconds then,
    // and at once when training stops.
    page.status.show(`${msg.running ? 'Training' : msg.done ? 'Done' : 'Paused'} · step ${grouped(msg.total)}${here} · epoch ${msg.epoch}${here ? ' here' : ''}`
      + (!msg.done ? '' : here
        ? ` (stopped after ${grouped(msg.steps)} more steps; Reset to start again from the seed)`
        : ` (stopped after ${grouped(msg.steps)} steps, where the lesson's numbers were measured; Reset to start again)`), !msg.running);
    page.dirty = true;
  } else if (msg.type === TO_PAGE.KEPT) {
    if (msg.generation !== page.generation) return;
    page.kept = { generation: msg.generation, steps: msg.steps, total: Math.max(...msg.labs.map((l) => l.steps)), labs: msg.labs, at: performance.now() };
    $('lab').dataset.keptSteps = String(msg.steps);
  } else if (msg.type === TO_PAGE.ERROR) {
    const diverged = /training diverged/i.test(msg.message);
    page.alerts.set(diverged ? 'diverged' : 'engine', diverged ? `Training paused: ${msg.message}` : msg.message);
    if (!diverged) page.builtKey = ''; // let the next valid change rebuild (a diverged run keeps its labs)
    if (msg.fatal) page.status.say('The lab could not start.');
    else setRunning(false, false);
  }
}
