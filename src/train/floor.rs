//! The loss of the best constant output over a data set (every pixel its mean image's value):
//! the floor the guard's blow-up watch compares a step's loss with (src/guard/watch.rs), computed
//! by the guard the first time a warning needs it: one pass of integer sums over the bytes, not
//! of floats over the scaled pixels.

use crate::data::{Dataset, Scaling};
use crate::objective::Loss;

/// Rows summed in u32 before they are added to the u64 totals: 65,536 · 255² < 2³².
const CHUNK: usize = 65_536;

/// For MSE the mean per-pixel variance, for BCE the mean per-pixel binary entropy H(μ) (BCE is
/// linear in the target, so its mean at the constant μ is H(μ); logs clamped at −100 as PyTorch
/// does). The scaled pixel is the affine `lo + (hi − lo)·b/255` of its byte b (`Scaling::range`),
/// so both come from the per-pixel integer sums Σb and Σb², exact in u64 (the variance's
/// numerator `k·Σb² − (Σb)²` exact in u128), with one rounding at the end of each pixel's value.
pub fn constant_output_loss(data: &Dataset, loss: Loss, scaling: Scaling) -> f32 {
    let (n, k) = (data.dim(), data.len());
    if n == 0 || k == 0 {
        return 0.0;
    }
    let (sums, squares) = byte_moments(&data.images()[..k * n], n);
    let (lo, hi) = scaling.range();
    let (lo, scale) = (lo as f64, (hi as f64 - lo as f64) / 255.0);
    let kf = k as f64;
    let per_pixel = sums.iter().zip(&squares).map(|(&s, &q)| match loss {
        Loss::Mse => {
            // Var[b] = (k·Σb² − (Σb)²) / k², never negative (Cauchy–Schwarz); Var[x] = scale²·Var[b].
            let num = k as u128 * q as u128 - s as u128 * s as u128;
            scale * scale * (num as f64 / (kf * kf))
        }
        Loss::Bce => {
            let mu = lo + scale * (s as f64 / kf);
            -(mu * mu.ln().max(-100.0) + (1.0 - mu) * (1.0 - mu).ln().max(-100.0))
        }
    });
    (per_pixel.sum::<f64>() / n as f64) as f32
}

/// Per-pixel Σb and Σb² over `images` (`[k, n]` bytes, row-major): u32 sums over CHUNK rows at
/// a time (the widening adds vectorise), added into u64 totals.
fn byte_moments(images: &[u8], n: usize) -> (Vec<u64>, Vec<u64>) {
    let (mut sums, mut squares) = (vec![0u64; n], vec![0u64; n]);
    let (mut s32, mut q32) = (vec![0u32; n], vec![0u32; n]);
    for chunk in images.chunks(n * CHUNK) {
        s32.fill(0);
        q32.fill(0);
        for row in chunk.chunks_exact(n) {
            let (s32, q32) = (&mut s32[..n], &mut q32[..n]);
            for j in 0..n {
                let b = row[j] as u32;
                s32[j] += b;
                q32[j] += b * b;
            }
        }
        for j in 0..n {
            sums[j] += s32[j] as u64;
            squares[j] += q32[j] as u64;
        }
    }
    (sums, squares)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, directly: every pixel scaled by `Scaling::apply`, moments in f64.
    fn by_definition(data: &Dataset, loss: Loss, scaling: Scaling) -> f64 {
        let (n, k) = (data.dim(), data.len() as f64);
        (0..n)
            .map(|j| {
                let xs: Vec<f64> = (0..data.len()).map(|i| scaling.apply(data.image(i)[j]) as f64).collect();
                let mu = xs.iter().sum::<f64>() / k;
                match loss {
                    Loss::Mse => xs.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / k,
                    Loss::Bce => -(mu * mu.ln().max(-100.0) + (1.0 - mu) * (1.0 - mu).ln().max(-100.0)),
                }
            })
            .sum::<f64>()
            / n as f64
    }

    fn data(k: usize, n: usize, byte: impl Fn(usize, usize) -> u8) -> Dataset {
        let images = (0..k * n).map(|e| byte(e / n, e % n)).collect();
        Dataset::from_raw(images, vec![0; k], 1, n).unwrap()
    }

    #[test]
    fn equals_the_definition_for_both_losses_and_scalings() {
        // Pixels with every kind of spread: constant, two-valued, all 256 values, saturated.
        let d = data(517, 6, |i, j| match j {
            0 => 0,
            1 => 255,
            2 => if i % 3 == 0 { 255 } else { 0 },
            3 => (i * 37 % 256) as u8,
            4 => (i * i % 251) as u8,
            _ => 128,
        });
        for (loss, scaling) in [(Loss::Mse, Scaling::MinusOneToOne), (Loss::Mse, Scaling::ZeroToOne), (Loss::Bce, Scaling::ZeroToOne)] {
            let want = by_definition(&d, loss, scaling);
            let got = constant_output_loss(&d, loss, scaling) as f64;
            assert!((got - want).abs() <= 1e-6 * want.abs().max(1e-3), "{loss:?} {scaling:?}: {got} vs {want}");
        }
        // A constant pixel has no variance: MSE 0 when every pixel is constant.
        assert_eq!(constant_output_loss(&data(9, 4, |_, j| j as u8 * 60), Loss::Mse, Scaling::MinusOneToOne), 0.0);
    }

    #[test]
    fn sums_past_one_u32_chunk_exactly() {
        // 1.5 chunks of rows, 255 in pixel 0 and alternating 0/255 in pixel 1: pixel 0's Σb²
        // (98,305 · 255²) overflows u32 unless the partial sums are flushed every CHUNK rows.
        let k = CHUNK + CHUNK / 2 + 1;
        let d = data(k, 2, |i, j| if j == 0 || i % 2 == 0 { 255 } else { 0 });
        let (s, q) = byte_moments(d.images(), 2);
        assert_eq!((s[0], q[0]), (255 * k as u64, 255 * 255 * k as u64));
        assert_eq!((s[1], q[1]), (255 * k.div_ceil(2) as u64, 255 * 255 * k.div_ceil(2) as u64));
        let want = by_definition(&d, Loss::Mse, Scaling::MinusOneToOne);
        let got = constant_output_loss(&d, Loss::Mse, Scaling::MinusOneToOne) as f64;
        assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want}");
    }
}
