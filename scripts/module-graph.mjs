// The static import graph of a page's entry module, as `<link rel="modulepreload">` lines: the
// browser then fetches every module the entry needs at once, instead of one level of imports per
// round trip. build-dist.sh writes them into dist/index.html at its `<!-- modulepreload -->` line.
// Dynamic `import()` is not followed (the labs load that way, after the first frame).
//
//   node scripts/module-graph.mjs dist app/index.js     # the lines, paths relative to dist/
//   import { staticGraph } from './module-graph.mjs'; staticGraph('dist', 'app/index.js')  // ['app/index.js', ...]

import { readFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `import … from './x.js'`, `import './x.js'`, `export … from './x.js'` at a line's start. */
const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Every module `entry` (relative to `root`) imports statically, breadth first, entry first; paths relative to `root` with `/`. */
export function staticGraph(root, entry) {
  const seen = new Set();
  const queue = [normalize(entry)];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(join(root, file), 'utf8');
    for (const [, spec] of src.matchAll(STATIC_IMPORT)) queue.push(normalize(join(dirname(file), spec)));
  }
  return [...seen].map((f) => f.split(sep).join('/'));
}

/** The `<link>` lines for the modules `entry` imports (the entry itself is the page's own <script>). */
export function preloadLines(root, entry, indent = '  ') {
  return staticGraph(root, entry).slice(1).map((f) => `${indent}<link rel="modulepreload" href="${f}">`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [root = 'dist', entry = 'app/index.js'] = process.argv.slice(2);
  console.log(preloadLines(root, entry).join('\n'));
}
