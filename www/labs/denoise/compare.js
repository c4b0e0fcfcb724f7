// denoise/compare: the notebook's comparison (lecture figs 22–23), standard AE (d = 30) vs
// denoising AE (d = 500) trained in their own worker (compare-worker.js), kernels side by side and
// outputs on the same corrupted digits; the main model is untouched. `mount` returns `models`,
// the two models' door for the face-off and the energy experiments. The latest copy of the two
// models the worker kept (kit/kept.js) is handed to the worker that replaces a crashed or hung
// one, so the training done in the tab is not lost.
import { drawDigitRow } from '../../draw/digits.js';
import { drawKernels, gridSize, legendGradient } from '../../draw/kernels.js';
import { el, row, useStylesheet, bump } from '../../kit/dom.js';
import { shorten, shortenedFor, MAX_RESTARTS, COMMAND_TIMEOUT_MS } from '../../kit/worker-link.js';
import { CALL_TIMEOUT_MS } from '../../model.js';
import { scoreText } from '../../kit/models.js';
import { KeptCopy, keptAgo, countText } from '../../kit/kept.js';
import { warnOnLeave } from '../../kit/leave.js';
import { ROW_DIGITS, SIDE, GAP } from './corruptions.js';
import { grouped } from '../../kit/grouped.js';
import { StatusLine } from '../../kit/status-line.js';

/** Kernel pages shown for each model: the standard AE's 30, the first 100 of the DAE's 500. */
const SHOW_KERNELS = { standard: 30, denoising: 100 };

