//! Capacity and regularisation experiments (lecture: under/over-complete codes, tied weights and
//! PCA, reconstruction losses, the contractive AE): off-manifold probes, per-row reconstruction
//! errors, the compression readout (code bytes, ratio, PSNR) and the report the page's d-sweep is
//! filled from. Pure math over the engine's `Trainer`; the capacity block of the façade (`api/capacity.rs`)
//! only forwards to these functions.

use crate::error::{Error, Result};
use crate::objective;
use crate::activation::Activation;
use crate::train::Trainer;
use crate::labs::images::{invert, noise, row_mse, shift};
use ndarray::{Array1, ArrayView2};
use serde::Serialize;

/// Number of off-manifold probes `probes` makes (noise, inverted, shifted, shape), before the
/// user's drawing.
pub const BUILT_IN_PROBES: usize = 4;
/// Seed of the uniform-noise probe (the same image every call).
pub const NOISE_SEED: u64 = 0x0FF_4A11_F01D;
/// Shift of the shifted-digit probe, pixels right and down.
pub const SHIFT: (i32, i32) = (6, 6);

/// A shape no digit looks like: a square outline with both diagonals (a boxed ×), strokes 2 px
/// wide, in [lo, hi] on a `lo` background.
pub fn shape(rows: usize, cols: usize, lo: f32, hi: f32) -> Vec<f32> {
    let (a, b) = (4usize, rows.min(cols).saturating_sub(5)); // the box spans a..=b
    let mut out = vec![lo; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let inside = (a..=b).contains(&r) && (a..=b).contains(&c);
            let edge = inside && (r <= a + 1 || r + 1 >= b || c <= a + 1 || c + 1 >= b);
            let diag = inside && ((r as i32 - c as i32).abs() <= 1 || ((r + c) as i32 - (a + b) as i32).abs() <= 1);
            if edge || diag {
                out[r * cols + c] = hi;
            }
        }
    }
    out
}

/// Values in [0, 1] (a drawing: 0 background, 1 ink) mapped to the model's range [lo, hi].
pub fn from_unit(v: &[f32], lo: f32, hi: f32) -> Result<Vec<f32>> {
    if let Some(bad) = v.iter().find(|x| !(x.is_finite() && (0.0..=1.0).contains(*x))) {
        return Err(Error::Data(format!("a drawing's pixels must be in [0, 1], got {bad}")));
    }
    Ok(v.iter().map(|&x| lo + (hi - lo) * x).collect())
}

/// Peak signal-to-noise ratio in dB of a mean squared error `mse` measured on data whose range
/// is [lo, hi]: PSNR = 10·log10((hi − lo)² / mse) — the same number as on 8-bit pixels with peak
/// 255, since both the peak and the error scale with the range. ∞ for a perfect copy.
pub fn psnr(mse: f64, lo: f32, hi: f32) -> f64 {
    let peak = (hi - lo) as f64;
    if mse <= 0.0 {
        return f64::INFINITY;
    }
    10.0 * (peak * peak / mse).log10()
}

/// 8-bit quantisation of a code vector on [lo, hi]: q = round(255·(v − lo)/(hi − lo)), clamped.
pub fn quantize_u8(v: &[f32], lo: f32, hi: f32) -> Vec<u8> {
    let span = if hi > lo { hi - lo } else { 1.0 };
    v.iter().map(|&x| (255.0 * (x - lo) / span).round().clamp(0.0, 255.0) as u8).collect()
}

/// The inverse of `quantize_u8`: v = lo + q·(hi − lo)/255.
pub fn dequantize_u8(q: &[u8], lo: f32, hi: f32) -> Vec<f32> {
    q.iter().map(|&b| lo + b as f32 * (hi - lo) / 255.0).collect()
}

/// Sizes of one code against one 8-bit image.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CodeSizes {
    /// Bytes of the image (one byte per pixel: 784).
    pub image_bytes: usize,
    /// Bytes of the code as f32: 4d.
    pub f32_bytes: usize,
    /// Bytes of the 8-bit code: d, plus 8 when the code has no fixed range (two f32, min and max).
    pub u8_bytes: usize,
    /// image_bytes / f32_bytes (< 1: the "code" is bigger than the image).
    pub ratio_f32: f64,
    /// image_bytes / u8_bytes.
    pub ratio_u8: f64,
}

