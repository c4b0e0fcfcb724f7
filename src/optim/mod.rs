//! Optimisers with PyTorch semantics, over the parameter list that `Autoencoder::for_each_param`
//! visits. State is allocated on the first step and reused after.

use serde::{Deserialize, Serialize};
use std::ops::Range;

mod update;
pub use update::all_finite;
use update::{adam_in_place, sgd, step_into, AdamStep};

/// A parameter's gradient as a checked step reads it: one slice, or two summed as they are read
/// (`a[j] + b[j]`: the bits of adding them first), so a data-parallel leader adds its last
/// replica's gradient within the optimiser's pass instead of in a pass of its own; or the
/// second scaled as it is read (`a[j] + b[j] * s`: the bits of scaling `b` first, one rounded
/// product each), for a replica's gradient sent unscaled (train/shard/flat.rs, `exchange_rows`).
#[derive(Clone, Copy, Debug)]
pub enum Grad<'a> {
    One(&'a [f32]),
    Sum(&'a [f32], &'a [f32]),
    Scaled(&'a [f32], &'a [f32], f32),
}

impl<'a> Grad<'a> {
    pub fn len(&self) -> usize {
        match self {
            Grad::One(g) => g.len(),
            Grad::Sum(a, b) | Grad::Scaled(a, b, _) => a.len().min(b.len()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The gradient of scalar `j`, as the step reads it.
    pub fn at(&self, j: usize) -> f32 {
        match *self {
            Grad::One(g) => g[j],
            Grad::Sum(a, b) => a[j] + b[j],
            Grad::Scaled(a, b, s) => a[j] + b[j] * s,
        }
    }

    /// The gradient of the scalars `r` (a parameter within a flat gradient).
    pub fn slice(self, r: Range<usize>) -> Grad<'a> {
        match self {
            Grad::One(g) => Grad::One(&g[r]),
            Grad::Sum(a, b) => Grad::Sum(&a[r.clone()], &b[r]),
            Grad::Scaled(a, b, s) => Grad::Scaled(&a[r.clone()], &b[r], s),
        }
    }
}

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
///
/// The state of every parameter lives in one flat buffer per moment (`m`, `v`: parameter after
/// parameter, in visit order), so a step streams through two contiguous arrays, a save or a
/// restore is one copy each, and the finiteness check is one vectorised pass. A second buffer of
/// each (`m2`, `v2`) takes a checked step's new moments (`update_into`), swapped in by `commit`.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub config: OptimConfig,
    /// Steps taken (Adam's t).
    pub t: u64,
    /// Where parameter number i's state lives in `m` and `v`: `(start, len)`.
    spans: Vec<(usize, usize)>,
    /// First moments (Adam) or momentum buffers (SGD) of every parameter, `[Σ len]`.
    m: Vec<f32>,
    /// Second moments (Adam only; empty for SGD), `[Σ len]`, laid out as `m`.
    v: Vec<f32>,
    /// The new `m` and `v` of a checked step (`update_into`), laid out as `m` and `v`.
    m2: Vec<f32>,
    v2: Vec<f32>,
}

impl Optimizer {
    pub fn new(config: OptimConfig) -> Self {
        Optimizer { config, t: 0, spans: vec![], m: vec![], v: vec![], m2: vec![], v2: vec![] }
    }

    /// Marks the start of a step; call `update` for every parameter after it.
    pub fn begin_step(&mut self) {
        self.t += 1;
    }

    /// Places parameter `i` of `len` scalars (as its first update would): called for every
    /// parameter in order before a step whose ranges come in another order (the data-parallel
    /// step takes the decoder's first, train/shard/ranged.rs), so no later visit moves a span.
    pub fn place(&mut self, i: usize, len: usize) {
        self.span(i, len);
    }

    /// The span of parameter `i` with `len` scalars, placed (zero moments) on its first visit.
    /// Parameters are visited in a fixed order, so this allocates on the first step only. A
    /// parameter whose size changed (another model) restarts its own and every later moment.
    fn span(&mut self, i: usize, len: usize) -> (usize, usize) {
        if i < self.spans.len() && self.spans[i].1 == len {
            return self.spans[i];
        }
        self.spans.truncate(i);
        let end = self.spans.last().map_or(0, |&(s, l)| s + l);
        while self.spans.len() < i {
            self.spans.push((end, 0)); // parameters never visited: no state
        }
        self.spans.push((end, len));
        for buf in [&mut self.m, &mut self.m2] {
            buf.resize(end, 0.0);
            buf.resize(end + len, 0.0);
        }
        if matches!(self.config, OptimConfig::Adam { .. }) {
            for buf in [&mut self.v, &mut self.v2] {
                buf.resize(end, 0.0);
                buf.resize(end + len, 0.0);
            }
        }
        self.spans[i]
    }

