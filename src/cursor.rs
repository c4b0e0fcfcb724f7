//! The epoch/batch cursor shared by the MNIST trainer and the 2-D manifold trainer: a shuffled
//! order of sample indices walked in batches of `batch` with the last partial batch kept
//! (`drop_last=False`), re-shuffled at each epoch's end. It draws from the trainer's generator
//! only when an epoch ends (the shuffle at construction and after the last batch), which is the
//! order the bit-for-bit tests guard.

use crate::rng::Rng;

/// Where a trainer stands in its data.
#[derive(Debug, PartialEq)]
pub struct Cursor {
    /// This epoch's order of sample indices `[n]`.
    order: Vec<u32>,
    /// Position in `order`.
    pos: usize,
    /// Largest batch.
    batch: usize,
    /// Completed epochs.
    pub epoch: u64,
    /// Batches done in the current epoch.
    pub batch_in_epoch: usize,
    /// Samples visited since the start.
    pub samples_seen: u64,
}

/// By hand for `clone_from`, which keeps the order's allocation: the data-parallel leader copies
/// its cursor every batch (train/shard/ahead.rs), and a derived one allocates each time.
impl Clone for Cursor {
    fn clone(&self) -> Self {
        let Cursor { order, pos, batch, epoch, batch_in_epoch, samples_seen } = self;
        Cursor { order: order.clone(), pos: *pos, batch: *batch, epoch: *epoch, batch_in_epoch: *batch_in_epoch, samples_seen: *samples_seen }
    }

    fn clone_from(&mut self, from: &Self) {
        self.order.clone_from(&from.order);
        (self.pos, self.batch, self.epoch, self.batch_in_epoch, self.samples_seen) = (from.pos, from.batch, from.epoch, from.batch_in_epoch, from.samples_seen);
    }
}

impl Cursor {
    /// A cursor over `n` samples in batches of at most `batch`, first order shuffled by `rng`.
    pub fn new(n: usize, batch: usize, rng: &mut Rng) -> Self {
        let mut order: Vec<u32> = (0..n as u32).collect();
        rng.shuffle(&mut order);
        Cursor { order, pos: 0, batch, epoch: 0, batch_in_epoch: 0, samples_seen: 0 }
    }

    /// The indices of the next batch (not yet consumed; `advance` consumes them).
    pub fn next_batch(&self) -> &[u32] {
        let m = self.batch.min(self.order.len() - self.pos);
        &self.order[self.pos..self.pos + m]
    }

    /// Consumes the batch `next_batch` returned; at an epoch's end re-shuffles with `rng`.
    pub fn advance(&mut self, rng: &mut Rng) {
        let m = self.batch.min(self.order.len() - self.pos);
        self.pos += m;
        self.batch_in_epoch += 1;
        self.samples_seen += m as u64;
        if self.pos == self.order.len() {
            self.pos = 0;
            self.batch_in_epoch = 0;
            self.epoch += 1;
            rng.shuffle(&mut self.order);
        }
    }

    /// ⌈n / batch⌉ (the last partial batch is kept).
    pub fn batches_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.batch)
    }

    /// Copies `other` into `self` without allocating (same number of samples).
    pub fn copy_from(&mut self, other: &Cursor) {
        self.order.copy_from_slice(&other.order);
        self.pos = other.pos;
        self.batch = other.batch;
        self.epoch = other.epoch;
        self.batch_in_epoch = other.batch_in_epoch;
        self.samples_seen = other.samples_seen;
    }
}
