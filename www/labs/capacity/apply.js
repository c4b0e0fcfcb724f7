// How the capacity lab changes the page's one model without throwing a student's work away:
// a change that would rebuild a model that has trained asks first, in place, with the number of
// batches at stake ("Replace it" / "Keep it"); then `model.configure` and, once the new model is
// ready, `model.train()`. The lesson presets (`src/presets.rs`, through the worker's
// `lab_presets` query) are fetched once per page and shared by every experiment.
import { el } from '../../kit/dom.js';
import { grouped } from '../../kit/grouped.js';

/** Batches the current model has trained (0 before its first frame). */
export function trainedBatches(model) {
  const f = model.lastFrame;
  return f && f.generation === model.generation ? f.stats?.steps ?? 0 : 0;
}

/** True when `patch` changes a setting of the current model (so configure would rebuild it). */
export function changesModel(model, patch) {
  return Object.entries(patch).some(([k, v]) => String(model.settings[k]) !== String(v));
}

/**
 * Ask in `box` (a status line) whether to replace the trained model; resolves true or false.
 * A second question in the same box answers the first one "no".
 */
export function askReplace(box, batches, what) {
  box.querySelector('.ask')?.dispatchEvent(new Event('cancel'));
  return new Promise((resolve) => {
    const yes = el('button', { type: 'button', class: 'ask-yes' }, 'Replace it');
    const no = el('button', { type: 'button', class: 'ask-no' }, 'Keep it');
    const ask = el('span', { class: 'ask', role: 'group', 'aria-label': 'Replace the trained model?' },
      `${what} builds a new model and discards the current one, trained for ${grouped(batches)} batches. `, yes, ' ', no);
    const done = (answer) => { ask.remove(); delete box.dataset.asking; resolve(answer); };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    ask.addEventListener('cancel', () => done(false));
    box.replaceChildren(ask);
    box.dataset.asking = 'true';
    yes.focus({ preventScroll: true });
  });
}

/**
 * Apply `patch` to the one model and train it (at once if nothing changed, else once the new
 * model is ready: `lab.wantTrain`, read by the lab's 'reset' handler in `wire`). Asks first in
 * `status` when the model that would be replaced has trained. Returns true when applied.
 */
export async function applyModel(model, lab, status, patch, what) {
  const batches = trainedBatches(model);
  if (batches > 0 && changesModel(model, patch)) {
    // The same change asked twice (Enter, then the field's change event) is one question.
    const key = JSON.stringify(patch);
    if (status.dataset.asking && status.dataset.askingFor === key) return false;
    status.dataset.askingFor = key;
    if (!(await askReplace(status, batches, what))) {
      // A newer question may have taken the line meanwhile: leave it there.
      if (!status.dataset.asking) status.textContent = `Kept the current model (${grouped(batches)} batches); nothing changed.`;
      return false;
    }
  }
  const before = JSON.stringify(model.settings);
  if (!(await model.configure(patch))) {
    status.textContent = `Not changed: ${model.refusal || 'a setting in Model is invalid; fix it first.'}`;
    return false;
  }
  if (JSON.stringify(model.settings) === before) {
    status.textContent = `${what}: training the current model…`;
    trainNow(model, status);
  } else {
    status.textContent = `${what}: building and training a new model…`;
    lab.wantTrain = true;
  }
  return true;
}

/** The Train button's first half; says why when refused. */
export function trainNow(model, status) {
  if (!model.train()) status.textContent = `Not training: ${model.refusal}`;
}

let presetsOnce = null;
/** The lesson presets as a Map key → {key, label, settings, epochs}; one query per page. */
export function lessonPresets(model) {
  presetsOnce ??= model.call('lab_presets').then((t) => new Map(t.mnist.map((p) => [p.key, p])));
  presetsOnce.catch(() => { presetsOnce = null; }); // ask again with the next model
  return presetsOnce;
}

/** The capacity-lab patch of a lesson preset: its λ, loss, lr and batch (the rest stays). */
export function presetPatch(p) {
  const s = p.settings;
  const f32 = (v) => Number(v.toPrecision(6)); // the engine's f32 0.003 arrives as 0.0030000000261
  const patch = { loss: s.loss, lr: f32(s.lr), batch: s.batch };
  if (s.variant === 'contractive') Object.assign(patch, { reg: 'contractive', act: 'tanh', lambda: f32(s.lambda) });
  else patch.reg = 'none';
  return patch;
}
