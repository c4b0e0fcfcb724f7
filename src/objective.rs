//! Training objectives: the losses with PyTorch's reduction semantics and the contractive
//! penalty, each as value + gradient written side by side.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

/// Reconstruction loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// `nn.MSELoss()`: mean over all m·n elements of (x̂ − x)².
    Mse,
    /// `nn.BCELoss()`: −mean[x log x̂ + (1 − x) log(1 − x̂)], each log clamped at ≥ −100.
    Bce,
}

impl Loss {
    /// Loss of `xhat` against `target` (both `[m, n]`), and dL/dx̂ into `grad` (same shape).
    ///   MSE: L = Σ(x̂ − x)² / N,  dL/dx̂ = 2(x̂ − x) / N
    ///   BCE: L = −Σ[x·log x̂ + (1−x)·log(1−x̂)] / N,  dL/dx̂ = (x̂ − x) / max(x̂(1 − x̂), 1e−12) / N
    /// (the BCE gradient is PyTorch's `binary_cross_entropy_backward`). N = m·n.
    pub fn value_and_grad(self, xhat: ArrayView2<f32>, target: ArrayView2<f32>, mut grad: ArrayViewMut2<f32>) -> f32 {
        let inv_n = 1.0 / (xhat.len() as f32);
        let mut sum = 0f64;
        match self {
            Loss::Mse => {
                Zip::from(grad.rows_mut()).and(xhat.rows()).and(target.rows()).for_each(|mut g, y, t| {
                    sum += mse_row(y, t, Some(g.view_mut()), inv_n) as f64;
                });
            }
            Loss::Bce => {
                Zip::from(grad.rows_mut()).and(xhat.rows()).and(target.rows()).for_each(|mut g, y, t| {
                    let mut s = 0f32;
                    Zip::from(&mut g).and(&y).and(&t).for_each(|g, &y, &t| {
                        s -= bce_term(y, t);
                        *g = (y - t) / (y * (1.0 - y)).max(1e-12) * inv_n;
                    });
                    sum += s as f64;
                });
            }
        }
        (sum * inv_n as f64) as f32
    }

    /// The loss value alone (no gradient).
    pub fn value(self, xhat: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
        let n = xhat.len() as f64;
        let mut sum = 0f64;
        Zip::from(xhat.rows()).and(target.rows()).for_each(|y, t| {
            sum += match self {
                Loss::Mse => mse_row(y, t, None, 0.0),
                Loss::Bce => -Zip::from(&y).and(&t).fold(0f32, |s, &y, &t| s + bce_term(y, t)),
            } as f64;
        });
        (sum / n) as f32
    }
}

/// Partial sums of `mse_row`: element k of a row goes into sum k mod LANES.
const LANES: usize = 8;

/// Σ (ŷ − t)² over one row (`[n]` each), writing dL/dŷ = 2(ŷ − t)·inv_n into `g` when given.
/// Eight partial sums, combined pairwise at the end: a fixed order (the same bits on every target
/// and for any strides), and no chain of dependent adds, so it vectorises — one running sum was
/// a tenth of a d = 30 step.
#[inline(always)]
fn mse_row(y: ArrayView1<f32>, t: ArrayView1<f32>, g: Option<ArrayViewMut1<f32>>, inv_n: f32) -> f32 {
    // 8 lanes where the CPU has AVX2; no FMA, so the same bits as the baseline (`gemm::wide`).
    crate::gemm::wide(#[inline(always)] || {
        let inv_n = inv_n; // a local: read through the closure's reference, LLVM reloaded it per element
        let mut acc = [0f32; LANES];
        // Whole groups of LANES as fixed-size arrays (what LLVM turns into vector operations),
        // then the rest of the row into the first lanes: element k always goes to lane k mod 8.
        let whole = y.len() / LANES * LANES;
        let group = |c: &[f32]| -> [f32; LANES] { c.try_into().unwrap() };
        match (y.as_slice(), t.as_slice(), g) {
            (Some(y), Some(t), Some(mut g)) if g.is_standard_layout() => {
                let g = g.as_slice_mut().unwrap();
                let (gw, gr) = g.split_at_mut(whole);
                for ((gc, yc), tc) in gw.chunks_exact_mut(LANES).zip(y.chunks_exact(LANES)).zip(t.chunks_exact(LANES)) {
                    let (yc, tc) = (group(yc), group(tc));
                    let mut out = [0f32; LANES];
                    for j in 0..LANES {
                        let e = yc[j] - tc[j];
                        acc[j] += e * e;
                        out[j] = 2.0 * e * inv_n;
                    }
                    gc.copy_from_slice(&out);
                }
                for (j, ((g, &y), &t)) in gr.iter_mut().zip(&y[whole..]).zip(&t[whole..]).enumerate() {
                    let e = y - t;
                    acc[j] += e * e;
                    *g = 2.0 * e * inv_n;
                }
            }
            (Some(y), Some(t), None) => {
                for (yc, tc) in y.chunks_exact(LANES).zip(t.chunks_exact(LANES)) {
                    let (yc, tc) = (group(yc), group(tc));
                    for j in 0..LANES {
                        acc[j] += (yc[j] - tc[j]) * (yc[j] - tc[j]);
                    }
                }
                for (j, (&y, &t)) in y[whole..].iter().zip(&t[whole..]).enumerate() {
                    acc[j] += (y - t) * (y - t);
                }
            }
            (_, _, mut g) => {
                // Strided rows: the same sums in the same order, element by element.
                for (k, (&y, &t)) in y.iter().zip(&t).enumerate() {
                    let e = y - t;
                    acc[k % LANES] += e * e;
                    if let Some(g) = g.as_mut() {
                        g[k] = 2.0 * e * inv_n;
                    }
                }
            }
        }
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
    })
}

