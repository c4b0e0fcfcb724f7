//! Reading a safetensors file into a new `Autoencoder`: limits first, then the tensor table
//! (names, dtypes, shapes, how the layers chain), then the values (finite only), and only then a
//! model is built. Nothing existing is touched, so a refused file costs the caller nothing.
//! `parse` and `Parsed` are the steps every reader shares (MNIST here, the 2-D lab in
//! `labs::manifold::weights`).

use super::{Loaded, Provenance, FORMAT, INPUT, MAX_FILE_BYTES, MAX_HEADER_BYTES, MAX_PARAMS, MNIST_LAB};
use crate::autoencoder::Autoencoder;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::train::Settings;
use half::{bf16, f16};
use ndarray::{Array1, Array2};
use safetensors::{Dtype as St, SafeTensors, tensor::TensorView};
use std::collections::{BTreeMap, HashMap};

/// Most layers per stack (AeConfig allows 8 hidden layers, so 9 Linear layers).
const MAX_LAYERS: usize = 9;
/// Widest layer (AeConfig's limit).
const MAX_WIDTH: usize = 4096;

/// A refusal of a weights file: "weights file: …".
pub(crate) fn bad(msg: impl Into<String>) -> Error {
    Error::Data(format!("weights file: {}", msg.into()))
}

/// One Linear layer's two tensors, as found.
#[derive(Default)]
struct Pair<'a> {
    weight: Option<TensorView<'a>>,
    bias: Option<TensorView<'a>>,
}

/// Parses and checks `bytes` (a whole safetensors file) into a new model with its settings.
/// Accepts F32, F16, BF16 and F64 tensors, and files without metadata (the stack is inferred,
/// with the notebook's Tanh). Errors (`Error::Data`) say what is wrong with the file.
pub fn from_bytes(bytes: &[u8]) -> Result<Loaded> {
    let p = parse(bytes)?;
    if let Some(lab) = p.lab().filter(|&l| l != MNIST_LAB) {
        return Err(bad(format!("this file holds a model of the {lab} lab, not an MNIST autoencoder: load it on that lab's page")));
    }
    let widths = p.chain(INPUT, &format!("the playground's models take 28×28 = {INPUT} pixels"))?;
    let ours = p.ours();
    let (settings, provenance) = if ours { read_metadata(&p.meta)? } else { (inferred_settings(&widths), Provenance::default()) };
    let config = settings.ae_config(INPUT);
    let mut want = vec![INPUT];
    want.extend(&config.hidden);
    want.push(config.code);
    if want != widths {
        return Err(bad(format!("the metadata's settings describe widths {want:?} but the tensors chain as {widths:?}")));
    }
    let mut model = Autoencoder::new(config, settings.batch, &mut Rng::new(0))?;
    p.fill(&mut model)?;
    Ok(Loaded { model, settings, provenance, sizes: widths, from_metadata: ours, dtype: p.dtype() })
}

/// A file's tensor table, checked (limits, names, dtypes, ranks, sizes) but its values not yet
/// read, with its metadata. Shared by every reader: MNIST models (`from_bytes`) and the 2-D
/// lab's (`labs::manifold`), which differ in their input width and their settings.
pub(crate) struct Parsed<'a> {
    enc: Vec<Pair<'a>>,
    dec: Vec<Pair<'a>>,
    /// `__metadata__` (empty when the file has none).
    pub meta: HashMap<String, String>,
}

/// Checks the limits and the tensor table of `bytes`; nothing is allocated for values yet.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed<'_>> {
    check_limits(bytes)?;
    let st = SafeTensors::deserialize(bytes).map_err(|e| bad(format!("not a valid safetensors file ({e})")))?;
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| bad(e.to_string()))?;
    let (enc, dec) = layers(&st)?;
    Ok(Parsed { enc, dec, meta: header.metadata().clone().unwrap_or_default() })
}

