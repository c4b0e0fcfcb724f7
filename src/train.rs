//! The trainer: owns the model, optimiser, data, generator and every buffer, and runs the
//! notebook's loop — shuffle each epoch, batches of `batch` with the last partial batch kept
//! (`drop_last=False`), corrupt (denoising), forward, loss (+ penalty), backward, optimiser step.
//! After the first step a step allocates nothing.

use crate::autoencoder::{AeConfig, Autoencoder};
use crate::corruption::Corruption;
use crate::data::{Dataset, Scaling};
use crate::error::{Error, Result};
use crate::objective::{self, Loss};
use crate::optim::{OptimConfig, Optimizer};
use crate::rng::Rng;
use crate::activation::Activation;
use crate::cursor::Cursor;
use crate::guard::{self, Guard, Guarded, State, Warning};
use ndarray::{s, Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Seed of the fixed dropout mask used by `evaluate` (the same every call and every run).
pub const EVAL_MASK_SEED: u64 = 0x0E7A_1000;
/// Masking probability of the evaluation mask (the notebook's p = 0.5).
pub const EVAL_MASK_P: f32 = 0.5;

/// Which autoencoder of the lecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// Reconstruct the clean input.
    Standard,
    /// Reconstruct the clean input from a corrupted one.
    Denoising,
    /// Reconstruct the clean input, plus λ‖∂h/∂x‖²_F.
    Contractive,
}

/// Every setting of a training run. Missing fields take the notebook's standard AE values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub variant: Variant,
    /// Code size d (1..=2048).
    pub d: usize,
    /// Encoder hidden widths before the code (empty: the notebook's one-layer encoder).
    pub hidden: Vec<usize>,
    pub lr: f32,
    pub batch: usize,
    pub seed: u64,
    pub loss: Loss,
    pub tied: bool,
    /// "adam" or "sgd".
    pub optimizer: String,
    /// SGD momentum.
    pub momentum: f32,
    /// Denoising corruption: "dropout", "gaussian", "salt_pepper" or "square".
    pub corruption: String,
    /// Dropout / salt-and-pepper probability p.
    pub noise_p: f32,
    /// Gaussian σ (in data units).
    pub sigma: f32,
    /// Occluding square side, pixels.
    pub square: usize,
    /// Contractive weight λ.
    pub lambda: f32,
    /// Activation of the code and (MSE) output layers: "tanh" (the notebook) or "linear"
    /// (identity; with tied weights and MSE the linear AE whose optimum spans the PCA subspace).
    /// BCE keeps its sigmoid output either way.
    pub activation: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            variant: Variant::Standard,
            d: 30,
            hidden: vec![],
            lr: 1e-3,
            batch: 256,
            seed: 0,
            loss: Loss::Mse,
            tied: false,
            optimizer: "adam".into(),
            momentum: 0.9,
            corruption: "dropout".into(),
            noise_p: 0.5,
            sigma: 0.5,
            square: 12,
            lambda: 0.1,
            activation: "tanh".into(),
        }
    }
}

impl Settings {
    /// The notebook's denoising AE: d = 500, dropout mask p = 0.5.
    pub fn notebook_denoising() -> Self {
        Settings { variant: Variant::Denoising, d: 500, ..Settings::default() }
    }

