// Every setting of the page: its default, its validation, and its round trip through the URL hash
// (#preset=standard&d=30&lr=0.001&batch=256&epochs=20&p=0.5&seed=0), so a copied link reopens the
// same configuration and seed. The page keeps exactly one `State`; nothing else here is mutable.

import { FieldState, integer, decimal, oneOf, hashParams, unknownKeys, quote } from './kit/fields.js';

/**
 * The two models of the notebook 10-autoencoder.ipynb: Linear(784,d)+Tanh, Linear(d,784)+Tanh,
 * MSE, Adam lr 1e-3, batch 256, 20 epochs. The denoising one multiplies each image by a
 * Dropout(p=0.5) mask (values 0 or 1/(1−p) = 2) before encoding it.
 */
export const PRESETS = Object.freeze({
  standard: Object.freeze({ label: 'Notebook standard AE', d: 30, lr: 0.001, batch: 256, epochs: 20, p: 0.5 }),
  denoising: Object.freeze({ label: 'Notebook denoising AE', d: 500, lr: 0.001, batch: 256, epochs: 20, p: 0.5 }),
});

/**
 * The settings, in hash order. `parse(text)` gives {value} or {error} (a sentence for a person);
 * `hash: 'always'` keys are written to every hash, `'changed'` keys only when not at their default.
 */
export const FIELDS = Object.freeze({
  preset: { label: 'Preset', hash: 'always', parse: oneOf('Preset', Object.keys(PRESETS)) },
  d: { label: 'Code size d', hash: 'always', parse: integer('Code size d', 1, 2048) },
  lr: { label: 'Learning rate', hash: 'always', parse: decimal('Learning rate', 0, 10, { open: true }) },
  batch: { label: 'Batch size', hash: 'always', parse: integer('Batch size', 1, 4096) },
  epochs: { label: 'Epochs', hash: 'always', parse: integer('Epochs', 1, 1000) },
  p: { label: 'Noise p', hash: 'always', parse: decimal('Noise p', 0, 1, { openMax: true }) },
  seed: { label: 'Seed', hash: 'always', parse: integer('Seed', 0, 4294967295) },
  // How the page shows things; in the hash only when changed.
  scale: { label: 'Loss axis', hash: 'changed', parse: oneOf('Loss axis', ['linear', 'log']) },
  kscale: { label: 'Kernel colour scale', hash: 'changed', parse: oneOf('Kernel colour scale', ['tile', 'global']) },
  // The data set the model trains on (app/data.js): in the hash only when not MNIST.
  data: { label: 'Data', hash: 'changed', parse: oneOf('Data', ['mnist', 'fashion', 'user']) },
});

/** Every setting's key, in hash order. */
export const KEYS = Object.freeze(Object.keys(FIELDS));

/**
 * The capacity lab's model settings (www/labs/capacity/): the lecture's regularisers on top
 * of a preset. Kept apart from FIELDS: they are set from the panel, always valid in `lab` (an
 * invalid text is refused by `setLab` and never stored), and in the hash only when changed.
 */
export const LAB_FIELDS = Object.freeze({
  reg: { label: 'Regulariser', parse: oneOf('Regulariser', ['none', 'contractive']) },
  lambda: { label: 'Contractive λ', parse: decimal('Contractive λ', 0, 1000) },
  tied: { label: 'Tied weights', parse: oneOf('Tied weights', ['false', 'true']) },
  loss: { label: 'Loss', parse: oneOf('Loss', ['mse', 'bce']) },
  act: { label: 'Activation', parse: oneOf('Activation', ['tanh', 'linear']) },
});
export const LAB_KEYS = Object.freeze(Object.keys(LAB_FIELDS));
// λ is the contractive lesson's (src/presets.rs CONTRACTIVE_LAMBDA; 0.1 makes every output the
// mean digit): the hash is read before the engine loads; tests/e2e/lessons.test.mjs checks it.
export const LAB_DEFAULTS = Object.freeze({ reg: 'none', lambda: 0.01, tied: 'false', loss: 'mse', act: 'tanh' });

/**
 * True when a hash holds settings ('#d=100&…'), false for an in-page anchor ('#panel-latent') or
 * an empty hash: an anchor never resets the settings.
 */
export function hasSettings(hash) {
  return [...hashParams(hash).keys()].some((k) => Object.hasOwn(FIELDS, k) || Object.hasOwn(LAB_FIELDS, k));
}

/** Every default, for a preset (the seed and the view do not depend on it). */
export function defaults(preset = 'standard') {
  const { d, lr, batch, epochs, p } = PRESETS[preset];
  return { preset, d, lr, batch, epochs, p, seed: 0, scale: 'linear', kscale: 'tile', data: 'mnist' };
}

/** How a value is written into a control and into the hash. */
export function format(value) {
  return String(value);
}

/**
 * The page's one state. `values` are the last valid value of each key (what the model uses);
 * `text` is what each control shows (maybe invalid); `errors` holds a message per invalid key.
 */
export class State extends FieldState {
  constructor(preset = 'standard') {
    super(FIELDS, defaults(preset));
    this.lab = { ...LAB_DEFAULTS };
  }

