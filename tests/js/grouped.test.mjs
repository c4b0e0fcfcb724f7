// kit/grouped.js: whole numbers with thousands separators, and no module of the site formats
// with toLocaleString or Intl (their first call loads the locale data on the page's thread:
// 34–68 ms in headless Chromium, on the path to the first reconstructions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { grouped } from '../../www/kit/grouped.js';

test('grouped writes whole numbers as en-US does', () => {
  // Expected strings: Node's own (1234567).toLocaleString('en-US') and friends, the oracle the
  // site's helper replaces.
  for (const v of [0, 7, 999, 1000, 9000, 12345, 100000, 1234567, 60000000, -1234, -999]) {
    assert.equal(grouped(v), v.toLocaleString('en-US'), String(v));
  }
  assert.equal(grouped(12345.6), '12,346', 'rounded');
  assert.equal(grouped(999.5), '1,000');
  assert.equal(grouped('9000'), '9,000', 'a numeric string');
  assert.equal(grouped(NaN), 'NaN');
  assert.equal(grouped(Infinity), 'Infinity');
});

test('no module of the site calls toLocaleString or Intl', () => {
  const root = new URL('../../www/', import.meta.url).pathname;
  const offenders = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(m?js|html)$/.test(name)) {
        const code = readFileSync(path, 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
        if (/\.toLocale\w*String\s*\(|\bIntl\./.test(code)) offenders.push(path.slice(root.length));
      }
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
});
