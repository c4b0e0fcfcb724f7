//! Denoising and inpainting with a trained autoencoder (lecture figs 10–11, 22–27; the notebook's
//! last cells).
//!
//! * `corrupt_rows`: any of the four corruptions with its strength given as arguments, so the
//!   denoising panel can show them without touching the training settings.
//! * `minimise`: inpainting by energy minimisation. With U the unknown pixels (a painted patch),
//!   the known pixels stay clamped and x_U moves to lower E(x) = ‖x − D(E(x))‖², either by the
//!   projection iteration x_U ← D(E(x))_U or by gradient descent on E w.r.t. x_U. Both take the
//!   largest step in {1, ½, ¼, …}·α that does not raise E (backtracking), so E never increases.
//! * `notebook_cv_image` / `notebook_cv_mask`: the notebook's mapping of a corrupted [-1, 1]
//!   image and its dropout mask to the 8-bit inputs of `cv2.inpaint`, and back.
//! * `masked_mse`: the face-off's error measures.

use crate::autoencoder::Autoencoder;
use crate::corruption::Corruption;
use crate::error::{Error, Result};
use crate::rng::Rng;
use ndarray::{Array2, ArrayView2};

/// The corruption named `kind` ("dropout", "gaussian", "salt_pepper", "square", "none") with
/// its one strength: p for dropout and salt-and-pepper, σ for Gaussian, side (rounded) for the
/// square. Checked against a `rows`×`cols` image.
pub fn corruption_from(kind: &str, strength: f32, rows: usize, cols: usize) -> Result<Corruption> {
    let c = match kind {
        "none" => Corruption::None,
        "dropout" => Corruption::Dropout { p: strength },
        "gaussian" => Corruption::Gaussian { sigma: strength },
        "salt_pepper" => Corruption::SaltPepper { p: strength },
        "square" => {
            if !(strength.is_finite() && strength >= 0.0) {
                return Err(Error::Config(format!("square size must be a number of pixels, got {strength}")));
            }
            Corruption::Square { size: strength.round() as usize }
        }
        k => {
            return Err(Error::Config(format!(
                "corruption must be \"dropout\", \"gaussian\", \"salt_pepper\", \"square\" or \"none\", got {k:?}"
            )))
        }
    };
    c.validate(rows, cols)?;
    Ok(c)
}

/// Corrupts each `rows·cols` row of `x` with `c`; row k draws from `Rng::new(seed + k)`, so a
/// row's corruption does not depend on how many rows come with it. Returns (corrupted, mask),
/// both like `x`; mask as `Corruption::apply` (dropout: 0 or 1/(1 − p); others 1 kept, 0 changed).
pub fn corrupt_rows(x: &[f32], c: Corruption, rows: usize, cols: usize, lo: f32, hi: f32, seed: u64) -> Result<(Vec<f32>, Vec<f32>)> {
    let n = rows * cols;
    if n == 0 || x.len() % n != 0 {
        return Err(Error::Shape(format!("images must be a multiple of {n} values, got {}", x.len())));
    }
    let (mut out, mut mask) = (vec![0f32; x.len()], vec![0f32; x.len()]);
    for (k, ((xr, or), mr)) in x.chunks_exact(n).zip(out.chunks_exact_mut(n)).zip(mask.chunks_exact_mut(n)).enumerate() {
        let mut rng = Rng::new(seed.wrapping_add(k as u64));
        c.apply(xr, rows, cols, lo, hi, &mut rng, or, mr);
    }
    Ok((out, mask))
}

/// How `minimise` moves the unknown pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// x_U ← x_U + α·(D(E(x)) − x)_U; α = 1 is the plain projection x_U ← D(E(x))_U.
    Projection,
    /// x_U ← clamp(x_U − α·∇_U E(x)) with ∇E = 2(x − x̂) − J_x̂(x)ᵀ·2(x − x̂).
    Gradient,
}

impl Method {
    pub fn parse(s: &str) -> Result<Method> {
        match s {
            "projection" => Ok(Method::Projection),
            "gradient" => Ok(Method::Gradient),
            m => Err(Error::Config(format!("inpainting method must be \"projection\" or \"gradient\", got {m:?}"))),
        }
    }
}

