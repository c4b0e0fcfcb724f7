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
//! leader   own_gradient(its rows)   -> the sum starts with the leader's slice
//!          add_gradient(replica i)  for each replica, in a fixed order
//!          apply_gradient()         -> optimiser step, cursor advance, the guard's checks
//!                                      (apply_with_exchange: the last add in the step's pass)
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
//! `LossParts` (total, recon, penalty), scaled like the gradient.

use super::{forward_backward, StepStats, Trainer};
use crate::corruption::Corruption;
use crate::error::{Error, Result};
use crate::guard;
use crate::optim::Grad;
use crate::rng::Rng;
use ndarray::s;
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
}

impl Trainer {
    /// Length of a flat gradient: every parameter, then `LOSS_SLOTS`.
    pub fn grad_len(&mut self) -> usize {
        self.model.num_params() + LOSS_SLOTS
    }

    /// Copies every parameter into `out` (`[params]`, `for_each_param` order).
    pub fn params_flat(&mut self, out: &mut [f32]) -> Result<()> {
        check_len("parameter", out.len(), self.grad_len() - LOSS_SLOTS)?;
        let mut at = 0;
        self.model.for_each_param(|_, p, _| {
            out[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        });
        Ok(())
    }

    /// Sets every parameter from `flat` (as `params_flat` wrote it). The optimiser is untouched.
    pub fn set_params(&mut self, flat: &[f32]) -> Result<()> {
        check_len("parameter", flat.len(), self.grad_len() - LOSS_SLOTS)?;
        let mut at = 0;
        self.model.for_each_param(|_, p, _| {
            p.copy_from_slice(&flat[at..at + p.len()]);
            at += p.len();
        });
        self.model.sync_tied();
        Ok(())
    }

    /// `f` on every parameter's own storage, in flat order (`params_flat`'s layout): where the
    /// page copies a leader's parameters straight out, or a replica's straight in, through one
    /// view of wasm memory each — one copy per parameter, not two through the exchange buffer.
    /// A replica's tied decoder weights follow at its next forward pass (`sync_tied`).
    pub fn for_each_param_storage(&mut self, mut f: impl FnMut(&mut [f32])) {
        self.model.for_each_param(|_, p, _| f(p));
    }

    /// The exchange buffer, `grad_len()` floats: the page's JavaScript copies another worker's
    /// flat gradient into it (and this trainer's out of it) through one view of wasm memory,
    /// one copy each way, where a `&[f32]` argument costs a copy in (and a `&mut [f32]` one in
    /// and one out). Allocated at the first call, then reused.
    pub fn exchange(&mut self) -> &mut [f32] {
        let len = self.grad_len();
        if self.shard.exchange.len() != len {
            self.shard.exchange = vec![0.0; len];
        }
        &mut self.shard.exchange
    }

    /// `f(self, exchange buffer)`: the buffer taken out of `self` for the call, so `f` may use
    /// both (the trainer's methods take `&mut self`), and put back after.
    fn with_exchange<R>(&mut self, f: impl FnOnce(&mut Self, &mut [f32]) -> R) -> R {
        self.exchange();
        let mut buf = std::mem::take(&mut self.shard.exchange);
        let r = f(self, &mut buf);
        self.shard.exchange = buf;
        r
    }

    /// Replica: `gradient_of` into the exchange buffer, which it returns (`grad_len()` floats).
    pub fn gradient_out(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize) -> Result<&[f32]> {
        self.with_exchange(|t, buf| t.gradient_of(idx, inputs, m, buf))?;
        Ok(&self.shard.exchange)
    }

    /// Leader: `add_gradient` of the flat gradient in the exchange buffer.
    pub fn add_exchange(&mut self) -> Result<()> {
        self.with_exchange(|t, buf| t.add_gradient(buf))
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
        self.shard.m = self.cursor.next_batch().len();
        self.shard.corrupted = 0;
        Ok(self.cursor.next_batch())
    }

    /// Fills rows `rows` of the open batch; for a corrupting variant also every row before them
    /// not yet filled, and corrupts them, in row order: the generator's draws are `step`'s.
    fn fill_batch_rows(&mut self, rows: Range<usize>) {
        let n = self.data.dim();
        let rows = if self.corruption == Corruption::None {
            rows
        } else if rows.end > self.shard.corrupted {
            self.shard.corrupted..rows.end
        } else {
            return;
        };
        let idx = &self.cursor.next_batch()[rows.clone()];
        let (a, b) = (rows.start * n, rows.end * n);
        self.data.fill_rows(idx, self.scaling, &mut self.xb.as_slice_mut().unwrap()[a..b]);
        if self.corruption != Corruption::None {
            let (lo, hi) = self.scaling.range();
            self.corruption.apply(
                &self.xb.as_slice().unwrap()[a..b],
                self.data.rows(),
                self.data.cols(),
                lo,
                hi,
                &mut self.rng,
                &mut self.xc.as_slice_mut().unwrap()[a..b],
                &mut self.mask.as_slice_mut().unwrap()[a..b],
            );
            self.shard.corrupted = rows.end;
        }
    }

    /// Leader: puts the state back as before `begin_batch` when a batch is open (a replica was
    /// lost mid-batch, or the step was refused): only the generator moved; nothing otherwise.
    pub fn abort_batch(&mut self) {
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
        if !self.shard.summed {
            return Err(Error::Config("no batch is open: begin_batch and own_gradient come before apply_gradient".into()));
        }
        let np = self.shard.sum.len() - LOSS_SLOTS;
        self.exchange(); // allocated, grad_len() floats
        let (sum, ex) = (&self.shard.sum, &self.shard.exchange);
        let part = |k: usize| if plus_exchange { sum[np + k] + ex[np + k] } else { sum[np + k] };
        let parts = super::LossParts { total: part(0), recon: part(1), penalty: part(2) };
        let grad = if plus_exchange { Grad::Sum(&sum[..np], &ex[..np]) } else { Grad::One(&sum[..np]) };
        let (step, lr) = (self.opt.t + 1, self.opt.lr());
        let bad = if parts.total.is_finite() {
            self.guard.checked_step(&mut self.model, &mut self.opt, Some(grad))
        } else {
            Some("loss of the current weights")
        };
        if let Some(what) = bad {
            self.abort_batch();
            return Err(guard::diverged(what, step, lr));
        }
        // Rows no worker asked for are still drawn, so the generator moves as `step`'s does.
        self.fill_batch_rows(self.shard.m..self.shard.m);
        self.shard.drawn = false;
        self.shard.summed = false;
        self.cursor.advance(&mut self.rng);
        self.guard.watch.record(parts.total);
        let warning = self.guard.watch.warning(lr);
        Ok(StepStats { loss: parts.total, recon: parts.recon, penalty: parts.penalty, warning, ..self.position() })
    }

    /// Replica: the gradient of the training images `idx` (a slice of a batch of `m` rows)
    /// scaled by idx.len()/m, into `out` (`grad_len()` floats). `inputs`: the corrupted rows
    /// `[idx.len(), n]` the leader drew (`batch_inputs`), or `None` for clean inputs.
    pub fn gradient_of(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize, out: &mut [f32]) -> Result<()> {
        let (r, n) = (idx.len(), self.data.dim());
        if r == 0 || r > m || m > self.xb.nrows() {
            return Err(Error::Shape(format!("a slice of {r} rows of a batch of {m} (at most {} rows)", self.xb.nrows())));
        }
        check_len("gradient", out.len(), self.grad_len())?;
        self.data.check_indices(idx)?;
        self.data.fill_rows(idx, self.scaling, &mut self.xb.as_slice_mut().unwrap()[..r * n]);
        if let Some(x) = inputs {
            check_len("input", x.len(), r * n)?;
            self.xc.as_slice_mut().unwrap()[..r * n].copy_from_slice(x);
        } else if self.corruption != Corruption::None {
            return Err(Error::Config("this variant corrupts its inputs: the leader's corrupted rows are needed".into()));
        }
        self.slice_gradient(0..r, m, out);
        Ok(())
    }

    /// Forward and backward over `rows` of xb (and xc when corrupting); the layers' gradients
    /// and the loss parts scaled by rows/m into `out`.
    fn slice_gradient(&mut self, rows: Range<usize>, m: usize, out: &mut [f32]) {
        let scale = rows.len() as f32 / m as f32;
        let target = self.xb.slice(s![rows.clone(), ..]);
        let x_in = if self.corruption == Corruption::None { target } else { self.xc.slice(s![rows, ..]) };
        let parts = forward_backward(&mut self.model, &mut self.ws, x_in, target, self.objective);
        let mut at = 0;
        self.model.for_each_param(|_, _, g| {
            for (o, &v) in out[at..at + g.len()].iter_mut().zip(g) {
                *o = v * scale;
            }
            at += g.len();
        });
        out[at..at + LOSS_SLOTS].copy_from_slice(&[parts.total * scale, parts.recon * scale, parts.penalty * scale]);
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

fn check_len(what: &str, got: usize, want: usize) -> Result<()> {
    if got != want {
        return Err(Error::Shape(format!("a {what} buffer of {got} floats where this model needs {want}")));
    }
    Ok(())
}
