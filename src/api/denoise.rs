//! The denoising panel's block of the façade (www/panels/denoise*.js): corruptions of chosen
//! strength, inpainting by energy minimisation, and the OpenCV face-off's conversions and scores
//! (src/labs/inpaint.rs).

use super::{js, object, Trainer};
use crate::labs::inpaint;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Trainer {
    /// The images `idx` corrupted by `kind` ("dropout", "gaussian", "salt_pepper", "square",
    /// "none") of `strength` (p, σ or the square's side), independent of the training settings.
    /// Image k draws from seed `seed + k`. Returns `[corrupted (k·784) | masks (k·784)]` in one
    /// Float32Array; masks: dropout 0 or 1/(1 − p), others 1 kept / 0 changed. Throws on a bad
    /// kind, strength or index.
    pub fn corrupt_rows(&self, idx: &[u32], kind: &str, strength: f32, seed: u32) -> Result<Vec<f32>, JsError> {
        let data = self.inner.data();
        let c = inpaint::corruption_from(kind, strength, data.rows(), data.cols()).map_err(js)?;
        let x = self.inner.inputs(idx).map_err(js)?;
        let (lo, hi) = self.inner.range();
        let (mut xc, mask) = inpaint::corrupt_rows(&x, c, data.rows(), data.cols(), lo, hi, seed as u64).map_err(js)?;
        xc.extend_from_slice(&mask);
        Ok(xc)
    }

    /// Inpainting by energy minimisation of one image `x` (784 values) on the pixels where
    /// `unknown` is non-zero, the others clamped: `iters` iterations of `method` ("projection":
    /// x_U ← D(E(x))_U; "gradient": descent on ‖x − D(E(x))‖² w.r.t. x_U), first step `step`, with
    /// backtracking so the energy never increases. Returns `[x (784) | energy (iters + 1) | step]`:
    /// the image after the iterations, E before and after each, and the step to continue with.
    pub fn inpaint_rows(&mut self, x: &[f32], unknown: &[f32], method: &str, iters: u32, step: f32) -> Result<Vec<f32>, JsError> {
        let method = inpaint::Method::parse(method).map_err(js)?;
        let (lo, hi) = self.inner.range();
        let r = inpaint::minimise(self.inner.model_mut(), x, unknown, method, iters as usize, step, lo, hi).map_err(js)?;
        let mut out = r.x;
        out.extend_from_slice(&r.energy);
        out.push(r.step);
        Ok(out)
    }

    /// The notebook's OpenCV inputs of corrupted images `xc` and their dropout `mask` (each
    /// `[k, 784]`, p = 0.5): Uint8Array `[images (k·784) | masks (k·784)]`, image bytes
    /// ⌊clamp((x̃/4 + ½)·255)⌋, mask 1 where the pixel was dropped (OpenCV inpaints those).
    pub fn faceoff_to_cv(&self, xc: &[f32], mask: &[f32]) -> Result<Vec<u8>, JsError> {
        if xc.len() != mask.len() {
            return Err(JsError::new(&format!("images and masks differ in length: {} and {}", xc.len(), mask.len())));
        }
        let mut out = inpaint::notebook_cv_image(xc);
        out.extend(inpaint::notebook_cv_mask(mask));
        Ok(out)
    }

    /// An 8-bit OpenCV result back in the model's [−1, 1]: v/255·2 − 1 (Float32Array).
    pub fn faceoff_from_cv(&self, bytes: &[u8]) -> Vec<f32> {
        inpaint::from_cv_image(bytes)
    }

    /// `{masked, whole}`: the mean squared error of `y` against `x` over the pixels where `sel`
    /// (Uint8Array) is non-zero (NaN when none is), and over all.
    pub fn faceoff_mse(&self, y: &[f32], x: &[f32], sel: &[u8]) -> Result<JsValue, JsError> {
        if y.len() != x.len() || sel.len() != x.len() {
            return Err(JsError::new(&format!("y, x and sel must have one value per pixel, got {}, {} and {}", y.len(), x.len(), sel.len())));
        }
        let sel: Vec<bool> = sel.iter().map(|&s| s != 0).collect();
        let (masked, whole) = inpaint::masked_mse(y, x, &sel);
        object(&MseResult { masked, whole }, vec![])
    }
}

/// What `faceoff_mse` returns.
#[derive(Serialize)]
struct MseResult {
    masked: f64,
    whole: f64,
}
