//! Corruptions for the denoising autoencoder. Each writes the corrupted batch and a mask the UI
//! can draw. Data values live in [lo, hi] ([-1, 1] for the notebook, [0, 1] for BCE).

use crate::error::{Error, Result};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// How inputs are corrupted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Corruption {
    /// No corruption: x̃ = x, mask = 1.
    None,
    /// The notebook's: `Dropout(p)` applied to ones, multiplied into the image. Mask entries are
    /// 0 (probability p) or 1/(1 − p); x̃ = x ⊙ mask.
    Dropout { p: f32 },
    /// x̃ = x + σ·z, z ~ N(0, 1). Mask = 1 (nothing is hidden).
    Gaussian { sigma: f32 },
    /// Each pixel with probability p is set to lo or hi (half each). Mask 0 where changed, else 1.
    SaltPepper { p: f32 },
    /// A `size`×`size` square at a random position (fully inside the image) is set to mid-grey
    /// (lo + hi)/2. Mask 0 inside the square, else 1.
    Square { size: usize },
}

impl Corruption {
    /// Checks the strength parameter.
    pub fn validate(&self, rows: usize, cols: usize) -> Result<()> {
        match *self {
            Corruption::None => Ok(()),
            Corruption::Dropout { p } | Corruption::SaltPepper { p } => {
                if p.is_finite() && (0.0..1.0).contains(&p) {
                    Ok(())
                } else {
                    Err(Error::Config(format!("noise p must be in [0, 1), got {p}")))
                }
            }
            Corruption::Gaussian { sigma } => {
                if sigma.is_finite() && (0.0..=10.0).contains(&sigma) {
                    Ok(())
                } else {
                    Err(Error::Config(format!("noise σ must be in [0, 10], got {sigma}")))
                }
            }
            Corruption::Square { size } => {
                if size >= 1 && size <= rows.min(cols) {
                    Ok(())
                } else {
                    Err(Error::Config(format!("square size must be 1..{}, got {size}", rows.min(cols))))
                }
            }
        }
    }

    /// Corrupts `x` (rows of `rows*cols` values) into `out`, writing the mask into `mask`.
    /// All three slices have the same length, a multiple of rows·cols.
    pub fn apply(&self, x: &[f32], rows: usize, cols: usize, lo: f32, hi: f32, rng: &mut Rng, out: &mut [f32], mask: &mut [f32]) {
        debug_assert!(x.len() == out.len() && x.len() == mask.len());
        // The draws come from a local copy, written back at the end: the same stream, but its
        // 32-byte state stays in registers. Drawn through `rng` itself, LLVM stored the state to
        // memory after every draw (the stores to `out` and `mask` might have been to it), and
        // the dropout mask was ~6 % of a native d = 500 step.
        let mut local = rng.clone();
        self.draw(x, rows, cols, lo, hi, &mut local, out, mask);
        *rng = local;
    }

    /// `apply`'s work, drawing from `rng`.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn draw(&self, x: &[f32], rows: usize, cols: usize, lo: f32, hi: f32, rng: &mut Rng, out: &mut [f32], mask: &mut [f32]) {
        match *self {
            Corruption::None => {
                out.copy_from_slice(x);
                mask.fill(1.0);
            }
            Corruption::Dropout { p } => {
                // As torch: keep with probability 1 − p, scale kept entries by 1/(1 − p).
                let scale = 1.0 / (1.0 - p);
                // Drawn `bits24() < cut` (= `bernoulli(p)`), a chunk of draws at a time: the
                // generator's loop alone, then the masks from its bits in a loop that vectorises.
                // In wasm, 128 rows filled and corrupted took 1.34 ms drawn and masked pixel by
                // pixel (the draw converted to float), 0.43 ms so (Node 20, relaxed build).
                let cut = Rng::bernoulli_cut(p);
                let mut draws = [0u32; 256];
                for ((o, m), x) in out.chunks_mut(256).zip(mask.chunks_mut(256)).zip(x.chunks(256)) {
                    let draws = &mut draws[..o.len()];
                    for k in draws.iter_mut() {
                        *k = rng.bits24();
                    }
                    for (((o, m), &v), &k) in o.iter_mut().zip(m.iter_mut()).zip(x).zip(draws.iter()) {
                        // scale·1 or scale·0: the same values as `if dropped { 0.0 } else { scale }`
                        // (scale > 0), without a branch that a coin flip mispredicts half the time.
                        *m = scale * f32::from(u8::from(k >= cut));
                        *o = v * *m;
                    }
                }
            }
            Corruption::Gaussian { sigma } => {
                for (o, &v) in out.iter_mut().zip(x) {
                    *o = v + sigma * rng.normal();
                }
                mask.fill(1.0);
            }
            Corruption::SaltPepper { p } => {
                for ((o, m), &v) in out.iter_mut().zip(mask.iter_mut()).zip(x) {
                    if rng.bernoulli(p) {
                        *o = if rng.bernoulli(0.5) { hi } else { lo };
                        *m = 0.0;
                    } else {
                        *o = v;
                        *m = 1.0;
                    }
                }
            }
            Corruption::Square { size } => {
                let grey = 0.5 * (lo + hi);
                let dim = rows * cols;
                for ((xr, or), mr) in x.chunks_exact(dim).zip(out.chunks_exact_mut(dim)).zip(mask.chunks_exact_mut(dim)) {
                    let top = rng.below(rows - size + 1);
                    let left = rng.below(cols - size + 1);
                    or.copy_from_slice(xr);
                    mr.fill(1.0);
                    for r in top..top + size {
                        or[r * cols + left..r * cols + left + size].fill(grey);
                        mr[r * cols + left..r * cols + left + size].fill(0.0);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dropout as its definition reads, one `bernoulli(p)` per pixel: the reference for the
    /// chunked loop above (its draws first, then the masks).
    fn dropout_by_definition(x: &[f32], p: f32, rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
        let scale = 1.0 / (1.0 - p);
        let mask: Vec<f32> = x.iter().map(|_| if rng.bernoulli(p) { 0.0 } else { scale }).collect();
        (x.iter().zip(&mask).map(|(v, m)| v * m).collect(), mask)
    }

    #[test]
    fn dropout_draws_as_its_definition_across_chunk_edges() {
        // Lengths beside the 256-draw chunks and whole images; p of the notebook and others.
        for len in [1usize, 255, 256, 257, 784, 3 * 784] {
            let x: Vec<f32> = (0..len).map(|i| (i % 29) as f32 / 14.0 - 1.0).collect();
            for p in [0.5f32, 0.1, 0.9, 0.0] {
                let (mut a, mut b) = (Rng::new(len as u64), Rng::new(len as u64));
                let (mut out, mut mask) = (vec![f32::NAN; len], vec![f32::NAN; len]);
                Corruption::Dropout { p }.apply(&x, 1, 1, -1.0, 1.0, &mut a, &mut out, &mut mask);
                let (want_out, want_mask) = dropout_by_definition(&x, p, &mut b);
                let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&mask), bits(&want_mask), "mask, len {len}, p {p}");
                assert_eq!(bits(&out), bits(&want_out), "x̃, len {len}, p {p}");
                assert_eq!(a, b, "the generator after {len} draws, p {p}");
            }
        }
    }
}
