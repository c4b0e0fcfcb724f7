//! `gemm`: single-precision matrix product `C = α·A·B + β·C` that allocates nothing after
//! warm-up, for the training step's three products (`x·Wᵀ`, `dzᵀ·x`, `dz·W`).
//!
//! The scheme is the classic BLIS / `matrixmultiply` one, kept small:
//!
//! ```text
//! for jc in steps of NC over the columns of B and C          (B block: KC×NC, stays in L2/L3)
//!   for pc in steps of KC over the shared dimension k
//!     pack B[pc.., jc..] into NR-column panels                (zero-padded to a multiple of NR)
//!     for ic in steps of MC over the rows of A and C          (A block: MC×KC, stays in L2)
//!       pack A[ic.., pc..] into MR-row panels                 (zero-padded to a multiple of MR)
//!       for each NR-panel of B, for each MR-panel of A:
//!         micro-kernel: an MR×NR tile of C += A-panel · B-panel, in registers
//! ```
//!
//! Packing turns any strides of `a` and `b` (the callers pass transposed views) into the two
//! unit-stride streams the micro-kernel reads, so the kernel never sees a stride. The packing
//! buffers live in a thread-local and only ever grow: once every shape of a training step has
//! been seen, no call allocates (wasm is single-threaded; natively each thread gets its own).
//!
//! The micro-kernel is plain Rust over fixed-size arrays `[[f32; NR]; MR]`, which LLVM keeps in
//! vector registers: simd128 in the wasm build (`+simd128`, see `.cargo/config.toml`), SSE in a
//! plain x86-64 build. On x86-64 a second copy of the whole kernel is compiled with AVX2 + FMA
//! and chosen at run time when the CPU has them (the x86-64 baseline has neither).

use ndarray::{ArrayView2, ArrayViewMut2};
use std::cell::RefCell;

/// Depth of one packed block (the k-extent of the A and B panels). KC·NR floats of B and KC·MR
/// of A are what the micro-kernel streams through L1 for one tile.
const KC: usize = 256;
/// Rows of A packed at once (rounded down to a multiple of MR): an MC×KC block lives in L2.
const MC: usize = 96;
/// Columns of B packed at once (rounded down to a multiple of NR): KC×NC floats of B.
const NC: usize = 1024;

/// `C = alpha·A·B + beta·C` for `a: [m, k]`, `b: [k, n]`, `c: [m, n]`.
///
/// `a` and `b` may have any strides (transposed views are the usual case). `beta == 0` means
/// overwrite: C is not read, so NaN or garbage in C does not leak into the result. After the
/// first call with a given size class the call allocates nothing.
///
/// Panics if the shapes do not agree.
pub fn gemm(alpha: f32, a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: &mut ArrayViewMut2<f32>) {
    product(alpha, a, b, beta, c, true)
}

/// `gemm`, with the run-time choice of the AVX2 + FMA kernel left on or off (the tests run both).
fn product(alpha: f32, a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: &mut ArrayViewMut2<f32>, allow_avx: bool) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(k == k2 && c.dim() == (m, n), "gemm: shapes {:?}·{:?} → {:?}", a.dim(), b.dim(), c.dim());
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 || alpha == 0.0 {
        // A·B contributes nothing: C = beta·C (beta == 0 overwrites, as everywhere here).
        if beta == 0.0 {
            c.fill(0.0);
        } else if beta != 1.0 {
            c.map_inplace(|v| *v *= beta);
        }
        return;
    }
    let p = Problem {
        m,
        n,
        k,
        alpha,
        beta,
        a: a.as_ptr(),
        rsa: a.strides()[0],
        csa: a.strides()[1],
        b: b.as_ptr(),
        rsb: b.strides()[0],
        csb: b.strides()[1],
        c: c.as_mut_ptr(),
        rsc: c.strides()[0],
        csc: c.strides()[1],
    };
    // SAFETY: the pointers and strides come from live ndarray views of the stated shapes, so
    // every (i, j) index in range addresses an element of its view; `c` is borrowed mutably, so
    // it aliases neither `a` nor `b`. The AVX kernel runs only where the CPU has AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    {
        if allow_avx && std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            return unsafe { drive::<{ avx::MR }, { avx::NR }>(&p, avx::kernel) };
        }
    }
    let _ = allow_avx;
    unsafe { drive::<{ portable::MR }, { portable::NR }>(&p, portable::kernel) }
}

