//! The 28×28 image helpers the labs share: the photographic negative, shifts, rotations,
//! uniform noise, and the per-row mean squared error that scores a reconstruction. Images are
//! f32 rows in the model's range [lo, hi], `[k, rows·cols]` flattened.

use crate::error::{Error, Result};
use crate::rng::Rng;

/// Side of an MNIST image.
pub const SIDE: usize = 28;
/// Pixels of an MNIST image.
pub const N: usize = SIDE * SIDE;

/// `x ↦ lo + hi − x` (255 − b in bytes): white digit on black becomes black on white, far from
/// every training image.
pub fn invert(x: &[f32], lo: f32, hi: f32) -> Vec<f32> {
    x.iter().map(|&v| lo + hi - v).collect()
}

/// Each `[rows, cols]` image of `x` moved `dx` pixels right and `dy` down, uncovered pixels set
/// to `fill` (the background). MNIST digits are centred by their centre of mass, so a shifted
/// digit is off the data manifold though every stroke is a digit's.
pub fn shift(x: &[f32], rows: usize, cols: usize, dx: i32, dy: i32, fill: f32) -> Vec<f32> {
    let mut out = vec![fill; x.len()];
    for (img, o) in x.chunks(rows * cols).zip(out.chunks_mut(rows * cols)) {
        for r in 0..rows as i32 {
            for c in 0..cols as i32 {
                let (sr, sc) = (r - dy, c - dx);
                if sr >= 0 && sc >= 0 && (sr as usize) < rows && (sc as usize) < cols {
                    o[(r as usize) * cols + c as usize] = img[sr as usize * cols + sc as usize];
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

/// `n` values of i.i.d. uniform noise in [lo, hi] from `seed` (the same every call).
pub fn noise(n: usize, seed: u64, lo: f32, hi: f32) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| rng.uniform(lo, hi)).collect()
}

/// Mean squared error of each row: `x`, `y` are `[k, n]` flattened; returns `[k]`.
pub fn row_mse(x: &[f32], y: &[f32], n: usize) -> Result<Vec<f32>> {
    if n == 0 || x.len() != y.len() || x.len() % n != 0 {
        return Err(Error::Shape(format!("inputs and reconstructions must both be [k, {n}], got {} and {} values", x.len(), y.len())));
    }
    Ok(x.chunks(n)
        .zip(y.chunks(n))
        .map(|(a, b)| (a.iter().zip(b).map(|(p, q)| ((p - q) as f64).powi(2)).sum::<f64>() / n as f64) as f32)
        .collect())
}
