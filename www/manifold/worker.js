// The lab's training worker: owns up to three wasm `ManifoldLab` handles (standard, denoising,
// contractive, trained side by side on the same points from the same initial weights), starts
// each from the copy the page kept, else from the site's pretrained model of its settings
// (pretrained.js), else from the seed; trains them in time slices, sends frames of everything the
// page draws and, at pauses and every KEEP_EVERY_MS of training, a copy of the models (protocol.js).

import init, { wasm } from '../kit/engine.js';
import { TO_WORKER, TO_PAGE, SLICE_MS, FRAME_MS, CHUNK, HEAT, ARROWS, SWEEP, JAC_POINTS, KEEP_EVERY_MS } from './protocol.js';
import { loadTable, pretrainedFor, fetchModel } from './pretrained.js';
import { WorkerSession, post, messageOf, isCrash } from '../kit/session.js';

/** The labs of one configuration, their loss points since the last frame, and the grids. */
class Session extends WorkerSession {
  constructor() {
    super();
    this.labs = []; // [{variant, lab, origin, losses: [], lossSteps: [], last}]
    this.models = null; // promise of the pretrained table (pretrained.js), fetched on first use
    this.files = new Map(); // file name → promise of its bytes
    this.lastKept = 0; // performance.now() of the last copy sent
    this.config = null;
    this.generation = 0;
    this.steps = 0;
    this.epoch = 0;
    this.lastFrame = 0;
    this.heatGrid = null;
    this.arrowGrid = null;
    this.jacPoints = null; // Float32Array [k, 2]: where the Jacobian is evaluated
  }

  /** Build the grids once the engine is there. */
  async load() {
    await init();
    this.heatGrid = wasm.manifoldGrid(HEAT);
    // Where training stops: the lesson's step count (src/presets.rs), one number for the page,
    // the CLI and the tests.
    this.maxSteps = Math.max(...wasm.presets().manifold.map((p) => p.steps));
    this.arrowGrid = wasm.manifoldGrid(ARROWS);
  }

  get hasModel() {
    return this.labs.length > 0;
  }

  /** A refused command keeps the labs, and the page gets their frame again. */
  refuse(e) {
    super.refuse(e);
    if (this.labs.length) this.frame();
  }

  handle(msg) {
    switch (msg.type) {
      case TO_WORKER.CONFIG: return this.onlyLrChanged(msg) ? this.setLr(msg) : this.build(msg, true);
      case TO_WORKER.RESET: return this.build(this.config, false);
      case TO_WORKER.PLAY: return this.play();
      case TO_WORKER.PAUSE:
        this.running = false;
        this.frame();
        return this.keep();
      case TO_WORKER.STEP:
        this.running = false;
        this.train(1);
        this.frame();
        return this.keep();
      default: throw new Error(`unknown command ${msg.type}`);
    }
  }

  /** True when `config` asks for the current labs with another learning rate and nothing else. */
  onlyLrChanged(config) {
    if (!this.labs.length || !this.config || config.labs.length !== this.config.labs.length) return false;
    const withoutLr = (c) => JSON.stringify({ ...c, id: 0, labs: c.labs.map((l) => ({ ...l, settings: { ...l.settings, lr: 0 } })) });
    return withoutLr(config) === withoutLr(this.config);
  }

  /**
   * The learning rate does not shape the models: the same labs train on at the new rate
   * (`ManifoldLab.set_lr`), running or paused as they were. The labs share one rate, so a
   * refused one throws at the first lab, before any lab changed.
   */
  setLr(config) {
    config.labs.forEach((l, i) => this.labs[i].lab.set_lr(l.settings.lr));
    this.config = config;
    this.frame();
  }

  /**
   * New labs for `config`; on any error the old ones stay. Each starts from `weights` when the
   * config brings them (the page's kept copy, after a worker restart), else from the site's
   * pretrained model of its settings when `pretrained` (not after Reset), else from the seed.
   */
  async build(config, pretrained) {
    if (!config) throw new Error('no configuration yet');
    const labs = [];
    try {
      for (const { variant, settings, weights } of config.labs) {
        const lab = new wasm.ManifoldLab(settings, config.drawn ?? undefined);
        labs.push({ variant, lab, origin: null, losses: [], lossSteps: [], last: null });
        const l = labs.at(-1);
        l.origin = await this.startFrom(lab, settings, weights, pretrained);
        // A loaded model's last training loss, until this lab trains.
        if (Number.isFinite(l.origin.loss)) l.last = { loss: l.origin.loss, recon: NaN, penalty: NaN, warning: null };
      }
    } catch (e) {
      for (const l of labs) l.lab.free();
      throw e;
    }
    for (const l of this.labs) l.lab.free();
    this.labs = labs;
    // The kept bytes served once: Reset and a new learning rate compare and rebuild without them.
    this.config = { ...config, labs: config.labs.map(({ weights, ...l }) => l) };
    this.generation++;
    this.running = false;
    this.steps = 0;
    this.epoch = 0;
    const first = labs[0].lab;
    const data = first.data();
    const corrupted = first.corrupted();
    // Every k-th training point, at most JAC_POINTS of them: where the Jacobian is drawn.
    const every = Math.ceil(data.length / 2 / JAC_POINTS);
    this.jacPoints = Float32Array.from({ length: 2 * Math.ceil(data.length / 2 / every) }, (_, i) => data[2 * every * (i >> 1) + (i & 1)]);
    const jacPoints = this.jacPoints.slice();
    const origins = labs.map((l) => ({ variant: l.variant, ...l.origin }));
    post({ type: TO_PAGE.READY, generation: this.generation, data, corrupted, jacPoints, code: first.code, origins },
      [data.buffer, corrupted.buffer, jacPoints.buffer]);
    this.frame();
  }

