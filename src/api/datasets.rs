//! The façade of the page's data (src/datasets.rs): `DataSets`, the training set and its
//! held-out test set parsed once in the worker, and the `Trainer` built on them, whose row
//! queries (`labels`, `inputs`, the labs') index the held-out set.

use super::{f32s, js, object, parse, Trainer};
use crate::datasets::{self, DataPair, OwnedFile};
use crate::train;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The page's data, parsed once: `new DataSets(names, files)` (arrays of 2 or 4 file names and
/// Uint8Arrays of IDX bytes, raw or gzip) or `DataSets.builtin(images, labels)` (cut 9:1).
#[wasm_bindgen]
pub struct DataSets {
    pub(super) inner: DataPair,
}

#[wasm_bindgen]
impl DataSets {
    /// Throws with a sentence naming the file at fault (not IDX, not 28×28, counts that differ,
    /// truncated, too many files).
    #[wasm_bindgen(constructor)]
    pub fn new(names: js_sys::Array, files: js_sys::Array) -> Result<DataSets, JsError> {
        if names.length() != files.length() {
            return Err(JsError::new("every file needs its name"));
        }
        // One copy into wasm memory per file, given up to the parse (raw pixels stay where they land).
        let owned = names.iter().zip(files.iter()).map(|(n, f)| OwnedFile {
            name: n.as_string().unwrap_or_default(),
            bytes: js_sys::Uint8Array::new(&f).to_vec(),
        });
        Ok(DataSets { inner: datasets::from_owned(owned.collect()).map_err(js)? })
    }

    /// A built-in pair (10,000 images + labels), cut by the held-out split.
    pub fn builtin(images: Vec<u8>, labels: &[u8]) -> Result<DataSets, JsError> {
        Ok(DataSets { inner: datasets::builtin_owned(images, labels).map_err(js)? })
    }

    /// Training images.
    #[wasm_bindgen(getter)]
    pub fn train_len(&self) -> usize {
        self.inner.train.len()
    }

    /// Held-out test images.
    #[wasm_bindgen(getter)]
    pub fn test_len(&self) -> usize {
        self.inner.test.len()
    }

    /// True when the test set was cut from one given pair (the built-in sets, or 2 files).
    #[wasm_bindgen(getter)]
    pub fn split(&self) -> bool {
        self.inner.split
    }
}

/// `evaluate()`'s result: the training set's MSEs and the held-out set's beside them.
#[derive(Serialize)]
struct Both {
    mse_clean: f32,
    mse_noisy: f32,
    test_mse_clean: f32,
    test_mse_noisy: f32,
    train_len: usize,
    test_len: usize,
}

#[wasm_bindgen]
impl Trainer {
    /// `Trainer.on(settings, data)`: a trainer that learns from `data`'s training set and
    /// answers every row query on its held-out set (copies both; `data` stays usable).
    pub fn on(settings: JsValue, data: &DataSets) -> Result<Trainer, JsError> {
        let settings: train::Settings = parse(settings)?;
        let t = train::Trainer::with_test(settings, data.inner.train.clone(), data.inner.test.clone()).map_err(js)?;
        Ok(Trainer { inner: t })
    }

    /// Held-out images (the set `labels`, `inputs` and the labs index); `len` when none was given.
    #[wasm_bindgen(getter)]
    pub fn test_len(&self) -> usize {
        self.inner.test_data().len()
    }

    /// `{mse_clean, mse_noisy}` of the training set and `{test_mse_clean, test_mse_noisy}` of
    /// the held-out set (noisy: the fixed evaluation dropout mask, p = 0.5), with both sizes.
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        let train = self.inner.evaluate();
        let test = self.inner.evaluate_test().map_err(js)?;
        object(&Both {
            mse_clean: train.mse_clean,
            mse_noisy: train.mse_noisy,
            test_mse_clean: test.mse_clean,
            test_mse_noisy: test.mse_noisy,
            train_len: self.inner.data().len(),
            test_len: self.inner.test_data().len(),
        }, vec![])
    }
}

#[wasm_bindgen]
impl Trainer {
    /// The anomaly lab's out-of-distribution test (src/labs/latent/ood.rs): `{own: Float32Array [k], other:
    /// Float32Array [k], examples: Float32Array [≤12, 784], auc}` — e(x) of the first k held-out
    /// images and of the first k held-out images of `other` (Fashion-MNIST beside MNIST).
    pub fn latent_versus(&mut self, other: &DataSets, count: usize) -> Result<JsValue, JsError> {
        let v = crate::labs::latent::ood::versus(&mut self.inner, &other.inner.test, count, 12).map_err(js)?;
        object(&Auc { auc: v.auc }, vec![("own", f32s(&v.own)), ("other", f32s(&v.other)), ("examples", f32s(&v.examples))])
    }
}

/// `latent_versus`'s scalar.
#[derive(Serialize)]
struct Auc {
    auc: f64,
}
