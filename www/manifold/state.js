// Every setting of the 2-D manifold lab: default, validation, and round trip through the URL hash
// (#curve=circle&points=400&noise=0.02&sigma=0.15&lambda=0.1&width=64&depth=1&code=2&lr=0.003&seed=0),
// so a copied link reopens the same data, model and seed — a drawn stroke included (`stroke`,
// quantised to 12 bits per coordinate). The page keeps exactly one `LabState`.

import { FieldState, integer, decimal, oneOf, hashParams, unknownKeys, quote } from '../kit/fields.js';

/** Half-width of the view box [-VIEW, VIEW]² (the engine's `manifold::VIEW`). */
export const VIEW = 1.5;

/** The three variants, in display order, with their names on the page. */
export const VARIANTS = Object.freeze([
  Object.freeze({ key: 'standard', letter: 's', label: 'Standard AE' }),
  Object.freeze({ key: 'denoising', letter: 'd', label: 'Denoising AE' }),
  Object.freeze({ key: 'contractive', letter: 'c', label: 'Contractive AE' }),
]);

export const CURVES = Object.freeze(['circle', 'arcs', 'spiral', 'sine', 'drawn']);

/** Which variants are shown: a non-empty subset of 's', 'd', 'c', in that order. */
function variantSet(t) {
  const ok = /^[sdc]{1,3}$/.test(t) && new Set(t).size === t.length;
  if (!ok) return { error: 'Show at least one of the three autoencoders.' };
  return { value: VARIANTS.map((v) => v.letter).filter((l) => t.includes(l)).join('') };
}

/** A drawn stroke: '' or 4 base64url characters (two 12-bit coordinates) per point, 2–256 points. */
function stroke(t) {
  if (t === '') return { value: '' };
  if (!/^[A-Za-z0-9_-]+$/.test(t) || t.length % 4 !== 0 || t.length < 8 || t.length > 1024) {
    return { error: 'The drawn stroke in the link is damaged; draw the curve again.' };
  }
  return { value: t };
}

/** The settings, in hash order. `model: true` keys need new models when they change. */
export const FIELDS = Object.freeze({
  curve: { model: true, parse: oneOf('Data set', CURVES) },
  points: { model: true, parse: integer('Points', 16, 4096) },
  noise: { model: true, parse: decimal('Noise', 0, 0.5) },
  sigma: { model: true, parse: decimal('σ', 0, 2) },
  lambda: { model: true, parse: decimal('λ', 0, 100) },
  width: { model: true, parse: integer('Hidden width', 1, 256) },
  depth: { model: true, parse: integer('Depth', 0, 4) },
  code: { model: true, parse: integer('Code size', 1, 8) },
  lr: { model: true, parse: decimal('Learning rate', 0, 1, { open: true }) },
  seed: { model: true, parse: integer('Seed', 0, 4294967295) },
  show: { model: true, parse: variantSet },
  view: { model: false, parse: oneOf('Points view', ['clean', 'corrupted', 'jacobian']) },
  stroke: { model: true, parse: stroke },
});

export const KEYS = Object.freeze(Object.keys(FIELDS));

/**
 * Defaults: a clean picture of all three variants within a few seconds. `lr` and `lambda` are
 * the lesson's (src/presets.rs `manifold_presets`: lr 0.003, λ 0.1 make the contractive σ₂/σ₁
 * 0.29 against 0.83 at the stop); the page must know them before the engine loads (to read the
 * hash), and tests/e2e/lessons.test.mjs checks them against the engine's `presets()`.
 */
export const DEFAULTS = Object.freeze({
  curve: 'circle', points: 400, noise: 0.02, sigma: 0.15, lambda: 0.1, width: 64, depth: 1, code: 2,
  lr: 0.003, seed: 0, show: 'sdc', view: 'clean', stroke: '',
});

/** Keys written to every hash (the rest only when changed). */
const ALWAYS = new Set(['curve', 'points', 'noise', 'sigma', 'lambda', 'width', 'depth', 'code', 'lr', 'seed']);

// ---- strokes <-> text ---------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Float32Array [k, 2] in the view box → text (at most 256 points, evenly picked). */
export function encodeStroke(points) {
  const k = points.length / 2;
  const keep = Math.min(k, 256);
  let out = '';
  for (let i = 0; i < keep; i++) {
    const j = keep === 1 ? 0 : Math.round((i * (k - 1)) / (keep - 1));
    for (const v of [points[2 * j], points[2 * j + 1]]) {
      const q = Math.max(0, Math.min(4095, Math.round(((v + VIEW) / (2 * VIEW)) * 4095)));
      out += B64[q >> 6] + B64[q & 63];
    }
  }
  return out;
}

/** Text → Float32Array [k, 2] (the inverse of `encodeStroke`, to 12 bits). */
export function decodeStroke(text) {
  const out = new Float32Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const q = B64.indexOf(text[2 * i]) * 64 + B64.indexOf(text[2 * i + 1]);
    out[i] = (q / 4095) * 2 * VIEW - VIEW;
  }
  return out;
}

// ---- the state ----------------------------------------------------------------------------------

export class LabState extends FieldState {
  constructor() {
    super(FIELDS, DEFAULTS);
  }

  static fromHash(hash) {
    const s = new LabState();
    s.readHash(hash);
    return s;
  }

  /**
   * Take every key from a hash (any text: never throws); keys it lacks get their defaults, invalid
   * ones are kept as text with their error. Returns a sentence per thing refused or ignored.
   */
  readHash(hash) {
    const params = hashParams(hash);
    const messages = [];
    this.errors = {};
    for (const k of KEYS) {
      this.values[k] = DEFAULTS[k];
      const err = this.set(k, params.has(k) ? params.get(k) : String(DEFAULTS[k]));
      if (err) messages.push(`${err} The link's “${quote(params.get(k))}” was not used.`);
    }
    // A drawn curve without its stroke cannot be rebuilt: fall back to the default data set.
    if (this.values.curve === 'drawn' && !this.values.stroke) {
      this.set('curve', DEFAULTS.curve);
      messages.push(`A drawn curve needs its stroke, which the link lacks; the ${DEFAULTS.curve} is used.`);
    }
    return messages.concat(unknownKeys(params, (k) => Object.hasOwn(FIELDS, k)));
  }

  toHash() {
    const p = new URLSearchParams();
    for (const k of KEYS) {
      if (k === 'stroke' && this.values.curve !== 'drawn') continue;
      if (ALWAYS.has(k) || this.values[k] !== DEFAULTS[k]) p.set(k, String(this.values[k]));
    }
    return p.toString();
  }

  /** The variants shown, as entries of VARIANTS. */
  shown() {
    return VARIANTS.filter((v) => this.values.show.includes(v.letter));
  }

  /** The drawn stroke as Float32Array [k, 2], or null. */
  strokePoints() {
    return this.values.curve === 'drawn' && this.values.stroke ? decodeStroke(this.values.stroke) : null;
  }

  /** The settings object of `new ManifoldLab(settings, drawn)` for `variant`. */
  labSettings(variant) {
    const v = this.values;
    const batch = Math.min(100, v.points);
    return {
      variant, curve: v.curve, points: v.points, noise: v.noise, sigma: v.sigma, lambda: v.lambda,
      width: v.width, depth: v.depth, code: v.code, lr: v.lr, batch, seed: v.seed,
    };
  }

  /** A key that changes exactly when the models must be rebuilt. */
  modelKey() {
    return JSON.stringify(KEYS.filter((k) => FIELDS[k].model).map((k) => this.values[k]));
  }
}
