// How far apart the classes lie on the latent map, as a number for the map's sentence: the
// between-class over the within-class sum of squares of the plotted points (0: every class on
// top of the others; the 784-50-50-2 lesson model of src/presets.rs reaches about 1 after 10
// epochs), and the points' RMS distance from their mean (near 0: every digit got the same code).
// Pure: points and labels in, numbers out.

import { grouped } from '../../kit/grouped.js';

/**
 * `xy` Float32Array [n, 2], `labels` [n] → {between, within, ratio, rms}.
 * between = Σ_c n_c ‖μ_c − μ‖², within = Σ_i ‖x_i − μ_{c(i)}‖², ratio = between / within.
 */
export function separation(xy, labels) {
  const n = labels.length;
  const sums = new Map(); // class → [Σx, Σy, count]
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    const s = sums.get(labels[i]) ?? [0, 0, 0];
    s[0] += xy[2 * i]; s[1] += xy[2 * i + 1]; s[2] += 1;
    sums.set(labels[i], s);
    mx += xy[2 * i]; my += xy[2 * i + 1];
  }
  mx /= n; my /= n;
  let between = 0, within = 0, total = 0;
  for (const [, [sx, sy, c]] of sums) between += c * ((sx / c - mx) ** 2 + (sy / c - my) ** 2);
  for (let i = 0; i < n; i++) {
    const [sx, sy, c] = sums.get(labels[i]);
    within += (xy[2 * i] - sx / c) ** 2 + (xy[2 * i + 1] - sy / c) ** 2;
    total += (xy[2 * i] - mx) ** 2 + (xy[2 * i + 1] - my) ** 2;
  }
  return { between, within, ratio: within > 0 ? between / within : NaN, rms: Math.sqrt(total / n) };
}

/** RMS spread below this: the map is one point (the one-layer d = 2 model: 0.001–0.003). */
export const COLLAPSED_RMS = 0.01;

/**
 * The map's claim with its number, true whichever way the number falls. `training`: batches
 * trained, or {trained, text} (kit/models.js trainingOf: a pretrained model counts as trained).
 */
export function separationSentence({ ratio, rms }, training) {
  const t = typeof training === 'number'
    ? { trained: training > 0, text: `after ${grouped(training)} batches` } : training;
  if (rms < COLLAPSED_RMS) {
    return `Every digit has nearly the same code here (RMS spread ${rms.toExponential(1)}), so no class stands apart${t.trained ? '' : ' yet: train the model'}; with d = 2 a one-layer encoder often stays there, a deeper one (784-50-50-2, the CLI's --preset map_2d) does not.`;
  }
  const r = ratio.toFixed(2);
  return t.trained
    ? `Classes apart, measured: between-class / within-class spread ${r} ${t.text} (0 would be all classes on top of each other).`
    : `Untrained: between-class / within-class spread ${r}; training pulls the classes apart without ever seeing a label.`;
}
