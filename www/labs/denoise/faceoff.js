// denoise/faceoff: the inpainting face-off (the notebook's last cells; lecture figs 24–27): on the same test
// digits and the same dropout masks (p = 0.5), the autoencoder's D(E(x̃)) against OpenCV's Telea
// and Navier–Stokes inpainting, with the notebook's call cv2.inpaint(img, mask, 3, flag) on
//   img  = ((x̃ / 4 + 0.5) · 255).byte()   (x̃ ∈ [−2, 2]; a kept pixel 2x ↦ ⌊(x + 1)/2 · 255⌋, a dropped one ↦ 127)
//   mask = 2 − noise.byte()                (non-zero, i.e. inpaint, where the dropout mask is 0)
// and OpenCV's 8-bit output mapped back by v/255 · 2 − 1. The mapping and the scores are the
// engine's (`faceoff_to_cv`, `faceoff_from_cv`, `faceoff_mse`: src/labs/inpaint.rs), asked of the
// model that inpaints; opencv.js runs in opencv-worker.js, loaded from vendor/ on the first run only.
import { drawDigitRow } from '../../draw/digits.js';
import { el, row, useStylesheet } from '../../kit/dom.js';

const N = 784;
const SHOWN = 6; // digits drawn; the table uses all of them
const FIRST = 0; // held-out digits FIRST … FIRST+count−1 (row queries index the held-out set)

