//! Writing a model as safetensors: every layer's weight `[out, in]` and bias `[out]` under its
//! `state_dict` name, little-endian, in the chosen dtype, plus our metadata.

use super::{tensor_name, Dtype, Provenance, FORMAT};
use crate::autoencoder::Autoencoder;
use crate::error::{Error, Result};
use crate::train::Settings;
use half::{bf16, f16};
use safetensors::View;
use std::borrow::Cow;
use std::collections::HashMap;

/// One tensor's bytes, ready for `safetensors::serialize`.
struct Owned {
    dtype: safetensors::Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl View for &Owned {
    fn dtype(&self) -> safetensors::Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// `values` as little-endian `dtype` bytes. Errors if a finite value would not fit (F16 tops out
/// at 65504), so a written file never holds an Inf the model did not have.
fn encode(name: &str, values: &[f32], shape: Vec<usize>, dtype: Dtype) -> Result<Owned> {
    let mut data = Vec::with_capacity(values.len() * 4);
    let st = match dtype {
        Dtype::F32 => {
            values.iter().for_each(|v| data.extend(v.to_le_bytes()));
            safetensors::Dtype::F32
        }
        Dtype::F16 => {
            for &v in values {
                let h = f16::from_f32(v);
                if h.is_infinite() && v.is_finite() {
                    return Err(Error::Data(format!("{name}: the value {v} does not fit in F16 (largest 65504); save as f32")));
                }
                data.extend(h.to_le_bytes());
            }
            safetensors::Dtype::F16
        }
        Dtype::Bf16 => {
            values.iter().for_each(|&v| data.extend(bf16::from_f32(v).to_le_bytes()));
            safetensors::Dtype::BF16
        }
    };
    Ok(Owned { dtype: st, shape, data })
}

/// The model as a safetensors file. `settings` must be the ones the model was built with (they
/// are stored so the playground rebuilds the same model); `provenance` is stored as given, with
/// this crate's version filled in. Tied models are written with the full decoder matrix.
pub fn to_bytes(model: &Autoencoder, settings: &Settings, provenance: &Provenance, dtype: Dtype) -> Result<Vec<u8>> {
    let mut prov = provenance.clone();
    prov.crate_version = env!("CARGO_PKG_VERSION").to_string();
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Data(format!("cannot write metadata: {e}")));
    let mut meta = HashMap::new();
    meta.insert("format".to_string(), FORMAT.to_string());
    meta.insert("settings".to_string(), json(serde_json::to_string(settings))?);
    meta.insert("provenance".to_string(), json(serde_json::to_string(&prov))?);
    meta.insert("tied".to_string(), model.config.tied.to_string());
    stack_to_bytes(model, meta, dtype)
}

/// Any model's layers under their `state_dict` names, with `meta` as `__metadata__`: the one
/// writer of MNIST models (`to_bytes`) and the 2-D lab's (`labs::manifold::weights`).
pub(crate) fn stack_to_bytes(model: &Autoencoder, meta: HashMap<String, String>, dtype: Dtype) -> Result<Vec<u8>> {
    let mut tensors = vec![];
    for (stack, layers) in [("encoder", &model.enc), ("decoder", &model.dec)] {
        for (i, l) in layers.iter().enumerate() {
            let w = l.w.as_standard_layout();
            let wname = tensor_name(stack, i, "weight");
            tensors.push((wname.clone(), encode(&wname, w.as_slice().unwrap(), vec![l.out(), l.inp()], dtype)?));
            let bname = tensor_name(stack, i, "bias");
            tensors.push((bname.clone(), encode(&bname, l.b.as_slice().unwrap(), vec![l.out()], dtype)?));
        }
    }
    let views = tensors.iter().map(|(n, t)| (n.as_str(), t));
    let bytes = safetensors::serialize(views, Some(meta)).map_err(|e| Error::Data(format!("cannot write safetensors: {e}")))?;
    Ok(sorted_header(bytes))
}

/// The same file with its JSON header's keys in sorted order. `safetensors::serialize` writes the
/// metadata from a `HashMap`, so two saves of one model differed in the order of its keys (and
/// `make pretrained` rewrote unchanged models). Re-serialising through `serde_json::Value`
/// (a `BTreeMap` without serde_json's `preserve_order`) sorts every object's keys; the header
/// holds only strings and integers, so the text has the same length and the padding, the
/// 8-byte length prefix and the tensor bytes stay as they are. Left unchanged if that ever
/// does not hold.
fn sorted_header(mut bytes: Vec<u8>) -> Vec<u8> {
    let n = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let header = &bytes[8..8 + n];
    let text_len = header.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    let sorted = serde_json::from_slice::<serde_json::Value>(&header[..text_len]).and_then(|v| serde_json::to_vec(&v));
    if let Ok(sorted) = sorted {
        if sorted.len() == text_len {
            bytes[8..8 + text_len].copy_from_slice(&sorted);
        }
    }
    bytes
}
