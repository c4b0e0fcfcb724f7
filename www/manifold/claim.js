// The sensitivity lesson of the 2-D lab as a sentence that carries its live numbers: the mean
// σ₂/σ₁ (least over most sensitive input direction of the code, over the Jacobian points) of
// the contractive and the standard autoencoder, and a verdict that follows them. Pure: the
// ratio from a frame's Jacobians, the sentence from the ratios; figures.js writes it.
import { jacobianAxes } from './sensitivity.js';
import { grouped } from '../kit/grouped.js';

/** A contractive ratio below this share of the standard one counts as "flattened" (the lesson's
 *  measured 0.285 vs 0.831 at 10,000 steps, src/presets.rs, is a share of 0.34). */
const FLAT_SHARE = 0.6;

/** Mean σ₂/σ₁ over k points of `jac` ([k, code, 2] row-major); 1 where the code is flat. */
export function meanRatio(jac, code) {
  const k = jac.length / (2 * code);
  if (!k) return NaN;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const { s1, s2 } = jacobianAxes(jac.subarray(i * 2 * code, (i + 1) * 2 * code));
    sum += s1 > 0 ? s2 / s1 : 1;
  }
  return sum / k;
}

const fmt = (v) => v.toFixed(2);

/**
 * The sentence for `ratios` ({standard?, contractive?} mean σ₂/σ₁) after `steps` mini-batches,
 * on `curve`; it says what the numbers show, whichever way they fall.
 */
export function ratioSentence(ratios, steps, curve) {
  const { standard: s, contractive: c } = ratios;
  if (!Number.isFinite(c) || !Number.isFinite(s)) return 'Show the standard and the contractive autoencoder to compare their mean σ₂/σ₁ here.';
  if (!steps) return `Untrained: mean σ₂/σ₁ ${fmt(c)} (contractive) and ${fmt(s)} (standard); train to see whether the penalty flattens the ellipses.`;
  const now = `after ${grouped(steps)} steps on the ${curve}, mean σ₂/σ₁ is ${fmt(c)} for the contractive autoencoder against ${fmt(s)} for the standard one`;
  return c < FLAT_SHARE * s
    ? `The contractive penalty flattens them across the curve: ${now}.`
    : `The contractive penalty has not flattened them (yet): ${now}.`;
}