    /// Checks every value; the message names the setting and its range.
    pub fn validate(&self) -> Result<()> {
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 10.0) {
            return Err(Error::Config(format!("learning rate must be a number in (0, 10], got {}", self.lr)));
        }
        if self.batch == 0 || self.batch > 4096 {
            return Err(Error::Config(format!("batch size must be between 1 and 4096, got {}", self.batch)));
        }
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return Err(Error::Config(format!("momentum must be in [0, 1), got {}", self.momentum)));
        }
        if !(self.lambda.is_finite() && (0.0..=1000.0).contains(&self.lambda)) {
            return Err(Error::Config(format!("λ must be in [0, 1000], got {}", self.lambda)));
        }
        if self.seed > (1u64 << 53) {
            return Err(Error::Config(format!("seed must be at most 2^53, got {}", self.seed)));
        }
        if self.variant == Variant::Contractive && !self.hidden.is_empty() {
            return Err(Error::Config("the contractive penalty needs a one-layer encoder".into()));
        }
        let act = self.code_activation()?;
        if self.variant == Variant::Contractive && act != Activation::Tanh {
            return Err(Error::Config("the contractive penalty is written for a tanh code; choose activation \"tanh\"".into()));
        }
        self.optim()?;
        self.corruption_kind()?.validate(28, 28)?;
        self.ae_config(784).validate()
    }

    /// The activation named by `activation`: tanh or identity ("linear").
    pub fn code_activation(&self) -> Result<Activation> {
        match self.activation.as_str() {
            "tanh" => Ok(Activation::Tanh),
            "linear" => Ok(Activation::Identity),
            a => Err(Error::Config(format!("activation must be \"tanh\" or \"linear\", got {a:?}"))),
        }
    }

    /// The model shape for input width `n`.
    pub fn ae_config(&self, n: usize) -> AeConfig {
        // An unknown name is refused by `validate`; here it falls back to the notebook's tanh.
        let act = self.code_activation().unwrap_or(Activation::Tanh);
        let out_act = match self.loss {
            Loss::Mse => act,
            Loss::Bce => Activation::Sigmoid,
        };
        AeConfig { hidden: self.hidden.clone(), tied: self.tied, code_act: act, out_act, ..AeConfig::notebook(n, self.d) }
    }

    /// Data scaling: [-1, 1] with a tanh output (MSE), [0, 1] with a sigmoid output (BCE).
    pub fn scaling(&self) -> Scaling {
        match self.loss {
            Loss::Mse => Scaling::MinusOneToOne,
            Loss::Bce => Scaling::ZeroToOne,
        }
    }

    /// The optimiser.
    pub fn optim(&self) -> Result<OptimConfig> {
        match self.optimizer.as_str() {
            "adam" => Ok(OptimConfig::adam(self.lr)),
            "sgd" => Ok(OptimConfig::Sgd { lr: self.lr, momentum: self.momentum }),
            o => Err(Error::Config(format!("optimizer must be \"adam\" or \"sgd\", got {o:?}"))),
        }
    }

    /// The corruption named by `corruption` with its strength.
    pub fn corruption_kind(&self) -> Result<Corruption> {
        Ok(match self.corruption.as_str() {
            "dropout" => Corruption::Dropout { p: self.noise_p },
            "gaussian" => Corruption::Gaussian { sigma: self.sigma },
            "salt_pepper" => Corruption::SaltPepper { p: self.noise_p },
            "square" => Corruption::Square { size: self.square },
            c => {
                return Err(Error::Config(format!(
                    "corruption must be dropout, gaussian, salt_pepper or square, got {c:?}"
                )))
            }
        })
    }

    /// The corruption applied during training (none unless denoising).
    pub fn training_corruption(&self) -> Result<Corruption> {
        match self.variant {
            Variant::Denoising => self.corruption_kind(),
            _ => Ok(Corruption::None),
        }
    }
}

/// What the training loss is made of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    pub loss: Loss,
    /// λ of the contractive penalty (0: none).
    pub contractive_lambda: f32,
}

/// Buffers the objective needs besides the model's own: `[max_batch, n]`, `[max_batch, d]`, `[d]`.
#[derive(Clone, Debug)]
pub struct Workspace {
    dxhat: Array2<f32>,
    dh: Array2<f32>,
    s: Array1<f32>,
    colsum: Array1<f32>,
}

impl Workspace {
    pub fn new(max_batch: usize, n: usize, d: usize) -> Self {
        Workspace {
            dxhat: Array2::zeros((max_batch, n)),
            dh: Array2::zeros((max_batch, d)),
            s: Array1::zeros(d),
            colsum: Array1::zeros(d),
        }
    }
}

/// Breakdown of one evaluation of the objective.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LossParts {
    /// The training loss (reconstruction + penalty).
    pub total: f32,
    /// The reconstruction loss alone.
    pub recon: f32,
    /// λ·mean‖J‖²_F (0 without a contractive penalty).
    pub penalty: f32,
}

