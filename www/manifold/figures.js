// The 2-D lab's figures, redrawn in the animation frame after a change: one vector field (fig 17)
// with where its model came from (pretrained, kept, seed) and one points view (figs 15, 16,
// 18–19) per shown variant, the loss curves, the drawing pad,
// and the data-* attributes of <main id="lab"> set in that same frame (tests read them).

import { VARIANTS } from './state.js';
import { HEAT, SWEEP } from './protocol.js';
import { COLORS, drawField, drawPoints, drawPad, distances, niceCeil } from './draw.js';
import { drawSensitivity } from './sensitivity.js';
import { meanRatio, ratioSentence } from './claim.js';
import { originText } from './pretrained.js';
import { drawLines } from '../draw/chart.js';
import { page, $ } from './page.js';
import { grouped } from '../kit/grouped.js';

const FIELD_SIZE = 480; // canvas pixels of a square plot
const FIELD_BAR = 84; // canvas pixels below a field for its colour bar
const LOSS_COLORS = { text: '#56606d', grid: '#d5dbe3' }; // the page's --muted and the plots' frame

/** One field and one points canvas per shown variant. */
export function layoutFigures() {
  for (const [id, kind] of [['fieldviews', 'field'], ['pointviews', 'points']]) {
    const box = $(id);
    const want = page.state.shown().map((v) => v.key).join(',');
    if (box.dataset.variants === want) continue;
    box.dataset.variants = want;
    box.replaceChildren(...page.state.shown().map((v) => {
      const fig = document.createElement('figure');
      const cap = document.createElement('figcaption');
      const name = document.createElement('span');
      const sw = document.createElement('span');
      sw.className = `swatch ${v.key}`;
      name.append(sw, ` ${v.label}`);
      const val = document.createElement('span');
      val.className = 'val';
      val.id = `${kind}-${v.key}-val`;
      cap.append(name, val);
      if (kind === 'field') {
        const origin = document.createElement('span');
        origin.className = 'origin';
        origin.id = `origin-${v.key}`;
        cap.append(origin);
      }
      const c = document.createElement('canvas');
      c.id = `${kind}-${v.key}`;
      c.width = FIELD_SIZE;
      c.height = kind === 'field' ? FIELD_SIZE + FIELD_BAR : FIELD_SIZE;
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', kind === 'field'
        ? `${v.label}: arrows from grid points to their reconstructions over a heat map of the distance`
        : `${v.label}: inputs and their reconstructions, and the learned manifold`);
      fig.append(cap, c);
      return fig;
    }));
  }
  page.dirty = true;
}

function fmt(v) {
  return Number.isFinite(v) ? v.toPrecision(3) : '–';
}

