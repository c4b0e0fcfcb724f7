//! The leader's optimiser step in flat ranges: the page steps each range of the flat gradient as
//! soon as the last replica's part of it is in, and sends each range's new weights on to the
//! replicas while it steps the next (www/kit/parallel.js), so the exchange's copies overlap
//! instead of following one another. `apply_gradient` is the same step over one range per
//! parameter: the same bits (each scalar's update is its own), the same refusal.
//!
//! ```text
//! apply_begin(plus_exchange)        opens the step (Adam's t counted)
//! apply_range(r) for r in order     r's new weights, beside the old ones (`Guard::checked_range`)
//! apply_end()                       swapped in when the loss, every weight and moment are finite
//! ```
//!
//! The order (`apply_ranges`) is the decoder's parameters, the encoder's, then the loss parts:
//! the order in which a replica's gradient is done (`gradient_head`, then `gradient_tail`), so the
//! leader steps the decoder's ranges while the replicas still compute the encoder's.
//!
//! `params_stamp` changes whenever the parameters may have (a step, a mutable view of them), so
//! the page knows whether the weights it sent on during the last step are still the model's.

use super::{StepStats, Trainer, LOSS_SLOTS};
use crate::error::{Error, Result};
use crate::guard;
use crate::optim::Grad;
use std::ops::Range;

/// The ranged step under way.
#[derive(Debug, Default)]
pub(super) struct Applying {
    /// True from `apply_begin` until `apply_end` or `abort_batch`.
    open: bool,
    /// Scalars stepped: the first `done` of the step's order (`step_order`).
    done: usize,
    /// The last replica's gradient (the exchange buffer) is added as it is read.
    plus: bool,
    /// One range per parameter and the loss parts (`apply_ranges(usize::MAX)`), for
    /// `apply_gradient` (computed once).
    whole: Vec<Range<usize>>,
}

/// The position of flat scalar `at` in the step's order (`order`: its three flat spans); the
/// order's length for the end of the flat gradient.
fn position(order: &[Range<usize>; 3], at: usize) -> usize {
    let mut before = 0;
    for span in order {
        if span.contains(&at) {
            return before + at - span.start;
        }
        before += span.len();
    }
    before
}

/// The flat scalar at position `pos` of the step's order (the flat gradient's length past it).
fn flat_at(order: &[Range<usize>; 3], mut pos: usize) -> usize {
    for span in order {
        if pos < span.len() {
            return span.start + pos;
        }
        pos -= span.len();
    }
    order[2].end
}

impl Trainer {
    /// Changes whenever the parameters may have changed: a step, `model_mut`, a view of their
    /// storage (`for_each_param_storage`). Equal stamps mean the same weights.
    pub fn params_stamp(&self) -> u64 {
        self.shard.stamp
    }

    pub(in crate::train) fn moved_params(&mut self) {
        self.shard.stamp += 1;
        self.shard.head = None; // a replica's half-done gradient is no longer of these weights
    }

    /// The step's order as three flat spans: the decoder's parameters, the encoder's, the loss
    /// parts.
    fn step_order(&mut self) -> [Range<usize>; 3] {
        let (dec, len) = (self.decoder_at(), self.grad_len());
        let np = len - LOSS_SLOTS;
        [dec..np, 0..dec, np..len]
    }

    /// The flat gradient cut into ranges of at most `most` scalars, none across two parameters,
    /// the loss parts a range of their own, in the step's order: the decoder's parameters, then
    /// the encoder's (each parameter's ranges in flat order), then the loss parts.
    pub fn apply_ranges(&mut self, most: usize) -> Result<Vec<Range<usize>>> {
        if most == 0 {
            return Err(Error::Config("ranges of at most 0 scalars".into()));
        }
        let [dec, enc, loss] = self.step_order();
        let (mut ranges, mut at) = (Vec::new(), 0);
        self.model.for_each_param(|_, p, _| {
            let cut = |k: usize| at + k.saturating_mul(most).min(p.len());
            ranges.extend((0..p.len().div_ceil(most)).map(|k| cut(k)..cut(k + 1)));
            at += p.len();
        });
        let (mut order, encoder): (Vec<_>, Vec<_>) = ranges.into_iter().partition(|r| dec.contains(&r.start));
        debug_assert!(encoder.iter().all(|r| r.end <= enc.end));
        order.extend(encoder);
        order.push(loss);
        Ok(order)
    }

