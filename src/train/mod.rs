//! The trainer: owns the model, optimiser, data, generator and every buffer, and runs the
//! notebook's loop — shuffle each epoch, batches of `batch` with the last partial batch kept
//! (`drop_last=False`), corrupt (denoising), forward, loss (+ penalty), backward, optimiser step.
//! After the first step a step allocates nothing. Its settings (`settings`), the pass through
//! the objective (`pass`) and what the page reads between steps (`views`) live beside it.

use crate::autoencoder::Autoencoder;
use crate::corruption::Corruption;
use crate::cursor::Cursor;
use crate::data::{Dataset, Scaling};
use crate::error::{Error, Result};
use crate::guard::{self, Guard, Guarded, State, Warning};
use crate::optim::Optimizer;
use crate::rng::Rng;
use ndarray::{s, Array2};
use serde::Serialize;
use std::ops::Range;

mod floor;
mod load;
pub(crate) mod pass; // the guard steps through it (guard/mod.rs), without a cycle back to this module
mod settings;
mod shard;
mod views;
mod heldout;

pub use floor::constant_output_loss;
pub use pass::{backward_tail, forward_backward, forward_backward_head, loss_only, optimizer_step, LossParts, Objective, Workspace};
pub use settings::{Settings, Variant};
pub use shard::{slice_rows, LOSS_SLOTS};


/// Seed of the fixed dropout mask used by `evaluate` (the same every call and every run).
pub const EVAL_MASK_SEED: u64 = 0x0E7A_1000;
/// Masking probability of the evaluation mask (the notebook's p = 0.5).
pub const EVAL_MASK_P: f32 = 0.5;


/// What `step(k)` returns.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StepStats {
    /// Mean training loss over the k batches.
    pub loss: f32,
    /// Mean reconstruction part of it.
    pub recon: f32,
    /// Mean penalty part of it (contractive).
    pub penalty: f32,
    /// Completed epochs.
    pub epoch: u64,
    /// Batches done in the current epoch.
    pub batch: usize,
    pub batches_per_epoch: usize,
    pub samples_seen: u64,
    /// Optimiser steps taken.
    pub steps: u64,
    /// Set when the loss climbed well above where training started (see `guard::LossWatch`):
    /// a sentence for the page, which should pause and show it.
    pub warning: Option<Warning>,
}

/// Mean squared errors over the whole data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EvalStats {
    /// MSE of D(E(x)) vs x.
    pub mse_clean: f32,
    /// MSE of D(E(x ⊙ mask)) vs x, with a fixed-seed dropout mask, p = 0.5.
    pub mse_noisy: f32,
}

/// Owns everything a training run needs.
pub struct Trainer {
    settings: Settings,
    data: Dataset,
    /// The held-out set every analysis scores on (`None`: the training set itself, as in `new`).
    test: Option<Dataset>,
    scaling: Scaling,
    corruption: Corruption,
    objective: Objective,
    model: Autoencoder,
    opt: Optimizer,
    rng: Rng,
    cursor: Cursor,
    guard: Guard,
    /// Clean batch `[B, n]`, corrupted batch `[B, n]`, mask `[B, n]`.
    xb: Array2<f32>,
    xc: Array2<f32>,
    mask: Array2<f32>,
    ws: Workspace,
    /// The open batch of data-parallel training (`shard`).
    shard: shard::ShardState,
}

impl Trainer {
    /// A trainer for `settings` on `data`; the model is initialised from `settings.seed`.
    pub fn new(settings: Settings, data: Dataset) -> Result<Self> {
        settings.validate()?;
        if data.is_empty() {
            return Err(Error::Data("the data set has no images".into()));
        }
        let n = data.dim();
        let corruption = settings.training_corruption()?;
        corruption.validate(data.rows(), data.cols())?;
        let b = settings.batch.min(data.len());
        let mut rng = Rng::new(settings.seed);
        let mut model = Autoencoder::new(settings.ae_config(n), b, &mut rng)?;
        let cursor = Cursor::new(data.len(), b, &mut rng);
        let (floor_data, loss, scaling) = (data.clone(), settings.loss, settings.scaling()); // shares the images
        let guard = Guard::new(&mut model, &cursor, &rng, move || constant_output_loss(&floor_data, loss, scaling));
        let d = settings.d;
        Ok(Trainer {
            scaling: settings.scaling(),
            objective: Objective {
                loss: settings.loss,
                contractive_lambda: if settings.variant == Variant::Contractive { settings.lambda } else { 0.0 },
            },
            opt: Optimizer::new(settings.optim()?),
            corruption,
            model,
            rng,
            cursor,
            guard,
            xb: Array2::zeros((b, n)),
            xc: Array2::zeros((b, n)),
            mask: Array2::zeros((b, n)),
            ws: Workspace::new(b, n, d),
            shard: shard::ShardState::default(),
            settings,
            data,
            test: None,
        })
    }

