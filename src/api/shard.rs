//! Data-parallel training's block of the façade (`train::shard`): the leader's batch (begin,
//! own slice, add the replicas' gradients in worker order, apply), a replica's gradient, and the
//! parameters as flat `Float32Array`s. `www/kit/parallel.js` drives it; `www/shard-worker.js`
//! holds a replica. Every buffer argument is the caller's, so a batch allocates no wasm memory.

use super::{js, object, Trainer};
use crate::data::Dataset;
use crate::train;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Trainer {
    /// `Trainer.replica(settings, images, rows, cols)`: a replica for data-parallel training —
    /// the leader's settings, and its training images as `train_images()` gave them (raw bytes,
    /// `[len*rows*cols]`). Its parameters come from the leader (`set_params`) before each batch.
    pub fn replica(settings: JsValue, images: Vec<u8>, rows: usize, cols: usize) -> Result<Trainer, JsError> {
        let settings: train::Settings = super::parse(settings)?;
        let n = images.len() / (rows * cols).max(1);
        let data = Dataset::from_raw(images, vec![0; n], rows, cols).map_err(js)?;
        Ok(Trainer { inner: train::Trainer::new(settings, data).map_err(js)? })
    }

    /// The training images, raw bytes `[len*rows*cols]` (a copy, for the replicas, once).
    pub fn train_images(&self) -> Vec<u8> {
        self.inner.data().images().to_vec()
    }

    /// Rows of an image (28).
    #[wasm_bindgen(getter)]
    pub fn image_rows(&self) -> usize {
        self.inner.data().rows()
    }

    /// Columns of an image (28).
    #[wasm_bindgen(getter)]
    pub fn image_cols(&self) -> usize {
        self.inner.data().cols()
    }

    /// Length of a flat gradient: every parameter, then the three loss parts.
    pub fn grad_len(&mut self) -> usize {
        self.inner.grad_len()
    }

    /// Writes every parameter into `out` (a Float32Array of `grad_len() - 3`).
    pub fn params_into(&mut self, out: &mut [f32]) -> Result<(), JsError> {
        self.inner.params_flat(out).map_err(js)
    }

    /// Sets every parameter from `flat` (as `params_into` wrote it); the optimiser is untouched.
    pub fn set_params(&mut self, flat: &[f32]) -> Result<(), JsError> {
        self.inner.set_params(flat).map_err(js)
    }

    /// Leader: opens the next batch (drawing its corruption as `step` does); its indices into
    /// the training set, a Uint32Array copy. A batch still open is undone first.
    pub fn begin_batch(&mut self) -> Result<Vec<u32>, JsError> {
        Ok(self.inner.begin_batch().map_err(js)?.to_vec())
    }

    /// Leader: the corrupted inputs of rows `[start, end)` of the open batch (a Float32Array
    /// copy, `[(end-start)*784]`), or undefined when the variant feeds clean images.
    pub fn batch_inputs(&self, start: usize, end: usize) -> Result<Option<Vec<f32>>, JsError> {
        Ok(self.inner.batch_inputs(start..end).map_err(js)?.map(<[f32]>::to_vec))
    }

    /// Leader: the gradient of its own rows `[start, end)` of the open batch starts the sum.
    pub fn own_gradient(&mut self, start: usize, end: usize) -> Result<(), JsError> {
        self.inner.own_gradient(start..end).map_err(js)
    }

    /// Leader: adds a replica's flat gradient (call in worker order 1..W).
    pub fn add_gradient(&mut self, grads: &[f32]) -> Result<(), JsError> {
        self.inner.add_gradient(grads).map_err(js)
    }

    /// Leader: the optimiser step with the sum; closes the batch. Returns what `step(1)` does,
    /// and throws "training diverged: …" as it does (the model is then as before the batch).
    pub fn apply_gradient(&mut self) -> Result<JsValue, JsError> {
        object(&self.inner.apply_gradient().map_err(js)?, vec![])
    }

    /// Leader: undoes an open batch (a replica was lost mid-batch); nothing when none is open.
    pub fn abort_batch(&mut self) {
        self.inner.abort_batch();
    }

    /// Replica: the gradient of training images `idx` (a slice of a batch of `m` rows), scaled
    /// by idx.length/m, into `out` (a Float32Array of `grad_len()`). `inputs`: the leader's
    /// `batch_inputs` for these rows, or undefined for clean inputs.
    pub fn gradient_of(&mut self, idx: &[u32], inputs: Option<Vec<f32>>, m: usize, out: &mut [f32]) -> Result<(), JsError> {
        self.inner.gradient_of(idx, inputs.as_deref(), m, out).map_err(js)
    }
}

/// `shardRows(m, w, i)`: rows `[start, end)` of a batch of `m` that worker `i` of `w` computes
/// (a Uint32Array of two).
#[wasm_bindgen(js_name = shardRows)]
pub fn shard_rows(m: usize, w: usize, i: usize) -> Result<Vec<u32>, JsError> {
    if w == 0 || i >= w {
        return Err(JsError::new(&format!("worker {i} of {w}: there is no such worker")));
    }
    let r = train::slice_rows(m, w, i);
    Ok(vec![r.start as u32, r.end as u32])
}
