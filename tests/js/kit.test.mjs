// Node tests of the front-end kit (www/kit/): the field parsers and their messages, the worker
// loop (order, refusals, load failure, time slices) with `self` stood in for, the page's worker
// link with a stand-in Worker, and the data loader's error message. Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { integer, decimal, oneOf, quote, unknownKeys, hashParams, FieldState } from '../../www/kit/fields.js';
import { WorkerSession, messageOf } from '../../www/kit/session.js';
import { WorkerLink } from '../../www/kit/worker-link.js';
import { MNIST, fetchBytes } from '../../www/kit/data.js';
import { gzipSync } from 'node:zlib';
import { COMMANDS, REPORTS } from '../../www/kit/protocol.js';

test('fields: parsers take their range and say it in a sentence otherwise', () => {
  const d = integer('Code size d', 1, 2048);
  assert.deepEqual(d('1'), { value: 1 });
  assert.deepEqual(d('+2048'), { value: 2048 });
  for (const t of ['0', '2049', '1.5', '1e3', '-1', '', ' 3']) assert.deepEqual(d(t), { error: 'Code size d must be a whole number from 1 to 2048.' }, t);
  const lr = decimal('Learning rate', 0, 10, { open: true });
  assert.deepEqual(lr('.5'), { value: 0.5 });
  assert.deepEqual(lr('10'), { value: 10 });
  for (const t of ['0', 'NaN', 'Infinity', '10.01', '1/2']) assert.deepEqual(lr(t), { error: 'Learning rate must be a number above 0 and at most 10.' }, t);
  const p = decimal('Noise p', 0, 1, { openMax: true });
  assert.deepEqual(p('0'), { value: 0 });
  assert.deepEqual(p('1'), { error: 'Noise p must be a number from 0 up to (not including) 1.' });
  assert.deepEqual(decimal('σ', 0, 2)('2'), { value: 2 });
  assert.deepEqual(decimal('σ', 0, 2)('-0.1'), { error: 'σ must be a number from 0 to 2.' });
  assert.deepEqual(oneOf('Loss', ['mse', 'bce'])('bce'), { value: 'bce' });
  assert.deepEqual(oneOf('Loss', ['mse', 'bce'])('constructor'), { error: 'Loss must be one of: mse, bce.' });
});

test('fields: FieldState keeps the last valid value, the text, and a message per invalid key', () => {
  const s = new FieldState({ n: { parse: integer('N', 1, 9) } }, { n: 3 });
  assert.equal(s.set('n', ' 7 '), null);
  assert.deepEqual([s.values.n, s.text.n, s.valid], [7, '7', true]);
  assert.match(s.set('n', '70'), /from 1 to 9/);
  assert.deepEqual([s.values.n, s.text.n, s.valid], [7, '70', false]);
  assert.throws(() => s.set('constructor', '1'), /unknown setting constructor/);
  assert.equal(s.has('toString'), false);
  assert.equal(quote('x'.repeat(100)).length, 41, '40 characters and an ellipsis');
  assert.deepEqual(unknownKeys(hashParams('#n=1&zz=2&zz=3'), (k) => k === 'n'), ['The link\'s “zz” is not a setting of this page; it was ignored.']);
});

/** A stand-in for the worker global: what the session posts, and its onmessage. */
function fakeSelf() {
  const posted = [];
  globalThis.self = { postMessage: (msg) => posted.push(msg), onmessage: null };
  return posted;
}

/** A session that records what it handles; `slices` of training before it stops by itself. */
class Recorder extends WorkerSession {
  constructor(slices = 0) {
    super();
    this.handled = [];
    this.model = false;
    this.slices = slices;
  }

  get hasModel() {
    return this.model;
  }

  handle(msg) {
    if (msg.type === 'boom') throw new Error('Refused: boom.');
    if (msg.type === COMMANDS.CONFIG) this.model = true;
    if (msg.type === COMMANDS.PLAY) {
      this.running = true;
      this.schedule();
    }
    this.handled.push(msg.id);
  }

