//! The latent-space lab (issue 5): pixel vs latent interpolation (lecture figs 3–4), the 2-D map
//! of the codes, MNIST-like preprocessing of a drawn digit, and anomaly detection by
//! reconstruction error (inputs, per-row errors, ROC AUC, precision/recall, histograms).
//!
//! Pure math over `std`; the functions that need the model take the training `Trainer`, whose
//! `encode_rows`/`decode_rows`/`reconstruct_rows` only overwrite activation buffers.

use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::train::Trainer;

/// Side of an MNIST image.
pub const SIDE: usize = 28;
/// Pixels of an MNIST image.
pub const N: usize = SIDE * SIDE;

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

fn check_finite(x: &[f32], what: &str) -> Result<()> {
    if x.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(Error::Data(format!("{what} has a value that is not a finite number")))
    }
}

// ---- the latent map -----------------------------------------------------------------------

/// 2-D coordinates of codes `[k, d]` for the latent map: the code itself when d = 2; for d = 1
/// (code, label + jitter) so that the classes separate vertically; otherwise the projection on
/// the first two principal components of these codes. Returns `([k, 2], explained)` where
/// `explained` is the fraction of the codes' variance the two axes carry (1 for d ≤ 2).
pub fn project_codes(codes: &[f32], k: usize, d: usize, labels: &[u8]) -> Result<(Vec<f32>, f32)> {
    let m = map_projection(codes, k, d, labels)?;
    Ok((m.xy, m.explained))
}

/// The latent map's projection and its way back: a map point z = (z₁, z₂) stands for the code
/// h = mean + z₁·v₁ + z₂·v₂ (`components` `[2, d]` = v₁, v₂). For d = 2 that is h = z; for d = 1,
/// h = z₁ (v₂ = 0: the vertical axis is the label); otherwise the plane of the two principal axes.
#[derive(Clone, Debug, PartialEq)]
pub struct MapProjection {
    pub xy: Vec<f32>,
    pub explained: f32,
    pub mean: Vec<f32>,
    pub components: Vec<f32>,
}

/// See [`project_codes`]; also returns the basis that [`decode_map_points`] needs.
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
            Ok(MapProjection { xy, explained: 1.0, mean: vec![0.0], components: vec![1.0, 0.0] })
        }
        2 => Ok(MapProjection { xy: codes.to_vec(), explained: 1.0, mean: vec![0.0; 2], components: vec![1.0, 0.0, 0.0, 1.0] }),
        _ => {
            if k < 2 {
                return Err(Error::Shape("PCA of the codes needs at least two digits".into()));
            }
            let mut m = if d <= EXACT_PCA_MAX_D {
                let pca = crate::pca::Pca::fit(codes, k, d, 2)?;
                let ev: f32 = pca.explained_variance.iter().sum();
                let explained = if pca.total_variance > 0.0 { ev / pca.total_variance } else { 1.0 };
                MapProjection { xy: pca.transform(codes)?, explained, mean: pca.mean, components: pca.components }
            } else {
                top2_projection(codes, k, d)
            };
            m.explained = m.explained.clamp(0.0, 1.0);
            Ok(m)
        }
    }
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
    MapProjection { xy, explained, mean: mean.iter().map(|&m| m as f32).collect(), components }
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

// ---- drawing → MNIST-like 28×28 ----------------------------------------------------------

/// Nudge of the centre-of-mass rounding, so exact ties (symmetric strokes) round up whatever
/// the summation order.
pub const TIE_EPS: f64 = 1e-7;
/// The longest side of the digit's box after scaling (MNIST: 20 px inside 28×28).
pub const BOX: usize = 20;
/// σ of the light Gaussian blur, pixels; kernel of 3 taps `[e^(−1/2σ²), 1, e^(−1/2σ²)]`, normalised.
pub const BLUR_SIGMA: f64 = 0.6;

