//! Element-wise activations: value and derivative. The derivative is written in terms of the
//! activation's *output* y (all four allow it), so backward never needs the pre-activation.

use serde::{Deserialize, Serialize};

/// An element-wise non-linearity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Tanh,
    Sigmoid,
    Relu,
    Identity,
}

impl Activation {
    /// y = f(z), in place over a slice.
    pub fn apply(self, z: &mut [f32]) {
        match self {
            Activation::Tanh => z.iter_mut().for_each(|v| *v = tanh(*v)),
            Activation::Sigmoid => z.iter_mut().for_each(|v| *v = sigmoid(*v)),
            Activation::Relu => z.iter_mut().for_each(|v| *v = v.max(0.0)),
            Activation::Identity => {}
        }
    }

    /// dz = dy ⊙ f'(z), with f' expressed through y = f(z):
    /// tanh' = 1 − y², sigmoid' = y(1 − y), relu' = [y > 0], identity' = 1.
    pub fn backward(self, y: &[f32], dy: &[f32], dz: &mut [f32]) {
        debug_assert!(y.len() == dy.len() && dy.len() == dz.len());
        let it = dz.iter_mut().zip(y.iter().zip(dy));
        match self {
            Activation::Tanh | Activation::Sigmoid => it.for_each(|(d, (&y, &g))| *d = g * self.slope(y)),
            Activation::Relu => it.for_each(|(d, (&y, &g))| *d = if y > 0.0 { g } else { 0.0 }),
            Activation::Identity => dz.copy_from_slice(dy),
        }
    }

    /// y = f(z + b) in place over the rows of `z` (`[rows, b.len()]`, row-major): the bias add
    /// and the activation in one pass over the layer's output (same rounding as two passes).
    pub fn apply_with_bias(self, z: &mut [f32], b: &[f32]) {
        debug_assert!(z.len() % b.len().max(1) == 0);
        #[inline(always)]
        fn rows(z: &mut [f32], b: &[f32], f: impl Fn(f32) -> f32) {
            for row in z.chunks_exact_mut(b.len()) {
                row.iter_mut().zip(b).for_each(|(v, &b)| *v = f(*v + b));
            }
        }
        // 8 lanes where the CPU has AVX2 (bit for bit the same: see `gemm::wide`).
        crate::gemm::wide(#[inline(always)] || match self {
            Activation::Tanh => rows(z, b, tanh),
            Activation::Sigmoid => rows(z, b, sigmoid),
            Activation::Relu => rows(z, b, |v| v.max(0.0)),
            Activation::Identity => rows(z, b, |v| v),
        })
    }

    /// `backward` and the column sums of dz in one pass: dz = dy ⊙ f'(z) row by row over
    /// `[rows, gb.len()]`, and gb = Σ_rows dz (dL/db), summed in row order as a separate loop would.
    pub fn backward_with_colsum(self, y: &[f32], dy: &[f32], dz: &mut [f32], gb: &mut [f32]) {
        debug_assert!(y.len() == dy.len() && dy.len() == dz.len() && dz.len() % gb.len().max(1) == 0);
        #[inline(always)]
        fn rows(y: &[f32], dy: &[f32], dz: &mut [f32], gb: &mut [f32], f: impl Fn(f32, f32) -> f32) {
            gb.fill(0.0);
            let n = gb.len();
            for ((y, dy), dz) in y.chunks_exact(n).zip(dy.chunks_exact(n)).zip(dz.chunks_exact_mut(n)) {
                for (((d, &y), &g), s) in dz.iter_mut().zip(y).zip(dy).zip(gb.iter_mut()) {
                    *d = f(y, g);
                    *s += *d;
                }
            }
        }
        crate::gemm::wide(#[inline(always)] || match self {
            Activation::Tanh => rows(y, dy, dz, gb, |y, g| g * (1.0 - y * y)),
            Activation::Sigmoid => rows(y, dy, dz, gb, |y, g| g * (y * (1.0 - y))),
            Activation::Relu => rows(y, dy, dz, gb, |y, g| if y > 0.0 { g } else { 0.0 }),
            Activation::Identity => rows(y, dy, dz, gb, |_, g| g),
        })
    }

    /// ψ(y) = f'(z) written through the output y = f(z):
    /// tanh 1 − y², sigmoid y(1 − y), relu [y > 0], identity 1.
    #[inline]
    pub fn slope(self, y: f32) -> f32 {
        match self {
            Activation::Tanh => 1.0 - y * y,
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Relu => (y > 0.0) as u8 as f32,
            Activation::Identity => 1.0,
        }
    }

    /// ψ'(y) = dψ/dy (for gradients of penalties on the slope, e.g. the contractive Jacobian):
    /// tanh −2y, sigmoid 1 − 2y, relu 0, identity 0.
    #[inline]
    pub fn slope_derivative(self, y: f32) -> f32 {
        match self {
            Activation::Tanh => -2.0 * y,
            Activation::Sigmoid => 1.0 - 2.0 * y,
            Activation::Relu | Activation::Identity => 0.0,
        }
    }
}

