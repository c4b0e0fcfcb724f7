//! The wasm-bindgen façade: the only module that knows about JavaScript, one file per block of
//! what the page uses (`trainer`: the training page; `denoise`, `latent`, `capacity`: the lecture
//! panels, on the same `Trainer`; `datasets`: the page's data and its held-out set; `weights`:
//! weights files in and out; `presets`: the labs' preset table; `manifold`: the 2-D lab's
//! `ManifoldLab`). It converts and nothing else: settings come in through one parser, images once as bytes; arrays go out as
//! typed-array copies, scalars as one small object; every fallible call returns
//! `Result<_, JsError>` whose message is meant for the page.

/// The GEMM-alone handle of the benchmark page: `GemmBench`.
mod bench;
mod capacity;
mod datasets;
mod denoise;
mod latent;
mod manifold;
/// The kernel grid painted by the worker: `Trainer.paint_kernels`, `Trainer.kernel_pixels`.
mod paint;
mod presets;
/// Data-parallel training: the leader's batch and a replica's gradient.
mod shard;
mod trainer;
/// Save and load weights files: `Trainer.fromWeights`, `save_weights`, `weightsInfo`.
mod weights;

pub use bench::GemmBench;
pub use manifold::{manifold_grid, ManifoldLab};
pub use paint::kernel_grid_pixels;
pub use datasets::DataSets;
pub use shard::shard_rows;
pub use trainer::Trainer;
pub use weights::weights_info;

use crate::error::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Installs the panic hook once (a panic is a bug; this makes it readable in the console).
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// An engine error as the exception the page shows.
fn js(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// The one settings parser: `undefined`/`null` give the defaults; otherwise the object goes
/// through a JSON value so that serde's `deny_unknown_fields` sees every key (a misspelt setting
/// is an error, not silently the default).
fn parse<T: DeserializeOwned + Default>(settings: JsValue) -> Result<T, JsError> {
    if settings.is_undefined() || settings.is_null() {
        return Ok(T::default());
    }
    let v: serde_json::Value = serde_wasm_bindgen::from_value(settings).map_err(|e| JsError::new(&format!("bad settings: {e}")))?;
    serde_json::from_value(v).map_err(|e| JsError::new(&format!("bad settings: {e}")))
}

/// The one result convention: the scalar fields of `scalars` as a plain object (serde), with
/// the typed arrays of `arrays` set on it (arrays never go through serde).
fn object(scalars: &impl Serialize, arrays: Vec<(&str, JsValue)>) -> Result<JsValue, JsError> {
    let o = serde_wasm_bindgen::to_value(scalars).map_err(|e| JsError::new(&e.to_string()))?;
    for (k, v) in arrays {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), &v).map_err(|_| JsError::new("could not build the result object"))?;
    }
    Ok(o)
}

/// A Float32Array copy.
fn f32s(v: &[f32]) -> JsValue {
    js_sys::Float32Array::from(v).into()
}