/// x·log(x̂) + (1 − x)·log(1 − x̂) with each log clamped at −100, as `nn.BCELoss`.
#[inline]
fn bce_term(y: f32, t: f32) -> f32 {
    t * y.ln().max(-100.0) + (1.0 - t) * (1.0 - y).ln().max(-100.0)
}

/// The contractive penalty of a one-layer tanh encoder h = tanh(x·Wᵀ + b):
///   P = λ · mean_k ‖∂h_k/∂x_k‖²_F,   ‖J_k‖²_F = Σ_j (1 − h_kj²)² · s_j,   s_j = Σ_i W_ji²
/// `h: [m, d]`, `w: [d, n]`; `s` is scratch `[d]` (filled with s_j). Returns P.
pub fn contractive_penalty(h: ArrayView2<f32>, w: ArrayView2<f32>, lambda: f32, mut s: ArrayViewMut1<f32>) -> f32 {
    row_sq_norms(w, s.view_mut());
    let mut total = 0f64;
    for row in h.rows() {
        let mut f = 0f32;
        Zip::from(&row).and(&s).for_each(|&h, &s| {
            let g = 1.0 - h * h;
            f += g * g * s;
        });
        total += f as f64;
    }
    lambda * (total / h.nrows() as f64) as f32
}

/// Per-sample ‖J_k‖²_F = Σ_j (1 − h_kj²)² s_j into `out: [m]` (`s` from `contractive_penalty`).
pub fn jacobian_frob2(h: ArrayView2<f32>, s: ArrayView1<f32>, mut out: ArrayViewMut1<f32>) {
    for (row, o) in h.rows().into_iter().zip(out.iter_mut()) {
        let mut f = 0f32;
        Zip::from(&row).and(&s).for_each(|&h, &s| {
            let g = 1.0 - h * h;
            f += g * g * s;
        });
        *o = f;
    }
}

/// The penalty's gradient through h, added into `dh: [m, d]`:
///   ∂P/∂h_kj = (λ/m) · s_j · 2(1 − h²)(−2h) = −(4λ/m) · s_j · (1 − h_kj²) · h_kj
pub fn contractive_add_dh(h: ArrayView2<f32>, s: ArrayView1<f32>, lambda: f32, mut dh: ArrayViewMut2<f32>) {
    let c = -4.0 * lambda / h.nrows() as f32;
    Zip::from(dh.rows_mut()).and(h.rows()).for_each(|mut d, h| {
        Zip::from(&mut d).and(&h).and(&s).for_each(|d, &h, &s| *d += c * s * (1.0 - h * h) * h);
    });
}

/// The penalty's direct gradient through s_j = Σ_i W_ji², added into `gw: [d, n]`:
///   ∂P/∂W_ji = (2λ/m) · (Σ_k (1 − h_kj²)²) · W_ji
/// `colsum` is scratch `[d]`.
pub fn contractive_add_dw(
    h: ArrayView2<f32>,
    w: ArrayView2<f32>,
    lambda: f32,
    mut colsum: ArrayViewMut1<f32>,
    mut gw: ArrayViewMut2<f32>,
) {
    colsum.fill(0.0);
    for row in h.rows() {
        Zip::from(&mut colsum).and(&row).for_each(|c, &h| {
            let g = 1.0 - h * h;
            *c += g * g;
        });
    }
    let c = 2.0 * lambda / h.nrows() as f32;
    Zip::from(gw.rows_mut()).and(w.rows()).and(&colsum).for_each(|mut g, w, &cs| {
        let k = c * cs;
        Zip::from(&mut g).and(&w).for_each(|g, &w| *g += k * w);
    });
}

/// s_j = Σ_i W_ji² for `w: [d, n]` into `s: [d]`.
fn row_sq_norms(w: ArrayView2<f32>, mut s: ArrayViewMut1<f32>) {
    for (row, o) in w.rows().into_iter().zip(s.iter_mut()) {
        *o = row.iter().map(|v| v * v).sum();
    }
}