/// E(x) = ‖x − D(E(x))‖² for each row of `x: [m, n]` (m ≤ the model's max batch). Leaves the
/// forward pass in the model's buffers.
pub fn energies(model: &mut Autoencoder, x: ArrayView2<f32>) -> Vec<f32> {
    let m = x.nrows();
    model.forward(x);
    let out = model.output(m);
    x.rows()
        .into_iter()
        .zip(out.rows())
        .map(|(a, b)| a.iter().zip(b.iter()).map(|(&u, &v)| ((u - v) as f64).powi(2)).sum::<f64>() as f32)
        .collect()
}

/// ∇_x E for each row of `x: [m, n]`, written into `grad: [m, n]`; returns the energies.
///   r = x − x̂;  E = Σ r²;  dE/dx̂ = −2r;  ∇_x E = 2r + J_x̂(x)ᵀ·(−2r),
/// the second term by backpropagating −2r through decoder and encoder down to the input
/// (the first encoder layer asked for its dL/dx). Overwrites the layers' gw/gb (training
/// recomputes them before every optimiser step, so this is harmless between training slices).
pub fn energy_grad(model: &mut Autoencoder, x: ArrayView2<f32>, grad: &mut Array2<f32>) -> Vec<f32> {
    let m = x.nrows();
    let e = energies(model, x);
    // grad = −2r = 2(x̂ − x), used first as dE/dx̂.
    grad.assign(&model.output(m));
    *grad -= &x;
    *grad *= 2.0;
    backward_to_input(model, x, grad.view());
    // ∇E = 2r + Jᵀ(−2r) = −grad + input_grad.
    let dx = model.enc[0].input_grad(m);
    grad.zip_mut_with(&dx, |g, &d| *g = -*g + d);
    e
}

/// Backpropagates `dxhat = dL/dx̂: [m, n]` of the last `forward(x)` to the input; afterwards
/// `model.enc[0].input_grad(m)` is dL/dx `[m, n]`. The same layer walk as
/// `Autoencoder::backward_encoder`, but the first layer also computes its dx.
pub fn backward_to_input(model: &mut Autoencoder, x: ArrayView2<f32>, dxhat: ArrayView2<f32>) {
    let m = x.nrows();
    model.backward_decoder(dxhat);
    let ne = model.enc.len();
    for i in (0..ne).rev() {
        let (before, rest) = model.enc.split_at_mut(i);
        let (layer, after) = rest.split_first_mut().unwrap();
        let input = if i == 0 { x } else { before[i - 1].output(m) };
        let dy = if i == ne - 1 { model.dec[0].input_grad(m) } else { after[0].input_grad(m) };
        layer.backward(input, dy, true);
    }
}

/// What `minimise` returns.
#[derive(Clone, Debug)]
pub struct Minimised {
    /// The final image `[n]`.
    pub x: Vec<f32>,
    /// E before the first iteration and after each: `iters + 1` values, never increasing.
    pub energy: Vec<f32>,
    /// The step α the last accepted iteration used (pass it back to continue).
    pub step: f32,
}