/// MNIST-like preprocessing of a drawing. `ink` is `[h, w]` row-major, 0 = paper, 1 = full ink
/// (e.g. a canvas's alpha / 255). Steps (the same as tests/oracles/latent_preprocess.py):
/// 1. bounding box of the pixels with ink > 0;
/// 2. scale it so the longer side is 20 px, keeping the aspect ratio (other side
///    `max(1, ⌊20·side/longest + ½⌋)`), by area averaging: an output pixel is the mean of the
///    source over its footprint, fractional source pixels weighted by their overlap;
/// 3. place it in 28×28 at offset ⌊(28 − size)/2⌋, then shift by `⌊14 − c + ½ + 10⁻⁷⌋` px on each axis,
///    c = centre of mass with pixel centres at i + ½, so the centre of mass lands at (14, 14) as
///    in the classic MNIST recipe (pixels shifted off the image are lost);
/// 4. a separable 3×3 Gaussian blur (σ = 0.6, zero outside the image);
/// 5. ink v ∈ [0, 1] → `lo + (hi − lo)·v`, the model's range.
///
/// Returns 784 values. Errors: wrong length, sizes outside 8..=2048, non-finite values, no ink.
pub fn preprocess_drawing(ink: &[f32], w: usize, h: usize, lo: f32, hi: f32) -> Result<Vec<f32>> {
    if !(8..=2048).contains(&w) || !(8..=2048).contains(&h) {
        return Err(Error::Shape(format!("the drawing must be between 8 and 2048 px on each side, got {w}×{h}")));
    }
    if ink.len() != w * h {
        return Err(Error::Shape(format!("a {w}×{h} drawing has {} values, got {}", w * h, ink.len())));
    }
    check_finite(ink, "the drawing")?;
    // 1. bounding box.
    let (mut x0, mut x1, mut y0, mut y1) = (w, 0, h, 0);
    for y in 0..h {
        for x in 0..w {
            if ink[y * w + x] > 0.0 {
                x0 = x0.min(x);
                x1 = x1.max(x + 1);
                y0 = y0.min(y);
                y1 = y1.max(y + 1);
            }
        }
    }
    if x0 >= x1 {
        return Err(Error::Data("the drawing is empty: draw a digit first".into()));
    }
    let (bw, bh) = (x1 - x0, y1 - y0);
    let longest = bw.max(bh) as f64;
    let size = |s: usize| ((BOX as f64 * s as f64 / longest + 0.5).floor() as usize).max(1);
    let (nw, nh) = (size(bw), size(bh));
    // 2. area averaging, separable: out = Wy · crop · Wxᵀ, Wx [nw, bw], Wy [nh, bh].
    let wx = area_weights(bw, nw);
    let wy = area_weights(bh, nh);
    let mut tmp = vec![0f64; bh * nw]; // crop · Wxᵀ: [bh, nw]
    for y in 0..bh {
        for o in 0..nw {
            let mut s = 0f64;
            for x in 0..bw {
                let wgt = wx[o * bw + x];
                if wgt != 0.0 {
                    s += wgt * ink[(y0 + y) * w + x0 + x].clamp(0.0, 1.0) as f64;
                }
            }
            tmp[y * nw + o] = s;
        }
    }
    let mut small = vec![0f64; nh * nw]; // [nh, nw]
    for o in 0..nh {
        for y in 0..bh {
            let wgt = wy[o * bh + y];
            if wgt != 0.0 {
                for x in 0..nw {
                    small[o * nw + x] += wgt * tmp[y * nw + x];
                }
            }
        }
    }
    // 3. centre of mass → (14, 14).
    let (ox, oy) = ((SIDE - nw) / 2, (SIDE - nh) / 2);
    let (mut m, mut mx, mut my) = (0f64, 0f64, 0f64);
    for y in 0..nh {
        for x in 0..nw {
            let v = small[y * nw + x];
            m += v;
            mx += v * ((ox + x) as f64 + 0.5);
            my += v * ((oy + y) as f64 + 0.5);
        }
    }
    let half = SIDE as f64 / 2.0;
    // Round half up, with a 1e-7 nudge: a symmetric stroke puts c exactly on a half-integer,
    // where rounding noise must not decide the shift (the reference does the same).
    let round = |c: f64| (half - c + 0.5 + TIE_EPS).floor() as i64;
    let (sx, sy) = if m > 0.0 { (round(mx / m), round(my / m)) } else { (0, 0) };
    let mut img = vec![0f64; N];
    for y in 0..nh {
        for x in 0..nw {
            let (tx, ty) = ((ox + x) as i64 + sx, (oy + y) as i64 + sy);
            if (0..SIDE as i64).contains(&tx) && (0..SIDE as i64).contains(&ty) {
                img[ty as usize * SIDE + tx as usize] = small[y * nw + x];
            }
        }
    }
    // 4. blur: rows, then columns.
    let e = (-1.0 / (2.0 * BLUR_SIGMA * BLUR_SIGMA)).exp();
    let k = [e / (1.0 + 2.0 * e), 1.0 / (1.0 + 2.0 * e), e / (1.0 + 2.0 * e)];
    let at = |a: &[f64], y: i64, x: i64| if (0..SIDE as i64).contains(&x) && (0..SIDE as i64).contains(&y) { a[y as usize * SIDE + x as usize] } else { 0.0 };
    let mut rows = vec![0f64; N];
    for y in 0..SIDE as i64 {
        for x in 0..SIDE as i64 {
            rows[y as usize * SIDE + x as usize] = k[0] * at(&img, y, x - 1) + k[1] * at(&img, y, x) + k[2] * at(&img, y, x + 1);
        }
    }
    let mut out = vec![0f32; N];
    for y in 0..SIDE as i64 {
        for x in 0..SIDE as i64 {
            let v = k[0] * at(&rows, y - 1, x) + k[1] * at(&rows, y, x) + k[2] * at(&rows, y + 1, x);
            // 5. into the model's range.
            out[y as usize * SIDE + x as usize] = lo + (hi - lo) * v.clamp(0.0, 1.0) as f32;
        }
    }
    Ok(out)
}

