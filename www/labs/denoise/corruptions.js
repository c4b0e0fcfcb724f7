// denoise/corruptions: the four corruptions on fixed digits of the main model — mask, corrupted
// input x̃, reconstruction D(E(x̃)) and clean target — with the corruption and its strength chosen
// here (the main model's training settings stay). The engine corrupts (`corrupt_rows`).
import { drawDigitRow } from '../../draw/digits.js';
import { el, row, throttled, useStylesheet, bump } from '../../kit/dom.js';

/** The fixed digits of the corruption rows and of the comparison (the notebook shows img[3:7]). */
export const ROW_DIGITS = [3, 4, 5, 6, 7, 8, 9, 10];
export const SIDE = 28;
export const GAP = 2;

const KINDS = {
  dropout: { label: 'Dropout mask (the notebook)', name: 'p', min: 0, max: 0.95, step: 0.05, value: 0.5, hint: 'x̃ = x ⊙ m, m = 0 with probability p, else 1/(1−p)' },
  gaussian: { label: 'Gaussian noise', name: 'σ', min: 0, max: 2, step: 0.05, value: 0.5, hint: 'x̃ = x + σ·z, z ~ N(0, 1)' },
  salt_pepper: { label: 'Salt and pepper', name: 'p', min: 0, max: 0.95, step: 0.05, value: 0.2, hint: 'a fraction p of pixels set to black or white' },
  square: { label: 'Occluding square', name: 'size', min: 1, max: 28, step: 1, value: 12, hint: 'a size×size grey square at a random place' },
};

export function mount(container, model) {
  useStylesheet(new URL('./denoise.css', import.meta.url));
  const box = el('div', { class: 'dn-part', id: 'dn-corrupt' });
  const kind = el('select', { id: 'dn-kind' }, ...Object.entries(KINDS).map(([k, v]) => el('option', { value: k }, v.label)));
  const strength = el('input', { id: 'dn-strength', type: 'number', inputmode: 'decimal' });
  const strengthLabel = el('label', { for: 'dn-strength' }, 'p');
  const hint = el('span', { class: 'hint' });
  const error = el('p', { class: 'error', 'aria-live': 'assertive' });
  const status = el('p', { class: 'status', 'aria-live': 'polite' });
  const canvases = { mask: null, xc: null, rec: null, clean: null };
  const rows = el('div', { class: 'rows' },
    (canvases.mask = row('dn-row-mask', 'mask')).fig,
    (canvases.xc = row('dn-row-xc', 'corrupted x̃')).fig,
    (canvases.rec = row('dn-row-rec', 'D(E(x̃))')).fig,
    (canvases.clean = row('dn-row-clean', 'clean target x')).fig);
  box.append(
    el('h3', {}, '1 · Corruptions'),
    el('p', { class: 'explain' },
      'The notebook corrupts with a dropout mask, ', el('span', { class: 'math' }, 'x̃ = x ⊙ Dropout(p)(1)'),
      ', p = 0.5: half the pixels set to 0 (grey), the others doubled. Try the other corruptions on the main model above. Any autoencoder can only draw what its code can say, so even a standard one with a small code removes part of the noise; the denoising AE was trained to. The line below measures how much, on these digits.'),
    el('div', { class: 'dn-controls' },
      el('div', { class: 'field' }, el('label', { for: 'dn-kind' }, 'Corruption'), kind),
      el('div', { class: 'field' }, strengthLabel, strength, hint),
    ),
    error, rows, status,
  );
  container.append(box);

  function setKind() {
    const k = KINDS[kind.value];
    strengthLabel.textContent = k.name === 'size' ? 'Square size (pixels)' : `Strength ${k.name}`;
    strength.min = k.min; strength.max = k.max; strength.step = k.step; strength.value = k.value;
    hint.textContent = k.hint;
  }
  setKind();

  const refresh = throttled(async () => {
    if (!model.info) return;
    const s = Number(strength.value);
    const k = KINDS[kind.value];
    if (strength.value.trim() === '' || !Number.isFinite(s) || s < k.min || s > k.max) {
      error.textContent = `${k.name === 'size' ? 'The size' : k.name} must be a number from ${k.min} to ${k.max}${k.name === 'p' ? ' (1 would drop every pixel)' : ''}.`;
      return;
    }
    const idx = Uint32Array.from(ROW_DIGITS.filter((i) => i < model.info.test_len));
    const kindNow = kind.value;
    try {
      const both = await model.call('corrupt_rows', idx, kindNow, s, 1234);
      const n = idx.length * SIDE * SIDE;
      const xc = both.slice(0, n);
      const mask = both.slice(n);
      const [rec, clean] = await Promise.all([model.call('reconstruct_rows', xc), model.call('inputs', idx)]);
      error.textContent = '';
      const { lo, hi } = model.info;
      const dims = { count: idx.length, side: SIDE, gap: GAP };
      drawDigitRow(canvases.mask.ctx, mask, dims, { lo, hi, kind: 'mask' });
      drawDigitRow(canvases.xc.ctx, xc, dims, { lo, hi });
      drawDigitRow(canvases.rec.ctx, rec, dims, { lo, hi });
      drawDigitRow(canvases.clean.ctx, clean, dims, { lo, hi });
      let se = 0;
      let seIn = 0; // the corruption's own error: x̃ against x
      for (let i = 0; i < n; i++) {
        se += (rec[i] - clean[i]) ** 2;
        seIn += (xc[i] - clean[i]) ** 2;
      }
      const f = model.lastFrame;
      const removed = seIn > 0 ? 1 - se / seIn : 0;
      const verdict = removed > 0 ? `it removes ${(100 * removed).toFixed(0)} % of the corruption's error` : 'it removes none of the corruption\'s error';
      status.textContent = `Main model (${model.info.variant}, d = ${model.info.d}${f?.stats ? `, ${f.stats.steps} batches` : ''}): MSE of D(E(x̃)) against x on these digits ${(se / n).toFixed(4)}, of x̃ itself ${(seIn / n).toFixed(4)}: ${verdict}.`;
      box.dataset.removed = String(removed);
      bump(box, 'drawn');
      box.dataset.drawnKind = `${kindNow} ${s}`;
    } catch (e) {
      error.textContent = e.message;
    }
  }, 400);
  kind.addEventListener('change', () => { setKind(); refresh(); });
  strength.addEventListener('input', refresh);
  model.onReady(refresh);
  model.onFrame(refresh);
  return { unmount: () => box.remove() };
}

