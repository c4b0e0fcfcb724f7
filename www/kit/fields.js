// Settings held in the URL hash, for every page of the site (the training page's www/state.js, the
// 2-D lab's www/manifold/state.js): field parsers that answer {value} or {error: a sentence for a
// person}, and `FieldState`, the base of a page's one state — the valid values, the text each
// control shows, an error per invalid key — with the hash read that never throws and reports what
// it refused.

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^\+?\d+$/;
/** Longest piece of a link quoted back in a message (a link may be 100 kB of noise). */
const QUOTE = 40;

/** A whole number in [min, max]; `what` names it in the message. */
export function integer(what, min, max) {
  return (text) => {
    const n = INTEGER.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      return { error: `${what} must be a whole number from ${min} to ${max}.` };
    }
    return { value: n };
  };
}

/**
 * A finite number in [min, max]; `open` excludes min ("above 0 and at most 10"), `openMax`
 * excludes max ("from 0 up to (not including) 1").
 */
export function decimal(what, min, max, { open = false, openMax = false } = {}) {
  const rule = open ? `above ${min} and at most ${max}`
    : openMax ? `from ${min} up to (not including) ${max}` : `from ${min} to ${max}`;
  return (text) => {
    const n = NUMBER.test(text) ? Number(text) : NaN;
    const ok = Number.isFinite(n) && (open ? n > min : n >= min) && (openMax ? n < max : n <= max);
    return ok ? { value: n } : { error: `${what} must be a number ${rule}.` };
  };
}

/** One of `choices` (strings). */
export function oneOf(what, choices) {
  return (text) => (choices.includes(text)
    ? { value: text }
    : { error: `${what} must be one of: ${choices.join(', ')}.` });
}

/** A hash ('#a=1&b=2' or 'a=1&b=2', any text at all) as URLSearchParams. */
export function hashParams(hash) {
  return new URLSearchParams(String(hash).replace(/^#/, ''));
}

/** Show `hash` ('#a=1&…') in the address bar without a history entry; true when it changed. */
export function showHash(hash) {
  if (location.hash === hash) return false;
  history.replaceState(null, '', hash);
  return true;
}

/** `text` cut to a length a message can quote. */
export function quote(text) {
  const t = String(text);
  return t.length > QUOTE ? `${t.slice(0, QUOTE)}…` : t;
}

/** The messages for keys of `params` that no field knows (`known(key)` says which do). */
export function unknownKeys(params, known) {
  const out = [];
  for (const k of new Set(params.keys())) {
    if (!known(k)) out.push(`The link's “${quote(k)}” is not a setting of this page; it was ignored.`);
  }
  return out;
}

/**
 * A page's settings: `fields` maps each key to {parse(text) → {value} | {error}}. `values` hold
 * the last valid value of each key (what the model uses), `text` what each control shows (maybe
 * invalid), `errors` a message per invalid key.
 */
export class FieldState {
  constructor(fields, values) {
    this.fields = fields;
    this.values = { ...values };
    this.text = Object.fromEntries(Object.keys(fields).map((k) => [k, String(this.values[k])]));
    this.errors = {};
  }

  /** True when every control holds a valid value. */
  get valid() {
    return Object.keys(this.errors).length === 0;
  }

  /** True when `key` is one of this state's fields (own keys only: never 'constructor'). */
  has(key) {
    return Object.hasOwn(this.fields, key);
  }

  /**
   * Set one key from a control's text. Returns the error message, or null when it was valid
   * (the value is then taken). An invalid text never changes `values`.
   */
  set(key, text) {
    if (!this.has(key)) throw new Error(`unknown setting ${key}`);
    const t = String(text).trim();
    this.text[key] = t;
    const r = this.fields[key].parse(t);
    if (r.error) {
      this.errors[key] = r.error;
      return r.error;
    }
    delete this.errors[key];
    this.values[key] = r.value;
    return null;
  }
}
