// The capacity lab's lessons as buttons and sentences: each lesson's preset and its failure on
// purpose (labels and settings from the engine's table, src/presets.rs), and the verdicts the
// contractive and loss experiments print beside their live numbers. The thresholds sit between
// the measured lesson and failure values that presets.rs cites, so a verdict follows the run.
import { el } from '../../kit/dom.js';
import { applyModel, lessonPresets, presetPatch, trainedBatches } from './apply.js';
import { trainingOf } from '../../kit/models.js';

/** ‖∂h/∂x‖²_F below this: the code ignores the input (λ = 0.1 measured < 0.0001; λ = 0.01: 0.72). */
export const COLLAPSED_JACOBIAN = 0.01;
/** PSNR (dB) at or below this: still on the mean-digit plateau (the mean digit: 11.7 dB; the BCE
 *  lesson reaches 13.7–14.0 dB after 10 epochs, presets.rs). */
export const PLATEAU_DB = 12.2;

/**
 * Two buttons in `box`, one per preset key, labelled with the preset's own label; a click applies
 * that preset through `applyModel` (which asks before replacing a trained model).
 */
export function presetButtons(box, model, lab, status, keys) {
  const buttons = keys.map((key) => {
    const b = el('button', { type: 'button', 'data-preset': key, disabled: '' }, key);
    b.addEventListener('click', async () => {
      const p = (await lessonPresets(model)).get(key);
      applyModel(model, lab, status, presetPatch(p), p.label);
    });
    return b;
  });
  box.replaceChildren(...buttons);
  lab.on('ready', async () => {
    const table = await lessonPresets(model).catch(() => null);
    if (!table) return;
    for (const b of buttons) {
      const p = table.get(b.dataset.preset);
      b.textContent = p.label;
      b.disabled = false;
    }
  });
}

/** How much the current model has trained, pretrained epochs included: {trained, text}. */
export function training(model) {
  return trainingOf(model.origin, trainedBatches(model));
}

/** The contractive verdict for a report `r` of a contractive model trained as `t` (trainingOf). */
export function contractiveVerdict(r, t, standardJ) {
  const j = r.jacobian_frob2;
  const lam = Number(r.lambda.toPrecision(3));
  if (!t.trained) return `λ = ${lam}, untrained: ‖∂h/∂x‖²_F = ${j.toFixed(3)}; train to see what the penalty does.`;
  if (j < COLLAPSED_JACOBIAN) {
    return `λ = ${lam} is too large: the code ignores the input — ‖∂h/∂x‖²_F = ${j.toExponential(1)}, every output near the mean digit (PSNR ${r.psnr.toFixed(2)} dB) ${t.text}.`;
  }
  const cmp = standardJ ? ` against ${standardJ.toFixed(2)} for the standard model trained in this tab` : ' (train a standard model here to compare)';
  return `λ = ${lam}: the code contracts while the digits stay — ‖∂h/∂x‖²_F = ${j.toFixed(2)}${cmp}, PSNR ${r.psnr.toFixed(2)} dB ${t.text}.`;
}

/** The loss verdict for a report `r` of a `loss` model trained as `t` (trainingOf); `other` the
 *  PSNR of the other loss's latest trained model in this tab, if any. */
export function lossVerdict(r, loss, t, other) {
  const name = loss.toUpperCase();
  if (!t.trained) return `${name}, untrained: PSNR ${r.psnr.toFixed(2)} dB.`;
  const vs = Number.isFinite(other) ? ` (the latest ${loss === 'bce' ? 'MSE' : 'BCE'} model here: ${other.toFixed(2)} dB)` : '';
  return r.psnr <= PLATEAU_DB
    ? `${name} is still on the mean-digit plateau: PSNR ${r.psnr.toFixed(2)} dB ${t.text}${vs}; every output looks like the average digit.`
    : `${name} has left the mean-digit plateau: PSNR ${r.psnr.toFixed(2)} dB ${t.text}${vs}.`;
}