impl Parsed<'_> {
    /// Whether the file carries our metadata (`format` = FORMAT).
    pub fn ours(&self) -> bool {
        self.meta.get("format").map(String::as_str) == Some(FORMAT)
    }

    /// The lab a file of ours was written for (`lab` key; files without it are MNIST models).
    pub fn lab(&self) -> Option<&str> {
        if !self.ours() {
            return None;
        }
        Some(self.meta.get("lab").map(String::as_str).unwrap_or(MNIST_LAB))
    }

    /// Element type of the first tensor ("F32", "F16", "BF16", "F64").
    pub fn dtype(&self) -> String {
        format!("{:?}", self.enc[0].weight.as_ref().unwrap().dtype())
    }

    /// The encoder's widths `[input, h1, …, code]`, checked to chain from `input` and mirror;
    /// `input_words` says what the reader's models take (the refusal's second half).
    pub fn chain(&self, input: usize, input_words: &str) -> Result<Vec<usize>> {
        chain(&self.enc, &self.dec, input, input_words)
    }

    /// The values into `model`, whose layers must have the file's shapes (every value finite);
    /// `model` is the caller's new model, so a refusal here leaves nothing half-loaded elsewhere.
    pub fn fill(&self, model: &mut Autoencoder) -> Result<()> {
        for (stack, found, layers) in [("encoder", &self.enc, &mut model.enc), ("decoder", &self.dec, &mut model.dec)] {
            for (i, (pair, layer)) in found.iter().zip(layers.iter_mut()).enumerate() {
                let (w, b) = (pair.weight.as_ref().unwrap(), pair.bias.as_ref().unwrap());
                let wv = values(&super::tensor_name(stack, i, "weight"), w)?;
                let bv = values(&super::tensor_name(stack, i, "bias"), b)?;
                layer.w = Array2::from_shape_vec((w.shape()[0], w.shape()[1]), wv).map_err(|e| bad(e.to_string()))?;
                layer.b = Array1::from(bv);
            }
        }
        if model.config.tied && model.dec[0].w != model.enc[0].w.t() {
            return Err(bad("the metadata says tied weights, but decoder.0.weight is not encoder.0.weightᵀ"));
        }
        Ok(())
    }
}

/// Sizes before parsing: the whole file, then the header length the first 8 bytes declare.
fn check_limits(bytes: &[u8]) -> Result<()> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(bad(format!("{} bytes is over the limit of {} MiB", bytes.len(), MAX_FILE_BYTES >> 20)));
    }
    let Some(head) = bytes.get(..8) else {
        return Err(bad(format!("{} bytes is too short: a safetensors file starts with an 8-byte header length", bytes.len())));
    };
    let n = u64::from_le_bytes(head.try_into().unwrap());
    if n > MAX_HEADER_BYTES as u64 {
        return Err(bad(format!("the header declares {n} bytes; at most {} are allowed (is this a safetensors file?)", MAX_HEADER_BYTES)));
    }
    if 8 + n as usize > bytes.len() {
        return Err(bad(format!("truncated: the header declares {n} bytes but only {} follow", bytes.len() - 8)));
    }
    Ok(())
}

