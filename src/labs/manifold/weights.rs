//! A 2-D lab's model as a safetensors file, and back: the same PyTorch `nn.Sequential` names
//! and the same reader and writer as the MNIST models (`crate::weights`: `encoder.0.weight`
//! `[width, 2]`, `encoder.0.bias`, …, `decoder.N.weight` `[2, width]`), with the input width 2,
//! the lab's `ManifoldSettings` and a provenance (steps trained, final loss) in `__metadata__`
//! under `lab` = `LAB`. Used by the page's pretrained models (CLI `manifold-train`), the
//! kept copy a replaced worker gets back, and the tests.
//!
//! Loading is for a lab that exists: the file must be a 2-D lab file whose settings build the
//! same model on the same points (the learning rate may differ; σ counts only for the
//! denoising variant, λ only for the contractive one), and for a drawn curve, the same stroke.
//! Everything is checked on a new model before the lab's is touched.

use super::{ManifoldSettings, ManifoldTrainer};
use crate::autoencoder::Autoencoder;
use crate::data::curves::Curve;
use crate::error::{Error, Result};
use crate::guard::Guard;
use crate::optim::{OptimConfig, Optimizer};
use crate::rng::Rng;
use crate::train::Variant;
use crate::weights::{self, bad, Dtype, FORMAT};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The `lab` metadata key of a 2-D lab file.
pub const LAB: &str = "2-D manifold";

/// Where a 2-D model came from, stored as JSON in the file's metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifoldProvenance {
    /// Version of this crate that wrote the file.
    pub crate_version: String,
    /// Mini-batches the model has trained, over every session (a loaded model's count carries on).
    pub steps: u64,
    /// Mean training loss of the last `step(k)` call (reconstruction + penalty).
    pub final_loss: Option<f32>,
    /// `ManifoldTrainer::evaluate` when the file was written (deterministic: every point once).
    pub eval_loss: Option<f32>,
    /// For a drawn curve, the stroke's fingerprint (`stroke_fingerprint`); None otherwise.
    pub stroke: Option<String>,
}

/// A 2-D model read from a file.
#[derive(Clone, Debug)]
pub struct LoadedManifold {
    pub model: Autoencoder,
    pub settings: ManifoldSettings,
    pub provenance: ManifoldProvenance,
    /// Element type found in the file ("F32", "F16", "BF16", "F64").
    pub dtype: String,
}

/// FNV-1a (64 bits) of a drawn stroke's f32 values `[k, 2]` and its point count:
/// "fnv1a64:0123456789abcdef/k". The same stroke gives the same text on every build.
pub fn stroke_fingerprint(stroke: &[f32]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stroke.iter().flat_map(|v| v.to_bits().to_le_bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}/{}", stroke.len() / 2)
}

/// The model with its settings and provenance as safetensors (`dtype` F32 for an exact copy).
pub fn to_bytes(model: &Autoencoder, settings: &ManifoldSettings, provenance: &ManifoldProvenance, dtype: Dtype) -> Result<Vec<u8>> {
    let mut prov = provenance.clone();
    prov.crate_version = env!("CARGO_PKG_VERSION").to_string();
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Data(format!("cannot write metadata: {e}")));
    let mut meta = HashMap::new();
    meta.insert("format".to_string(), FORMAT.to_string());
    meta.insert("lab".to_string(), LAB.to_string());
    meta.insert("settings".to_string(), json(serde_json::to_string(settings))?);
    meta.insert("provenance".to_string(), json(serde_json::to_string(&prov))?);
    weights::stack_to_bytes(model, meta, dtype)
}

