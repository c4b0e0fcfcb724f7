// latent/interpolate: pixel space vs latent space (lecture figs 3–4). Pick two digits A and B
// (from the grid here, on the map, or a drawing); one strip cross-fades the pixels, the other
// decodes the interpolated code D((1−α)E(x_A) + αE(x_B)) (`latent_interpolate` in the engine).
import { drawDigitRow } from '../../draw/digits.js';
import { latentExperiment, N, SIDE } from './shared.js';

const PICKS_PER_CLASS = 2; // digits per class in the picking grid
const STEPS = 9; // interpolation strip length (α = 0, 1/8, …, 1)

const HTML = `
<section class="lat-box lat-interp" aria-labelledby="lat-interp-title">
  <h3 id="lat-interp-title">1 · Pixel space vs latent space (figs 3–4)</h3>
  <p class="explain">Pick two digits (here, on the map, or draw one). The top strip is
    <span class="math">(1−α)·x<sub>A</sub> + α·x<sub>B</sub></span>: a cross-fade, whose middle is two
    half-bright digits on top of each other. The bottom strip decodes the interpolated code; with a trained model
    its middle frames look like digits. α = 0 and α = 1 give the inputs and their reconstructions.</p>
  <fieldset class="lat-target">
    <legend>A click picks</legend>
    <label><input type="radio" name="lat-target" value="A" checked> digit A</label>
    <label><input type="radio" name="lat-target" value="B"> digit B</label>
  </fieldset>
  <div class="lat-picks" role="group" aria-label="Test digits to pick"></div>
  <div class="lat-ab">
    <figure><canvas class="pix lat-a" width="28" height="28" role="img" aria-label="Digit A"></canvas><figcaption>A <span class="lat-a-label"></span></figcaption></figure>
    <figure><canvas class="pix lat-b" width="28" height="28" role="img" aria-label="Digit B"></canvas><figcaption>B <span class="lat-b-label"></span></figcaption></figure>
  </div>
  <figure class="lat-strip"><figcaption>pixel space <span class="math">(1−α)x<sub>A</sub> + αx<sub>B</sub></span></figcaption>
    <canvas class="pix lat-strip-pixel" role="img" aria-label="Interpolation in pixel space"></canvas></figure>
  <figure class="lat-strip"><figcaption>latent space <span class="math">D((1−α)h<sub>A</sub> + αh<sub>B</sub>)</span></figcaption>
    <canvas class="pix lat-strip-latent" role="img" aria-label="Interpolation in latent space"></canvas></figure>
  <div class="lat-alpha">
    <label for="lat-alpha">α = <output id="lat-alpha-out" for="lat-alpha">0.50</output></label>
    <input id="lat-alpha" type="range" min="0" max="1" step="0.01" value="0.5">
  </div>
  <div class="lat-big">
    <figure><canvas class="pix lat-big-pixel" width="28" height="28" role="img" aria-label="Pixel-space blend at α"></canvas><figcaption>pixel space at α</figcaption></figure>
    <figure><canvas class="pix lat-big-latent" width="28" height="28" role="img" aria-label="Latent-space blend at α"></canvas><figcaption>latent space at α</figcaption></figure>
  </div>
</section>
`;

export function mount(container, model, opts = {}) {
  const { lab, $, ctx, unmount } = latentExperiment(container, model, opts, HTML);
  const one = { count: 1, side: SIDE, gap: 0 };
  let strip = null; // Float32Array [2·(STEPS+1), 784]: STEPS pixel rows, α row; then the latent ones

  // ---- the picking grid: PICKS_PER_CLASS digits of each class, in class order --------------
  const picks = $('.lat-picks');
  function buildPicks() {
    picks.replaceChildren();
    const seen = new Array(10).fill(0);
    for (let i = 0; i < lab.mapIdx.length; i++) {
      const l = lab.mapLabels[i];
      if (seen[l] >= PICKS_PER_CLASS) continue;
      seen[l]++;
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'lat-pick';
      btn.dataset.i = String(i);
      btn.setAttribute('aria-label', `digit ${l}, image ${lab.mapIdx[i]}`);
      const c = document.createElement('canvas');
      c.className = 'pix';
      btn.append(c);
      drawDigitRow(c.getContext('2d'), lab.mapInputs.subarray(i * N, (i + 1) * N), one, lab.info);
      btn.addEventListener('click', () => lab.pickMap(i));
      picks.append(btn);
    }
    const order = [...picks.children].sort((p, q) => lab.mapLabels[p.dataset.i] - lab.mapLabels[q.dataset.i]);
    picks.append(...order);
  }
  for (const r of $('.lat-target').querySelectorAll('input[name="lat-target"]')) r.addEventListener('change', () => { lab.target = r.value; });
  lab.on('target', (t) => { $(`input[name="lat-target"][value="${t}"]`).checked = true; });

  function paintAB() {
    if (lab.a) drawDigitRow(ctx('.lat-a'), lab.a, one, lab.info);
    if (lab.b) drawDigitRow(ctx('.lat-b'), lab.b, one, lab.info);
    $('.lat-a-label').textContent = lab.aName;
    $('.lat-b-label').textContent = lab.bName;
  }

  // ---- interpolation -----------------------------------------------------------------------
  const alpha = $('#lat-alpha');
  function alphas() {
    const a = Array.from({ length: STEPS }, (_, i) => i / (STEPS - 1));
    a.push(Number(alpha.value));
    return Float32Array.from(a);
  }
  async function refreshInterp() {
    if (!lab.a || !lab.b) return;
    const gen = model.generation;
    try {
      const out = await model.call('latent_interpolate', lab.a, lab.b, alphas());
      if (gen !== model.generation) return;
      strip = out;
      paintStrips();
    } catch (e) {
      console.warn('latent interpolation:', e.message);
    }
  }
  function paintStrips() {
    const k = STEPS + 1;
    const s = strip;
    if (!s) return;
    const opts = { ...lab.info, gapColor: [255, 255, 255] };
    const row = { count: STEPS, side: SIDE, gap: 2 };
    drawDigitRow(ctx('.lat-strip-pixel'), s.subarray(0, STEPS * N), row, opts);
    drawDigitRow(ctx('.lat-strip-latent'), s.subarray(k * N, (k + STEPS) * N), row, opts);
    drawDigitRow(ctx('.lat-big-pixel'), s.subarray(STEPS * N, k * N), one, opts);
    drawDigitRow(ctx('.lat-big-latent'), s.subarray((k + STEPS) * N, 2 * k * N), one, opts);
    lab.count('interp');
  }
  alpha.addEventListener('input', () => {
    $('#lat-alpha-out').value = Number(alpha.value).toFixed(2);
    refreshInterp();
  });

  lab.on('reset', () => { strip = null; });
  lab.on('ready', () => { buildPicks(); paintAB(); });
  lab.on('pick', () => { paintAB(); refreshInterp(); });
  lab.task(() => refreshInterp());
  return { unmount };
}
