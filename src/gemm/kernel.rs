//! The micro-kernels of `gemm`: one body (an MR×NR outer product per step, then the tile
//! update) instantiated as the portable 4×8 kernel every target runs and, on x86-64, a 4×16
//! AVX2 + FMA copy chosen at run time (and an 8×32 AVX-512F kernel before it where the CPU has
//! it); in the wasm build with `+relaxed-simd`, a 4×8 kernel of explicit `f32x4.relaxed_madd`
//! (fused where the CPU has FMA). Each comes in two forms, by `IN_PLACE`: A's panel packed (the
//! usual), or A's MR rows read where they are (see `Kernel`).

use super::Tile;

/// A's MR values of step p: from a packed panel (MR consecutive floats per step), or with
/// `IN_PLACE` from MR rows `a_row` apart, each at column p. The same values either way, so the
/// same sums in the same order: reading in place changes no bit of C.
#[inline(always)]
unsafe fn a_step<const MR: usize, const IN_PLACE: bool>(a: *const f32, a_row: usize, p: usize) -> [f32; MR] {
    let mut v = [0.0; MR];
    for (i, v) in v.iter_mut().enumerate() {
        *v = if IN_PLACE { *a.add(i * a_row + p) } else { *a.add(p * MR + i) };
    }
    v
}

/// The micro-kernel body, shared by every instantiation: `acc = Σ_p a[p]·b[p]ᵀ` (an MR×NR outer
/// product per step), then the tile update. With `FMA` each step is a fused multiply-add
/// (only where the function is compiled with the `fma` feature: elsewhere `mul_add` is a slow
/// library call). `a` and `b` as slices (see `Kernel`): over raw pointers LLVM could not tell
/// them from the accumulators and stored those to the stack on every step.
#[inline(always)]
unsafe fn kernel_body<const MR: usize, const NR: usize, const FMA: bool, const IN_PLACE: bool>(kc: usize, a: &[f32], a_row: usize, b: &[f32], b_step: usize, t: Tile) {
    debug_assert!(a.len() >= if IN_PLACE { (MR - 1) * a_row + kc } else { kc * MR });
    debug_assert!(b.len() >= (kc - 1) * b_step + NR);
    let (a, b) = (a.as_ptr(), b.as_ptr());
    let mut acc = [[0.0f32; NR]; MR];
    // One counted loop over raw pointers: with iterator adaptors (zip, take) LLVM kept
    // storing the accumulators to the stack on every step.
    for p in 0..kc {
        let ap = a_step::<MR, IN_PLACE>(a, a_row, p);
        // B's NR values of step p: `b_step` apart (NR in a packed panel, B's row stride in place).
        let bp = *(b.add(p * b_step) as *const [f32; NR]);
        for i in 0..MR {
            for j in 0..NR {
                acc[i][j] = if FMA { ap[i].mul_add(bp[j], acc[i][j]) } else { acc[i][j] + ap[i] * bp[j] };
            }
        }
    }
    store(&acc, t);
}

/// `C[tile] = alpha·acc + beta·C[tile]`, C not read when beta == 0. Rows of a row-major C are
/// updated as slices (vectorised; whole `[f32; NR]` rows for a full tile), other strides element
/// by element.
#[inline(always)]
unsafe fn store<const MR: usize, const NR: usize>(acc: &[[f32; NR]; MR], t: Tile) {
    let (alpha, beta) = (t.alpha, t.beta);
    if t.csc != 1 {
        for (i, acc_row) in acc.iter().enumerate().take(t.rows) {
            for (j, &v) in acc_row.iter().enumerate().take(t.cols) {
                let c = t.c.offset(i as isize * t.rsc + j as isize * t.csc);
                *c = if beta == 0.0 { alpha * v } else { alpha * v + beta * *c };
            }
        }
    } else if t.cols == NR {
        for (i, &acc_row) in acc.iter().enumerate().take(t.rows) {
            let row = t.c.offset(i as isize * t.rsc) as *mut [f32; NR];
            let mut r = acc_row;
            if beta == 0.0 {
                r.iter_mut().for_each(|v| *v *= alpha);
            } else {
                r.iter_mut().zip(row.read()).for_each(|(v, c)| *v = alpha * *v + beta * c);
            }
            row.write(r);
        }
    } else {
        for (i, acc_row) in acc.iter().enumerate().take(t.rows) {
            let row = std::slice::from_raw_parts_mut(t.c.offset(i as isize * t.rsc), t.cols);
            if beta == 0.0 {
                row.iter_mut().zip(acc_row).for_each(|(c, &v)| *c = alpha * v);
            } else {
                row.iter_mut().zip(acc_row).for_each(|(c, &v)| *c = alpha * v + beta * *c);
            }
        }
    }
}