/// Reads a 2-D lab file into a new model. Refuses (with a sentence) anything else: an MNIST
/// model, a file without our metadata, settings that do not validate or do not describe the
/// tensors' widths, non-finite values.
pub fn from_bytes(bytes: &[u8]) -> Result<LoadedManifold> {
    let p = weights::parse(bytes)?;
    match p.lab() {
        Some(LAB) => {}
        Some(weights::MNIST_LAB) => {
            return Err(bad("this file holds an MNIST autoencoder (28×28 = 784 inputs), not a model of the 2-D lab: load it on the training page"));
        }
        Some(other) => return Err(bad(format!("this file holds a model of the {other} lab, not of the 2-D lab"))),
        None => return Err(bad(format!("it has no 2-D lab metadata; the {LAB} lab loads only files it saved itself (its settings rebuild the points)"))),
    }
    let widths = p.chain(2, "the 2-D lab's models take 2 inputs (x, y)")?;
    let get = |k: &str| p.meta.get(k).map(String::as_str).unwrap_or("{}");
    let settings: ManifoldSettings =
        serde_json::from_str(get("settings")).map_err(|e| bad(format!("the settings in the metadata cannot be read ({e})")))?;
    settings.validate().map_err(|e| bad(format!("the settings in the metadata are invalid: {e}")))?;
    let provenance: ManifoldProvenance =
        serde_json::from_str(get("provenance")).map_err(|e| bad(format!("the provenance in the metadata cannot be read ({e})")))?;
    let config = settings.ae_config();
    let mut want = vec![2];
    want.extend(&config.hidden);
    want.push(config.code);
    if want != widths {
        return Err(bad(format!("the metadata's settings describe widths {want:?} but the tensors chain as {widths:?}")));
    }
    let mut model = Autoencoder::new(config, settings.batch.min(settings.points), &mut Rng::new(0))?;
    p.fill(&mut model)?;
    Ok(LoadedManifold { model, settings, provenance, dtype: p.dtype() })
}

/// The first setting in which `file` builds another model than `lab` does, as "name: file's
/// value vs lab's value"; None when they build the same one. The learning rate never counts
/// (it only sets the pace); σ counts only for the denoising variant, λ only for the
/// contractive one (as www/kit/models.js `sameSettings`).
pub fn differing_setting(file: &ManifoldSettings, lab: &ManifoldSettings) -> Option<String> {
    let ignore = |k: &str| {
        k == "lr" || (k == "sigma" && lab.variant != Variant::Denoising) || (k == "lambda" && lab.variant != Variant::Contractive)
    };
    let (a, b) = (serde_json::to_value(file).ok()?, serde_json::to_value(lab).ok()?);
    let (a, b) = (a.as_object()?, b.as_object()?);
    a.iter().filter(|(k, _)| !ignore(k)).find(|(k, v)| b.get(*k) != Some(*v)).map(|(k, v)| format!("{k} {v} in the file, {} here", b[k]))
}

impl ManifoldTrainer {
    /// The model as a safetensors file with this lab's settings, its steps (a loaded model's
    /// plus those trained here), last training loss and evaluation loss.
    pub fn save_weights(&mut self, dtype: Dtype) -> Result<Vec<u8>> {
        let provenance = ManifoldProvenance {
            steps: self.total_steps(),
            final_loss: self.last_loss,
            eval_loss: Some(self.evaluate()?),
            stroke: self.stroke.clone(),
            ..ManifoldProvenance::default()
        };
        to_bytes(&self.model, &self.settings, &provenance, dtype)
    }

    /// Loads a 2-D lab file saved with this lab's settings (see `differing_setting`) into the
    /// model; a fresh Adam at this lab's learning rate, the points and the data stream as they
    /// were. Returns the file's provenance. A refused file leaves the lab untouched.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<ManifoldProvenance> {
        let l = from_bytes(bytes)?;
        if let Some(d) = differing_setting(&l.settings, &self.settings) {
            return Err(bad(format!("the model was trained with other settings ({d}); change the settings to the file's, or Reset")));
        }
        if l.settings.curve == Curve::Drawn && l.provenance.stroke != self.stroke {
            return Err(bad("the model was trained on another drawn curve; it only loads into a lab with that same stroke"));
        }
        for (dst, src) in self.model.enc.iter_mut().chain(self.model.dec.iter_mut()).zip(l.model.enc.iter().chain(&l.model.dec)) {
            dst.w.assign(&src.w);
            dst.b.assign(&src.b);
        }
        self.opt = Optimizer::new(OptimConfig::adam(self.settings.lr));
        let floor = super::constant_point_loss(&self.data);
        self.guard = Guard::new(&mut self.model, &self.cursor, &self.rng, move || floor);
        self.prior_steps = l.provenance.steps;
        self.last_loss = l.provenance.final_loss;
        Ok(l.provenance)
    }
}