/// Sorts the tensors into encoder and decoder layers by name, checking names, dtypes, ranks and
/// sizes (no values read yet). Layer i of a stack is at `nn.Sequential` position 2i.
fn layers<'a>(st: &SafeTensors<'a>) -> Result<(Vec<Pair<'a>>, Vec<Pair<'a>>)> {
    let mut found: [BTreeMap<usize, Pair<'a>>; 2] = [BTreeMap::new(), BTreeMap::new()];
    let mut params = 0usize;
    for (name, view) in st.iter() {
        let parts: Vec<&str> = name.split('.').collect();
        let (stack, pos, what) = match parts.as_slice() {
            [s @ ("encoder" | "decoder"), p, w @ ("weight" | "bias")] => match p.parse::<usize>() {
                Ok(p) => (if *s == "encoder" { 0 } else { 1 }, p, *w),
                Err(_) => return Err(unexpected(name)),
            },
            _ => return Err(unexpected(name)),
        };
        if pos % 2 == 1 || pos / 2 >= MAX_LAYERS {
            return Err(bad(format!(
                "{name}: the notebook's nn.Sequential has its Linear layers at positions 0, 2, 4, … (at most {MAX_LAYERS}), the Tanh between them holds no tensors"
            )));
        }
        if !matches!(view.dtype(), St::F32 | St::F16 | St::BF16 | St::F64) {
            return Err(bad(format!("{name} is {:?}; only F32, F16, BF16 and F64 tensors are read", view.dtype())));
        }
        let rank = if what == "weight" { 2 } else { 1 };
        let shape = view.shape();
        if shape.len() != rank || shape.iter().any(|&s| s == 0 || s > MAX_WIDTH) {
            return Err(bad(format!("{name} has shape {shape:?}; a Linear {what} is {rank}-D with sizes 1..{MAX_WIDTH}")));
        }
        params += shape.iter().product::<usize>();
        if params > MAX_PARAMS {
            return Err(bad(format!("more than {MAX_PARAMS} parameters; too large for the playground")));
        }
        let pair = found[stack].entry(pos / 2).or_default();
        if what == "weight" { pair.weight = Some(view) } else { pair.bias = Some(view) }
    }
    let [enc, dec] = found;
    let mut out = vec![];
    for (stack, map) in [("encoder", enc), ("decoder", dec)] {
        let mut v = vec![];
        for (i, (idx, pair)) in map.into_iter().enumerate() {
            if idx != i || pair.weight.is_none() || pair.bias.is_none() {
                let what = if idx != i { "weight" } else if pair.weight.is_none() { "weight" } else { "bias" };
                return Err(bad(format!("missing {}: the layers of a stack are numbered 0, 2, 4, … each with weight and bias", super::tensor_name(stack, i, what))));
            }
            v.push(pair);
        }
        if v.is_empty() {
            return Err(bad(format!("no {stack} tensors: expected {stack}.0.weight and {stack}.0.bias")));
        }
        out.push(v);
    }
    let dec = out.pop().unwrap();
    Ok((out.pop().unwrap(), dec))
}

fn unexpected(name: &str) -> Error {
    bad(format!("unexpected tensor {name:?}: a notebook autoencoder holds only encoder.N.weight/bias and decoder.N.weight/bias"))
}

/// Checks that the layers chain `input → … → d → … → input` (784 for MNIST, 2 for the 2-D lab),
/// the decoder mirroring the encoder, and that each bias fits its weight. Returns the encoder's
/// widths `[input, h1, …, d]`.
fn chain(enc: &[Pair], dec: &[Pair], input: usize, input_words: &str) -> Result<Vec<usize>> {
    if enc.len() != dec.len() {
        return Err(bad(format!("{} encoder layers but {} decoder layers; the decoder mirrors the encoder", enc.len(), dec.len())));
    }
    let shape = |p: &Pair| (p.weight.as_ref().unwrap().shape()[0], p.weight.as_ref().unwrap().shape()[1], p.bias.as_ref().unwrap().shape()[0]);
    let mut widths = vec![shape(&enc[0]).1];
    if widths[0] != input {
        return Err(bad(format!("encoder.0.weight takes {} inputs; {input_words}", widths[0])));
    }
    for (stack, layers) in [("encoder", enc), ("decoder", dec)] {
        for (i, p) in layers.iter().enumerate() {
            let (out, inp, b) = shape(p);
            let prev = *widths.last().unwrap();
            let name = super::tensor_name(stack, i, "weight");
            if inp != prev {
                return Err(bad(format!("{name} is [{out}, {inp}] but the layer before gives {prev} values: the shapes do not chain")));
            }
            if b != out {
                return Err(bad(format!("{} has {b} values but {name} has {out} outputs", super::tensor_name(stack, i, "bias"))));
            }
            widths.push(out);
        }
    }
    let k = enc.len();
    let (encw, decw) = widths.split_at(k + 1);
    if encw.iter().rev().skip(1).ne(decw.iter()) {
        return Err(bad(format!("the decoder's widths {decw:?} do not mirror the encoder's {encw:?}")));
    }
    if encw[k] > 2048 {
        return Err(bad(format!("code size {} is over the playground's limit of 2048", encw[k])));
    }
    Ok(encw.to_vec())
}

/// A tensor's values as f32 (F16/BF16 widened exactly, F64 rounded), all finite.
fn values(name: &str, v: &TensorView) -> Result<Vec<f32>> {
    let d = v.data();
    let out: Vec<f32> = match v.dtype() {
        St::F32 => d.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect(),
        St::F16 => d.chunks_exact(2).map(|c| f16::from_le_bytes(c.try_into().unwrap()).to_f32()).collect(),
        St::BF16 => d.chunks_exact(2).map(|c| bf16::from_le_bytes(c.try_into().unwrap()).to_f32()).collect(),
        St::F64 => d.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap()) as f32).collect(),
        t => return Err(bad(format!("{name} is {t:?}"))),
    };
    if let Some(i) = out.iter().position(|x| !x.is_finite()) {
        return Err(bad(format!("{name} holds a NaN or infinite value (element {i}, or too large for f32)")));
    }
    Ok(out)
}

/// Our own metadata: settings (validated) and provenance.
fn read_metadata(meta: &HashMap<String, String>) -> Result<(Settings, Provenance)> {
    let settings: Settings = serde_json::from_str(meta.get("settings").map(String::as_str).unwrap_or("{}"))
        .map_err(|e| bad(format!("the settings in the metadata cannot be read ({e})")))?;
    settings.validate().map_err(|e| bad(format!("the settings in the metadata are invalid: {e}")))?;
    let provenance = match meta.get("provenance") {
        Some(p) => serde_json::from_str(p).map_err(|e| bad(format!("the provenance in the metadata cannot be read ({e})")))?,
        None => Provenance::default(),
    };
    Ok((settings, provenance))
}

/// Settings for a file from elsewhere: the notebook's (Tanh, MSE, untied) with its widths.
fn inferred_settings(widths: &[usize]) -> Settings {
    Settings { d: *widths.last().unwrap(), hidden: widths[1..widths.len() - 1].to_vec(), ..Settings::default() }
}
