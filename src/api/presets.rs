//! The lab presets (`crate::presets`, one table in Rust) as JavaScript sees them, so the page's
//! lesson defaults (contractive λ, the BCE learning rate and batch, the 2-D lab's lr, λ and
//! stop) are the same numbers the CLI and `tests/lessons.rs` train with, never a second copy.

use super::{to_js, Trainer};
use crate::manifold::ManifoldSettings;
use crate::presets::{self, ManifoldPreset, Preset};
use crate::train::Settings;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct MnistOut {
    key: &'static str,
    label: &'static str,
    settings: Settings,
    epochs: u32,
}

#[derive(Serialize)]
struct ManifoldOut {
    key: &'static str,
    label: &'static str,
    settings: ManifoldSettings,
    steps: u32,
}

#[derive(Serialize)]
struct Table {
    mnist: Vec<MnistOut>,
    manifold: Vec<ManifoldOut>,
}

fn table() -> Table {
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
    to_js(&table())
}

#[wasm_bindgen]
impl Trainer {
    /// The same table as `presets()`, for the page's labs, which reach the wasm module only
    /// through the training worker's model queries (`model.call('lab_presets')`).
    pub fn lab_presets(&self) -> Result<JsValue, JsError> {
        presets()
    }
}