    /// Leader, once every replica's gradient is in the sum but the last one's, which is in the
    /// exchange buffer when `plus_exchange`: opens the step (`apply_range`, then `apply_end`).
    pub fn apply_begin(&mut self, plus_exchange: bool) -> Result<()> {
        if !self.shard.summed {
            return Err(Error::Config("no batch is open: begin_batch and own_gradient come before the step".into()));
        }
        if self.shard.applying.open {
            return Err(Error::Config("a step is already under way: apply_end closes it".into()));
        }
        self.exchange(); // allocated before the ranges borrow it
        let opt = &mut self.opt;
        self.model.for_each_param(|i, p, _| opt.place(i, p.len())); // in flat order, whatever the ranges'
        self.guard.begin_checked(&mut self.opt);
        let applying = &mut self.shard.applying;
        (applying.open, applying.done, applying.plus) = (true, 0, plus_exchange);
        Ok(())
    }

    /// Leader: the step of the flat scalars `r`, the range after the last one stepped in the
    /// step's order (`apply_ranges`), within one parameter or the loss parts: their new weights
    /// (none for the loss parts), which are the model's once `apply_end` takes the step.
    pub fn apply_range(&mut self, r: Range<usize>) -> Result<&[f32]> {
        let (order, done) = (self.step_order(), self.shard.applying.done);
        let len = order[2].end; // the flat gradient's
        if !self.shard.applying.open {
            return Err(Error::Config("no step is under way: apply_begin opens one".into()));
        }
        let next = r.start < r.end && r.end <= len && position(&order, r.start) == done;
        if !next || position(&order, r.end - 1) != done + r.len() - 1 {
            let at = flat_at(&order, done);
            return Err(Error::Shape(format!("scalars {}..{} of a flat gradient of {len}, where the step is at {at}", r.start, r.end)));
        }
        let np = len - LOSS_SLOTS;
        if r.start >= np {
            self.shard.applying.done += r.len(); // the loss parts: read by apply_end
            return Ok(&[]);
        }
        let g = self.shard.summed(r.clone());
        match self.guard.checked_range(&mut self.model, &mut self.opt, r.clone(), g) {
            Some(new) => {
                self.shard.applying.done += r.len();
                Ok(new)
            }
            None => Err(Error::Shape(format!("scalars {}..{} lie across two parameters (apply_ranges cuts them)", r.start, r.end))),
        }
    }

    /// Leader: closes the step. Taken when every range was stepped and the batch's loss, every
    /// new weight and moment are finite, with the cursor's advance and the loss watch: what
    /// `step(1)` returns. Otherwise the batch is undone: `Error::Diverged` as `step` gives it.
    pub fn apply_end(&mut self) -> Result<StepStats> {
        let (len, a) = (self.grad_len(), &self.shard.applying);
        if !a.open || a.done != len {
            let done = a.done;
            self.abort_batch();
            return Err(Error::Config(format!("the step ended after {done} scalars of {len}: every range comes first")));
        }
        let g = self.shard.summed(len - LOSS_SLOTS..len);
        let parts = super::super::LossParts { total: g.at(0), recon: g.at(1), penalty: g.at(2) };
        let (step, lr) = (self.opt.t, self.opt.lr()); // begin_checked counted this step
        let refuse = (!parts.total.is_finite()).then_some("loss of the current weights");
        self.shard.applying.open = false;
        if let Some(what) = self.guard.end_checked(&mut self.model, &mut self.opt, refuse) {
            self.abort_batch();
            return Err(guard::diverged(what, step, lr));
        }
        self.moved_params();
        // Rows no worker asked for are still drawn, so the generator moves as `step`'s does.
        self.fill_batch_rows(self.shard.m..self.shard.m);
        self.shard.drawn = false;
        self.shard.summed = false;
        self.cursor.advance(&mut self.rng);
        self.guard.watch.record(parts.total);
        let warning = self.guard.warning(lr);
        Ok(StepStats { loss: parts.total, recon: parts.recon, penalty: parts.penalty, warning, ..self.position() })
    }

