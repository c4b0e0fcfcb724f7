//! The 2-D manifold lab (lecture figs 15–19): points on a curve in the plane, an autoencoder
//! `2 → hidden… → code → hidden… → 2` trained on them as a standard, denoising or contractive AE,
//! and what the page draws from it — reconstructions, the vector field x̃ → g(f(x̃)) over a grid,
//! and the decoder's image of a sweep of the code (the learned manifold).
//!
//! The contractive penalty of a *stack* needs the Jacobian ∂h/∂x of the whole encoder. The input
//! is 2-D, so the Jacobian is exactly two forward-mode tangent passes (one per input direction
//! e₀, e₁) riding on the primal forward; its gradient goes back through those tangent passes
//! (`tangent_backward`) and then through the primal network together with the reconstruction
//! gradient. After the first step (the optimiser's state), a step allocates nothing.
//!
//! Points are f32 `[n, 2]` row-major (x, y). The page's view box is `[-VIEW, VIEW]²`.

use crate::activation::Activation;
use crate::autoencoder::{AeConfig, Autoencoder};
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::guard::{self, Guard, Guarded, State, Warning};
use crate::objective::Loss;
use crate::optim::{OptimConfig, Optimizer};
use crate::rng::Rng;
use crate::train::{self, LossParts, Objective, Variant, Workspace};
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

/// Half-width of the square the page shows: points live in `[-VIEW, VIEW]²`.
pub const VIEW: f32 = 1.5;
/// Salt of the data generator's stream (the model's initial weights use the seed itself, so the
/// three variants of one seed start from the same weights and see the same points).
const DATA_SALT: u64 = 0xDA7A_2D00;
/// Salt of the training stream (shuffles, corruption).
const TRAIN_SALT: u64 = 0x7EA1_2D00;
/// Salt of the fixed display corruption (fig 16).
const DISPLAY_SALT: u64 = 0xF16_2D00;

/// Which curve the points lie on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Curve {
    /// An Archimedean spiral of one and a half turns, radius 0.2 → 1.
    Spiral,
    /// A circle of radius 0.8.
    Circle,
    /// y = 0.55·sin(1.5πx), x ∈ [−1, 1].
    Sine,
    /// Two interleaved half circles of radius 0.7 (like the lecture's fig 17).
    Arcs,
    /// A polyline the user drew, sampled uniformly along its length.
    Drawn,
}

/// Radius of the `Circle` curve.
pub const CIRCLE_R: f32 = 0.8;

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

// ---------------------------------------------------------------------------------------------
// Data

/// `n` points on `curve` plus Gaussian noise of standard deviation `noise`, from `rng`, as
/// `[n, 2]` row-major. `drawn` is the polyline for `Curve::Drawn` (`[k, 2]`, k ≥ 2, inside the
/// view box, of positive length); it is ignored by the other curves.
pub fn generate(curve: Curve, n: usize, noise: f32, drawn: Option<&[f32]>, rng: &mut Rng) -> Result<Vec<f32>> {
    use std::f32::consts::PI;
    let poly = match curve {
        Curve::Drawn => Some(Polyline::new(drawn.ok_or_else(|| Error::Data("draw a curve first".into()))?)?),
        _ => None,
    };
    let mut out = Vec::with_capacity(2 * n);
    for _ in 0..n {
        let u = rng.uniform01();
        let (x, y) = match curve {
            Curve::Spiral => {
                // √u makes the density roughly uniform along the arc (arc element ∝ r).
                let v = u.sqrt();
                let (r, th) = (0.2 + 0.8 * v, 3.0 * PI * v);
                (r * th.cos(), r * th.sin())
            }
            Curve::Circle => {
                let th = 2.0 * PI * u;
                (CIRCLE_R * th.cos(), CIRCLE_R * th.sin())
            }
            Curve::Sine => {
                let x = -1.0 + 2.0 * u;
                (x, 0.55 * (1.5 * PI * x).sin())
            }
            Curve::Arcs => {
                // Upper arc around (−0.4, −0.2), lower arc around (0.4, 0.2), each half a circle.
                let (cx, cy, th) = if u < 0.5 { (-0.35, -0.2, 2.0 * PI * u) } else { (0.35, 0.2, 2.0 * PI * u) };
                (cx + 0.7 * th.cos(), cy + 0.7 * th.sin())
            }
            Curve::Drawn => poly.as_ref().unwrap().at(u),
        };
        out.push(x + noise * rng.normal());
        out.push(y + noise * rng.normal());
    }
    Ok(out)
}

