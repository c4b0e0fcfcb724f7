//! The latent map: 2-D coordinates of codes (the code itself, or its first two principal
//! components — exact PCA for small d, subspace iteration for large d) and the way back from a
//! map point to a code and an image.

use super::check_finite;
use crate::error::{Error, Result};
use crate::train::Trainer;

/// The latent map's projection and its way back: a map point z = (z₁, z₂) stands for the code
/// h = mean + z₁·v₁ + z₂·v₂ (`components` `[2, d]` = v₁, v₂). For d = 2 that is h = z; for d = 1,
/// h = z₁ (v₂ = 0: the vertical axis is the label); otherwise the plane of the two principal axes.
#[derive(Clone, Debug, PartialEq)]
pub struct MapProjection {
    /// Map points `[k, 2]`.
    pub xy: Vec<f32>,
    /// Share of the codes' variance the two axes carry (1 for d ≤ 2).
    pub explained: f32,
    /// "code" (d ≤ 2), "pca" (exact) or "pca-subspace" (subspace iteration, large d).
    pub method: &'static str,
    pub mean: Vec<f32>,
    pub components: Vec<f32>,
}

/// 2-D coordinates of codes `[k, d]` for the latent map: the code itself when d = 2; for d = 1
/// (code, label + jitter) so that the classes separate vertically; otherwise the projection on
/// the first two principal components of these codes. With the basis [`decode_map_points`] needs.
pub fn map_projection(codes: &[f32], k: usize, d: usize, labels: &[u8]) -> Result<MapProjection> {
    if k == 0 || d == 0 || codes.len() != k * d || labels.len() != k {
        return Err(Error::Shape(format!("codes must be [k, d] with k labels: {} values, k = {k}, d = {d}, {} labels", codes.len(), labels.len())));
    }
    match d {
        1 => {
            // A fixed jitter in ±0.3 from the row number (golden-ratio sequence), so repeated
            // maps of the same digits put them at the same height.
            let xy = (0..k)
                .flat_map(|i| {
                    let j = ((i as f64 * 0.618_033_988_75).fract() - 0.5) * 0.6;
                    [codes[i], labels[i] as f32 + j as f32]
                })
                .collect();
            Ok(MapProjection { xy, explained: 1.0, method: "code", mean: vec![0.0], components: vec![1.0, 0.0] })
        }
        2 => Ok(MapProjection { xy: codes.to_vec(), explained: 1.0, method: "code", mean: vec![0.0; 2], components: vec![1.0, 0.0, 0.0, 1.0] }),
        _ => {
            if k < 2 {
                return Err(Error::Shape("PCA of the codes needs at least two digits".into()));
            }
            let mut m = if d <= EXACT_PCA_MAX_D {
                let pca = crate::pca::Pca::fit(codes, k, d, 2)?;
                let ev: f32 = pca.explained_variance.iter().sum();
                let explained = if pca.total_variance > 0.0 { ev / pca.total_variance } else { 1.0 };
                MapProjection { xy: pca.transform(codes)?, explained, method: "pca", mean: pca.mean, components: pca.components }
            } else {
                top2_projection(codes, k, d)
            };
            m.explained = m.explained.clamp(0.0, 1.0);
            Ok(m)
        }
    }
}

/// The latent map of the data set's images `idx`: their codes projected by [`map_projection`],
/// and their labels.
pub fn map(t: &mut Trainer, idx: &[u32]) -> Result<(MapProjection, Vec<u8>)> {
    let x = t.inputs(idx)?;
    let codes = t.encode_rows(&x)?;
    let labels: Vec<u8> = idx.iter().map(|&i| t.test_data().label(i as usize)).collect(); // t.inputs indexes the held-out set
    let d = t.settings().d;
    Ok((map_projection(&codes, idx.len(), d, &labels)?, labels))
}

/// Up to this d the map uses the exact PCA (`crate::pca`, an O(d³) eigen-decomposition of the
/// d×d covariance); above it, subspace iteration for the top two components (O(k·d) per sweep),
/// so that d = 2048 does not stall training for seconds.
pub const EXACT_PCA_MAX_D: usize = 128;
/// Sweeps of the subspace iteration.
pub const SUBSPACE_SWEEPS: usize = 150;

