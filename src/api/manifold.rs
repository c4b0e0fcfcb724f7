//! The 2-D manifold lab's block of the façade (www/manifold.html): one `ManifoldLab` handle per
//! variant (train, draw, save and load its weights), and the grid of the view box the vector
//! field is drawn on.

use super::{js, object, parse};
use crate::data::curves::grid_points;
use crate::labs::manifold::{ManifoldSettings, ManifoldTrainer};
use crate::weights::Dtype;
use wasm_bindgen::prelude::*;

/// One 2-D manifold lab (src/labs/manifold.rs): points on a curve and one autoencoder trained on them
/// as a standard, denoising or contractive AE. Points cross as `[k, 2]` Float32Arrays.
#[wasm_bindgen]
pub struct ManifoldLab {
    inner: ManifoldTrainer,
}

#[wasm_bindgen]
impl ManifoldLab {
    /// `new ManifoldLab(settings, drawn)`: `settings` a plain object `{variant, curve, points,
    /// noise, sigma, lambda, width, depth, code, lr, batch, seed}` (missing keys take the
    /// defaults), `drawn` the user's stroke as a Float32Array `[k, 2]` when `curve` is "drawn".
    /// Throws on bad settings or a bad stroke.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue, drawn: Option<Vec<f32>>) -> Result<ManifoldLab, JsError> {
        let s: ManifoldSettings = parse(settings)?;
        Ok(ManifoldLab { inner: ManifoldTrainer::new(s, drawn.as_deref()).map_err(js)? })
    }

    /// Runs `k` mini-batches; returns `{loss, recon, penalty, epoch, steps, warning}` (means
    /// over the k; warning as `Trainer.step`). Throws "training diverged: …" as `Trainer.step`.
    pub fn step(&mut self, k: u32) -> Result<JsValue, JsError> {
        object(&self.inner.step(k).map_err(js)?, vec![])
    }

    /// Changes Adam's learning rate (0 < lr ≤ 1); training continues from where it is.
    pub fn set_lr(&mut self, lr: f32) -> Result<(), JsError> {
        self.inner.set_lr(lr).map_err(js)
    }

    /// The training points `[n, 2]` (copy).
    pub fn data(&self) -> Vec<f32> {
        self.inner.data().to_vec()
    }

    /// The fixed corrupted points x + σ·ε of fig 16 `[n, 2]` (the same for every variant of a seed).
    pub fn corrupted(&self) -> Vec<f32> {
        self.inner.corrupted()
    }

    /// g(f(x)) of points `x: [k, 2]` (the reconstructions, or the arrow heads of the field).
    pub fn reconstruct(&mut self, x: &[f32]) -> Result<Vec<f32>, JsError> {
        self.inner.reconstruct(x).map_err(js)
    }

    /// The exact Jacobian ∂h/∂x at points `x: [k, 2]`, as `[k, code, 2]`.
    pub fn jacobian(&mut self, x: &[f32]) -> Result<Vec<f32>, JsError> {
        self.inner.jacobian(x).map_err(js)
    }

    /// The learned manifold: the decoder's image of a code sweep, polylines of `k` points each
    /// (`[lines·k, 2]`; one line for code size 1, a 9 + 9 mesh otherwise).
    pub fn sweep(&mut self, k: usize) -> Result<Vec<f32>, JsError> {
        self.inner.sweep(k).map_err(js)
    }

    /// The model as a safetensors file (Uint8Array) under PyTorch's `state_dict` names
    /// (`encoder.0.weight` `[width, 2]`, …), in `dtype` "f32" (exact) | "f16" | "bf16", with the
    /// lab's settings and `{steps, final_loss, eval_loss}` (steps: a loaded file's plus this lab's).
    pub fn save_weights(&mut self, dtype: &str) -> Result<Vec<u8>, JsError> {
        let dtype = Dtype::parse(dtype).map_err(js)?;
        self.inner.save_weights(dtype).map_err(js)
    }

    /// Loads a 2-D lab file saved with this lab's settings (the learning rate may differ; a
    /// drawn curve needs the same stroke) into the model, with a fresh Adam. Returns the file's
    /// provenance `{steps, final_loss, eval_loss, crate_version, stroke}`. Throws with the reason
    /// (an MNIST file, other settings, another stroke, a damaged file), the lab untouched.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<JsValue, JsError> {
        let prov = self.inner.load_weights(bytes).map_err(js)?;
        // Through JSON text, so the f32 losses reach the page as written.
        let text = serde_json::to_string(&prov).map_err(|e| JsError::new(&format!("cannot describe the weights file: {e}")))?;
        js_sys::JSON::parse(&text).map_err(|_| JsError::new("cannot describe the weights file"))
    }

    /// Steps the model has trained: a loaded file's plus those taken here.
    #[wasm_bindgen(getter)]
    pub fn total_steps(&self) -> f64 {
        self.inner.total_steps() as f64
    }

    /// Code size.
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> usize {
        self.inner.settings().code
    }
}

/// The centres of a `g × g` grid over the lab's view box `[-1.5, 1.5]²`, row by row from the
/// top, `[g², 2]`.
#[wasm_bindgen(js_name = manifoldGrid)]
pub fn manifold_grid(g: usize) -> Result<Vec<f32>, JsError> {
    if !(1..=512).contains(&g) {
        return Err(JsError::new(&format!("grid size must be between 1 and 512, got {g}")));
    }
    Ok(grid_points(g))
}