/// Area-averaging weights from `src` pixels to `dst` pixels: `[dst, src]` row-major; output pixel
/// o covers [o·src/dst, (o+1)·src/dst) in source units and weighs source pixel s by the overlap
/// of [s, s+1) with it, divided by the footprint's length (rows sum to 1).
fn area_weights(src: usize, dst: usize) -> Vec<f64> {
    let scale = src as f64 / dst as f64;
    let mut w = vec![0f64; dst * src];
    for o in 0..dst {
        let (a, b) = (o as f64 * scale, (o + 1) as f64 * scale);
        for s in (a.floor() as usize)..(b.ceil() as usize).min(src) {
            let overlap = (b.min(s as f64 + 1.0) - a.max(s as f64)).max(0.0);
            w[o * src + s] = overlap / scale;
        }
    }
    w
}

// ---- anomaly inputs -----------------------------------------------------------------------

/// The populations of the anomaly lab, in the order the façade reports them.
pub const KINDS: [&str; 6] = ["digits", "noise", "inverted", "shifted", "rotated", "drawn"];

/// `x → lo + hi − x` (255 − b in bytes): white digit on black becomes black on white.
pub fn invert(x: &[f32], lo: f32, hi: f32) -> Vec<f32> {
    x.iter().map(|&v| lo + hi - v).collect()
}

/// Each 28×28 image of `x` moved by (dx, dy) px (right, down), background `lo` where nothing
/// moves in.
pub fn shift(x: &[f32], dx: i64, dy: i64, lo: f32) -> Vec<f32> {
    let s = SIDE as i64;
    let mut out = vec![lo; x.len()];
    for (img, o) in x.chunks(N).zip(out.chunks_mut(N)) {
        for y in 0..s {
            for xx in 0..s {
                let (sx, sy) = (xx - dx, y - dy);
                if (0..s).contains(&sx) && (0..s).contains(&sy) {
                    o[(y * s + xx) as usize] = img[(sy * s + sx) as usize];
                }
            }
        }
    }
    out
}

