// capacity/size: under- vs over-complete — does the model copy? Off-manifold probes (noise, an
// inverted, a shifted digit, a boxed ×, the user's drawing; `capacity_probes`) and their
// reconstructions, and the error on digits and on probes against d, one point per model tried.
import { drawDigitRow } from '../../draw/digits.js';
import { el } from '../../kit/dom.js';
import { drawSweep, letterA, stamp } from './charts.js';
import { configLabel, chartColors, watchWidth, N, SIDE } from './shared.js';
import { capacityExperiment } from './part.js';

const PROBE_NAMES = ['digit', 'noise', 'inverted', 'shifted', 'boxed ×', 'your drawing'];

const HTML = `
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
  <p class="legend-line"><span class="key digits"></span> held-out digits <span class="key train"></span> training digits <span class="key probes"></span> probes (noise, inverted, shifted, ×) · *MSE on pixels in [0, 1] over 300 digits of each set, the latest measurement of each model. Test above train is over-fitting: train an over-complete model (d = 1000) long to see the gap open.</p>
  <table class="cap-table" id="cap-runs"><thead><tr><th scope="col">d</th><th scope="col">model</th><th scope="col">batches</th><th scope="col">test MSE*</th><th scope="col">train MSE*</th><th scope="col">probes MSE*</th></tr></thead><tbody></tbody></table>
</section>
`;

export function mount(container, model, opts = {}) {
  const { lab, $, unmount } = capacityExperiment(container, model, opts, HTML);
  const ui = {
    probeIn: $('#cap-probe-in'), probeOut: $('#cap-probe-out'), probeTable: $('#cap-probe-table tbody'),
    pad: $('#cap-pad'), padA: $('#cap-pad-a'), padClear: $('#cap-pad-clear'), sweep: $('#cap-sweep'), runs: $('#cap-runs tbody'),
  };
  const colors = chartColors();
  let pad = letterA(); // the drawing pad's image, [0, 1]
  const runs = new Map(); // configuration and d → {d, label, steps, digits, probes}

  // ---- drawing pad -------------------------------------------------------------------------
  const padCtx = ui.pad.getContext('2d');
  const drawPad = () => drawDigitRow(padCtx, pad, { count: 1, side: SIDE, gap: 0 }, { lo: 0, hi: 1 });
  let drawing = false;
  const padAt = (e) => {
    const r = ui.pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE - 0.5, ((e.clientY - r.top) / r.height) * SIDE - 0.5];
  };
  ui.pad.addEventListener('pointerdown', (e) => {
    drawing = true;
    ui.pad.setPointerCapture(e.pointerId);
    stamp(pad, SIDE, ...padAt(e));
    drawPad();
  });
  ui.pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    stamp(pad, SIDE, ...padAt(e));
    drawPad();
  });
  const endStroke = () => {
    if (!drawing) return;
    drawing = false;
    lab.refresh(true);
  };
  ui.pad.addEventListener('pointerup', endStroke);
  ui.pad.addEventListener('pointercancel', endStroke);
  ui.padA.addEventListener('click', () => { pad = letterA(); drawPad(); lab.refresh(true); });
  ui.padClear.addEventListener('click', () => { pad = new Float32Array(N); drawPad(); lab.refresh(true); });

  // ---- the probes --------------------------------------------------------------------------
  async function probe() {
    const gen = model.generation;
    const probes = await model.call('capacity_probes', 0, pad);
    const digit = await model.call('inputs', Uint32Array.of(0));
    const rows = new Float32Array(digit.length + probes.length);
    rows.set(digit, 0);
    rows.set(probes, digit.length);
    const recon = await model.call('reconstruct_rows', rows);
    const errors = await model.call('capacity_errors', rows);
    if (gen !== model.generation) return; // a new model came meanwhile
    const { lo, hi } = lab.info;
    const dims = { count: rows.length / N, side: SIDE, gap: 2 };
    drawDigitRow(ui.probeIn.getContext('2d'), rows, dims, { lo, hi });
    drawDigitRow(ui.probeOut.getContext('2d'), recon, dims, { lo, hi });
    ui.probeTable.replaceChildren(...[...errors].map((e, i) => {
      const tr = document.createElement('tr');
      tr.innerHTML = `<th scope="row">${PROBE_NAMES[i]}</th><td>${e.toFixed(4)}</td>`;
      return tr;
    }));
    lab.root.dataset.probeErrors = [...errors].map((e) => e.toPrecision(4)).join(',');
  }

  // ---- the sweep: one point per model configuration (the latest measurement of it) ----------
  const width = watchWidth(ui.sweep, () => drawRuns());
  function drawRuns() {
    const all = [...runs.values()];
    drawSweep(ui.sweep.getContext('2d'), all, { width: width.width, height: 180 }, { colors });
    ui.runs.replaceChildren(...all.sort((a, b) => a.d - b.d).map((r) => {
      const tr = document.createElement('tr');
      tr.innerHTML = `<td>${r.d}</td><td>${r.label}</td><td>${r.steps}</td><td>${r.digits.toFixed(4)}</td><td>${r.train.toFixed(4)}</td><td>${r.probes.toFixed(4)}</td>`;
      return tr;
    }));
  }
  lab.on('report', (r) => {
    // In [0, 1] pixel units (MSE / range²), so MSE and BCE models (data in [−1, 1] or [0, 1]) compare.
    const label = configLabel(lab.info, model.settings);
    const unit = (lab.info.hi - lab.info.lo) ** 2;
    runs.set(`${label}|${r.d}`, { d: r.d, label, steps: lab.lastStats?.steps ?? 0, digits: r.mse / unit, train: r.train_mse / unit, probes: r.probe_mse / unit });
    Object.assign(lab.root.dataset, { testMse: String(r.mse), trainMse: String(r.train_mse) });
    drawRuns();
  });
  lab.task(() => probe().catch((e) => {
    ui.probeTable.replaceChildren(el('tr', {}, el('td', { colspan: '2' }, `The model could not be asked: ${e.message}`)));
  }));
  drawPad();
  return { unmount };
}