/// A drawn polyline with its cumulative lengths, for sampling uniformly along it.
struct Polyline<'a> {
    p: &'a [f32],
    cum: Vec<f32>,
}

impl<'a> Polyline<'a> {
    fn new(p: &'a [f32]) -> Result<Self> {
        if p.len() % 2 != 0 || p.len() < 4 || p.len() > 2 * 4096 {
            return Err(Error::Data(format!("a drawn curve needs 2 to 4096 (x, y) points, got {} values", p.len())));
        }
        if let Some(v) = p.iter().find(|v| !(v.is_finite() && v.abs() <= VIEW)) {
            return Err(Error::Data(format!("drawn points must lie in [−{VIEW}, {VIEW}], got {v}")));
        }
        let mut cum = Vec::with_capacity(p.len() / 2);
        let mut total = 0f32;
        cum.push(0.0);
        for w in p.chunks_exact(2).collect::<Vec<_>>().windows(2) {
            total += ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt();
            cum.push(total);
        }
        if total < 0.05 {
            return Err(Error::Data("the drawn curve is too short: draw a longer stroke".into()));
        }
        Ok(Polyline { p, cum })
    }

    /// The point at fraction `u` ∈ [0, 1) of the length.
    fn at(&self, u: f32) -> (f32, f32) {
        let s = u * self.cum[self.cum.len() - 1];
        let i = self.cum.partition_point(|&c| c <= s).clamp(1, self.cum.len() - 1);
        let (c0, c1) = (self.cum[i - 1], self.cum[i]);
        let f = if c1 > c0 { (s - c0) / (c1 - c0) } else { 0.0 };
        let (a, b) = (&self.p[2 * (i - 1)..2 * i], &self.p[2 * i..2 * i + 2]);
        (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
    }
}

/// The centres of a `g × g` grid over the view box, `[g², 2]`, row by row from the top
/// (row r, column c: x = −VIEW + (c + ½)·2VIEW/g, y = VIEW − (r + ½)·2VIEW/g), so grid index
/// r·g + c is pixel (c, r) of a g × g image.
pub fn grid_points(g: usize) -> Vec<f32> {
    let step = 2.0 * VIEW / g as f32;
    let mut out = Vec::with_capacity(2 * g * g);
    for r in 0..g {
        for c in 0..g {
            out.push(-VIEW + (c as f32 + 0.5) * step);
            out.push(VIEW - (r as f32 + 0.5) * step);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The contractive penalty of an encoder stack, exactly, by forward-mode tangents

/// Buffers of the two tangent passes and their reverse, per encoder layer l (width w_l), for up
/// to `max_batch` rows. Layer l computes a_l = φ(z_l), z_l = a_{l−1}·W_lᵀ + b_l, a_{−1} = x.
/// Tangent k (input direction e_k): u_l = t_{l−1}·W_lᵀ, t_l = φ'_l ⊙ u_l, t_{−1} = e_k, so
/// t_L (the code's tangent) is column k of the Jacobian ∂h/∂x.
#[derive(Clone, Debug)]
pub struct Tangents {
    /// φ'_l = ψ(a_l), the activation's derivative through its output: `[B, w_l]`.
    dphi: Vec<Array2<f32>>,
    /// Pre-activation tangents u_l, per direction.
    u: [Vec<Array2<f32>>; 2],
    /// Activation tangents t_l, per direction.
    t: [Vec<Array2<f32>>; 2],
    /// ∂P/∂t_l, per direction.
    g: [Vec<Array2<f32>>; 2],
    /// Scratch ∂P/∂u_l.
    du: Vec<Array2<f32>>,
    /// ∂P/∂φ'_l, summed over the two directions.
    gphi: Vec<Array2<f32>>,
    /// dL/da_l for the primal backward: the penalty's part, then the upstream part added.
    dy: Vec<Array2<f32>>,
    /// The penalty's direct ∂P/∂W_l (through the tangents): `[w_l, w_{l−1}]`.
    pgw: Vec<Array2<f32>>,
    /// dL/dx̂ of the reconstruction loss: `[B, 2]`.
    dxhat: Array2<f32>,
}

impl Tangents {
    /// Buffers for `model`'s encoder, `max_batch` rows.
    pub fn new(model: &Autoencoder, max_batch: usize) -> Self {
        let per = |w: &dyn Fn(usize) -> (usize, usize)| -> Vec<Array2<f32>> {
            (0..model.enc.len()).map(|l| Array2::zeros(w(l))).collect()
        };
        let rows = |l: usize| (max_batch, model.enc[l].out());
        Tangents {
            dphi: per(&rows),
            u: [per(&rows), per(&rows)],
            t: [per(&rows), per(&rows)],
            g: [per(&rows), per(&rows)],
            du: per(&rows),
            gphi: per(&rows),
            dy: per(&rows),
            pgw: per(&|l| (model.enc[l].out(), model.enc[l].inp())),
            dxhat: Array2::zeros((max_batch, model.config.input)),
        }
    }

    /// Column k of the Jacobian ∂h/∂x of the last `tangent_forward`: `[m, code]`.
    pub fn jacobian_column(&self, k: usize, m: usize) -> ArrayView2<'_, f32> {
        let last = self.t[k].len() - 1;
        self.t[k][last].slice(s![..m, ..])
    }
}

/// ψ(a) = φ'(z) written through the output a = φ(z):
///   tanh 1 − a², sigmoid a(1 − a), relu [a > 0], identity 1.
fn act_deriv(act: Activation, a: f32) -> f32 {
    match act {
        Activation::Tanh => 1.0 - a * a,
        Activation::Sigmoid => a * (1.0 - a),
        Activation::Relu => (a > 0.0) as u8 as f32,
        Activation::Identity => 1.0,
    }
}

/// ψ'(a) = dψ/da: tanh −2a, sigmoid 1 − 2a, relu 0, identity 0.
fn act_deriv_slope(act: Activation, a: f32) -> f32 {
    match act {
        Activation::Tanh => -2.0 * a,
        Activation::Sigmoid => 1.0 - 2.0 * a,
        Activation::Relu | Activation::Identity => 0.0,
    }
}

/// The two tangent passes for the first `m` rows of the model's last `forward` (which must be
/// an encoder forward of a 2-D input). Afterwards `jacobian_column(k, m)` holds ∂h/∂x_k.
pub fn tangent_forward(model: &Autoencoder, tw: &mut Tangents, m: usize) {
    assert_eq!(model.config.input, 2, "forward-mode tangents are written for a 2-D input");
    for (l, layer) in model.enc.iter().enumerate() {
        let a = layer.output(m);
        let mut dphi = tw.dphi[l].slice_mut(s![..m, ..]);
        Zip::from(&mut dphi).and(&a).for_each(|d, &a| *d = act_deriv(layer.act, a));
        for k in 0..2 {
            let mut u = tw.u[k][l].slice_mut(s![..m, ..]);
            if l == 0 {
                // u_0 = e_k·W_0ᵀ: every row is column k of W_0.
                let col = layer.w.column(k);
                for mut row in u.rows_mut() {
                    row.assign(&col);
                }
            } else {
                // u_l = t_{l−1}·W_lᵀ
                mul_abt(tw.t[k][l - 1].slice(s![..m, ..]), layer.w.view(), u.view_mut());
            }
            // t_l = φ'_l ⊙ u_l
            Zip::from(tw.t[k][l].slice_mut(s![..m, ..]))
                .and(&u)
                .and(tw.dphi[l].slice(s![..m, ..]))
                .for_each(|t, &u, &d| *t = d * u);
        }
    }
}

// The tangent passes' products, as plain loops over contiguous rows: small (batch × width ×
// width) and allocation-free.

/// c = a·bᵀ for `a: [m, k]`, `b: [n, k]`, `c: [m, n]`.
fn mul_abt(a: ArrayView2<f32>, b: ArrayView2<f32>, mut c: ArrayViewMut2<f32>) {
    for (ar, mut cr) in a.rows().into_iter().zip(c.rows_mut()) {
        let ar = ar.as_slice().unwrap();
        for (br, cv) in b.rows().into_iter().zip(cr.iter_mut()) {
            *cv = ar.iter().zip(br.as_slice().unwrap()).map(|(x, y)| x * y).sum();
        }
    }
}

/// c = a·b for `a: [m, k]`, `b: [k, n]`, `c: [m, n]`.
fn mul_ab(a: ArrayView2<f32>, b: ArrayView2<f32>, mut c: ArrayViewMut2<f32>) {
    for (ar, mut cr) in a.rows().into_iter().zip(c.rows_mut()) {
        let cs = cr.as_slice_mut().unwrap();
        cs.fill(0.0);
        for (&x, br) in ar.iter().zip(b.rows()) {
            for (cv, &y) in cs.iter_mut().zip(br.as_slice().unwrap()) {
                *cv += x * y;
            }
        }
    }
}

/// c += aᵀ·b for `a: [m, p]`, `b: [m, q]`, `c: [p, q]`.
fn add_atb(a: ArrayView2<f32>, b: ArrayView2<f32>, mut c: ArrayViewMut2<f32>) {
    for (ar, br) in a.rows().into_iter().zip(b.rows()) {
        let bs = br.as_slice().unwrap();
        for (&x, mut cr) in ar.iter().zip(c.rows_mut()) {
            for (cv, &y) in cr.as_slice_mut().unwrap().iter_mut().zip(bs) {
                *cv += x * y;
            }
        }
    }
}

/// P = λ · mean_i ‖J_i‖²_F = λ/m · Σ_i Σ_k ‖t_L^(k)_i‖², after `tangent_forward`.
pub fn contractive_value(tw: &Tangents, m: usize, lambda: f32) -> f32 {
    let mut sum = 0f64;
    for k in 0..2 {
        for row in tw.jacobian_column(k, m).rows() {
            sum += row.iter().map(|v| v * v).sum::<f32>() as f64;
        }
    }
    (lambda as f64 * sum / m as f64) as f32
}

/// Reverse of `tangent_forward` for P = λ/m Σ‖t_L‖²: leaves the penalty's direct weight
/// gradients in `pgw` and its gradient with respect to each activation a_l in `dy` (to be sent
/// back through the primal network). Layer by layer, last first, for each direction k:
///   ∂P/∂t_L = (2λ/m)·t_L
///   t_l = φ'_l ⊙ u_l        → ∂P/∂u_l = ∂P/∂t_l ⊙ φ'_l,   ∂P/∂φ'_l += ∂P/∂t_l ⊙ u_l
///   u_l = t_{l−1}·W_lᵀ      → ∂P/∂W_l += (∂P/∂u_l)ᵀ·t_{l−1},   ∂P/∂t_{l−1} = ∂P/∂u_l·W_l
///                             (l = 0: t_{−1} = e_k, so column k of ∂P/∂W_0 += Σ_rows ∂P/∂u_0)
///   φ'_l = ψ(a_l)           → ∂P/∂a_l = ∂P/∂φ'_l ⊙ ψ'(a_l)
pub fn tangent_backward(model: &Autoencoder, tw: &mut Tangents, m: usize, lambda: f32) {
    let ne = model.enc.len();
    let c = 2.0 * lambda / m as f32;
    for k in 0..2 {
        let (t, g) = (&tw.t[k][ne - 1], &mut tw.g[k][ne - 1]);
        Zip::from(g.slice_mut(s![..m, ..])).and(t.slice(s![..m, ..])).for_each(|g, &t| *g = c * t);
    }
    for l in (0..ne).rev() {
        let layer = &model.enc[l];
        tw.gphi[l].slice_mut(s![..m, ..]).fill(0.0);
        tw.pgw[l].fill(0.0);
        for k in 0..2 {
            let mut du = tw.du[l].slice_mut(s![..m, ..]);
            Zip::from(&mut du)
                .and(tw.gphi[l].slice_mut(s![..m, ..]))
                .and(tw.g[k][l].slice(s![..m, ..]))
                .and(tw.u[k][l].slice(s![..m, ..]))
                .and(tw.dphi[l].slice(s![..m, ..]))
                .for_each(|du, gp, &g, &u, &d| {
                    *du = g * d;
                    *gp += g * u;
                });
            if l == 0 {
                let mut col = tw.pgw[0].column_mut(k);
                for row in du.rows() {
                    col += &row;
                }
            } else {
                let (lo, _) = tw.g[k].split_at_mut(l);
                add_atb(du.view(), tw.t[k][l - 1].slice(s![..m, ..]), tw.pgw[l].view_mut());
                mul_ab(du.view(), layer.w.view(), lo[l - 1].slice_mut(s![..m, ..]));
            }
        }
        let a = layer.output(m);
        Zip::from(tw.dy[l].slice_mut(s![..m, ..]))
            .and(tw.gphi[l].slice(s![..m, ..]))
            .and(&a)
            .for_each(|dy, &gp, &a| *dy = gp * act_deriv_slope(layer.act, a));
    }
}

/// One forward + backward of the contractive AE on clean points `x: [m, 2]`:
/// L = MSE(g(f(x)), x) + λ·mean‖∂h/∂x‖²_F, gradients left in the model's layers. Untied models
/// only (the lab never ties: its stacks are deeper than one layer).
pub fn contractive_forward_backward(model: &mut Autoencoder, tw: &mut Tangents, x: ArrayView2<f32>, lambda: f32) -> LossParts {
    assert!(!model.config.tied, "the stacked contractive gradient is written for untied weights");
    let m = x.nrows();
    model.forward(x);
    let recon = Loss::Mse.value_and_grad(model.output(m), x, tw.dxhat.slice_mut(s![..m, ..]));
    tangent_forward(model, tw, m);
    let penalty = contractive_value(tw, m, lambda);
    tangent_backward(model, tw, m, lambda);
    model.backward_decoder(tw.dxhat.slice(s![..m, ..]));
    // The encoder, last layer first: dL/da_l = upstream (decoder or layer l+1) + penalty's part.
    let ne = model.enc.len();
    for l in (0..ne).rev() {
        {
            let up = if l == ne - 1 { model.code_grad_from_decoder(m) } else { model.enc[l + 1].input_grad(m) };
            let mut dy = tw.dy[l].slice_mut(s![..m, ..]);
            dy += &up;
        }
        let (before, rest) = model.enc.split_at_mut(l);
        let layer = &mut rest[0];
        let input = if l == 0 { x } else { before[l - 1].output(m) };
        layer.backward(input, tw.dy[l].slice(s![..m, ..]), l > 0);
        layer.gw += &tw.pgw[l];
    }
    LossParts { total: recon + penalty, recon, penalty }
}

/// The contractive objective's value alone (forward and tangent passes; gradients untouched).
pub fn contractive_loss(model: &mut Autoencoder, tw: &mut Tangents, x: ArrayView2<f32>, lambda: f32) -> LossParts {
    let m = x.nrows();
    model.forward(x);
    let recon = Loss::Mse.value(model.output(m), x);
    tangent_forward(model, tw, m);
    let penalty = contractive_value(tw, m, lambda);
    LossParts { total: recon + penalty, recon, penalty }
}

// ---------------------------------------------------------------------------------------------
// The trainer

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
        self.opt.set_lr(lr);
        self.guard.watch.restart();
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
