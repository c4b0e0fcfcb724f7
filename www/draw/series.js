// The live loss chart's data: the per-batch losses of one trainer, in order, grouped into epochs
// (a growing Float32Array: appending allocates only when it doubles).

/** Per-batch losses of one trainer, in order, with their epoch means. */
export class LossSeries {
  constructor() {
    this.values = new Float32Array(1024);
    this.length = 0;
    this.perEpoch = 1; // batches per epoch
  }

  /** Forget everything (a new trainer). */
  clear(perEpoch) {
    this.length = 0;
    this.perEpoch = Math.max(1, perEpoch);
  }

  /** Append the losses of batches start, start+1, … (a frame's `losses` and `lossStart`). */
  append(start, losses) {
    if (start !== this.length) throw new Error(`loss series: expected batch ${this.length}, got ${start}`);
    const need = this.length + losses.length;
    if (need > this.values.length) {
      const grown = new Float32Array(Math.max(need, this.values.length * 2));
      grown.set(this.values.subarray(0, this.length));
      this.values = grown;
    }
    this.values.set(losses, this.length);
    this.length = need;
  }

  /** The epoch of batch i (0-based). */
  epochOf(i) {
    return Math.floor(i / this.perEpoch);
  }

  /** Mean loss of epoch e over its batches so far (finite ones), and how many there were. */
  epochMean(e) {
    const from = e * this.perEpoch;
    const to = Math.min(this.length, from + this.perEpoch);
    let sum = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      const v = this.values[i];
      if (Number.isFinite(v)) { sum += v; n++; }
    }
    return { mean: n ? sum / n : NaN, count: to - from };
  }
}
