//! The GEMM's micro-kernel alone: the build's widest kernel (the one `gemm` takes) called over
//! and over on one packed A panel and one B panel that stay in L1, so neither packing, blocking
//! nor the caches below L1 count. Between `peak` (multiply-adds on registers) and the products
//! (`StepProducts`), it tells a slow kernel from slow memory: on a 2-core AMD EPYC (family 25)
//! the relaxed-SIMD kernel ran here at 35–41 GFLOP/s in some minutes and at 22–28 in others, on
//! either core, while `peak` stayed at 43–49 (2026-12-02, Node 20). Part of it is the host, part
//! the loop V8 makes of the kernel: replayed natively (scripts/kernel-loop-shapes.py, Zen 4), V8's
//! loop ran at 39–42 GFLOP/s (medians) and swung further than gcc's loop of the same kernel at
//! 47–50 (docs/ARCHITECTURE.md). The benchmarks print it beside the rates.

use super::{Kernel, Tile};
use std::hint::black_box;

/// Depth of the panels: A (MR×KC) and B (KC×NR) take 20 KB at most (8×32 AVX-512), inside L1.
const KC: usize = 128;
/// A's and B's every element: each call adds KC·A·B = 2⁻¹⁰ to each of C's elements (exact in
/// f32 for up to 2²⁴ calls: multiples of 2⁻¹⁰ below 2¹⁴).
const A: f32 = 1.0 / 256.0;
const B: f32 = 1.0 / 512.0;

/// Runs `calls` calls of this build's widest micro-kernel (x86-64: 8×32 AVX-512F, else 4×16
/// AVX2 + FMA, else 4×8 SSE; wasm: 4×8 relaxed-SIMD or simd128), each KC steps deep and adding
/// its MR×NR tile into C; returns the FLOPs done (2 per multiply-add) and the sum of C, which
/// shows the calls ran. The caller times it.
pub fn kernel_alone(calls: u32) -> (f64, f32) {
    #[cfg(target_arch = "x86_64")]
    {
        use super::kernel::{avx, avx512};
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return unsafe { run::<{ avx512::MR }, { avx512::NR }>(avx512::kernel::<false>, calls) };
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            return unsafe { run::<{ avx::MR }, { avx::NR }>(avx::kernel::<false>, calls) };
        }
    }
    // SAFETY: the portable (or, in its build, the relaxed-SIMD) kernel needs no CPU feature.
    unsafe { run::<{ super::base::MR }, { super::base::NR }>(super::base::kernel::<false>, calls) }
}

/// # Safety
/// `kernel` must be an MR×NR kernel the CPU can run.
unsafe fn run<const MR: usize, const NR: usize>(kernel: Kernel, calls: u32) -> (f64, f32) {
    let (a, b) = (vec![A; MR * KC], vec![B; KC * NR]);
    let mut c = vec![0f32; MR * NR];
    for _ in 0..calls {
        // c ← 1·(A panel · B panel) + 1·c: the whole tile, row-major.
        let tile = Tile { c: c.as_mut_ptr(), rsc: NR as isize, csc: 1, rows: MR, cols: NR, alpha: 1.0, beta: 1.0 };
        kernel(KC, black_box(&a), 0, black_box(&b), NR, tile);
    }
    ((calls as usize * 2 * MR * NR * KC) as f64, c.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_call_and_every_call_adds_its_tile() {
        let tile = kernel_alone(1).0 as usize / (2 * KC); // MR·NR of the kernel that ran
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            tile,
            if std::is_x86_feature_detected!("avx512f") {
                8 * 32
            } else if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                4 * 16
            } else {
                4 * 8
            }
        );
        for calls in [0u32, 1, 3, 1000] {
            let (flops, sum) = kernel_alone(calls);
            assert_eq!(flops, (calls as usize * 2 * tile * KC) as f64);
            // Each call adds KC·A·B = 2⁻¹⁰ to each element, exactly (powers of two).
            assert_eq!(sum, (calls as usize * tile) as f32 * KC as f32 * A * B, "{calls} calls");
        }
    }
}
