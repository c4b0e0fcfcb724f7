//! The flat vectors of data-parallel training (see train/shard.rs): every parameter, or every
//! parameter's gradient then `LOSS_SLOTS` loss parts, in `Autoencoder::for_each_param` order —
//! how they are read, written and crossed between workers (the parameters' own storage, the
//! exchange buffer) — and a replica's gradient of its slice of a batch.

use super::super::{backward_tail, forward_backward_head, LossParts, Trainer};
use super::LOSS_SLOTS;
use crate::corruption::Corruption;
use crate::error::{Error, Result};
use ndarray::{s, Array2, ArrayView2};
use std::ops::Range;

impl Trainer {
    /// Length of a flat gradient: every parameter, then `LOSS_SLOTS`.
    pub fn grad_len(&mut self) -> usize {
        self.model.num_params() + LOSS_SLOTS
    }

    /// Copies every parameter into `out` (`[params]`, `for_each_param` order), one array at a
    /// time as the page copies them (`for_each_param_storage`).
    pub fn params_flat(&mut self, out: &mut [f32]) -> Result<()> {
        check_len("parameter", out.len(), self.grad_len() - LOSS_SLOTS)?;
        let mut at = 0;
        self.for_each_param_storage(|p| {
            out[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        });
        Ok(())
    }

    /// Sets every parameter from `flat` (as `params_flat` wrote it), one array at a time as a
    /// replica's are written in the page. The optimiser is untouched.
    pub fn set_params(&mut self, flat: &[f32]) -> Result<()> {
        check_len("parameter", flat.len(), self.grad_len() - LOSS_SLOTS)?;
        let mut at = 0;
        self.for_each_param_storage(|p| {
            p.copy_from_slice(&flat[at..at + p.len()]);
            at += p.len();
        });
        self.model.sync_tied();
        Ok(())
    }

    /// `f` on every parameter's own storage, in flat order (`params_flat`'s layout): where the
    /// page copies a leader's parameters straight out, or a replica's straight in, through one
    /// view of wasm memory each — one copy per parameter, not two through the exchange buffer.
    /// A replica's tied decoder weights follow at its next forward pass (`sync_tied`).
    pub fn for_each_param_storage(&mut self, mut f: impl FnMut(&mut [f32])) {
        self.moved_params();
        self.model.for_each_param(|_, p, _| f(p));
    }

    /// The exchange buffer, `grad_len()` floats: the page's JavaScript copies another worker's
    /// flat gradient into it (and this trainer's out of it) through one view of wasm memory,
    /// one copy each way, where a `&[f32]` argument costs a copy in (and a `&mut [f32]` one in
    /// and one out). Allocated at the first call, then reused.
    pub fn exchange(&mut self) -> &mut [f32] {
        let len = self.grad_len();
        if self.shard.exchange.len() != len {
            self.shard.exchange = vec![0.0; len];
        }
        &mut self.shard.exchange
    }

    /// `f(self, exchange buffer)`: the buffer taken out of `self` for the call, so `f` may use
    /// both (the trainer's methods take `&mut self`), and put back after.
    pub(super) fn with_exchange<R>(&mut self, f: impl FnOnce(&mut Self, &mut [f32]) -> R) -> R {
        self.exchange();
        let mut buf = std::mem::take(&mut self.shard.exchange);
        let r = f(self, &mut buf);
        self.shard.exchange = buf;
        r
    }

    /// Flat offset of the decoder's first parameter: the encoder's parameters are `[0, this)`,
    /// the decoder's `[this, params)`. A replica's gradient has the decoder's first
    /// (`gradient_head`), and the leader steps them first (`apply_ranges`).
    pub fn decoder_at(&self) -> usize {
        self.model.enc.iter().map(|l| l.w.len() + l.b.len()).sum()
    }

    /// Replica: `gradient_of` into the exchange buffer, which it returns (`grad_len()` floats).
    pub fn gradient_out(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize) -> Result<&[f32]> {
        self.with_exchange(|t, buf| t.gradient_of(idx, inputs, m, buf))?;
        Ok(&self.shard.exchange)
    }

    /// Replica: `gradient_of`'s first part — the forward pass and the decoder's backward —
    /// with the decoder's gradient `[decoder_at(), params)` final in its layers as the backward
    /// wrote it, not scaled by rows/m (`for_each_grad`). The page copies it from there into the
    /// leader's buffer, which scales it as it reads it (`exchange_rows`: the bits of the
    /// replica's own scaling, one pass over the gradient fewer on the replica, ~0.3 ms at d =
    /// 500), while `gradient_tail` computes the rest (the encoder's backward is ~1/5 of the
    /// products at one hidden layer), so the leader steps the decoder's ranges meanwhile.
    /// Nothing else may use the replica between the two.
    pub fn gradient_head(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize) -> Result<()> {
        self.head_of(idx, inputs, m, None)
    }

    /// Replica, after `gradient_head`: the encoder's backward, its gradient left in its layers
    /// too; the loss parts of the slice, not scaled by rows/m.
    pub fn gradient_tail(&mut self) -> Result<LossParts> {
        self.tail_of(None)
    }

    /// `f` on every parameter's gradient as the last backward left it, in flat order.
    pub fn for_each_grad(&mut self, mut f: impl FnMut(&[f32])) {
        self.model.for_each_param(|_, _, g| f(g));
    }

    /// Replica: the gradient of the training images `idx` (a slice of a batch of `m` rows)
    /// scaled by idx.len()/m, into `out` (`grad_len()` floats). `inputs`: the corrupted rows
    /// `[idx.len(), n]` the leader drew (`batch_inputs`), or `None` for clean inputs.
    pub fn gradient_of(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize, out: &mut [f32]) -> Result<()> {
        self.head_of(idx, inputs, m, Some(&mut *out))?;
        self.tail_of(Some(out)).map(|_| ())
    }

    /// The gradient's first part; written scaled into `out` when there is one.
    fn head_of(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize, out: Option<&mut [f32]>) -> Result<()> {
        let (r, n) = (idx.len(), self.data.dim());
        if r == 0 || r > m || m > self.xb.nrows() {
            return Err(Error::Shape(format!("a slice of {r} rows of a batch of {m} (at most {} rows)", self.xb.nrows())));
        }
        if let Some(out) = &out {
            check_len("gradient", out.len(), self.grad_len())?;
        }
        self.data.check_indices(idx)?;
        self.data.fill_rows(idx, self.scaling, &mut self.xb.as_slice_mut().unwrap()[..r * n]);
        if let Some(x) = inputs {
            check_len("input", x.len(), r * n)?;
            self.xc.as_slice_mut().unwrap()[..r * n].copy_from_slice(x);
        } else if self.corruption != Corruption::None {
            return Err(Error::Config("this variant corrupts its inputs: the leader's corrupted rows are needed".into()));
        }
        self.shard.head = Some(self.slice_head(0..r, m, out));
        Ok(())
    }

    /// The gradient's second part (its loss parts unscaled); written scaled into `out` when
    /// there is one.
    fn tail_of(&mut self, out: Option<&mut [f32]>) -> Result<LossParts> {
        let Some(head) = self.shard.head.take() else {
            return Err(Error::Config("no gradient is half done: gradient_head comes before gradient_tail".into()));
        };
        if let Some(out) = &out {
            check_len("gradient", out.len(), self.grad_len())?;
        }
        Ok(self.slice_tail(head, out))
    }

    /// Forward and backward over `rows` of xb (and xc when corrupting); the layers' gradients
    /// and the loss parts scaled by rows/m into `out`.
    pub(super) fn slice_gradient(&mut self, rows: Range<usize>, m: usize, out: &mut [f32]) {
        let head = self.slice_head(rows, m, Some(&mut *out));
        self.slice_tail(head, Some(out));
    }

    /// `slice_gradient`'s first part: the decoder's gradient, scaled, into `out` when there is
    /// one; returns what the second part needs.
    fn slice_head(&mut self, rows: Range<usize>, m: usize, out: Option<&mut [f32]>) -> Head {
        let scale = rows.len() as f32 / m as f32;
        let (x_in, target) = slice_inputs(&self.xb, &self.xc, self.corruption, rows.clone());
        let parts = forward_backward_head(&mut self.model, &mut self.ws, x_in, target, self.objective);
        if let Some(out) = out {
            let np = out.len() - LOSS_SLOTS;
            self.write_scaled(self.decoder_at()..np, scale, out);
        }
        Head { rows, scale, parts }
    }

    /// `slice_gradient`'s second part: the encoder's gradient and the loss parts, scaled, into
    /// `out` when there is one; returns the loss parts unscaled.
    fn slice_tail(&mut self, head: Head, out: Option<&mut [f32]>) -> LossParts {
        let (x_in, _) = slice_inputs(&self.xb, &self.xc, self.corruption, head.rows);
        backward_tail(&mut self.model, &mut self.ws, x_in, self.objective);
        let (p, s) = (head.parts, head.scale);
        if let Some(out) = out {
            self.write_scaled(0..self.decoder_at(), s, out);
            let at = out.len() - LOSS_SLOTS;
            out[at..].copy_from_slice(&[p.total * s, p.recon * s, p.penalty * s]);
        }
        p
    }

    /// The gradients of the parameters within flat `span` (whole parameters), times `scale`.
    fn write_scaled(&mut self, span: Range<usize>, scale: f32, out: &mut [f32]) {
        let mut at = 0;
        self.model.for_each_param(|_, _, g| {
            if span.contains(&at) {
                for (o, &v) in out[at..at + g.len()].iter_mut().zip(g) {
                    *o = v * scale;
                }
            }
            at += g.len();
        });
    }
}

/// The model's input and target `rows` of the clean rows `xb` and corrupted `xc` (`[B, n]`):
/// the corrupted and the clean, or the clean twice.
fn slice_inputs<'a>(xb: &'a Array2<f32>, xc: &'a Array2<f32>, c: Corruption, rows: Range<usize>) -> (ArrayView2<'a, f32>, ArrayView2<'a, f32>) {
    let target = xb.slice(s![rows.clone(), ..]);
    let x_in = if c == Corruption::None { target } else { xc.slice(s![rows, ..]) };
    (x_in, target)
}

/// A gradient half done (`gradient_head`): its rows, scale and loss parts.
#[derive(Debug)]
pub(super) struct Head {
    rows: Range<usize>,
    scale: f32,
    parts: LossParts,
}

pub(super) fn check_len(what: &str, got: usize, want: usize) -> Result<()> {
    if got != want {
        return Err(Error::Shape(format!("a {what} buffer of {got} floats where this model needs {want}")));
    }
    Ok(())
}