export function draw() {
  requestAnimationFrame(draw);
  if (!page.dirty) return;
  page.dirty = false;
  const f = page.frame;
  const r = page.ready;
  drawPad($('pad').getContext('2d'), { points: r?.data, stroke: page.stroke }, { size: 480 });
  if (f && r && f.generation === page.generation) {
    // One colour scale for every field, so the three can be compared; its top is the 95th
    // percentile of all distances (rounded up), so the few far corners do not wash out the rest.
    const dist = new Map();
    const all = [];
    for (const l of f.labs) {
      const d = distances(page.heatGrid, l.heat);
      dist.set(l.variant, d);
      all.push(...d);
    }
    all.sort((a, b) => a - b);
    const vmax = niceCeil(all[Math.floor(0.95 * (all.length - 1))]);
    const corrupted = page.state.values.view === 'corrupted';
    for (const l of f.labs) {
      const origin = $(`origin-${l.variant}`);
      if (origin) origin.textContent = originText(page.origins[l.variant]);
      const fc = $(`field-${l.variant}`);
      if (fc) {
        drawField(fc.getContext('2d'), {
          heatGrid: page.heatGrid, heat: l.heat, arrowGrid: page.arrowGrid, arrows: l.arrows, sweep: l.sweep, points: r.data,
        }, { size: FIELD_SIZE, heat: HEAT, sweep: SWEEP }, { vmax });
        const d = dist.get(l.variant);
        let on = 0;
        for (let i = 0; i < r.data.length; i += 2) on += Math.hypot(l.out[i] - r.data[i], l.out[i + 1] - r.data[i + 1]);
        $(`field-${l.variant}-val`).textContent =
          `mean travel: from the points ${fmt(on / (r.data.length / 2))}, over the grid ${fmt(d.reduce((a, b) => a + b, 0) / d.length)}`;
      }
      const pc = $(`points-${l.variant}`);
      if (pc && page.state.values.view === 'jacobian') {
        drawSensitivity(pc.getContext('2d'), { points: r.jacPoints, jac: l.jac, code: r.code, inputs: r.data, sweep: l.sweep },
          { size: FIELD_SIZE, sweep: SWEEP }, { color: COLORS[l.variant], radius: 26 });
        $(`points-${l.variant}-val`).textContent = `least / most sensitive direction, mean σ₂/σ₁ ${fmt(meanRatio(l.jac, r.code))}`;
      } else if (pc) {
        const inputs = corrupted ? r.corrupted : r.data;
        const outputs = corrupted ? l.outCorrupted : l.out;
        drawPoints(pc.getContext('2d'), { inputs, outputs, sweep: l.sweep }, { size: FIELD_SIZE, sweep: SWEEP },
          { color: COLORS[l.variant], every: Math.max(1, Math.floor(inputs.length / 2 / 600)) });
        let err = 0;
        for (let i = 0; i < r.data.length; i++) err += (outputs[i] - r.data[i]) ** 2;
        $(`points-${l.variant}-val`).textContent = `MSE of the outputs against the clean points ${fmt(err / r.data.length)}`;
      }
    }
    // Every variant's mean loss per chunk of steps, on one log axis (the site's one chart module).
    const series = f.labs.map((l) => ({ xs: page.series[l.variant].steps, ys: page.series[l.variant].losses, color: COLORS[l.variant] }));
    const lc = $('loss');
    drawLines(lc.getContext('2d'), series, { width: lc.clientWidth || 900, height: lc.clientHeight || 260 }, {
      colors: LOSS_COLORS,
      pad: { l: 58, r: 14, t: 12, b: 34 },
      frame: true,
      lineWidth: 1.8,
      x: { ticks: [0, 0.25, 0.5, 0.75, 1], format: grouped, label: 'steps (mini-batches)' },
      y: { log: true },
      empty: 'Press Train to see the loss fall.',
    });
    $('loss-legend').replaceChildren(...f.labs.map((l) => {
      const s = document.createElement('span');
      const sw = document.createElement('span');
      sw.className = `swatch ${l.variant}`;
      const name = VARIANTS.find((v) => v.key === l.variant).label;
      const extra = l.variant === 'contractive' && Number.isFinite(l.penalty) ? ` (recon ${fmt(l.recon)} + penalty ${fmt(l.penalty)})` : '';
      s.append(sw, ` ${name}: ${fmt(l.loss)}${extra}`);
      return s;
    }));
    const lab = $('lab');
    // The sensitivity claim with its live numbers (any view: 80 Jacobians are cheap).
    const ratios = Object.fromEntries(f.labs.map((l) => [l.variant, meanRatio(l.jac, r.code)]));
    const claim = ratioSentence(ratios, f.total, page.state.values.curve);
    if ($('ratio-claim').textContent !== claim) $('ratio-claim').textContent = claim;
    lab.dataset.ratioStandard = String(ratios.standard ?? '');
    lab.dataset.ratioContractive = String(ratios.contractive ?? '');
    lab.dataset.done = String(f.done);
    lab.dataset.steps = String(f.steps);
    lab.dataset.totalSteps = String(f.total);
    lab.dataset.running = String(f.running);
    lab.dataset.frames = String(page.frames);
  }
}