/// The kernel every target can run: plain multiply and add, vectorised by LLVM for the target's
/// baseline (simd128 in the wasm build, SSE2 on x86-64).
///
/// 4×8 is two v128 of B and four splat loads of A per step into eight accumulators. In headless
/// Chromium (V8 on x86-64: 16 xmm registers, no FMA in simd128) it was the fastest shape tried,
/// ≈ 30 GF/s on the d = 500 products; 5×8, 6×8, 8×8 and 4×12 spill accumulators and drop to
/// 3–21 GF/s, 2×16 and 3×8 are no faster, and unrolling k by 2 or 4 is slower. Explicit
/// `core::arch::wasm32` intrinsics compile to the same instructions and measured the same.
#[cfg_attr(all(target_arch = "wasm32", target_feature = "relaxed-simd"), allow(dead_code))]
pub(super) mod portable {
    use super::kernel_body;
    use crate::gemm::Tile;
    pub const MR: usize = 4;
    pub const NR: usize = 8;

    /// A function of its own, so V8 allocates its registers apart from the loop nest around it
    /// (inlined there, Node's V8 kept spilling accumulators to the stack).
    #[inline(never)]
    pub unsafe fn kernel<const IN_PLACE: bool>(kc: usize, a: &[f32], a_row: usize, b: &[f32], b_step: usize, t: Tile) {
        kernel_body::<MR, NR, false, IN_PLACE>(kc, a, a_row, b, b_step, t)
    }
}

/// The x86-64 kernel for CPUs with AVX2 and FMA (chosen at run time by `gemm`): one 8-lane FMA
/// per accumulator row half, eight ymm accumulators. 4×16 measured at least as fast as 6×16 and
/// 8×8 here (AMD EPYC, noisy shared machine), and 4×24 spills.
#[cfg(target_arch = "x86_64")]
pub(super) mod avx {
    use super::kernel_body;
    use crate::gemm::Tile;
    pub const MR: usize = 4;
    pub const NR: usize = 16;

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn kernel<const IN_PLACE: bool>(kc: usize, a: &[f32], a_row: usize, b: &[f32], b_step: usize, t: Tile) {
        kernel_body::<MR, NR, true, IN_PLACE>(kc, a, a_row, b, b_step, t)
    }
}

/// The x86-64 kernel for CPUs with AVX-512F (chosen at run time before the AVX2 one): 8×32,
/// sixteen zmm accumulators (two per row) of the 32 registers, each step two loads of B, eight
/// broadcasts of A and sixteen 16-lane FMAs. Each element of C is the same chain of fused
/// multiply-adds in the same order as in the AVX2 kernel (and the same k-blocks), so C is bit
/// for bit the AVX2 kernel's (tested). Written with intrinsics: the portable body at 8×32 (or
/// 4×32) under `avx512f` ran at 2.5–25 GFLOP/s (accumulators on the stack).
///
/// Measured natively (`bench --seconds 2`, three rounds alternated with the AVX2-only build of
/// c9310f3), on two AMD EPYC hosts. Where AVX-512 issues as two 256-bit halves (peak 112–115
/// GFLOP/s either way; 2026-12-01): the step's products 88–97 GFLOP/s against 81–84, d = 30
/// 260–276k samples/s against 225–252k, d = 500 20.4–21.0k against 18.1–19.7k; the gain is half
/// the loads and a quarter of the instructions per FLOP. Where it is full width (peak 249–257
/// against 122–125; 2026-12-02): products 179–193 against 90–99 GFLOP/s, d = 30 471–498k
/// against 302–310k, d = 500 37.3–39.5k against 22.8–23.1k. 6×32 was about as fast as 8×32,
/// 12×32 slower at d = 30.
#[cfg(target_arch = "x86_64")]
pub(super) mod avx512 {
    use super::{a_step, store};
    use crate::gemm::Tile;
    use std::arch::x86_64::*;
    pub const MR: usize = 8;
    pub const NR: usize = 32;

    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn kernel<const IN_PLACE: bool>(kc: usize, a: &[f32], a_row: usize, b: &[f32], b_step: usize, t: Tile) {
        let (a, b) = (a.as_ptr(), b.as_ptr());
        // acc[i] = row i of the 8×32 tile as two 16-lane vectors (columns 0..16, 16..32).
        let mut acc = [[_mm512_setzero_ps(); 2]; MR];
        for p in 0..kc {
            let b = b.add(p * b_step);
            let (b0, b1) = (_mm512_loadu_ps(b), _mm512_loadu_ps(b.add(16)));
            let ap = a_step::<MR, IN_PLACE>(a, a_row, p);
            for (row, &a) in acc.iter_mut().zip(&ap) {
                let ai = _mm512_set1_ps(a);
                row[0] = _mm512_fmadd_ps(ai, b0, row[0]);
                row[1] = _mm512_fmadd_ps(ai, b1, row[1]);
            }
        }
        // [[__m512; 2]; 8] and [[f32; 32]; 8] are the same 1 KiB, lanes in order.
        let tile: [[f32; NR]; MR] = core::mem::transmute(acc);
        store(&tile, t);
    }
}

