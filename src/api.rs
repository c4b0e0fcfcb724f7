//! The wasm-bindgen façade: the only module that knows about JavaScript. JS holds one opaque
//! `Trainer`; settings come in through serde-wasm-bindgen, images come in once as bytes, and
//! arrays go out as typed-array copies. Every fallible call returns `Result<_, JsError>` whose
//! message is meant for the page.

use crate::data::Dataset;
use crate::error::Error;
use crate::train::{self, Settings};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod datasets;
pub use datasets::DataSets;

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
    // Through a JSON value so that serde's `deny_unknown_fields` sees every key: a misspelt
    // setting is an error, not silently the default.
    let v: serde_json::Value = serde_wasm_bindgen::from_value(settings).map_err(|e| JsError::new(&format!("bad settings: {e}")))?;
    serde_json::from_value(v).map_err(|e| JsError::new(&format!("bad settings: {e}")))
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

    /// Number of training images.
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

// =============================================================================================
// The 2-D manifold lab (www/manifold.html): one `ManifoldLab` handle per variant.

/// One 2-D manifold lab (src/manifold.rs): points on a curve and one autoencoder trained on them
/// as a standard, denoising or contractive AE. Points cross as `[k, 2]` Float32Arrays.
#[wasm_bindgen]
pub struct ManifoldLab {
    inner: crate::manifold::ManifoldTrainer,
}

#[wasm_bindgen]
impl ManifoldLab {
    /// `new ManifoldLab(settings, drawn)`: `settings` a plain object `{variant, curve, points,
    /// noise, sigma, lambda, width, depth, code, lr, batch, seed}` (missing keys take the
    /// defaults), `drawn` the user's stroke as a Float32Array `[k, 2]` when `curve` is "drawn".
    /// Throws on bad settings or a bad stroke.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue, drawn: Option<Vec<f32>>) -> Result<ManifoldLab, JsError> {
        let s: crate::manifold::ManifoldSettings = if settings.is_undefined() || settings.is_null() {
            Default::default()
        } else {
            // Through a JSON value, so `deny_unknown_fields` sees every key.
            let v: serde_json::Value =
                serde_wasm_bindgen::from_value(settings).map_err(|e| JsError::new(&format!("bad settings: {e}")))?;
            serde_json::from_value(v).map_err(|e| JsError::new(&format!("bad settings: {e}")))?
        };
        Ok(ManifoldLab { inner: crate::manifold::ManifoldTrainer::new(s, drawn.as_deref()).map_err(js)? })
    }

    /// Runs `k` mini-batches; returns `{loss, recon, penalty, epoch, steps}` (means over the k).
    pub fn step(&mut self, k: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.step(k).map_err(js)?)
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
    Ok(crate::manifold::grid_points(g))
}

/// Half-width of the lab's view box (1.5).
#[wasm_bindgen(js_name = manifoldView)]
pub fn manifold_view() -> f32 {
    crate::manifold::VIEW
}

// ---- issue 6: capacity and regularisation (src/capacity.rs) ----

#[wasm_bindgen]
impl Trainer {
    /// Off-manifold probes of image `i`, `[k, 784]` in the model's range: uniform noise, the
    /// inverted digit, the digit shifted by (6, 6), a boxed ×, then the user's drawing
    /// (`drawn`: 784 values in [0, 1]) if given.
    pub fn capacity_probes(&self, i: u32, drawn: Option<Vec<f32>>) -> Result<Vec<f32>, JsError> {
        crate::capacity::probes(&self.inner, i, drawn.as_deref()).map_err(js)
    }

    /// Per-row MSE of D(E(x)) against x for rows `x` (`[k, 784]`): Float32Array `[k]`.
    pub fn capacity_errors(&mut self, x: &[f32]) -> Result<Vec<f32>, JsError> {
        crate::capacity::reconstruction_errors(&mut self.inner, x).map_err(js)
    }

    /// The capacity report on the first `count` images: `{d, count, sizes: {image_bytes,
    /// f32_bytes, u8_bytes, ratio_f32, ratio_u8}, mse, psnr, mse_u8, psnr_u8, probe_mse,
    /// jacobian_frob2, lambda}` (see capacity::Report).
    pub fn capacity_report(&mut self, count: usize) -> Result<JsValue, JsError> {
        to_js(&crate::capacity::report(&mut self.inner, count).map_err(js)?)
    }

