// Unit tests of www/kit/status-line.js: the line shows every text, its live region reads out a
// command's answer at once, training's text at most every EVERY_MS, and a stop at once.
// Run: node --test tests/js/status-line.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusLine, EVERY_MS } from '../../www/kit/status-line.js';

/** A StatusLine over two stand-in elements and a clock the test moves (ms). */
function line() {
  const clock = { t: 1000 };
  const status = new StatusLine({ textContent: '' }, { textContent: '' }, () => clock.t);
  return { status, clock, shown: () => status.line.textContent, said: () => status.said.textContent };
}

test('status line: say shows and reads out at once; show reads out at most every EVERY_MS', () => {
  const { status, clock, shown, said } = line();
  status.say('Building the models…');
  assert.deepEqual([shown(), said()], ['Building the models…', 'Building the models…']);

  // Training: the first frame is read out (nothing was for EVERY_MS), the next ones only shown.
  clock.t += EVERY_MS;
  status.show('Training · step 10');
  assert.deepEqual([shown(), said()], ['Training · step 10', 'Training · step 10']);
  for (const step of [20, 30, 40]) {
    clock.t += 80;
    status.show(`Training · step ${step}`);
    assert.deepEqual([shown(), said()], [`Training · step ${step}`, 'Training · step 10'], `step ${step}: shown, not read out`);
  }
  clock.t += EVERY_MS - 3 * 80 - 1;
  status.show('Training · step 50');
  assert.equal(said(), 'Training · step 10', 'one ms short of EVERY_MS');
  clock.t += 1;
  status.show('Training · step 60');
  assert.equal(said(), 'Training · step 60', 'EVERY_MS after the last reading');

  // Stopped: read out at once, and not again for the same text.
  clock.t += 80;
  status.show('Paused · step 70', true);
  assert.deepEqual([shown(), said()], ['Paused · step 70', 'Paused · step 70']);
  status.said.textContent = 'sentinel'; // a second reading would overwrite it
  status.show('Paused · step 70', true);
  assert.equal(said(), 'sentinel', 'the same text is not read out twice in a row');
  // A command's answer is read out even when it repeats the last one.
  status.say('Not training: d is invalid.');
  status.said.textContent = 'sentinel';
  status.say('Not training: d is invalid.');
  assert.equal(said(), 'Not training: d is invalid.');
});
