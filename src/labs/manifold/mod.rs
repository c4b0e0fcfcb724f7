//! The 2-D manifold lab (lecture figs 15–19): an autoencoder `2 → hidden… → code → hidden… → 2`
//! trained on points of a curve (`data::curves`) as a standard, denoising or contractive AE (the
//! contractive one through the exact stacked Jacobian of `jacobian`), and what the page draws
//! from it — reconstructions, the vector field x̃ → g(f(x̃)) over a grid, and the decoder's image
//! of a sweep of the code (the learned manifold). Training shares `train::forward_backward`, the
//! epoch cursor and the guard with the MNIST trainer. After the first step a step allocates
//! nothing.

use crate::autoencoder::Autoencoder;
use crate::cursor::Cursor;
use crate::data::curves::generate;
use crate::error::{Error, Result};
use crate::guard::{self, Guard, Guarded, State, Warning};
use crate::jacobian::{contractive_forward_backward, tangent_forward, Tangents};
use crate::objective::Loss;
use crate::optim::{OptimConfig, Optimizer};
use crate::rng::Rng;
use crate::train::{self, LossParts, Objective, Variant, Workspace};
use ndarray::{s, Array2, ArrayView2};
use serde::Serialize;

mod settings;

pub use settings::ManifoldSettings;

