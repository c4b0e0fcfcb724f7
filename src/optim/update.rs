//! The optimisers' update loops, element by element: Adam and SGD as PyTorch computes them,
//! in place (`Optimizer::update`) or beside the old state with finiteness flags
//! (`Optimizer::update_into`), and the finiteness test. Every loop is over slices of one
//! length so LLVM drops the bounds checks and vectorises.

use super::OptimConfig;

/// Adam's per-step constants (see `Optimizer::update`).
#[derive(Clone, Copy)]
pub(super) struct AdamStep {
    pub(super) step: f32,
    pub(super) bc2_sqrt: f32,
    pub(super) w1: f32,
    pub(super) w2: f32,
    pub(super) beta2: f32,
    pub(super) eps: f32,
}

/// The loop of `update_into_from`, for gradient `g(j)` of scalar j.
#[inline(always)]
#[allow(clippy::type_complexity)]
pub(super) fn step_into(config: OptimConfig, t: u64, adam_step: Option<AdamStep>, (p, m, v): (&[f32], &[f32], &[f32]), (out, m2, v2): (&mut [f32], &mut [f32], &mut [f32]), g: impl Fn(usize) -> f32) -> (bool, bool) {
    match config {
        OptimConfig::Adam { .. } => {
            let c = adam_step.expect("Adam has its constants");
            crate::gemm::wide(#[inline(always)] || adam_into(c, (p, g, m, v), (out, m2, v2)))
        }
        OptimConfig::Sgd { lr, momentum } => {
            let first = t == 1 || momentum == 0.0;
            crate::gemm::wide(#[inline(always)] || {
                let n = p.len();
                let (m, out, m2) = (&m[..n], &mut out[..n], &mut m2[..n]);
                let (mut bad_p, mut bad_m) = (0u32, 0u32);
                for j in 0..n {
                    (out[j], m2[j]) = sgd(lr, momentum, first, p[j], g(j), m[j]);
                    bad_p |= not_finite(out[j]);
                    bad_m |= not_finite(m2[j]);
                }
                (bad_p == 0, bad_m == 0)
            })
        }
    }
}

/// One Adam update of one value: `(p, m, v)` after the step from `(p, g, m, v)`. Every loop
/// below is this, so a checked step (`update_into`) computes the same bits as `update`.
#[inline(always)]
fn adam(c: AdamStep, p: f32, g: f32, m: f32, v: f32) -> (f32, f32, f32) {
    let m = m + c.w1 * (g - m);
    let v = v * c.beta2 + c.w2 * g * g;
    let denom = v.sqrt() / c.bc2_sqrt + c.eps;
    (p - c.step * m / denom, m, v)
}

/// `buf ← g` on the first step (or without momentum), else `momentum·buf + g`; `p ← p − lr·buf`.
#[inline(always)]
pub(super) fn sgd(lr: f32, momentum: f32, first: bool, p: f32, g: f32, buf: f32) -> (f32, f32) {
    let buf = if first { g } else { momentum * buf + g };
    (p - lr * buf, buf)
}

/// Adam over a parameter `p` with gradient `g` and moments `m`, `v` (all `[len]`), in place:
/// indexed over slices of one length, so LLVM drops the bounds checks and vectorises (sqrt and
/// division included: `sqrtps`/`divps` are exact, so the lanes round as the scalar code does).
#[inline(always)]
pub(super) fn adam_in_place(c: AdamStep, p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]) {
    let n = p.len();
    let (g, m, v) = (&g[..n], &mut m[..n], &mut v[..n]);
    for j in 0..n {
        (p[j], m[j], v[j]) = adam(c, p[j], g[j], m[j], v[j]);
    }
}

/// Adam from `(p, g, m, v)` into `(p2, m2, v2)` (all `[len]`, `g(j)` the gradient of scalar j); whether every new weight, and
/// every new moment, is finite (OR-ed as it goes, without an early exit, so it vectorises).
#[inline(always)]
fn adam_into(c: AdamStep, (p, g, m, v): (&[f32], impl Fn(usize) -> f32, &[f32], &[f32]), (p2, m2, v2): (&mut [f32], &mut [f32], &mut [f32])) -> (bool, bool) {
    let n = p.len();
    let (m, v, p2, m2, v2) = (&m[..n], &v[..n], &mut p2[..n], &mut m2[..n], &mut v2[..n]);
    let (mut bad_p, mut bad_m) = (0u32, 0u32);
    for j in 0..n {
        let (a, b, d) = adam(c, p[j], g(j), m[j], v[j]);
        (p2[j], m2[j], v2[j]) = (a, b, d);
        bad_p |= not_finite(a);
        bad_m |= not_finite(b) | not_finite(d);
    }
    (bad_p == 0, bad_m == 0)
}

/// 1 when `x` is ±∞ or NaN (its exponent bits all ones), else 0: a branch-free test.
#[inline(always)]
fn not_finite(x: f32) -> u32 {
    const EXP: u32 = 0x7f80_0000;
    (x.to_bits() & EXP == EXP) as u32
}

/// Whether every value is finite: ±∞ and NaN are the floats whose exponent bits are all ones.
/// The test is OR-ed over the slice without an early exit, so it vectorises (a scalar
/// `iter().all(is_finite)` was a few per cent of a d = 500 step).
#[inline(always)]
pub fn all_finite(xs: &[f32]) -> bool {
    xs.iter().fold(0u32, |bad, &v| bad | not_finite(v)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_finite_finds_one_bad_value_anywhere() {
        // Every position of a length that is not a multiple of the vector width (the tail too).
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for at in 0..37 {
                let mut xs = vec![1.5f32; 37];
                xs[at] = bad;
                assert!(!all_finite(&xs), "{bad} at {at}");
            }
        }
        assert!(all_finite(&[f32::MAX, f32::MIN, f32::MIN_POSITIVE, -0.0, 1e-45]));
        assert!(all_finite(&[]));
    }
}
