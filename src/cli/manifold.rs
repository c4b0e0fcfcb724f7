//! `manifold-train`: trains one autoencoder of the 2-D manifold lab (the page's `manifold.html`)
//! on a built-in curve, printing one JSON line per `--every` steps (the mean loss of that
//! stretch), then a last line with the final and evaluation losses; with `--save` writes the
//! model as safetensors the page loads (`labs::manifold::weights`). `--dtype auto` keeps F16
//! when it moves the evaluation loss by at most `F16_TOLERANCE`, else F32 (the last line shows
//! both). Defaults: the page's lesson (`presets::manifold_presets`) of `--variant`.

use super::line::Line;
use super::opts::{self, parse};
use super::CliResult;
use autoencoder_playground::labs::manifold::{ManifoldSettings, ManifoldTrainer};
use autoencoder_playground::presets::manifold_presets;
use autoencoder_playground::weights::Dtype;
use std::time::Instant;

/// Most the evaluation loss may move for `--dtype auto` to keep F16 (the site's rule for
/// pretrained files, as the MNIST models' eval MSE in scripts/pretrained.sh).
pub const F16_TOLERANCE: f32 = 1e-4;

/// What `manifold-train` is told.
struct Opts {
    settings: ManifoldSettings,
    steps: u32,
    every: u32,
    save: Option<String>,
    /// None: auto (F16 within `F16_TOLERANCE`, else F32).
    dtype: Option<Dtype>,
}

/// A lowercase name of a serde enum (variant, curve) from its text.
fn named<T: serde::de::DeserializeOwned>(name: &str, v: &str, allowed: &str) -> CliResult<T> {
    serde_json::from_value(serde_json::Value::String(v.to_string())).map_err(|_| format!("--{name} must be {allowed}, got {v:?}"))
}

fn options(args: &[String]) -> CliResult<Opts> {
    let all = opts::pairs(args, &[])?;
    let last = |name: &str| all.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let key = match (last("preset"), last("variant")) {
        (Some(_), Some(_)) => return Err("give --preset or --variant, not both (a preset names its variant)".into()),
        (Some(p), None) => p.to_string(),
        (None, v) => {
            let v = v.unwrap_or("standard");
            named::<autoencoder_playground::train::Variant>("variant", v, "standard, denoising or contractive")?;
            format!("manifold_{v}")
        }
    };
    let keys: Vec<_> = manifold_presets().iter().map(|p| p.key).collect();
    let preset = manifold_presets().into_iter().find(|p| p.key == key).ok_or_else(|| format!("--preset must be one of {}, got {key:?}", keys.join(", ")))?;
    let mut s = preset.settings;
    let mut o = Opts { settings: ManifoldSettings::default(), steps: preset.steps, every: 1000, save: None, dtype: Some(Dtype::F32) };
    for (k, v) in &all {
        match k.as_str() {
            "preset" | "variant" => {}
            "curve" => s.curve = named(k, v, "circle, arcs, spiral or sine")?,
            "points" => s.points = parse(k, v)?,
            "noise" => s.noise = parse(k, v)?,
            "sigma" => s.sigma = parse(k, v)?,
            "lambda" => s.lambda = parse(k, v)?,
            "width" => s.width = parse(k, v)?,
            "depth" => s.depth = parse(k, v)?,
            "code" => s.code = parse(k, v)?,
            "lr" => s.lr = parse(k, v)?,
            "batch" => s.batch = parse(k, v)?,
            "seed" => s.seed = parse(k, v)?,
            "steps" => o.steps = parse(k, v)?,
            "every" => o.every = parse(k, v)?,
            "save" => o.save = Some(v.clone()),
            "dtype" if v == "auto" => o.dtype = None,
            "dtype" => o.dtype = Some(Dtype::parse(v).map_err(|e| format!("--dtype: {e} (or auto)"))?),
            _ => return Err(opts::unknown(k)),
        }
    }
    if s.curve == autoencoder_playground::data::curves::Curve::Drawn {
        return Err("--curve drawn: a drawn curve exists only in the page; the CLI trains circle, arcs, spiral or sine".into());
    }
    if !(1..=1_000_000).contains(&o.steps) {
        return Err(format!("--steps must be between 1 and 1000000, got {}", o.steps));
    }
    if !(1..=100_000).contains(&o.every) {
        return Err(format!("--every must be between 1 and 100000, got {}", o.every));
    }
    s.validate().map_err(|e| e.to_string())?;
    o.settings = s;
    Ok(o)
}

pub fn run(args: &[String]) -> CliResult<()> {
    let o = options(args)?;
    if let Some(p) = &o.save {
        super::train::check_writable(p)?;
    }
    let mut t = ManifoldTrainer::new(o.settings.clone(), None).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut final_loss = f32::NAN;
    while t.total_steps() < o.steps as u64 {
        let k = o.every.min(o.steps - t.total_steps() as u32);
        let at = format!("step {}", t.total_steps() + k as u64);
        let st = t.step(k).map_err(|e| format!("{at}: training failed: {e}"))?;
        final_loss = st.loss;
        let mut line = Line::default();
        line.val("steps", t.total_steps()).val("epoch", st.epoch);
        line.num("loss", st.loss as f64, &at)?.num("recon", st.recon as f64, &at)?.num("penalty", st.penalty as f64, &at)?;
        line.num("seconds", start.elapsed().as_secs_f64(), &at)?;
        line.print();
    }
    let at = "the end";
    let eval = t.evaluate().map_err(|e| e.to_string())?;
    let mut line = Line::default();
    line.val("done", true).val("steps", t.total_steps());
    line.val("settings", serde_json::from_str::<serde_json::Value>(&serde_json::to_string(t.settings()).unwrap()).unwrap());
    line.num("final_loss", final_loss as f64, at)?.num("eval_loss", eval as f64, at)?;
    if let Some(path) = &o.save {
        let f32_bytes = t.save_weights(Dtype::F32).map_err(|e| format!("--save {path}: {e}"))?;
        let (dtype, bytes) = match o.dtype {
            Some(Dtype::F32) => ("F32", f32_bytes),
            Some(d) => (if d == Dtype::F16 { "F16" } else { "BF16" }, t.save_weights(d).map_err(|e| format!("--save {path}: {e}"))?),
            None => {
                let half = t.save_weights(Dtype::F16).map_err(|e| format!("--save {path}: {e}"))?;
                let mut probe = ManifoldTrainer::new(o.settings.clone(), None).map_err(|e| e.to_string())?;
                probe.load_weights(&half).map_err(|e| format!("the F16 copy does not load back: {e}"))?;
                let f16_eval = probe.evaluate().map_err(|e| e.to_string())?;
                line.num("f16_eval_loss", f16_eval as f64, at)?.num("f32_eval_loss", eval as f64, at)?;
                if (f16_eval - eval).abs() <= F16_TOLERANCE { ("F16", half) } else { ("F32", f32_bytes) }
            }
        };
        std::fs::write(path, &bytes).map_err(|e| format!("--save {path}: {e}"))?;
        line.val("file", path.as_str()).val("dtype", dtype).val("file_bytes", bytes.len());
    }
    line.num("seconds", start.elapsed().as_secs_f64(), at)?;
    line.print();
    Ok(())
}