    /// PCA with `k` components fitted on the first `fit_rows` images, errors on the first
    /// `count`: `{k, fit_rows, count, explained_variance, total_variance, explained_ratio, mse,
    /// psnr, components: Float32Array [k, 784]}`.
    pub fn capacity_pca(&self, k: usize, fit_rows: usize, count: usize) -> Result<JsValue, JsError> {
        let r = crate::capacity::pca_report(&self.inner, k, fit_rows, count).map_err(js)?;
        let out = to_js(&r)?;
        let comps = js_sys::Float32Array::from(r.components.as_slice());
        js_sys::Reflect::set(&out, &JsValue::from_str("components"), &comps).map_err(|_| JsError::new("could not build the PCA result"))?;
        Ok(out)
    }
}

// ---- issue 4: denoising, kernels and inpainting (src/inpaint.rs, www/panels/denoise.js) ----
#[wasm_bindgen]
impl Trainer {
    /// The images `idx` corrupted by `kind` ("dropout", "gaussian", "salt_pepper", "square",
    /// "none") of `strength` (p, σ or the square's side), independent of the training settings.
    /// Image k draws from seed `seed + k`. Returns `[corrupted (k·784) | masks (k·784)]` in one
    /// Float32Array; masks: dropout 0 or 1/(1 − p), others 1 kept / 0 changed. Throws on a bad
    /// kind, strength or index.
    pub fn corrupt_rows(&self, idx: &[u32], kind: &str, strength: f32, seed: u32) -> Result<Vec<f32>, JsError> {
        let data = self.inner.data();
        let c = crate::inpaint::corruption_from(kind, strength, data.rows(), data.cols()).map_err(js)?;
        let x = self.inner.inputs(idx).map_err(js)?;
        let (lo, hi) = self.inner.range();
        let (mut xc, mask) = crate::inpaint::corrupt_rows(&x, c, data.rows(), data.cols(), lo, hi, seed as u64).map_err(js)?;
        xc.extend_from_slice(&mask);
        Ok(xc)
    }

    /// Inpainting by energy minimisation of one image `x` (784 values) on the pixels where
    /// `unknown` is non-zero, the others clamped: `iters` iterations of `method` ("projection":
    /// x_U ← D(E(x))_U; "gradient": descent on ‖x − D(E(x))‖² w.r.t. x_U), first step `step`, with
    /// backtracking so the energy never increases. Returns `[x (784) | energy (iters + 1) | step]`:
    /// the image after the iterations, E before and after each, and the step to continue with.
    pub fn inpaint_rows(&mut self, x: &[f32], unknown: &[f32], method: &str, iters: u32, step: f32) -> Result<Vec<f32>, JsError> {
        let method = crate::inpaint::Method::parse(method).map_err(js)?;
        let (lo, hi) = self.inner.range();
        let r = crate::inpaint::minimise(self.inner.model_mut(), x, unknown, method, iters as usize, step, lo, hi).map_err(js)?;
        let mut out = r.x;
        out.extend_from_slice(&r.energy);
        out.push(r.step);
        Ok(out)
    }
}

// ---- issue 5: latent space — interpolation, codes, drawing, anomalies (src/latent.rs, www/panels/latent*.js) ----

/// `{key: value, ...}` as a plain JS object (typed arrays stay typed arrays).
fn latent_object(fields: Vec<(&str, JsValue)>) -> Result<JsValue, JsError> {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), &v).map_err(|_| JsError::new("could not build the result object"))?;
    }
    Ok(o.into())
}

fn latent_f32(v: &[f32]) -> JsValue {
    js_sys::Float32Array::from(v).into()
}

#[wasm_bindgen]
impl Trainer {
    /// Lecture figs 3–4 between images `a` and `b` (784 values each, model range), at each α of
    /// `alphas` (k values in [0, 1]): Float32Array `[2·k, 784]`, the k pixel-space rows
    /// (1−α)·a + α·b, then the k latent-space rows D((1−α)·E(a) + α·E(b)).
    pub fn latent_interpolate(&mut self, a: &[f32], b: &[f32], alphas: &[f32]) -> Result<Vec<f32>, JsError> {
        crate::latent::interpolate(&mut self.inner, a, b, alphas).map_err(js)
    }

