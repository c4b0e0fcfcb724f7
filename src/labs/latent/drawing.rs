//! A drawn digit made MNIST-like: bounding box scaled to 20 px, centre of mass to the middle
//! of 28×28, a light Gaussian blur, in the model's range.

use super::check_finite;
use crate::error::{Error, Result};
use crate::labs::images::{N, SIDE};

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
