// Capacity and regularisation (issue 6): what stops an autoencoder from learning the identity —
// the code size d, tied weights (and PCA), the loss, and the contractive penalty — as experiments
// on the page's one model. The panel's controls change the shared settings through the URL hash
// (state.js is the one source of truth; main.js rebuilds the model on `hashchange`), then press
// Train. Numbers come from the engine (src/capacity.rs) through `model.call`.

import { State, format } from '../state.js';
import { SIDE } from '../protocol.js';
import { drawDigitRow } from '../draw/digits.js';
import { drawKernels } from '../draw/kernels.js';
import { drawSweep, drawParts, letterA, stamp } from './capacity-draw.js';

export const id = 'panel-capacity';

const D_MIN = 1;
const D_MAX = 1000;
const REPORT_COUNT = 300; // digits the report measures (the first 300 of the training set)
const PCA_FIT_ROWS = 10000; // PCA on (at most) the whole training set
const REPORT_EVERY_MS = 2500; // while training, a fresh report at most this often
const TILES = 12; // kernels and components shown per model
const PROBE_NAMES = ['digit', 'noise', 'inverted', 'shifted', 'boxed ×', 'your drawing'];
const N = SIDE * SIDE;

const HTML = `
<h2 id="capacity-title">Capacity and regularisation</h2>
<p class="explain">An autoencoder with enough capacity can learn the identity <span class="math">x̂ = x</span>
  and then reconstructs anything — digits and non-digits alike. The lecture names what prevents it: an
  under-complete code (<span class="math">d &lt; 784</span>), tied weights <span class="math">W<sub>x</sub> = W<sub>h</sub><sup>⊤</sup></span>,
  noise in the input (denoising), or a penalty such as the contractive <span class="math">λ‖∂h/∂x‖²<sub>F</sub></span>.
  Change one thing below; the page's model is rebuilt and trained (Epochs and Seed are in Model).</p>

<form class="cap-controls" novalidate>
  <div class="field">
    <label for="cap-d">Code size <span class="math">d</span></label>
    <input id="cap-d" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" aria-describedby="cap-d-hint cap-d-error">
    <small class="hint" id="cap-d-hint">1 – 1000 (over-complete above 784); Enter to train</small>
    <p class="error" id="cap-d-error" aria-live="polite" hidden></p>
  </div>
  <div class="field">
    <label for="cap-loss">Loss</label>
    <select id="cap-loss">
      <option value="mse">MSE, tanh output, x ∈ [−1, 1]</option>
      <option value="bce">BCE, sigmoid output, x ∈ [0, 1]</option>
    </select>
  </div>
  <div class="field">
    <label for="cap-act">Code activation</label>
    <select id="cap-act">
      <option value="tanh">tanh (the notebook)</option>
      <option value="linear">linear (identity)</option>
    </select>
  </div>
  <div class="field">
    <label class="check"><input id="cap-tied" type="checkbox"> Tied weights <span class="math">W<sub>x</sub> = W<sub>h</sub><sup>⊤</sup></span></label>
    <label class="check"><input id="cap-contractive" type="checkbox"> Contractive penalty</label>
  </div>
  <div class="field wide">
    <label for="cap-lambda">Contractive <span class="math">λ</span> = <output id="cap-lambda-out" for="cap-lambda">0.1</output></label>
    <input id="cap-lambda" type="range" min="-4" max="0.5" step="0.125" value="-1" aria-describedby="cap-lambda-hint">
    <small class="hint" id="cap-lambda-hint">log scale, 0.0001 – 3.16; moving it turns the contractive penalty on</small>
  </div>
  <div class="buttons wide">
    <button type="button" id="cap-train" class="primary">Run this model</button>
    <button type="button" id="cap-linear">Linear tied AE (≈ PCA)</button>
    <button type="button" id="cap-notebook">Back to the notebook model</button>
  </div>
  <p class="status wide" id="cap-status" role="status"></p>
</form>

<div class="cap-grid">
<section class="cap-box" aria-labelledby="cap-probes-title">
  <h3 id="cap-probes-title">1 · Under- vs over-complete: does it copy?</h3>
  <p class="explain">Off-manifold probes and their reconstructions. A model that has learnt the identity
    reconstructs noise, an inverted or shifted digit and a letter as well as a digit. The lecture says a
    bottleneck or denoising prevents this: compare the probes' error <span class="math">‖x − x̂‖²/784</span>
    at <span class="math">d = 30</span> and <span class="math">d = 1000</span>, and with the denoising preset.</p>
  <div class="cap-probes">
    <figure><canvas id="cap-probe-in" class="digits" aria-label="Probe inputs"></canvas><figcaption>input</figcaption></figure>
    <figure><canvas id="cap-probe-out" class="digits" aria-label="Probe reconstructions"></canvas><figcaption>output <span class="math">x̂</span></figcaption></figure>
  </div>
  <table class="cap-table" id="cap-probe-table"><thead><tr><th scope="col">probe</th><th scope="col">MSE</th></tr></thead><tbody></tbody></table>
  <div class="cap-pad">
    <canvas id="cap-pad" width="28" height="28" aria-label="Drawing pad, 28 by 28: draw a letter or shape with the pointer"></canvas>
    <div class="buttons">
      <button type="button" id="cap-pad-a">Letter A</button>
      <button type="button" id="cap-pad-clear">Clear</button>
    </div>
  </div>
  <h4>Error against <span class="math">d</span>, from your runs</h4>
  <canvas id="cap-sweep" class="cap-chart" role="img" aria-label="Reconstruction error on digits and on probes against code size d"></canvas>
  <p class="legend-line"><span class="key digits"></span> digits <span class="key probes"></span> probes (noise, inverted, shifted, ×) · *MSE on pixels in [0, 1], the latest measurement of each model</p>
  <table class="cap-table" id="cap-runs"><thead><tr><th scope="col">d</th><th scope="col">model</th><th scope="col">batches</th><th scope="col">digits MSE*</th><th scope="col">probes MSE*</th></tr></thead><tbody></tbody></table>
</section>

<section class="cap-box" aria-labelledby="cap-comp-title">
  <h3 id="cap-comp-title">2 · Compression</h3>
  <p class="explain">The code is the compressed image: <span class="math">d</span> numbers instead of 784 one-byte
    pixels. PSNR <span class="math">= 10·log₁₀(range² / MSE)</span> says how faithful the reconstruction is
    (higher is better); above <span class="math">d = 196</span> an f32 code is larger than the image.</p>
  <dl class="cap-meters" id="cap-comp"></dl>
</section>

<section class="cap-box" aria-labelledby="cap-pca-title">
  <h3 id="cap-pca-title">3 · Tied weights and PCA</h3>
  <p class="explain">With tied weights <span class="math">x̂ = W<sub>h</sub><sup>⊤</sup>h + b<sub>x</sub></span>, a linear code
    and MSE, the best the AE can do is the projection onto the top <span class="math">d</span> principal
    components: PCA's error is a floor the linear tied AE converges to. The kernels span the same subspace as
    the components, though not one-to-one.</p>
  <div class="buttons"><button type="button" id="cap-pca">Compute PCA with k = d</button></div>
  <dl class="cap-meters" id="cap-pca-meters"></dl>
  <div class="cap-tiles">
    <figure><canvas id="cap-pcs" class="tiles" aria-label="Principal components as 28 by 28 tiles"></canvas><figcaption>principal components</figcaption></figure>
    <figure><canvas id="cap-kern" class="tiles" aria-label="Encoder kernels of the current model"></canvas><figcaption>encoder kernels (rows of <span class="math">W<sub>h</sub></span>)</figcaption></figure>
  </div>
</section>

<section class="cap-box" aria-labelledby="cap-loss-title">
  <h3 id="cap-loss-title">4 · MSE or BCE</h3>
  <p class="explain">For real-valued pixels the lecture uses <span class="math">ℓ(x, x̂) = ½‖x − x̂‖²</span> (here averaged per
    pixel); for pixels read as probabilities in [0, 1],
    <span class="math">ℓ(x, x̂) = −Σ<sub>i</sub> [x<sub>i</sub> log x̂<sub>i</sub> + (1 − x<sub>i</sub>) log(1 − x̂<sub>i</sub>)]</span>,
    with a sigmoid output. Switch the loss above; PSNR compares them on the same footing.</p>
  <p id="cap-loss-now" class="cap-now"></p>
</section>

<section class="cap-box" aria-labelledby="cap-cae-title">
  <h3 id="cap-cae-title">5 · Contractive autoencoder</h3>
  <p class="explain">The contractive AE adds <span class="math">λ‖∂h/∂x‖²<sub>F</sub></span> to the reconstruction loss, so the
    code changes little when the input moves off the data: for <span class="math">h = tanh(W<sub>h</sub>x + b)</span>,
    <span class="math">‖J‖²<sub>F</sub> = Σ<sub>j</sub> (1 − h<sub>j</sub>²)² ‖W<sub>h,j</sub>‖²</span>. Larger λ: smaller
    penalty, blurrier reconstructions, smoother kernels.</p>
  <canvas id="cap-parts" class="cap-chart" role="img" aria-label="Reconstruction loss and contractive penalty against batches"></canvas>
  <p class="legend-line"><span class="key digits"></span> reconstruction loss <span class="key probes"></span> penalty λ‖∂h/∂x‖²<sub>F</sub></p>
  <p id="cap-penalty" class="cap-now" aria-live="polite"></p>
  <h4>Kernels of the models trained in this tab</h4>
  <div class="cap-snapshots" id="cap-snaps"><p class="hint">Train a standard, a denoising and a contractive model to compare their kernels.</p></div>
</section>
</div>
`;

