//! The training page's block of the façade: the `Trainer` handle (one model on the MNIST data
//! in wasm memory), its step, stats, learning rate and the arrays the page draws.

use super::{js, object, parse};
use crate::data::Dataset;
use crate::train;
use wasm_bindgen::prelude::*;

/// The trainer handle. Heavy state (model, data, buffers) lives in wasm memory.
#[wasm_bindgen]
pub struct Trainer {
    pub(super) inner: train::Trainer,
}

#[wasm_bindgen]
impl Trainer {
    /// `new Trainer(settings, images, labels)`: `settings` a plain object (see docs/ARCHITECTURE.md;
    /// missing keys take the notebook's defaults), `images`/`labels` the bytes of IDX files, raw or
    /// gzip (`labels` may be undefined). Throws on bad settings or malformed bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue, images: &[u8], labels: Option<Vec<u8>>) -> Result<Trainer, JsError> {
        let settings: train::Settings = parse(settings)?;
        let data = Dataset::from_idx_mnist(images, labels.as_deref()).map_err(js)?;
        Ok(Trainer { inner: train::Trainer::new(settings, data).map_err(js)? })
    }

    /// Runs `k` batches; returns `{loss, recon, penalty, epoch, batch, batches_per_epoch,
    /// samples_seen, steps, warning}` (loss = mean over the k batches; epoch = completed epochs;
    /// warning = a sentence when the loss climbed far above its start — pause and show it —
    /// else undefined). Throws "training diverged: …" when a batch made the loss or a weight
    /// NaN/∞; the model is then as it was before the call.
    pub fn step(&mut self, k: u32) -> Result<JsValue, JsError> {
        object(&self.inner.step(k).map_err(js)?, vec![])
    }

    /// Changes the learning rate (0 < lr ≤ 10) of the current model; training continues from
    /// where it is. Throws on a bad value.
    pub fn set_lr(&mut self, lr: f32) -> Result<(), JsError> {
        self.inner.set_lr(lr).map_err(js)
    }

    /// Where training stands, without training: the fields of `step` with loss 0.
    pub fn position(&self) -> Result<JsValue, JsError> {
        object(&self.inner.position(), vec![])
    }

    /// Number of training images (the held-out ones: `test_len`, in api/datasets.rs).
    #[wasm_bindgen(getter)]
    pub fn len(&self) -> usize {
        self.inner.data().len()
    }

    /// Code size d.
    #[wasm_bindgen(getter)]
    pub fn d(&self) -> usize {
        self.inner.settings().d
    }

    /// Pixels per image (784).
    #[wasm_bindgen(getter)]
    pub fn dim(&self) -> usize {
        self.inner.data().dim()
    }

    /// Lowest data value (-1 for MSE/tanh, 0 for BCE/sigmoid).
    #[wasm_bindgen(getter)]
    pub fn lo(&self) -> f32 {
        self.inner.range().0
    }

    /// Highest data value (1).
    #[wasm_bindgen(getter)]
    pub fn hi(&self) -> f32 {
        self.inner.range().1
    }

    /// Labels of the held-out images `idx` (Uint8Array).
    pub fn labels(&self, idx: &[u32]) -> Result<Vec<u8>, JsError> {
        let test = self.inner.test_data();
        test.check_indices(idx).map_err(js)?;
        Ok(idx.iter().map(|&i| test.label(i as usize)).collect())
    }

    /// Clean scaled held-out images `[idx.length, 784]` (Float32Array copy).
    pub fn inputs(&self, idx: &[u32]) -> Result<Vec<f32>, JsError> {
        self.inner.inputs(idx).map_err(js)
    }

    /// Fixed display masks of the images `idx`, `[idx.length, 784]`: dropout 0 or 1/(1−p);
    /// other corruptions 1 where kept, 0 where changed. `rows` (optional, one per image): seed
    /// each as that held-out row instead of its own index (the page's preview of ten digits).
    pub fn masks(&self, idx: &[u32], rows: Option<Vec<u32>>) -> Result<Vec<f32>, JsError> {
        Ok(self.display_corruption(idx, rows)?.1)
    }

    /// The corrupted inputs those masks give, `[idx.length, 784]` (`rows` as for `masks`).
    pub fn corrupted(&self, idx: &[u32], rows: Option<Vec<u32>>) -> Result<Vec<f32>, JsError> {
        Ok(self.display_corruption(idx, rows)?.0)
    }

    /// D(E(x)) of the clean images `idx`, `[idx.length, 784]`.
    pub fn reconstruct(&mut self, idx: &[u32]) -> Result<Vec<f32>, JsError> {
        let x = self.inner.inputs(idx).map_err(js)?;
        self.inner.reconstruct_rows(&x).map_err(js)
    }

    /// D(E(x̃)) of the corrupted images `idx`, `[idx.length, 784]` (`rows` as for `masks`).
    pub fn reconstruct_corrupted(&mut self, idx: &[u32], rows: Option<Vec<u32>>) -> Result<Vec<f32>, JsError> {
        let (xc, _) = self.display_corruption(idx, rows)?;
        self.inner.reconstruct_rows(&xc).map_err(js)
    }

    /// D(E(x)) of arbitrary rows `x` (`[k, 784]` flattened, e.g. a drawn digit).
    pub fn reconstruct_rows(&mut self, x: &[f32]) -> Result<Vec<f32>, JsError> {
        self.inner.reconstruct_rows(x).map_err(js)
    }

    /// Codes E(x) of arbitrary rows `x`: `[k, d]` flattened.
    pub fn encode_rows(&mut self, x: &[f32]) -> Result<Vec<f32>, JsError> {
        self.inner.encode_rows(x).map_err(js)
    }

    /// Images D(h) of codes `h`: `[k, 784]` flattened.
    pub fn decode_rows(&mut self, h: &[f32]) -> Result<Vec<f32>, JsError> {
        self.inner.decode_rows(h).map_err(js)
    }

    /// Rows of W_h, `[d, 784]` (Float32Array copy): the encoder kernels.
    pub fn kernels(&self) -> Vec<f32> {
        self.inner.kernels()
    }
}

impl Trainer {
    /// The display corruption of images `idx`, seeded by `rows` where given, else by `idx`.
    fn display_corruption(&self, idx: &[u32], rows: Option<Vec<u32>>) -> Result<(Vec<f32>, Vec<f32>), JsError> {
        self.inner.display_corruption_as(idx, rows.as_deref().unwrap_or(idx)).map_err(js)
    }
}