/// Each 28×28 image of `x` rotated by `degrees` (counter-clockwise on screen) about its centre
/// (13.5, 13.5), by bilinear interpolation; outside the source is `lo`.
pub fn rotate(x: &[f32], degrees: f32, lo: f32) -> Vec<f32> {
    let th = (degrees as f64).to_radians();
    let (c, s) = (th.cos(), th.sin());
    let mid = (SIDE as f64 - 1.0) / 2.0;
    let mut out = vec![lo; x.len()];
    for (img, o) in x.chunks(N).zip(out.chunks_mut(N)) {
        let px = |xx: i64, yy: i64| if (0..SIDE as i64).contains(&xx) && (0..SIDE as i64).contains(&yy) { img[yy as usize * SIDE + xx as usize] as f64 } else { lo as f64 };
        for y in 0..SIDE {
            for xx in 0..SIDE {
                // Output pixel p comes from R(−θ)·(p − mid) + mid. Screen y points down, so a
                // counter-clockwise turn on screen is R(−θ) in (x, y) pixel coordinates.
                let (u, v) = (xx as f64 - mid, y as f64 - mid);
                let (sx, sy) = (c * u - s * v + mid, s * u + c * v + mid);
                let (fx, fy) = (sx.floor(), sy.floor());
                let (ax, ay) = (sx - fx, sy - fy);
                let (ix, iy) = (fx as i64, fy as i64);
                let val = (1.0 - ay) * ((1.0 - ax) * px(ix, iy) + ax * px(ix + 1, iy)) + ay * ((1.0 - ax) * px(ix, iy + 1) + ax * px(ix + 1, iy + 1));
                o[y * SIDE + xx] = val as f32;
            }
        }
    }
    out
}

/// `k` images of i.i.d. uniform noise in [lo, hi] from `seed`.
pub fn uniform_noise(k: usize, lo: f32, hi: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..k * N).map(|_| rng.uniform(lo, hi)).collect()
}

// ---- scores -------------------------------------------------------------------------------

/// Mean squared error per row: `x`, `xhat` `[k, n]` → `[k]`.
pub fn row_errors(x: &[f32], xhat: &[f32], n: usize) -> Result<Vec<f32>> {
    if n == 0 || x.len() != xhat.len() || x.len() % n != 0 {
        return Err(Error::Shape(format!("inputs and reconstructions must both be [k, {n}], got {} and {} values", x.len(), xhat.len())));
    }
    Ok(x.chunks(n).zip(xhat.chunks(n)).map(|(a, b)| (a.iter().zip(b).map(|(&u, &v)| ((v - u) as f64).powi(2)).sum::<f64>() / n as f64) as f32).collect())
}

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

/// Precision and recall of the rule "anomalous if score > threshold". Precision is `None` when
/// nothing is flagged; recall is `None` when there are no anomalies.
pub fn precision_recall(normal: &[f32], anomalous: &[f32], threshold: f32) -> (Option<f64>, Option<f64>) {
    let tp = anomalous.iter().filter(|&&v| v > threshold).count();
    let fp = normal.iter().filter(|&&v| v > threshold).count();
    let precision = if tp + fp > 0 { Some(tp as f64 / (tp + fp) as f64) } else { None };
    let recall = if anomalous.is_empty() { None } else { Some(tp as f64 / anomalous.len() as f64) };
    (precision, recall)
}

/// Counts of `values` in `bins` equal bins over [lo, hi]; values outside go to the end bins,
/// the right edge belongs to the last bin.
pub fn histogram(values: &[f32], lo: f32, hi: f32, bins: usize) -> Result<Vec<u32>> {
    if bins == 0 || bins > 10_000 || !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Err(Error::Config(format!("a histogram needs 1..=10000 bins over lo < hi, got {bins} over [{lo}, {hi}]")));
    }
    let mut c = vec![0u32; bins];
    for &v in values.iter().filter(|v| !v.is_nan()) {
        let i = (((v - lo) / (hi - lo)) * bins as f32).floor();
        c[(i.max(0.0) as usize).min(bins - 1)] += 1;
    }
    Ok(c)
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
        uniform_noise(p.per_kind, lo, hi, p.seed),
        invert(&others, lo, hi),
        shift(&others, p.shift, p.shift, lo),
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
            errors.push(row_errors(x, &xhat, N)?);
        }
        examples.push(x[..(p.examples * N).min(x.len())].to_vec());
    }
    Ok(AnomalyReport { errors, examples, normal_indices })
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
