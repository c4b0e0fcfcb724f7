// latent/draw: draw your own digit. The drawing is prepared like MNIST (`latent_preprocess`:
// bounding box to 20×20, centre of mass to the middle, a light blur), encoded and decoded
// (`latent_probe`); it can become digit A or B of the interpolation, or an anomaly.
import { drawDigitRow } from '../../draw/digits.js';
import { drawBars, formatError } from './charts.js';
import { latentExperiment, median, SIDE } from './shared.js';
import { grouped } from '../../kit/grouped.js';

const HTML = `
<section class="lat-box lat-drawbox" aria-labelledby="lat-draw-title">
  <h3 id="lat-draw-title">3 · Draw your own digit</h3>
  <p class="explain">Your drawing is prepared like MNIST (bounding box scaled to 20×20, centre of mass moved to
    the middle of 28×28, a light blur), then encoded and decoded. A digit comes back recognisable with a small
    error; a letter or a shape is pulled towards the nearest digit, and its error is larger.</p>
  <div class="lat-draw-row">
    <canvas class="lat-pad" width="280" height="280" aria-label="Drawing pad: draw a digit with the mouse, a pen or a finger"></canvas>
    <div class="lat-draw-out">
      <div class="lat-pair">
        <figure><canvas class="pix lat-draw-in" width="28" height="28" role="img" aria-label="Your drawing, preprocessed"></canvas><figcaption>input <span class="math">x</span></figcaption></figure>
        <figure><canvas class="pix lat-draw-rec" width="28" height="28" role="img" aria-label="Its reconstruction"></canvas><figcaption>output <span class="math">x̂</span></figcaption></figure>
      </div>
      <p class="lat-draw-error readout" aria-live="polite">Draw in the box.</p>
      <figure class="lat-code"><canvas class="lat-bars" role="img" aria-label="The code h as bars"></canvas><figcaption>code <span class="math">h</span> (<span class="lat-d"></span> units; red &gt; 0 &gt; blue)</figcaption></figure>
    </div>
  </div>
  <div class="buttons">
    <button type="button" class="lat-clear">Clear</button>
    <button type="button" class="lat-example">Example stroke</button>
    <button type="button" class="lat-use-a" disabled>Use as A</button>
    <button type="button" class="lat-use-b" disabled>Use as B</button>
    <button type="button" class="lat-add-anomaly" disabled>Add as anomaly</button>
  </div>
  <p class="error lat-draw-alert" role="alert" hidden></p>
</section>
`;

