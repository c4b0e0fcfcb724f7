//! The seeded generator behind every random choice (initialisation, shuffling, corruption), so a
//! seed in the URL reproduces a run bit for bit. Xoshiro256++ from `rand_xoshiro`; no OS entropy.

use rand_core::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A small, fast, seedable generator. Cloning it forks an identical stream; two are equal when
/// their streams are.
#[derive(Clone, Debug, PartialEq)]
pub struct Rng {
    inner: Xoshiro256PlusPlus,
}

impl Rng {
    /// A generator whose whole stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { inner: Xoshiro256PlusPlus::seed_from_u64(seed) }
    }

    /// 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        use rand_core::Rng as _;
        self.inner.next_u64()
    }

    /// Uniform in [0, 1) with 24 random bits (every f32 step in that range is equally likely).
    #[inline]
    pub fn uniform01(&mut self) -> f32 {
        self.bits24() as f32 * (1.0 / (1u64 << 24) as f32)
    }

    /// The 24 random bits behind `uniform01` (the top of the next 64).
    #[inline]
    pub fn bits24(&mut self) -> u32 {
        (self.next_u64() >> 40) as u32
    }

    /// Uniform in [lo, hi).
    #[inline]
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform01()
    }

    /// Standard normal N(0, 1) (Ziggurat, from `rand_distr`).
    #[inline]
    pub fn normal(&mut self) -> f32 {
        StandardNormal.sample(&mut self.inner)
    }

    /// `true` with probability `p`.
    #[inline]
    pub fn bernoulli(&mut self, p: f32) -> bool {
        self.uniform01() < p
    }

    /// The cut of `bernoulli(p)` on the draw's 24 bits: `bits24() < bernoulli_cut(p)` is
    /// `bernoulli(p)`, draw for draw, without the draw's conversion to float. The bits k give
    /// uniform01 = k·2⁻²⁴ exactly and p·2²⁴ is exact too, so k·2⁻²⁴ < p ⟺ k < ⌈p·2²⁴⌉ (k is
    /// an integer). p ≤ 0 or NaN: 0 (never true, as `<` is then); p ≥ 1: 2²⁴ (always).
    pub fn bernoulli_cut(p: f32) -> u32 {
        let whole = (1u32 << 24) as f32;
        if p.is_nan() || p <= 0.0 {
            return 0;
        }
        (p * whole).ceil().min(whole) as u32
    }

    /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2⁻³²).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_other_seed_other_stream() {
        let (mut a, mut b, mut c) = (Rng::new(7), Rng::new(7), Rng::new(8));
        let xa: Vec<u64> = (0..16).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..16).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..16).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn uniform_and_normal_moments() {
        let mut r = Rng::new(1);
        let n = 200_000;
        let (mut s, mut s2, mut ns, mut ns2) = (0f64, 0f64, 0f64, 0f64);
        for _ in 0..n {
            let u = r.uniform01() as f64;
            assert!((0.0..1.0).contains(&u));
            s += u;
            s2 += u * u;
            let z = r.normal() as f64;
            ns += z;
            ns2 += z * z;
        }
        let n = n as f64;
        assert!((s / n - 0.5).abs() < 0.005, "uniform mean {}", s / n);
        assert!((s2 / n - s * s / n / n - 1.0 / 12.0).abs() < 0.002);
        assert!((ns / n).abs() < 0.01, "normal mean {}", ns / n);
        assert!((ns2 / n - 1.0).abs() < 0.02, "normal var {}", ns2 / n);
    }

    #[test]
    fn bits24_below_the_cut_is_bernoulli_draw_for_draw() {
        // p at and beside multiples of 2⁻²⁴ (where the cut's ceiling matters), the notebook's
        // 0.5, the ends and values that are not probabilities.
        let step = 1.0 / (1u64 << 24) as f32;
        let mut ps = vec![0.0, 0.5, 0.1, 0.25, 0.999_999, 1.0, 1.5, -0.5, f32::NAN, f32::INFINITY, step, 3.0 * step];
        for k in [1u32, 2, 3, 1000, 1 << 23, (1 << 24) - 1] {
            let at = k as f32 * step;
            ps.extend([at, f32::from_bits(at.to_bits() + 1), f32::from_bits(at.to_bits() - 1)]);
        }
        for p in ps {
            let (mut a, mut b) = (Rng::new(11), Rng::new(11));
            let cut = Rng::bernoulli_cut(p);
            for _ in 0..20_000 {
                assert_eq!(a.bernoulli(p), b.bits24() < cut, "p = {p}");
            }
            // The draws near the cut are rare: every 24-bit k beside it, and a sweep, directly
            // (uniform01 of the draw k is k·2⁻²⁴).
            let near = cut.saturating_sub(3)..(cut + 3).min(1 << 24);
            for k in near.chain((0..1u32 << 24).step_by(4099)) {
                assert_eq!((k as f32 * step) < p, k < cut, "p = {p}, k = {k}");
            }
        }
    }

    #[test]
    fn shuffle_is_a_permutation_and_below_stays_in_range() {
        let mut r = Rng::new(3);
        let mut v: Vec<u32> = (0..1000).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..1000).collect::<Vec<u32>>());
        let mut s = v.clone();
        s.sort();
        assert_eq!(s, (0..1000).collect::<Vec<u32>>());
        for n in [1usize, 2, 3, 10, 1000] {
            for _ in 0..1000 {
                assert!(r.below(n) < n);
            }
        }
    }
}
