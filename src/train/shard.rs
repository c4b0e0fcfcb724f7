//! Data-parallel training: one batch's gradient computed in slices by W replicas of the model,
//! summed in worker order, and one optimiser step on the leader.
//!
//! The leader is an ordinary `Trainer` (its model, Adam state, data cursor and generator are the
//! one true run); a replica is a `Trainer` of the same settings on the same training images
//! whose parameters the leader sets before every batch (`set_params`). Per batch:
//!
//! ```text
//! leader   begin_batch()            -> the batch's indices
//!          batch_inputs(rows i)     -> replica i's corrupted rows (corrupting variants)
//! replica  set_params(leader's);    gradient_of(its indices, its corrupted rows or none, m)
//!                                   (the page's shards: gradient_head, the decoder's part sent on
//!                                   at once, then gradient_tail; shard/flat.rs)
//! leader   own_gradient(its rows)   -> the sum starts with the leader's slice
//!          prepare_next()           -> the next batch's rows, while the replicas compute
//!          add_gradient(replica i)  for each replica, in a fixed order
//!          apply_gradient()         -> optimiser step, cursor advance, the guard's checks
//!                                      (apply_with_exchange: the last add in the step's pass;
//!                                      apply_begin/apply_range/apply_end: the same step range by
//!                                      range as the replicas' gradients come in, the decoder's
//!                                      first, shard/ranged.rs)
//! ```
//!
//! The leader fills and corrupts rows only when asked for them, always in row order from the
//! batch's first row on, so the corruption draws from the generator exactly as `step` does
//! whatever order the slices are asked in (`apply_gradient` draws any rows never asked for). The
//! page gives the replicas the first slices and the leader the last: every replica's rows are
//! ready, and sent, before the leader corrupts its own. A clean variant fills only the leader's
//! own rows (a replica fills its rows from its own copy of the images).
//!
//! Each slice's gradient is scaled by rows/m, so the sum is the batch-mean gradient (the losses
//! and the contractive penalty are row means). The corruption of every row is drawn on the
//! leader for the whole batch, so it does not depend on W. With W = 1 a batch is bit for bit
//! `step(1)`; with W > 1 it equals it to float rounding, and repeats bit for bit for a given W.
//!
//! The guard costs no copy of the state (`Guard::checked_step`): the step is taken only when
//! every new weight and moment is finite, so a refused batch changed nothing but the generator
//! (the corruption's draws), which `begin_batch` keeps as it was for `abort_batch`.
//! A flat gradient is every parameter in `Autoencoder::for_each_param` order, then the three
//! `LossParts` (total, recon, penalty), scaled like the gradient (shard/flat.rs: the flat
//! vectors, how they cross between workers, and a replica's gradient; this file: the leader's
//! batch).

mod ahead;
mod flat;
mod ranged;

use super::{fill_rows, StepStats, Trainer};
use crate::corruption::Corruption;
use crate::error::{Error, Result};
use crate::rng::Rng;
use flat::check_len;
use std::ops::Range;

/// Floats after the parameters in a flat gradient: the loss parts total, recon, penalty.
pub const LOSS_SLOTS: usize = 3;

/// The rows `[start, end)` of a batch of `m` rows that worker `i` of `w` computes: consecutive
/// slices, the first `m % w` one row longer. Fixed by (m, w), so a run repeats for a given W.
pub fn slice_rows(m: usize, w: usize, i: usize) -> Range<usize> {
    let (base, extra) = (m / w, m % w);
    let start = i * base + i.min(extra);
    start..start + base + usize::from(i < extra)
}

/// The leader's state between `begin_batch` and `apply_gradient`.
#[derive(Debug, Default)]
pub struct ShardState {
    /// True from `begin_batch` until the batch is applied or undone.
    drawn: bool,
    /// The generator before the open batch's draws (for `abort_batch`).
    rng_before: Option<Rng>,
    /// True once `own_gradient` started the open batch's sum.
    summed: bool,
    /// Rows of the open batch.
    m: usize,
    /// Rows `[0, corrupted)` of the open batch are filled and corrupted (corrupting variants).
    corrupted: usize,
    /// The summed flat gradient `[params + LOSS_SLOTS]` (allocated at the first batch).
    sum: Vec<f32>,
    /// The exchange buffer `[params + LOSS_SLOTS]` (allocated at first use): where flat
    /// parameters and gradients wait to cross to or from another worker (see `exchange`).
    exchange: Vec<f32>,
    /// The next batch's replica rows, drawn while the leader waits (shard/ahead.rs).
    ahead: ahead::Ahead,
    /// The optimiser's step under way, range by range (shard/ranged.rs).
    applying: ranged::Applying,
    /// A replica's gradient half done (`gradient_head`, shard/flat.rs).
    head: Option<flat::Head>,
    /// The exchange buffer holds a replica's unscaled gradient of this many rows of the open
    /// batch (`exchange_rows`), scaled as it is read; None: a scaled one.
    ex_rows: Option<usize>,
    /// Counts the changes of the parameters (`params_stamp`).
    stamp: u64,
}

impl Trainer {
    /// Leader: `add_gradient` of the flat gradient in the exchange buffer.
    pub fn add_exchange(&mut self) -> Result<()> {
        let len = self.grad_len();
        self.add_exchange_range(0..len)
    }

