//! The façade's block for weights files: the model out as safetensors (Save, the page's kept
//! model), and a trainer in from a file (ours, the site's pretrained models, a `state_dict`
//! PyTorch saved). Conversions only: the format is `crate::weights`, the swap of parameters
//! `train::Trainer::with_weights`. A refused file throws before anything is built, so the page's
//! current trainer is never touched by a bad one.

use super::{js, DataSets, Trainer};
use crate::data::Dataset;
use crate::train::{self, Settings};
use crate::weights::{self, Dtype, Loaded, Provenance};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// What the page shows of a weights file.
#[derive(Serialize)]
struct Info<'a> {
    /// Widths input → … → code: `[784, 30]` for the notebook's AE.
    sizes: &'a [usize],
    /// "F32", "F16", "BF16" or "F64".
    dtype: &'a str,
    /// True for our files; false when the stack was inferred from names and shapes (PyTorch).
    from_metadata: bool,
    /// Scalars in all tensors (tied weights counted twice, as the file holds them).
    params: usize,
    /// The file's size.
    bytes: usize,
    /// The settings the trainer will have (the notebook's defaults with the inferred sizes for
    /// a file without our metadata).
    settings: &'a Settings,
    provenance: &'a Provenance,
}

/// `weightsInfo(bytes)`: checks a whole safetensors file and describes it, `{sizes, dtype,
/// from_metadata, params, bytes, settings, provenance}`; throws with the reason for a bad file.
#[wasm_bindgen(js_name = weightsInfo)]
pub fn weights_info(bytes: &[u8]) -> Result<JsValue, JsError> {
    let l = weights::from_bytes(bytes).map_err(js)?;
    describe(&l, bytes.len())
}

fn describe(l: &Loaded, bytes: usize) -> Result<JsValue, JsError> {
    let params = l.model.enc.iter().chain(&l.model.dec).map(|d| d.w.len() + d.b.len()).sum();
    let info = Info { sizes: &l.sizes, dtype: &l.dtype, from_metadata: l.from_metadata, params, bytes, settings: &l.settings, provenance: &l.provenance };
    // Through JSON text, so f32 settings reach the page as written (0.001, not 0.0010000000474…).
    let text = serde_json::to_string(&info).map_err(|e| JsError::new(&format!("cannot describe the weights file: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("cannot describe the weights file"))
}

#[wasm_bindgen]
impl Trainer {
    /// `Trainer.fromWeights(file, images, labels)`: a trainer whose model starts from the
    /// safetensors bytes `file` (its settings from the file's metadata, or the notebook's with
    /// the inferred sizes), on the IDX bytes `images`/`labels` as `new Trainer`; a fresh
    /// optimiser at epoch 0. Throws, building nothing, for a bad file or bad data.
    #[wasm_bindgen(js_name = fromWeights)]
    pub fn from_weights(file: &[u8], images: &[u8], labels: Option<Vec<u8>>) -> Result<Trainer, JsError> {
        let l = weights::from_bytes(file).map_err(js)?;
        let data = Dataset::from_idx(images, labels.as_deref()).map_err(js)?;
        Ok(Trainer { inner: train::Trainer::with_weights(l.settings, data, &l.model).map_err(js)? })
    }

    /// `Trainer.fromWeightsOn(file, data)`: `fromWeights` on a `DataSets` (learns from its
    /// training set, answers row queries on its held-out set, as `Trainer.on`).
    #[wasm_bindgen(js_name = fromWeightsOn)]
    pub fn from_weights_on(file: &[u8], data: &DataSets) -> Result<Trainer, JsError> {
        let l = weights::from_bytes(file).map_err(js)?;
        let (train, test) = (data.inner.train.clone(), data.inner.test.clone());
        Ok(Trainer { inner: train::Trainer::with_weights_and_test(l.settings, train, test, &l.model).map_err(js)? })
    }

    /// The model as a safetensors file (Uint8Array) under PyTorch's `state_dict` names, in
    /// `dtype` "f32" | "f16" | "bf16", with its settings and a provenance whose `epochs` counts
    /// `prior_epochs` (what the model had when it was loaded) plus the epochs trained here.
    pub fn save_weights(&self, dtype: &str, prior_epochs: u32) -> Result<Vec<u8>, JsError> {
        let dtype = Dtype::parse(dtype).map_err(js)?;
        let t = &self.inner;
        let (pos, n) = (t.position(), t.data().len());
        let prov = Provenance {
            epochs: prior_epochs as u64 + pos.epoch,
            samples: prior_epochs as u64 * n as u64 + pos.samples_seen,
            data: format!("trained in the browser on {n} images (Autoencoder Playground)"),
            train_n: n,
            ..Provenance::default()
        };
        weights::to_bytes(t.model(), t.settings(), &prov, dtype).map_err(js)
    }
}
