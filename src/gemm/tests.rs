//! `gemm` against a naive f64 triple loop, for every kernel, every transpose and edge shape.

use super::*;
use crate::rng::Rng;
use ndarray::{s, Array2, ShapeBuilder};

/// The kernels a product may be limited to; each test runs all (a CPU without AVX-512 or AVX2
/// runs the widest it has for the wider ones).
const ISAS: [Isa; 3] = [Isa::Avx512, Isa::Avx2, Isa::Baseline];

/// C's values as bits, for the tests that want the same result exactly.
fn bits(c: &Array2<f32>) -> Vec<u32> {
    c.iter().map(|v| v.to_bits()).collect()
}

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
    // Every kernel the CPU has: AVX-512, AVX2 + FMA and the portable one (the one the wasm
    // build runs, here compiled for SSE2).
    for isa in ISAS {
        let mut got = c.clone();
        product(alpha, a, b, beta, &mut got.view_mut(), isa);
        let tol = 1e-5 * (k as f64 + 1.0) * (alpha.abs() as f64 + beta.abs() as f64 + 1.0);
        for ((i, j), &w) in want.indexed_iter() {
            let g = got[[i, j]] as f64;
            assert!(
                (g - w).abs() <= tol,
                "{m}×{k}×{n} at={at} bt={bt} α={alpha} β={beta} isa={isa:?}: C[{i},{j}] = {g}, want {w}"
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
    for isa in ISAS {
        let mut c = big.clone();
        product(1.0, a, b, 0.0, &mut c.slice_mut(s![5..25, ..]), isa);
        for ((i, j), &w) in want.indexed_iter() {
            assert!((c[[i + 5, j]] as f64 - w).abs() < 1e-4);
        }
        // Rows outside the slice are untouched.
        assert_eq!(c.slice(s![..5, ..]), big.slice(s![..5, ..]));
        assert_eq!(c.slice(s![25.., ..]), big.slice(s![25.., ..]));
        // C with a non-unit column stride takes the element-by-element store.
        let mut ct = Array2::<f32>::zeros((25, 20));
        product(1.0, a, b, 0.0, &mut ct.view_mut().reversed_axes(), isa);
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

/// Operands read in place (unit column stride) and the same values packed (a column-major copy)
/// give the same bits: the kernels sum the same products in the same order either way. Edge
/// shapes leave a narrow last panel (packed even in place); reversed rows (a negative row
/// stride, unit column stride) are packed, not read in place, and still right.
#[test]
fn reading_in_place_changes_no_bit() {
    let mut rng = Rng::new(11);
    for &(m, k, n) in &[(4, 3, 16), (7, 13, 29), (256, 30, 784), (30, 256, 784), (256, 784, 30), (97, 300, 1025), (5, 1, 17)] {
        let a_rows = random(&mut rng, (m, k), false); // unit column stride: read in place
        let b_rows = random(&mut rng, (k, n), false);
        let column_major = |x: &Array2<f32>| {
            let mut c = Array2::zeros(x.dim().f());
            c.assign(x);
            c
        };
        let (a_cols, b_cols) = (column_major(&a_rows), column_major(&b_rows));
        assert_eq!((a_cols.strides()[0], b_cols.strides()[0]), (1, 1), "the copies are column-major");
        for isa in ISAS {
            let mut got = Array2::<f32>::zeros((m, n));
            let mut want = Array2::<f32>::zeros((m, n));
            product(0.5, a_cols.view(), b_cols.view(), 0.0, &mut want.view_mut(), isa); // both packed
                for (a_in, b_in) in [(true, true), (true, false), (false, true)] {
                let a = if a_in { a_rows.view() } else { a_cols.view() };
                let b = if b_in { b_rows.view() } else { b_cols.view() };
                product(0.5, a, b, 0.0, &mut got.view_mut(), isa);
                assert_eq!(bits(&got), bits(&want), "{m}×{k}×{n} A in place {a_in}, B in place {b_in}, isa {isa:?}");
            }
            // Reversed rows: unit column stride, negative row stride: packed.
            let (ar, br) = (a_rows.slice(s![..;-1, ..]), b_rows.slice(s![..;-1, ..]));
            product(1.0, ar, br, 0.0, &mut got.view_mut(), isa);
            let want = naive(1.0, ar, br, 0.0, got.view());
            for ((i, j), &w) in want.indexed_iter() {
                assert!((got[[i, j]] as f64 - w).abs() <= 1e-5 * (k as f64 + 1.0), "{m}×{k}×{n} reversed rows: C[{i},{j}]");
            }
        }
    }
}

/// The AVX-512 kernel gives the AVX2 kernel's bits: one 8×32 tile called directly against the
/// eight 4×16 tiles it covers, then whole products of a training step's shapes (edges included).
/// Both sum each element as the same chain of fused multiply-adds, so the native engine's
/// results do not depend on which of the two the CPU has.
#[cfg(target_arch = "x86_64")]
#[test]
fn avx512_gives_the_avx2_bits() {
    if !(std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")) {
        eprintln!("skipped: this CPU lacks AVX-512F or AVX2 + FMA");
        return;
    }
    let mut rng = Rng::new(12);
    let kc = 37;
    // Packed panels: A's 8 rows as a[p·8 + i], B's 32 columns as b[p·32 + j].
    let a: Vec<f32> = (0..8 * kc).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let b: Vec<f32> = (0..32 * kc).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let tile = |c: &mut [f32; 256], i0: usize, j0: usize, rows, cols| Tile {
        c: c[i0 * 32 + j0..].as_mut_ptr(),
        rsc: 32,
        csc: 1,
        rows,
        cols,
        alpha: 1.0,
        beta: 0.0,
    };
    let (mut wide, mut narrow) = ([0f32; 256], [0f32; 256]);
    // SAFETY: the CPU has the features (checked above); the panels hold kc steps, the tiles lie in C.
    unsafe {
        avx512::kernel::<false>(kc, &a, 0, &b, 32, tile(&mut wide, 0, 0, 8, 32));
        for (i0, j0) in [(0, 0), (0, 16), (4, 0), (4, 16)] {
            // The 4×16 kernel's panels: rows i0..i0+4 of A, columns j0..j0+16 of B.
            let a4: Vec<f32> = (0..kc).flat_map(|p| a[p * 8 + i0..p * 8 + i0 + 4].to_vec()).collect();
            let b16: Vec<f32> = (0..kc).flat_map(|p| b[p * 32 + j0..p * 32 + j0 + 16].to_vec()).collect();
            avx::kernel::<false>(kc, &a4, 0, &b16, 16, tile(&mut narrow, i0, j0, 4, 16));
        }
    }
    assert_eq!(wide.map(f32::to_bits), narrow.map(f32::to_bits), "one tile");
    assert!(wide.iter().any(|&v| v != 0.0));
    for &(m, k, n) in &[(256, 784, 500), (256, 500, 784), (500, 256, 784), (256, 784, 30), (30, 256, 784), (97, 300, 1025)] {
        let a = random(&mut rng, (m, k), false);
        let b = random(&mut rng, (n, k), false);
        let (mut c512, mut c2) = (Array2::zeros((m, n)), Array2::zeros((m, n)));
        product(1.0, a.view(), b.t(), 0.0, &mut c512.view_mut(), Isa::Avx512);
        product(1.0, a.view(), b.t(), 0.0, &mut c2.view_mut(), Isa::Avx2);
        assert!(bits(&c512) == bits(&c2), "{m}×{k}×{n}: the AVX-512 product differs from the AVX2 one");
    }
}