export function mount(container, model, opts = {}) {
  const { lab, $, ctx, unmount } = latentExperiment(container, model, opts, HTML);
  let drawn = null; // the preprocessed drawing, 784 values in the model's range
  let drawnProbe = null; // its probe: {code, recon, error, heat}

  const pad = $('.lat-pad');
  const pctx = pad.getContext('2d', { willReadFrequently: true });
  const drawAlert = $('.lat-draw-alert');
  let stroke = null;
  let drawTimer = 0;
  // Bumped by Clear: an answer about the pad from before it is dropped (it would bring the
  // cleared drawing back and re-enable its buttons).
  let padVersion = 0;
  function penWidth() { return pad.width / 13; }
  function padPoint(e) {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * pad.width, ((e.clientY - r.top) / r.height) * pad.height];
  }
  function line(p, q) {
    pctx.strokeStyle = '#000';
    pctx.lineWidth = penWidth();
    pctx.lineCap = 'round';
    pctx.lineJoin = 'round';
    pctx.beginPath();
    pctx.moveTo(p[0], p[1]);
    pctx.lineTo(q[0], q[1]);
    pctx.stroke();
  }
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    stroke = padPoint(e);
    line(stroke, stroke);
    e.preventDefault();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!stroke) return;
    const p = padPoint(e);
    line(stroke, p);
    stroke = p;
    if (!drawTimer) drawTimer = setTimeout(() => { drawTimer = 0; processDrawing(); }, 120);
  });
  const end = () => { if (stroke) { stroke = null; processDrawing(); } };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  $('.lat-clear').addEventListener('click', () => {
    padVersion++;
    clearTimeout(drawTimer);
    drawTimer = 0;
    pctx.clearRect(0, 0, pad.width, pad.height);
    drawn = null;
    drawnProbe = null;
    for (const s of ['.lat-draw-in', '.lat-draw-rec']) ctx(s).clearRect(0, 0, SIDE, SIDE);
    ctx('.lat-bars').clearRect(0, 0, 9999, 9999);
    $('.lat-draw-error').textContent = 'Draw in the box.';
    drawButtons();
  });
  $('.lat-example').addEventListener('click', () => {
    // A "4": three strokes in pad coordinates (fractions of the side).
    const s = pad.width;
    for (const [p, q] of [[[0.3, 0.2], [0.25, 0.55]], [[0.25, 0.55], [0.7, 0.55]], [[0.6, 0.2], [0.6, 0.85]]]) line([p[0] * s, p[1] * s], [q[0] * s, q[1] * s]);
    processDrawing();
  });
  function drawButtons() {
    for (const s of ['.lat-use-a', '.lat-use-b', '.lat-add-anomaly']) $(s).disabled = !drawn;
  }
  $('.lat-use-a').addEventListener('click', () => { lab.setTarget('A'); lab.pick(drawn.slice(), '(your drawing)'); });
  $('.lat-use-b').addEventListener('click', () => { lab.setTarget('B'); lab.pick(drawn.slice(), '(your drawing)'); });
  $('.lat-add-anomaly').addEventListener('click', () => {
    const n = lab.addDrawn(drawn.slice());
    $('.lat-draw-error').textContent = `Added: ${n} drawing${n > 1 ? 's' : ''} in the anomaly set.`;
  });
  async function processDrawing() {
    if (!lab.info) return;
    const img = pctx.getImageData(0, 0, pad.width, pad.height).data;
    const ink = new Float32Array(pad.width * pad.height);
    for (let i = 0; i < ink.length; i++) ink[i] = img[4 * i + 3] / 255; // alpha = ink
    const version = padVersion;
    try {
      const x = await model.call('latent_preprocess', ink, pad.width, pad.height);
      if (version !== padVersion) return;
      drawn = x;
      drawAlert.hidden = true;
    } catch (e) {
      if (version !== padVersion) return;
      drawAlert.textContent = e.message;
      drawAlert.hidden = false;
      return;
    }
    drawButtons();
    await probeDrawing();
  }
  async function probeDrawing() {
    if (!drawn) return;
    const gen = model.generation;
    const version = padVersion;
    try {
      const p = await model.call('latent_probe', drawn);
      if (gen !== model.generation || version !== padVersion) return;
      drawnProbe = p;
      drawDigitRow(ctx('.lat-draw-in'), drawn, { count: 1, side: SIDE, gap: 0 }, lab.info);
      drawDigitRow(ctx('.lat-draw-rec'), p.recon, { count: 1, side: SIDE, gap: 0 }, lab.info);
      const m = drawBars(ctx('.lat-bars'), p.code);
      // The digits' median comes from the anomaly experiment's report, which may be older than the
      // model (it refreshes only while on screen): say which model it measured.
      const normal = lab.report ? median(lab.report.errors[0]) : NaN;
      const f = model.lastFrame;
      const steps = f?.generation === gen ? f.stats?.steps ?? 0 : 0;
      const when = lab.reportSteps === steps ? '' : ` after ${grouped(lab.reportSteps ?? 0)} batches, the model has now trained ${grouped(steps)}`;
      $('.lat-draw-error').textContent = `reconstruction error e(x) = ${formatError(p.error)}`
        + (Number.isFinite(normal) ? ` (median of the data set's digits${when}: ${formatError(normal)})` : '') + `; code scale ±${m.toFixed(2)}`;
      lab.count('drawn');
    } catch (e) {
      drawAlert.textContent = e.message;
      drawAlert.hidden = false;
    }
  }

  lab.on('reset', (info) => { $('.lat-d').textContent = String(info.d); });
  lab.on('ready', () => (drawn ? processDrawing() : null)); // the pad's drawing, in the new model's range
  lab.on('resize', () => { if (drawnProbe) drawBars(ctx('.lat-bars'), drawnProbe.code); });
  lab.task(() => (drawn ? probeDrawing() : null));
  return { unmount };
}
