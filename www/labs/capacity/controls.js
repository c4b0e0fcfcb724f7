// The capacity lab's controls: code size d, loss, code activation, tied weights and the
// contractive penalty of the page's one model, and presets (linear tied AE, the notebook model).
// Each change goes through `applyModel` (apply.js: asks before replacing a trained model, then
// `model.configure` and `model.train()`); the controls follow `model.onSettings`. Turning the
// penalty on and switching the loss take the lesson's λ, lr and batch from the engine's presets.
import { format, State } from '../../state.js';
import { fromHtml, useStylesheet } from '../../kit/dom.js';
import { loadModelTable, pretrainedFor, pretrainedText } from '../../kit/models.js';
import { configLabel } from './shared.js';
import { applyModel, trainNow, lessonPresets, presetPatch } from './apply.js';

const D_MIN = 1;
const D_MAX = 1000;

const HTML = `
<form class="cap-controls" novalidate>
  <div class="field">
    <label for="cap-d">Code size <span class="math">d</span></label>
    <input id="cap-d" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" aria-describedby="cap-d-hint cap-d-error">
    <small class="hint" id="cap-d-hint">1 – 1000 (over-complete above 784); Enter to train</small>
    <p class="error" id="cap-d-error" aria-live="polite" hidden></p>
  </div>
  <div class="field">
    <label for="cap-loss">Loss</label>
    <select id="cap-loss">
      <option value="mse">MSE · tanh · x ∈ [−1, 1]</option>
      <option value="bce">BCE · sigmoid · x ∈ [0, 1]</option>
    </select>
  </div>
  <div class="field">
    <label for="cap-act">Code activation</label>
    <select id="cap-act">
      <option value="tanh">tanh (the notebook)</option>
      <option value="linear">linear (identity)</option>
    </select>
  </div>
  <div class="field">
    <label class="check"><input id="cap-tied" type="checkbox"> Tied weights <span class="math">W<sub>x</sub> = W<sub>h</sub><sup>⊤</sup></span></label>
    <label class="check"><input id="cap-contractive" type="checkbox"> Contractive penalty</label>
  </div>
  <div class="field wide">
    <label for="cap-lambda">Contractive <span class="math">λ</span> = <output id="cap-lambda-out" for="cap-lambda">0.01</output></label>
    <input id="cap-lambda" type="range" min="-4" max="0.5" step="0.125" value="-2" aria-describedby="cap-lambda-hint">
    <small class="hint" id="cap-lambda-hint">log scale, 0.0001 – 3.16; moving it turns the contractive penalty on</small>
  </div>
  <div class="buttons wide">
    <button type="button" id="cap-train" class="primary">Run this model</button>
    <button type="button" id="cap-linear">Linear tied AE (≈ PCA)</button>
    <button type="button" id="cap-notebook">Back to the notebook model</button>
  </div>
  <p class="status wide" id="cap-status" role="status"></p>
</form>
`;

/** The d of this lab: 1 … 1000; the message for anything else. */
export function checkD(text) {
  const t = String(text).trim();
  const n = /^\+?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < D_MIN || n > D_MAX) return { error: `Code size d must be a whole number from ${D_MIN} to ${D_MAX} here (784 is the image; 1000 is truly over-complete).` };
  return { value: n };
}

let tableOnce = null;
/**
 * The site's pretrained model the page opens for the lab's settings `s` (model.settings), or
 * null: app/keep.js loads it right after the seed's model is ready (the same rule, kit/models.js).
 */
export async function pretrainedOf(s) {
  tableOnce ??= loadModelTable().catch(() => []);
  const hash = new URLSearchParams(Object.entries(s).map(([k, v]) => [k, String(v)])).toString();
  return pretrainedFor(await tableOnce, State.fromHash(hash).trainerSettings(), s.data);
}

