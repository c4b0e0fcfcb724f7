//! The loops around the micro-kernel (see `gemm`'s module header): blocking, packing, and the
//! operands read where they are when their layout already is the kernel's.

use super::{Kernel, Problem, Tile, KC, MC, NC, PACK};

/// Most panels of the other operand that may read an operand in place (more: it is packed,
/// and the copy is read from L1/L2 with unit stride by each of them).
const REUSE_MAX: usize = 8;

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
pub(super) fn block(total: usize, max: usize, unit: usize) -> usize {
    let blocks = total.div_ceil(max);
    total.div_ceil(blocks).next_multiple_of(unit).min(max.max(unit))
}

/// The loops around an MR×NR kernel; `kernels`: its form for a packed A panel, then for A's rows
/// read in place.
///
/// An operand whose elements along its row are contiguous (unit column stride: a row-major `x`
/// or `dz` as A; a row-major `x`, `h` or `W` as B) and that is read by at most REUSE_MAX panels
/// of the other one is not packed: the kernel reads A's MR rows, or B's NR columns of each row,
/// where they are. Only a panel at the edge (fewer than MR rows, or NR columns) is still packed,
/// zero-padded. The values and the order of the sums are the same either way, so C is bit for
/// bit the same.
///
/// Why: packing was ~20 % of the d = 30 step's products natively (perf), a 256×784 `x` or `dz`
/// copied to be read by 2–8 panels. Read in place, those products ran 7 % faster (30 rounds
/// alternated in one process: median 60.2 → 64.2 GF/s, best 63.1 → 67.3). The d = 500 products
/// read each value 22–49 times: in place there they ran ~10 % slower, so they stay packed.
///
/// # Safety
/// `p` must describe valid, non-overlapping (C with A, B) matrices, as `gemm` builds it.
pub(super) unsafe fn drive<const MR: usize, const NR: usize>(p: &Problem, kernels: [Kernel; 2]) {
    let kc_max = block(p.k, KC, 1);
    let mc_max = block(p.m, MC / MR * MR, MR);
    let nc_max = block(p.n, NC / NR * NR, NR);
    // In place: unit column stride, rows that go forward (a reversed view is packed), and few
    // reads of each value (a packed block is read from L1/L2 by every panel of the other operand).
    let a_in_place = p.csa == 1 && p.rsa > 0 && nc_max.div_ceil(NR) <= REUSE_MAX;
    let b_in_place = p.csb == 1 && p.rsb > 0 && mc_max.div_ceil(MR) <= REUSE_MAX;
    PACK.with(|cell| {
        let mut bufs = cell.borrow_mut();
        let (abuf, bbuf) = &mut *bufs;
        let apack = aligned(abuf, mc_max.next_multiple_of(MR) * kc_max);
        let bpack = aligned(bbuf, nc_max.next_multiple_of(NR) * kc_max);
        for jc in (0..p.n).step_by(nc_max) {
            let nc = nc_max.min(p.n - jc);
            // The first B panel that is packed: all of them, or in place only the narrow last one.
            let b_packed = if b_in_place { nc / NR * NR } else { 0 };
            for pc in (0..p.k).step_by(kc_max) {
                let kc = kc_max.min(p.k - pc);
                // The first k-block applies the caller's beta; later ones add to it.
                let beta = if pc == 0 { p.beta } else { 1.0 };
                // B's column panels are A-style row panels of Bᵀ: swap B's strides.
                let bsrc = p.b.offset(pc as isize * p.rsb + jc as isize * p.csb);
                if b_packed < nc {
                    let from = bsrc.offset(b_packed as isize * p.csb);
                    pack::<NR>(&mut bpack[b_packed * kc..], from, p.csb, p.rsb, nc - b_packed, kc);
                }
                for ic in (0..p.m).step_by(mc_max) {
                    let mc = mc_max.min(p.m - ic);
                    let asrc = p.a.offset(ic as isize * p.rsa + pc as isize * p.csa);
                    let a_packed = if a_in_place { mc / MR * MR } else { 0 };
                    if a_packed < mc {
                        let from = asrc.offset(a_packed as isize * p.rsa);
                        pack::<MR>(&mut apack[a_packed * kc..], from, p.rsa, p.csa, mc - a_packed, kc);
                    }
                    for jr in (0..nc).step_by(NR) {
                        // SAFETY of the in-place slices: rows go forward (rs > 0), every element
                        // is in B (or A), and no slice covers C (gemm's borrows).
                        let (b, b_step): (&[f32], usize) = if jr < b_packed {
                            let step = p.rsb as usize;
                            (std::slice::from_raw_parts(bsrc.add(jr), (kc - 1) * step + NR), step)
                        } else {
                            (&bpack[jr * kc..][..NR * kc], NR)
                        };
                        for ir in (0..mc).step_by(MR) {
                            let (a, a_row, kernel): (&[f32], usize, Kernel) = if ir < a_packed {
                                let row = p.rsa as usize;
                                (std::slice::from_raw_parts(asrc.add(ir * row), (MR - 1) * row + kc), row, kernels[1])
                            } else {
                                (&apack[ir * kc..][..MR * kc], 0, kernels[0])
                            };
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
                            kernel(kc, a, a_row, b, b_step, tile);
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