/// tanh for f32 as a [13/6] rational approximation (the one Eigen and TensorFlow use), accurate
/// to a few ulp and branch-free, so it vectorises (SSE/AVX natively, simd128 in wasm). libm's
/// `tanhf` costs as much as a third of a training step at d=30.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    // Beyond ±7.9053 the f32 result is ±1 to within half an ulp.
    const CLAMP: f32 = 7.905_311;
    const A1: f32 = 4.893_524_6e-3;
    const A3: f32 = 6.372_619_3e-4;
    const A5: f32 = 1.485_722_4e-5;
    const A7: f32 = 5.122_297e-8;
    const A9: f32 = -8.604_671_5e-11;
    const A11: f32 = 2.000_188e-13;
    const A13: f32 = -2.760_768_5e-16;
    const B0: f32 = 4.893_525_2e-3;
    const B2: f32 = 2.268_434_6e-3;
    const B4: f32 = 1.185_347_1e-4;
    const B6: f32 = 1.198_258_4e-6;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = x2 * A13 + A11;
    p = x2 * p + A9;
    p = x2 * p + A7;
    p = x2 * p + A5;
    p = x2 * p + A3;
    p = x2 * p + A1;
    p *= x;
    let mut q = x2 * B6 + B4;
    q = x2 * q + B2;
    q = x2 * q + B0;
    p / q
}

/// The logistic function 1 / (1 + e^(−x)), with libm's exp: BCE takes the log of it, so small
/// outputs need their full relative precision.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_matches_libm_to_a_few_ulp() {
        let mut worst = 0f64;
        let mut x = -12.0f32;
        while x < 12.0 {
            let got = tanh(x) as f64;
            let want = (x as f64).tanh();
            worst = worst.max((got - want).abs() / want.abs().max(1e-30));
            x += 0.000_731;
        }
        assert!(worst < 2e-6, "worst relative error {worst}");
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
    }

    #[test]
    fn fused_passes_equal_the_separate_ones_bit_for_bit() {
        let z: Vec<f32> = (0..3 * 7).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
        let b: Vec<f32> = (0..7).map(|i| 0.1 * i as f32 - 0.3).collect();
        let dy: Vec<f32> = (0..3 * 7).map(|i| (i as f32 * 0.71).cos()).collect();
        for act in [Activation::Tanh, Activation::Sigmoid, Activation::Relu, Activation::Identity] {
            let mut fused = z.clone();
            act.apply_with_bias(&mut fused, &b);
            let mut apart: Vec<f32> = z.iter().enumerate().map(|(i, v)| v + b[i % 7]).collect();
            act.apply(&mut apart);
            assert_eq!(fused, apart, "{act:?} forward");
            let (mut dz1, mut dz2, mut gb) = (vec![0f32; 21], vec![0f32; 21], vec![9f32; 7]);
            act.backward_with_colsum(&fused, &dy, &mut dz1, &mut gb);
            act.backward(&fused, &dy, &mut dz2);
            assert_eq!(dz1, dz2, "{act:?} backward");
            let sums: Vec<f32> = (0..7).map(|j| (0..3).fold(0.0, |s, i| s + dz2[i * 7 + j])).collect();
            assert_eq!(gb, sums, "{act:?} column sums");
        }
    }

    /// `gemm::wide` compiles these loops for AVX-512 or AVX2 where the CPU has them (16 or 8
    /// lanes): each element must still be the bits of `apply` and `backward` (not `wide`) called
    /// on that one element behind `black_box` (no vector loop), tails of every length included.
    #[test]
    fn wide_loops_give_the_scalar_bits() {
        for cols in [1usize, 7, 16, 31, 33, 500] {
            let rows = 3;
            let z: Vec<f32> = (0..rows * cols).map(|i| (i as f32 * 0.37).sin() * 9.0).collect();
            let b: Vec<f32> = (0..cols).map(|j| 0.1 * j as f32 - 0.3).collect();
            let dy: Vec<f32> = (0..rows * cols).map(|i| (i as f32 * 0.71).cos()).collect();
            for act in [Activation::Tanh, Activation::Sigmoid, Activation::Relu, Activation::Identity] {
                let mut y = z.clone();
                act.apply_with_bias(&mut y, &b);
                let (mut dz, mut gb) = (vec![0f32; rows * cols], vec![0f32; cols]);
                act.backward_with_colsum(&y, &dy, &mut dz, &mut gb);
                let mut sums = vec![0f32; cols];
                for i in 0..rows * cols {
                    let mut one = [std::hint::black_box(z[i] + b[i % cols])];
                    act.apply(std::hint::black_box(&mut one));
                    assert_eq!(y[i].to_bits(), one[0].to_bits(), "{act:?} forward, {cols} columns, element {i}");
                    let mut d = [0f32];
                    act.backward(&[y[i]], &[dy[i]], std::hint::black_box(&mut d));
                    assert_eq!(dz[i].to_bits(), d[0].to_bits(), "{act:?} backward, {cols} columns, element {i}");
                    sums[i % cols] = std::hint::black_box(sums[i % cols] + d[0]);
                }
                assert_eq!(gb, sums, "{act:?} column sums, {cols} columns");
            }
        }
    }

    #[test]
    fn derivatives_match_central_differences() {
        for act in [Activation::Tanh, Activation::Sigmoid, Activation::Relu, Activation::Identity] {
            for &z in &[-2.3f32, -0.7, 0.4, 1.9] {
                let f = |v: f32| {
                    let mut a = [v as f32];
                    act.apply(&mut a);
                    a[0] as f64
                };
                let h = 1e-3f32;
                let num = (f(z + h) - f(z - h)) / (2.0 * h as f64);
                let mut y = [z];
                act.apply(&mut y);
                let mut dz = [0f32];
                act.backward(&y, &[1.0], &mut dz);
                assert!((dz[0] as f64 - num).abs() < 1e-3, "{act:?} at {z}: {} vs {num}", dz[0]);
            }
        }
    }
}
