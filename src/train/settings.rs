//! The settings of an MNIST training run: the lecture's three autoencoders and every knob the
//! page offers, with defaults = the notebook's standard AE, validation whose messages name the
//! setting and its range, and the engine objects they choose (model shape, scaling, optimiser,
//! corruption).

use crate::activation::Activation;
use crate::autoencoder::AeConfig;
use crate::corruption::Corruption;
use crate::data::Scaling;
use crate::error::{Error, Result};
use crate::objective::Loss;
use crate::optim::OptimConfig;
use serde::{Deserialize, Serialize};

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
