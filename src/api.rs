//! The wasm-bindgen façade: the only module that knows about JavaScript. JS holds one opaque
//! `Trainer`; settings come in through serde-wasm-bindgen, images come in once as bytes, and
//! arrays go out as typed-array copies. Every fallible call returns `Result<_, JsError>` whose
//! message is meant for the page.

use crate::data::Dataset;
use crate::error::Error;
use crate::train::{self, Settings};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn js(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(v).map_err(|e| JsError::new(&e.to_string()))
}

/// Installs the panic hook once (a panic is a bug; this makes it readable in the console).
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Parses and checks a settings object without building a trainer: `undefined` when valid,
/// otherwise throws with the message for the page.
#[wasm_bindgen(js_name = validateSettings)]
pub fn validate_settings(settings: JsValue) -> Result<(), JsError> {
    parse_settings(settings)?.validate().map_err(js)
}

fn parse_settings(settings: JsValue) -> Result<Settings, JsError> {
    if settings.is_undefined() || settings.is_null() {
        return Ok(Settings::default());
    }
    serde_wasm_bindgen::from_value(settings).map_err(|e| JsError::new(&format!("bad settings: {e}")))
}

/// The trainer handle. Heavy state (model, data, buffers) lives in wasm memory.
#[wasm_bindgen]
pub struct Trainer {
    inner: train::Trainer,
}

#[wasm_bindgen]
impl Trainer {
    /// `new Trainer(settings, images, labels)`: `settings` a plain object (see docs/ARCHITECTURE.md;
    /// missing keys take the notebook's defaults), `images`/`labels` the bytes of IDX files, raw or
    /// gzip (`labels` may be undefined). Throws on bad settings or malformed bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue, images: &[u8], labels: Option<Vec<u8>>) -> Result<Trainer, JsError> {
        let settings = parse_settings(settings)?;
        let data = Dataset::from_idx(images, labels.as_deref()).map_err(js)?;
        Ok(Trainer { inner: train::Trainer::new(settings, data).map_err(js)? })
    }

    /// Runs `k` batches; returns `{loss, recon, penalty, epoch, batch, batches_per_epoch,
    /// samples_seen, steps}` (loss = mean over the k batches; epoch = completed epochs).
    pub fn step(&mut self, k: u32) -> Result<JsValue, JsError> {
        let s = self.inner.step(k).map_err(js)?;
        to_js(&s)
    }

    /// Where training stands, without training: the fields of `step` with loss 0.
    pub fn position(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.position())
    }

    /// `{mse_clean, mse_noisy}` over the whole data set (noisy: fixed-seed dropout mask, p = 0.5).
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.evaluate())
    }

    /// Number of images.
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

    /// Labels of the images `idx` (Uint8Array).
    pub fn labels(&self, idx: &[u32]) -> Result<Vec<u8>, JsError> {
        self.inner.data().check_indices(idx).map_err(js)?;
        Ok(idx.iter().map(|&i| self.inner.data().label(i as usize)).collect())
    }

    /// Clean scaled images `[idx.length, 784]` (Float32Array copy).
    pub fn inputs(&self, idx: &[u32]) -> Result<Vec<f32>, JsError> {
        self.inner.inputs(idx).map_err(js)
    }

    /// Fixed display masks of the images `idx`, `[idx.length, 784]`: dropout 0 or 1/(1−p);
    /// other corruptions 1 where kept, 0 where changed.
    pub fn masks(&self, idx: &[u32]) -> Result<Vec<f32>, JsError> {
        Ok(self.inner.display_corruption(idx).map_err(js)?.1)
    }

    /// The corrupted inputs those masks give, `[idx.length, 784]`.
    pub fn corrupted(&self, idx: &[u32]) -> Result<Vec<f32>, JsError> {
        Ok(self.inner.display_corruption(idx).map_err(js)?.0)
    }

    /// D(E(x)) of the clean images `idx`, `[idx.length, 784]`.
    pub fn reconstruct(&mut self, idx: &[u32]) -> Result<Vec<f32>, JsError> {
        let x = self.inner.inputs(idx).map_err(js)?;
        self.inner.reconstruct_rows(&x).map_err(js)
    }

    /// D(E(x̃)) of the corrupted images `idx`, `[idx.length, 784]`.
    pub fn reconstruct_corrupted(&mut self, idx: &[u32]) -> Result<Vec<f32>, JsError> {
        let (xc, _) = self.inner.display_corruption(idx).map_err(js)?;
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
