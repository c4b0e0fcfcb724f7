//! The training guard shared by the MNIST trainer and the 2-D manifold trainer: runs k batches
//! as one transaction and watches the loss.
//!
//! * Non-finite: a batch whose loss is NaN/∞, or a step that leaves a weight or a moment NaN/∞,
//!   is not kept. The model's parameters, the optimiser's state, the data cursor and the
//!   generator go back to where they were before `step(k)` (bit for bit) and the step returns
//!   `Error::Diverged`.
//! * Blow-up: training that goes on at a loss far above where it started is flagged in the
//!   step's stats (`Warning`), see `LossWatch` for the rule.
//!
//! Every buffer is allocated in `Guard::new`; a guarded step allocates nothing.

use crate::autoencoder::Autoencoder;
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::optim::Optimizer;
use crate::rng::Rng;
use crate::train::LossParts;
use serde::{Serialize, Serializer};
use std::fmt;

/// Batches in the running mean the blow-up rule looks at.
pub const WATCH_WINDOW: usize = 10;
/// How far above the starting loss the running loss must climb to be flagged.
pub const WATCH_RATIO: f32 = 1.5;

/// The blow-up rule. The start is the loss of the first batch after the trainer was made (or
/// its learning rate changed): a loss measured before any update of that run, so a run that
/// blows up within its first batches still has an honest start. The rule fires when the mean of
/// the last `WATCH_WINDOW` batches is above both
/// * `WATCH_RATIO` × the start: from a random initialisation the loss only falls, and Adam's
///   early overshoot lasts a batch or two, which a 10-batch mean smooths out; and
/// * the loss of the best constant output (the mean image of the data, `floor`): a model doing
///   worse than ignoring its input has learnt nothing (a "blank image" that is at least fair).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossWatch {
    floor: f32,
    start: Option<f32>,
    recent: [f32; WATCH_WINDOW],
    count: usize,
}

impl LossWatch {
    /// A watch for a data set whose best constant output has loss `floor`.
    pub fn new(floor: f32) -> Self {
        LossWatch { floor, start: None, recent: [0.0; WATCH_WINDOW], count: 0 }
    }

    /// Forgets the history: the next batch is the new start (after a learning-rate change).
    pub fn restart(&mut self) {
        *self = LossWatch::new(self.floor);
    }

    /// Records one batch's loss.
    pub fn record(&mut self, loss: f32) {
        self.start.get_or_insert(loss);
        self.recent[self.count % WATCH_WINDOW] = loss;
        self.count += 1;
    }

    /// The loss of the best constant output this watch compares with.
    pub fn floor(&self) -> f32 {
        self.floor
    }

    /// The warning, when the rule fires (`lr`: the learning rate, for the message).
    pub fn warning(&self, lr: f32) -> Option<Warning> {
        let start = self.start?;
        if self.count < WATCH_WINDOW {
            return None;
        }
        let now = self.recent.iter().map(|&v| v as f64).sum::<f64>() as f32 / WATCH_WINDOW as f32;
        (now > WATCH_RATIO * start && now > self.floor).then_some(Warning { start, now, floor: self.floor, lr })
    }
}

/// A loss that climbed well above where training started (see `LossWatch`). Crosses to
/// JavaScript as its sentence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Warning {
    /// Loss of the first batch.
    pub start: f32,
    /// Mean loss of the last `WATCH_WINDOW` batches.
    pub now: f32,
    /// Loss of the best constant output (the mean image).
    pub floor: f32,
    pub lr: f32,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the loss rose from {:.3} to {:.3} with lr {} — worse than always predicting the mean image ({:.3}); lower the learning rate",
            self.start, self.now, self.lr, self.floor
        )
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a trainer lends the guard: its state and its one batch.
pub trait Guarded {
    /// Runs one batch (forward, backward, optimiser step, cursor advance) and returns its loss.
    fn one_batch(&mut self) -> LossParts;
    /// The state a step changes, and the guard.
    fn state(&mut self) -> State<'_>;
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
    params: Vec<f32>,
    moments: Vec<f32>,
    t: u64,
    cursor: Cursor,
    rng: Rng,
    saved_watch: LossWatch,
    pub watch: LossWatch,
}

