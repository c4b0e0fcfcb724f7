//! One core's arithmetic peak in this build's vector instructions: independent multiply-add
//! chains on registers, no memory traffic. No product or training step of this build can run
//! faster on one core, so the benchmarks print it beside the step's and the products' rates
//! (`bench` natively, `GemmBench.peak` in the page's benchmark).

use std::hint::black_box;

/// Independent accumulators: more than an FMA unit's latency × issue width needs (x86-64: 4
/// cycles × 2 units = 8 vectors in flight), so no chain waits on its own last result.
const CHAINS: usize = 12;

/// Runs `iters` rounds of CHAINS independent vector multiply-adds in the arithmetic this build's
/// GEMM kernel uses (x86-64 with AVX-512F: 16-lane fused; with AVX2 + FMA: 8-lane fused; the
/// relaxed-SIMD wasm build: 4-lane `f32x4.relaxed_madd`; otherwise 4-lane multiply then add) and
/// returns the FLOPs done (2 per lane per multiply-add) with the sum of every accumulator's lanes
/// (v ← v·x + y from 0, x and y just around 1: about `iters` per lane), which shows the rounds
/// ran. The caller times it.
pub fn peak(iters: u32) -> (f64, f32) {
    black_box(run(iters))
}

/// `peak`'s work. Written with intrinsics:
/// LLVM kept a `[[f32; 8]; 12]` of plain Rust on the stack here (10 GFLOP/s, not 80).
fn run(iters: u32) -> (f64, f32) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return (flops(iters, 16), unsafe { x86::fused512(iters) });
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            return (flops(iters, 8), unsafe { x86::fused(iters) });
        }
        (flops(iters, 4), x86::sse(iters))
    }
    #[cfg(target_arch = "wasm32")]
    {
        (flops(iters, 4), wasm::chains(iters))
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    {
        let (x, y) = (black_box(1.000_000_1f32), black_box(0.999_999_9f32));
        let mut acc = [0f32; CHAINS];
        for _ in 0..iters {
            acc.iter_mut().for_each(|a| *a = *a * x + y);
        }
        (flops(iters, 1), acc.iter().sum())
    }
}

fn flops(iters: u32, lanes: usize) -> f64 {
    iters as f64 * (CHAINS * lanes * 2) as f64
}

/// x86-64: 16-lane fused multiply-add (the AVX-512 kernel's), 8-lane (the AVX2 kernel's
/// `vfmadd`), or 4-lane multiply then add (the SSE baseline's kernel).
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{black_box, CHAINS};
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn fused(iters: u32) -> f32 {
        let (x, y) = (_mm256_set1_ps(black_box(1.000_000_1)), _mm256_set1_ps(black_box(0.999_999_9)));
        let mut acc = [_mm256_setzero_ps(); CHAINS];
        for _ in 0..iters {
            for a in acc.iter_mut() {
                *a = _mm256_fmadd_ps(*a, x, y);
            }
        }
        let s = acc.iter().fold(_mm256_setzero_ps(), |s, &a| _mm256_add_ps(s, a));
        let mut lanes = [0f32; 8];
        _mm256_storeu_ps(lanes.as_mut_ptr(), s);
        lanes.iter().sum()
    }

    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn fused512(iters: u32) -> f32 {
        let (x, y) = (_mm512_set1_ps(black_box(1.000_000_1)), _mm512_set1_ps(black_box(0.999_999_9)));
        let mut acc = [_mm512_setzero_ps(); CHAINS];
        for _ in 0..iters {
            for a in acc.iter_mut() {
                *a = _mm512_fmadd_ps(*a, x, y);
            }
        }
        let s = acc.iter().fold(_mm512_setzero_ps(), |s, &a| _mm512_add_ps(s, a));
        _mm512_reduce_add_ps(s)
    }

    pub fn sse(iters: u32) -> f32 {
        // SAFETY: SSE is part of the x86-64 baseline.
        unsafe {
            let (x, y) = (_mm_set1_ps(black_box(1.000_000_1)), _mm_set1_ps(black_box(0.999_999_9)));
            let mut acc = [_mm_setzero_ps(); CHAINS];
            for _ in 0..iters {
                for a in acc.iter_mut() {
                    *a = _mm_add_ps(_mm_mul_ps(*a, x), y);
                }
            }
            let s = acc.iter().fold(_mm_setzero_ps(), |s, &a| _mm_add_ps(s, a));
            let mut lanes = [0f32; 4];
            _mm_storeu_ps(lanes.as_mut_ptr(), s);
            lanes.iter().sum()
        }
    }
}

/// wasm: `f32x4.relaxed_madd` in the relaxed-SIMD build (its kernel's instruction), else
/// `f32x4.mul` then `f32x4.add` (the simd128 kernel's).
#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::{black_box, CHAINS};
    use core::arch::wasm32::*;

    pub fn chains(iters: u32) -> f32 {
        let (x, y) = (f32x4_splat(black_box(1.000_000_1)), f32x4_splat(black_box(0.999_999_9)));
        let mut acc = [f32x4_splat(0.0); CHAINS];
        for _ in 0..iters {
            for a in acc.iter_mut() {
                *a = madd(*a, x, y);
            }
        }
        let s = acc.iter().fold(f32x4_splat(0.0), |s, &a| f32x4_add(s, a));
        f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s) + f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s)
    }

    #[cfg(target_feature = "relaxed-simd")]
    #[inline(always)]
    fn madd(a: v128, x: v128, y: v128) -> v128 {
        f32x4_relaxed_madd(a, x, y)
    }

    #[cfg(not(target_feature = "relaxed-simd"))]
    #[inline(always)]
    fn madd(a: v128, x: v128, y: v128) -> v128 {
        f32x4_add(f32x4_mul(a, x), y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_every_round_it_counts() {
        // 16 lanes where the AVX-512 path runs, 8 where the AVX2 + FMA one does, else 4.
        let lanes = peak(1).0 as usize / (CHAINS * 2);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            lanes,
            if std::is_x86_feature_detected!("avx512f") {
                16
            } else if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                8
            } else {
                4
            }
        );
        #[cfg(target_arch = "wasm32")]
        assert_eq!(lanes, 4);
        for n in [0u32, 1, 7, 1000] {
            let (flops, sum) = peak(n);
            assert_eq!(flops, (n as usize * CHAINS * lanes * 2) as f64);
            // Every lane of every chain is v_n of v ← v·x + y from 0 (in f64 here; fused or not
            // the f32 rounding stays far inside 1e-5 over 1,000 rounds): the rounds really ran.
            let v = (0..n).fold(0f64, |v, _| v * 1.000_000_1f32 as f64 + 0.999_999_9f32 as f64);
            let want = v * (CHAINS * lanes) as f64;
            assert!((sum as f64 - want).abs() <= 1e-5 * want.max(1.0), "{n} rounds: sum {sum}, expected {want}");
            #[cfg(target_arch = "x86_64")]
            {
                // The baseline's 4-lane path, which a CPU without AVX2 + FMA runs.
                let sse = x86::sse(n) as f64;
                assert!((sse - want / lanes as f64 * 4.0).abs() <= 1e-5 * want.max(1.0), "{n} rounds (SSE): sum {sse}");
            }
        }
    }
}
