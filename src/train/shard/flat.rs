//! The flat vectors of data-parallel training (see train/shard.rs): every parameter, or every
//! parameter's gradient then `LOSS_SLOTS` loss parts, in `Autoencoder::for_each_param` order —
//! how they are read, written and crossed between workers (the parameters' own storage, the
//! exchange buffer) — and a replica's gradient of its slice of a batch.

use super::super::{forward_backward, Trainer};
use super::LOSS_SLOTS;
use crate::corruption::Corruption;
use crate::error::{Error, Result};
use ndarray::s;
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

    /// Replica: `gradient_of` into the exchange buffer, which it returns (`grad_len()` floats).
    pub fn gradient_out(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize) -> Result<&[f32]> {
        self.with_exchange(|t, buf| t.gradient_of(idx, inputs, m, buf))?;
        Ok(&self.shard.exchange)
    }

    /// Replica: the gradient of the training images `idx` (a slice of a batch of `m` rows)
    /// scaled by idx.len()/m, into `out` (`grad_len()` floats). `inputs`: the corrupted rows
    /// `[idx.len(), n]` the leader drew (`batch_inputs`), or `None` for clean inputs.
    pub fn gradient_of(&mut self, idx: &[u32], inputs: Option<&[f32]>, m: usize, out: &mut [f32]) -> Result<()> {
        let (r, n) = (idx.len(), self.data.dim());
        if r == 0 || r > m || m > self.xb.nrows() {
            return Err(Error::Shape(format!("a slice of {r} rows of a batch of {m} (at most {} rows)", self.xb.nrows())));
        }
        check_len("gradient", out.len(), self.grad_len())?;
        self.data.check_indices(idx)?;
        self.data.fill_rows(idx, self.scaling, &mut self.xb.as_slice_mut().unwrap()[..r * n]);
        if let Some(x) = inputs {
            check_len("input", x.len(), r * n)?;
            self.xc.as_slice_mut().unwrap()[..r * n].copy_from_slice(x);
        } else if self.corruption != Corruption::None {
            return Err(Error::Config("this variant corrupts its inputs: the leader's corrupted rows are needed".into()));
        }
        self.slice_gradient(0..r, m, out);
        Ok(())
    }

    /// Forward and backward over `rows` of xb (and xc when corrupting); the layers' gradients
    /// and the loss parts scaled by rows/m into `out`.
    pub(super) fn slice_gradient(&mut self, rows: Range<usize>, m: usize, out: &mut [f32]) {
        let scale = rows.len() as f32 / m as f32;
        let target = self.xb.slice(s![rows.clone(), ..]);
        let x_in = if self.corruption == Corruption::None { target } else { self.xc.slice(s![rows, ..]) };
        let parts = forward_backward(&mut self.model, &mut self.ws, x_in, target, self.objective);
        let mut at = 0;
        self.model.for_each_param(|_, _, g| {
            for (o, &v) in out[at..at + g.len()].iter_mut().zip(g) {
                *o = v * scale;
            }
            at += g.len();
        });
        out[at..at + LOSS_SLOTS].copy_from_slice(&[parts.total * scale, parts.recon * scale, parts.penalty * scale]);
    }
}

pub(super) fn check_len(what: &str, got: usize, want: usize) -> Result<()> {
    if got != want {
        return Err(Error::Shape(format!("a {what} buffer of {got} floats where this model needs {want}")));
    }
    Ok(())
}
