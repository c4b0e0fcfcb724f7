// kit/alerts.js: one message per source in the page's alert region, and the link's notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alerts, hashNotice, HASH_SENTENCES } from '../../www/kit/alerts.js';

test('alerts: one message per source, in the order first set; clearing one keeps the others', () => {
  const el = { textContent: '', hidden: true };
  const a = new Alerts(el);
  a.set('hash', 'The link was odd.');
  a.set('engine', 'd must be at least 1.');
  assert.equal(el.textContent, 'The link was odd. d must be at least 1.');
  assert.equal(el.hidden, false);
  a.set('hash', 'The link was odder.'); // replaced, moves to the end
  assert.equal(el.textContent, 'd must be at least 1. The link was odder.');
  a.clear('engine');
  assert.equal(el.textContent, 'The link was odder.');
  assert.equal(a.get('engine'), '');
  a.set('hash', ''); // empty clears
  assert.equal(el.textContent, '');
  assert.equal(el.hidden, true);
});

test('hashNotice: none is empty; the first sentences spelt out, the rest counted', () => {
  assert.equal(hashNotice([]), '');
  assert.equal(hashNotice(undefined), '');
  const one = hashNotice(['d must be a whole number.']);
  assert.equal(one, "This link's settings were not all usable; the page uses its defaults for those. d must be a whole number.");
  const many = Array.from({ length: HASH_SENTENCES + 2 }, (_, i) => `Problem ${i}.`);
  const text = hashNotice(many);
  assert.ok(text.includes('Problem 0. Problem 1. Problem 2.'));
  assert.ok(!text.includes('Problem 3.'));
  assert.ok(text.endsWith('(and 2 more problems in the link, ignored the same way)'));
  assert.ok(hashNotice([...many.slice(0, HASH_SENTENCES), 'x']).endsWith('(and 1 more problem in the link, ignored the same way)'));
});
