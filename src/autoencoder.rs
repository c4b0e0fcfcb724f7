//! The autoencoder: an encoder stack and a decoder stack of `Dense` layers. The notebook's
//! `784 → d → 784` (tanh, tanh) is the default; deeper stacks (`784 → 128 → d → 128 → 784`,
//! `2 → 64 → 1 → 64 → 2`) work the same way. Tied weights (decoder W = encoder Wᵀ, own biases)
//! for a one-layer encoder and decoder.

use crate::activation::Activation;
use crate::error::{Error, Result};
use crate::layer::Dense;
use crate::gemm::LayerShape;
use crate::rng::Rng;
use ndarray::{Array, ArrayView2, Axis, Dimension};
use serde::{Deserialize, Serialize};

/// The shape of an autoencoder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AeConfig {
    /// Input width n (784 for MNIST).
    pub input: usize,
    /// Widths of the encoder's hidden layers before the code (empty for the notebook's model);
    /// the decoder mirrors them.
    pub hidden: Vec<usize>,
    /// Code size d.
    pub code: usize,
    /// Activation of hidden layers (both stacks).
    pub hidden_act: Activation,
    /// Activation of the code layer h.
    pub code_act: Activation,
    /// Activation of the output x̂ (tanh for [-1,1] data, sigmoid for [0,1] data and BCE).
    pub out_act: Activation,
    /// Decoder weight = encoder weightᵀ (one-layer stacks only).
    pub tied: bool,
}

impl AeConfig {
    /// The notebook's model: `Linear(n, d) + Tanh`, `Linear(d, n) + Tanh`.
    pub fn notebook(input: usize, code: usize) -> Self {
        AeConfig {
            input,
            hidden: vec![],
            code,
            hidden_act: Activation::Tanh,
            code_act: Activation::Tanh,
            out_act: Activation::Tanh,
            tied: false,
        }
    }

    /// Checks sizes: every width 1..=4096, code 1..=2048, tied only without hidden layers.
    pub fn validate(&self) -> Result<()> {
        if self.input == 0 || self.input > 4096 {
            return Err(Error::Config(format!("input width must be 1..4096, got {}", self.input)));
        }
        if self.code == 0 || self.code > 2048 {
            return Err(Error::Config(format!("code size d must be between 1 and 2048, got {}", self.code)));
        }
        if let Some(&w) = self.hidden.iter().find(|&&w| w == 0 || w > 4096) {
            return Err(Error::Config(format!("hidden widths must be 1..4096, got {w}")));
        }
        if self.hidden.len() > 8 {
            return Err(Error::Config(format!("at most 8 hidden layers, got {}", self.hidden.len())));
        }
        if self.tied && !self.hidden.is_empty() {
            return Err(Error::Config("tied weights need a one-layer encoder and decoder".into()));
        }
        Ok(())
    }

    /// The dense layers as a training step multiplies them (encoder then decoder; every layer
    /// computes dL/dx but the first), for timing the step's products alone (`gemm::StepProducts`).
    pub fn layer_shapes(&self) -> Vec<LayerShape> {
        let mut widths = vec![self.input];
        widths.extend(&self.hidden);
        widths.push(self.code);
        let enc = widths.windows(2).enumerate().map(|(i, w)| LayerShape { inp: w[0], out: w[1], dx: i > 0 });
        let dec = widths.windows(2).rev().map(|w| LayerShape { inp: w[1], out: w[0], dx: true });
        enc.chain(dec).collect()
    }
}

/// Encoder and decoder stacks with their buffers.
#[derive(Clone, Debug)]
pub struct Autoencoder {
    pub config: AeConfig,
    /// Encoder layers, input → code.
    pub enc: Vec<Dense>,
    /// Decoder layers, code → output. With tied weights `dec[0].w` is a copy of `enc[0].wᵀ`,
    /// refreshed by `forward`; its gradient is folded into `enc[0].gw`.
    pub dec: Vec<Dense>,
}

