// capacity/loss: MSE with a tanh output on x ∈ [−1, 1], or BCE with a sigmoid output on
// x ∈ [0, 1]; the loss is switched in the controls, and PSNR compares the two on the same footing.
import { capacityExperiment } from './part.js';
import { db } from './shared.js';
import { presetButtons, lossVerdict, training, PLATEAU_DB } from './lessons.js';

const HTML = `
<section class="cap-box" aria-labelledby="cap-loss-title">
  <h3 id="cap-loss-title">4 · MSE or BCE</h3>
  <p class="explain">For real-valued pixels the lecture uses <span class="math">ℓ(x, x̂) = ½‖x − x̂‖²</span> (here averaged per
    pixel); for pixels read as probabilities in [0, 1],
    <span class="math">ℓ(x, x̂) = −Σ<sub>i</sub> [x<sub>i</sub> log x̂<sub>i</sub> + (1 − x<sub>i</sub>) log(1 − x̂<sub>i</sub>)]</span>,
    with a sigmoid output. Switch the loss above; PSNR compares them on the same footing. BCE needs a
    larger step here: at the notebook's lr and batch it stays on the mean digit (the second button).</p>
  <div class="buttons cap-lessons" id="cap-loss-lessons"></div>
  <p id="cap-loss-now" class="cap-now"></p>
  <p id="cap-loss-claim" class="cap-now claim" aria-live="polite"></p>
</section>
`;

export function mount(container, model, opts = {}) {
  const { lab, $, unmount } = capacityExperiment(container, model, opts, HTML);
  const now = $('#cap-loss-now');
  const claim = $('#cap-loss-claim');
  presetButtons($('#cap-loss-lessons'), model, lab, claim, ['bce', 'bce_plateau']);
  const latest = { mse: NaN, bce: NaN }; // PSNR of the latest trained model of each loss
  lab.on('reset', () => { lab.root.dataset.lossClaim = ''; }); // a verdict belongs to one model
  lab.on('report', (r) => {
    const bce = model.settings.loss === 'bce';
    const loss = bce ? 'bce' : 'mse';
    const t = training(model); // a pretrained model counts as trained, with its epochs
    if (t.trained) latest[loss] = r.psnr;
    if (!claim.dataset.asking) claim.textContent = lossVerdict(r, loss, t, latest[bce ? 'mse' : 'bce']);
    Object.assign(lab.root.dataset, { lossClaim: t.trained ? (r.psnr <= PLATEAU_DB ? 'plateau' : 'left') : 'untrained', lossPsnr: String(r.psnr) });
    const lossName = bce ? 'BCE with a sigmoid output on x ∈ [0, 1]' : 'MSE with a tanh output on x ∈ [−1, 1]';
    now.textContent = `Now: ${lossName}. On ${r.count} digits: MSE ${r.mse.toFixed(4)} in the model's units, PSNR ${db(r.psnr)} (comparable across the two losses).`;
  });
  return { unmount };
}