export function mount(container, model, opts = {}) {
  useStylesheet(new URL('./denoise.css', import.meta.url));
  const compare = opts.compare ?? null;
  const box = el('div', { class: 'dn-part', id: 'dn-faceoff' });
  const source = el('select', { id: 'dn-fo-source' },
    el('option', { value: 'denoising' }, 'denoising AE of section 2 (d = 500)'),
    el('option', { value: 'standard' }, 'standard AE of section 2 (d = 30)'),
    el('option', { value: 'main' }, 'the main model above'));
  const count = el('input', { id: 'dn-fo-count', type: 'number', min: '100', max: '1000', step: '50', value: '200', inputmode: 'numeric' });
  const run = el('button', { type: 'button', class: 'primary', id: 'dn-fo-run' }, 'Run the face-off');
  const error = el('p', { class: 'error', 'aria-live': 'assertive' });
  const status = el('p', { class: 'status', 'aria-live': 'polite' });
  const rows = {
    mask: row('dn-fo-mask', 'mask (black: inpaint)', SHOWN),
    xc: row('dn-fo-xc', 'corrupted x̃', SHOWN),
    ae: row('dn-fo-ae', 'autoencoder', SHOWN),
    telea: row('dn-fo-telea', 'OpenCV Telea', SHOWN),
    ns: row('dn-fo-ns', 'OpenCV Navier–Stokes', SHOWN),
    clean: row('dn-fo-clean', 'clean x', SHOWN),
  };
  const table = el('table', { class: 'dn-table', id: 'dn-fo-table' });
  box.append(
    el('h3', {}, '3 · Inpainting face-off: autoencoder vs OpenCV (figs 24–27)'),
    el('p', { class: 'explain' },
      'The notebook ends by asking classical inpainting to fill the same dropped pixels: Telea’s fast-marching method and the Navier–Stokes method, ',
      el('code', {}, 'cv2.inpaint(img, mask, 3, …)'),
      '. They only propagate the intensities around each hole; the denoising AE knows what digits look like. The table gives the mean squared error (in the [−1, 1] units of the data) on the dropped pixels and on the whole image.'),
    el('div', { class: 'dn-controls' },
      el('div', { class: 'field' }, el('label', { for: 'dn-fo-source' }, 'Autoencoder'), source),
      el('div', { class: 'field' }, el('label', { for: 'dn-fo-count' }, 'Test digits (100–1000)'), count),
      el('div', { class: 'buttons' }, run)),
    el('p', { class: 'note' },
      'Mapping, as the notebook: dropout mask p = 0.5 (noise 0 or 2), x̃ = x ⊙ noise; 8-bit image ((x̃/4 + 0.5)·255).byte() so kept pixels are ⌊(x+1)/2·255⌋ and dropped ones 127; mask 2 − noise (non-zero where dropped); OpenCV’s output mapped back by v/255·2 − 1. The first held-out digits (of 1,000; the models train on the other 9,000); opencv.js 4.12 (Apache-2.0), loaded from this site on the first run.'),
    error, status, table,
    el('div', { class: 'rows', 'data-empty': 'Nothing to show yet: press “Run the face-off”.' }, ...Object.values(rows).map((r) => r.fig)),
  );
  if (!compare) for (const o of [...source.options]) if (o.value !== 'main') o.remove(); // alone: the main model only
  container.append(box);

  let cvWorker = null;
  let cvId = 1;
  const cvPending = new Map();
  function inpaintCv(images, masks) {
    if (!cvWorker) {
      cvWorker = new Worker(new URL('./opencv-worker.js', import.meta.url));
      cvWorker.onmessage = (ev) => {
        const p = cvPending.get(ev.data.id);
        if (!p) return;
        cvPending.delete(ev.data.id);
        if (ev.data.error) p.reject(new Error(`OpenCV: ${ev.data.error}`));
        else p.resolve(ev.data);
      };
      cvWorker.onerror = (e) => {
        e.preventDefault();
        for (const p of cvPending.values()) p.reject(new Error(`opencv.js could not be loaded (${e.message ?? 'worker error'})`));
        cvPending.clear();
        cvWorker = null;
      };
    }
    const id = cvId++;
    return new Promise((resolve, reject) => {
      cvPending.set(id, { resolve, reject });
      cvWorker.postMessage({ id, images, masks, radius: 3 });
    });
  }

  run.addEventListener('click', async () => {
    const k = Number(count.value);
    if (!Number.isInteger(k) || k < 100 || k > 1000) {
      error.textContent = 'The number of digits must be a whole number from 100 to 1000.';
      return;
    }
    const which = source.value;
    const ask = which === 'main' ? (op, ...a) => model.call(op, ...a) : (op, ...a) => compare.call(which, op, ...a);
    if (which === 'main' && !model.info) { error.textContent = 'The main model is not ready yet.'; return; }
    if (which === 'main' && model.info.lo !== -1) { error.textContent = 'The face-off uses the notebook’s [−1, 1] images; the main model uses another range.'; return; }
    error.textContent = '';
    run.disabled = true;
    box.dataset.state = 'running';
    status.textContent = 'Corrupting the digits and asking the autoencoder…';
    try {
      const idx = Uint32Array.from({ length: k }, (_, i) => FIRST + i);
      const both = await ask('corrupt_rows', idx, 'dropout', 0.5, 2024);
      const xc = both.slice(0, k * N);
      const mask = both.slice(k * N);
      const [clean, ae] = await Promise.all([ask('inputs', idx), ask('reconstruct_rows', xc)]);
      const cv = await ask('faceoff_to_cv', xc, mask); // Uint8Array [images (k·784) | masks (k·784)]
      const img = cv.slice(0, k * N);
      const holes = cv.slice(k * N); // 1 where the pixel was dropped (OpenCV inpaints it)
      status.textContent = cvWorker ? 'Inpainting with OpenCV…' : 'Loading opencv.js (11 MB, once) and inpainting…';
      const t0 = performance.now();
      const res = await inpaintCv(img, holes);
      const wall = performance.now() - t0;
      // `grey`: the holes left at mid-grey, kept pixels as they are.
      const [telea, ns, grey] = await Promise.all([res.telea, res.ns, img].map((b) => ask('faceoff_from_cv', b)));
      const aeKept = Float32Array.from(ae, (v, i) => (holes[i] ? v : grey[i]));
      const methods = [
        ['holes left grey (no inpainting)', grey],
        [`autoencoder D(E(x̃))`, ae],
        ['autoencoder on the holes, known pixels kept', aeKept],
        ['OpenCV Telea', telea],
        ['OpenCV Navier–Stokes', ns],
      ];
      const scores = await Promise.all(methods.map(async ([name, y]) => ({ name, ...(await ask('faceoff_mse', y, clean, holes)) })));
      renderTable(table, scores, k, which);
      const dims = { count: SHOWN, side: 28, gap: 2 };
      const first = (a) => a.subarray(0, SHOWN * N);
      rows.mask.fig.parentElement.removeAttribute('data-empty'); // the rows now hold digits
      drawDigitRow(rows.mask.ctx, first(mask), dims, { lo: -1, hi: 1, kind: 'mask' });
      drawDigitRow(rows.xc.ctx, first(xc), dims, { lo: -1, hi: 1 });
      drawDigitRow(rows.ae.ctx, first(ae), dims, { lo: -1, hi: 1 });
      drawDigitRow(rows.telea.ctx, first(telea), dims, { lo: -1, hi: 1 });
      drawDigitRow(rows.ns.ctx, first(ns), dims, { lo: -1, hi: 1 });
      drawDigitRow(rows.clean.ctx, first(clean), dims, { lo: -1, hi: 1 });
      const label = which === 'main' ? `the main model (${model.info.variant}, d = ${model.info.d})` : `the ${which} AE of section 2 (${compare.steps()} batches of the two so far)`;
      status.textContent = `${k} digits, autoencoder: ${label}. OpenCV ${res.version || ''} took ${res.ms.toFixed(0)} ms for ${2 * k} inpaintings (${wall.toFixed(0)} ms with loading).`;
      box.dataset.state = 'done';
      box.dataset.scores = JSON.stringify(scores);
    } catch (e) {
      error.textContent = e.message;
      status.textContent = '';
      box.dataset.state = 'error';
    } finally {
      run.disabled = false;
    }
  });
  return { unmount: () => { cvWorker?.terminate(); box.remove(); } };
}

function renderTable(table, scores, k, which) {
  const best = (key) => Math.min(...scores.map((s) => s[key]));
  const bm = best('masked');
  const bw = best('whole');
  table.replaceChildren(
    el('caption', {}, `Mean squared error over ${k} digits of the data set (lower is better; best in bold)`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'method'), el('th', { scope: 'col' }, 'MSE on dropped pixels'), el('th', { scope: 'col' }, 'MSE on the whole image'))),
    el('tbody', {}, ...scores.map((s) => el('tr', {},
      el('th', { scope: 'row' }, s.name),
      cell(s.masked, s.masked === bm),
      cell(s.whole, s.whole === bw)))),
  );
  table.dataset.source = which;
}

function cell(v, best) {
  const td = el('td', {}, v.toFixed(4));
  if (best) td.classList.add('best');
  return td;
}
