//! The exact Jacobian ∂h/∂x of an encoder stack on 2-D inputs and the contractive penalty
//! λ·mean‖∂h/∂x‖²_F built on it, with its gradient (the 2-D manifold lab trains with it).
//!
//! The input is 2-D, so the Jacobian is exactly two forward-mode tangent passes (one per input
//! direction e₀, e₁) riding on the primal forward; the penalty's gradient goes back through those
//! tangent passes (`tangent_backward`) and then through the primal network together with the
//! reconstruction gradient. Every buffer lives in `Tangents`, so a step allocates nothing.

use crate::autoencoder::Autoencoder;
use crate::objective::Loss;
use crate::train::LossParts;
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2, Zip};

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

/// The two tangent passes for the first `m` rows of the model's last `forward` (which must be
/// an encoder forward of a 2-D input). Afterwards `jacobian_column(k, m)` holds ∂h/∂x_k.
pub fn tangent_forward(model: &Autoencoder, tw: &mut Tangents, m: usize) {
    assert_eq!(model.config.input, 2, "forward-mode tangents are written for a 2-D input");
    for (l, layer) in model.enc.iter().enumerate() {
        let a = layer.output(m);
        let mut dphi = tw.dphi[l].slice_mut(s![..m, ..]);
        Zip::from(&mut dphi).and(&a).for_each(|d, &a| *d = layer.act.slope(a));
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
            .for_each(|dy, &gp, &a| *dy = gp * layer.act.slope_derivative(a));
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

