//! The 2-D manifold lab's block of the façade (www/manifold.html): one `ManifoldLab` handle per
//! variant, and the grid of the view box the vector field is drawn on.

use super::{js, object, parse};
use crate::data::curves::grid_points;
use crate::labs::manifold::{ManifoldSettings, ManifoldTrainer};
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
