//! The settings of one 2-D manifold lab, with defaults that give a clean picture in a few
//! seconds, validation whose messages name the setting and its range, and the model they choose.

use crate::activation::Activation;
use crate::autoencoder::AeConfig;
use crate::data::curves::Curve;
use crate::error::{Error, Result};
use crate::train::Variant;
use serde::{Deserialize, Serialize};

/// Every setting of one lab. Missing fields take the defaults (a clean picture in a few seconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ManifoldSettings {
    pub variant: Variant,
    pub curve: Curve,
    /// Number of training points (16..=4096).
    pub points: usize,
    /// Standard deviation of the Gaussian noise around the curve (0..=0.5).
    pub noise: f32,
    /// Denoising corruption σ: x̃ = x + σ·ε, ε ~ N(0, I) (0..=2). Also the σ of the display
    /// corruption (fig 16) for every variant.
    pub sigma: f32,
    /// Contractive weight λ (0..=100).
    pub lambda: f32,
    /// Width of every hidden layer (1..=256).
    pub width: usize,
    /// Hidden layers on each side of the code (0..=4): the encoder has depth + 1 layers.
    pub depth: usize,
    /// Code size (1..=8).
    pub code: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Mini-batch size (1..=1024; capped at the number of points).
    pub batch: usize,
    pub seed: u64,
}

impl Default for ManifoldSettings {
    fn default() -> Self {
        ManifoldSettings {
            variant: Variant::Standard,
            curve: Curve::Circle,
            points: 400,
            noise: 0.02,
            sigma: 0.15,
            lambda: 0.05,
            width: 64,
            depth: 1,
            code: 2,
            lr: 0.01,
            batch: 100,
            seed: 0,
        }
    }
}

impl ManifoldSettings {
    /// Checks every value; the message names the setting and its range.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Config(m));
        if !(16..=4096).contains(&self.points) {
            return bad(format!("points must be between 16 and 4096, got {}", self.points));
        }
        if !(self.noise.is_finite() && (0.0..=0.5).contains(&self.noise)) {
            return bad(format!("noise must be in [0, 0.5], got {}", self.noise));
        }
        if !(self.sigma.is_finite() && (0.0..=2.0).contains(&self.sigma)) {
            return bad(format!("σ must be in [0, 2], got {}", self.sigma));
        }
        if !(self.lambda.is_finite() && (0.0..=100.0).contains(&self.lambda)) {
            return bad(format!("λ must be in [0, 100], got {}", self.lambda));
        }
        if !(1..=256).contains(&self.width) {
            return bad(format!("hidden width must be between 1 and 256, got {}", self.width));
        }
        if self.depth > 4 {
            return bad(format!("depth must be between 0 and 4, got {}", self.depth));
        }
        if !(1..=8).contains(&self.code) {
            return bad(format!("code size must be between 1 and 8, got {}", self.code));
        }
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 1.0) {
            return bad(format!("learning rate must be in (0, 1], got {}", self.lr));
        }
        if !(1..=1024).contains(&self.batch) {
            return bad(format!("batch size must be between 1 and 1024, got {}", self.batch));
        }
        if self.seed > (1u64 << 53) {
            return bad(format!("seed must be at most 2^53, got {}", self.seed));
        }
        Ok(())
    }

    /// The model: tanh hidden layers and code, linear output (the points are not bounded).
    pub fn ae_config(&self) -> AeConfig {
        AeConfig {
            input: 2,
            hidden: vec![self.width; self.depth],
            code: self.code,
            hidden_act: Activation::Tanh,
            code_act: Activation::Tanh,
            out_act: Activation::Identity,
            tied: false,
        }
    }
}
