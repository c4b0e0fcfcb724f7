//! One pass of the objective through the model — forward, loss (+ contractive penalty),
//! backward — and the optimiser step after it. The one code path used by both trainers, the
//! fixture checker and the gradient checks.

use crate::autoencoder::Autoencoder;
use crate::objective::{self, Loss};
use crate::optim::Optimizer;
use ndarray::{s, Array1, Array2, ArrayView2};
use serde::Serialize;

/// What the training loss is made of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    pub loss: Loss,
    /// λ of the contractive penalty (0: none).
    pub contractive_lambda: f32,
}

/// Buffers the objective needs besides the model's own: `[max_batch, n]`, `[max_batch, d]`, `[d]`.
#[derive(Clone, Debug)]
pub struct Workspace {
    dxhat: Array2<f32>,
    dh: Array2<f32>,
    s: Array1<f32>,
    colsum: Array1<f32>,
}

impl Workspace {
    pub fn new(max_batch: usize, n: usize, d: usize) -> Self {
        Workspace {
            dxhat: Array2::zeros((max_batch, n)),
            dh: Array2::zeros((max_batch, d)),
            s: Array1::zeros(d),
            colsum: Array1::zeros(d),
        }
    }
}

/// Breakdown of one evaluation of the objective.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LossParts {
    /// The training loss (reconstruction + penalty).
    pub total: f32,
    /// The reconstruction loss alone.
    pub recon: f32,
    /// λ·mean‖J‖²_F (0 without a contractive penalty).
    pub penalty: f32,
}

/// One forward + backward: loss of `model(x_in)` against `target` (both `[m, n]`), gradients
/// left in the model's layers. The one code path used by training, the fixture checker and the
/// gradient checks: `forward_backward_head` then `backward_tail`.
pub fn forward_backward(model: &mut Autoencoder, ws: &mut Workspace, x_in: ArrayView2<f32>, target: ArrayView2<f32>, obj: Objective) -> LossParts {
    let parts = forward_backward_head(model, ws, x_in, target, obj);
    backward_tail(model, ws, x_in, obj);
    parts
}

/// `forward_backward`'s first part: the forward pass, the loss (and the contractive penalty's
/// value), and the decoder's backward, whose parameters' gradients are then final (the
/// encoder's, and with tied weights the shared weight's, come with `backward_tail`). A
/// replica sends them on while it computes the rest (train/shard/flat.rs).
pub fn forward_backward_head(model: &mut Autoencoder, ws: &mut Workspace, x_in: ArrayView2<f32>, target: ArrayView2<f32>, obj: Objective) -> LossParts {
    let m = x_in.nrows();
    model.forward(x_in);
    let recon = obj.loss.value_and_grad(model.output(m), target, ws.dxhat.slice_mut(s![..m, ..]));
    let lambda = obj.contractive_lambda;
    let penalty = if lambda == 0.0 { 0.0 } else { objective::contractive_penalty(model.code(m), model.enc[0].w.view(), lambda, ws.s.view_mut()) };
    model.backward_decoder(ws.dxhat.slice(s![..m, ..]));
    LossParts { total: recon + penalty, recon, penalty }
}

/// `forward_backward`'s second part, after `forward_backward_head` on the same `x_in` `[m, n]`:
/// the encoder's backward. Contractive: dL/dh = the decoder's + the penalty's, and the penalty
/// adds a direct dW_h term.
pub fn backward_tail(model: &mut Autoencoder, ws: &mut Workspace, x_in: ArrayView2<f32>, obj: Objective) {
    let m = x_in.nrows();
    let lambda = obj.contractive_lambda;
    if lambda == 0.0 {
        model.backward_encoder(x_in, None);
        return;
    }
    let mut dh = ws.dh.slice_mut(s![..m, ..]);
    dh.assign(&model.code_grad_from_decoder(m));
    objective::contractive_add_dh(model.code(m), ws.s.view(), lambda, dh.view_mut());
    model.backward_encoder(x_in, Some(ws.dh.slice(s![..m, ..])));
    let (h, w, gw) = model.enc[0].output_weight_grad(m);
    objective::contractive_add_dw(h, w, lambda, ws.colsum.view_mut(), gw);
}

/// The loss alone (a forward pass; gradients untouched).
pub fn loss_only(model: &mut Autoencoder, ws: &mut Workspace, x_in: ArrayView2<f32>, target: ArrayView2<f32>, obj: Objective) -> LossParts {
    let m = x_in.nrows();
    model.forward(x_in);
    let recon = obj.loss.value(model.output(m), target);
    let penalty = if obj.contractive_lambda == 0.0 {
        0.0
    } else {
        objective::contractive_penalty(model.code(m), model.enc[0].w.view(), obj.contractive_lambda, ws.s.view_mut())
    };
    LossParts { total: recon + penalty, recon, penalty }
}

/// One optimiser step over every parameter of the model.
pub fn optimizer_step(model: &mut Autoencoder, opt: &mut Optimizer) {
    opt.begin_step();
    model.for_each_param(|i, p, g| opt.update(i, p, g));
}
