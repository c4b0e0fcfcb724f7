// The training worker: owns the one wasm `Trainer` and trains it in time slices, so that the page's
// main thread only draws. It fetches the wasm module and the MNIST bytes once, and answers the
// commands of protocol.js with `ready`, `frame` and `error` messages (typed arrays transferred;
// built in worker-frames.js), the labs' questions with `answer` (worker-queries.js). With W > 1
// workers it is the leader of W − 1 shard workers (kit/workers.js, kit/parallel.js).

import init, { wasm } from './kit/engine.js';
import { TO_WORKER, TO_PAGE, SLICE_MS, FRAME_MS, KERNELS_MS, displayIndices } from './protocol.js';
import { WorkerSession, messageOf, post } from './kit/session.js';
import { loadMnist, loadMnistDisplay, loadFashion } from './kit/data.js';
import { sameSettings } from './kit/models.js';
import { Workers } from './kit/workers.js';
import { answerQuery, answerVersus } from './worker-queries.js';
import { sendReady, sendFrame, setKernelView } from './worker-frames.js';
import { sendPreview } from './worker-preview.js';

/** One training session: the current Trainer, its settings and the bookkeeping of frames. */
class Session extends WorkerSession {
  constructor() {
    super();
    this.sets = {}; // data set name -> wasm DataSets (training + held-out), parsed once each
    this.data = 'mnist'; // the set the current trainer learns from
    this.userLoads = 0; // counts Load data, so the shard workers get each new set of images
    this.trainer = null;
    this.settingsKey = ''; // JSON of the settings the trainer was built with
    this.settings = null;
    this.origin = { cause: 'config' }; // how the trainer came: config, reset, or weights {source, file}
    this.epochs = 20;
    this.generation = 0; // counts trainers, so the page can drop frames of an old one
    this.stats = null;
    this.indices = null; // Uint32Array, the display digits
    this.losses = []; // per-batch losses since the last frame
    this.lossStart = 0;
    this.elapsed = 0; // ms spent in step() since the trainer was built
    this.lastFrame = 0;
    this.lastKernels = 0;
    this.kernelView = null; // the kernels the page shows, and its canvas for them (worker-frames.js)
    this.kernelCanvas = null;
    this.engine = null; // init()'s promise, and the display digits' (or null), for the preview
    this.display = null;
    this.previewed = false; // the first load-weights was looked at for a preview
    // Data-parallel training (kit/parallel.js): shard workers beside this one, W from `config`.
    // A closure: `wasm` answers once init() resolved, after this constructor.
    this.workers = new Workers(new URL('./shard-worker.js', import.meta.url), (m, w, i) => wasm.shardRows(m, w, i));
  }

  get hasModel() {
    return !!this.trainer;
  }

  async load() {
    post({ type: TO_PAGE.LOADING, stage: 'wasm' });
    const engine = (this.engine = init());
    this.display = loadMnistDisplay().catch(() => null); // 7.9 KB, asked for first
    post({ type: TO_PAGE.LOADING, stage: 'data' });
    const { images, labels } = await loadMnist();
    await engine;
    this.sets.mnist = wasm.DataSets.builtin(images, labels);
  }

  /** The first load-weights (the page's opening model) is also drawn at once, before MNIST is in. */
  receive(msg) {
    if (msg?.type === TO_WORKER.LOAD_WEIGHTS && !this.previewed) {
      this.previewed = true;
      sendPreview(this, msg);
    }
    super.receive(msg);
  }

  answers(msg) {
    if (msg.type === TO_WORKER.KERNEL_VIEW) {
      setKernelView(this, msg);
      return true;
    }
    if (msg.type !== TO_WORKER.QUERY) return false;
    if (msg.op === 'latent_versus') answerVersus(this, msg);
    else answerQuery(this, msg);
    return true;
  }

  handle(msg) {
    switch (msg.type) {
      case TO_WORKER.CONFIG: return this.withData(msg.data ?? 'mnist').then(() => this.configure(msg.settings, msg.epochs, msg.data ?? 'mnist', msg.workers));
      case TO_WORKER.DATA: return this.loadUser(msg.files);
      case TO_WORKER.RESET: return this.build(this.settings, 'reset');
      case TO_WORKER.LOAD_WEIGHTS: return this.loadWeights(msg);
      case TO_WORKER.PLAY: return this.play();
      case TO_WORKER.PAUSE: return this.pause();
      case TO_WORKER.STEP: return this.stepOnce();
      default: throw new Error(`unknown command ${msg.type}`);
    }
  }

  /** Names the current training images for the shard workers (they get them once per key). */
  dataKey() {
    return this.data === 'user' ? `user ${this.userLoads}` : this.data;
  }

  /** Have the data set `name` parsed, fetching Fashion-MNIST on first use; throws if unknown. */
  async withData(name) {
    if (!this.sets[name] && name === 'fashion') {
      post({ type: TO_PAGE.LOADING, stage: 'fashion' });
      const { images, labels } = await loadFashion();
      this.sets.fashion ??= wasm.DataSets.builtin(images, labels);
    }
    if (!this.sets[name]) throw new Error(name === 'user' ? USER_MISSING : `unknown data set ${name}`);
  }

  /** The user's IDX files [{name, bytes}] parsed into the 'user' set; answered with `data`. */
  loadUser(files) {
    try {
      const ds = new wasm.DataSets(files.map((f) => f.name), files.map((f) => f.bytes));
      this.sets.user?.free();
      this.sets.user = ds;
      this.userLoads += 1; // the shard workers need the new images
      if (this.data === 'user') this.settingsKey = ''; // the next config rebuilds on the new files
      post({ type: TO_PAGE.DATA, ok: true, train_len: ds.train_len, test_len: ds.test_len, split: ds.split, names: files.map((f) => f.name) });
    } catch (e) {
      post({ type: TO_PAGE.DATA, ok: false, message: messageOf(e) });
    }
  }

