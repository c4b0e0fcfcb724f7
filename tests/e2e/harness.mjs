// The shared set-up of the browser test files: where things are, and one static server plus one
// Debian Chromium per test file (started before its first test, closed after its last).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = `${ROOT}dist`;
export const RESULTS = `${ROOT}test-results`;
/** For waits on training, on a machine shared with builds. */
export const TIMEOUT = 60_000;

/**
 * Registers the file's before/after hooks: checks that dist/ holds `files` (paths relative to
 * dist/), serves dist/ on 127.0.0.1 and launches Chromium. Returns `{server, browser}`, filled in
 * once `before` has run.
 */
export function useBrowser(files = ['index.html', 'pkg']) {
  const env = { server: null, browser: null };
  before(async () => {
    const missing = files.filter((f) => !existsSync(`${DIST}/${f}`));
    assert.deepEqual(missing, [], `dist/ lacks ${missing.join(', ')}: run \`make dist\` first`);
    await mkdir(RESULTS, { recursive: true });
    env.server = await startServer(DIST, 0);
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
