//! The latent-space lab: pixel vs latent interpolation (lecture figs 3–4), the 2-D map of the
//! codes (`map`), MNIST-like preprocessing of a drawn digit (`drawing`), and anomaly detection by
//! reconstruction error (inputs, per-row errors, ROC AUC, precision/recall).
//!
//! Pure math over `std`; the functions that need the model take the training `Trainer`, whose
//! `encode_rows`/`decode_rows`/`reconstruct_rows` only overwrite activation buffers.

mod drawing;
mod map;

pub mod ood;
pub use drawing::*;
pub use map::*;

use crate::error::{Error, Result};
use crate::labs::images::{invert, noise, rotate, row_mse, shift, N, SIDE};
use crate::train::Trainer;
use serde::Serialize;

// ---- interpolation ------------------------------------------------------------------------

/// Rows `(1 − α)·a + α·b` for every α of `alphas`: `[alphas.len(), a.len()]` flattened.
/// With α = 0 the row is `a` exactly and with α = 1 it is `b` exactly (the formula is written
/// so that no rounding touches the endpoints).
pub fn lerp_rows(a: &[f32], b: &[f32], alphas: &[f32]) -> Result<Vec<f32>> {
    if a.len() != b.len() || a.is_empty() {
        return Err(Error::Shape(format!("interpolation ends must have the same non-zero length, got {} and {}", a.len(), b.len())));
    }
    check_alphas(alphas)?;
    let mut out = Vec::with_capacity(alphas.len() * a.len());
    for &t in alphas {
        out.extend(a.iter().zip(b).map(|(&u, &v)| if t == 0.0 { u } else if t == 1.0 { v } else { (1.0 - t) * u + t * v }));
    }
    Ok(out)
}

fn check_alphas(alphas: &[f32]) -> Result<()> {
    if alphas.is_empty() || alphas.len() > 256 {
        return Err(Error::Shape(format!("between 1 and 256 interpolation steps, got {}", alphas.len())));
    }
    if let Some(t) = alphas.iter().find(|t| !(t.is_finite() && (0.0..=1.0).contains(*t))) {
        return Err(Error::Config(format!("α must be in [0, 1], got {t}")));
    }
    Ok(())
}

/// The lecture's figs 3–4 for images `a`, `b` (784 values each, in the model's range):
/// `[2·k, 784]` — first the k pixel-space rows (1−α)·a + α·b, then the k latent-space rows
/// D((1−α)·E(a) + α·E(b)), for the k values of `alphas`.
pub fn interpolate(t: &mut Trainer, a: &[f32], b: &[f32], alphas: &[f32]) -> Result<Vec<f32>> {
    let n = t.data().dim();
    if a.len() != n || b.len() != n {
        return Err(Error::Shape(format!("each image must have {n} values, got {} and {}", a.len(), b.len())));
    }
    check_finite(a, "image A")?;
    check_finite(b, "image B")?;
    let mut out = lerp_rows(a, b, alphas)?;
    let ab: Vec<f32> = a.iter().chain(b).copied().collect();
    let codes = t.encode_rows(&ab)?; // [2, d]
    let d = codes.len() / 2;
    let h = lerp_rows(&codes[..d], &codes[d..], alphas)?; // [k, d]
    out.extend(t.decode_rows(&h)?);
    Ok(out)
}

pub(crate) fn check_finite(x: &[f32], what: &str) -> Result<()> {
    if x.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(Error::Data(format!("{what} has a value that is not a finite number")))
    }
}

// ---- anomaly inputs -----------------------------------------------------------------------


/// The populations of the anomaly lab, in the order the façade reports them.
pub const KINDS: [&str; 6] = ["digits", "noise", "inverted", "shifted", "rotated", "drawn"];

// ---- scores -------------------------------------------------------------------------------

/// ROC AUC of scores where higher means "anomalous": the Mann–Whitney statistic
/// P(score of an anomaly > score of a normal input), ties counted ½. O((m + n) log(m + n)).
pub fn roc_auc(normal: &[f32], anomalous: &[f32]) -> Result<f64> {
    if normal.is_empty() || anomalous.is_empty() {
        return Err(Error::Data("the AUC needs at least one normal and one anomalous score".into()));
    }
    if normal.iter().chain(anomalous).any(|v| v.is_nan()) {
        return Err(Error::Data("a score is not a number".into()));
    }
    let mut neg: Vec<f32> = normal.to_vec();
    neg.sort_by(|a, b| a.partial_cmp(b).unwrap());
    // For each anomaly: #normals strictly below + ½·#normals equal.
    let mut wins = 0f64;
    for &a in anomalous {
        let below = neg.partition_point(|&v| v < a);
        let up_to = neg.partition_point(|&v| v <= a);
        wins += below as f64 + 0.5 * (up_to - below) as f64;
    }
    Ok(wins / (normal.len() as f64 * anomalous.len() as f64))
}

/// The rule "anomalous if score > threshold" scored: true and false positives, precision (NaN
/// when nothing is flagged) and recall (NaN when there are no anomalies).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PrecisionRecall {
    pub tp: usize,
    pub fp: usize,
    pub precision: f64,
    pub recall: f64,
}

pub fn precision_recall(normal: &[f32], anomalous: &[f32], threshold: f32) -> PrecisionRecall {
    let tp = anomalous.iter().filter(|&&v| v > threshold).count();
    let fp = normal.iter().filter(|&&v| v > threshold).count();
    let precision = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { f64::NAN };
    let recall = if anomalous.is_empty() { f64::NAN } else { tp as f64 / anomalous.len() as f64 };
    PrecisionRecall { tp, fp, precision, recall }
}

