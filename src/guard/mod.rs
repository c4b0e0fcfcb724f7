//! The training guard shared by the MNIST trainer and the 2-D manifold trainer: runs k batches
//! as one transaction and watches the loss.
//!
//! * Non-finite: a batch whose loss is NaN/∞, or a step that leaves a weight or a moment NaN/∞,
//!   is not kept. The model's parameters, the optimiser's state, the data cursor and the
//!   generator go back to where they were before `step(k)` (bit for bit) and the step returns
//!   `Error::Diverged`.
//! * One batch (`step(1)`, the page's step, and a data-parallel batch) costs no copy of the
//!   model: the optimiser writes the new weights and moments beside the old ones
//!   (`checked_step`) and they are swapped in only when all are finite; otherwise nothing was
//!   touched. k > 1 batches are one transaction over a copy of the state (`Transaction`).
//! * Blow-up: training that goes on at a loss far above where it started is flagged in the
//!   step's stats (`Warning`), see `LossWatch` for the rule.
//!
//! Every buffer is allocated in `Guard::new`; a guarded step allocates nothing.

use crate::autoencoder::Autoencoder;
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::optim::Optimizer;
use crate::rng::Rng;
use crate::train::pass::{optimizer_step, LossParts};
use std::cell::OnceCell;

mod checked;
mod watch;
pub use watch::{LossWatch, Warning, WATCH_RATIO, WATCH_WINDOW};

/// What a trainer lends the guard: its state and the gradients of its next batch.
pub trait Guarded {
    /// The next batch's forward and backward pass (drawing its corruption from the generator):
    /// the layers' gradients and the batch's loss. No weight, moment or cursor changes yet.
    fn gradients(&mut self) -> LossParts;
    /// The state a step changes, and the guard.
    fn state(&mut self) -> State<'_>;
}

/// One batch in place: gradients, the optimiser's step, the cursor's advance; its loss.
fn one_batch<T: Guarded>(t: &mut T) -> LossParts {
    let parts = t.gradients();
    let State { model, opt, cursor, rng, .. } = t.state();
    optimizer_step(model, opt);
    cursor.advance(rng);
    parts
}

/// Mutable views of a trainer's state.
pub struct State<'a> {
    pub model: &'a mut Autoencoder,
    pub opt: &'a mut Optimizer,
    pub cursor: &'a mut Cursor,
    pub rng: &'a mut Rng,
    pub guard: &'a mut Guard,
}

/// The copy of a trainer's state from before the current step, and the loss watch.
pub struct Guard {
    /// One buffer per parameter (visit order): a transaction's copy of the weights, or a checked
    /// step's new weights (swapped with the model's).
    spare: Vec<Vec<f32>>,
    moments: Vec<f32>,
    t: u64,
    cursor: Cursor,
    rng: Rng,
    saved_watch: LossWatch,
    pub watch: LossWatch,
    /// The loss of the best constant output (the watch's floor), computed by `floor_of` the first
    /// time a warning needs it: for the MNIST trainer a pass over every training image, which
    /// was ~15 ms of a cold page's first model (wasm not yet optimised) and is rarely needed.
    floor: OnceCell<f32>,
    floor_of: Box<dyn Fn() -> f32>,
    /// Whether every new weight, and every new moment, of the checked step under way is finite.
    ranged: (bool, bool),
}

impl Guard {
    /// Buffers for `model` (every parameter, and two moments each), a copy of `cursor` and `rng`;
    /// `floor_of` computes the blow-up watch's floor (see `LossWatch`), once, when first needed.
    pub fn new(model: &mut Autoencoder, cursor: &Cursor, rng: &Rng, floor_of: impl Fn() -> f32 + 'static) -> Self {
        let n = model.num_params();
        let mut spare = vec![];
        model.for_each_param(|_, p, _| spare.push(vec![0.0; p.len()]));
        let watch = LossWatch::new();
        Guard {
            spare,
            moments: Vec::with_capacity(2 * n),
            t: 0,
            cursor: cursor.clone(),
            rng: rng.clone(),
            saved_watch: watch,
            watch,
            floor: OnceCell::new(),
            floor_of: Box::new(floor_of),
            ranged: (true, true),
        }
    }

    /// The blow-up watch's warning (`LossWatch::warning`), with the floor computed if it is asked for.
    pub fn warning(&self, lr: f32) -> Option<Warning> {
        self.watch.warning(lr, || *self.floor.get_or_init(&self.floor_of))
    }

    /// A new learning rate for `opt`; the moments carry on and the loss watch starts afresh.
    pub fn set_lr(&mut self, opt: &mut Optimizer, lr: f32) {
        opt.set_lr(lr);
        self.watch.restart();
    }

    fn save(&mut self, model: &mut Autoencoder, opt: &Optimizer, cursor: &Cursor, rng: &Rng) {
        model.for_each_param(|i, p, _| self.spare[i].copy_from_slice(p));
        self.t = opt.save_state(&mut self.moments);
        self.cursor.copy_from(cursor);
        self.rng.clone_from(rng);
        self.saved_watch = self.watch;
    }

    fn restore(&mut self, model: &mut Autoencoder, opt: &mut Optimizer, cursor: &mut Cursor, rng: &mut Rng) {
        model.for_each_param(|i, p, _| p.copy_from_slice(&self.spare[i]));
        model.sync_tied();
        opt.restore_state(self.t, &self.moments);
        cursor.copy_from(&self.cursor);
        rng.clone_from(&self.rng);
        self.watch = self.saved_watch;
    }
}