/// Inpaints one image `x0: [n]` by `iters` iterations of `method` on the pixels where
/// `unknown[i] != 0`, the others clamped; values kept in [lo, hi]. `step` is the first α to try
/// of the gradient method (~0.05); each iteration tries 2α (to recover after a cut), halving down
/// to 2α·2⁻²⁰ until E does not increase. The projection tries α = 1 (the plain x_U ← D(E(x))_U)
/// first each time. If no step lowers E, x stays (E flat at this float precision).
pub fn minimise(model: &mut Autoencoder, x0: &[f32], unknown: &[f32], method: Method, iters: usize, step: f32, lo: f32, hi: f32) -> Result<Minimised> {
    let n = model.config.input;
    if x0.len() != n || unknown.len() != n {
        return Err(Error::Shape(format!("inpainting takes one image and one mask of {n} values, got {} and {}", x0.len(), unknown.len())));
    }
    if x0.iter().any(|v| !v.is_finite()) {
        return Err(Error::Shape("the image has values that are not finite numbers".into()));
    }
    if iters > 10_000 {
        return Err(Error::Config(format!("at most 10000 iterations at a time, got {iters}")));
    }
    if !(step.is_finite() && step > 0.0) {
        return Err(Error::Config(format!("step must be a positive number, got {step}")));
    }
    let u: Vec<bool> = unknown.iter().map(|&v| v != 0.0).collect();
    let mut x = Array2::from_shape_vec((1, n), x0.iter().map(|&v| v.clamp(lo, hi)).collect()).unwrap();
    let mut dir = Array2::<f32>::zeros((1, n));
    let mut trial = Array2::<f32>::zeros((1, n));
    let mut e = energies(model, x.view())[0];
    let mut energy = vec![e];
    let mut alpha = step;
    for _ in 0..iters {
        // The descent direction on U (0 on the known pixels).
        match method {
            Method::Projection => {
                energies(model, x.view());
                dir.assign(&model.output(1));
                dir -= &x;
            }
            Method::Gradient => {
                energy_grad(model, x.view(), &mut dir);
                dir.mapv_inplace(|g| -g);
            }
        }
        for (d, &k) in dir.iter_mut().zip(&u) {
            if !k {
                *d = 0.0;
            }
        }
        // Backtracking: the projection tries the full step α = 1 first; the gradient a little
        // above its last accepted α. Halve until E does not rise.
        let mut a = if method == Method::Projection { 1.0 } else { alpha * 2.0 };
        let mut accepted = false;
        for _ in 0..21 {
            trial.assign(&x);
            trial.zip_mut_with(&dir, |t, &d| *t = (*t + a * d).clamp(lo, hi));
            let et = energies(model, trial.view())[0];
            if et <= e {
                x.assign(&trial);
                e = et;
                alpha = a;
                accepted = true;
                break;
            }
            a *= 0.5;
        }
        if !accepted {
            alpha = a;
        }
        energy.push(e);
    }
    Ok(Minimised { x: x.into_raw_vec_and_offset().0, energy, step: alpha })
}

/// The notebook's 8-bit image for `cv2.inpaint`: `((img_bad / 4 + 0.5) * 255).byte()` of the
/// corrupted [-1, 1] image x̃ = x ⊙ mask (mask 0 or 2 for p = 0.5, so x̃ ∈ [-2, 2]): truncation
/// toward zero as torch's `.byte()`, clamped to 0..255 for other p. A kept pixel (2x) maps to
/// ⌊(x + 1)/2 · 255⌋, a dropped one (0) to 127.
pub fn notebook_cv_image(xc: &[f32]) -> Vec<u8> {
    xc.iter().map(|&v| ((v / 4.0 + 0.5) * 255.0).clamp(0.0, 255.0) as u8).collect()
}

/// The notebook's inpainting mask `2 − noise.byte()` as 0/1: 1 (inpaint) where the dropout mask
/// is 0, else 0 (OpenCV inpaints every non-zero mask pixel).
pub fn notebook_cv_mask(mask: &[f32]) -> Vec<u8> {
    mask.iter().map(|&m| (m == 0.0) as u8).collect()
}

/// An 8-bit OpenCV result back in [-1, 1]: v/255·2 − 1 (the inverse of the kept pixels' map).
pub fn from_cv_image(v: &[u8]) -> Vec<f32> {
    v.iter().map(|&b| b as f32 / 255.0 * 2.0 - 1.0).collect()
}

/// Mean squared error of `y` against `x` on the pixels where `sel` is true, and on all pixels:
/// `(masked, whole)`; masked is NaN when no pixel is selected.
pub fn masked_mse(y: &[f32], x: &[f32], sel: &[bool]) -> (f64, f64) {
    let (mut sm, mut nm, mut sa) = (0f64, 0usize, 0f64);
    for ((&a, &b), &s) in y.iter().zip(x).zip(sel) {
        let e = ((a - b) as f64).powi(2);
        sa += e;
        if s {
            sm += e;
            nm += 1;
        }
    }
    (if nm == 0 { f64::NAN } else { sm / nm as f64 }, sa / x.len().max(1) as f64)
}
