// A tiny static file server for dist/ (no dependencies). Used by `make serve`, the end-to-end
// tests and the benchmark runner. Serves only files under `root`, on 127.0.0.1, with the page's
// Content-Security-Policy (the same as the <meta> line of every HTML file) and nosniff.
//
//   node scripts/serve.mjs [root=dist] [port=$PORT or 8080]
//   import { startServer } from './serve.mjs'; const s = await startServer('dist', 0); s.url; await s.close();
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gz': 'application/octet-stream', // served as bytes: the engine un-gzips them itself
  '.bin': 'application/octet-stream',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The policy of every page and worker: this origin only, WebAssembly compiled, no eval. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; " +
  "img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; form-action 'self'";
/**
 * OpenCV's worker only: opencv.js (emscripten's embind) builds functions with `new Function`, so
 * its worker, and no page, may eval. A worker's policy is the one its own script was sent with.
 */
const OPENCV_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'");

/** The policy for the file at URL path `path`. */
export function policyFor(path) {
  return /(^|\/)opencv-worker\.js$/.test(path) ? OPENCV_CSP : CSP;
}

/**
 * Cross-origin isolation (`isolate`): COOP + COEP on every file but the embed page, so the
 * training page can share memory with its shard workers (SharedArrayBuffer; www/kit/parallel.js).
 * `credentialless` asks nothing of our same-origin files. The embed page (and what it loads as a
 * document) goes without: a notes page that frames it cross-origin must not need to be isolated.
 * The page works without isolation too (buffers are transferred), as on any static host.
 */
export function isolationFor(path) {
  if (/(^|\/)embed\.html$/.test(path)) return {};
  return { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'credentialless' };
}

/**
 * Start serving `root` on 127.0.0.1:`port` (0 = any free port). Resolves to { url, port, close }.
 * `policy(path)` gives each file's Content-Security-Policy (none when it returns null: a test's
 * stand-in for someone else's site, such as a course-notes page that frames the playground).
 * `isolate`: send `isolationFor(path)`'s headers (`make serve` does; tests choose).
 */
export async function startServer(root = 'dist', port = 0, { policy = policyFor, isolate = false } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error(), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      };
      const csp = policy(path);
      if (csp) headers['content-security-policy'] = csp;
      if (isolate) Object.assign(headers, isolationFor(path));
      res.writeHead(200, headers);
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 404 : 500, {
        'content-type': 'text/plain', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff',
      });
      res.end(e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'not found' : 'server error');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] || 'dist';
  const port = Number(process.argv[3] || process.env.PORT || 8080);
  const s = await startServer(root, port, { isolate: process.env.ISOLATE !== '0' });
  console.log(`Autoencoder Playground is served at ${s.url}  (Ctrl-C to stop)`);
}
