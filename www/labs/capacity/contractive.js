// capacity/contractive: the contractive AE adds λ‖∂h/∂x‖²_F to the reconstruction loss. The two
// parts per training frame as lines, the engine's exact ‖∂h/∂x‖²_F of the current model (from the
// lab's report), and the first kernels of the latest model of each variant trained here.
import { drawKernels } from '../../draw/kernels.js';
import { el } from '../../kit/dom.js';
import { drawParts } from './charts.js';
import { configLabel, chartColors, watchWidth, tileDims, N, TILES } from './shared.js';
import { capacityExperiment } from './part.js';
import { presetButtons, contractiveVerdict, training, COLLAPSED_JACOBIAN } from './lessons.js';

const HTML = `
<section class="cap-box" aria-labelledby="cap-cae-title">
  <h3 id="cap-cae-title">5 · Contractive autoencoder</h3>
  <p class="explain">The contractive AE adds <span class="math">λ‖∂h/∂x‖²<sub>F</sub></span> to the reconstruction loss, so the
    code changes little when the input moves off the data: for <span class="math">h = tanh(W<sub>h</sub>x + b)</span>,
    <span class="math">‖J‖²<sub>F</sub> = Σ<sub>j</sub> (1 − h<sub>j</sub>²)² ‖W<sub>h,j</sub>‖²</span>. Larger λ: smaller
    penalty, blurrier reconstructions, smoother kernels; too large, and the code ignores the input.</p>
  <div class="buttons cap-lessons" id="cap-cae-lessons"></div>
  <p id="cap-cae-claim" class="cap-now claim" aria-live="polite">Train a contractive model to measure how much its code contracts.</p>
  <canvas id="cap-parts" class="cap-chart" role="img" aria-label="Reconstruction loss and contractive penalty against batches"></canvas>
  <p class="legend-line"><span class="key digits"></span> reconstruction loss <span class="key probes"></span> penalty λ‖∂h/∂x‖²<sub>F</sub></p>
  <p id="cap-penalty" class="cap-now" aria-live="polite"></p>
  <h4>Kernels of the models trained in this tab</h4>
  <div class="cap-snapshots" id="cap-snaps"><p class="hint">Train a standard, a denoising and a contractive model to compare their kernels.</p></div>
</section>
`;

export function mount(container, model, opts = {}) {
  const { lab, $, unmount } = capacityExperiment(container, model, opts, HTML);
  const ui = { parts: $('#cap-parts'), penalty: $('#cap-penalty'), snaps: $('#cap-snaps'), claim: $('#cap-cae-claim') };
  presetButtons($('#cap-cae-lessons'), model, lab, ui.claim, ['contractive', 'contractive_too_large']);
  let standardJ = null; // ‖∂h/∂x‖²_F of the latest trained standard model of this tab
  const colors = chartColors();
  let parts = []; // {steps, recon, penalty} of the current model
  const snapFigures = new Map(); // variant → {fig, canvas, caption}

  const width = watchWidth(ui.parts, () => drawChart());
  function drawChart() {
    drawParts(ui.parts.getContext('2d'), parts, { width: width.width, height: 160 }, { colors });
  }
  /** Redraw the chart at most every 400 ms, in an animation frame. */
  let queued = false;
  let drawnAt = 0;
  function queueChart() {
    if (queued) return;
    queued = true;
    setTimeout(() => requestAnimationFrame(() => {
      queued = false;
      drawnAt = performance.now();
      drawChart();
    }), Math.max(0, 400 - (performance.now() - drawnAt)));
  }

  /** Keep the first kernels of the latest model of each variant; update its figure in place. */
  function snapshot(kernels) {
    const v = lab.info.variant;
    const label = `${configLabel(lab.info, model.settings)}, d = ${lab.info.d}, ${training(model).text.replace(/^after /, '')}`;
    let f = snapFigures.get(v);
    if (!f) {
      const canvas = el('canvas', { class: 'tiles', 'aria-label': `First kernels of the ${v} model` });
      const caption = el('figcaption');
      f = { fig: el('figure', {}, canvas, caption), canvas, caption };
      snapFigures.set(v, f);
      ui.snaps.replaceChildren(...['standard', 'denoising', 'contractive'].filter((x) => snapFigures.has(x)).map((x) => snapFigures.get(x).fig));
    }
    drawKernels(f.canvas.getContext('2d'), kernels, tileDims(Math.min(TILES, kernels.length / N)), { scale: 'tile' });
    if (f.caption.textContent !== label) f.caption.textContent = label;
  }

  lab.on('reset', () => { parts = []; drawChart(); lab.root.dataset.caeClaim = ''; }); // a verdict belongs to one model
  lab.on('frame', (f) => {
    if (!lab.info || f.generation !== model.generation) return;
    if (f.stats.steps > 0 && f.stats.recon !== undefined) {
      const last = parts[parts.length - 1];
      if (!last || last.steps !== f.stats.steps) parts.push({ steps: f.stats.steps, recon: f.stats.recon, penalty: f.stats.penalty });
      if (parts.length > 2000) parts = parts.filter((_, i) => i % 2 === 0);
      queueChart();
    }
    if (f.kernels && training(model).trained) snapshot(f.kernels); // pretrained models too
  });
  lab.on('report', (r) => {
    const j = r.jacobian_frob2;
    const contractive = lab.info.variant === 'contractive';
    const st = lab.lastStats;
    ui.penalty.textContent = j == null
      ? 'The penalty is defined here for a one-layer tanh code; this model has a linear code.'
      : `${contractive ? '' : 'Not trained with the penalty. '}On ${r.count} digits: ‖∂h/∂x‖²_F = ${j.toFixed(4)}, λ‖∂h/∂x‖²_F = ${(r.lambda * j).toFixed(5)} (λ = ${Number(r.lambda.toPrecision(3))})`
        + (contractive && st?.steps ? `; last training batches: reconstruction ${st.recon.toFixed(5)}, penalty ${st.penalty.toFixed(5)}.` : '.');
    const t = training(model); // a pretrained model counts as trained, with its epochs
    if (j != null && lab.info.variant === 'standard' && t.trained && model.settings.act === 'tanh') standardJ = j;
    if (contractive && j != null && !ui.claim.dataset.asking) {
      ui.claim.textContent = contractiveVerdict(r, t, standardJ);
      lab.root.dataset.caeClaim = j < COLLAPSED_JACOBIAN && t.trained ? 'collapsed' : t.trained ? 'contracts' : 'untrained';
    }
    Object.assign(lab.root.dataset, {
      penalty: contractive && st?.steps > 0 ? String(st.penalty) : '', // once a batch has trained
      jacobian: j == null ? '' : String(j),
      lambda: contractive ? String(r.lambda) : '',
    });
  });
  return { unmount };
}
