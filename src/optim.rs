//! Optimisers with PyTorch semantics, over the parameter list that `Autoencoder::for_each_param`
//! visits. State is allocated on the first step and reused after.

use serde::{Deserialize, Serialize};

/// Which optimiser and its hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OptimConfig {
    /// `torch.optim.Adam(lr, betas=(beta1, beta2), eps)`, no weight decay, not AMSGrad.
    Adam { lr: f32, beta1: f32, beta2: f32, eps: f32 },
    /// `torch.optim.SGD(lr, momentum)`, no dampening, not Nesterov.
    Sgd { lr: f32, momentum: f32 },
}

impl OptimConfig {
    /// Adam with the notebook's lr = 1e-3 and PyTorch's defaults.
    pub fn adam(lr: f32) -> Self {
        OptimConfig::Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    }
}

/// An optimiser with its per-parameter state.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub config: OptimConfig,
    /// Steps taken (Adam's t).
    pub t: u64,
    /// First moment (Adam) or momentum buffer (SGD), one per visited parameter.
    m: Vec<Vec<f32>>,
    /// Second moment (Adam only).
    v: Vec<Vec<f32>>,
}

impl Optimizer {
    pub fn new(config: OptimConfig) -> Self {
        Optimizer { config, t: 0, m: vec![], v: vec![] }
    }

    /// Marks the start of a step; call `update` for every parameter after it.
    pub fn begin_step(&mut self) {
        self.t += 1;
    }

    /// Updates parameter number `i` (the visit index) in place from its gradient.
    pub fn update(&mut self, i: usize, p: &mut [f32], g: &[f32]) {
        if self.m.len() <= i {
            self.m.resize(i + 1, vec![]);
            self.v.resize(i + 1, vec![]);
        }
        if self.m[i].len() != p.len() {
            self.m[i] = vec![0.0; p.len()];
            if matches!(self.config, OptimConfig::Adam { .. }) {
                self.v[i] = vec![0.0; p.len()];
            }
        }
        match self.config {
            OptimConfig::Adam { lr, beta1, beta2, eps } => {
                // torch.optim.Adam, single-tensor path:
                //   m ← m + (g − m)(1 − β1)        (m.lerp_(g, 1 − β1))
                //   v ← v·β2 + (1 − β2)·g²
                //   p ← p − (lr / bc1) · m / (√v / √bc2 + eps),  bc_i = 1 − β_i^t in double
                let t = self.t as i32;
                let bc1 = 1.0 - (beta1 as f64).powi(t);
                let bc2 = 1.0 - (beta2 as f64).powi(t);
                let step = (lr as f64 / bc1) as f32;
                let bc2_sqrt = bc2.sqrt() as f32;
                let (w1, w2) = ((1.0 - beta1 as f64) as f32, (1.0 - beta2 as f64) as f32);
                let (m, v) = (&mut self.m[i], &mut self.v[i]);
                for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                    *m += w1 * (g - *m);
                    *v = *v * beta2 + w2 * g * g;
                    let denom = v.sqrt() / bc2_sqrt + eps;
                    *p -= step * *m / denom;
                }
            }
            OptimConfig::Sgd { lr, momentum } => {
                //   buf ← g on the first step, else momentum·buf + g;  p ← p − lr·buf
                let buf = &mut self.m[i];
                let first = self.t == 1;
                for ((p, &g), b) in p.iter_mut().zip(g).zip(buf.iter_mut()) {
                    *b = if first || momentum == 0.0 { g } else { momentum * *b + g };
                    *p -= lr * *b;
                }
            }
        }
    }

    /// The learning rate.
    pub fn lr(&self) -> f32 {
        match self.config {
            OptimConfig::Adam { lr, .. } | OptimConfig::Sgd { lr, .. } => lr,
        }
    }

    /// Changes the learning rate; the step count and the moments carry on (as assigning
    /// `param_group["lr"]` does in PyTorch).
    pub fn set_lr(&mut self, new: f32) {
        match &mut self.config {
            OptimConfig::Adam { lr, .. } | OptimConfig::Sgd { lr, .. } => *lr = new,
        }
    }

    /// The moments, per parameter: first moments (or momentum buffers), then second moments.
    pub fn moments(&self) -> impl Iterator<Item = &[f32]> {
        self.m.iter().chain(self.v.iter()).map(|b| b.as_slice())
    }

    /// Copies every moment into `buf` (cleared first; no allocation once `buf` has the capacity)
    /// and returns the step count: the state `restore_state` puts back.
    pub fn save_state(&self, buf: &mut Vec<f32>) -> u64 {
        buf.clear();
        for b in self.m.iter().chain(self.v.iter()) {
            buf.extend_from_slice(b);
        }
        self.t
    }

    /// Puts back a state `save_state` wrote. An empty `buf` (saved before the first step) gives
    /// zero moments, which the next step treats as a fresh start (its t is 0 again).
    pub fn restore_state(&mut self, t: u64, buf: &[f32]) {
        self.t = t;
        if buf.is_empty() {
            self.m.iter_mut().chain(self.v.iter_mut()).for_each(|b| b.fill(0.0));
            return;
        }
        let mut at = 0;
        for b in self.m.iter_mut().chain(self.v.iter_mut()) {
            let len = b.len();
            b.copy_from_slice(&buf[at..at + len]);
            at += len;
        }
    }

    /// Whether every moment is a finite number.
    pub fn is_finite(&self) -> bool {
        self.moments().all(|b| b.iter().all(|v| v.is_finite()))
    }
}
