//! The capacity panel's block of the façade (www/panels/capacity.js): off-manifold probes,
//! reconstruction errors, the compression report and PCA beside the AE (src/labs/capacity.rs).

use super::{f32s, js, object, Trainer};
use crate::labs::capacity;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Trainer {
    /// Off-manifold probes of image `i`, `[k, 784]` in the model's range: uniform noise, the
    /// inverted digit, the digit shifted by (6, 6), a boxed ×, then the user's drawing
    /// (`drawn`: 784 values in [0, 1]) if given.
    pub fn capacity_probes(&self, i: u32, drawn: Option<Vec<f32>>) -> Result<Vec<f32>, JsError> {
        capacity::probes(&self.inner, i, drawn.as_deref()).map_err(js)
    }

    /// Per-row MSE of D(E(x)) against x for rows `x` (`[k, 784]`): Float32Array `[k]`.
    pub fn capacity_errors(&mut self, x: &[f32]) -> Result<Vec<f32>, JsError> {
        capacity::reconstruction_errors(&mut self.inner, x).map_err(js)
    }

    /// The capacity report on the first `count` images: `{d, count, sizes: {image_bytes,
    /// f32_bytes, u8_bytes, ratio_f32, ratio_u8}, mse, psnr, mse_u8, psnr_u8, probe_mse,
    /// jacobian_frob2, lambda}` (see capacity::Report).
    pub fn capacity_report(&mut self, count: usize) -> Result<JsValue, JsError> {
        object(&capacity::report(&mut self.inner, count).map_err(js)?, vec![])
    }

    /// PCA with `k` components fitted on the first `fit_rows` images, errors on the first
    /// `count`: `{k, fit_rows, count, explained_variance, total_variance, explained_ratio, mse,
    /// psnr, components: Float32Array [k, 784]}`.
    pub fn capacity_pca(&self, k: usize, fit_rows: usize, count: usize) -> Result<JsValue, JsError> {
        let r = capacity::pca_report(&self.inner, k, fit_rows, count).map_err(js)?;
        object(&r, vec![("components", f32s(&r.components))])
    }
}

