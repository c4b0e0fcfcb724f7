//! The latent-space panel's block of the façade (www/panels/latent*.js): interpolation, the map
//! of codes and its way back, drawing preprocessing, one-image probes and anomaly detection
//! (src/labs/latent.rs).

use super::{f32s, js, object, Trainer};
use crate::labs::latent;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The scalar fields of `latent_map`.
#[derive(Serialize)]
struct MapScalars {
    explained: f32,
    method: &'static str,
}

/// The scalar field of `latent_probe`.
#[derive(Serialize)]
struct ProbeScalars {
    error: f32,
}

/// The scalar fields of `latent_anomalies` (`auc` per kind, NaN for "digits" and empty kinds).
#[derive(Serialize)]
struct AnomalyScalars {
    kinds: [&'static str; 6],
    auc: Vec<f64>,
    auc_all: f64,
}

#[wasm_bindgen]
impl Trainer {
    /// Lecture figs 3–4 between images `a` and `b` (784 values each, model range), at each α of
    /// `alphas` (k values in [0, 1]): Float32Array `[2·k, 784]`, the k pixel-space rows
    /// (1−α)·a + α·b, then the k latent-space rows D((1−α)·E(a) + α·E(b)).
    pub fn latent_interpolate(&mut self, a: &[f32], b: &[f32], alphas: &[f32]) -> Result<Vec<f32>, JsError> {
        latent::interpolate(&mut self.inner, a, b, alphas).map_err(js)
    }

    /// The latent map of images `idx`: `{xy: Float32Array [k, 2], labels: Uint8Array [k],
    /// explained, method, mean: [d], components: [2, d]}` — the code itself for d = 2, (code,
    /// label + jitter) for d = 1, else the first two principal components of the k codes;
    /// `explained` is their share of the variance.
    pub fn latent_map(&mut self, idx: &[u32]) -> Result<JsValue, JsError> {
        let (m, labels) = latent::map(&mut self.inner, idx).map_err(js)?;
        object(
            &MapScalars { explained: m.explained, method: m.method },
            vec![
                ("xy", f32s(&m.xy)),
                ("labels", js_sys::Uint8Array::from(labels.as_slice()).into()),
                ("mean", f32s(&m.mean)),
                ("components", f32s(&m.components)),
            ],
        )
    }

    /// Images D(mean + z₁·v₁ + z₂·v₂) of map points `xy` `[m, 2]`, with the `mean` and
    /// `components` a `latent_map` returned: Float32Array `[m, 784]` (what lies between the dots).
    pub fn latent_decode_xy(&mut self, mean: &[f32], components: &[f32], xy: &[f32]) -> Result<Vec<f32>, JsError> {
        latent::decode_map_points(&mut self.inner, mean, components, xy).map_err(js)
    }

    /// MNIST-like preprocessing of a drawing (`ink` `[h, w]`, 0 paper … 1 ink): bounding box to
    /// 20 px, centre of mass to (14, 14) of 28×28, 3×3 Gaussian blur σ = 0.6, in the model's
    /// range. Float32Array [784]. Throws on an empty drawing or bad sizes.
    pub fn latent_preprocess(&self, ink: &[f32], w: usize, h: usize) -> Result<Vec<f32>, JsError> {
        let (lo, hi) = self.inner.range();
        latent::preprocess_drawing(ink, w, h, lo, hi).map_err(js)
    }

    /// One image `x` (784 values) through the model: `{recon: [784], code: [d], heat: [784]
    /// = (x̂ − x)², error = mean of heat}`.
    pub fn latent_probe(&mut self, x: &[f32]) -> Result<JsValue, JsError> {
        let p = latent::probe(&mut self.inner, x).map_err(js)?;
        object(&ProbeScalars { error: p.error }, vec![("recon", f32s(&p.recon)), ("code", f32s(&p.code)), ("heat", f32s(&p.heat))])
    }

    /// Anomaly detection by reconstruction error, in one pass: `normal` test digits, `per_kind`
    /// images of each generated anomaly (uniform noise, inverted, shifted by (`shift`, `shift`)
    /// px, rotated by `angle`°), and the user's `drawn` rows `[k, 784]`. Returns `{kinds: [6
    /// names], errors: [6 Float32Array], examples: [6 Float32Array [≤12, 784]], auc: [6]
    /// (NaN for "digits" and empty kinds), auc_all, normal_indices: Uint32Array}`.
    pub fn latent_anomalies(&mut self, normal: usize, per_kind: usize, shift: i32, angle: f32, drawn: &[f32]) -> Result<JsValue, JsError> {
        let p = latent::AnomalyParams { normal, per_kind, shift: shift as i64, angle, ..Default::default() };
        let r = latent::anomaly_report(&mut self.inner, &p, drawn).map_err(js)?;
        let list = |v: &[Vec<f32>]| JsValue::from(v.iter().map(|x| f32s(x)).collect::<js_sys::Array>());
        object(
            &AnomalyScalars { kinds: latent::KINDS, auc: r.auc.clone(), auc_all: r.auc_all },
            vec![
                ("errors", list(&r.errors)),
                ("examples", list(&r.examples)),
                ("normal_indices", js_sys::Uint32Array::from(r.normal_indices.as_slice()).into()),
            ],
        )
    }

    /// Precision and recall of "anomalous if error > `threshold`" for the `normal` and
    /// `anomalous` errors: `{tp, fp, precision, recall}` (precision NaN when nothing is flagged,
    /// recall NaN without anomalies).
    pub fn latent_precision_recall(&self, normal: &[f32], anomalous: &[f32], threshold: f32) -> Result<JsValue, JsError> {
        object(&latent::precision_recall(normal, anomalous, threshold), vec![])
    }
}