    /// Updates parameter number `i` (the visit index) in place from its gradient `g` (`[len]`,
    /// as `p`). Allocates nothing after the first step.
    pub fn update(&mut self, i: usize, p: &mut [f32], g: &[f32]) {
        assert_eq!(p.len(), g.len(), "optimiser: a parameter and its gradient differ in length");
        let (start, len) = self.span(i, p.len());
        let adam_step = self.adam_step();
        let (m, v) = (&mut self.m[start..start + len], self.v.get_mut(start..start + len).unwrap_or_default());
        match self.config {
            OptimConfig::Adam { .. } => {
                let c = adam_step.expect("Adam has its constants");
                crate::gemm::wide(#[inline(always)] || adam_in_place(c, p, g, m, v));
            }
            OptimConfig::Sgd { lr, momentum } => {
                let first = self.t == 1 || momentum == 0.0;
                crate::gemm::wide(#[inline(always)] || {
                    for j in 0..p.len() {
                        (p[j], m[j]) = sgd(lr, momentum, first, p[j], g[j], m[j]);
                    }
                });
            }
        }
    }

    /// The step `update` takes, written beside the old state instead of over it: parameter `i`'s
    /// new values into `out` (`[len]`, as `p`), its new moments into the second buffers. Returns
    /// whether every new weight and every new moment is finite (the same bits `update` writes).
    /// After all parameters, `commit` swaps the new moments in, or `discard` forgets them.
    pub fn update_into(&mut self, i: usize, p: &[f32], g: &[f32], out: &mut [f32]) -> (bool, bool) {
        self.update_into_from(i, p, Grad::One(g), out)
    }

    /// `update_into` with the gradient `g` read as it says (`Grad::Sum`: two slices added as read).
    pub fn update_into_from(&mut self, i: usize, p: &[f32], g: Grad<'_>, out: &mut [f32]) -> (bool, bool) {
        self.update_range_into(i, p.len(), 0..p.len(), p, g, out)
    }

    /// `update_into_from` of the scalars `r` of parameter `i` (`len` scalars in all): `p`, `g`
    /// and `out` are those scalars' (`[r.len()]`). Ranges that cover a parameter once give the
    /// bits of one call over all of it (each scalar's update is its own).
    pub fn update_range_into(&mut self, i: usize, len: usize, r: Range<usize>, p: &[f32], g: Grad<'_>, out: &mut [f32]) -> (bool, bool) {
        let n = p.len();
        assert!(n == out.len() && g.len() == n, "optimiser: a parameter, its gradient and its output differ in length");
        assert!(r.len() == n && r.end <= len, "optimiser: scalars {r:?} of a parameter of {len}");
        let (start, len) = (self.span(i, len).0 + r.start, n);
        let adam_step = self.adam_step();
        let (m, m2) = (&self.m[start..start + len], &mut self.m2[start..start + len]);
        let (v, v2) = (self.v.get(start..start + len).unwrap_or_default(), self.v2.get_mut(start..start + len).unwrap_or_default());
        // The same loop for either kind of gradient: slices cut to n, so the index j < n needs no
        // bounds check and the loop vectorises with the sum inline.
        match g {
            Grad::One(g) => {
                let g = &g[..n];
                step_into(self.config, self.t, adam_step, (p, m, v), (out, m2, v2), |j| g[j])
            }
            Grad::Sum(a, b) => {
                let (a, b) = (&a[..n], &b[..n]);
                step_into(self.config, self.t, adam_step, (p, m, v), (out, m2, v2), |j| a[j] + b[j])
            }
            Grad::Scaled(a, b, s) => {
                let (a, b) = (&a[..n], &b[..n]);
                step_into(self.config, self.t, adam_step, (p, m, v), (out, m2, v2), |j| a[j] + b[j] * s)
            }
        }
    }

    /// After `update_into` for every parameter: the new moments become the moments (a swap).
    pub fn commit(&mut self) {
        std::mem::swap(&mut self.m, &mut self.m2);
        std::mem::swap(&mut self.v, &mut self.v2);
    }

