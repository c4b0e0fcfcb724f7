// Keep and hand on the model: the pretrained model loaded when the settings are one of the site's
// (www/models/), Save weights (a .safetensors download), Load weights (file picker or a file
// dropped anywhere on the page; parsed and checked in the worker, never here), the Python that loads
// a file into the notebook, and the last model kept (keep-last.js: in memory, and in IndexedDB with
// the offer to resume or forget it; given back to a replaced worker). A file replaces the model only once the engine accepted it whole; a refused
// one leaves the current model as it was, training if it was.
//
// The app calls `mountKeep(app)` once the worker is started; commands.js hands it every `ready`
// (`keep.onReady`), frame (`keep.onFrame`) and `weights-refused` (`keep.onRefused`), and, when it
// replaces a crashed or hung worker, takes `keep.keptForRestart()` and gives it to `keep.restore`.

import { openStore } from '../kit/store.js';
import { loadModelTable, pretrainedFor, fetchModel, pretrainedSource, sameSettings } from '../kit/models.js';
import { showControls, writeHash } from './controls.js';
import { configMessage } from './commands.js';
import { sourceLine, describeFile, pythonSnippet, patchOf, saveName } from './keep-text.js';
import { tell, send, onFrame, keepNow, offerKept, resume, forget, keptForRestart, restoreAfterRestart, unstoredLoss } from './keep-last.js';
import { warnOnLeave } from '../kit/leave.js';
import { grouped } from '../kit/grouped.js';

/** Largest file the page reads (the engine's limit too, src/weights: MAX_FILE_BYTES). */
const MAX_BYTES = 64 << 20;

function findUi() {
  const $ = (id) => document.getElementById(id);
  return {
    box: $('keep'), source: $('model-source'), save: $('save-weights'), load: $('load-weights'),
    file: $('weights-file'), message: $('keep-message'), fileInfo: $('keep-file'), python: $('keep-python'),
    pythonCode: $('keep-python-code'), offer: $('keep-offer'), offerText: $('keep-offer-text'),
    resume: $('keep-resume'), forget: $('keep-forget'), storage: $('keep-storage'), panel: $('keep').closest('section'),
  };
}

export function mountKeep(app) {
  const keep = {
    app, ui: findUi(), store: null, kept: null, table: loadModelTable().catch(() => []),
    origin: null, model: null, prior: 0, lastKept: { generation: -1, steps: -1, epoch: -1, at: 0 }, last: null,
    saving: false, again: false, sent: 0, stored: null, // stored: {generation, steps} of the copy in IndexedDB
  };
  const { ui } = keep;
  ui.save.addEventListener('click', () => save(keep));
  ui.load.addEventListener('click', () => ui.file.click());
  ui.file.addEventListener('change', () => {
    if (ui.file.files[0]) loadFile(keep, ui.file.files[0]);
    ui.file.value = '';
  });
  // The whole page takes a dropped file (a miss beside the panel must not open the file in the
  // tab, which would lose the model); the Model panel shows where it goes.
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    ui.panel.classList.add('dropping');
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) ui.panel.classList.remove('dropping');
  });
  document.addEventListener('drop', (e) => {
    ui.panel.classList.remove('dropping');
    const f = e.dataTransfer?.files?.[0];
    if (!f) return;
    e.preventDefault();
    loadFile(keep, f);
  });
  ui.resume.addEventListener('click', () => resume(keep));
  ui.forget.addEventListener('click', () => forget(keep));
  openStore().then((store) => offerKept(keep, store));
  keep.onReady = (msg) => onReady(keep, msg);
  keep.onFrame = (msg) => onFrame(keep, msg);
  keep.keptForRestart = () => keptForRestart(keep);
  keep.restore = (rec) => restoreAfterRestart(keep, rec);
  warnOnLeave(() => unstoredLoss(keep));
  keep.onRefused = (msg) => tell(keep, `${nameOf(msg.source)} was not loaded: ${msg.message} The current model is kept.`, true);
  app.keep = keep;
  return keep;
}

/** What a refusal calls a load's source. */
function nameOf(src = {}) {
  if (src.name && src.kind === 'file') return `“${src.name}”`;
  if (src.kind === 'pretrained') return `The pretrained ${src.title}`;
  return src.kind === 'kept' ? 'The kept model' : 'The file';
}

// ---- the worker's reports ------------------------------------------------------------------