/// One forward + backward: loss of `model(x_in)` against `target` (both `[m, n]`), gradients
/// left in the model's layers. The one code path used by training, the fixture checker and the
/// gradient checks.
pub fn forward_backward(model: &mut Autoencoder, ws: &mut Workspace, x_in: ArrayView2<f32>, target: ArrayView2<f32>, obj: Objective) -> LossParts {
    let m = x_in.nrows();
    model.forward(x_in);
    let recon = obj.loss.value_and_grad(model.output(m), target, ws.dxhat.slice_mut(s![..m, ..]));
    if obj.contractive_lambda == 0.0 {
        model.backward(x_in, ws.dxhat.slice(s![..m, ..]));
        return LossParts { total: recon, recon, penalty: 0.0 };
    }
    // Contractive: dL/dh = decoder's + penalty's; the penalty also adds a direct dW_h term.
    let lambda = obj.contractive_lambda;
    let penalty = objective::contractive_penalty(model.code(m), model.enc[0].w.view(), lambda, ws.s.view_mut());
    model.backward_decoder(ws.dxhat.slice(s![..m, ..]));
    let mut dh = ws.dh.slice_mut(s![..m, ..]);
    dh.assign(&model.code_grad_from_decoder(m));
    objective::contractive_add_dh(model.code(m), ws.s.view(), lambda, dh.view_mut());
    model.backward_encoder(x_in, Some(ws.dh.slice(s![..m, ..])));
    let (h, w, gw) = model.enc[0].output_weight_grad(m);
    objective::contractive_add_dw(h, w, lambda, ws.colsum.view_mut(), gw);
    LossParts { total: recon + penalty, recon, penalty }
}

/// The loss alone (a forward pass; gradients untouched).
pub fn loss_only(model: &mut Autoencoder, ws: &mut Workspace, x_in: ArrayView2<f32>, target: ArrayView2<f32>, obj: Objective) -> LossParts {
    let m = x_in.nrows();
    model.forward(x_in);
    let recon = obj.loss.value(model.output(m), target);
    let penalty = if obj.contractive_lambda == 0.0 {
        0.0
    } else {
        objective::contractive_penalty(model.code(m), model.enc[0].w.view(), obj.contractive_lambda, ws.s.view_mut())
    };
    LossParts { total: recon + penalty, recon, penalty }
}