    /// Leader: opens the next batch (a batch still open is first undone) and returns its indices
    /// into the training set. No row is filled yet: `batch_inputs` and `own_gradient` fill (and
    /// corrupt) the rows they need.
    pub fn begin_batch(&mut self) -> Result<&[u32]> {
        self.abort_batch();
        if self.shard.sum.is_empty() {
            self.shard.sum = vec![0.0; self.grad_len()];
        }
        match &mut self.shard.rng_before {
            Some(r) => r.clone_from(&self.rng),
            none => *none = Some(self.rng.clone()), // once per trainer: a generator is 32 bytes
        }
        self.shard.drawn = true;
        self.shard.ex_rows = None;
        self.shard.m = self.cursor.next_batch().len();
        self.shard.corrupted = self.take_ahead(); // rows drawn ahead, if they are this batch's
        Ok(self.cursor.next_batch())
    }

    /// Fills rows `rows` of the open batch; for a corrupting variant also every row before them
    /// not yet filled, and corrupts them, in row order: the generator's draws are `step`'s.
    fn fill_batch_rows(&mut self, rows: Range<usize>) {
        let rows = if self.corruption == Corruption::None {
            rows
        } else if rows.end > self.shard.corrupted {
            self.shard.corrupted..rows.end
        } else {
            return;
        };
        let bufs = (self.xb.as_slice_mut().unwrap(), self.xc.as_slice_mut().unwrap(), self.mask.as_slice_mut().unwrap());
        fill_rows(&self.data, self.scaling, self.corruption, self.cursor.next_batch(), rows.clone(), &mut self.rng, bufs);
        if self.corruption != Corruption::None {
            self.shard.corrupted = rows.end;
        }
    }

    /// Leader: puts the state back as before `begin_batch` when a batch is open (a replica was
    /// lost mid-batch, or the step was refused): only the generator moved; nothing otherwise.
    pub fn abort_batch(&mut self) {
        self.drop_applying();
        if let (true, Some(before)) = (self.shard.drawn, &self.shard.rng_before) {
            self.rng.clone_from(before);
        }
        self.shard.drawn = false;
        self.shard.summed = false;
    }

    /// Leader: the inputs a replica needs for `rows` of the open batch — the corrupted rows
    /// `[rows, n]` flattened, corrupted now if not yet — or `None` when the variant feeds the
    /// clean images (the replica reads them from its own copy of the data).
    pub fn batch_inputs(&mut self, rows: Range<usize>) -> Result<Option<&[f32]>> {
        self.check_rows(&rows)?;
        if self.corruption == Corruption::None {
            return Ok(None);
        }
        self.fill_batch_rows(rows.clone());
        let n = self.data.dim();
        Ok(Some(&self.xc.as_slice().unwrap()[rows.start * n..rows.end * n]))
    }

    /// Leader: the gradient of `rows` of the open batch (its own slice) starts the sum.
    pub fn own_gradient(&mut self, rows: Range<usize>) -> Result<()> {
        self.check_rows(&rows)?;
        self.fill_batch_rows(rows.clone());
        let mut sum = std::mem::take(&mut self.shard.sum);
        let m = self.shard.m;
        self.slice_gradient(rows, m, &mut sum);
        self.shard.sum = sum;
        self.shard.summed = true;
        Ok(())
    }

    /// Leader: adds a replica's flat gradient to the sum (call in worker order 1..W).
    pub fn add_gradient(&mut self, grads: &[f32]) -> Result<()> {
        if !self.shard.summed {
            return Err(Error::Config("no batch is open: begin_batch and own_gradient come before add_gradient".into()));
        }
        check_len("gradient", grads.len(), self.shard.sum.len())?;
        for (s, &g) in self.shard.sum.iter_mut().zip(grads) {
            *s += g;
        }
        Ok(())
    }

    /// Leader: the optimiser step with the summed gradient (`Guard::checked_step`), the cursor's
    /// advance and the loss watch; closes the batch. As `step(1)`: the position and the batch's
    /// loss, or `Error::Diverged` with the state as before `begin_batch`.
    pub fn apply_gradient(&mut self) -> Result<StepStats> {
        self.apply(false)
    }

    /// Leader: `add_exchange` and `apply_gradient` in one: the exchange buffer's gradient (the
    /// last replica's) is added to the sum as the optimiser reads it, the same bits without a
    /// pass of its own over the sum (~1 ms of a 2-worker d = 500 batch in the page).
    pub fn apply_with_exchange(&mut self) -> Result<StepStats> {
        self.apply(true)
    }

    fn apply(&mut self, plus_exchange: bool) -> Result<StepStats> {
        self.apply_whole(plus_exchange)
    }

    fn check_rows(&self, rows: &Range<usize>) -> Result<()> {
        if !self.shard.drawn {
            return Err(Error::Config("no batch is open: call begin_batch first".into()));
        }
        if rows.start >= rows.end || rows.end > self.shard.m {
            return Err(Error::Shape(format!("rows {}..{} of a batch of {}", rows.start, rows.end, self.shard.m)));
        }
        Ok(())
    }
}
