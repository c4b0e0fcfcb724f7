// denoise/energy: inpainting by energy minimisation (lecture figs 10–11). The user paints a grey patch over a
// digit (mouse, pen or touch) or erases it; the trained main model fills the hole while the known
// pixels stay clamped, by the projection x_U ← D(E(x))_U or by gradient descent on
// E(x) = ‖x − D(E(x))‖² w.r.t. x_U (src/inpaint.rs, `inpaint_rows`), animated, with E plotted.
import { drawLines } from '../../draw/chart.js';
import { el, useStylesheet } from '../../kit/dom.js';

const N = 784;
const SIDE = 28;
const FIRST_DIGIT = 7; // a held-out digit (row queries index the held-out set)

/** Ready-made holes (also the keyboard's way to make one): is pixel (r, c) unknown? */
const PATCHES = {
  centre: ['10×10 square in the middle', (r, c) => r >= 9 && r < 19 && c >= 9 && c < 19],
  top: ['top half', (r) => r < 14],
  bottom: ['bottom half', (r) => r >= 14],
  left: ['left half', (r, c) => c < 14],
  right: ['right half', (r, c) => c >= 14],
};

/** Paint `x` (784 values in [lo, hi]) into a 28×28 canvas; hole pixels tinted blue. */
export function drawPad(ctx, x, hole, lo, hi) {
  const img = ctx.createImageData(SIDE, SIDE);
  const k = 255 / (hi - lo);
  for (let i = 0; i < N; i++) {
    const g = Math.min(255, Math.max(0, Math.round((x[i] - lo) * k)));
    const o = i * 4;
    if (hole && hole[i]) {
      img.data[o] = Math.round(g * 0.75); img.data[o + 1] = Math.round(g * 0.85); img.data[o + 2] = Math.min(255, g + 70);
    } else {
      img.data[o] = g; img.data[o + 1] = g; img.data[o + 2] = g;
    }
    img.data[o + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** The energy curve: E per iteration, on a canvas sized by CSS (drawn at device pixels). */
export function drawEnergy(canvas, energy) {
  const css = getComputedStyle(canvas);
  drawLines(canvas.getContext('2d'), [{ xs: energy.map((_, i) => i), ys: energy, color: '#c0392b' }],
    { width: canvas.clientWidth, height: canvas.clientHeight }, {
      colors: { text: css.color, grid: css.borderColor || css.color }, frame: true, lineWidth: 2,
      pad: { l: 44, r: 8, t: 8, b: 16 },
      x: { label: (last) => `iteration ${last}` },
      y: { ticks: (lo, hi) => [hi, lo], format: (v) => v.toFixed(1) },
    });
}

export function mount(container, model, opts = {}) {
  useStylesheet(new URL('./denoise.css', import.meta.url));
  const compare = opts.compare ?? null;
  const box = el('div', { class: 'dn-part', id: 'dn-pad' });
  const pad = el('canvas', { id: 'dn-pad-input', width: '28', height: '28', class: 'dn-pad', role: 'img', 'aria-label': 'The digit with its painted hole; paint with the mouse, a pen or a finger' });
  const fill = el('canvas', { id: 'dn-pad-fill', width: '28', height: '28', class: 'dn-pad', role: 'img', 'aria-label': 'The autoencoder’s one-pass reconstruction D(E(x))' });
  const clean = el('canvas', { id: 'dn-pad-clean', width: '28', height: '28', class: 'dn-pad', role: 'img', 'aria-label': 'The clean digit' });
  const energyCanvas = el('canvas', { id: 'dn-pad-energy', class: 'dn-energy', role: 'img', 'aria-label': 'Energy per iteration' });
  const source = el('select', { id: 'dn-pad-source' },
    el('option', { value: 'main' }, 'the main model above'),
    el('option', { value: 'denoising' }, 'denoising AE of section 2 (d = 500)'),
    el('option', { value: 'standard' }, 'standard AE of section 2 (d = 30)'));
  const digit = el('input', { id: 'dn-pad-digit', type: 'number', min: '0', max: '999', step: '1', value: String(FIRST_DIGIT), inputmode: 'numeric' });
  const tool = el('select', { id: 'dn-pad-tool' }, el('option', { value: 'paint' }, 'paint a grey patch'), el('option', { value: 'erase' }, 'erase the patch'));
  const brush = el('select', { id: 'dn-pad-brush' }, el('option', { value: '1' }, 'fine'), el('option', { value: '2', selected: '' }, 'medium'), el('option', { value: '3' }, 'wide'));
  const method = el('select', { id: 'dn-pad-method' },
    el('option', { value: 'projection' }, 'projection x_U ← D(E(x))_U'),
    el('option', { value: 'gradient' }, 'gradient descent on ‖x − D(E(x))‖²'));
  const iters = el('input', { id: 'dn-pad-iters', type: 'number', min: '1', max: '500', step: '1', value: '60', inputmode: 'numeric' });
  const patch = el('select', { id: 'dn-pad-patch' }, ...Object.entries(PATCHES).map(([k, [label]]) => el('option', { value: k }, label)));
  const go = el('button', { type: 'button', class: 'primary', id: 'dn-pad-go' }, 'Fill the hole');
  const reset = el('button', { type: 'button', id: 'dn-pad-reset' }, 'Back to the grey patch');
  const clear = el('button', { type: 'button', id: 'dn-pad-clear' }, 'Clear the patch');
  const error = el('p', { class: 'error', 'aria-live': 'assertive' });
  const readout = el('p', { class: 'status', id: 'dn-pad-readout', 'aria-live': 'polite' });

  box.append(
    el('h3', {}, '4 · Inpainting by energy minimisation (figs 10–11)'),
    el('p', { class: 'explain' },
      'A trained autoencoder gives an energy, the reconstruction error ', el('span', { class: 'math' }, 'E(x) = ‖x − D(E(x))‖²'),
      ', low on digits and high off them. Paint over part of a digit: keeping the known pixels clamped and lowering E over the unknown pixels x', el('sub', {}, 'U'),
      ' pulls the patch toward something digit-like — by iterating ', el('span', { class: 'math' }, 'x_U ← D(E(x))_U'),
      ' or by gradient descent, ', el('span', { class: 'math' }, '∇E = 2(x − x̂) − J_x̂(x)ᵀ·2(x − x̂)'), ', with a step that never lets E rise. A better-trained model fills better: compare the main model with the denoising AE of section 2.'),
    el('div', { class: 'dn-controls' },
      el('div', { class: 'field' }, el('label', { for: 'dn-pad-source' }, 'Autoencoder'), source),
      el('div', { class: 'field' }, el('label', { for: 'dn-pad-digit' }, 'Digit number'), digit),
      el('div', { class: 'field' }, el('label', { for: 'dn-pad-patch' }, 'Start from a patch'), patch),
      el('div', { class: 'field' }, el('label', { for: 'dn-pad-tool' }, 'Tool'), tool),
      el('div', { class: 'field' }, el('label', { for: 'dn-pad-brush' }, 'Brush'), brush),
      el('div', { class: 'field' }, el('label', { for: 'dn-pad-method' }, 'Method'), method),
      el('div', { class: 'field' }, el('label', { for: 'dn-pad-iters' }, 'Iterations'), iters)),
    el('div', { class: 'buttons' }, go, reset, clear),
    error,
    el('div', { class: 'dn-pad-row' },
      el('figure', {}, pad, el('figcaption', {}, 'x (blue: the hole U)')),
      el('figure', {}, fill, el('figcaption', {}, 'one pass D(E(x))')),
      el('figure', {}, clean, el('figcaption', {}, 'clean digit')),
      el('figure', { class: 'dn-energy-fig' }, energyCanvas, el('figcaption', {}, 'energy E(x) per iteration'))),
    readout,
  );
  if (!compare) for (const o of [...source.options]) if (o.value !== 'main') o.remove(); // alone: the main model only
  container.append(box);

  /** The chosen model's `op(...args)`. */
  const ask = (op, ...args) => (source.value === 'main' ? model.call(op, ...args) : compare.call(source.value, op, ...args));

  const ctx = { pad: pad.getContext('2d'), fill: fill.getContext('2d'), clean: clean.getContext('2d') };
  const st = { x: null, clean: null, hole: new Uint8Array(N), start: null, energy: [], step: 0.05, busy: false, stop: false, lo: -1, hi: 1, index: -1 };
  box.dataset.holes = '0';

  function defaultHole() {
    st.hole.fill(0);
    const inside = PATCHES[patch.value][1];
    for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) st.hole[r * SIDE + c] = inside(r, c) ? 1 : 0;
  }

  function greyOut() {
    const g = (st.lo + st.hi) / 2;
    st.x = Float32Array.from(st.clean, (v, i) => (st.hole[i] ? g : v));
    st.start = st.x.slice();
    st.energy = [];
    st.step = 0.05;
  }

  function holeMse(x) {
    let s = 0, n = 0;
    for (let i = 0; i < N; i++) if (st.hole[i]) { s += (x[i] - st.clean[i]) ** 2; n++; }
    return n ? s / n : NaN;
  }

  function show() {
    drawPad(ctx.pad, st.x, st.hole, st.lo, st.hi);
    drawEnergy(energyCanvas, st.energy);
    const holes = st.hole.reduce((a, b) => a + b, 0);
    box.dataset.holes = String(holes);
    box.dataset.energy = JSON.stringify(st.energy);
    const e = st.energy.length ? `E = ${st.energy.at(-1).toFixed(2)} (from ${st.energy[0].toFixed(2)}) after ${st.energy.length - 1} iterations${st.moved ? ' — the model trained during the fill, so E is measured on a changing model and may step up' : ''}; ` : '';
    // The energy is the model's opinion of the image, not the distance to the digit that was
    // painted over: when E falls while the hole's error rises, the fill became a digit the model
    // likes better (often a neighbouring class or a smoother stroke), not the hidden one.
    const [before, now] = [holeMse(st.start), holeMse(st.x)];
    const why = st.energy.length > 1 && st.energy.at(-1) < st.energy[0] && now > before
      ? ' E fell while the hole got further from the hidden digit: lowering E makes the image one the model reconstructs well, which need not be the digit that was painted over.'
      : '';
    readout.textContent = holes
      ? `${e}MSE on the ${holes} hole pixels against the clean digit: grey patch ${before.toFixed(3)} → now ${now.toFixed(3)}.${why}`
      : 'No hole: paint one on the left-hand digit.';
  }

  const onePass = (() => {
    let busy = false, again = false;
    return async function run() {
      if (busy) { again = true; return; }
      busy = true;
      try {
        const rec = await ask('reconstruct_rows', st.x);
        drawPad(ctx.fill, rec, null, st.lo, st.hi);
      } catch (e) {
        error.textContent = e.message;
      } finally {
        busy = false;
        if (again) { again = false; run(); }
      }
    };
  })();

  async function load() {
    if (!model.info) return;
    const i = Number(digit.value);
    if (!Number.isInteger(i) || i < 0 || i >= model.info.test_len) {
      error.textContent = `The digit number must be a whole number from 0 to ${model.info.test_len - 1} (the held-out set).`;
      return;
    }
    error.textContent = '';
    try {
      if (source.value === 'main') { st.lo = model.info.lo; st.hi = model.info.hi; } else { st.lo = -1; st.hi = 1; }
      st.clean = await ask('inputs', Uint32Array.of(i));
      st.index = i;
      if (!st.hole.some((v) => v)) defaultHole();
      greyOut();
      drawPad(ctx.clean, st.clean, null, st.lo, st.hi);
      show();
      onePass();
      box.dataset.ready = 'true';
      box.dataset.source = source.value;
    } catch (e) {
      error.textContent = e.message;
    }
  }

  // Painting: pointer events cover mouse, pen and touch; `touch-action: none` on the canvas keeps
  // the page from scrolling under a finger.
  let painting = false;
  function paintAt(ev) {
    if (!st.x) return;
    const r = pad.getBoundingClientRect();
    const cx = ((ev.clientX - r.left) / r.width) * SIDE;
    const cy = ((ev.clientY - r.top) / r.height) * SIDE;
    const rad = Number(brush.value);
    const g = (st.lo + st.hi) / 2;
    for (let y = Math.floor(cy - rad); y <= Math.ceil(cy + rad); y++) {
      for (let x = Math.floor(cx - rad); x <= Math.ceil(cx + rad); x++) {
        if (x < 0 || y < 0 || x >= SIDE || y >= SIDE) continue;
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > rad * rad) continue;
        const i = y * SIDE + x;
        if (tool.value === 'erase') { st.hole[i] = 0; st.x[i] = st.clean[i]; st.start[i] = st.clean[i]; }
        else { st.hole[i] = 1; st.x[i] = g; st.start[i] = g; }
      }
    }
    st.energy = [];
    show();
    onePass();
  }
  pad.addEventListener('pointerdown', (ev) => {
    if (st.busy) st.stop = true;
    painting = true;
    pad.setPointerCapture?.(ev.pointerId);
    paintAt(ev);
    ev.preventDefault();
  });
  pad.addEventListener('pointermove', (ev) => { if (painting) paintAt(ev); });
  const end = () => { painting = false; };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);

  go.addEventListener('click', async () => {
    if (st.busy) { st.stop = true; return; }
    if (!st.x) return;
    const total = Number(iters.value);
    if (!Number.isInteger(total) || total < 1 || total > 500) {
      error.textContent = 'Iterations must be a whole number from 1 to 500.';
      return;
    }
    if (!st.hole.some((v) => v)) { error.textContent = 'Paint a hole first.'; return; }
    error.textContent = '';
    st.busy = true; st.stop = false;
    go.textContent = 'Stop';
    box.dataset.filling = 'true';
    const m = method.value;
    const unknown = Float32Array.from(st.hole);
    if (st.energy.length === 0) { st.step = m === 'gradient' ? 0.05 : 1; st.moved = false; }
    const stepsNow = () => (source.value === 'main' ? model.lastFrame?.stats?.steps ?? 0 : 0);
    const steps0 = stepsNow();
    try {
      let done = 0;
      while (done < total && !st.stop) {
        const k = Math.min(2, total - done); // two iterations per animation frame
        const out = await ask('inpaint_rows', st.x, unknown, m, k, st.step);
        st.x = out.slice(0, N);
        const e = Array.from(out.subarray(N, N + k + 1));
        st.step = out[N + k + 1];
        if (st.energy.length === 0) st.energy.push(e[0]);
        st.energy.push(...e.slice(1));
        done += k;
        if (stepsNow() !== steps0) st.moved = true;
        show();
        await new Promise(requestAnimationFrame);
      }
      onePass();
    } catch (e) {
      error.textContent = e.message;
    } finally {
      st.busy = false;
      go.textContent = 'Fill the hole';
      box.dataset.filling = 'false';
      box.dataset.fills = String(Number(box.dataset.fills ?? 0) + 1);
    }
  });
  reset.addEventListener('click', () => { if (!st.clean) return; st.stop = true; greyOut(); show(); onePass(); });
  patch.addEventListener('change', () => { if (!st.clean) return; st.stop = true; defaultHole(); greyOut(); show(); onePass(); });
  clear.addEventListener('click', () => { if (!st.clean) return; st.stop = true; st.hole.fill(0); greyOut(); show(); onePass(); });
  digit.addEventListener('change', load);
  source.addEventListener('change', () => { st.stop = true; load(); });
  method.addEventListener('change', () => { st.energy = []; show(); });
  model.onReady(load);
  let lastPass = 0;
  model.onFrame(() => {
    // While the model trains, refresh the one-pass fill now and then (not during a fill).
    const now = performance.now();
    if (st.x && !st.busy && source.value === 'main' && now - lastPass > 1000) { lastPass = now; onePass(); }
  });
  new ResizeObserver(() => drawEnergy(energyCanvas, st.energy)).observe(energyCanvas);
  return { unmount: () => { st.stop = true; box.remove(); } };
}