    /// The latent map of images `idx`: `{xy: Float32Array [k, 2], labels: Uint8Array [k],
    /// explained, method, mean: [d], components: [2, d]}` — the code itself for d = 2, (code, label + jitter) for d = 1, else the
    /// first two principal components of the k codes; `explained` is their share of the variance.
    pub fn latent_map(&mut self, idx: &[u32]) -> Result<JsValue, JsError> {
        let x = self.inner.inputs(idx).map_err(js)?;
        let codes = self.inner.encode_rows(&x).map_err(js)?;
        let labels: Vec<u8> = idx.iter().map(|&i| self.inner.test_data().label(i as usize)).collect();
        let d = self.inner.settings().d;
        let m = crate::latent::map_projection(&codes, idx.len(), d, &labels).map_err(js)?;
        let method = match d {
            1 => "code",
            2 => "code",
            _ if d <= crate::latent::EXACT_PCA_MAX_D => "pca",
            _ => "pca-subspace",
        };
        latent_object(vec![
            ("xy", latent_f32(&m.xy)),
            ("labels", js_sys::Uint8Array::from(labels.as_slice()).into()),
            ("explained", JsValue::from_f64(m.explained as f64)),
            ("method", JsValue::from_str(method)),
            ("mean", latent_f32(&m.mean)),
            ("components", latent_f32(&m.components)),
        ])
    }

    /// Images D(mean + z₁·v₁ + z₂·v₂) of map points `xy` `[m, 2]`, with the `mean` and
    /// `components` a `latent_map` returned: Float32Array `[m, 784]` (what lies between the dots).
    pub fn latent_decode_xy(&mut self, mean: &[f32], components: &[f32], xy: &[f32]) -> Result<Vec<f32>, JsError> {
        crate::latent::decode_map_points(&mut self.inner, mean, components, xy).map_err(js)
    }

    /// MNIST-like preprocessing of a drawing (`ink` `[h, w]`, 0 paper … 1 ink): bounding box to
    /// 20 px, centre of mass to (14, 14) of 28×28, 3×3 Gaussian blur σ = 0.6, in the model's
    /// range. Float32Array [784]. Throws on an empty drawing or bad sizes.
    pub fn latent_preprocess(&self, ink: &[f32], w: usize, h: usize) -> Result<Vec<f32>, JsError> {
        let (lo, hi) = self.inner.range();
        crate::latent::preprocess_drawing(ink, w, h, lo, hi).map_err(js)
    }

    /// One image `x` (784 values) through the model: `{recon: [784], code: [d], heat: [784]
    /// = (x̂ − x)², error = mean of heat}`.
    pub fn latent_probe(&mut self, x: &[f32]) -> Result<JsValue, JsError> {
        let p = crate::latent::probe(&mut self.inner, x).map_err(js)?;
        latent_object(vec![
            ("recon", latent_f32(&p.recon)),
            ("code", latent_f32(&p.code)),
            ("heat", latent_f32(&p.heat)),
            ("error", JsValue::from_f64(p.error as f64)),
        ])
    }

    /// Anomaly detection by reconstruction error, in one pass: `normal` test digits, `per_kind`
    /// images of each generated anomaly (uniform noise, inverted, shifted by (`shift`, `shift`)
    /// px, rotated by `angle`°), and the user's `drawn` rows `[k, 784]`. Returns `{kinds: [6
    /// names], errors: [6 Float32Array], examples: [6 Float32Array [≤12, 784]], auc: [6]
    /// (NaN for "digits" and empty kinds), auc_all, normal_indices: Uint32Array}`.
    pub fn latent_anomalies(&mut self, normal: usize, per_kind: usize, shift: i32, angle: f32, drawn: &[f32]) -> Result<JsValue, JsError> {
        let p = crate::latent::AnomalyParams { normal, per_kind, shift: shift as i64, angle, ..Default::default() };
        let r = crate::latent::anomaly_report(&mut self.inner, &p, drawn).map_err(js)?;
        let kinds = js_sys::Array::new();
        let errors = js_sys::Array::new();
        let examples = js_sys::Array::new();
        let auc = js_sys::Array::new();
        let mut all_anomalies = vec![];
        for (i, name) in crate::latent::KINDS.iter().enumerate() {
            kinds.push(&JsValue::from_str(name));
            errors.push(&latent_f32(&r.errors[i]));
            examples.push(&latent_f32(&r.examples[i]));
            let a = if i == 0 { f64::NAN } else { crate::latent::roc_auc(&r.errors[0], &r.errors[i]).unwrap_or(f64::NAN) };
            auc.push(&JsValue::from_f64(a));
            if i > 0 {
                all_anomalies.extend_from_slice(&r.errors[i]);
            }
        }
        let auc_all = crate::latent::roc_auc(&r.errors[0], &all_anomalies).unwrap_or(f64::NAN);
        latent_object(vec![
            ("kinds", kinds.into()),
            ("errors", errors.into()),
            ("examples", examples.into()),
            ("auc", auc.into()),
            ("auc_all", JsValue::from_f64(auc_all)),
            ("normal_indices", js_sys::Uint32Array::from(r.normal_indices.as_slice()).into()),
        ])
    }
}