  /** Set one lab key (LAB_FIELDS) from text: the error message, or null when it was taken. */
  setLab(key, text) {
    const field = Object.hasOwn(LAB_FIELDS, key) ? LAB_FIELDS[key] : null;
    if (!field) throw new Error(`unknown lab setting ${key}`);
    const r = field.parse(String(text).trim());
    if (r.error) return r.error;
    this.lab[key] = r.value;
    return null;
  }

  /** A state read from a location hash ('#a=1&b=2' or 'a=1&b=2'). */
  static fromHash(hash) {
    const s = new State();
    s.readHash(hash);
    return s;
  }

  /** Switch to a preset: its d, lr, batch, epochs and p; the seed and the view stay. */
  applyPreset(name) {
    const err = this.set('preset', name);
    if (err) return err;
    const base = defaults(name);
    for (const k of ['d', 'lr', 'batch', 'epochs', 'p']) this.set(k, format(base[k]));
    return null;
  }

  /**
   * Take every key from a hash (any text: never throws). Keys it lacks get the defaults of its
   * preset (so `#preset=denoising` alone means the notebook's denoising AE); invalid ones are
   * kept as text with their error. Returns a sentence per thing refused or ignored.
   */
  readHash(hash) {
    const params = hashParams(hash);
    const preset = params.get('preset');
    const base = defaults(preset && Object.hasOwn(PRESETS, preset) ? preset : 'standard');
    const messages = [];
    this.errors = {};
    for (const k of KEYS) {
      this.values[k] = base[k];
      const err = this.set(k, params.has(k) ? params.get(k) : format(base[k]));
      if (err && FIELDS[k].hash === 'changed') {
        // A bad view option in a link is not worth a refusal: show the default instead.
        delete this.errors[k];
        this.text[k] = format(base[k]);
        messages.push(`${err} The link's “${quote(params.get(k))}” was ignored; ${format(base[k])} is used.`);
      } else if (err) {
        messages.push(`${err} The link's “${quote(params.get(k))}” was not used.`);
      }
    }
    // Lab keys: a bad one in a link falls back to its default (the panel says what it uses).
    this.lab = { ...LAB_DEFAULTS };
    for (const k of LAB_KEYS) {
      const err = params.has(k) ? this.setLab(k, params.get(k)) : null;
      if (err) messages.push(`${err} The link's “${quote(params.get(k))}” was ignored; ${format(LAB_DEFAULTS[k])} is used.`);
    }
    return messages.concat(unknownKeys(params, (k) => Object.hasOwn(FIELDS, k) || Object.hasOwn(LAB_FIELDS, k)));
  }

  /** The hash of the valid values, without '#'. */
  toHash() {
    const base = defaults(this.values.preset);
    const params = new URLSearchParams();
    for (const k of KEYS) {
      if (FIELDS[k].hash === 'always' || this.values[k] !== base[k]) params.set(k, format(this.values[k]));
    }
    for (const k of LAB_KEYS) if (this.lab[k] !== LAB_DEFAULTS[k]) params.set(k, format(this.lab[k]));
    return params.toString();
  }

  /** A frozen flat copy of every valid setting, for the labs (`tied` as a boolean). */
  snapshot() {
    return Object.freeze({ ...this.values, ...this.lab, tied: this.lab.tied === 'true' });
  }

  /**
   * Apply `patch` ({key: value}, keys of FIELDS or LAB_FIELDS): the preset first (with its
   * defaults), then the rest, all or nothing. Returns the refusals as sentences (none: applied).
   */
  apply(patch) {
    if (!this.valid) return ['A setting under Model is invalid; fix it first.'];
    const trial = State.fromHash(this.toHash());
    const problems = [];
    const entries = Object.entries(patch ?? {});
    const preset = entries.find(([k]) => k === 'preset');
    if (preset) problems.push(trial.applyPreset(String(preset[1])));
    for (const [k, v] of entries) {
      if (k === 'preset') continue;
      if (Object.hasOwn(FIELDS, k)) problems.push(trial.set(k, format(v)));
      else if (Object.hasOwn(LAB_FIELDS, k)) problems.push(trial.setLab(k, format(v)));
      else problems.push(`“${String(k).slice(0, 40)}” is not a setting.`);
    }
    const refused = problems.filter(Boolean);
    if (!refused.length) this.readHash(trial.toHash());
    return refused;
  }

  /** True when this key is used by the current preset (the noise p only by the denoising AE). */
  applies(key) {
    return key !== 'p' || this.values.preset === 'denoising';
  }

  /** The settings object for `new Trainer(settings, images, labels)` (see docs/ARCHITECTURE.md). */
  trainerSettings() {
    const v = this.values;
    const s = { variant: v.preset, d: v.d, lr: v.lr, batch: v.batch, seed: v.seed, loss: 'mse', optimizer: 'adam', tied: false };
    if (v.preset === 'denoising') Object.assign(s, { corruption: 'dropout', noise_p: v.p });
    // The capacity lab's settings, only when changed (the notebook's settings stay as they were).
    const lab = this.lab;
    if (lab.reg === 'contractive') Object.assign(s, { variant: 'contractive', lambda: lab.lambda });
    if (lab.tied === 'true') s.tied = true;
    if (lab.loss === 'bce') s.loss = 'bce';
    if (lab.act === 'linear') s.activation = 'linear';
    return s;
  }
}
