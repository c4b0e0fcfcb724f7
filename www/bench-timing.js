// Timing shared by the benchmark's workers (bench-worker.js, bench-products-worker.js).

/** The middle value of `xs` (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `GemmBench.run(1)` until `seconds` have passed and once: each run's seconds, in order. */
export function timeRuns(gemm, seconds) {
  const t0 = performance.now();
  const runs = [];
  let t = t0;
  while (runs.length === 0 || t - t0 < seconds * 1000) {
    gemm.run(1);
    const now = performance.now();
    runs.push((now - t) / 1000);
    t = now;
  }
  return runs;
}
