//! Data-parallel training's block of the façade (`train::shard`): the leader's batch (begin,
//! own slice, add the replicas' gradients in worker order, apply), a replica's gradient, and the
//! parameters as flat `Float32Array`s. `www/kit/parallel.js` drives it; `www/shard-worker.js`
//! holds a replica. The flat vectors (3.1 MB at d = 500) cross as views of the trainer's own
//! exchange buffer, copied once to or from the other worker's buffer by `TypedArray.set`: a
//! `&[f32]` argument would copy into wasm memory first, a `&mut [f32]` in and back out.

use super::{js, object, Trainer};
use crate::data::Dataset;
use crate::train;
use js_sys::Float32Array;
use wasm_bindgen::prelude::*;

/// A Float32Array over `v` in wasm memory, no copy. The caller copies it out at once: it is
/// detached if wasm memory grows, and `v` is rewritten by the next batch.
fn view(v: &[f32]) -> Float32Array {
    // SAFETY: JavaScript reads the view before calling into the module again (every use in
    // www/kit/parallel.js and www/shard-worker.js is one `set`), so no allocation moves `v`
    // meanwhile; wasm is single-threaded.
    unsafe { Float32Array::view(v) }
}

#[wasm_bindgen]
impl Trainer {
    /// `Trainer.replica(settings, images, rows, cols)`: a replica for data-parallel training —
    /// the leader's settings, and its training images as `train_images()` gave them (raw bytes,
    /// `[len*rows*cols]`). Its parameters come from the leader (`param_views`) before each batch.
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

    /// Every parameter as a view of its storage in wasm memory, in flat order (the layout of a
    /// flat gradient without its last 3 floats): a leader's are copied out into the shards'
    /// buffer, a replica's written from it, one `set` each, before the next call into this
    /// module (which may move memory). A replica's tied weights follow at its next batch.
    pub fn param_views(&mut self) -> js_sys::Array {
        let views = js_sys::Array::new();
        self.inner.for_each_param_storage(|p| {
            // SAFETY: as `view`: read or written at once, before the next call into the module.
            let view = unsafe { Float32Array::view_mut_raw(p.as_mut_ptr(), p.len()) };
            views.push(&view);
        });
        views
    }

    /// The exchange buffer (`grad_len()` floats) as a view of wasm memory, for another worker's
    /// gradient (`add_exchange`, `apply_with_exchange`) to be copied in; valid until the next
    /// call into this module.
    pub fn exchange_view(&mut self) -> Float32Array {
        view(self.inner.exchange())
    }

    /// Leader: opens the next batch; its indices into the training set, a Uint32Array copy. A
    /// batch still open is undone first. Rows are filled (and corrupted, drawing as `step`
    /// does, in row order) when `batch_inputs` or `own_gradient` first needs them.
    pub fn begin_batch(&mut self) -> Result<Vec<u32>, JsError> {
        Ok(self.inner.begin_batch().map_err(js)?.to_vec())
    }

    /// Leader: the corrupted inputs of rows `[start, end)` of the open batch (`[(end-start)*784]`)
    /// as a view of wasm memory (copy it out before the next call), or undefined when the
    /// variant feeds clean images. Ask for the replicas' slices before the leader's own: rows
    /// are corrupted in order, so the leader's come after theirs are sent.
    pub fn batch_inputs(&mut self, start: usize, end: usize) -> Result<Option<Float32Array>, JsError> {
        Ok(self.inner.batch_inputs(start..end).map_err(js)?.map(view))
    }

    /// Leader: the gradient of its own rows `[start, end)` of the open batch starts the sum.
    pub fn own_gradient(&mut self, start: usize, end: usize) -> Result<(), JsError> {
        self.inner.own_gradient(start..end).map_err(js)
    }

    /// Leader, after `own_gradient`: fills and corrupts every row of the next batch (the
    /// replicas' and its own) while the replicas still compute this one; the next
    /// `begin_batch` takes them when nothing else moved the trainer (the same bits as drawing
    /// them then). Returns the rows drawn (0 for a clean variant).
    pub fn prepare_next(&mut self) -> Result<usize, JsError> {
        self.inner.prepare_next().map_err(js)
    }

    /// Leader: adds the flat gradient in the exchange buffer (a replica's, copied in through
    /// `exchange_view`); call in worker order 1..W.
    pub fn add_exchange(&mut self) -> Result<(), JsError> {
        self.inner.add_exchange().map_err(js)
    }

    /// Leader: the optimiser step with the sum; closes the batch. Returns what `step(1)` does,
    /// and throws "training diverged: …" as it does (the model is then as before the batch).
    pub fn apply_gradient(&mut self) -> Result<JsValue, JsError> {
        object(&self.inner.apply_gradient().map_err(js)?, vec![])
    }

    /// Leader: `add_exchange` and `apply_gradient` in one pass (the same bits): for the last
    /// replica's gradient, copied in through `exchange_view`.
    pub fn apply_with_exchange(&mut self) -> Result<JsValue, JsError> {
        object(&self.inner.apply_with_exchange().map_err(js)?, vec![])
    }

