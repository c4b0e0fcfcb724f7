//! Model weights as safetensors files under PyTorch's `state_dict` names, so a file saved here
//! loads into the notebook's `Autoencoder` with `model.load_state_dict(load_file(path))`, and a
//! file PyTorch saved loads here.
//!
//! Names follow the notebook's `nn.Sequential` stacks: `encoder.0.weight` `[h1, 784]`,
//! `encoder.0.bias` `[h1]`, then `encoder.2.*`, `encoder.4.*` … (the odd positions are the Tanh
//! modules, which hold no tensors); the decoder mirrors them (`decoder.0.weight` `[.., d]` …,
//! the last one `[784, ..]`). Tied weights are written as the full decoder matrix (the notebook's
//! class has no tying) and marked in the metadata.
//!
//! `__metadata__` (string → string, as the format demands) carries `format`, `settings` and
//! `provenance`, the last two as JSON. A file without it (what `safetensors.torch.save_file`
//! writes) is read by inferring the stack from names and shapes, with the notebook's Tanh.
//!
//! The 2-D manifold lab's models (input 2) are written and read with the same code
//! (`stack_to_bytes`, `parse`) under a `lab` key of their own, with their own settings
//! (`labs::manifold::weights`).
//!
//! Reading is for untrusted bytes: sizes are checked before anything is allocated, the result is
//! a new model (a failed read touches nothing), and every refusal says what is wrong.

mod read;
mod write;

use crate::autoencoder::Autoencoder;
use crate::train::Settings;
use serde::{Deserialize, Serialize};

pub use read::from_bytes;
pub(crate) use read::{bad, parse};
pub(crate) use write::stack_to_bytes;
pub use write::to_bytes;

/// Value of the `format` metadata key in files this crate writes.
pub const FORMAT: &str = "autoencoder-playground/weights-1";
/// Most bytes a weights file may have: 8-byte length + header + tensors. 64 MiB holds a
/// 784-2048-784 model in F64 (25.7 MB) with room to spare.
pub const MAX_FILE_BYTES: usize = 64 << 20;
/// Most bytes the JSON header may have (tensor table and metadata are a few KiB).
pub const MAX_HEADER_BYTES: usize = 1 << 20;
/// Most scalars a model may hold, over all tensors (a 784-2048-784 model has 3.2 M).
pub const MAX_PARAMS: usize = 8_000_000;
/// The input width of every MNIST model: 28×28 digits (the 2-D lab's models take 2).
pub const INPUT: usize = 784;
/// The `lab` metadata key of an MNIST model (files without the key are MNIST models too); the
/// 2-D lab writes its own (`labs::manifold::weights::LAB`), and each reader refuses the other's.
pub const MNIST_LAB: &str = "mnist";

/// Element type of the tensors a file is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    F32,
    /// Half the size; IEEE binary16, round to nearest even.
    F16,
    /// bfloat16, round to nearest even.
    Bf16,
}

impl Dtype {
    /// "f32" | "f16" | "bf16".
    pub fn parse(s: &str) -> crate::error::Result<Dtype> {
        match s {
            "f32" => Ok(Dtype::F32),
            "f16" => Ok(Dtype::F16),
            "bf16" => Ok(Dtype::Bf16),
            _ => Err(crate::error::Error::Config(format!("dtype must be f32, f16 or bf16, got {s:?}"))),
        }
    }
}

/// Where a model came from and how well it did: stored as JSON in the file's metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// Version of this crate that wrote the file (empty for files from elsewhere).
    pub crate_version: String,
    /// Epochs trained.
    pub epochs: u64,
    /// Training samples seen (epochs × images, corrupted or not).
    pub samples: u64,
    /// The data it trained on, in words ("built-in 10,000 MNIST digits", a path, ...).
    pub data: String,
    /// Images it trained on.
    pub train_n: usize,
    /// What the eval numbers scored: "train", "test" or "all".
    pub eval_on: String,
    /// Images scored.
    pub eval_n: usize,
    /// `nn.MSELoss()` of D(E(x)) vs x over the scored images.
    pub eval_mse_clean: Option<f32>,
    /// The same with the fixed evaluation dropout mask (p = 0.5) on the inputs.
    pub eval_mse_noisy: Option<f32>,
}

/// A model read from a file, with the settings that rebuild it.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub model: Autoencoder,
    /// The file's settings, or, for a file without our metadata, the notebook's defaults with
    /// the inferred `d` and `hidden`.
    pub settings: Settings,
    pub provenance: Provenance,
    /// Widths input → … → code: `[784, d]` for the notebook's model.
    pub sizes: Vec<usize>,
    /// Whether settings came from our metadata (false: inferred from names and shapes).
    pub from_metadata: bool,
    /// Element type found in the file ("F32", "F16", "BF16", "F64").
    pub dtype: String,
}

/// The `state_dict` name of a layer's tensor: `stack` is "encoder" or "decoder", `i` the
/// layer's place in the stack (0, 1, …), written at `nn.Sequential` position 2i.
pub fn tensor_name(stack: &str, i: usize, what: &str) -> String {
    format!("{stack}.{}.{what}", 2 * i)
}
