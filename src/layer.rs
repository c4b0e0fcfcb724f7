//! `Dense`: one fully connected layer `y = act(x·Wᵀ + b)` in PyTorch's `nn.Linear` layout, with
//! its backward pass beside its forward pass and every buffer preallocated for `max_batch` rows,
//! so a training step allocates nothing.

use crate::activation::Activation;
use crate::rng::Rng;
use crate::gemm::gemm;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2};

/// A dense layer with parameters, gradients and activation buffers.
#[derive(Clone, Debug)]
pub struct Dense {
    /// Weight `[out, in]` (PyTorch layout).
    pub w: Array2<f32>,
    /// Bias `[out]`.
    pub b: Array1<f32>,
    /// dL/dW `[out, in]`, written by `backward`.
    pub gw: Array2<f32>,
    /// dL/db `[out]`, written by `backward`.
    pub gb: Array1<f32>,
    /// The non-linearity applied after the affine map.
    pub act: Activation,
    /// Output of the last `forward`: `[max_batch, out]`, rows `..m` valid.
    y: Array2<f32>,
    /// Scratch for dL/dz (pre-activation): `[max_batch, out]`.
    dz: Array2<f32>,
    /// dL/dx of the last `backward` (when asked for): `[max_batch, in]`.
    dx: Array2<f32>,
}

impl Dense {
    /// A layer initialised as `nn.Linear`: W and b uniform in ±1/√fan_in, W drawn first.
    pub fn new(inp: usize, out: usize, act: Activation, max_batch: usize, rng: &mut Rng) -> Self {
        let bound = 1.0 / (inp as f32).sqrt();
        let w = Array2::from_shape_fn((out, inp), |_| rng.uniform(-bound, bound));
        let b = Array1::from_shape_fn(out, |_| rng.uniform(-bound, bound));
        Dense {
            gw: Array2::zeros((out, inp)),
            gb: Array1::zeros(out),
            w,
            b,
            act,
            y: Array2::zeros((max_batch, out)),
            dz: Array2::zeros((max_batch, out)),
            dx: Array2::zeros((max_batch, inp)),
        }
    }

    /// Input width.
    pub fn inp(&self) -> usize {
        self.w.ncols()
    }

    /// Output width.
    pub fn out(&self) -> usize {
        self.w.nrows()
    }

    /// Rows the buffers hold.
    pub fn max_batch(&self) -> usize {
        self.y.nrows()
    }

    /// Forward: `y = act(x·Wᵀ + b)` for `x: [m, in]`, m ≤ max_batch. Result in `output(m)`.
    pub fn forward(&mut self, x: ArrayView2<f32>) {
        let m = x.nrows();
        debug_assert!(m <= self.max_batch() && x.ncols() == self.inp());
        let mut y = self.y.slice_mut(s![..m, ..]);
        // y = x·Wᵀ, then act(y + b) in one pass (b broadcast over rows).
        gemm(1.0, x, self.w.t(), 0.0, &mut y);
        let b = self.b.as_slice().expect("bias is contiguous");
        self.act.apply_with_bias(y.as_slice_mut().expect("row-major slice"), b);
    }

    /// The outputs of the last `forward`: `[m, out]`.
    pub fn output(&self, m: usize) -> ArrayView2<'_, f32> {
        self.y.slice(s![..m, ..])
    }

    /// Mutable outputs (for callers that post-process a layer's output in place).
    pub fn output_mut(&mut self, m: usize) -> ArrayViewMut2<'_, f32> {
        self.y.slice_mut(s![..m, ..])
    }

    /// Backward for the batch of the last `forward` (`x: [m, in]` is that forward's input,
    /// `dy: [m, out]` = dL/dy). Overwrites `gw`, `gb`; when `want_dx`, also `input_grad(m)`.
    ///   dz = dy ⊙ act'(y);  dL/dW = dzᵀ·x;  dL/db = Σ_rows dz;  dL/dx = dz·W
    pub fn backward(&mut self, x: ArrayView2<f32>, dy: ArrayView2<f32>, want_dx: bool) {
        let m = x.nrows();
        debug_assert!(dy.nrows() == m && dy.ncols() == self.out());
        {
            let y = self.y.slice(s![..m, ..]);
            let mut dz = self.dz.slice_mut(s![..m, ..]);
            // All our buffers are row slices of C-order arrays, hence contiguous.
            let dy = dy.as_slice().expect("dy is contiguous");
            // dz and dL/db = Σ_rows dz in one pass over the batch.
            let gb = self.gb.as_slice_mut().expect("bias grad is contiguous");
            self.act.backward_with_colsum(y.as_slice().unwrap(), dy, dz.as_slice_mut().unwrap(), gb);
        }
        let dz = self.dz.slice(s![..m, ..]);
        gemm(1.0, dz.t(), x, 0.0, &mut self.gw.view_mut());
        if want_dx {
            let mut dx = self.dx.slice_mut(s![..m, ..]);
            gemm(1.0, dz, self.w.view(), 0.0, &mut dx);
        }
    }

    /// The last outputs `[m, out]`, the weight and its gradient at once (for penalties that add
    /// a term to dL/dW computed from the outputs).
    pub fn output_weight_grad(&mut self, m: usize) -> (ArrayView2<'_, f32>, ArrayView2<'_, f32>, ArrayViewMut2<'_, f32>) {
        (self.y.slice(s![..m, ..]), self.w.view(), self.gw.view_mut())
    }

    /// dL/dx of the last `backward(.., want_dx = true)`: `[m, in]`.
    pub fn input_grad(&self, m: usize) -> ArrayView2<'_, f32> {
        self.dx.slice(s![..m, ..])
    }

    /// dL/dz of the last `backward`: `[m, out]` (used by penalties that need the pre-activation grad).
    pub fn pre_activation_grad(&self, m: usize) -> ArrayView2<'_, f32> {
        self.dz.slice(s![..m, ..])
    }
}