    /// `apply_begin`, one `apply_range` per parameter and the loss parts, `apply_end`.
    pub(super) fn apply_whole(&mut self, plus_exchange: bool) -> Result<StepStats> {
        let len = self.grad_len();
        if self.shard.applying.whole.last().map(|r| r.end) != Some(len) {
            self.shard.applying.whole = self.apply_ranges(usize::MAX)?;
        }
        self.apply_begin(plus_exchange)?;
        for k in 0..self.shard.applying.whole.len() {
            let r = self.shard.applying.whole[k].clone();
            self.apply_range(r)?;
        }
        self.apply_end()
    }

    /// Leader: adds the exchange buffer's flat scalars `r` to the sum (a replica's gradient,
    /// not the last one's, range by range as it comes in; during a ranged step, before `r`'s).
    pub fn add_exchange_range(&mut self, r: Range<usize>) -> Result<()> {
        let len = self.grad_len();
        if !self.shard.summed {
            return Err(Error::Config("no batch is open: begin_batch and own_gradient come before add_exchange_range".into()));
        }
        if r.start > r.end || r.end > len {
            return Err(Error::Shape(format!("scalars {}..{} of a flat gradient of {len}", r.start, r.end)));
        }
        if self.shard.applying.open {
            let (order, done) = (self.step_order(), self.shard.applying.done);
            // r's part in each span of the step's order: stepped when it starts before `done`.
            for span in &order {
                let (a, b) = (r.start.max(span.start), r.end.min(span.end));
                if a < b && position(&order, a) < done {
                    return Err(Error::Config(format!("scalars from {a} are stepped already: a range is added before its step")));
                }
            }
        }
        self.exchange();
        let scale = self.shard.exchange_scale();
        let (sum, ex) = (&mut self.shard.sum[r.clone()], &self.shard.exchange[r]);
        match scale {
            None => sum.iter_mut().zip(ex).for_each(|(s, &g)| *s += g),
            Some(k) => sum.iter_mut().zip(ex).for_each(|(s, &g)| *s += g * k),
        }
        Ok(())
    }

    /// Leader: the exchange buffer now holds a replica's gradient of `rows` rows of the open
    /// batch as its layers left it (`gradient_head`, `gradient_tail`: not scaled by
    /// rows/m), so the adds and steps that read it scale it as they do: one rounded product per
    /// scalar, the bits the replica's own scaling would have given, without that pass on the
    /// replica. Holds until the batch closes (the next `begin_batch` reads scaled gradients).
    pub fn exchange_rows(&mut self, rows: usize) -> Result<()> {
        if !self.shard.drawn {
            return Err(Error::Config("no batch is open: call begin_batch first".into()));
        }
        if rows == 0 || rows > self.shard.m {
            return Err(Error::Shape(format!("a replica's gradient of {rows} rows of a batch of {}", self.shard.m)));
        }
        self.shard.ex_rows = Some(rows);
        Ok(())
    }

    /// Closes a ranged step left open (`abort_batch`): nothing of it is kept.
    pub(super) fn drop_applying(&mut self) {
        if std::mem::take(&mut self.shard.applying.open) {
            self.opt.discard();
        }
    }
}

impl super::ShardState {
    /// The batch's summed gradient of the flat scalars `r` as the ranged step reads it: the sum,
    /// plus the last replica's gradient in the exchange buffer when the step adds it
    /// (`plus_exchange`), scaled as it is read when it came unscaled (`exchange_rows`).
    fn summed(&self, r: Range<usize>) -> Grad<'_> {
        let (sum, ex) = (&self.sum[r.clone()], &self.exchange[r]);
        match (self.applying.plus, self.exchange_scale()) {
            (false, _) => Grad::One(sum),
            (true, None) => Grad::Sum(sum, ex),
            (true, Some(s)) => Grad::Scaled(sum, ex, s),
        }
    }

    /// The scale of the exchange buffer's gradient as it is read (`exchange_rows`): rows/m as a
    /// replica computes it (`slice_head`); None when it is scaled already.
    fn exchange_scale(&self) -> Option<f32> {
        self.ex_rows.map(|rows| rows as f32 / self.m as f32)
    }
}