impl Autoencoder {
    /// A model initialised like PyTorch's `nn.Linear`s, layer by layer (encoder first), from `rng`.
    pub fn new(config: AeConfig, max_batch: usize, rng: &mut Rng) -> Result<Self> {
        config.validate()?;
        if max_batch == 0 {
            return Err(Error::Config("batch size must be at least 1".into()));
        }
        let mut widths = vec![config.input];
        widths.extend(&config.hidden);
        widths.push(config.code);
        let k = widths.len() - 1;
        let enc = (0..k)
            .map(|i| {
                let act = if i + 1 == k { config.code_act } else { config.hidden_act };
                Dense::new(widths[i], widths[i + 1], act, max_batch, rng)
            })
            .collect();
        let dec = (0..k)
            .map(|i| {
                let (a, b) = (widths[k - i], widths[k - i - 1]);
                let act = if i + 1 == k { config.out_act } else { config.hidden_act };
                Dense::new(a, b, act, max_batch, rng)
            })
            .collect();
        let mut ae = Autoencoder { config, enc, dec };
        ae.sync_tied();
        Ok(ae)
    }

    /// Rows the buffers hold.
    pub fn max_batch(&self) -> usize {
        self.enc[0].max_batch()
    }

    /// With tied weights, copy `enc[0].wᵀ` into `dec[0].w` (the decoder's view of the shared weight).
    pub fn sync_tied(&mut self) {
        if self.config.tied {
            let (e, d) = (&self.enc[0], &mut self.dec[0]);
            d.w.assign(&e.w.t());
        }
    }

    /// Forward pass for `x: [m, n]`, m ≤ max_batch. Then `code(m)` is h and `output(m)` is x̂.
    pub fn forward(&mut self, x: ArrayView2<f32>) {
        self.sync_tied();
        let m = x.nrows();
        self.enc[0].forward(x);
        chain(&mut self.enc, m);
        let last = self.enc.len() - 1;
        self.dec[0].forward(self.enc[last].output(m));
        chain(&mut self.dec, m);
    }