/// One product, as raw pointers and element strides (ndarray strides may be negative).
struct Problem {
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    beta: f32,
    a: *const f32,
    rsa: isize,
    csa: isize,
    b: *const f32,
    rsb: isize,
    csb: isize,
    c: *mut f32,
    rsc: isize,
    csc: isize,
}

/// Where a micro-kernel writes its tile: `rows × cols` (≤ MR × NR; smaller at the edges) of C
/// starting at `c`, as `c = alpha·tile + beta·c` (beta == 0: overwrite).
#[derive(Clone, Copy)]
struct Tile {
    c: *mut f32,
    rsc: isize,
    csc: isize,
    rows: usize,
    cols: usize,
    alpha: f32,
    beta: f32,
}

/// A micro-kernel: `kc` steps over an MR-row panel of packed A and an NR-column panel of packed
/// B (`a.len() == kc·MR`, `b.len() == kc·NR`), result stored into `tile`.
type Kernel = unsafe fn(kc: usize, a: &[f32], b: &[f32], tile: Tile);

thread_local! {
    /// Packing buffers for A and B. They only grow, so after warm-up no call allocates.
    static PACK: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// A 64-byte-aligned slice of `len` floats inside `buf`, growing `buf` only when it is too small
/// (the 16 spare floats pay for the alignment).
fn aligned(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buf.len() < len + 16 {
        buf.resize(len + 16, 0.0);
    }
    let off = buf.as_ptr().align_offset(64).min(16);
    &mut buf[off..off + len]
}

/// `ceil(total / ceil(total / max))`: splits `total` into the fewest blocks of at most `max`
/// and makes them about equal, rounded up to a multiple of `unit` (so 784 with KC = 256 gives
/// four blocks of 196 rather than three of 256 and a thin one of 16).
fn block(total: usize, max: usize, unit: usize) -> usize {
    let blocks = total.div_ceil(max);
    total.div_ceil(blocks).next_multiple_of(unit).min(max.max(unit))
}

/// The loops around the micro-kernel (see the module header), for an MR×NR kernel.
///
/// # Safety
/// `p` must describe valid, non-overlapping (C with A, B) matrices, as `gemm` builds it.
unsafe fn drive<const MR: usize, const NR: usize>(p: &Problem, kernel: Kernel) {
    let kc_max = block(p.k, KC, 1);
    let mc_max = block(p.m, MC / MR * MR, MR);
    let nc_max = block(p.n, NC / NR * NR, NR);
    PACK.with(|cell| {
        let mut bufs = cell.borrow_mut();
        let (abuf, bbuf) = &mut *bufs;
        let apack = aligned(abuf, mc_max.next_multiple_of(MR) * kc_max);
        let bpack = aligned(bbuf, nc_max.next_multiple_of(NR) * kc_max);
        for jc in (0..p.n).step_by(nc_max) {
            let nc = nc_max.min(p.n - jc);
            for pc in (0..p.k).step_by(kc_max) {
                let kc = kc_max.min(p.k - pc);
                // The first k-block applies the caller's beta; later ones add to it.
                let beta = if pc == 0 { p.beta } else { 1.0 };
                // B's column panels are A-style row panels of Bᵀ: swap B's strides.
                let bsrc = p.b.offset(pc as isize * p.rsb + jc as isize * p.csb);
                pack::<NR>(bpack, bsrc, p.csb, p.rsb, nc, kc);
                for ic in (0..p.m).step_by(mc_max) {
                    let mc = mc_max.min(p.m - ic);
                    let asrc = p.a.offset(ic as isize * p.rsa + pc as isize * p.csa);
                    pack::<MR>(apack, asrc, p.rsa, p.csa, mc, kc);
                    for jr in (0..nc).step_by(NR) {
                        let bpanel = &bpack[jr * kc..][..NR * kc];
                        for ir in (0..mc).step_by(MR) {
                            let apanel = &apack[ir * kc..][..MR * kc];
                            let (i, j) = ((ic + ir) as isize, (jc + jr) as isize);
                            let tile = Tile {
                                c: p.c.offset(i * p.rsc + j * p.csc),
                                rsc: p.rsc,
                                csc: p.csc,
                                rows: MR.min(mc - ir),
                                cols: NR.min(nc - jr),
                                alpha: p.alpha,
                                beta,
                            };
                            kernel(kc, apanel, bpanel, tile);
                        }
                    }
                }
            }
        }
    });
}

/// Packs `rows × kc` of a strided matrix (element (i, p) at `src + i·rs + p·cs`) into panels of
/// R rows: panel after panel, and inside a panel column p after column p as R consecutive
/// floats. Rows past `rows` in the last panel are zeros, so the kernel never branches on edges.
///
/// # Safety
/// Every (i, p) with i < rows, p < kc must be a valid element; `dst` holds ⌈rows/R⌉·R·kc.
unsafe fn pack<const R: usize>(dst: &mut [f32], src: *const f32, rs: isize, cs: isize, rows: usize, kc: usize) {
    for (panel, out) in dst.chunks_exact_mut(R * kc).take(rows.div_ceil(R)).enumerate() {
        let i0 = panel * R;
        let live = R.min(rows - i0);
        let base = src.offset(i0 as isize * rs);
        if live == R && rs == 1 {
            // Column-major source (a transposed row-major matrix): R contiguous floats per p.
            for (p, col) in out.chunks_exact_mut(R).enumerate() {
                col.copy_from_slice(std::slice::from_raw_parts(base.offset(p as isize * cs), R));
            }
        } else if live == R {
            for (p, col) in out.chunks_exact_mut(R).enumerate() {
                let s = base.offset(p as isize * cs);
                for (i, v) in col.iter_mut().enumerate() {
                    *v = *s.offset(i as isize * rs);
                }
            }
        } else {
            for (p, col) in out.chunks_exact_mut(R).enumerate() {
                let s = base.offset(p as isize * cs);
                for (i, v) in col.iter_mut().enumerate() {
                    *v = if i < live { *s.offset(i as isize * rs) } else { 0.0 };
                }
            }
        }
    }
}

/// The micro-kernel body, shared by every instantiation: `acc = Σ_p a[p]·b[p]ᵀ` (an MR×NR outer
/// product per step), then the tile update. With `FMA` each step is a fused multiply-add
/// (only where the function is compiled with the `fma` feature: elsewhere `mul_add` is a slow
/// library call).
#[inline(always)]
unsafe fn kernel_body<const MR: usize, const NR: usize, const FMA: bool>(kc: usize, a: &[f32], b: &[f32], t: Tile) {
    debug_assert!(a.len() >= kc * MR && b.len() >= kc * NR);
    let (a, b) = (a.as_ptr() as *const [f32; MR], b.as_ptr() as *const [f32; NR]);
    let mut acc = [[0.0f32; NR]; MR];
    // One counted loop over raw pointers: with iterator adaptors (zip, take) LLVM kept
    // storing the accumulators to the stack on every step.
    for p in 0..kc {
        let ap = *a.add(p);
        let bp = *b.add(p);
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
mod portable {
    use super::{kernel_body, Tile};
    pub const MR: usize = 4;
    pub const NR: usize = 8;

    /// A function of its own, so V8 allocates its registers apart from the loop nest around it
    /// (inlined there, Node's V8 kept spilling accumulators to the stack).
    #[inline(never)]
    pub unsafe fn kernel(kc: usize, a: &[f32], b: &[f32], t: Tile) {
        kernel_body::<MR, NR, false>(kc, a, b, t)
    }
}

/// The x86-64 kernel for CPUs with AVX2 and FMA (chosen at run time by `gemm`): one 8-lane FMA
/// per accumulator row half, eight ymm accumulators. 4×16 measured at least as fast as 6×16 and
/// 8×8 here (AMD EPYC, noisy shared machine), and 4×24 spills.
#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{kernel_body, Tile};
    pub const MR: usize = 4;
    pub const NR: usize = 16;

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn kernel(kc: usize, a: &[f32], b: &[f32], t: Tile) {
        kernel_body::<MR, NR, true>(kc, a, b, t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use ndarray::{s, Array2, ShapeBuilder};

    /// The reference: a naive triple loop in f64.
    fn naive(alpha: f32, a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: ArrayView2<f32>) -> Array2<f64> {
        let (m, k) = a.dim();
        let n = b.ncols();
        Array2::from_shape_fn((m, n), |(i, j)| {
            let dot: f64 = (0..k).map(|p| a[[i, p]] as f64 * b[[p, j]] as f64).sum();
            let old = if beta == 0.0 { 0.0 } else { beta as f64 * c[[i, j]] as f64 };
            alpha as f64 * dot + old
        })
    }

    fn random(rng: &mut Rng, shape: (usize, usize), col_major: bool) -> Array2<f32> {
        let mut x = Array2::zeros(shape.set_f(col_major));
        x.iter_mut().for_each(|v| *v = rng.uniform(-1.0, 1.0));
        x
    }

    /// Compares `gemm` with the f64 loop; tolerance scaled by the sum of |terms|.
    fn check((m, k, n): (usize, usize, usize), (at, bt): (bool, bool), alpha: f32, beta: f32, rng: &mut Rng) {
        // at/bt: the operand is a transposed view of a row-major array (as the callers pass).
        let a_store = random(rng, if at { (k, m) } else { (m, k) }, false);
        let b_store = random(rng, if bt { (n, k) } else { (k, n) }, false);
        let a = if at { a_store.t() } else { a_store.view() };
        let b = if bt { b_store.t() } else { b_store.view() };
        let mut c = random(rng, (m, n), false);
        if beta == 0.0 {
            c.fill(f32::NAN);
        }
        let want = naive(alpha, a, b, beta, c.view());
        // Both kernels: the run-time choice (AVX2 + FMA on most x86-64) and the portable one
        // (the one the wasm build runs, here compiled for SSE2).
        for allow_avx in [true, false] {
            let mut got = c.clone();
            product(alpha, a, b, beta, &mut got.view_mut(), allow_avx);
            let tol = 1e-5 * (k as f64 + 1.0) * (alpha.abs() as f64 + beta.abs() as f64 + 1.0);
            for ((i, j), &w) in want.indexed_iter() {
                let g = got[[i, j]] as f64;
                assert!(
                    (g - w).abs() <= tol,
                    "{m}×{k}×{n} at={at} bt={bt} α={alpha} β={beta} avx={allow_avx}: C[{i},{j}] = {g}, want {w}"
                );
            }
        }
    }

    #[test]
    fn matches_naive_for_many_shapes_and_transposes() {
        let mut rng = Rng::new(7);
        let shapes = [
            (1, 1, 1),
            (1, 5, 1),
            (2, 3, 4),
            (7, 13, 29),
            (13, 29, 7),
            (29, 7, 13),
            (5, 1, 17),
            (6, 16, 16),
            (17, 257, 33),
            (97, 300, 1025),
            (256, 784, 30),
            (256, 30, 784),
            (30, 256, 784),
            (784, 256, 30),
            (256, 500, 500),
            (500, 256, 784),
        ];
        for &(m, k, n) in &shapes {
            for at in [false, true] {
                for bt in [false, true] {
                    check((m, k, n), (at, bt), 1.0, 0.0, &mut rng);
                }
            }
        }
    }

    #[test]
    fn alpha_and_beta() {
        let mut rng = Rng::new(8);
        for &(alpha, beta) in &[(1.0, 1.0), (0.5, -2.0), (-1.5, 0.0), (2.0, 0.25), (0.0, 0.5), (0.0, 0.0)] {
            for &(m, k, n) in &[(7, 13, 29), (33, 300, 17), (256, 30, 30)] {
                check((m, k, n), (true, false), alpha, beta, &mut rng);
                check((m, k, n), (false, true), alpha, beta, &mut rng);
            }
        }
    }

    #[test]
    fn empty_dimensions() {
        // k = 0: C = beta·C; beta = 0 overwrites NaN with zeros.
        let a = Array2::<f32>::zeros((3, 0));
        let b = Array2::<f32>::zeros((0, 4));
        let mut c = Array2::from_elem((3, 4), f32::NAN);
        gemm(1.0, a.view(), b.view(), 0.0, &mut c.view_mut());
        assert!(c.iter().all(|&v| v == 0.0));
        let mut c = Array2::from_elem((3, 4), 2.0f32);
        gemm(1.0, a.view(), b.view(), 0.5, &mut c.view_mut());
        assert!(c.iter().all(|&v| v == 1.0));
        // m = 0 or n = 0: nothing to do, no panic.
        let mut c = Array2::<f32>::zeros((0, 4));
        gemm(1.0, Array2::zeros((0, 3)).view(), Array2::zeros((3, 4)).view(), 0.0, &mut c.view_mut());
        let mut c = Array2::<f32>::zeros((3, 0));
        gemm(1.0, Array2::zeros((3, 3)).view(), Array2::zeros((3, 0)).view(), 0.0, &mut c.view_mut());
    }

    #[test]
    fn odd_strides_and_row_slices() {
        let mut rng = Rng::new(9);
        // Column-major operands, stepped and reversed views, and C a row range of a bigger array.
        let a_store = random(&mut rng, (40, 60), true);
        let b_store = random(&mut rng, (90, 50), false);
        let a = a_store.slice(s![..;2, ..;-3]); // 20 × 20
        let b = b_store.slice(s![10..30, 1..;2]); // 20 × 25
        let big = random(&mut rng, (30, 25), false);
        let want = naive(1.0, a, b, 0.0, big.slice(s![5..25, ..]));
        for allow_avx in [true, false] {
            let mut c = big.clone();
            product(1.0, a, b, 0.0, &mut c.slice_mut(s![5..25, ..]), allow_avx);
            for ((i, j), &w) in want.indexed_iter() {
                assert!((c[[i + 5, j]] as f64 - w).abs() < 1e-4);
            }
            // Rows outside the slice are untouched.
            assert_eq!(c.slice(s![..5, ..]), big.slice(s![..5, ..]));
            assert_eq!(c.slice(s![25.., ..]), big.slice(s![25.., ..]));
            // C with a non-unit column stride takes the element-by-element store.
            let mut ct = Array2::<f32>::zeros((25, 20));
            product(1.0, a, b, 0.0, &mut ct.view_mut().reversed_axes(), allow_avx);
            for ((i, j), &w) in want.indexed_iter() {
                assert!((ct[[j, i]] as f64 - w).abs() < 1e-4);
            }
        }
    }

    #[test]
    fn repeated_calls_reuse_the_buffers() {
        let mut rng = Rng::new(10);
        let a = random(&mut rng, (64, 100), false);
        let b = random(&mut rng, (100, 48), false);
        let mut c = Array2::zeros((64, 48));
        gemm(1.0, a.view(), b.view(), 0.0, &mut c.view_mut());
        let ptrs = PACK.with(|p| {
            let p = p.borrow();
            (p.0.as_ptr(), p.1.as_ptr())
        });
        // Same or smaller sizes: the buffers stay where they are.
        gemm(1.0, a.slice(s![..10, ..]), b.view(), 0.0, &mut c.slice_mut(s![..10, ..]));
        gemm(1.0, a.view(), b.view(), 1.0, &mut c.view_mut());
        let again = PACK.with(|p| {
            let p = p.borrow();
            (p.0.as_ptr(), p.1.as_ptr())
        });
        assert_eq!(ptrs, again);
    }
}
