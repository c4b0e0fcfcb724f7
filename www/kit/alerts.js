// A page's one alert region (`<p role="alert">`), shared by the things that need to interrupt:
// the engine's refusals, a training that diverged, a worker that crashed, a link whose settings
// were refused. Each source owns one keyed message, so clearing one (a new model is ready) never
// hides another (the link's refusals); the region shows them in the order they came, as text only.
//
//   const alerts = new Alerts(document.getElementById('alert'));
//   alerts.set('hash', hashNotice(state.readHash(location.hash)));   // '' clears
//   alerts.clear('engine');

/** At most this many of a link's refusals are spelt out; the rest are counted. */
export const HASH_SENTENCES = 3;

export class Alerts {
  /** `el`: the page's alert element (hidden when there is nothing to say). */
  constructor(el) {
    this.el = el;
    this.items = new Map(); // key -> sentence(s), in the order first set
  }

  /** Show `text` as source `key`'s message (replacing its previous one); '' or null clears it. */
  set(key, text) {
    if (!text) return this.clear(key);
    if (this.items.get(key) === text) return;
    this.items.delete(key);
    this.items.set(key, text);
    this.render();
  }

  /** Remove source `key`'s message, if any. */
  clear(key) {
    if (this.items.delete(key)) this.render();
  }

  /** Source `key`'s message, or ''. */
  get(key) {
    return this.items.get(key) ?? '';
  }

  render() {
    const text = [...this.items.values()].join(' ');
    this.el.textContent = text; // never innerHTML: these sentences quote the URL and the engine
    this.el.hidden = !text;
  }
}

/**
 * One notice for a link's refused and unknown settings (`sentences`, from `readHash`): the first
 * few spelt out, the rest counted, so a 100 kB link of garbage gives a short paragraph. '' if none.
 */
export function hashNotice(sentences) {
  if (!sentences?.length) return '';
  const shown = sentences.slice(0, HASH_SENTENCES).join(' ');
  const rest = sentences.length - HASH_SENTENCES;
  const more = rest > 0 ? ` (and ${rest} more ${rest === 1 ? 'problem' : 'problems'} in the link, ignored the same way)` : '';
  return `This link's settings were not all usable; the page uses its defaults for those. ${shown}${more}`;
}