    /// The flat gradient cut into ranges of at most `most` floats, none across two parameters,
    /// as a Uint32Array of `[start, end)` pairs in the order of the leader's step taken range by
    /// range (`apply_begin`): the decoder's parameters, the encoder's, the loss parts last.
    pub fn apply_ranges(&mut self, most: usize) -> Result<Vec<u32>, JsError> {
        Ok(self.inner.apply_ranges(most).map_err(js)?.into_iter().flat_map(|r| [r.start as u32, r.end as u32]).collect())
    }

    /// Leader: opens the step range by range, once the replicas' gradients are in the sum but
    /// the last one's, which comes range by range into the exchange buffer (`plus_exchange`):
    /// then `apply_range` for every range in order, then `apply_end`. The bits of
    /// `apply_with_exchange`.
    pub fn apply_begin(&mut self, plus_exchange: bool) -> Result<(), JsError> {
        self.inner.apply_begin(plus_exchange).map_err(js)
    }

    /// Leader: adds the exchange buffer's floats `[start, end)` to the sum (a replica's
    /// gradient, not the last one's, range by range; before that range is stepped).
    pub fn add_exchange_range(&mut self, start: usize, end: usize) -> Result<(), JsError> {
        self.inner.add_exchange_range(start..end).map_err(js)
    }

    /// Leader: the step of flat range `[start, end)` (the next pair of `apply_ranges`): its new
    /// weights as a view of wasm memory (empty for the loss parts; copy it out before the next
    /// call), the model's once `apply_end` takes the step.
    pub fn apply_range(&mut self, start: usize, end: usize) -> Result<Float32Array, JsError> {
        self.inner.apply_range(start..end).map(view).map_err(js)
    }

    /// Leader: closes the step: what `step(1)` returns, or throws "training diverged: …" (and
    /// a step ended before its last range) with the batch undone.
    pub fn apply_end(&mut self) -> Result<JsValue, JsError> {
        object(&self.inner.apply_end().map_err(js)?, vec![])
    }

    /// Changes whenever the parameters may have (a step, `param_views`, …): the leader's test
    /// of whether the weights it sent on during its last step are still its own.
    pub fn params_stamp(&self) -> f64 {
        self.inner.params_stamp() as f64
    }

    /// Leader: undoes an open batch (a replica was lost mid-batch); nothing when none is open.
    pub fn abort_batch(&mut self) {
        self.inner.abort_batch();
    }

    /// Replica: the gradient of training images `idx` (a slice of a batch of `m` rows), scaled
    /// by idx.length/m, as a view of wasm memory (`grad_len()` floats; copy it out before the
    /// next call). `inputs`: the leader's `batch_inputs` for these rows, or undefined for clean
    /// inputs.
    pub fn gradient_view(&mut self, idx: &[u32], inputs: Option<Vec<f32>>, m: usize) -> Result<Float32Array, JsError> {
        self.inner.gradient_out(idx, inputs.as_deref(), m).map(view).map_err(js)
    }

    /// Replica: `gradient_view`'s first part — the forward pass and the decoder's backward —
    /// with the decoder's gradient left in its layers, not scaled by idx.length/m: the page
    /// copies its ranges out of `grad_views()` (the leader scales them as it reads them,
    /// `exchange_rows`) while `gradient_tail` computes the rest.
    pub fn gradient_head(&mut self, idx: &[u32], inputs: Option<Vec<f32>>, m: usize) -> Result<(), JsError> {
        self.inner.gradient_head(idx, inputs.as_deref(), m).map_err(js)
    }

    /// Replica, after `gradient_head`: the encoder's backward, its gradient left in its layers
    /// too (`grad_views()`); the slice's loss parts `[total, recon, penalty]`, unscaled.
    pub fn gradient_tail(&mut self) -> Result<Vec<f32>, JsError> {
        let p = self.inner.gradient_tail().map_err(js)?;
        Ok(vec![p.total, p.recon, p.penalty])
    }

    /// Every parameter's gradient as the last backward left it, a view of its storage in wasm
    /// memory each, in flat order (`param_views`' layout); each copied out at once, before the
    /// next call into this module (which may move memory).
    pub fn grad_views(&mut self) -> js_sys::Array {
        let views = js_sys::Array::new();
        self.inner.for_each_grad(|g| {
            views.push(&view(g));
        });
        views
    }

    /// Leader: the exchange buffer holds a replica's gradient of `rows` rows of the open batch
    /// as `gradient_head` and `gradient_tail` left it (unscaled): the adds and steps that read it
    /// scale it by rows/m, the bits the replica's own scaling gives. Until the batch closes.
    pub fn exchange_rows(&mut self, rows: usize) -> Result<(), JsError> {
        self.inner.exchange_rows(rows).map_err(js)
    }

    /// Flat offset of the decoder's first parameter: the ranges of `apply_ranges` from it to the
    /// parameters' end are the decoder's (the first ones), which `gradient_head` computes.
    pub fn decoder_at(&self) -> usize {
        self.inner.decoder_at()
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
