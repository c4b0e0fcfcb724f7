//! The 2-D manifold lab (lecture figs 15–19): an autoencoder `2 → hidden… → code → hidden… → 2`
//! trained on points of a curve (`data::curves`) as a standard, denoising or contractive AE (the
//! contractive one through the exact stacked Jacobian of `jacobian`), and what the page draws
//! from it — reconstructions, the vector field x̃ → g(f(x̃)) over a grid, and the decoder's image
//! of a sweep of the code (the learned manifold, `views.rs`). Training shares `train::forward_backward`, the
//! epoch cursor and the guard with the MNIST trainer. After the first step a step allocates
//! nothing.

use crate::autoencoder::Autoencoder;
use crate::cursor::Cursor;
use crate::data::curves::{generate, Curve};
use crate::error::{Error, Result};
use crate::guard::{self, Guard, Guarded, State, Warning};
use crate::jacobian::{contractive_forward_backward, contractive_loss, Tangents};
use crate::objective::Loss;
use crate::optim::{OptimConfig, Optimizer};
use crate::rng::Rng;
use crate::train::{self, LossParts, Objective, Variant, Workspace};
use ndarray::{s, Array2};
use serde::Serialize;

mod settings;
mod views;
pub mod weights;

pub use settings::ManifoldSettings;
pub use weights::ManifoldProvenance;

/// Salt of the data generator's stream (the model's initial weights use the seed itself, so the
/// three variants of one seed start from the same weights and see the same points).
const DATA_SALT: u64 = 0xDA7A_2D00;
/// Salt of the training stream (shuffles, corruption).
const TRAIN_SALT: u64 = 0x7EA1_2D00;

/// What `step(k)` returns.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ManifoldStats {
    /// Mean training loss of the k batches (reconstruction + penalty).
    pub loss: f32,
    /// Mean reconstruction part.
    pub recon: f32,
    /// Mean contractive penalty part (0 for the other variants).
    pub penalty: f32,
    /// Completed epochs.
    pub epoch: u64,
    /// Optimiser steps taken.
    pub steps: u64,
    /// Set when the loss climbed well above where training started (see `guard::LossWatch`).
    pub warning: Option<Warning>,
}

/// One lab: the points, the model, the optimiser and every buffer.
pub struct ManifoldTrainer {
    settings: ManifoldSettings,
    /// Training points `[n, 2]`.
    data: Array2<f32>,
    model: Autoencoder,
    opt: Optimizer,
    rng: Rng,
    cursor: Cursor,
    guard: Guard,
    /// Clean batch and corrupted batch `[B, 2]`.
    xb: Array2<f32>,
    xc: Array2<f32>,
    ws: Workspace,
    tw: Tangents,
    /// The drawn stroke's fingerprint (`weights::stroke_fingerprint`), for a drawn curve.
    stroke: Option<String>,
    /// Steps the model had trained when its weights were loaded (0 for a model from the seed).
    prior_steps: u64,
    /// Mean loss of the last `step(k)` call (or the loaded file's), for the saved provenance.
    last_loss: Option<f32>,
}

impl ManifoldTrainer {
    /// A lab for `settings`; `drawn` is the user's polyline when `settings.curve` is `Drawn`.
    pub fn new(settings: ManifoldSettings, drawn: Option<&[f32]>) -> Result<Self> {
        settings.validate()?;
        let mut data_rng = Rng::new(settings.seed ^ DATA_SALT);
        let pts = generate(settings.curve, settings.points, settings.noise, drawn, &mut data_rng)?;
        let n = settings.points;
        let data = Array2::from_shape_vec((n, 2), pts).map_err(|e| Error::Shape(e.to_string()))?;
        let b = settings.batch.min(n);
        let mut init_rng = Rng::new(settings.seed);
        let mut model = Autoencoder::new(settings.ae_config(), b, &mut init_rng)?;
        let mut rng = Rng::new(settings.seed ^ TRAIN_SALT);
        let cursor = Cursor::new(n, b, &mut rng);
        let floor = constant_point_loss(&data); // a few hundred points: at once
        let guard = Guard::new(&mut model, &cursor, &rng, move || floor);
        let tw = Tangents::new(&model, b);
        let stroke = (settings.curve == Curve::Drawn).then(|| weights::stroke_fingerprint(drawn.unwrap_or_default()));
        Ok(ManifoldTrainer {
            stroke,
            prior_steps: 0,
            last_loss: None,
            opt: Optimizer::new(OptimConfig::adam(settings.lr)),
            ws: Workspace::new(b, 2, settings.code),
            xb: Array2::zeros((b, 2)),
            xc: Array2::zeros((b, 2)),
            tw,
            model,
            rng,
            cursor,
            guard,
            data,
            settings,
        })
    }

    pub fn settings(&self) -> &ManifoldSettings {
        &self.settings
    }

