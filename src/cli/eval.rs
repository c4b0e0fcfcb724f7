//! `eval`: scores any safetensors autoencoder (ours, or a PyTorch `state_dict`) on MNIST and
//! prints one JSON line; `convert`: rewrites a weights file in another dtype.

use super::files;
use super::line::Line;
use super::opts::{self, DataOpts, EvalOn};
use super::CliResult;
use autoencoder_playground::score::{all_rows, score};
use autoencoder_playground::weights::{self, Dtype, Loaded, MAX_FILE_BYTES};
use std::io::Read;

/// Reads a weights file, refusing one over the size limit before reading it whole.
fn load(path: &str) -> CliResult<Loaded> {
    let at = |m: String| format!("--weights {path}: {m}");
    let f = std::fs::File::open(path).map_err(|e| at(e.to_string()))?;
    let mut bytes = vec![];
    f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| at(e.to_string()))?;
    weights::from_bytes(&bytes).map_err(|e| at(e.to_string()))
}

pub fn run(args: &[String]) -> CliResult<()> {
    let (mut path, mut data, mut on) = (None, DataOpts::default(), EvalOn::All);
    for (k, v) in opts::pairs(args, &[])? {
        if data.take(&k, &v) {
            continue;
        }
        match k.as_str() {
            "weights" => path = Some(v),
            "eval" => on = EvalOn::parse(&v)?,
            _ => return Err(opts::unknown(&k)),
        }
    }
    let path = path.ok_or("eval needs --weights FILE.safetensors")?;
    let mut l = load(&path)?;
    let sets = files::load(&data, on != EvalOn::All)?;
    let (name, set) = match on {
        EvalOn::All => ("all", &sets.whole),
        EvalOn::Train => ("train", &sets.train),
        EvalOn::Test => ("test", sets.test.as_ref().expect("loaded with split")),
    };
    let ev = score(&mut l.model, set, &all_rows(set.len()), l.settings.scaling()).map_err(|e| e.to_string())?;
    let s = &l.settings;
    let mut line = Line::default();
    line.val("weights", path.as_str()).val("sizes", l.sizes.clone()).val("dtype", l.dtype.as_str());
    line.val("from_metadata", l.from_metadata).val("variant", serde_json::to_value(s.variant).unwrap());
    line.val("tied", s.tied).val("activation", s.activation.as_str()).val("loss", serde_json::to_value(s.loss).unwrap());
    // Through text, so f32 settings print as written (0.1, not 0.10000000149011612).
    line.val("settings", serde_json::from_str::<serde_json::Value>(&serde_json::to_string(s).unwrap()).unwrap());
    line.val("epochs", l.provenance.epochs).val("eval_on", name).val("eval_n", set.len());
    line.num("eval_mse_clean", ev.mse_clean as f64, &path)?.num("eval_mse_noisy", ev.mse_noisy as f64, &path)?;
    line.val("file_bytes", std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0));
    line.print();
    Ok(())
}

pub fn convert(args: &[String]) -> CliResult<()> {
    let (mut input, mut out, mut dtype) = (None, None, None);
    for (k, v) in opts::pairs(args, &[])? {
        match k.as_str() {
            "weights" => input = Some(v),
            "out" => out = Some(v),
            "dtype" => dtype = Some(Dtype::parse(&v).map_err(|e| format!("--dtype: {e}"))?),
            _ => return Err(opts::unknown(&k)),
        }
    }
    let (Some(input), Some(out), Some(dtype)) = (input, out, dtype) else {
        return Err("convert needs --weights IN.safetensors --out OUT.safetensors --dtype f32|f16|bf16".into());
    };
    let l = load(&input)?;
    let bytes = weights::to_bytes(&l.model, &l.settings, &l.provenance, dtype).map_err(|e| format!("--out {out}: {e}"))?;
    std::fs::write(&out, bytes).map_err(|e| format!("--out {out}: {e}"))
}
