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
//! unit-stride streams the micro-kernel reads. An operand already laid out along its rows and
//! read by few panels of the other is read where it is instead (`drive`). The packing
//! buffers live in a thread-local and only ever grow: once every shape of a training step has
//! been seen, no call allocates (wasm is single-threaded; natively each thread gets its own).
//!
//! The micro-kernel is plain Rust over fixed-size arrays `[[f32; NR]; MR]`, which LLVM keeps in
//! vector registers: simd128 in the wasm build (`+simd128`, see `.cargo/config.toml`), SSE in a
//! plain x86-64 build. On x86-64 a second copy of the whole kernel is compiled with AVX2 + FMA
//! and chosen at run time when the CPU has them (the x86-64 baseline has neither), and an 8×32
//! AVX-512F kernel (intrinsics, the same bits) before it where the CPU has that. The wasm build
//! made with `+relaxed-simd` (`pkg-relaxed/`) runs an explicit `f32x4.relaxed_madd` kernel
//! instead of the portable one.

use drive::drive;
use ndarray::{ArrayView2, ArrayViewMut2};
use std::cell::RefCell;

mod alone;
mod drive;
mod kernel;
mod peak;
mod step;

pub use alone::kernel_alone;
pub use peak::peak;
pub use step::{LayerShape, StepProducts};

#[cfg(target_arch = "x86_64")]
use kernel::{avx, avx512};
/// The kernel of every call the AVX2 one does not take: the portable one, or in the wasm build
/// with `+relaxed-simd` (a compile-time choice: the page loads that build only where
/// `WebAssembly.validate` accepts relaxed SIMD, see www/kit/engine.js) the FMA one.
#[cfg(not(all(target_arch = "wasm32", target_feature = "relaxed-simd")))]
use kernel::portable as base;
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
use kernel::relaxed as base;

/// The micro-kernel this build runs (reports print it; the wasm numerics test checks that the
/// relaxed-SIMD build really got its flag). Natively the AVX-512 or AVX2 + FMA kernel is a
/// run-time choice.
pub const KERNEL: &str = if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
    "relaxed-simd (4×8, f32x4.relaxed_madd)"
} else if cfg!(target_arch = "wasm32") {
    "simd128 (4×8)"
} else {
    "native (8×32 AVX-512F, else 4×16 AVX2+FMA, else 4×8: the widest the CPU has)"
};

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
    product(alpha, a, b, beta, c, Isa::Avx512)
}

/// The widest x86-64 kernel a product may take (it takes the widest of them the CPU has); the
/// tests run each. Elsewhere only `Baseline` exists in effect. Outside the tests some variants
/// are never named (`Baseline` anywhere, `Avx2` off x86-64), hence the `allow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(not(test), allow(dead_code))]
enum Isa {
    /// The portable kernel (what the wasm build runs; SSE2 on x86-64).
    Baseline,
    /// 4×16, AVX2 + FMA.
    Avx2,
    /// 8×32, AVX-512F: the same bits as `Avx2`.
    Avx512,
}

/// `gemm` with the widest kernel allowed `isa`.
fn product(alpha: f32, a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: &mut ArrayViewMut2<f32>, isa: Isa) {
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
    // it aliases neither `a` nor `b`. Each x86 kernel runs only where the CPU has its features.
    #[cfg(target_arch = "x86_64")]
    {
        if isa >= Isa::Avx512 && std::is_x86_feature_detected!("avx512f") {
            let k = [avx512::kernel::<false> as Kernel, avx512::kernel::<true>];
            return unsafe { drive::<{ avx512::MR }, { avx512::NR }>(&p, k) };
        }
        if isa >= Isa::Avx2 && std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            return unsafe { drive::<{ avx::MR }, { avx::NR }>(&p, [avx::kernel::<false>, avx::kernel::<true>]) };
        }
    }
    let _ = isa;
    unsafe { drive::<{ base::MR }, { base::NR }>(&p, [base::kernel::<false>, base::kernel::<true>]) }
}

/// Runs `f` compiled for AVX-512F, else AVX2, where the CPU has it (x86-64; elsewhere, and on
/// older CPUs, just `f()`): the element-wise loops of a step (bias + activation, its derivative,
/// Adam, the finiteness checks) inline into it and vectorise 16 or 8 lanes wide instead of the
/// baseline's 4. Rust never fuses `a·b + c` on its own (AVX-512F brings FMA in), so every result
/// is bit for bit the baseline's and the wasm build's (activation.rs tests the loops against
/// scalar code; one epoch of each variant saved the same bytes either way). Callers mark the
/// closure `#[inline(always)]`: LLVM would otherwise leave a big one out of line, compiled for
/// the baseline. AVX-512 over AVX2 here (2026-12-02, full-width AVX-512 host, six rounds in
/// turns, medians per CPU-second): d = 30 508k against 414k samples/s, d = 500 38.2k against 37.3k.
#[inline(always)]
pub fn wide<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        /// # Safety
        /// The CPU must support AVX2.
        #[target_feature(enable = "avx2")]
        unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        /// # Safety
        /// The CPU must support AVX-512F.
        #[target_feature(enable = "avx512f")]
        unsafe fn avx512<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: checked just above.
            return unsafe { avx512(f) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: checked just above.
            return unsafe { avx2(f) };
        }
    }
    f()
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

/// A micro-kernel: `kc` steps over A's MR rows and B's NR columns, the result stored into
/// `tile`. A's element (i, p) is at `a[p·MR + i]` (a packed panel) or, in the kernels that read
/// A in place, at `a[i·a_row + p]`; B's element (p, j) at `b[p·b_step + j]` (`b_step` = NR in a
/// packed panel, B's row stride in place). Slices, not raw pointers: the `&` arguments tell LLVM
/// that nothing the kernel writes aliases them.
type Kernel = unsafe fn(kc: usize, a: &[f32], a_row: usize, b: &[f32], b_step: usize, tile: Tile);

thread_local! {
    /// Packing buffers for A and B. They only grow, so after warm-up no call allocates.
    static PACK: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

#[cfg(test)]
mod tests;
