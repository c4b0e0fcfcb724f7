// The latent map's class-separation number (www/labs/latent/separation.js) against a hand
// computation, and its sentence following the number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { separation, separationSentence } from '../../www/labs/latent/separation.js';

test('separation: between / within sums of squares of a hand-worked example', () => {
  // Class 0 at (0,0) and (2,0): mean (1,0); class 1 at (10,0) and (10,2): mean (10,1).
  // Grand mean (5.5, 0.5). between = 2·(4.5² + 0.5²) + 2·(4.5² + 0.5²) = 4·20.5 = 82.
  // within = 1 + 1 + 1 + 1 = 4. ratio 20.5. Total SS = 82 + 4 = 86, rms = √(86/4).
  const r = separation(new Float32Array([0, 0, 2, 0, 10, 0, 10, 2]), [0, 0, 1, 1]);
  assert.ok(Math.abs(r.between - 82) < 1e-9, `between ${r.between}`);
  assert.ok(Math.abs(r.within - 4) < 1e-9, `within ${r.within}`);
  assert.ok(Math.abs(r.ratio - 20.5) < 1e-9);
  assert.ok(Math.abs(r.rms - Math.sqrt(86 / 4)) < 1e-9);
});

test('separation sentence: a collapsed map says so, a spread one carries its ratio', () => {
  const flat = separation(new Float32Array([0.3, 0.3, 0.3001, 0.3, 0.3, 0.3002]), [0, 1, 2]);
  assert.match(separationSentence(flat, 100), /nearly the same code/);
  const apart = separation(new Float32Array([0, 0, 2, 0, 10, 0, 10, 2]), [0, 0, 1, 1]);
  const s = separationSentence(apart, 1234);
  assert.ok(s.includes('20.50') && s.includes('1,234'), s);
});