/// Salt of the data generator's stream (the model's initial weights use the seed itself, so the
/// three variants of one seed start from the same weights and see the same points).
const DATA_SALT: u64 = 0xDA7A_2D00;
/// Salt of the training stream (shuffles, corruption).
const TRAIN_SALT: u64 = 0x7EA1_2D00;
/// Salt of the fixed display corruption (fig 16).
const DISPLAY_SALT: u64 = 0xF16_2D00;

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
        let guard = Guard::new(&mut model, &cursor, &rng, constant_point_loss(&data));
        let tw = Tangents::new(&model, b);
        Ok(ManifoldTrainer {
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
        Ok(ManifoldStats { loss: mean.total, recon: mean.recon, penalty: mean.penalty, epoch, steps, warning })
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

    /// Checks a flat array of (x, y) points.
    fn rows(x: &[f32], w: usize) -> Result<usize> {
        if x.len() % w != 0 {
            return Err(Error::Shape(format!("expected a multiple of {w} values, got {}", x.len())));
        }
        Ok(x.len() / w)
    }

    /// g(f(x)) of points `x: [k, 2]` into `out: [k, 2]` (no allocation).
    pub fn reconstruct_into(&mut self, x: &[f32], out: &mut [f32]) -> Result<()> {
        Self::rows(x, 2)?;
        if out.len() != x.len() {
            return Err(Error::Shape(format!("output needs {} values, got {}", x.len(), out.len())));
        }
        let b = self.xb.nrows();
        for (xi, oi) in x.chunks(2 * b).zip(out.chunks_mut(2 * b)) {
            let v = ArrayView2::from_shape((xi.len() / 2, 2), xi).unwrap();
            self.model.forward(v);
            oi.copy_from_slice(self.model.output(v.nrows()).as_slice().unwrap());
        }
        Ok(())
    }

    /// g(f(x)) of points `x: [k, 2]`, as `[k, 2]`.
    pub fn reconstruct(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        let mut out = vec![0f32; x.len()];
        self.reconstruct_into(x, &mut out)?;
        Ok(out)
    }

    /// Codes h = f(x) of points `x: [k, 2]`, as `[k, code]`.
    pub fn encode(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        let k = Self::rows(x, 2)?;
        let mut out = Vec::with_capacity(k * self.settings.code);
        for xi in x.chunks(2 * self.xb.nrows()) {
            let v = ArrayView2::from_shape((xi.len() / 2, 2), xi).unwrap();
            self.model.forward(v);
            out.extend(self.model.code(v.nrows()).iter());
        }
        Ok(out)
    }

    /// Points g(h) of codes `h: [k, code]`, as `[k, 2]`.
    pub fn decode(&mut self, h: &[f32]) -> Result<Vec<f32>> {
        let d = self.settings.code;
        let k = Self::rows(h, d)?;
        let mut out = Vec::with_capacity(2 * k);
        for hi in h.chunks(d * self.xb.nrows()) {
            let v = ArrayView2::from_shape((hi.len() / d, d), hi).unwrap();
            self.model.decode(v);
            out.extend(self.model.output(v.nrows()).iter());
        }
        Ok(out)
    }

    /// The exact Jacobian ∂h/∂x at points `x: [k, 2]`, as `[k, code, 2]` (J[i, j, c] = ∂h_j/∂x_c).
    pub fn jacobian(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        let k = Self::rows(x, 2)?;
        let d = self.settings.code;
        let mut out = vec![0f32; k * d * 2];
        let b = self.xb.nrows();
        for (ci, xi) in x.chunks(2 * b).enumerate() {
            let m = xi.len() / 2;
            let v = ArrayView2::from_shape((m, 2), xi).unwrap();
            self.model.forward(v);
            tangent_forward(&self.model, &mut self.tw, m);
            for c in 0..2 {
                for (r, row) in self.tw.jacobian_column(c, m).rows().into_iter().enumerate() {
                    for (j, &v) in row.iter().enumerate() {
                        out[((ci * b + r) * d + j) * 2 + c] = v;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Points x + σ·ε of the data with a fixed noise (the same every call, for every variant of
    /// a seed): the corrupted inputs of fig 16, `[n, 2]`.
    pub fn corrupted(&self) -> Vec<f32> {
        let mut rng = Rng::new(self.settings.seed ^ DISPLAY_SALT);
        let sigma = self.settings.sigma;
        self.data().iter().map(|&v| v + sigma * rng.normal()).collect()
    }

    /// The learned manifold: the decoder's image of a sweep of the code, as polylines of `k`
    /// points each, `[lines·k, 2]`. The sweep covers the codes of the training points, widened
    /// by 10 % of their range on each side. Code size 1: one line. Code size ≥ 2: a mesh of 9 + 9
    /// lines over the first two code units (the others at the mean code).
    pub fn sweep(&mut self, k: usize) -> Result<Vec<f32>> {
        if !(2..=4096).contains(&k) {
            return Err(Error::Config(format!("sweep length must be between 2 and 4096, got {k}")));
        }
        let d = self.settings.code;
        let data = self.data.as_slice().unwrap().to_vec();
        let codes = self.encode(&data)?;
        let n = codes.len() / d;
        let mut lo = vec![f32::INFINITY; d];
        let mut hi = vec![f32::NEG_INFINITY; d];
        let mut mean = vec![0f64; d];
        for row in codes.chunks_exact(d) {
            for j in 0..d {
                lo[j] = lo[j].min(row[j]);
                hi[j] = hi[j].max(row[j]);
                mean[j] += row[j] as f64 / n as f64;
            }
        }
        for j in 0..d {
            let pad = 0.1 * (hi[j] - lo[j]).max(1e-3);
            lo[j] -= pad;
            hi[j] += pad;
        }
        let lerp = |j: usize, i: usize, k: usize| lo[j] + (hi[j] - lo[j]) * i as f32 / (k - 1) as f32;
        let mut h = Vec::new();
        let base: Vec<f32> = mean.iter().map(|&v| v as f32).collect();
        if d == 1 {
            for i in 0..k {
                h.push(lerp(0, i, k));
            }
        } else {
            const LINES: usize = 9;
            for (a, b) in [(0usize, 1usize), (1, 0)] {
                for li in 0..LINES {
                    for i in 0..k {
                        let mut code = base.clone();
                        code[a] = lerp(a, li, LINES);
                        code[b] = lerp(b, i, k);
                        h.extend(code);
                    }
                }
            }
        }
        self.decode(&h)
    }
}

impl Guarded for ManifoldTrainer {
    fn one_batch(&mut self) -> LossParts {
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
        train::optimizer_step(&mut self.model, &mut self.opt);
        self.cursor.advance(&mut self.rng);
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