function onReady(keep, msg) {
  const { app, ui } = keep;
  const origin = msg.origin ?? { cause: 'config' };
  keep.origin = origin;
  keep.model = origin.cause === 'weights'
    ? { settings: origin.file.settings, sizes: origin.file.sizes }
    : { settings: app.state.trainerSettings(), sizes: [msg.info.dim, msg.info.d] };
  const src = origin.source ?? {};
  keep.prior = origin.cause !== 'weights' ? 0 : src.epochs ?? origin.file?.provenance?.epochs ?? 0;
  if (origin.cause === 'weights') {
    const notes = [];
    const refused = followFile(app, origin.file.settings, src.kind === 'kept' ? src.limit : app.state.values.epochs);
    const { unshown } = patchOf(origin.file.settings);
    if (refused) notes.push(`The controls could not show the file’s settings (${refused}); changing a setting starts a new model.`);
    if (unshown.length) notes.push(`The page has no control for ${unshown.join(' and ')}: the model keeps them until you change a setting.`);
    if (src.kind === 'file') {
      ui.fileInfo.textContent = `“${src.name}”: ${describeFile(origin.file)}`;
      showPython(keep, src.name, origin.file.settings, origin.file.sizes);
      tell(keep, `Loaded “${src.name}”. ${notes.join(' ')}`);
      keepNow(keep); // a reload offers the file's model back
    } else {
      tell(keep, notes.join(' '));
    }
  } else if (origin.cause === 'config') {
    loadPretrained(keep, msg.generation);
  }
  showSource(keep);
}

/**
 * The controls and the hash follow a loaded file's settings, and they count as sent: the worker
 * already has this model, so no config goes out (one would rebuild a model the page cannot
 * describe fully, e.g. one with hidden layers). Returns the refusal's sentences, or ''.
 */
function followFile(app, settings, epochs) {
  const { patch } = patchOf(settings);
  const refused = app.state.apply({ ...patch, epochs });
  if (refused.length) return refused.join(' ');
  showControls(app);
  writeHash(app);
  app.run.sent = JSON.stringify(configMessage(app.state));
  return '';
}

function showSource(keep) {
  const text = sourceLine(keep.origin, keep.app.state.values.seed);
  keep.ui.source.textContent = text;
  keep.ui.box.dataset.source = keep.origin?.cause === 'weights' ? keep.origin.source?.kind ?? '' : 'seed';
}

/** A model built from settings the site has a pretrained model for gets its weights. */
async function loadPretrained(keep, generation) {
  const { app } = keep;
  const settings = app.state.trainerSettings();
  const sent = keep.sent;
  const entry = pretrainedFor(await keep.table, settings, app.state.values.data);
  if (!entry) return;
  let bytes;
  try {
    bytes = await fetchModel(entry);
  } catch (e) {
    tell(keep, `The pretrained ${entry.title} could not be fetched (${e.message}); the model starts from its seed.`, true);
    return;
  }
  // Dropped if the model or the settings changed meanwhile (a newer config, a Reset, a file).
  if (app.run.generation !== generation || keep.sent !== sent || !sameSettings(settings, app.state.trainerSettings())) return;
  send(keep, bytes, pretrainedSource(entry));
}

// ---- the person's actions ------------------------------------------------------------------

async function save(keep) {
  const { app, ui } = keep;
  if (!app.run.info) return tell(keep, 'There is no model to save yet.', true);
  try {
    // The worker's Blob (worker-queries.js): one made here copies the bytes on the page's thread.
    const { bytes, blob } = await app.model.callWith({ blob: true }, 'save_weights', 'f32', keep.prior);
    const epochs = keep.prior + (app.run.frame?.stats.epoch ?? 0);
    const name = saveName(app.run.info.d, epochs);
    const url = URL.createObjectURL(blob.slice(0, blob.size, 'application/octet-stream'));
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    ui.box.dataset.saved = String(bytes.length);
    tell(keep, `Saved “${name}” (${grouped(bytes.length)} bytes, F32, ${epochs} epochs).`);
    showPython(keep, name, keep.model.settings, keep.model.sizes);
  } catch (e) {
    tell(keep, `The weights could not be saved: ${e.message}`, true);
  }
}

function showPython(keep, name, settings, sizes) {
  keep.ui.pythonCode.textContent = pythonSnippet(name, settings, sizes);
  keep.ui.python.hidden = false;
}

async function loadFile(keep, file) {
  const { app } = keep;
  if (!app.state.valid) return tell(keep, `“${file.name}” was not loaded: a setting under Model is invalid; fix it first.`, true);
  if (file.size > MAX_BYTES) {
    return tell(keep, `“${file.name}” was not loaded: ${grouped(file.size)} bytes is over the limit of ${MAX_BYTES >> 20} MiB. The current model is kept.`, true);
  }
  tell(keep, `Checking “${file.name}”…`);
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    return tell(keep, `“${file.name}” could not be read: ${e.message}. The current model is kept.`, true);
  }
  send(keep, bytes, { kind: 'file', name: file.name });
}