/// Settings of the anomaly report.
#[derive(Clone, Debug, PartialEq)]
pub struct AnomalyParams {
    /// Number of normal test digits (every `len / normal`-th image of the data set).
    pub normal: usize,
    /// Images per generated anomaly kind (noise, inverted, shifted, rotated).
    pub per_kind: usize,
    /// Shift of the shifted digits, px to the right and down.
    pub shift: i64,
    /// Rotation of the rotated digits, degrees.
    pub angle: f32,
    /// Seed of the noise images.
    pub seed: u64,
    /// How many inputs of each kind to return for display.
    pub examples: usize,
}

impl Default for AnomalyParams {
    fn default() -> Self {
        AnomalyParams { normal: 500, per_kind: 100, shift: 6, angle: 90.0, seed: 1, examples: 12 }
    }
}

/// Reconstruction errors of every population of [`KINDS`].
#[derive(Clone, Debug)]
pub struct AnomalyReport {
    /// Per kind, the MSE of each input (`drawn` may be empty).
    pub errors: Vec<Vec<f32>>,
    /// Per kind, its first `examples` inputs `[e, 784]`.
    pub examples: Vec<Vec<f32>>,
    /// Data-set indices of the normal digits.
    pub normal_indices: Vec<u32>,
    /// Per kind, the ROC AUC of its errors against the digits' (NaN for the digits themselves
    /// and for empty kinds).
    pub auc: Vec<f64>,
    /// ROC AUC of every anomaly together against the digits.
    pub auc_all: f64,
}

/// The inputs of each population: digits (a fixed spread-out subset), noise, and inverted,
/// shifted and rotated versions of other digits (offset by half a stride, so they are not the
/// same images as the normal set), plus the user's `drawn` rows `[k, 784]`.
pub fn anomaly_inputs(t: &Trainer, p: &AnomalyParams, drawn: &[f32]) -> Result<(Vec<Vec<f32>>, Vec<u32>)> {
    let len = t.test_data().len(); // the held-out digits (t.inputs indexes them)
    if p.normal == 0 || p.normal > 5000 || p.per_kind == 0 || p.per_kind > 5000 {
        return Err(Error::Config(format!("1..=5000 images per population, got {} and {}", p.normal, p.per_kind)));
    }
    if p.shift.abs() > 27 || !(p.angle.is_finite() && p.angle.abs() <= 360.0) {
        return Err(Error::Config(format!("shift must be within ±27 px and angle within ±360°, got {} and {}", p.shift, p.angle)));
    }
    if drawn.len() % N != 0 || drawn.len() > 100 * N {
        return Err(Error::Shape(format!("drawn anomalies must be at most 100 rows of {N} values, got {}", drawn.len())));
    }
    check_finite(drawn, "a drawn anomaly")?;
    let spread = |k: usize, offset: usize| -> Vec<u32> {
        let k = k.min(len);
        (0..k).map(|i| ((i * len / k + offset) % len) as u32).collect()
    };
    let normal_idx = spread(p.normal, 0);
    let other = spread(p.per_kind, (len / p.per_kind.min(len)) / 2);
    let (lo, hi) = t.range();
    let digits = t.inputs(&normal_idx)?;
    let others = t.inputs(&other)?;
    let sets = vec![
        digits,
        noise(p.per_kind * N, p.seed, lo, hi),
        invert(&others, lo, hi),
        shift(&others, SIDE, SIDE, p.shift as i32, p.shift as i32, lo),
        rotate(&others, p.angle, lo),
        drawn.to_vec(),
    ];
    Ok((sets, normal_idx))
}

/// Builds every population and scores it, all in one pass over the model.
pub fn anomaly_report(t: &mut Trainer, p: &AnomalyParams, drawn: &[f32]) -> Result<AnomalyReport> {
    let (sets, normal_indices) = anomaly_inputs(t, p, drawn)?;
    let mut errors = Vec::with_capacity(sets.len());
    let mut examples = Vec::with_capacity(sets.len());
    for x in &sets {
        if x.is_empty() {
            errors.push(vec![]);
        } else {
            let xhat = t.reconstruct_rows(x)?;
            errors.push(row_mse(x, &xhat, N)?);
        }
        examples.push(x[..(p.examples * N).min(x.len())].to_vec());
    }
    let auc = (0..errors.len()).map(|i| if i == 0 { f64::NAN } else { roc_auc(&errors[0], &errors[i]).unwrap_or(f64::NAN) }).collect();
    let all: Vec<f32> = errors[1..].concat();
    let auc_all = roc_auc(&errors[0], &all).unwrap_or(f64::NAN);
    Ok(AnomalyReport { errors, examples, normal_indices, auc, auc_all })
}

/// Everything the page shows about one input `x` (784 values): reconstruction, code, per-pixel
/// squared error `(x̂ − x)²` (the heat map) and its mean.
pub struct Probe {
    pub recon: Vec<f32>,
    pub code: Vec<f32>,
    pub heat: Vec<f32>,
    pub error: f32,
}

pub fn probe(t: &mut Trainer, x: &[f32]) -> Result<Probe> {
    let n = t.data().dim();
    if x.len() != n {
        return Err(Error::Shape(format!("an image has {n} values, got {}", x.len())));
    }
    check_finite(x, "the image")?;
    let code = t.encode_rows(x)?;
    let recon = t.reconstruct_rows(x)?;
    let heat: Vec<f32> = x.iter().zip(&recon).map(|(&a, &b)| (b - a) * (b - a)).collect();
    let error = (heat.iter().map(|&v| v as f64).sum::<f64>() / n as f64) as f32;
    Ok(Probe { recon, code, heat, error })
}