  /**
   * Loads `weights` (kept bytes) or the pretrained file of `settings` into `lab`; returns the
   * origin the page names ({kind, steps, loss, title?} or {kind: 'seed', seed, why?}). A file
   * that cannot be fetched or is refused leaves the seed's model and says why.
   */
  async startFrom(lab, settings, weights, pretrained) {
    const seed = { kind: 'seed', seed: settings.seed };
    try {
      if (weights) {
        const p = lab.load_weights(weights);
        return { kind: 'kept', steps: p.steps, loss: p.final_loss ?? NaN };
      }
      if (!pretrained) return seed;
      if (settings.curve === 'drawn') return { ...seed, why: 'a drawn curve has no pretrained model' };
      this.models ??= loadTable();
      const entry = pretrainedFor(await this.models, settings);
      if (!entry) return { ...seed, why: 'no pretrained model has these settings' };
      if (!this.files.has(entry.file)) this.files.set(entry.file, fetchModel(entry));
      const p = lab.load_weights(await this.files.get(entry.file));
      return { kind: 'pretrained', title: entry.title, steps: p.steps, loss: p.final_loss ?? NaN, file: entry.file };
    } catch (e) {
      if (isCrash(e)) throw e;
      this.models = null; // a failed fetch is tried again at the next build
      return { ...seed, why: `${weights ? 'the kept copy' : 'the pretrained model'} could not be loaded: ${messageOf(e)}` };
    }
  }

  /** A copy of every lab's model (F32, exact) for the page to keep: a replaced worker gets it back. */
  keep() {
    if (!this.labs.length) return;
    this.lastKept = performance.now();
    const labs = this.labs.map((l) => ({ variant: l.variant, bytes: l.lab.save_weights('f32'), steps: l.lab.total_steps }));
    post({ type: TO_PAGE.KEPT, generation: this.generation, ack: this.ack, steps: this.steps, labs }, labs.map((l) => l.bytes.buffer));
  }

  play() {
    if (this.steps >= this.maxSteps) return this.frame();
    if (!this.running) {
      this.running = true;
      this.schedule();
    }
    this.frame();
  }

  /**
   * `k` mini-batches for every lab, one loss point each. A lab whose step the engine undid
   * (NaN/∞) stops the training with its message, naming the lab; one whose loss climbed far above
   * its start (`warning`) pauses it after this round.
   */
  train(k) {
    for (const l of this.labs) {
      let s;
      try {
        s = l.lab.step(k);
      } catch (e) {
        if (isCrash(e)) throw e;
        throw new Error(`The ${l.variant} autoencoder: ${messageOf(e)}`);
      }
      if (s.warning) this.running = false;
      l.last = s;
      l.losses.push(s.loss);
      l.lossSteps.push(l.lab.total_steps); // a loaded model's steps carry on along the axis
      this.epoch = s.epoch;
    }
    this.steps += k;
  }

  /** One slice of training, then a frame if one is due. */
  trainSlice() {
    const t0 = performance.now();
    do {
      this.train(Math.min(CHUNK, this.maxSteps - this.steps));
    } while (this.running && performance.now() - t0 < SLICE_MS && this.steps < this.maxSteps);
    if (this.steps >= this.maxSteps) this.running = false;
    if (!this.running || performance.now() - this.lastFrame >= FRAME_MS) this.frame();
    if (!this.running || performance.now() - this.lastKept >= KEEP_EVERY_MS) this.keep();
  }

  /** Everything the page draws, for every lab. */
  frame() {
    this.lastFrame = performance.now();
    const transfer = [];
    const first = this.labs[0]?.lab;
    const data = first ? first.data() : new Float32Array(0);
    const corrupted = first ? first.corrupted() : new Float32Array(0);
    const labs = this.labs.map((l) => {
      const f = {
        variant: l.variant,
        total: l.lab.total_steps, // steps of the model: a loaded file's plus this.steps
        loss: l.last?.loss ?? NaN,
        recon: l.last?.recon ?? NaN,
        penalty: l.last?.penalty ?? NaN,
        warning: l.last?.warning ?? null, // the engine's blow-up sentence, or null
        lossSteps: Float64Array.from(l.lossSteps),
        losses: Float32Array.from(l.losses),
        out: l.lab.reconstruct(data),
        outCorrupted: l.lab.reconstruct(corrupted),
        heat: l.lab.reconstruct(this.heatGrid),
        arrows: l.lab.reconstruct(this.arrowGrid),
        sweep: l.lab.sweep(SWEEP),
        jac: l.lab.jacobian(this.jacPoints),
      };
      l.losses = [];
      l.lossSteps = [];
      for (const k of ['lossSteps', 'losses', 'out', 'outCorrupted', 'heat', 'arrows', 'sweep', 'jac']) transfer.push(f[k].buffer);
      return f;
    });
    post({
      type: TO_PAGE.FRAME, generation: this.generation, ack: this.ack, running: this.running,
      done: this.steps >= this.maxSteps, steps: this.steps, total: Math.max(0, ...labs.map((l) => l.total)), epoch: this.epoch, labs,
    }, transfer);
  }
}

const session = new Session();
session.listen(session.load());
