// Node tests of www/kit/leave.js: the browser asks before leaving only while some registered part
// says it would lose a model, and says what; an unregistered part is no longer asked.
// Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warnOnLeave, leaveLoss, onBeforeUnload } from '../../www/kit/leave.js';

/** A beforeunload event as the listener sees it: records whether it was asked to prompt. */
function unloadEvent() {
  return { prevented: false, returnValue: '', preventDefault() { this.prevented = true; } };
}

test('leave: no question while nothing would be lost; a question naming every loss while something would', () => {
  let lab = 0;
  let page = 0;
  const stopLab = warnOnLeave(() => (lab > 0 ? 'the lab’s models' : null));
  const stopPage = warnOnLeave(() => (page > 0 ? `${page} batches` : null));
  let e = unloadEvent();
  onBeforeUnload(e);
  assert.equal(e.prevented, false, 'nothing trained: leave without asking');
  assert.equal(leaveLoss(), null);

  lab = 3;
  page = 12;
  e = unloadEvent();
  onBeforeUnload(e);
  assert.equal(e.prevented, true);
  assert.equal(e.returnValue, 'Leaving this page loses the lab’s models; 12 batches.');

  stopLab();
  assert.equal(leaveLoss(), '12 batches', 'an unregistered part is not asked');
  stopPage();
  e = unloadEvent();
  onBeforeUnload(e);
  assert.equal(e.prevented, false);
});