impl Guard {
    /// Buffers for `model` (every parameter, and two moments each), a copy of `cursor` and `rng`.
    pub fn new(model: &mut Autoencoder, cursor: &Cursor, rng: &Rng, floor: f32) -> Self {
        let n = model.num_params();
        let watch = LossWatch::new(floor);
        Guard { params: vec![0.0; n], moments: Vec::with_capacity(2 * n), t: 0, cursor: cursor.clone(), rng: rng.clone(), saved_watch: watch, watch }
    }

    /// A new learning rate for `opt`; the moments carry on and the loss watch starts afresh.
    pub fn set_lr(&mut self, opt: &mut Optimizer, lr: f32) {
        opt.set_lr(lr);
        self.watch.restart();
    }

    fn save(&mut self, model: &mut Autoencoder, opt: &Optimizer, cursor: &Cursor, rng: &Rng) {
        let mut at = 0;
        model.for_each_param(|_, p, _| {
            self.params[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        });
        self.t = opt.save_state(&mut self.moments);
        self.cursor.copy_from(cursor);
        self.rng.clone_from(rng);
        self.saved_watch = self.watch;
    }

    fn restore(&mut self, model: &mut Autoencoder, opt: &mut Optimizer, cursor: &mut Cursor, rng: &mut Rng) {
        let mut at = 0;
        model.for_each_param(|_, p, _| {
            p.copy_from_slice(&self.params[at..at + p.len()]);
            at += p.len();
        });
        model.sync_tied();
        opt.restore_state(self.t, &self.moments);
        cursor.copy_from(&self.cursor);
        rng.clone_from(&self.rng);
        self.watch = self.saved_watch;
    }
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
    let mut tx = Transaction::begin(t, k)?;
    for _ in 0..k {
        let parts = t.one_batch();
        if !tx.record(t, parts) {
            break;
        }
    }
    tx.finish(t)
}

/// k batches as one transaction, for a caller that runs each batch itself: `run_batches`, and
/// the sharded trainer, whose batch spans several calls (`train::shard`). `begin` saves the
/// state, `record` takes each batch's loss, `finish` checks the weights and moments and either
/// keeps the batches or puts everything back; `abort` puts everything back.
#[derive(Clone, Copy, Debug)]
pub struct Transaction {
    k: u32,
    done: u32,
    total: f64,
    recon: f64,
    penalty: f64,
    bad: Option<&'static str>,
}

impl Transaction {
    /// Saves `t`'s state before `k` batches (1 ≤ k ≤ 100,000).
    pub fn begin<T: Guarded>(t: &mut T, k: u32) -> Result<Self> {
        if k == 0 || k > 100_000 {
            return Err(Error::Config(format!("step count must be between 1 and 100000, got {k}")));
        }
        let State { model, opt, cursor, rng, guard } = t.state();
        guard.save(model, opt, cursor, rng);
        Ok(Transaction { k, done: 0, total: 0.0, recon: 0.0, penalty: 0.0, bad: None })
    }

    /// Records one batch's loss; false when it is NaN/∞ (stop: `finish` will undo the call).
    pub fn record<T: Guarded>(&mut self, t: &mut T, parts: LossParts) -> bool {
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

    /// Puts `t` back as it was at `begin` (a batch that will not be finished).
    pub fn abort<T: Guarded>(self, t: &mut T) {
        let State { model, opt, cursor, rng, guard } = t.state();
        guard.restore(model, opt, cursor, rng);
    }

    /// The mean loss parts of the k batches and the blow-up warning; or, after a non-finite
    /// loss, weight or moment, the state as at `begin` and `Error::Diverged`.
    pub fn finish<T: Guarded>(self, t: &mut T) -> Result<(LossParts, Option<Warning>)> {
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
            let advice = if what.starts_with("loss of") {
                "These weights overflow before any update, so a lower learning rate cannot help: reset the model (or load other weights)."
            } else {
                "Lower the learning rate (or use the tanh activation, or Adam)."
            };
            return Err(Error::Diverged(format!(
                "training diverged: the {what} became NaN or infinite at step {step} (learning rate {lr}); the model is back to \
                 where it was before this step. {advice}"
            )));
        }
        let k = self.k as f64;
        let mean = LossParts { total: (self.total / k) as f32, recon: (self.recon / k) as f32, penalty: (self.penalty / k) as f32 };
        Ok((mean, guard.watch.warning(lr)))
    }
}
