// The training page's Model controls: settings ⇄ controls ⇄ URL hash through the one State, the
// Train / Step / Reset buttons, the labs' verbs (model.configure, train, pause: the same paths as
// the controls), and in-page links that scroll without touching the hash that holds the settings.

import { KEYS, FIELDS, hasSettings } from '../state.js';
import { showHash } from '../kit/fields.js';
import { hashNotice } from '../kit/alerts.js';
import { TO_WORKER } from '../protocol.js';
import { send, sendConfig } from './commands.js';
import { finished, invalidate } from './run.js';
import { say, setRunning } from './render.js';

/** The text inputs, by setting key (the preset is a select, the view settings are elsewhere). */
const INPUT_KEYS = ['d', 'lr', 'batch', 'epochs', 'p', 'seed', 'workers'];

function control(app, key) {
  return key === 'preset' ? app.ui.preset : app.ui.inputs[key];
}

function showError(app, key) {
  const box = document.getElementById(`${key}-error`);
  const input = control(app, key);
  if (!box || !input) return;
  const err = app.state.errors[key];
  if (err) {
    input.setAttribute('aria-invalid', 'true');
    box.textContent = err;
    box.hidden = false;
  } else {
    input.removeAttribute('aria-invalid');
    box.textContent = '';
    box.hidden = true;
  }
}

export function showControls(app) {
  const { ui, state } = app;
  ui.preset.value = state.values.preset;
  for (const k of INPUT_KEYS) {
    if (ui.inputs[k].value !== state.text[k]) ui.inputs[k].value = state.text[k];
  }
  for (const k of ['preset', ...INPUT_KEYS]) showError(app, k);
  const noisy = state.applies('p');
  ui.inputs.p.closest('.field').classList.toggle('inactive', !noisy);
  document.getElementById('p-hint').textContent = noisy ? 'dropout, 0 ≤ p < 1' : 'denoising preset only';
  for (const r of ui.scale) r.checked = r.value === state.values.scale;
  ui.kscale.value = state.values.kscale;
}

/** The valid settings into the address bar; the labs hear of every change. */
export function writeHash(app) {
  if (!app.state.valid) return; // keep what the person typed in the address bar
  if (showHash(`#${app.state.toHash()}`)) app.model?.settingsChanged();
}

/** Send the valid settings to the worker when they differ from the last ones sent. */
function commit(app) {
  if (!app.state.valid) return false;
  writeHash(app);
  sendConfig(app);
  return true;
}

/** When a setting is invalid: show every message, focus the first bad control, say why (returned). */
function refuseIfInvalid(app, what) {
  const { state } = app;
  if (state.valid) return null;
  const first = KEYS.find((k) => state.errors[k]);
  for (const k of KEYS) showError(app, k);
  control(app, first)?.focus();
  const why = `Not ${what}: ${FIELDS[first].label} is invalid. ${state.errors[first]}`;
  say(app, why);
  return why;
}

/** The labs' model.configure: the patch through the one state, then the same commit. */
export function configure(app, patch) {
  const refused = app.state.apply(patch);
  if (refused.length) return refused.join(' ');
  showControls(app);
  commit(app);
  invalidate(app, 'chart', 'kernels', 'status');
  return null;
}

/** Refuse a run past the last epoch, saying so; null when there is training left. */
function refuseIfFinished(app) {
  if (!finished(app)) return null;
  const why = `Finished: all ${app.state.values.epochs} epochs are done. Raise Epochs to train on, or press Reset.`;
  say(app, why);
  return why;
}

/** Train (the button, and the labs' model.train): null when started, else why not. */
export function play(app) {
  if (app.run.running) return null;
  const invalid = refuseIfInvalid(app, 'training');
  if (invalid) return invalid;
  commit(app);
  const done = refuseIfFinished(app);
  if (done) return done;
  send(app, TO_WORKER.PLAY);
  setRunning(app, true);
  invalidate(app, 'status');
  return null;
}

export function pause(app) {
  if (!app.run.running) return;
  send(app, TO_WORKER.PAUSE);
  setRunning(app, false);
  invalidate(app, 'status');
}

function step(app) {
  if (refuseIfInvalid(app, 'stepping')) return;
  commit(app);
  if (refuseIfFinished(app)) return;
  send(app, TO_WORKER.STEP);
  setRunning(app, false);
  invalidate(app, 'status');
}

function reset(app) {
  if (app.state.valid) commit(app);
  send(app, TO_WORKER.RESET);
  setRunning(app, false);
  invalidate(app, 'status');
}

/** In-page links (the nav to the labs) scroll to their target; the hash keeps the settings. */
function followAnchor(e) {
  const a = e.target.closest?.('a[href^="#"]');
  const target = a && !hasSettings(a.hash) && document.getElementById(a.hash.slice(1));
  if (!target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  target.scrollIntoView({ block: 'start' });
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
}

export function wireControls(app) {
  const { ui, state } = app;
  ui.preset.addEventListener('change', () => {
    state.applyPreset(ui.preset.value);
    showControls(app);
    commit(app);
  });
  for (const k of INPUT_KEYS) {
    const input = ui.inputs[k];
    // Clear a message as soon as the text is valid again; show a new one only when it is committed.
    input.addEventListener('input', () => {
      if (!state.set(k, input.value)) showError(app, k);
    });
    const apply = () => {
      state.set(k, input.value);
      showError(app, k);
      commit(app);
    };
    input.addEventListener('change', apply);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        apply();
      }
    });
  }
  for (const r of ui.scale) {
    r.addEventListener('change', () => {
      state.set('scale', r.value);
      writeHash(app);
      invalidate(app, 'chart');
    });
  }
  ui.kscale.addEventListener('change', () => {
    state.set('kscale', ui.kscale.value);
    writeHash(app);
    invalidate(app, 'kernels');
  });
  addEventListener('hashchange', () => {
    if (!hasSettings(location.hash)) return; // an in-page anchor: the settings stay as they are
    app.alerts.set('hash', hashNotice(state.readHash(location.hash)));
    showControls(app);
    commit(app);
    invalidate(app, 'chart', 'kernels', 'status');
  });
  ui.train.addEventListener('click', () => (app.run.running ? pause(app) : play(app)));
  ui.step.addEventListener('click', () => step(app));
  ui.reset.addEventListener('click', () => reset(app));
  document.addEventListener('click', followAnchor);
}
