// The 2-D lab's one mutable state: the settings (LabState, read from the URL hash) and what the
// worker last sent; every module of the lab reads and writes it through `page` (and sends the
// worker its commands through `send`, sets Train's state through `setRunning`).

import { LabState } from './state.js';
import { HEAT, ARROWS } from './protocol.js';

export const $ = (id) => document.getElementById(id);

const state = new LabState();
const hashRefusals = state.readHash(location.hash); // sentences, shown once by index.js

/** The page's one mutable state: settings plus what the worker last sent. */
export const page = {
  state,
  hashRefusals,
  alerts: null, // the alert region (kit/alerts.js), from index.js
  status: null, // the status line and its live region (kit/status-line.js), from index.js
  link: null, // the worker (kit/worker-link.js)
  builtKey: '', // modelKey() of the labs the worker holds (or is building)
  generation: 0,
  ready: null, // {data, corrupted}
  frame: null, // the last frame
  frames: 0,
  dirty: false,
  running: false,
  wantRunning: false, // resume training after a rebuild
  series: {}, // variant → {steps: [], losses: []}
  origins: {}, // variant → where its model came from (the worker's `ready`; pretrained.js originText)
  kept: null, // the worker's last `kept` copy {generation, steps, total, labs: [{variant, bytes}], at}
  stroke: null, // the stroke being drawn, [x0, y0, x1, y1, …]
  heatGrid: gridPoints(HEAT),
  arrowGrid: gridPoints(ARROWS),
};

/** A command to the worker (protocol.js's TO_WORKER). */
export function send(type, extra = {}) {
  return page.link.send(type, extra);
}

/** Train's label and state: Pause while training; disabled when the run is done and paused. */
export function setRunning(running, done) {
  page.running = running;
  const b = $('train');
  b.textContent = running ? 'Pause' : 'Train';
  b.setAttribute('aria-pressed', String(running));
  b.disabled = !running && done;
}

/** The engine's grid (manifold::grid_points), rebuilt here so the page needs no wasm. */
function gridPoints(g) {
  const v = 1.5;
  const step = (2 * v) / g;
  const out = new Float32Array(2 * g * g);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      out[2 * (r * g + c)] = -v + (c + 0.5) * step;
      out[2 * (r * g + c) + 1] = v - (r + 0.5) * step;
    }
  }
  return out;
}