/// Top-2 principal projection of `x: [k, d]` by subspace iteration on C = Xcᵀ·Xc/(k − 1),
/// never forming C: V ← orthonormalise(Xcᵀ·(Xc·V)), both vectors in one pass over Xc, until the
/// span stops moving (each old vector keeps ≥ 1 − 10⁻¹² of its length in the new span) or
/// `SUBSPACE_SWEEPS` sweeps. Components signed like `crate::pca` (largest entry positive).
/// Returns the coordinates `[k, 2]`, explained fraction, mean and the two axes.
pub fn top2_projection(x: &[f32], k: usize, d: usize) -> MapProjection {
    let mut mean = vec![0f64; d];
    for row in x.chunks(d) {
        for (m, &v) in mean.iter_mut().zip(row) {
            *m += v as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= k as f64);
    let xc: Vec<f64> = x.chunks(d).flat_map(|row| row.iter().zip(&mean).map(|(&v, &m)| v as f64 - m).collect::<Vec<_>>()).collect();
    let total = xc.iter().map(|v| v * v).sum::<f64>() / (k as f64 - 1.0);
    // Deterministic start: two fixed, non-degenerate vectors.
    let mut v: Vec<Vec<f64>> = (0..2).map(|c| (0..d).map(|j| ((j * (c + 2) + c) as f64 * 0.754_877_666).sin() + 0.1).collect()).collect();
    orthonormalise(&mut v);
    let mut w = vec![vec![0f64; d]; 2];
    for _ in 0..SUBSPACE_SWEEPS {
        // w_c = Xcᵀ·(Xc·v_c) / (k − 1), both c in one pass over the rows.
        w.iter_mut().for_each(|wc| wc.iter_mut().for_each(|e| *e = 0.0));
        for row in xc.chunks(d) {
            let (mut t0, mut t1) = (0f64, 0f64);
            for ((a, b0), b1) in row.iter().zip(&v[0]).zip(&v[1]) {
                t0 += a * b0;
                t1 += a * b1;
            }
            let (w0, w1) = w.split_at_mut(1);
            for ((a, e0), e1) in row.iter().zip(w0[0].iter_mut()).zip(w1[0].iter_mut()) {
                *e0 += t0 * a;
                *e1 += t1 * a;
            }
        }
        // (The 1/(k − 1) does not change the span; the 2×2 step below applies it.)
        orthonormalise(&mut w);
        // How much of each old vector lies in the new span.
        let kept = |old: &[f64]| -> f64 { w.iter().map(|n| n.iter().zip(old).map(|(a, b)| a * b).sum::<f64>().powi(2)).sum() };
        let converged = kept(&v[0]) > 1.0 - 1e-12 && kept(&v[1]) > 1.0 - 1e-12;
        std::mem::swap(&mut v, &mut w);
        if converged {
            break;
        }
    }
    // Within the converged span, rotate to the eigenvectors of the 2×2 projected covariance
    // (the span is right long before the individual vectors settle when λ₁ ≈ λ₂).
    let cv: Vec<Vec<f64>> = v
        .iter()
        .map(|vc| {
            let mut out = vec![0f64; d];
            for row in xc.chunks(d) {
                let t: f64 = row.iter().zip(vc).map(|(a, b)| a * b).sum();
                out.iter_mut().zip(row).for_each(|(o, a)| *o += t * a);
            }
            out.iter_mut().for_each(|o| *o /= k as f64 - 1.0);
            out
        })
        .collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let (a, b, c) = (dot(&v[0], &cv[0]), dot(&v[0], &cv[1]), dot(&v[1], &cv[1]));
    let theta = 0.5 * (2.0 * b).atan2(a - c); // rotation that diagonalises [[a, b], [b, c]]
    let (cs, sn) = (theta.cos(), theta.sin());
    let r0: Vec<f64> = v[0].iter().zip(&v[1]).map(|(p, q)| cs * p + sn * q).collect();
    let r1: Vec<f64> = v[0].iter().zip(&v[1]).map(|(p, q)| -sn * p + cs * q).collect();
    let l0 = cs * cs * a + 2.0 * cs * sn * b + sn * sn * c;
    let l1 = sn * sn * a - 2.0 * cs * sn * b + cs * cs * c;
    let (mut v, lam) = if l0 >= l1 { (vec![r0, r1], [l0, l1]) } else { (vec![r1, r0], [l1, l0]) };
    for vc in v.iter_mut() {
        let big = vc.iter().fold(0f64, |a, &b| if b.abs() > a.abs() { b } else { a });
        if big < 0.0 {
            vc.iter_mut().for_each(|e| *e = -*e);
        }
    }
    let xy = xc.chunks(d).flat_map(|row| [dot(row, &v[0]) as f32, dot(row, &v[1]) as f32]).collect();
    let explained = if total > 0.0 { ((lam[0] + lam[1]) / total) as f32 } else { 1.0 };
    let components = v.iter().flatten().map(|&e| e as f32).collect();
    MapProjection { xy, explained, method: "pca-subspace", mean: mean.iter().map(|&m| m as f32).collect(), components }
}

/// The images D(h) of map points `xy` `[m, 2]`, h = mean + z₁·v₁ + z₂·v₂ with the basis of a
/// [`MapProjection`] (`mean` `[d]`, `components` `[2, d]`): `[m, 784]`. What the lecture's 2-D
/// latent plots show between the digits.
pub fn decode_map_points(t: &mut Trainer, mean: &[f32], components: &[f32], xy: &[f32]) -> Result<Vec<f32>> {
    let d = t.settings().d;
    if mean.len() != d || components.len() != 2 * d || xy.is_empty() || xy.len() % 2 != 0 || xy.len() > 2 * 4096 {
        return Err(Error::Shape(format!("map basis must be [d] and [2, d] for d = {d}, points [m, 2] (m ≤ 4096); got {}, {}, {}", mean.len(), components.len(), xy.len())));
    }
    check_finite(xy, "a map point")?;
    check_finite(mean, "the map's mean")?;
    check_finite(components, "the map's axes")?;
    let h: Vec<f32> = xy.chunks(2).flat_map(|z| (0..d).map(move |j| mean[j] + z[0] * components[j] + z[1] * components[d + j])).collect();
    t.decode_rows(&h)
}

/// Gram–Schmidt on the vectors in place (a vector that vanishes is replaced by a unit axis).
fn orthonormalise(v: &mut [Vec<f64>]) {
    for i in 0..v.len() {
        for j in 0..i {
            let dot: f64 = v[i].iter().zip(&v[j]).map(|(a, b)| a * b).sum();
            let vj = v[j].clone();
            v[i].iter_mut().zip(&vj).for_each(|(a, b)| *a -= dot * b);
        }
        let norm = v[i].iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 1e-300 {
            v[i].iter_mut().for_each(|a| *a /= norm);
        } else {
            let len = v[i].len();
            v[i] = (0..len).map(|j| if j == i % len { 1.0 } else { 0.0 }).collect();
        }
    }
}
