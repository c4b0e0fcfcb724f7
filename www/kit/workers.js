// The training worker's worker count (kit/parallel.js has the pool and the protocol): W asked
// for, the ShardPool while W > 1, and the fall-back to one worker with a sentence when a shard
// fails. Kept apart from the pool so the training worker's loop needs only this.

import { ShardPool } from './parallel.js';

/**
 * The training worker's use of a pool: the worker count asked for, the pool when it is > 1, and
 * the fall-back to one worker when a shard fails (the batch is undone, the model kept, and
 * `note` says what happened until the count is set again).
 *
 *   const workers = new Workers(url, shardRows);
 *   workers.set(2, trainer, settings, dataKey);    // the `workers` setting (and at start)
 *   workers.adopt(trainer, settings, dataKey);      // after every new trainer
 *   const stats = await workers.step(trainer);      // one batch, on every worker
 */
export class Workers {
  constructor(url, shardRows) {
    this.url = url;
    this.shardRows = shardRows;
    this.requested = 1;
    this.pool = null;
    this.note = ''; // why the page trains on fewer workers than asked, or ''
  }

  /** Workers in use: W of the pool, or 1. */
  get active() {
    return this.pool ? this.pool.count : 1;
  }

  /** Ask for `count` workers (the leader included); replicas of `trainer` when it exists. */
  set(count, trainer, settings, dataKey) {
    if (count === this.requested && (this.pool || count === 1)) return;
    this.requested = count;
    this.note = '';
    this.pool?.close();
    this.pool = null;
    if (count < 2) return;
    try {
      this.pool = new ShardPool(this.url, count, this.shardRows);
    } catch (e) {
      this.fallBack(`This browser cannot start shard workers (${e.message})`);
      return;
    }
    if (trainer) this.pool.prepare(trainer, settings, dataKey);
  }

  adopt(trainer, settings, dataKey) {
    this.pool?.prepare(trainer, settings, dataKey);
  }

  /** One batch: on the pool, or `trainer.step(1)`; a pool failure falls back to the latter. */
  async step(trainer) {
    if (!this.pool) return trainer.step(1);
    try {
      return await this.pool.step(trainer);
    } catch (e) {
      if (!this.pool.failure) throw e; // the engine's (a diverged batch, say): the pool is fine
      this.fallBack(this.pool.failure.message);
      return trainer.step(1);
    }
  }

  fallBack(why) {
    this.pool?.close();
    this.pool = null;
    this.note = `${why.charAt(0).toUpperCase()}${why.slice(1)}: training goes on with 1 worker instead of ${this.requested}, and the model is kept.`;
  }

  /** What a frame says of the workers: {requested, active, shared, note}. */
  info() {
    return { requested: this.requested, active: this.active, shared: !!this.pool?.shared, note: this.note };
  }

  close() {
    this.pool?.close();
    this.pool = null;
  }
}