    /// After `update_into`: the step is not taken; the moments and the step count stay as before it.
    pub fn discard(&mut self) {
        self.t -= 1;
    }

    /// Adam's constants for step `t` (`begin_step` counted it); None for SGD.
    fn adam_step(&self) -> Option<AdamStep> {
        let OptimConfig::Adam { lr, beta1, beta2, eps } = self.config else { return None };
        // torch.optim.Adam, single-tensor path:
        //   m ← m + (g − m)(1 − β1)        (m.lerp_(g, 1 − β1))
        //   v ← v·β2 + (1 − β2)·g²
        //   p ← p − (lr / bc1) · m / (√v / √bc2 + eps),  bc_i = 1 − β_i^t in double
        let t = self.t as i32;
        let bc1 = 1.0 - (beta1 as f64).powi(t);
        let bc2 = 1.0 - (beta2 as f64).powi(t);
        Some(AdamStep {
            step: (lr as f64 / bc1) as f32,
            bc2_sqrt: bc2.sqrt() as f32,
            w1: (1.0 - beta1 as f64) as f32,
            w2: (1.0 - beta2 as f64) as f32,
            beta2,
            eps,
        })
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

    /// The moments: every first moment (or momentum buffer), then every second moment, each
    /// flat over the parameters in visit order.
    pub fn moments(&self) -> impl Iterator<Item = &[f32]> {
        [self.m.as_slice(), self.v.as_slice()].into_iter()
    }

    /// Copies every moment into `buf` (cleared first; no allocation once `buf` has the capacity)
    /// and returns the step count: the state `restore_state` puts back.
    pub fn save_state(&self, buf: &mut Vec<f32>) -> u64 {
        buf.clear();
        buf.extend_from_slice(&self.m);
        buf.extend_from_slice(&self.v);
        self.t
    }

    /// Puts back a state `save_state` wrote. An empty `buf` (saved before the first step) gives
    /// zero moments, which the next step treats as a fresh start (its t is 0 again).
    pub fn restore_state(&mut self, t: u64, buf: &[f32]) {
        self.t = t;
        if buf.is_empty() {
            self.m.fill(0.0);
            self.v.fill(0.0);
            return;
        }
        let (m, v) = buf.split_at(self.m.len());
        self.m.copy_from_slice(m);
        self.v.copy_from_slice(v);
    }

    /// Whether every moment is a finite number.
    pub fn is_finite(&self) -> bool {
        crate::gemm::wide(#[inline(always)] || all_finite(&self.m) && all_finite(&self.v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_one_flat_buffer_in_visit_order_and_restore_bit_for_bit() {
        let mut opt = Optimizer::new(OptimConfig::adam(0.1));
        let (mut a, mut b) = (vec![1.0f32; 5], vec![-2.0f32; 3]);
        opt.begin_step();
        opt.update(0, &mut a, &[0.5; 5]);
        opt.update(1, &mut b, &[-1.0; 3]);
        // After one step m = (1 − β1)·g = 0.1·g (PyTorch's first step, by hand).
        let m: Vec<f32> = opt.moments().next().unwrap().to_vec();
        assert_eq!(m.len(), 8);
        assert!(m[..5].iter().all(|&v| (v - 0.05).abs() < 1e-7) && m[5..].iter().all(|&v| (v + 0.1).abs() < 1e-7), "{m:?}");
        let mut saved = vec![];
        let t = opt.save_state(&mut saved);
        let (a1, b1) = (a.clone(), b.clone());
        opt.begin_step();
        opt.update(0, &mut a, &[0.5; 5]);
        opt.update(1, &mut b, &[-1.0; 3]);
        let after: Vec<u32> = opt.moments().flatten().map(|v| v.to_bits()).collect();
        // Back to the saved state, the same step again: the same bits.
        opt.restore_state(t, &saved);
        let (mut a2, mut b2) = (a1, b1);
        opt.begin_step();
        opt.update(0, &mut a2, &[0.5; 5]);
        opt.update(1, &mut b2, &[-1.0; 3]);
        assert_eq!(opt.moments().flatten().map(|v| v.to_bits()).collect::<Vec<_>>(), after);
        assert_eq!((a2, b2), (a, b));
        assert!(opt.is_finite());
    }
}
