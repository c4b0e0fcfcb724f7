// Node tests of how a lab learns that it is on screen (www/model.js's forSection, www/labs/lab.js):
// an IntersectionObserver callback may carry several entries for its one target, oldest first —
// two layouts passed before the callback's task ran, as when an embed's frame is resized while the
// machine is busy. The newest entry is the truth. A stand-in observer delivers such batches.
// Run: node --test tests/js/visibility.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

/** The observers created, each {callback, target}; `deliver(i, ...states)` calls observer i's back. */
const observers = [];
globalThis.IntersectionObserver = class {
  constructor(callback) { this.callback = callback; observers.push(this); }
  observe(target) { this.target = target; }
};
globalThis.addEventListener ??= () => {};
const deliver = (o, ...states) => o.callback(states.map((isIntersecting) => ({ isIntersecting, target: o.target })), o);

const { ModelClient } = await import('../../www/model.js');
const { Lab } = await import('../../www/labs/lab.js');

test('forSection: a batch [off screen, on screen] lets training frames through', () => {
  const client = new ModelClient({ postMessage() {} });
  const section = { querySelector: () => null };
  const view = client.forSection(section);
  const heard = [];
  view.onFrame((f) => heard.push(f.stats.steps));
  const io = observers.at(-1);
  assert.equal(io.target, section);
  deliver(io, false, true); // laid out below the frame's first height, then the frame grew
  client.frame({ generation: 1, running: true, stats: { steps: 5 } });
  assert.deepEqual(heard, [5], 'the section is on screen: its lab hears the frame');

  deliver(io, true, false); // scrolled away since
  client.frame({ generation: 1, running: true, stats: { steps: 9 } });
  assert.deepEqual(heard, [5], 'off screen: no frame');
  deliver(io, true); // back: the latest frame it missed, once
  assert.deepEqual(heard, [5, 9]);
});

test('Lab: its root is on screen when the newest entry says so', async () => {
  const model = { generation: 1, onReady() {}, onFrame() {} };
  const lab = new Lab({ dataset: {} }, model);
  const io = observers.at(-1);
  deliver(io, false, true);
  assert.equal(lab.visible, true);
  deliver(io, true, false);
  assert.equal(lab.visible, false, 'an older entry saying "on screen" does not count');
});