  answers(msg) {
    if (msg.type === 'bad-question') throw new Error('No such question.');
    return false;
  }

  trainSlice() {
    this.slices -= 1;
    if (this.slices === 2 && this.failOnSlice) throw new Error('NaN loss.');
    if (this.slices <= 0) this.running = false;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

/** Close a session's yield channel (an open MessagePort would keep Node running). */
const close = (...sessions) => sessions.forEach((s) => s.tick.port1.close());

test('session: commands wait for the load, run in order, and a refusal is an error with its ack', async (t) => {
  const posted = fakeSelf();
  const s = new Recorder();
  t.after(() => close(s));
  let loaded;
  s.listen(new Promise((r) => { loaded = r; }));
  self.onmessage({ data: { type: 'boom', id: 1 } });
  self.onmessage({ data: { type: COMMANDS.CONFIG, id: 2 } });
  self.onmessage({ data: { type: 'boom', id: 3 } });
  await settle();
  assert.deepEqual(s.handled, [], 'nothing before the engine is loaded');
  loaded();
  await settle();
  assert.deepEqual(s.handled, [2]);
  assert.deepEqual(posted, [
    { type: REPORTS.ERROR, message: 'Refused: boom.', ack: 1, fatal: true },
    { type: REPORTS.ERROR, message: 'Refused: boom.', ack: 3, fatal: false },
  ], 'fatal only while there is no model');
});

test('session: a question whose answer throws is an error, and later commands still run', async (t) => {
  const posted = fakeSelf();
  const s = new Recorder();
  t.after(() => close(s));
  s.listen(Promise.resolve());
  self.onmessage({ data: { type: COMMANDS.CONFIG, id: 1 } });
  self.onmessage({ data: { type: 'bad-question' } });
  self.onmessage({ data: { type: COMMANDS.STEP, id: 2 } });
  await settle();
  assert.deepEqual(s.handled, [1, 2], 'the queue went on');
  assert.deepEqual(posted, [{ type: REPORTS.ERROR, message: 'No such question.', ack: 1, fatal: false }]);
});

test('session: a failed load is reported once, as fatal; later commands are dropped', async (t) => {
  const posted = fakeSelf();
  const s = new Recorder();
  t.after(() => close(s));
  s.listen(Promise.reject(new Error('Could not load mnist10k-images-idx3-ubyte.gz (HTTP 404).')));
  self.onmessage({ data: { type: COMMANDS.CONFIG, id: 1 } });
  await settle();
  assert.deepEqual(s.handled, []);
  assert.deepEqual(posted, [{ type: REPORTS.ERROR, message: 'Could not load mnist10k-images-idx3-ubyte.gz (HTTP 404).', ack: 0, fatal: true }]);
  assert.equal(messageOf('plain'), 'plain');
});

test('session: training runs in slices until it stops, and a failing slice pauses with an error', async (t) => {
  const posted = fakeSelf();
  /** A loaded session that is configured, then told to play. */
  const played = async (slices, failOnSlice = false) => {
    const r = new Recorder(slices);
    t.after(() => close(r));
    r.failOnSlice = failOnSlice;
    r.listen(Promise.resolve());
    self.onmessage({ data: { type: COMMANDS.CONFIG, id: 1 } });
    self.onmessage({ data: { type: COMMANDS.PLAY, id: 2 } });
    await settle();
    return r;
  };
  const s = await played(5);
  assert.equal(s.slices, 0, 'five slices, each after the message queue had its turn');
  assert.equal(s.running, false);
  assert.deepEqual(posted, []);

  const f = await played(5, true);
  assert.equal(f.slices, 2, 'stopped at the failing slice');
  assert.equal(f.running, false);
  assert.deepEqual(posted, [{ type: REPORTS.ERROR, message: 'NaN loss.', ack: 2, fatal: false }]);
});

/** A stand-in for Worker that records what it is sent and whether it was terminated. */
function fakeWorkers() {
  const made = [];
  globalThis.Worker = class {
    constructor(url, opts) {
      this.sent = [];
      this.terminated = false;
      made.push({ url, opts, worker: this });
    }

    postMessage(m) {
      this.sent.push(m);
    }

    terminate() {
      this.terminated = true;
    }
  };
  return made;
}

test('worker link: numbered commands, `current` for reports on the latest one, a load failure in a sentence', () => {
  const made = fakeWorkers();
  const got = [];
  const failed = [];
  const link = new WorkerLink('worker.js', { onMessage: (m) => got.push(m), onFail: (t) => failed.push(t) });
  assert.deepEqual(made[0].opts, { type: 'module' });
  assert.equal(link.send(COMMANDS.CONFIG, { epochs: 3 }), 1);
  assert.equal(link.send(COMMANDS.PLAY), 2);
  assert.deepEqual(made[0].worker.sent, [{ type: 'config', id: 1, epochs: 3 }, { type: 'play', id: 2 }]);
  assert.equal(link.current({ ack: 1 }), false, 'a frame from before Play');
  assert.equal(link.current({ ack: 2 }), true);
  // A worker that never spoke could not load: a failure, not a crash, and no restart.
  made[0].worker.onerror({ preventDefault() {}, message: '' });
  assert.deepEqual(failed, ['The training worker stopped: its script could not be loaded.']);
  assert.equal(made.length, 1);
  assert.deepEqual(got, []);
  delete globalThis.Worker;
});

test('worker link: a worker that dies after it spoke is a crash (the panic\'s first line), terminated; restart starts afresh', () => {
  const made = fakeWorkers();
  const got = [];
  const crashes = [];
  const failed = [];
  const link = new WorkerLink('worker.js', { onMessage: (m) => got.push(m), onFail: (t) => failed.push(t), onCrash: (t) => crashes.push(t) });
  link.send(COMMANDS.CONFIG);
  made[0].worker.onmessage({ data: { type: 'frame', ack: 1 } });
  assert.deepEqual(got, [{ type: 'frame', ack: 1 }]);
  // The session's report of a wasm trap, with console_error_panic_hook's text and stack.
  made[0].worker.onmessage({ data: { type: 'error', crashed: true, message: 'panicked at src/train.rs:10:5:\nindex out of bounds\n\nStack:\n\nError\n at x' } });
  assert.deepEqual(crashes, ['The training worker crashed (panicked at src/train.rs:10:5: index out of bounds).']);
  assert.equal(made[0].worker.terminated, true);
  assert.equal(got.length, 1, 'the crash report is not passed on as an ordinary error');
  made[0].worker.onerror({ preventDefault() {}, message: 'later' });
  assert.equal(crashes.length, 1, 'one death, one message');
  link.restart();
  assert.equal(made.length, 2);
  link.send(COMMANDS.CONFIG);
  assert.deepEqual(made[1].worker.sent, [{ type: 'config', id: 2 }]);
  made[0].worker.onmessage({ data: { type: 'frame', ack: 9 } });
  assert.equal(got.length, 1, 'the old worker is not heard any more');
  made[1].worker.onmessage({ data: { type: 'frame', ack: 2 } });
  made[1].worker.onerror({ preventDefault() {}, message: 'Uncaught RangeError: out of memory' });
  assert.equal(crashes[1], 'The training worker crashed (RangeError: out of memory).');
  // The fourth death within a minute (MAX_RESTARTS restarts already): the link gives up.
  for (let i = 0; i < 2; i++) {
    link.restart();
    const w = made.at(-1).worker;
    w.onmessage({ data: { type: 'loading' } });
    w.onerror({ preventDefault() {}, message: 'again' });
  }
  assert.equal(crashes.length, 3);
  assert.equal(failed.length, 1);
  assert.match(failed[0], /crashed 4 times within a minute/);
  delete globalThis.Worker;
});

test('worker link: `adopt` takes over a started worker and replays what it said meanwhile, in order', () => {
  const made = fakeWorkers();
  const early = new globalThis.Worker('worker.js', { type: 'module' }); // as app/boot.js starts it
  const held = [new MessageEvent('message', { data: { type: 'loading', stage: 'wasm' } }), new MessageEvent('message', { data: { type: 'ready', ack: 0 } })];
  const got = [];
  const link = new WorkerLink('worker.js', { onMessage: (m) => got.push(m.type), onFail: assert.fail, adopt: { worker: early, held } });
  assert.equal(made.length, 1, 'no second worker');
  assert.equal(link.worker, early);
  assert.deepEqual(got, ['loading', 'ready']);
  assert.deepEqual(held, [], 'each held event replayed once');
  // A load error held before any message is the link's load failure, as if it had been there.
  const failed = [];
  const dead = new globalThis.Worker('worker.js', { type: 'module' });
  new WorkerLink('worker.js', { onMessage: assert.fail, onFail: (t) => failed.push(t), adopt: { worker: dead, held: [{ preventDefault() {}, message: 'SyntaxError' }] } });
  assert.deepEqual(failed, ['The training worker stopped: SyntaxError.']);
  delete globalThis.Worker;
});

test('worker link: a command met by silence gives a time-out sentence; any report re-arms it, an answer ends it', async () => {
  const made = fakeWorkers();
  const timeouts = [];
  const link = new WorkerLink('worker.js', { onMessage() {}, onFail() {}, onTimeout: (t) => timeouts.push(t), timeoutMs: 40 });
  link.send(COMMANDS.STEP);
  await new Promise((r) => setTimeout(r, 25));
  made[0].worker.onmessage({ data: { type: 'loading' } }); // alive: the clock starts again
  await new Promise((r) => setTimeout(r, 25));
  assert.deepEqual(timeouts, []);
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(timeouts, ['The training worker has not answered for 0 s.']);
  link.send(COMMANDS.PAUSE);
  made[0].worker.onmessage({ data: { type: 'frame', ack: 2 } });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(timeouts.length, 1, 'answered: no second time-out');
  delete globalThis.Worker;
});

test('data: the MNIST paths sit beside kit/, and a failed fetch names its file', async () => {
  assert.match(MNIST.images, /\/www\/data\/mnist10k-images-idx3-ubyte\.gz$/);
  assert.match(MNIST.labels, /\/www\/data\/mnist10k-labels-idx1-ubyte\.gz$/);
  const real = globalThis.fetch;
  globalThis.fetch = async () => ({ ok: false, status: 404 });
  try {
    await assert.rejects(fetchBytes(MNIST.labels), { message: 'Could not load mnist10k-labels-idx1-ubyte.gz (HTTP 404).' });
    globalThis.fetch = async () => ({ ok: true, arrayBuffer: async () => Uint8Array.of(1, 2, 3).buffer });
    assert.deepEqual([...await fetchBytes(MNIST.images)], [1, 2, 3]);
    // A real gzip body is inflated as it streams in (zlib is the oracle); a corrupt one is named.
    const idx = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9); // an IDX labels file: 3 labels
    globalThis.fetch = async () => new Response(gzipSync(idx));
    assert.deepEqual([...await fetchBytes(MNIST.labels)], [...idx]);
    globalThis.fetch = async () => new Response(Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3));
    await assert.rejects(fetchBytes(MNIST.labels), /^Error: Could not inflate mnist10k-labels-idx1-ubyte\.gz: /);
  } finally {
    globalThis.fetch = real;
  }
});

test('dom: a panel task\'s error is logged, but not a question the dead or silent worker never answered (e.lost)', async () => {
  const { logUnlessLost } = await import('../../www/kit/dom.js');
  const logged = [];
  const write = console.error;
  console.error = (e) => logged.push(e);
  try {
    const bug = new Error('a bug');
    logUnlessLost(bug);
    logUnlessLost(Object.assign(new Error('The training worker crashed.'), { lost: true }));
    assert.deepEqual(logged, [bug]);
  } finally {
    console.error = write;
  }
});