/** The controls, appended to `container`; `lab` is the capacity lab (shared.js). */
export function mount(container, model, lab) {
  useStylesheet(new URL('./capacity.css', import.meta.url));
  const form = fromHtml(HTML);
  container.append(form);
  const $ = (s) => form.querySelector(s);
  const ui = {
    d: $('#cap-d'), dError: $('#cap-d-error'), loss: $('#cap-loss'), act: $('#cap-act'), tied: $('#cap-tied'),
    contractive: $('#cap-contractive'), lambda: $('#cap-lambda'), lambdaOut: $('#cap-lambda-out'),
    train: $('#cap-train'), linear: $('#cap-linear'), notebook: $('#cap-notebook'), status: $('#cap-status'),
  };

  function showSettings(s = model.settings) {
    if (document.activeElement !== ui.d) ui.d.value = String(s.d);
    ui.loss.value = s.loss;
    ui.act.value = s.act;
    ui.tied.checked = s.tied;
    ui.contractive.checked = s.reg === 'contractive';
    ui.lambda.value = String(s.lambda > 0 ? Math.log10(s.lambda) : -4);
    ui.lambdaOut.textContent = format(s.lambda);
  }

  function showDError(msg) {
    ui.dError.textContent = msg ?? '';
    ui.dError.hidden = !msg;
    if (msg) ui.d.setAttribute('aria-invalid', 'true');
    else ui.d.removeAttribute('aria-invalid');
  }

  /** Apply `patch` (asking first if it would replace a trained model); a refusal or a "Keep it"
   *  puts the controls back to the model's settings. */
  async function apply(patch, what) {
    const ok = await applyModel(model, lab, ui.status, patch, what);
    if (!ok) showSettings();
    return ok;
  }
  const train = () => trainNow(model, ui.status);
  /** `patch` plus the lesson preset `key`'s settings named in `keys` (from the engine's table). */
  async function withPreset(patch, key, keys) {
    const p = presetPatch((await lessonPresets(model)).get(key));
    return { ...Object.fromEntries(keys.map((k) => [k, p[k]])), ...patch };
  }

  function applyD() {
    const r = checkD(ui.d.value);
    if (r.error) {
      showDError(r.error);
      ui.status.textContent = `Not changed: ${r.error}`;
      return;
    }
    showDError(null);
    apply({ d: r.value }, `d = ${r.value}`);
  }

  ui.d.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      applyD();
    }
  });
  ui.d.addEventListener('change', applyD);
  ui.d.addEventListener('input', () => { if (!checkD(ui.d.value).error) showDError(null); });
  // BCE trains at the BCE lesson's lr and batch (at the notebook's it stays on the mean digit);
  // MSE goes back to the notebook's.
  ui.loss.addEventListener('change', async () => {
    const bce = ui.loss.value === 'bce';
    apply(await withPreset({ loss: ui.loss.value }, bce ? 'bce' : 'standard', ['lr', 'batch']), `loss ${ui.loss.value.toUpperCase()}`);
  });
  ui.act.addEventListener('change', () => apply({ act: ui.act.value }, `${ui.act.value} code`));
  ui.tied.addEventListener('change', () => apply({ tied: ui.tied.checked }, ui.tied.checked ? 'tied weights' : 'untied weights'));
  // The penalty comes on with the contractive lesson's λ (the notebook-scale 0.1 collapses).
  ui.contractive.addEventListener('change', async () => apply(
    ui.contractive.checked ? await withPreset({}, 'contractive', ['reg', 'act', 'lambda']) : { reg: 'none' },
    ui.contractive.checked ? 'contractive penalty' : 'no penalty',
  ));
  // The slider is log10 λ: the penalty's useful range spans decades.
  const sliderLambda = () => String(Number((10 ** Number(ui.lambda.value)).toPrecision(3)));
  ui.lambda.addEventListener('input', () => { ui.lambdaOut.textContent = sliderLambda(); });
  // Arrow keys fire a change per press: build one model when they stop for 500 ms.
  let lambdaTimer = 0;
  ui.lambda.addEventListener('change', () => {
    clearTimeout(lambdaTimer);
    lambdaTimer = setTimeout(() => {
      const l = sliderLambda();
      apply({ lambda: l, reg: 'contractive', act: 'tanh' }, `λ = ${l}`);
    }, 500);
  });
  ui.train.addEventListener('click', train);
  // The tied_linear preset whole (its lr and batch too): the site's pretrained model of it opens.
  ui.linear.addEventListener('click', async () => apply(
    await withPreset({ tied: true, act: 'linear', reg: 'none', loss: 'mse' }, 'tied_linear', ['lr', 'batch']), 'linear tied AE'));
  // The preset resets d, the rates and the lab's settings to the notebook's.
  ui.notebook.addEventListener('click', async () => {
    const key = model.settings.preset;
    const nb = (await lessonPresets(model)).get(key).settings;
    apply({ preset: key, d: nb.d, lr: Number(nb.lr.toPrecision(6)), batch: nb.batch, reg: 'none', tied: false, act: 'tanh', loss: 'mse' }, 'notebook model');
  });
  model.onSettings((st) => {
    showSettings(st);
    // A refusal names a setting that was invalid; once the settings change it may no longer hold.
    if (/^Not (training|changed):/.test(ui.status.textContent) && lab.info) ui.status.textContent = describe(lab.info, false);
  });

  /** The model (the pretrained one named) and whether it trains now; said again when a run ends (no stale "training"). */
  const describe = (info, running) => {
    const src = model.origin?.source;
    const what = src?.kind === 'pretrained' ? `${pretrainedText(src)} (${configLabel(info, model.settings)})` : configLabel(info, model.settings);
    return `Model: ${what}, d = ${info.d}${running ? ' — training' : ''}. `
      + 'Each change here builds a new model; one that has trained is replaced only when you say so.';
  };
  let shownRunning = false;
  lab.on('reset', async (info) => {
    const want = Boolean(lab.wantTrain);
    lab.wantTrain = false;
    // A lesson the site has pretrained opens on that model (keep.js loads it after this seed's
    // model): shown trained at once, and "Run this model" trains it on. No run from the seed.
    const pre = want && model.origin?.cause === 'config' ? await pretrainedOf(model.settings) : null;
    shownRunning = want && !pre;
    ui.status.textContent = pre ? `Loading the ${pretrainedText(pre)}…` : describe(info, shownRunning);
    ui.status.dataset.pretrained = pre ? pre.name : '';
    showSettings();
    if (shownRunning) setTimeout(train, 0); // after every part has seen the new model
  });
  lab.on('frame', (f) => {
    if (!lab.info || f.generation !== model.generation || ui.status.dataset.asking || f.running === shownRunning) return;
    shownRunning = f.running;
    if (/^Model:|training/.test(ui.status.textContent)) ui.status.textContent = describe(lab.info, f.running);
  });
  showSettings();
  return { unmount: () => { clearTimeout(lambdaTimer); form.remove(); } };
}