    /// The training points, `[n, 2]` flattened.
    pub fn data(&self) -> &[f32] {
        self.data.as_slice().unwrap()
    }

    /// The model (for tests and snapshots).
    pub fn model(&self) -> &Autoencoder {
        &self.model
    }

    /// Runs `k` mini-batches (1 ≤ k ≤ 100,000). A step that makes the loss, a weight or a
    /// moment NaN/∞ is undone and gives `Error::Diverged` (see `guard`).
    pub fn step(&mut self, k: u32) -> Result<ManifoldStats> {
        let (mean, warning) = guard::run_batches(self, k)?;
        let (epoch, steps) = (self.cursor.epoch, self.opt.t);
        self.last_loss = Some(mean.total);
        Ok(ManifoldStats { loss: mean.total, recon: mean.recon, penalty: mean.penalty, epoch, steps, warning })
    }

    /// Steps the model has trained: a loaded file's count plus the optimiser steps taken here.
    pub fn total_steps(&self) -> u64 {
        self.prior_steps + self.opt.t
    }

    /// The variant's loss over every training point once, with no randomness: the reconstruction
    /// MSE (the denoising variant's from the fixed corrupted points of `corrupted`), plus the
    /// contractive penalty λ·mean‖∂h/∂x‖²_F for that variant. Chunks of the batch size.
    pub fn evaluate(&mut self) -> Result<f32> {
        let n = self.data.nrows();
        let plain = Objective { loss: Loss::Mse, contractive_lambda: 0.0 };
        let inputs = match self.settings.variant {
            Variant::Denoising => Array2::from_shape_vec((n, 2), self.corrupted()).map_err(|e| Error::Shape(e.to_string()))?,
            _ => self.data.clone(),
        };
        let b = self.xb.nrows();
        let mut sum = 0f64;
        for start in (0..n).step_by(b) {
            let rows = s![start..(start + b).min(n), ..];
            let (x, target) = (inputs.slice(rows), self.data.slice(rows));
            let parts = match self.settings.variant {
                Variant::Contractive => contractive_loss(&mut self.model, &mut self.tw, x, self.settings.lambda),
                _ => train::loss_only(&mut self.model, &mut self.ws, x, target, plain),
            };
            sum += parts.total as f64 * x.nrows() as f64;
        }
        Ok((sum / n as f64) as f32)
    }

    /// Changes Adam's learning rate (0 < lr ≤ 1); training continues from where it is.
    pub fn set_lr(&mut self, lr: f32) -> Result<()> {
        ManifoldSettings { lr, ..ManifoldSettings::default() }.validate()?;
        self.settings.lr = lr;
        self.guard.set_lr(&mut self.opt, lr);
        Ok(())
    }

    /// The optimiser (read-only: its moments, for tests).
    pub fn optimizer(&self) -> &Optimizer {
        &self.opt
    }

    /// The model, for tests that load weights of their own.
    pub fn model_mut(&mut self) -> &mut Autoencoder {
        &mut self.model
    }
}

impl Guarded for ManifoldTrainer {
    fn gradients(&mut self) -> LossParts {
        let idx = self.cursor.next_batch();
        let m = idx.len();
        for (r, &i) in idx.iter().enumerate() {
            self.xb.row_mut(r).assign(&self.data.row(i as usize));
        }
        let xb = self.xb.slice(s![..m, ..]);
        let plain = Objective { loss: Loss::Mse, contractive_lambda: 0.0 };
        let parts = match self.settings.variant {
            Variant::Standard => train::forward_backward(&mut self.model, &mut self.ws, xb, xb, plain),
            Variant::Denoising => {
                // x̃ = x + σ·ε, target x.
                let sigma = self.settings.sigma;
                let mut xc = self.xc.slice_mut(s![..m, ..]);
                for (c, &x) in xc.iter_mut().zip(xb.iter()) {
                    *c = x + sigma * self.rng.normal();
                }
                train::forward_backward(&mut self.model, &mut self.ws, self.xc.slice(s![..m, ..]), xb, plain)
            }
            Variant::Contractive => contractive_forward_backward(&mut self.model, &mut self.tw, xb, self.settings.lambda),
        };
        parts
    }

    fn state(&mut self) -> State<'_> {
        State { model: &mut self.model, opt: &mut self.opt, cursor: &mut self.cursor, rng: &mut self.rng, guard: &mut self.guard }
    }
}

/// MSE of the best constant output (the mean point) over points `[n, 2]`: the mean of the two
/// coordinates' variances.
fn constant_point_loss(data: &Array2<f32>) -> f32 {
    let k = data.nrows() as f64;
    let var = |c: usize| {
        let col = data.column(c);
        let mu = col.iter().map(|&v| v as f64).sum::<f64>() / k;
        col.iter().map(|&v| (v as f64 - mu).powi(2)).sum::<f64>() / k
    };
    ((var(0) + var(1)) / 2.0) as f32
}