/// The error of a step that was not kept: what became NaN/∞, at which step, with what to do.
pub fn diverged(what: &str, step: u64, lr: f32) -> Error {
    let advice = if what.starts_with("loss of") {
        "These weights overflow before any update, so a lower learning rate cannot help: reset the model (or load other weights)."
    } else {
        "Lower the learning rate (or use the tanh activation, or Adam)."
    };
    Error::Diverged(format!(
        "training diverged: the {what} became NaN or infinite at step {step} (learning rate {lr}); the model is back to \
         where it was before this step. {advice}"
    ))
}

fn params_finite(model: &mut Autoencoder) -> bool {
    let mut ok = true;
    model.for_each_param(|_, p, _| ok &= crate::gemm::wide(#[inline(always)] || crate::optim::all_finite(p)));
    ok
}

/// Runs `k` batches (1 ≤ k ≤ 100,000) of `t` as one transaction and returns the mean of their
/// loss parts (accumulated in f64) and the blow-up warning, if any. On a non-finite loss,
/// weight or moment, puts the state back as it was before and returns `Error::Diverged`.
pub fn run_batches<T: Guarded>(t: &mut T, k: u32) -> Result<(LossParts, Option<Warning>)> {
    if k == 1 {
        return run_one(t);
    }
    let mut tx = Transaction::begin(t, k)?;
    for _ in 0..k {
        let parts = one_batch(t);
        if !tx.record(t, parts) {
            break;
        }
    }
    tx.finish(t)
}

/// One batch without a copy of the weights or moments (`Guard::checked_step`): its loss parts
/// and the warning; or, for a non-finite loss or step, nothing changed (the generator, which the
/// batch's draws moved, put back; the cursor moves only after a kept step) and `Error::Diverged`.
fn run_one<T: Guarded>(t: &mut T) -> Result<(LossParts, Option<Warning>)> {
    let State { rng, guard, .. } = t.state();
    guard.rng.clone_from(rng);
    let parts = t.gradients();
    let State { model, opt, cursor, rng, guard } = t.state();
    let step = opt.t + 1;
    let bad = if parts.total.is_finite() { guard.checked_step(model, opt, None) } else { Some("loss of the current weights") };
    if let Some(what) = bad {
        rng.clone_from(&guard.rng);
        return Err(diverged(what, step, opt.lr()));
    }
    cursor.advance(rng);
    guard.watch.record(parts.total);
    Ok((parts, guard.warning(opt.lr())))
}

/// k > 1 batches as one transaction (`run_batches`): `begin` saves the state, `record` takes
/// each batch's loss, `finish` checks the weights and moments and either keeps the batches or
/// puts everything back.
#[derive(Clone, Copy, Debug)]
struct Transaction {
    k: u32,
    done: u32,
    total: f64,
    recon: f64,
    penalty: f64,
    bad: Option<&'static str>,
}

impl Transaction {
    /// Saves `t`'s state before `k` batches (1 ≤ k ≤ 100,000).
    fn begin<T: Guarded>(t: &mut T, k: u32) -> Result<Self> {
        if k == 0 || k > 100_000 {
            return Err(Error::Config(format!("step count must be between 1 and 100000, got {k}")));
        }
        let State { model, opt, cursor, rng, guard } = t.state();
        guard.save(model, opt, cursor, rng);
        Ok(Transaction { k, done: 0, total: 0.0, recon: 0.0, penalty: 0.0, bad: None })
    }

    /// Records one batch's loss; false when it is NaN/∞ (stop: `finish` will undo the call).
    fn record<T: Guarded>(&mut self, t: &mut T, parts: LossParts) -> bool {
        if !parts.total.is_finite() {
            // On the call's first batch the loss is that of the weights the step started from.
            self.bad = Some(if self.done == 0 { "loss of the current weights" } else { "loss" });
            return false;
        }
        t.state().guard.watch.record(parts.total);
        self.total += parts.total as f64;
        self.recon += parts.recon as f64;
        self.penalty += parts.penalty as f64;
        self.done += 1;
        true
    }

    /// The mean loss parts of the k batches and the blow-up warning; or, after a non-finite
    /// loss, weight or moment, the state as at `begin` and `Error::Diverged`.
    fn finish<T: Guarded>(self, t: &mut T) -> Result<(LossParts, Option<Warning>)> {
        let State { model, opt, cursor, rng, guard } = t.state();
        let mut bad = self.bad;
        if bad.is_none() && self.done < self.k {
            bad = Some("loss");
        }
        if bad.is_none() && !params_finite(model) {
            bad = Some("weights");
        }
        if bad.is_none() && !opt.is_finite() {
            bad = Some("optimiser's moments");
        }
        let lr = opt.lr();
        if let Some(what) = bad {
            let step = opt.t;
            guard.restore(model, opt, cursor, rng);
            return Err(diverged(what, step, lr));
        }
        let k = self.k as f64;
        let mean = LossParts { total: (self.total / k) as f32, recon: (self.recon / k) as f32, penalty: (self.penalty / k) as f32 };
        Ok((mean, guard.warning(lr)))
    }
}