/** Set an element's HTML only when it differs (no needless layout while training). */
const lastHtml = new WeakMap();
function setHtml(el, html) {
  if (lastHtml.get(el) === html) return;
  el.innerHTML = html;
  lastHtml.set(el, html);
}

export function mount(section, model) {
  if (!document.querySelector('link[data-capacity]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('./capacity.css', import.meta.url).href;
    link.dataset.capacity = '';
    document.head.append(link);
  }
  section.setAttribute('aria-labelledby', 'capacity-title');
  section.removeAttribute('aria-label');
  section.innerHTML = HTML;
  const $ = (s) => section.querySelector(s);
  const ui = {
    d: $('#cap-d'), dError: $('#cap-d-error'), loss: $('#cap-loss'), act: $('#cap-act'), tied: $('#cap-tied'),
    contractive: $('#cap-contractive'), lambda: $('#cap-lambda'), lambdaOut: $('#cap-lambda-out'),
    train: $('#cap-train'), linear: $('#cap-linear'), notebook: $('#cap-notebook'), status: $('#cap-status'),
    probeIn: $('#cap-probe-in'), probeOut: $('#cap-probe-out'), probeTable: $('#cap-probe-table tbody'),
    pad: $('#cap-pad'), padA: $('#cap-pad-a'), padClear: $('#cap-pad-clear'),
    sweep: $('#cap-sweep'), runs: $('#cap-runs tbody'), comp: $('#cap-comp'),
    pca: $('#cap-pca'), pcaMeters: $('#cap-pca-meters'), pcs: $('#cap-pcs'), kern: $('#cap-kern'),
    lossNow: $('#cap-loss-now'), parts: $('#cap-parts'), penalty: $('#cap-penalty'), snaps: $('#cap-snaps'),
  };
  const css = getComputedStyle(document.documentElement);
  const colors = {
    text: css.getPropertyValue('--muted').trim() || '#56606d',
    grid: css.getPropertyValue('--grid').trim() || '#e6eaef',
    digits: '#1d5bb8',
    probes: '#c4431b',
  };

  // What the panel knows; the settings themselves live in the hash (state.js).
  const lab = {
    info: null,
    generation: -1,
    pad: letterA(),
    runs: new Map(), // config key → {d, label, steps, digits, probes}
    parts: [], // {steps, recon, penalty} of the current model
    snaps: new Map(), // variant → {label, kernels (TILES×784)}
    report: null,
    pca: null,
    busy: false,
    again: false,
    lastReport: 0,
    wantTrain: false,
    lastStats: null,
    // CSS widths of the two charts, from a ResizeObserver (reading clientWidth while training
    // would force a layout of the whole page on every frame).
    widths: { sweep: 300, parts: 300 },
    partsQueued: false,
    partsAt: 0,
    snapFigures: new Map(), // variant → {fig, canvas, caption}
  };

  // ---- settings: read from and written to the hash, like main.js's controls -----------------

  const current = () => State.fromHash(location.hash);

  function showSettings() {
    const s = current();
    if (document.activeElement !== ui.d) ui.d.value = String(s.values.d);
    ui.loss.value = s.lab.loss;
    ui.act.value = s.lab.act;
    ui.tied.checked = s.lab.tied === 'true';
    ui.contractive.checked = s.lab.reg === 'contractive';
    ui.lambda.value = String(s.lab.lambda > 0 ? Math.log10(s.lab.lambda) : -4);
    ui.lambdaOut.textContent = format(s.lab.lambda);
  }

  function showDError(msg) {
    ui.dError.textContent = msg ?? '';
    ui.dError.hidden = !msg;
    if (msg) ui.d.setAttribute('aria-invalid', 'true');
    else ui.d.removeAttribute('aria-invalid');
  }

  /** The d of this panel: 1 … 1000; the message for anything else. */
  function checkD(text) {
    const t = String(text).trim();
    const n = /^\+?\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(n) || n < D_MIN || n > D_MAX) return { error: `Code size d must be a whole number from ${D_MIN} to ${D_MAX} here (784 is the image; 1000 is truly over-complete).` };
    return { value: n };
  }

  /**
   * Apply changes `fn(state)` to the hash's state; main.js sees the hashchange, rebuilds the model
   * and this panel presses Train once the new model is ready. Returns false if refused.
   */
  function apply(fn, what) {
    const s = current();
    const err = fn(s);
    if (err) {
      ui.status.textContent = `Not changed: ${err}`;
      return false;
    }
    if (!s.valid) {
      ui.status.textContent = 'Not changed: a setting in Model is invalid; fix it first.';
      return false;
    }
    const hash = `#${s.toHash()}`;
    lab.wantTrain = true;
    ui.status.textContent = `${what}: building and training a new model…`;
    if (location.hash === hash) pressTrain();
    else location.hash = hash;
    return true;
  }

  function pressTrain() {
    lab.wantTrain = false;
    const train = document.getElementById('train');
    if (train && train.textContent.trim() === 'Train') train.click();
  }

  function applyD() {
    const r = checkD(ui.d.value);
    if (r.error) {
      showDError(r.error);
      ui.status.textContent = `Not changed: ${r.error}`;
      return;
    }
    showDError(null);
    apply((s) => s.set('d', String(r.value)), `d = ${r.value}`);
  }

  ui.d.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      applyD();
    }
  });
  ui.d.addEventListener('change', applyD);
  ui.d.addEventListener('input', () => { if (!checkD(ui.d.value).error) showDError(null); });
  ui.loss.addEventListener('change', () => apply((s) => s.setLab('loss', ui.loss.value), `loss ${ui.loss.value.toUpperCase()}`));
  ui.act.addEventListener('change', () => apply((s) => s.setLab('act', ui.act.value), `${ui.act.value} code`));
  ui.tied.addEventListener('change', () => apply((s) => s.setLab('tied', String(ui.tied.checked)), ui.tied.checked ? 'tied weights' : 'untied weights'));
  ui.contractive.addEventListener('change', () => apply(
    (s) => s.setLab('reg', ui.contractive.checked ? 'contractive' : 'none') ?? (ui.contractive.checked ? s.setLab('act', 'tanh') : null),
    ui.contractive.checked ? 'contractive penalty' : 'no penalty',
  ));
  // The slider is log10 λ: the penalty's useful range spans decades.
  const sliderLambda = () => String(Number((10 ** Number(ui.lambda.value)).toPrecision(3)));
  ui.lambda.addEventListener('input', () => { ui.lambdaOut.textContent = sliderLambda(); });
  // Arrow keys fire a change per press: build one model when they stop for 500 ms.
  let lambdaTimer = 0;
  ui.lambda.addEventListener('change', () => {
    clearTimeout(lambdaTimer);
    lambdaTimer = setTimeout(() => {
      const l = sliderLambda();
      apply((s) => s.setLab('lambda', l) ?? s.setLab('reg', 'contractive') ?? s.setLab('act', 'tanh'), `λ = ${l}`);
    }, 500);
  });
  ui.train.addEventListener('click', () => {
    lab.wantTrain = true;
    pressTrain();
  });
  ui.linear.addEventListener('click', () => apply((s) => s.setLab('tied', 'true') ?? s.setLab('act', 'linear') ?? s.setLab('reg', 'none') ?? s.setLab('loss', 'mse'), 'linear tied AE'));
  ui.notebook.addEventListener('click', () => apply((s) => {
    for (const [k, v] of [['tied', 'false'], ['act', 'tanh'], ['reg', 'none'], ['loss', 'mse']]) s.setLab(k, v);
    return s.applyPreset(s.values.preset);
  }, 'notebook model'));
  addEventListener('hashchange', showSettings);

  // ---- drawing pad -------------------------------------------------------------------------

  const padCtx = ui.pad.getContext('2d');
  function drawPad() {
    drawDigitRow(padCtx, lab.pad, { count: 1, side: SIDE, gap: 0 }, { lo: 0, hi: 1 });
  }
  let drawing = false;
  const padAt = (e) => {
    const r = ui.pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE - 0.5, ((e.clientY - r.top) / r.height) * SIDE - 0.5];
  };
  ui.pad.addEventListener('pointerdown', (e) => {
    drawing = true;
    ui.pad.setPointerCapture(e.pointerId);
    stamp(lab.pad, SIDE, ...padAt(e));
    drawPad();
  });
  ui.pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    stamp(lab.pad, SIDE, ...padAt(e));
    drawPad();
  });
  const endStroke = () => {
    if (!drawing) return;
    drawing = false;
    refresh(true);
  };
  ui.pad.addEventListener('pointerup', endStroke);
  ui.pad.addEventListener('pointercancel', endStroke);
  ui.padA.addEventListener('click', () => { lab.pad = letterA(); drawPad(); refresh(true); });
  ui.padClear.addEventListener('click', () => { lab.pad = new Float32Array(N); drawPad(); refresh(true); });

  // ---- the model's answers -----------------------------------------------------------------

  function configLabel(info, s) {
    const parts = [info.variant === 'contractive' ? `contractive λ=${s.lab.lambda}` : info.variant];
    if (s.lab.tied === 'true') parts.push('tied');
    if (s.lab.act === 'linear') parts.push('linear');
    if (s.lab.loss === 'bce') parts.push('BCE');
    return parts.join(', ');
  }

  /** Ask for probes and the report; one question at a time, the latest wins. */
  async function refresh(force = false) {
    if (!lab.info) return;
    if (lab.busy) {
      lab.again = true;
      return;
    }
    if (!force && performance.now() - lab.lastReport < REPORT_EVERY_MS) return;
    lab.busy = true;
    const gen = model.generation;
    try {
      const probes = await model.call('capacity_probes', 0, lab.pad);
      const digit = await model.call('inputs', Uint32Array.of(0));
      const rows = new Float32Array(digit.length + probes.length);
      rows.set(digit, 0);
      rows.set(probes, digit.length);
      const recon = await model.call('reconstruct_rows', rows);
      const errors = await model.call('capacity_errors', rows);
      const report = await model.call('capacity_report', REPORT_COUNT);
      if (gen !== model.generation) return; // a new model came meanwhile
      lab.report = report;
      lab.lastReport = performance.now();
      showProbes(rows, recon, errors);
      showReport(report);
    } catch (e) {
      ui.status.textContent = `The capacity panel could not ask the model: ${e.message}`;
    } finally {
      lab.busy = false;
      if (lab.again) {
        lab.again = false;
        refresh(true);
      }
    }
  }

  function showProbes(rows, recon, errors) {
    const { lo, hi } = lab.info;
    const count = rows.length / N;
    const dims = { count, side: SIDE, gap: 2 };
    drawDigitRow(ui.probeIn.getContext('2d'), rows, dims, { lo, hi });
    drawDigitRow(ui.probeOut.getContext('2d'), recon, dims, { lo, hi });
    ui.probeTable.replaceChildren(...[...errors].map((e, i) => {
      const tr = document.createElement('tr');
      tr.innerHTML = `<th scope="row">${PROBE_NAMES[i]}</th><td>${e.toFixed(4)}</td>`;
      return tr;
    }));
    section.dataset.probeErrors = [...errors].map((e) => e.toPrecision(4)).join(',');
  }

  function showReport(r) {
    const s = current();
    const steps = lab.lastStats?.steps ?? 0;
    const z = r.sizes;
    const inf = (v) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : '∞ dB');
    setHtml(ui.comp, `
      <div><dt>image</dt><dd>${z.image_bytes} bytes (784 pixels × 1 byte)</dd></div>
      <div><dt>code, f32</dt><dd>${z.f32_bytes} bytes (4 × ${r.d}) · ratio ${z.ratio_f32.toFixed(2)} : 1</dd></div>
      <div><dt>code, 8-bit</dt><dd>${z.u8_bytes} bytes${z.u8_bytes > r.d ? ' (d + min, max)' : ''} · ratio ${z.ratio_u8.toFixed(2)} : 1</dd></div>
      <div><dt>PSNR, f32 code</dt><dd>${inf(r.psnr)} (MSE ${r.mse.toFixed(4)})</dd></div>
      <div><dt>PSNR, 8-bit code</dt><dd>${inf(r.psnr_u8)} (MSE ${r.mse_u8.toFixed(4)})</dd></div>`);
    ui.comp.setAttribute('aria-label', `Compression of the current model, on the first ${r.count} digits`);
    const lossName = s.lab.loss === 'bce' ? 'BCE with a sigmoid output on x ∈ [0, 1]' : 'MSE with a tanh output on x ∈ [−1, 1]';
    ui.lossNow.textContent = `Now: ${lossName}. On ${r.count} digits: MSE ${r.mse.toFixed(4)} in the model's units, PSNR ${inf(r.psnr)} (comparable across the two losses).`;
    const j = r.jacobian_frob2;
    const penalty = j == null ? null : r.lambda * j;
    const contractive = lab.info.variant === 'contractive';
    const st = lab.lastStats;
    ui.penalty.textContent = j == null
      ? 'The penalty is defined here for a one-layer tanh code; this model has a linear code.'
      : `${contractive ? '' : 'Not trained with the penalty. '}On ${r.count} digits: ‖∂h/∂x‖²_F = ${j.toFixed(4)}, λ‖∂h/∂x‖²_F = ${penalty.toFixed(5)} (λ = ${Number(r.lambda.toPrecision(3))})`
        + (contractive && st?.steps ? `; last training batches: reconstruction ${st.recon.toFixed(5)}, penalty ${st.penalty.toFixed(5)}.` : '.');
    section.dataset.penalty = st && contractive ? String(st.penalty) : '';
    section.dataset.jacobian = j == null ? '' : String(j);
    section.dataset.d = String(r.d);
    section.dataset.psnr = String(r.psnr);
    section.dataset.generation = String(model.generation);
    section.dataset.loss = s.lab.loss;
    section.dataset.tied = s.lab.tied;
    section.dataset.lambda = contractive ? String(r.lambda) : '';
    // The sweep: one point per model configuration (the latest measurement of it).
    // In [0, 1] pixel units (MSE / range²), so MSE and BCE models (data in [−1, 1] or [0, 1]) compare.
    const label = configLabel(lab.info, s);
    const unit = (lab.info.hi - lab.info.lo) ** 2;
    lab.runs.set(`${label}|${r.d}`, { d: r.d, label, steps, digits: r.mse / unit, probes: r.probe_mse / unit });
    drawRuns();
    if (lab.pca) showPca(); // the AE's error beside PCA's, as it trains
  }

  function drawRuns() {
    const runs = [...lab.runs.values()];
    const w = lab.widths.sweep;
    drawSweep(ui.sweep.getContext('2d'), runs, { width: w, height: 180 }, { colors });
    ui.runs.replaceChildren(...runs.sort((a, b) => a.d - b.d).map((r) => {
      const tr = document.createElement('tr');
      tr.innerHTML = `<td>${r.d}</td><td>${r.label}</td><td>${r.steps}</td><td>${r.digits.toFixed(4)}</td><td>${r.probes.toFixed(4)}</td>`;
      return tr;
    }));
  }

  function drawPartsChart() {
    const w = lab.widths.parts;
    drawParts(ui.parts.getContext('2d'), lab.parts, { width: w, height: 160 }, { colors });
  }

  async function computePca() {
    if (!lab.info) return;
    const k = Math.min(lab.info.d, lab.info.dim);
    const rows = Math.min(PCA_FIT_ROWS, lab.info.len);
    ui.pca.disabled = true;
    setHtml(ui.pcaMeters, `<div><dt>PCA</dt><dd>computing ${k} components of ${rows} images…</dd></div>`);
    const gen = model.generation;
    const t0 = performance.now();
    try {
      const p = await model.call('capacity_pca', k, rows, REPORT_COUNT);
      const ms = performance.now() - t0;
      if (gen !== model.generation) {
        setHtml(ui.pcaMeters, '<div><dt>PCA</dt><dd>the model changed meanwhile; compute again.</dd></div>');
        return;
      }
      lab.pca = { ...p, ms, d: lab.info.d, lo: lab.info.lo };
      showPca();
    } catch (e) {
      setHtml(ui.pcaMeters, `<div><dt>PCA</dt><dd>failed: ${e.message}</dd></div>`);
    } finally {
      ui.pca.disabled = false;
    }
  }

  function showPca() {
    const p = lab.pca;
    const r = lab.report;
    if (!p) return;
    const ae = r && r.d === p.k ? r.mse : null;
    const gap = ae == null ? '' : ` · AE / PCA = ${(ae / p.mse).toFixed(3)}`;
    setHtml(ui.pcaMeters, `
      <div><dt>PCA, k = ${p.k}</dt><dd>MSE ${p.mse.toFixed(4)} · PSNR ${p.psnr.toFixed(2)} dB · ${(100 * p.explained_ratio).toFixed(1)} % of the variance</dd></div>
      <div><dt>this AE</dt><dd>${ae == null ? '—' : `MSE ${ae.toFixed(4)}${gap}`}</dd></div>
      <div><dt>computed</dt><dd>on ${p.fit_rows} images in ${(p.ms / 1000).toFixed(1)} s; errors on the first ${p.count}</dd></div>`);
    section.dataset.pcaMse = String(p.mse);
    const count = Math.min(TILES, p.k);
    drawKernels(ui.pcs.getContext('2d'), p.components, { start: 0, count, cols: Math.min(6, count), side: SIDE, gap: 2 }, { scale: 'tile' });
  }

  function showKernels(k) {
    const count = Math.min(TILES, k.length / N);
    drawKernels(ui.kern.getContext('2d'), k, { start: 0, count, cols: Math.min(6, count), side: SIDE, gap: 2 }, { scale: 'tile' });
  }

  /** Keep the first kernels of the latest model of each variant; update its figure in place. */
  function snapshot(kernels) {
    const s = current();
    const v = lab.info.variant;
    const count = Math.min(TILES, kernels.length / N);
    const label = `${configLabel(lab.info, s)}, d = ${lab.info.d}, ${lab.lastStats?.steps ?? 0} batches`;
    let f = lab.snapFigures.get(v);
    if (!f) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.className = 'tiles';
      canvas.setAttribute('aria-label', `First kernels of the ${v} model`);
      const caption = document.createElement('figcaption');
      fig.append(canvas, caption);
      f = { fig, canvas, caption };
      lab.snapFigures.set(v, f);
      ui.snaps.replaceChildren(...['standard', 'denoising', 'contractive'].filter((x) => lab.snapFigures.has(x)).map((x) => lab.snapFigures.get(x).fig));
    }
    drawKernels(f.canvas.getContext('2d'), kernels, { start: 0, count, cols: Math.min(6, count), side: SIDE, gap: 2 }, { scale: 'tile' });
    if (f.caption.textContent !== label) f.caption.textContent = label;
  }

  /** Redraw the recon/penalty chart at most every 400 ms, in an animation frame. */
  function queueParts() {
    if (lab.partsQueued) return;
    lab.partsQueued = true;
    const wait = Math.max(0, 400 - (performance.now() - lab.partsAt));
    setTimeout(() => requestAnimationFrame(() => {
      lab.partsQueued = false;
      lab.partsAt = performance.now();
      drawPartsChart();
    }), wait);
  }

  model.onReady((info) => {
    lab.info = info;
    const s = current();
    ui.status.textContent = `Model: ${configLabel(info, s)}, d = ${info.d}${lab.wantTrain ? ' — training' : ''}. Each change here builds a new model.`;
    lab.parts = [];
    lab.lastStats = null;
    lab.report = null;
    showSettings();
    drawPartsChart();
    if (lab.pca && lab.pca.k !== Math.min(info.d, info.dim)) lab.pca = null;
    refresh(true);
    if (lab.wantTrain) setTimeout(pressTrain, 0); // after main.js has handled the same `ready`
  });
  model.onFrame((f) => {
    if (!lab.info || f.generation !== model.generation) return;
    lab.lastStats = f.stats;
    if (f.stats.steps > 0 && f.stats.recon !== undefined) {
      const last = lab.parts[lab.parts.length - 1];
      if (!last || last.steps !== f.stats.steps) lab.parts.push({ steps: f.stats.steps, recon: f.stats.recon, penalty: f.stats.penalty });
      if (lab.parts.length > 2000) lab.parts = lab.parts.filter((_, i) => i % 2 === 0);
      queueParts();
    }
    if (f.kernels) {
      showKernels(f.kernels);
      if (f.stats.steps > 0) snapshot(f.kernels);
    }
    refresh(!f.running);
  });

  ui.pca.addEventListener('click', computePca);
  const resize = new ResizeObserver((entries) => {
    for (const e of entries) {
      const w = Math.round(e.contentRect.width);
      if (!w) continue;
      if (e.target === ui.sweep) lab.widths.sweep = w;
      else lab.widths.parts = w;
    }
    drawRuns();
    drawPartsChart();
  });
  resize.observe(ui.sweep);
  resize.observe(ui.parts);
  showSettings();
  drawPad();
}