    /// Runs `k` batches (1 ≤ k ≤ 100,000) and returns their mean loss and the position. A
    /// step that makes the loss, a weight or a moment NaN/∞ is undone and gives
    /// `Error::Diverged` (see `guard`).
    pub fn step(&mut self, k: u32) -> Result<StepStats> {
        self.abort_batch(); // a data-parallel batch left open (`shard`) is undone first
        self.moved_params();
        let (mean, warning) = guard::run_batches(self, k)?;
        Ok(StepStats { loss: mean.total, recon: mean.recon, penalty: mean.penalty, warning, ..self.position() })
    }

    /// Changes the learning rate of the current model (same range as the setting); training
    /// continues from where it is, and the blow-up watch starts afresh.
    pub fn set_lr(&mut self, lr: f32) -> Result<()> {
        Settings { lr, ..Settings::default() }.validate()?;
        self.settings.lr = lr;
        self.guard.set_lr(&mut self.opt, lr);
        Ok(())
    }

    /// The optimiser (read-only: its moments, for tests).
    pub fn optimizer(&self) -> &Optimizer {
        &self.opt
    }

    /// Where training stands (loss fields 0).
    pub fn position(&self) -> StepStats {
        StepStats {
            loss: 0.0,
            recon: 0.0,
            penalty: 0.0,
            epoch: self.cursor.epoch,
            batch: self.cursor.batch_in_epoch,
            batches_per_epoch: self.batches_per_epoch(),
            samples_seen: self.cursor.samples_seen,
            steps: self.opt.t,
            warning: None,
        }
    }

    /// ⌈len / batch⌉ (the last partial batch is kept).
    pub fn batches_per_epoch(&self) -> usize {
        self.cursor.batches_per_epoch()
    }

    /// MSE over the whole data set, clean and with the fixed evaluation mask (p = 0.5).
    pub fn evaluate(&mut self) -> EvalStats {
        let (n, b) = (self.data.dim(), self.xb.nrows());
        let mut mask_rng = Rng::new(EVAL_MASK_SEED);
        let mask = Corruption::Dropout { p: EVAL_MASK_P };
        let (lo, hi) = self.scaling.range();
        let (mut clean, mut noisy) = (0f64, 0f64);
        let mut start = 0;
        while start < self.data.len() {
            let m = b.min(self.data.len() - start);
            // Contiguous index ranges: write them into the (unused here) order-free buffer.
            for r in 0..m {
                let row = self.data.image(start + r);
                let mut dst = self.xb.row_mut(r);
                for (d, &v) in dst.iter_mut().zip(row) {
                    *d = self.scaling.apply(v);
                }
            }
            let xb = self.xb.slice(s![..m, ..]);
            self.model.forward(xb);
            clean += self.model.sse(xb);
            mask.apply(
                xb.as_slice().unwrap(),
                self.data.rows(),
                self.data.cols(),
                lo,
                hi,
                &mut mask_rng,
                &mut self.xc.as_slice_mut().unwrap()[..m * n],
                &mut self.mask.as_slice_mut().unwrap()[..m * n],
            );
            self.model.forward(self.xc.slice(s![..m, ..]));
            noisy += self.model.sse(xb);
            start += m;
        }
        let total = (self.data.len() * n) as f64;
        EvalStats { mse_clean: (clean / total) as f32, mse_noisy: (noisy / total) as f32 }
    }

}

/// Fills rows `rows` of the batch `idx` (its `[m]` indices) into `xb` (`[b, n]` flattened) and,
/// for a corrupting variant, corrupts them into `xc` and `mask`, drawing from `rng`: a step's
/// whole batch (`gradients`), or the data-parallel leader's rows as they are asked for (`shard`).
fn fill_rows(data: &Dataset, scaling: Scaling, corruption: Corruption, idx: &[u32], rows: Range<usize>, rng: &mut Rng, (xb, xc, mask): (&mut [f32], &mut [f32], &mut [f32])) {
    let n = data.dim();
    let (a, b) = (rows.start * n, rows.end * n);
    data.fill_rows(&idx[rows], scaling, &mut xb[a..b]);
    if corruption != Corruption::None {
        let (lo, hi) = scaling.range();
        corruption.apply(&xb[a..b], data.rows(), data.cols(), lo, hi, rng, &mut xc[a..b], &mut mask[a..b]);
    }
}

impl Guarded for Trainer {
    fn gradients(&mut self) -> LossParts {
        let m = self.cursor.next_batch().len();
        let bufs = (self.xb.as_slice_mut().unwrap(), self.xc.as_slice_mut().unwrap(), self.mask.as_slice_mut().unwrap());
        fill_rows(&self.data, self.scaling, self.corruption, self.cursor.next_batch(), 0..m, &mut self.rng, bufs);
        let xb = self.xb.slice(s![..m, ..]);
        let x_in = if self.corruption == Corruption::None { xb } else { self.xc.slice(s![..m, ..]) };
        forward_backward(&mut self.model, &mut self.ws, x_in, xb, self.objective)
    }

    fn state(&mut self) -> State<'_> {
        State { model: &mut self.model, opt: &mut self.opt, cursor: &mut self.cursor, rng: &mut self.rng, guard: &mut self.guard }
    }
}
