//! The matrix products of one training step, alone: the same shapes and transposes as
//! `Dense::forward`/`Dense::backward` on random numbers, so a benchmark can time the GEMM part of
//! a step by itself and report how close the whole step comes to it (step FLOP/s ÷ GEMM FLOP/s).

use super::gemm;
use crate::rng::Rng;
use ndarray::Array2;

/// One dense layer `in → out` as a training step multiplies it; `dx`: whether its input gradient
/// is computed (every layer but the encoder's first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerShape {
    pub inp: usize,
    pub out: usize,
    pub dx: bool,
}

/// One layer's operands and results, laid out as in `Dense` (row-major, PyTorch's `[out, in]`).
struct Operands {
    x: Array2<f32>,  // [m, in]   the layer's input
    w: Array2<f32>,  // [out, in] the weight
    dz: Array2<f32>, // [m, out]  the output (forward) and dL/dz (backward)
    gw: Array2<f32>, // [out, in] dL/dW
    dx: Option<Array2<f32>>, // [m, in] dL/dx
}

/// The products of one step at batch `m`, with buffers allocated once.
pub struct StepProducts {
    layers: Vec<Operands>,
    flops: f64,
}

impl StepProducts {
    pub fn new(shapes: &[LayerShape], m: usize) -> Self {
        let mut rng = Rng::new(1);
        let mut fill = |r: usize, c: usize| Array2::from_shape_fn((r, c), |_| rng.uniform(-1.0, 1.0));
        let layers = shapes
            .iter()
            .map(|s| Operands {
                x: fill(m, s.inp),
                w: fill(s.out, s.inp),
                dz: fill(m, s.out),
                gw: Array2::zeros((s.out, s.inp)),
                dx: s.dx.then(|| Array2::zeros((m, s.inp))),
            })
            .collect();
        // 2·m·in·out per product: forward, dL/dW, and dL/dx where asked.
        let flops = shapes.iter().map(|s| (2 + s.dx as usize) as f64 * 2.0 * (m * s.inp * s.out) as f64).sum();
        StepProducts { layers, flops }
    }

    /// Floating-point operations of one `run` (multiply and add counted apart).
    pub fn flops(&self) -> f64 {
        self.flops
    }

    /// Every product of the step once, as the layers call them:
    /// `y = x·Wᵀ`, `dL/dW = dzᵀ·x`, `dL/dx = dz·W`. Allocates nothing after the first call.
    pub fn run(&mut self) {
        for l in &mut self.layers {
            gemm(1.0, l.x.view(), l.w.t(), 0.0, &mut l.dz.view_mut());
            gemm(1.0, l.dz.t(), l.x.view(), 0.0, &mut l.gw.view_mut());
            if let Some(dx) = &mut l.dx {
                gemm(1.0, l.dz.view(), l.w.view(), 0.0, &mut dx.view_mut());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoencoder::AeConfig;

    #[test]
    fn the_notebook_step_has_five_products_of_the_counted_size() {
        let shapes = AeConfig::notebook(784, 30).layer_shapes();
        assert_eq!(shapes, [LayerShape { inp: 784, out: 30, dx: false }, LayerShape { inp: 30, out: 784, dx: true }]);
        // By hand: encoder y and dL/dW, decoder y, dL/dW and dL/dx: 5 × 2·256·784·30.
        let mut p = StepProducts::new(&shapes, 256);
        assert_eq!(p.flops(), 5.0 * 2.0 * 256.0 * 784.0 * 30.0);
        p.run();
        let dx = p.layers[1].dx.as_ref().unwrap();
        assert!(dx.iter().all(|v| v.is_finite()) && dx.iter().any(|&v| v != 0.0));
        let deep = AeConfig { hidden: vec![64], ..AeConfig::notebook(784, 30) }.layer_shapes();
        let dims: Vec<_> = deep.iter().map(|s| (s.inp, s.out, s.dx)).collect();
        assert_eq!(dims, [(784, 64, false), (64, 30, true), (30, 64, true), (64, 784, true)]);
    }
}