  configure(settings, epochs, data, workers = 1) {
    this.epochs = epochs;
    // The worker count does not shape the model: the same one trains on, on more or fewer workers.
    this.workers.set(workers, this.trainer, this.settings, this.dataKey());
    if (data === this.data && this.onlyLrChanged(settings)) {
      // The learning rate does not shape the model: the same weights train on at the new rate.
      this.trainer.set_lr(settings.lr);
      this.settings = settings;
      this.settingsKey = JSON.stringify(settings);
    }
    if (this.trainer && sameSettings(settings, this.settings) && data === this.data) {
      // Only the epoch limit changed: keep the model and say whether it is now done.
      if (this.done()) this.running = false;
      this.sendFrame(true);
      return;
    }
    this.build(settings, 'config', data);
  }

  /** True when `settings` differ from the trainer's in lr alone, and the engine can change it. */
  onlyLrChanged(settings) {
    if (!this.trainer || typeof this.trainer.set_lr !== 'function' || settings.lr === this.settings.lr) return false;
    return sameSettings({ ...settings, lr: this.settings.lr }, this.settings);
  }

  /** Build a Trainer; if Rust refuses the settings, the old one (if any) stays as it was. */
  build(settings, cause = 'config', data = this.data) {
    if (!settings) throw new Error('No settings yet.');
    post({ type: TO_PAGE.LOADING, stage: 'model' });
    this.running = false; // a refused config leaves the old model paused, not gone
    this.adopt(wasm.Trainer.on(settings, this.sets[data]), settings, { cause }, data);
  }

  /**
   * A weights file (a Uint8Array: the page's upload, a pretrained model, the kept model): checked
   * and turned into a trainer on the current data by the engine first, so a refused file leaves
   * the current model as it was, training if it was, and is answered with `weights-refused`.
   */
  loadWeights({ bytes, source = {}, epochs }) {
    let file, trainer;
    try {
      file = wasm.weightsInfo(bytes);
      trainer = wasm.Trainer.fromWeightsOn(bytes, this.sets[this.data]);
    } catch (e) {
      post({ type: TO_PAGE.WEIGHTS_REFUSED, ack: this.ack, message: messageOf(e), source });
      return;
    }
    post({ type: TO_PAGE.LOADING, stage: 'model' });
    this.running = false;
    if (Number.isInteger(epochs) && epochs > 0) this.epochs = epochs;
    this.adopt(trainer, file.settings, { cause: 'weights', source, file }, this.data);
  }

  /** Make `trainer` (built for `settings` on data set `data`) the model; announce it with `ready` and a frame. */
  adopt(trainer, settings, origin, data) {
    this.origin = origin;
    this.trainer?.free();
    this.trainer = trainer;
    if (data !== this.data) this.indices = null; // other images: other display digits
    this.data = data;
    this.settings = settings;
    this.settingsKey = JSON.stringify(settings);
    this.workers.adopt(trainer, settings, this.dataKey());
    this.generation += 1;
    this.stats = trainer.position(); // steps 0, and the true batches per epoch
    this.losses = [];
    this.lossStart = 0;
    this.elapsed = 0;
    if (!this.indices) this.indices = displayIndices(trainer.labels(Uint32Array.from({ length: trainer.test_len }, (_, i) => i)));
    this.sendReady();
    this.sendFrame(true);
  }

  /** Announce the model (worker-frames.js). */
  sendReady() {
    sendReady(this);
  }

  done() {
    return this.stats.epoch >= this.epochs;
  }

  play() {
    if (!this.trainer) throw new Error('The model is not ready yet.');
    if (this.running) return;
    if (this.done()) {
      this.sendFrame(true);
      return;
    }
    this.running = true;
    this.sendFrame(false); // says "running" at once, without the cost of a snapshot
    this.schedule();
  }

  pause() {
    this.running = false;
    if (this.trainer) this.sendFrame(true);
  }

  async stepOnce() {
    if (!this.trainer) throw new Error('The model is not ready yet.');
    this.running = false;
    if (!this.done()) await this.trainOne();
    this.sendFrame(true);
  }

  /** Train one batch, on every worker (kit/parallel.js; `step(1)` on one), and record its loss. */
  async trainOne() {
    const t0 = performance.now();
    const s = await this.workers.step(this.trainer);
    this.elapsed += performance.now() - t0;
    this.stats = s;
    this.losses.push(s.loss);
  }

  /** One time slice: batches for about SLICE_MS, then a frame if one is due. */
  async trainSlice() {
    const t0 = performance.now();
    do {
      await this.trainOne();
      // A loss far above its start (the engine's blow-up watch) pauses: the page says why.
      if (this.done() || this.stats.warning) this.running = false;
    } while (this.running && performance.now() - t0 < SLICE_MS);
    this.afterSlice();
  }

  /** The frame a slice owes the page: always when it stopped, else when one is due. */
  afterSlice() {
    const now = performance.now();
    if (!this.running) this.sendFrame(true);
    else if (now - this.lastFrame >= FRAME_MS) this.sendFrame(now - this.lastKernels >= KERNELS_MS);
  }

  /** Send the current state (worker-frames.js); `full` adds the kernels. */
  sendFrame(full) {
    sendFrame(this, full);
  }
}

/** Why a link's 'user' data set cannot be used in a fresh page. */
const USER_MISSING = 'This setting uses your own data, which is not loaded in this page: choose your IDX files with Load data.';

const session = new Session();
session.listen(session.load());