/// One optimiser step over every parameter of the model.
pub fn optimizer_step(model: &mut Autoencoder, opt: &mut Optimizer) {
    opt.begin_step();
    model.for_each_param(|i, p, g| opt.update(i, p, g));
}

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
        let guard = Guard::new(&mut model, &cursor, &rng, constant_output_loss(&data, settings.loss, settings.scaling()));
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
            settings,
            data,
            test: None,
        })
    }

    /// A trainer that learns from `train` only and whose row queries (`inputs`,
    /// `display_corruption`, the labs) index the held-out `test` (same image size, not empty).
    pub fn with_test(settings: Settings, train: Dataset, test: Dataset) -> Result<Self> {
        if test.is_empty() || (test.rows(), test.cols()) != (train.rows(), train.cols()) {
            return Err(Error::Data(format!(
                "the test set must hold images of the training set's {}×{} pixels; it has {} of {}×{}",
                train.rows(), train.cols(), test.len(), test.rows(), test.cols()
            )));
        }
        let mut t = Trainer::new(settings, train)?;
        t.test = Some(test);
        Ok(t)
    }

    /// Runs `k` batches (1 ≤ k ≤ 100,000) and returns their mean loss and the position. A
    /// step that makes the loss, a weight or a moment NaN/∞ is undone and gives
    /// `Error::Diverged` (see `guard`).
    pub fn step(&mut self, k: u32) -> Result<StepStats> {
        let (mean, warning) = guard::run_batches(self, k)?;
        Ok(StepStats { loss: mean.total, recon: mean.recon, penalty: mean.penalty, warning, ..self.position() })
    }

    /// Changes the learning rate of the current model (same range as the setting); training
    /// continues from where it is, and the blow-up watch starts afresh.
    pub fn set_lr(&mut self, lr: f32) -> Result<()> {
        Settings { lr, ..Settings::default() }.validate()?;
        self.settings.lr = lr;
        self.opt.set_lr(lr);
        self.guard.watch.restart();
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

    /// The same MSEs over the held-out set (`score::score` over all its rows, in order).
    pub fn evaluate_test(&mut self) -> Result<EvalStats> {
        let test = self.test.as_ref().unwrap_or(&self.data);
        crate::score::score(&mut self.model, test, &crate::score::all_rows(test.len()), self.scaling)
    }

    // ---- Snapshots for the UI (these allocate their results; not used by `step`). ----

    /// The settings this trainer was made with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The training set (what `step` learns from and `evaluate` scores).
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The held-out set the analyses score on (the training set when built by `new`).
    pub fn test_data(&self) -> &Dataset {
        self.test.as_ref().unwrap_or(&self.data)
    }

    /// The model (read-only).
    pub fn model(&self) -> &Autoencoder {
        &self.model
    }

    /// The model, for analyses that run it on their own inputs (inpainting, probes). They may
    /// overwrite its activation buffers, never its parameters.
    pub fn model_mut(&mut self) -> &mut Autoencoder {
        &mut self.model
    }

    /// Largest batch the model's buffers hold (`forward` takes at most this many rows).
    pub fn max_batch(&self) -> usize {
        self.xb.nrows()
    }

    /// Value range of the model's data: (-1, 1) or (0, 1).
    pub fn range(&self) -> (f32, f32) {
        self.scaling.range()
    }

    /// Clean scaled images `idx` of the held-out set (`test_data`): `[k, n]` flattened.
    pub fn inputs(&self, idx: &[u32]) -> Result<Vec<f32>> {
        rows_of(self.test_data(), idx, self.scaling)
    }

    /// Clean scaled images `idx` of the training set: `[k, n]` flattened.
    pub fn train_inputs(&self, idx: &[u32]) -> Result<Vec<f32>> {
        rows_of(&self.data, idx, self.scaling)
    }

    /// The fixed display corruption of image i (the same every call: seeded by settings.seed and
    /// i), as (corrupted, mask), each `[k, n]` flattened. Uses the settings' corruption even for
    /// the standard AE, so its outputs on corrupted digits can be compared.
    pub fn display_corruption(&self, idx: &[u32]) -> Result<(Vec<f32>, Vec<f32>)> {
        let x = self.inputs(idx)?;
        let n = self.data.dim();
        let c = self.settings.corruption_kind()?;
        let (lo, hi) = self.scaling.range();
        let (mut xc, mut mask) = (vec![0f32; x.len()], vec![0f32; x.len()]);
        for (k, &i) in idx.iter().enumerate() {
            let mut rng = Rng::new(self.settings.seed ^ (0xD15B_1A70_0000 + i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let r = k * n..(k + 1) * n;
            c.apply(&x[r.clone()], self.data.rows(), self.data.cols(), lo, hi, &mut rng, &mut xc[r.clone()], &mut mask[r]);
        }
        Ok((xc, mask))
    }

    /// D(E(x)) for rows `x` (`[k, n]` flattened), in chunks of the batch buffers.
    pub fn reconstruct_rows(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        self.map_rows(x, self.data.dim(), |model, m| model.output(m).iter().copied().collect())
    }

    /// E(x) for rows `x` (`[k, n]` flattened): codes `[k, d]` flattened.
    pub fn encode_rows(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        self.map_rows(x, self.data.dim(), |model, m| model.code(m).iter().copied().collect())
    }

    /// D(h) for codes `h` (`[k, d]` flattened): images `[k, n]` flattened.
    pub fn decode_rows(&mut self, h: &[f32]) -> Result<Vec<f32>> {
        let d = self.settings.d;
        if h.len() % d != 0 {
            return Err(Error::Shape(format!("codes must be a multiple of d = {d} values, got {}", h.len())));
        }
        let mut out = Vec::with_capacity(h.len() / d * self.data.dim());
        for chunk in h.chunks(d * self.xb.nrows()) {
            let v = ArrayView2::from_shape((chunk.len() / d, d), chunk).map_err(|e| Error::Shape(e.to_string()))?;
            self.model.decode(v);
            out.extend(self.model.output(v.nrows()).iter());
        }
        Ok(out)
    }

    /// Runs the model on rows of width `w` and collects `f(model, m)` per chunk.
    fn map_rows(&mut self, x: &[f32], w: usize, f: impl Fn(&Autoencoder, usize) -> Vec<f32>) -> Result<Vec<f32>> {
        if x.len() % w != 0 {
            return Err(Error::Shape(format!("inputs must be a multiple of {w} values, got {}", x.len())));
        }
        let mut out = vec![];
        for chunk in x.chunks(w * self.xb.nrows()) {
            let v = ArrayView2::from_shape((chunk.len() / w, w), chunk).map_err(|e| Error::Shape(e.to_string()))?;
            self.model.forward(v);
            out.extend(f(&self.model, v.nrows()));
        }
        Ok(out)
    }

    /// Rows of the first encoder weight W_h: `[d, n]` flattened (the lecture's kernels).
    pub fn kernels(&self) -> Vec<f32> {
        self.model.kernels().iter().copied().collect()
    }
}

impl Guarded for Trainer {
    fn one_batch(&mut self) -> LossParts {
        let n = self.data.dim();
        let idx = self.cursor.next_batch();
        let m = idx.len();
        let xb = &mut self.xb.slice_mut(s![..m, ..]);
        self.data.fill_rows(idx, self.scaling, xb.as_slice_mut().unwrap());
        let xb = self.xb.slice(s![..m, ..]);
        let x_in = if self.corruption == Corruption::None {
            xb
        } else {
            let (lo, hi) = self.scaling.range();
            self.corruption.apply(
                xb.as_slice().unwrap(),
                self.data.rows(),
                self.data.cols(),
                lo,
                hi,
                &mut self.rng,
                &mut self.xc.as_slice_mut().unwrap()[..m * n],
                &mut self.mask.as_slice_mut().unwrap()[..m * n],
            );
            self.xc.slice(s![..m, ..])
        };
        let parts = forward_backward(&mut self.model, &mut self.ws, x_in, xb, self.objective);
        optimizer_step(&mut self.model, &mut self.opt);
        self.cursor.advance(&mut self.rng);
        parts
    }

    fn state(&mut self) -> State<'_> {
        State { model: &mut self.model, opt: &mut self.opt, cursor: &mut self.cursor, rng: &mut self.rng, guard: &mut self.guard }
    }
}


/// The loss of the best constant output over `data` (every pixel its mean): for MSE the mean
/// per-pixel variance, for BCE the mean per-pixel binary entropy H(μ) (BCE is linear in the
/// target, so its mean at the constant μ is H(μ); logs clamped at −100 as PyTorch does).
pub fn constant_output_loss(data: &Dataset, loss: Loss, scaling: Scaling) -> f32 {
    let n = data.dim();
    let (mut sum, mut sq) = (vec![0f64; n], vec![0f64; n]);
    for i in 0..data.len() {
        for (j, &b) in data.image(i).iter().enumerate() {
            let x = scaling.apply(b) as f64;
            sum[j] += x;
            sq[j] += x * x;
        }
    }
    let k = data.len() as f64;
    let per_pixel = sum.iter().zip(&sq).map(|(&s, &q)| {
        let mu = s / k;
        match loss {
            Loss::Mse => q / k - mu * mu,
            Loss::Bce => -(mu * mu.ln().max(-100.0) + (1.0 - mu) * (1.0 - mu).ln().max(-100.0)),
        }
    });
    (per_pixel.sum::<f64>() / n as f64) as f32
}

/// Images `idx` of `data`, scaled: `[k, n]` flattened.
fn rows_of(data: &Dataset, idx: &[u32], scaling: Scaling) -> Result<Vec<f32>> {
    data.check_indices(idx)?;
    let mut out = vec![0f32; idx.len() * data.dim()];
    data.fill_rows(idx, scaling, &mut out);
    Ok(out)
}
