// capacity/tied: tied weights and PCA. With tied weights, a linear code and MSE the best the AE
// can do is the projection onto the top d principal components (`capacity_pca`): PCA's error is
// the floor the linear tied AE converges to; its components beside the model's encoder kernels.
import { drawKernels } from '../../draw/kernels.js';
import { setHtml, escapeHtml } from '../../kit/dom.js';
import { tileDims, N, REPORT_COUNT, TILES } from './shared.js';
import { capacityExperiment } from './part.js';

const PCA_FIT_ROWS = 10000; // PCA on (at most) the whole training set

const HTML = `
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
`;

export function mount(container, model, opts = {}) {
  const { lab, $, unmount } = capacityExperiment(container, model, opts, HTML);
  const ui = { pca: $('#cap-pca'), meters: $('#cap-pca-meters'), pcs: $('#cap-pcs'), kern: $('#cap-kern') };
  let pca = null; // the engine's PCA of k = d components, with its time and model

  async function computePca() {
    if (!lab.info) return;
    const k = Math.min(lab.info.d, lab.info.dim);
    const rows = Math.min(PCA_FIT_ROWS, lab.info.len);
    ui.pca.disabled = true;
    setHtml(ui.meters, `<div><dt>PCA</dt><dd>computing ${k} components of ${rows} images…</dd></div>`);
    const gen = model.generation;
    const t0 = performance.now();
    try {
      const p = await model.call('capacity_pca', k, rows, REPORT_COUNT);
      const ms = performance.now() - t0;
      if (gen !== model.generation) {
        setHtml(ui.meters, '<div><dt>PCA</dt><dd>the model changed meanwhile; compute again.</dd></div>');
        return;
      }
      pca = { ...p, ms, d: lab.info.d, lo: lab.info.lo };
      showPca();
    } catch (e) {
      setHtml(ui.meters, `<div><dt>PCA</dt><dd>failed: ${escapeHtml(e.message)}</dd></div>`);
    } finally {
      ui.pca.disabled = false;
    }
  }

  /** PCA's error beside the AE's (as it trains), and the first components. */
  function showPca() {
    const p = pca;
    const r = lab.report;
    if (!p) return;
    const ae = r && r.d === p.k ? r.mse : null;
    const gap = ae == null ? '' : ` · AE / PCA = ${(ae / p.mse).toFixed(3)}`;
    setHtml(ui.meters, `
      <div><dt>PCA, k = ${p.k}</dt><dd>MSE ${p.mse.toFixed(4)} · PSNR ${p.psnr.toFixed(2)} dB · ${(100 * p.explained_ratio).toFixed(1)} % of the variance</dd></div>
      <div><dt>this AE</dt><dd>${ae == null ? '—' : `MSE ${ae.toFixed(4)}${gap}`}</dd></div>
      <div><dt>computed</dt><dd>on ${p.fit_rows} images in ${(p.ms / 1000).toFixed(1)} s; errors on the first ${p.count}</dd></div>`);
    lab.root.dataset.pcaMse = String(p.mse);
    drawKernels(ui.pcs.getContext('2d'), p.components, tileDims(Math.min(TILES, p.k)), { scale: 'tile' });
  }

  ui.pca.addEventListener('click', computePca);
  lab.on('reset', (info) => { if (pca && pca.k !== Math.min(info.d, info.dim)) pca = null; });
  lab.on('report', showPca);
  lab.on('frame', (f) => {
    if (f.kernels && f.generation === model.generation) drawKernels(ui.kern.getContext('2d'), f.kernels, tileDims(Math.min(TILES, f.kernels.length / N)), { scale: 'tile' });
  });
  return { unmount };
}
