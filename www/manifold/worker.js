// The lab's training worker: owns up to three wasm `ManifoldLab` handles (standard, denoising,
// contractive, trained side by side on the same points from the same initial weights), trains
// them in time slices and sends frames of everything the page draws (protocol.js).

import init, { wasm } from '../kit/engine.js';
import { TO_WORKER, TO_PAGE, SLICE_MS, FRAME_MS, CHUNK, HEAT, ARROWS, SWEEP, JAC_POINTS } from './protocol.js';
import { WorkerSession, post, messageOf, isCrash } from '../kit/session.js';

/** The labs of one configuration, their loss points since the last frame, and the grids. */
class Session extends WorkerSession {
  constructor() {
    super();
    this.labs = []; // [{variant, lab, losses: [], lossSteps: [], last}]
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
      case TO_WORKER.CONFIG: return this.onlyLrChanged(msg) ? this.setLr(msg) : this.build(msg);
      case TO_WORKER.RESET: return this.build(this.config);
      case TO_WORKER.PLAY: return this.play();
      case TO_WORKER.PAUSE:
        this.running = false;
        return this.frame();
      case TO_WORKER.STEP:
        this.running = false;
        this.train(1);
        return this.frame();
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

  /** New labs for `config`; on any error the old ones stay. */
  build(config) {
    if (!config) throw new Error('no configuration yet');
    const labs = [];
    try {
      for (const { variant, settings } of config.labs) {
        labs.push({ variant, lab: new wasm.ManifoldLab(settings, config.drawn ?? undefined), losses: [], lossSteps: [], last: null });
      }
    } catch (e) {
      for (const l of labs) l.lab.free();
      throw e;
    }
    for (const l of this.labs) l.lab.free();
    this.labs = labs;
    this.config = config;
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
    post({ type: TO_PAGE.READY, generation: this.generation, data, corrupted, jacPoints, code: first.code },
      [data.buffer, corrupted.buffer, jacPoints.buffer]);
    this.frame();
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
      l.lossSteps.push(s.steps);
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
      done: this.steps >= this.maxSteps, steps: this.steps, epoch: this.epoch, labs,
    }, transfer);
  }
}

const session = new Session();
session.listen(session.load());