/// The wasm kernel of the relaxed-SIMD build (`+relaxed-simd`, `pkg-relaxed/`): the portable
/// 4×8 shape with each multiply-add one `f32x4.relaxed_madd`, which V8 lowers to a fused
/// `vfmadd` on CPUs with FMA (and to mul + add elsewhere: "relaxed" lets the result be either
/// rounding, both within the fixtures' tolerance). Written with intrinsics because `mul_add`
/// on wasm is a libm call, not an instruction.
///
/// A fused multiply-add needs no register for the product, so wider shapes might now fit V8's
/// xmm registers; they do not. In Chromium 156 on a 2-core AVX-512 EPYC (2026-12-02, the step's
/// d = 500 products, medians of 7 × 0.4 s): 4×8 50.9–54.6 GFLOP/s, 5×8 22, 6×8 24–26, 3×8 41,
/// and 4×8 with k unrolled by 2 28 (each splat is already one `v128.load32_splat`). V8 hoists
/// every load of an unrolled body ahead of its FMAs and spills; on Zen 4 (2026-12-03, Node 20,
/// paired in one process) the unrolled kernel and one with its load offsets folded
/// (`-C llvm-args=-disable-lsr`: 22 instructions per step instead of 27) ran at 0.96–1.02× this
/// one (docs/ARCHITECTURE.md, "V8's loop").
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
pub(super) mod relaxed {
    use super::{a_step, store};
    use crate::gemm::Tile;
    use core::arch::wasm32::{f32x4_relaxed_madd, f32x4_splat, v128, v128_load};
    pub const MR: usize = 4;
    pub const NR: usize = 8;

    /// A function of its own, like the portable kernel (V8 allocates its registers apart).
    #[inline(never)]
    pub unsafe fn kernel<const IN_PLACE: bool>(kc: usize, a: &[f32], a_row: usize, b: &[f32], b_step: usize, t: Tile) {
        let (a, b) = (a.as_ptr(), b.as_ptr());
        // acc[i] = row i of the 4×8 tile as two f32x4 (columns 0..4, 4..8).
        let mut acc = [[f32x4_splat(0.0); 2]; MR];
        for p in 0..kc {
            let b = b.add(p * b_step);
            let b0 = v128_load(b as *const v128);
            let b1 = v128_load(b.add(4) as *const v128);
            let ap = a_step::<MR, IN_PLACE>(a, a_row, p);
            for (row, &a) in acc.iter_mut().zip(&ap) {
                let ai = f32x4_splat(a);
                row[0] = f32x4_relaxed_madd(ai, b0, row[0]);
                row[1] = f32x4_relaxed_madd(ai, b1, row[1]);
            }
        }
        // [[v128; 2]; 4] and [[f32; 8]; 4] are the same 128 bytes, lanes in order.
        let tile: [[f32; NR]; MR] = core::mem::transmute(acc);
        store(&tile, t);
    }
}