/// Sizes for code size `d`, `pixels` one-byte pixels; `ranged` when the code's range is fixed (a
/// tanh code is in [−1, 1]) so the 8-bit code needs no per-vector min and max.
pub fn code_sizes(d: usize, pixels: usize, ranged: bool) -> CodeSizes {
    let f32_bytes = 4 * d;
    let u8_bytes = d + if ranged { 0 } else { 8 };
    CodeSizes {
        image_bytes: pixels,
        f32_bytes,
        u8_bytes,
        ratio_f32: pixels as f64 / f32_bytes as f64,
        ratio_u8: pixels as f64 / u8_bytes as f64,
    }
}

/// What the capacity panel shows for the current model, measured on the first `count` images.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub d: usize,
    /// Images measured.
    pub count: usize,
    /// Bytes and ratios (a nested object: serde's `flatten` would make serde-wasm-bindgen emit a Map).
    pub sizes: CodeSizes,
    /// MSE of D(E(x)) on the first `count` held-out digits, in the model's data units.
    pub mse: f64,
    pub psnr: f64,
    /// The same MSE on the first `count` training digits (train vs test: over-fitting).
    pub train_mse: f64,
    /// MSE and PSNR after the code is quantised to 8 bits.
    pub mse_u8: f64,
    pub psnr_u8: f64,
    /// Mean per-probe MSE over the built-in probes of the first 8 digits (noise, inverted,
    /// shifted, shape): the identity test — small means the network copies what it is given.
    pub probe_mse: f64,
    /// Mean ‖∂h/∂x‖²_F over the measured digits (exact, one-layer tanh encoder; `null` when the
    /// encoder is not a one-layer tanh one).
    pub jacobian_frob2: Option<f64>,
    /// λ of the settings (for the penalty λ·mean‖J‖²_F the page shows beside it).
    pub lambda: f32,
}

/// The built-in probes of image `i` and the user's drawing (values in [0, 1], `n` each, if any):
/// rows [noise, inverted i, shifted i, shape, drawing?] in the model's data range, `[k, n]`.
pub fn probes(t: &Trainer, i: u32, drawn: Option<&[f32]>) -> Result<Vec<f32>> {
    let (lo, hi) = t.range();
    let data = t.data();
    let (rows, cols, n) = (data.rows(), data.cols(), data.dim());
    let x = t.inputs(&[i])?;
    let mut out = noise(n, NOISE_SEED ^ i as u64, lo, hi);
    out.extend(invert(&x, lo, hi));
    out.extend(shift(&x, rows, cols, SHIFT.0, SHIFT.1, lo));
    out.extend(shape(rows, cols, lo, hi));
    if let Some(v) = drawn {
        if v.len() != n {
            return Err(Error::Shape(format!("a drawing must have {n} pixels, got {}", v.len())));
        }
        out.extend(from_unit(v, lo, hi)?);
    }
    Ok(out)
}

/// Per-row MSE of the model's reconstruction of rows `x` (`[k, n]`): `[k]`.
pub fn reconstruction_errors(t: &mut Trainer, x: &[f32]) -> Result<Vec<f32>> {
    let y = t.reconstruct_rows(x)?;
    row_mse(x, &y, t.data().dim())
}

/// Mean ‖∂h/∂x‖²_F of a one-layer tanh encoder over rows `x`: Σ_j (1 − h_j²)² ‖W_j‖² per row
/// (objective::jacobian_frob2), averaged. `None` for other encoders.
pub fn jacobian_frob2(t: &mut Trainer, x: &[f32]) -> Result<Option<f64>> {
    let cfg = &t.model().config;
    if !cfg.hidden.is_empty() || cfg.code_act != Activation::Tanh {
        return Ok(None);
    }
    let n = t.data().dim();
    let h = t.encode_rows(x)?; // [k, d]
    let d = t.settings().d;
    let k = x.len() / n;
    let hv = ArrayView2::from_shape((k, d), &h).map_err(|e| Error::Shape(e.to_string()))?;
    // s_j = ‖W_j‖²: contractive_penalty with λ = 1 fills s and returns the mean ‖J‖²_F itself.
    let mut s = Array1::zeros(d);
    let mean = objective::contractive_penalty(hv, t.model().enc[0].w.view(), 1.0, s.view_mut());
    Ok(Some(mean as f64))
}

