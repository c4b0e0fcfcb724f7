// The 2-D lab's controls: settings ⇄ controls ⇄ URL hash through the one LabState, the buttons,
// and a new configuration for the worker when a model-shaping setting changes.

import { hashNotice } from '../kit/alerts.js';
import { KEYS } from './state.js';
import { TO_WORKER } from './protocol.js';
import { showHash } from '../kit/fields.js';
import { page, $, send, setRunning } from './page.js';
import { layoutFigures } from './figures.js';

const TEXT_KEYS = ['points', 'noise', 'sigma', 'lambda', 'width', 'depth', 'code', 'lr', 'seed'];

function showError(key, message) {
  const el = $(`${key}-error`);
  if (el) {
    el.textContent = message || '';
    el.hidden = !message;
  }
  const input = $(key);
  if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

export function syncControls() {
  const s = page.state;
  for (const k of TEXT_KEYS) $(k).value = s.text[k];
  $('curve').value = s.values.curve;
  $('curve').querySelector('option[value="drawn"]').disabled = !s.values.stroke;
  for (const box of document.querySelectorAll('input[name="show"]')) box.checked = s.values.show.includes(box.value);
  for (const r of document.querySelectorAll('input[name="view"]')) r.checked = r.value === s.values.view;
  for (const k of KEYS) showError(k, s.errors[k]);
  layoutFigures();
}

export function writeHash() {
  showHash(`#${page.state.toHash()}`);
}

/**
 * Send a config when the model settings changed (and are valid). `kept` (a worker's `kept`
 * report, after a restart): each lab starts from its bytes.
 */
export function maybeRebuild(kept = null) {
  writeHash();
  if (!page.state.valid) return;
  const key = page.state.modelKey();
  if (key === page.builtKey) return;
  page.builtKey = key;
  page.wantRunning = page.running;
  const s = page.state;
  const labs = s.shown().map((v) => ({ variant: v.key, settings: s.labSettings(v.key), weights: kept?.labs.find((l) => l.variant === v.key)?.bytes }));
  send(TO_WORKER.CONFIG, { labs, drawn: s.strokePoints() });
  page.status.say('Building the models…');
}

function onControl(key, text) {
  const err = page.state.set(key, text);
  showError(key, err);
  if (key === 'view') {
    writeHash();
    page.dirty = true;
    return;
  }
  if (key === 'show') layoutFigures();
  maybeRebuild();
}

export function wireControls() {
  for (const k of TEXT_KEYS) {
    $(k).addEventListener('change', (e) => onControl(k, e.target.value));
    $(k).addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); onControl(k, e.target.value); } });
  }
  $('settings').addEventListener('submit', (e) => e.preventDefault());
  $('curve').addEventListener('change', (e) => onControl('curve', e.target.value));
  for (const box of document.querySelectorAll('input[name="show"]')) {
    box.addEventListener('change', () => {
      const letters = [...document.querySelectorAll('input[name="show"]:checked')].map((b) => b.value).join('');
      onControl('show', letters);
    });
  }
  for (const r of document.querySelectorAll('input[name="view"]')) r.addEventListener('change', () => onControl('view', r.value));
  $('train').addEventListener('click', () => {
    // The name changes at once; the worker's next frame confirms it.
    const play = !page.running;
    send(play ? TO_WORKER.PLAY : TO_WORKER.PAUSE);
    setRunning(play, false);
  });
  $('step').addEventListener('click', () => send(TO_WORKER.STEP));
  $('reset').addEventListener('click', () => { page.wantRunning = false; send(TO_WORKER.RESET); });
  addEventListener('hashchange', () => {
    page.alerts.set('hash', hashNotice(page.state.readHash(location.hash)));
    syncControls();
    maybeRebuild();
  });
}
