// What the experiments of one lab share on the page's one model, whether mounted together (the
// lab's index.js makes one `Lab` and passes it as `opts.lab`) or alone (an experiment makes its
// own): the model's info, the root element whose data-* counters record what was painted (the
// browser tests wait on them), a small event bus between experiments, and one refresh loop that
// asks the model one experiment at a time — at most every `everyMs` while training, at once
// when training stops, and only while the root is on screen.
import { bump, fromHtml, logUnlessLost, useStylesheet } from '../kit/dom.js';

export class Lab {
  /**
   * @param {HTMLElement} root  the lab's section (or a lone experiment's container)
   * @param {object} model      www/model.js's client (or its `forSection` view)
   * @param {{everyMs?: number, prepare?: (info) => Promise<void>}} opts  `prepare` runs on each
   *   new model before the experiments hear 'ready' (e.g. the latent lab loads its digits)
   */
  constructor(root, model, { everyMs = 1000, prepare = null } = {}) {
    Object.assign(this, { root, model, everyMs, prepare });
    this.info = null;
    this.loaded = false; // prepared for the current model
    this.visible = false;
    this.listeners = new Map(); // event -> [cb]
    this.tasks = []; // async (force, now) => void, in mount order
    this.busy = false;
    this.again = null; // null | 'soft' | 'force'
    this.lastRefresh = 0;
    this.lastFrame = null;
    this.started = false;
    new IntersectionObserver((entries) => {
      // One target, its entries oldest first: the newest is whether the root is on screen now.
      this.visible = entries[entries.length - 1].isIntersecting;
      if (this.visible && this.loaded) this.refresh(false);
    }).observe(root);
    let timer = 0;
    addEventListener('resize', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.emit('resize'), 150);
    });
  }

  /**
   * Hear the model from now on (its current trainer at once): call it once every experiment has
   * registered its listeners and tasks — a lab mounted one experiment per task starts after the
   * last, a lone experiment (openExperiment) at the end of its mount.
   */
  start() {
    if (this.started) return;
    this.started = true;
    this.model.onReady((info) => this.ready(info));
    this.model.onFrame((frame) => this.frame(frame));
  }

  /** `cb(...args)` on `event`; an async `cb` is awaited by `emit`. */
  on(event, cb) {
    if (!this.listeners.has(event)) this.listeners.set(event, []);
    this.listeners.get(event).push(cb);
  }

  /** Call every listener of `event`; resolves when the async ones are done. */
  emit(event, ...args) {
    return Promise.all((this.listeners.get(event) ?? []).map((cb) => cb(...args)));
  }

  /** Add one to the root's counter `data-<key>`. */
  count(key) {
    bump(this.root, key);
  }

  /** Register an experiment's refresh: `fn(force, now)` asks the model and repaints. */
  task(fn) {
    this.tasks.push(fn);
  }

  async ready(info) {
    this.info = info;
    this.loaded = false;
    const gen = this.model.generation;
    await this.emit('reset', info);
    try {
      if (this.prepare) await this.prepare(info);
    } catch (e) {
      this.emit('error', e);
      return;
    }
    if (gen !== this.model.generation) return; // a newer model came meanwhile
    this.loaded = true;
    await this.emit('ready', info);
    await this.refresh(true);
  }

  frame(frame) {
    this.lastFrame = frame;
    this.emit('frame', frame);
    if (!this.visible || !this.loaded || frame.generation !== this.model.generation) return;
    // While training, at most every `everyMs`; a frame of a stopped model (pause, step, done)
    // refreshes everything, so what stays on screen is the model as it is.
    if (frame.running && performance.now() - this.lastRefresh < this.everyMs) return;
    this.refresh(!frame.running);
  }

  /** Run every task in turn; a call during a run runs them once more after it. */
  async refresh(force) {
    if (!this.loaded) return;
    if (this.busy) {
      this.again = this.again === 'force' || force ? 'force' : 'soft';
      return;
    }
    this.busy = true;
    try {
      const now = performance.now();
      this.lastRefresh = now;
      for (const t of this.tasks) {
        try {
          await t(force, now);
        } catch (e) {
          logUnlessLost(e);
        }
      }
    } finally {
      this.busy = false;
    }
    if (this.again) {
      const f = this.again === 'force';
      this.again = null;
      this.refresh(f);
    }
  }
}

/**
 * The start of every experiment's `mount`: its lab's stylesheet `css` (a URL), its `Lab` — the
 * lab's own (`opts.lab`) or, mounted alone, a new one from `makeLab(container)` plus the parts
 * `alone(lab)` adds (such as the controls) — and its box built from `html`, appended to
 * `container`. Returns {lab, box, $ (a query in the box), ctx (a canvas's 2-D context), unmount}.
 */
export function openExperiment(container, model, opts, { css, html, makeLab, alone = null }) {
  useStylesheet(css);
  const lab = opts.lab ?? makeLab(container, model);
  const extra = opts.lab || !alone ? null : alone(lab);
  if (!opts.lab) queueMicrotask(() => lab.start()); // after the rest of this experiment's mount
  const box = fromHtml(html);
  box.classList.add('experiment'); // the page finds each experiment's box by it (its Embed button)
  container.append(box);
  const $ = (s) => box.querySelector(s);
  return { lab, box, $, ctx: (s) => $(s).getContext('2d'), unmount: () => { extra?.unmount?.(); box.remove(); } };
}