/// The panel's report on the first `count` held-out images (1..=its len), with the MSE of the
/// first `count` training images beside it (`train_mse`: the gap is over-fitting).
pub fn report(t: &mut Trainer, count: usize) -> Result<Report> {
    let len = t.test_data().len().min(t.data().len());
    if count == 0 || count > len {
        return Err(Error::Config(format!("report size must be between 1 and {len}, got {count}")));
    }
    let (lo, hi) = t.range();
    let n = t.data().dim();
    let d = t.settings().d;
    let idx: Vec<u32> = (0..count as u32).collect();
    let x = t.inputs(&idx)?;
    let mse = mean(&reconstruction_errors(t, &x)?);
    let train_x = t.train_inputs(&idx)?;
    let train_mse = mean(&reconstruction_errors(t, &train_x)?);

    // 8-bit codes: a tanh code lives in [−1, 1]; a linear one is quantised on its own min..max.
    let ranged = t.model().config.code_act == Activation::Tanh;
    let h = t.encode_rows(&x)?;
    let mut hq = Vec::with_capacity(h.len());
    for code in h.chunks(d) {
        let (a, b) = if ranged {
            (-1.0, 1.0)
        } else {
            code.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)))
        };
        hq.extend(dequantize_u8(&quantize_u8(code, a, b), a, b));
    }
    let yq = t.decode_rows(&hq)?;
    let mse_u8 = mean(&row_mse(&x, &yq, n)?);

    let mut probe_rows = vec![];
    for i in 0..(count.min(8) as u32) {
        probe_rows.extend(probes(t, i, None)?);
    }
    let probe_mse = mean(&reconstruction_errors(t, &probe_rows)?);
    let jacobian_frob2 = jacobian_frob2(t, &x)?;
    Ok(Report {
        d,
        count,
        sizes: code_sizes(d, n, ranged),
        mse,
        psnr: psnr(mse, lo, hi),
        train_mse,
        mse_u8,
        psnr_u8: psnr(mse_u8, lo, hi),
        probe_mse,
        jacobian_frob2,
        lambda: t.settings().lambda,
    })
}

fn mean(v: &[f32]) -> f64 {
    v.iter().map(|&x| x as f64).sum::<f64>() / v.len().max(1) as f64
}

/// PCA of the model's training images beside the AE (the lecture's note: tied weights
/// W_x = W_hᵀ with a linear code and MSE make the AE span the PCA subspace).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PcaReport {
    /// Components kept (the model's d, at most 784).
    pub k: usize,
    /// Images the PCA was fitted on (the first `fit_rows` of the training set).
    pub fit_rows: usize,
    /// Images the errors are measured on (the same first `count` as `report`).
    pub count: usize,
    /// Variance along each component, descending `[k]`.
    pub explained_variance: Vec<f32>,
    /// Trace of the covariance.
    pub total_variance: f32,
    /// Σ explained / total.
    pub explained_ratio: f64,
    /// MSE and PSNR of the rank-k projection of the measured images, model's data units.
    pub mse: f64,
    pub psnr: f64,
    /// Components `[k, n]` row-major, orthonormal (sent beside the report as a Float32Array).
    #[serde(skip)]
    pub components: Vec<f32>,
}

/// PCA with k components on the first `fit_rows` training images, scaled as the model sees
/// them; its reconstruction error on the first `count` held-out images (as `report`'s `mse`).
pub fn pca_report(t: &Trainer, k: usize, fit_rows: usize, count: usize) -> Result<PcaReport> {
    let len = t.data().len();
    if fit_rows < 2 || fit_rows > len {
        return Err(Error::Config(format!("PCA fit size must be between 2 and {len}, got {fit_rows}")));
    }
    let len = t.test_data().len();
    if count == 0 || count > len {
        return Err(Error::Config(format!("report size must be between 1 and {len}, got {count}")));
    }
    let n = t.data().dim();
    let (lo, hi) = t.range();
    let fit: Vec<u32> = (0..fit_rows as u32).collect();
    let pca = crate::pca::Pca::fit(&t.train_inputs(&fit)?, fit_rows, n, k)?;
    let measured: Vec<u32> = (0..count as u32).collect();
    let x = t.inputs(&measured)?;
    let mse = crate::pca::mse(&x, &pca.reconstruct(&x)?) as f64;
    let explained: f64 = pca.explained_variance.iter().map(|&v| v as f64).sum();
    Ok(PcaReport {
        k,
        fit_rows,
        count,
        explained_ratio: explained / pca.total_variance.max(f32::MIN_POSITIVE) as f64,
        explained_variance: pca.explained_variance,
        total_variance: pca.total_variance,
        mse,
        psnr: psnr(mse, lo, hi),
        components: pca.components,
    })
}