export function mount(container) {
  useStylesheet(new URL('./denoise.css', import.meta.url));
  const box = el('div', { class: 'dn-part', id: 'dn-compare' });
  const run = el('button', { type: 'button', class: 'primary', id: 'dn-compare-run' }, 'Run the notebook’s comparison');
  const pause = el('button', { type: 'button', id: 'dn-compare-pause', disabled: '' }, 'Hold the comparison');
  const mode = el('select', { id: 'dn-compare-mode' },
    el('option', { value: 'together' }, 'together (alternating batches)'),
    el('option', { value: 'sequential' }, 'one after the other'));
  const from = el('select', { id: 'dn-compare-from' },
    el('option', { value: 'pretrained' }, 'the pretrained pair (20 epochs each)'),
    el('option', { value: 'seed' }, 'their seed (untrained)'));
  const epochs = el('input', { id: 'dn-compare-epochs', type: 'number', min: '1', max: '200', step: '1', value: '20', inputmode: 'numeric' });
  const error = el('p', { class: 'error', 'aria-live': 'assertive' });
  const notStarted = 'Not started. Standard AE: d = 30; denoising AE: d = 500, dropout p = 0.5; both Adam, lr 10⁻³, batch 256, seed 0.';
  const status = el('p', { class: 'status' }, notStarted);
  const said = el('p', { class: 'visually-hidden', role: 'status' }, notStarted); // status's live twin
  const statusLine = new StatusLine(status, said); // a frame per batch: read out every few seconds
  // Sized as their final grids (10 columns: 3 rows of 30, 10 rows of 100) before the first frame.
  const grid = (count) => gridSize(count, 10, SIDE, GAP);
  const kstd = el('canvas', { class: 'dn-kernels', id: 'dn-kernels-standard', 'aria-label': 'Encoder kernels of the standard autoencoder', role: 'img', width: String(grid(30).width), height: String(grid(30).height) });
  const kdae = el('canvas', { class: 'dn-kernels', id: 'dn-kernels-denoising', 'aria-label': 'Encoder kernels of the denoising autoencoder', role: 'img', width: String(grid(100).width), height: String(grid(100).height) });
  const r = {
    xc: row('dn-cmp-xc', 'corrupted x̃ (p = 0.5)'),
    std: row('dn-cmp-std', 'standard AE'),
    dae: row('dn-cmp-dae', 'denoising AE'),
    clean: row('dn-cmp-clean', 'clean x'),
  };
  box.append(
    el('h3', {}, '2 · Standard vs denoising: kernels and outputs (figs 22–23)'),
    el('p', { class: 'explain' },
      'The notebook trains an under-complete standard AE (d = 30) and an over-complete denoising AE (d = 500). With 500 units and clean inputs a model can get close to copying its input; with half of every input dropped, ',
      el('span', { class: 'math' }, 'min ‖x − D(E(x ⊙ m))‖²'),
      ' forces each unit of W', el('sub', {}, 'h'), ' to rely on the pixels around a stroke: after a few epochs many of its kernels (rows of W', el('sub', {}, 'h'), ', blue < 0 < red) are local stroke detectors while others stay noise, unlike the standard AE’s digit-wide blobs. Both models train here in their own worker; the main model above is untouched.'),
    el('div', { class: 'dn-controls' },
      el('div', { class: 'field' }, el('label', { for: 'dn-compare-from' }, 'Start from'), from),
      el('div', { class: 'field' }, el('label', { for: 'dn-compare-mode' }, 'Train the two'), mode),
      el('div', { class: 'field' }, el('label', { for: 'dn-compare-epochs' }, 'Epochs each'), epochs),
      el('div', { class: 'buttons' }, run, pause),
    ),
    error, status, said,
    el('div', { class: 'dn-kernel-pair' },
      el('figure', {}, el('figcaption', {}, 'Standard AE (d = 30): all 30 kernels'), kstd),
      el('figure', {}, el('figcaption', {}, 'Denoising AE (d = 500): kernels 1–100'), kdae)),
    el('p', { class: 'legend' }, 'each tile scaled by its own max |w|: ', el('span', { class: 'bar', style: `background:${legendGradient()}` }), ' −max … 0 … +max'),
    el('div', { class: 'rows', 'data-empty': 'Nothing to show yet: press “Run the notebook’s comparison”.' }, r.xc.fig, r.std.fig, r.dae.fig, r.clean.fig),
  );
  container.append(box);

  let worker = null;
  let running = false;
  let started = false;
  let qid = 1;
  const pending = new Map();
  let lastStart = null; // the last 'start' message: a crashed worker's successor gets it again
  let crashes = 0;
  let generation = 0; // one per Run: a copy kept of another run is never loaded
  const kept = new KeptCopy();
  // The two models live in this tab only: leaving after training them asks first (kit/leave.js).
  const stopWarning = warnOnLeave(() => (Number(box.dataset.steps ?? 0) > 0 ? 'the comparison’s two models trained here' : null));
  let watch = 0; // the silence time-out: any report of the worker clears it

  /**
   * After a command (Hold, Continue) or a frame of a running comparison the worker must say
   * something within COMMAND_TIMEOUT_MS (a running worker sends a frame about every 0.4 s); silence
   * replaces it as if it had crashed. `what`: "has not answered “Hold”", "has sent nothing while training".
   */
  function expectWord(what) {
    clearTimeout(watch);
    const ms = shortenedFor(COMMAND_TIMEOUT_MS);
    watch = setTimeout(() => crashed(`The comparison worker ${what} for ${Math.round(ms / 1000)} s, so it was stopped.`), ms);
  }

  /**
   * The worker died (a panic, out of memory, an uncaught error) or hung (`why` says which): its
   * questions fail, and a new worker starts the same comparison again (at most MAX_RESTARTS
   * times) from the models its predecessor last kept, else as they opened, running or held as
   * before; the error line says which, and how old the copy is.
   */
  function crashed(why) {
    const wasRunning = running;
    clearTimeout(watch);
    worker?.terminate();
    worker = null;
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
    setRunning(false);
    crashes += 1;
    box.dataset.crashes = String(crashes);
    if (!lastStart || crashes > MAX_RESTARTS) {
      error.textContent = `${why} Reload the page to try again.`;
      return;
    }
    const rec = kept.forGeneration(generation);
    const trained = Number(box.dataset.steps ?? 0);
    let what;
    if (rec) {
      const keptSteps = rec.models.reduce((a, m) => a + m.steps, 0);
      const lost = trained > keptSteps ? ` (the ${grouped(trained - keptSteps)} batches after it were lost)` : '';
      const counts = rec.models.map((m) => `${m.name}: ${countText(m.epoch, m.steps)}`).join('; ');
      what = `the models kept ${keptAgo(performance.now() - rec.at)} (${counts}) were loaded back into it${lost}; ${wasRunning ? 'they train on' : '“Continue the comparison” trains on'} from there.`;
    } else {
      what = trained
        ? `no copy of the models had been kept yet, so the ${grouped(trained)} batches trained here were lost; they start again as they opened.`
        : 'they start again as they opened.';
    }
    error.textContent = `${why} A new worker started with the same settings; ${what}`;
    box.dataset.kept = rec ? 'loading' : 'none';
    // The page keeps its copy (the new worker may die too): the worker gets copies of the bytes.
    const copy = rec && { models: rec.models.map((m) => ({ ...m, bytes: m.bytes.slice() })) };
    ensureWorker().postMessage({ ...lastStart, kept: copy ?? undefined, hold: !wasRunning });
    setRunning(wasRunning);
  }

  function ensureWorker() {
    if (worker) return worker;
    const w = new Worker(new URL('./compare-worker.js', import.meta.url), { type: 'module' });
    worker = w;
    let spoke = false;
    w.onerror = (e) => {
      e.preventDefault();
      if (w !== worker) return;
      if (spoke) crashed(`The comparison worker crashed (${shorten(e.message)}).`);
      else {
        error.textContent = `The comparison worker failed: ${e.message || 'its script could not be loaded'}.`;
        setRunning(false);
      }
    };
    w.onmessage = (ev) => {
      if (w !== worker) return;
      spoke = true;
      clearTimeout(watch);
      const msg = ev.data;
      if (msg.crashed) crashed(`The comparison worker crashed (${shorten(msg.message)}).`);
      else if (msg.type === 'kept') {
        if (msg.generation !== generation) return;
        kept.put(generation, { models: msg.models }, performance.now());
        box.dataset.keptSteps = String(msg.models.reduce((a, m) => a + m.steps, 0));
        box.dataset.keepMs = msg.ms.toFixed(1); // the worker's cost of one copy of both models
      } else if (msg.type === 'ready') {
        if (box.dataset.kept === 'loading') box.dataset.kept = msg.restored ? 'restored' : 'refused';
        if (msg.why) error.textContent = `${error.textContent} But the kept copy could not be loaded (${msg.why}), so they start again as they opened.`;
        const dims = { count: ROW_DIGITS.length, side: SIDE, gap: GAP };
        r.xc.fig.parentElement.removeAttribute('data-empty'); // the rows now hold digits
        drawDigitRow(r.xc.ctx, msg.xc, dims, { lo: -1, hi: 1 });
        drawDigitRow(r.clean.ctx, msg.clean, dims, { lo: -1, hi: 1 });
      } else if (msg.type === 'frame') {
        drawFrame(msg);
        if (msg.running) expectWord('has sent nothing while training');
      } else if (msg.type === 'answer') {
        const p = pending.get(msg.qid);
        if (!p) return;
        pending.delete(msg.qid);
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.result);
      } else if (msg.type === 'error') {
        error.textContent = /training diverged/i.test(msg.message) ? `Training paused: ${msg.message}` : msg.message;
        setRunning(false);
      }
    };
    return worker;
  }

  function drawFrame(msg) {
    const dims = { count: ROW_DIGITS.length, side: SIDE, gap: GAP };
    drawDigitRow(r.std.ctx, msg.outputs[0], dims, { lo: -1, hi: 1 });
    drawDigitRow(r.dae.ctx, msg.outputs[1], dims, { lo: -1, hi: 1 });
    for (const m of msg.models) {
      if (!m.kernels) continue;
      const canvas = m.name === 'standard' ? kstd : kdae;
      const count = Math.min(SHOW_KERNELS[m.name], m.kernels.length / 784);
      const cols = 10;
      drawKernels(canvas.getContext('2d'), m.kernels, { start: 0, count, cols, side: SIDE, gap: GAP }, { scale: 'tile' });
      bump(box, 'kernels');
      canvas.style.aspectRatio = `${gridSize(count, cols, SIDE, GAP).width} / ${gridSize(count, cols, SIDE, GAP).height}`;
    }
    const origin = (m) => (m.from ? `pretrained ${m.from.epochs} epochs (${scoreText(m.from)}) + ` : '');
    const parts = msg.models.map((m) => `${m.name} (d = ${m.d}): ${origin(m)}epoch ${Math.min(m.stats.epoch, msg.epochs)}/${msg.epochs}, ${m.stats.steps} batches, loss ${m.stats.steps ? m.stats.loss.toFixed(4) : '–'}`);
    statusLine.show(`${parts.join(' · ')}${msg.done ? ' — done.' : msg.running ? '' : ' — paused.'}`, msg.done || !msg.running);
    box.dataset.from = msg.models.every((m) => m.from) ? 'pretrained' : 'seed';
    box.dataset.steps = String(msg.models.reduce((a, m) => a + m.stats.steps, 0));
    box.dataset.standardSteps = String(msg.models[0].stats.steps);
    box.dataset.denoisingSteps = String(msg.models[1].stats.steps);
    // The engine's blow-up watch: the worker paused; say which model, with its numbers.
    const blown = msg.models.filter((m) => m.stats.warning);
    if (blown.length) error.textContent = `Training paused: ${blown.map((m) => `the ${m.name} AE: ${m.stats.warning}`).join('; ')}.`;
    if (msg.done || !msg.running) setRunning(false);
    if (msg.done) pause.disabled = true;
  }

  function setRunning(on) {
    running = on;
    pause.disabled = !started;
    pause.textContent = on ? 'Hold the comparison' : 'Continue the comparison'; // not “Pause”: that names the page's Train button
    box.dataset.running = String(on);
  }

  run.addEventListener('click', () => {
    const e = Number(epochs.value);
    if (!Number.isInteger(e) || e < 1 || e > 200) {
      error.textContent = 'Epochs must be a whole number from 1 to 200.';
      return;
    }
    error.textContent = '';
    statusLine.say('Loading the two models…');
    generation += 1;
    kept.clear();
    for (const k of ['steps', 'keptSteps', 'kept']) delete box.dataset[k];
    lastStart = { type: 'start', generation, mode: mode.value, epochs: e, idx: ROW_DIGITS, seed: 1234, from: from.value };
    ensureWorker().postMessage(lastStart);
    started = true;
    run.textContent = 'Restart the comparison';
    setRunning(true);
  });
  pause.addEventListener('click', () => {
    if (!worker) return;
    if (running) worker.postMessage({ type: 'pause' });
    else worker.postMessage({ type: 'resume', mode: mode.value });
    expectWord(`has not answered “${running ? 'Hold' : 'Continue'}”`);
    setRunning(!running);
  });
  mode.addEventListener('change', () => { if (worker && running) worker.postMessage({ type: 'resume', mode: mode.value }); });

  const models = {
    /** `which` ('standard'|'denoising') model's `op(...args)`, or a rejection if not started. */
    call(which, op, ...args) {
      if (!worker || !started) return Promise.reject(new Error('Run the notebook’s comparison first (section 2), or choose the main model.'));
      const q = qid++;
      const ms = shortenedFor(CALL_TIMEOUT_MS);
      return new Promise((resolve, reject) => {
        // No answer: the worker is stuck, and is replaced as if it had crashed (it says so).
        const timer = setTimeout(() => {
          pending.delete(q);
          reject(new Error(`The comparison worker did not answer “${op}” within ${Math.round(ms / 1000)} s.`));
          crashed(`The comparison worker did not answer “${op}” within ${Math.round(ms / 1000)} s, so it was stopped.`);
        }, ms);
        const settle = (fn) => (v) => { clearTimeout(timer); fn(v); };
        pending.set(q, { resolve: settle(resolve), reject: settle(reject) });
        worker.postMessage({ type: 'query', qid: q, which, op, args });
      });
    },
    steps: () => Number(box.dataset.steps ?? 0),
  };
  return { models, unmount() { stopWarning(); worker?.terminate(); box.remove(); } };
}
