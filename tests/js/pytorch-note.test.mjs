// The page's "Train bigger in PyTorch" note (www/app/pytorch-note.js) shows the README's Python
// lines ("Outgrowing the browser") word for word: one text, kept the same in both places.
// Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PYTORCH_LINES } from '../../www/app/pytorch-note.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first ```python block after the heading `title`, as lines. */
function pythonBlock(text, title) {
  const at = text.indexOf(`\n## ${title}\n`);
  assert.ok(at >= 0, `README has a section “${title}”`);
  const m = /```python\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(m, `the section “${title}” has a python block`);
  return m[1].replace(/\n$/, '').split('\n');
}

test('the page note shows the README’s Python lines, word for word', () => {
  assert.deepEqual([...PYTORCH_LINES], pythonBlock(README, 'Outgrowing the browser'));
});

test('the lines save and load a state_dict with safetensors, as the page reads it', () => {
  const code = PYTORCH_LINES.join('\n');
  assert.match(code, /save_file\(model\.state_dict\(\), "ae\.safetensors"\)/);
  assert.match(code, /model\.load_state_dict\(load_file\("ae\.safetensors"\)\)/);
});
