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