    /// The code h of the last forward: `[m, d]`.
    pub fn code(&self, m: usize) -> ArrayView2<'_, f32> {
        self.enc[self.enc.len() - 1].output(m)
    }

    /// The reconstruction x̂ of the last forward: `[m, n]`.
    pub fn output(&self, m: usize) -> ArrayView2<'_, f32> {
        self.dec[self.dec.len() - 1].output(m)
    }

    /// Decode only: x̂ = D(h) for `h: [m, d]`; result in `output(m)`.
    pub fn decode(&mut self, h: ArrayView2<f32>) {
        self.sync_tied();
        let m = h.nrows();
        self.dec[0].forward(h);
        chain(&mut self.dec, m);
    }

    /// Backward for the batch of the last `forward(x)`, given `dxhat = dL/dx̂: [m, n]`. Writes
    /// every layer's `gw`, `gb`. With tied weights `enc[0].gw` holds both uses of W_h.
    pub fn backward(&mut self, x: ArrayView2<f32>, dxhat: ArrayView2<f32>) {
        self.backward_decoder(dxhat);
        self.backward_encoder(x, None);
    }

    /// First half of `backward`: the decoder, last layer first. Afterwards
    /// `code_grad_from_decoder(m)` holds dL/dh `[m, d]`.
    pub fn backward_decoder(&mut self, dxhat: ArrayView2<f32>) {
        let m = dxhat.nrows();
        let (ne, nd) = (self.enc.len(), self.dec.len());
        for i in (0..nd).rev() {
            let (before, rest) = self.dec.split_at_mut(i);
            let (layer, after) = rest.split_first_mut().unwrap();
            // Each layer's input is the previous layer's output (the code for dec[0]).
            let input = if i == 0 { self.enc[ne - 1].output(m) } else { before[i - 1].output(m) };
            let dy = if i == nd - 1 { dxhat } else { after[0].input_grad(m) };
            layer.backward(input, dy, true);
        }
    }

    /// Second half of `backward`: the encoder, for the forward input `x: [m, n]`. `code_grad`
    /// replaces the decoder's dL/dh when given (a penalty on h adds its term to
    /// `code_grad_from_decoder` and passes the sum). Then folds the tied gradient:
    /// dL/dW_h += (dL/dW_dec)ᵀ.
    pub fn backward_encoder(&mut self, x: ArrayView2<f32>, code_grad: Option<ArrayView2<f32>>) {
        let m = x.nrows();
        let ne = self.enc.len();
        for i in (0..ne).rev() {
            let (before, rest) = self.enc.split_at_mut(i);
            let (layer, after) = rest.split_first_mut().unwrap();
            let input = if i == 0 { x } else { before[i - 1].output(m) };
            let dy = if i == ne - 1 {
                code_grad.unwrap_or_else(|| self.dec[0].input_grad(m))
            } else {
                after[0].input_grad(m)
            };
            // The first layer's dL/dx is not needed for training (inputs are data).
            layer.backward(input, dy, i > 0);
        }
        if self.config.tied {
            let gdec = &self.dec[0].gw; // [n, d]
            self.enc[0].gw += &gdec.t();
        }
    }

    /// The gradient dL/dh that reached the code from the decoder in the last `backward`: `[m, d]`.
    pub fn code_grad_from_decoder(&self, m: usize) -> ArrayView2<'_, f32> {
        self.dec[0].input_grad(m)
    }

    /// Visits every trainable parameter with its gradient, in a fixed order, as flat slices:
    /// encoder (W, b) layer by layer, then decoder (W unless tied, b). Optimisers keep their state
    /// by visit index.
    pub fn for_each_param(&mut self, mut f: impl FnMut(usize, &mut [f32], &[f32])) {
        let tied = self.config.tied;
        let mut i = 0;
        for l in self.enc.iter_mut() {
            f(i, l.w.as_slice_mut().unwrap(), l.gw.as_slice().unwrap());
            f(i + 1, l.b.as_slice_mut().unwrap(), l.gb.as_slice().unwrap());
            i += 2;
        }
        for (k, l) in self.dec.iter_mut().enumerate() {
            if !(tied && k == 0) {
                f(i, l.w.as_slice_mut().unwrap(), l.gw.as_slice().unwrap());
                i += 1;
            }
            f(i, l.b.as_slice_mut().unwrap(), l.gb.as_slice().unwrap());
            i += 1;
        }
    }

    /// Swaps the storage of every trainable parameter with `spare[i]` (visit order, each a Vec of
    /// the parameter's length): O(1) each, nothing copied or allocated. A checked step writes the
    /// new weights into `spare` and swaps them in only when all are finite (`guard`).
    ///
    /// Panics if a spare's length differs from its parameter's.
    pub fn swap_params(&mut self, spare: &mut [Vec<f32>]) {
        let tied = self.config.tied;
        let mut i = 0;
        for l in self.enc.iter_mut() {
            swap_storage(&mut l.w, &mut spare[i]);
            swap_storage(&mut l.b, &mut spare[i + 1]);
            i += 2;
        }
        for (k, l) in self.dec.iter_mut().enumerate() {
            if !(tied && k == 0) {
                swap_storage(&mut l.w, &mut spare[i]);
                i += 1;
            }
            swap_storage(&mut l.b, &mut spare[i]);
            i += 1;
        }
    }

    /// Number of trainable scalars.
    pub fn num_params(&mut self) -> usize {
        let mut n = 0;
        self.for_each_param(|_, p, _| n += p.len());
        n
    }

    /// Rows of the first encoder weight (the "kernels" of the lecture): `[d or hidden0, n]`.
    pub fn kernels(&self) -> ArrayView2<'_, f32> {
        self.enc[0].w.view()
    }

    /// Sum of squared errors between x̂ of the last forward and `target: [m, n]` (f64 accumulator).
    pub fn sse(&self, target: ArrayView2<f32>) -> f64 {
        let m = target.nrows();
        let mut s = 0f64;
        for (o, t) in self.output(m).axis_iter(Axis(0)).zip(target.axis_iter(Axis(0))) {
            let mut r = 0f32;
            for (&a, &b) in o.iter().zip(t.iter()) {
                r += (a - b) * (a - b);
            }
            s += r as f64;
        }
        s
    }
}

/// Forward through `layers[1..]`, each from the previous layer's output (first `m` rows); the
/// first layer has run already.
fn chain(layers: &mut [Dense], m: usize) {
    for i in 1..layers.len() {
        let (a, b) = layers.split_at_mut(i);
        b[0].forward(a[i - 1].output(m));
    }
}

/// Exchanges the elements of `a` (standard layout, as every parameter is) with `v` (`a.len()`
/// floats) by moving the two buffers: no copy, no allocation (an empty array allocates nothing).
fn swap_storage<D: Dimension>(a: &mut Array<f32, D>, v: &mut Vec<f32>) {
    assert_eq!(a.len(), v.len(), "a spare buffer of another size");
    let dim = a.raw_dim();
    let new = Array::from_shape_vec(dim, std::mem::take(v)).expect("same length, standard layout");
    let (old, offset) = std::mem::replace(a, new).into_raw_vec_and_offset();
    debug_assert!(offset.unwrap_or(0) == 0, "a parameter that does not start its buffer");
    *v = old;
}
