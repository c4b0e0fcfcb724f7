//! The lab presets (`crate::presets`, one table in Rust) as JavaScript sees them, so the page's
//! lesson defaults (contractive λ, the BCE learning rate and batch, the 2-D lab's lr, λ and
//! stop) are the same numbers the CLI and `tests/lessons.rs` train with, never a second copy.

use super::Trainer;
use crate::presets::{self, ManifoldPreset, Preset};
use serde::Serialize;
use wasm_bindgen::prelude::*;

// Generic over the settings type so this file names only `crate::presets`.
#[derive(Serialize)]
struct MnistOut<S> {
    key: &'static str,
    label: &'static str,
    settings: S,
    epochs: u32,
}

#[derive(Serialize)]
struct ManifoldOut<S> {
    key: &'static str,
    label: &'static str,
    settings: S,
    steps: u32,
}

#[derive(Serialize)]
struct Table<A, B> {
    mnist: Vec<MnistOut<A>>,
    manifold: Vec<ManifoldOut<B>>,
}

fn table() -> Table<impl Serialize, impl Serialize> {
    Table {
        mnist: presets::presets().into_iter().map(|Preset { key, label, settings, epochs }| MnistOut { key, label, settings, epochs }).collect(),
        manifold: presets::manifold_presets()
            .into_iter()
            .map(|ManifoldPreset { key, label, settings, steps }| ManifoldOut { key, label, settings, steps })
            .collect(),
    }
}

/// `presets()` → `{ mnist: [{key, label, settings, epochs}], manifold: [{key, label, settings,
/// steps}] }`: every lab preset in display order; `settings` is the plain object `new Trainer`
/// (or `new ManifoldLab`) takes. Small and copied; call it once.
#[wasm_bindgen]
pub fn presets() -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(&table()).map_err(|e| JsError::new(&e.to_string()))
}

#[wasm_bindgen]
impl Trainer {
    /// The same table as `presets()`, for the page's labs, which reach the wasm module only
    /// through the training worker's model queries (`model.call('lab_presets')`).
    pub fn lab_presets(&self) -> Result<JsValue, JsError> {
        presets()
    }
}
