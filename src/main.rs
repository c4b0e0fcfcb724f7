//! Native command line of the engine, so it can be run, checked and benchmarked without a
//! browser:
//!   check-fixture FILE...      compare the engine with PyTorch reference files (ae-fixtures/1)
//!   train [options]            train on MNIST, one JSON line per epoch
//!   bench                      samples/s of full training steps, d = 30 and d = 500

use autoencoder_playground::data::Dataset;
use autoencoder_playground::fixture;
use autoencoder_playground::objective::Loss;
use autoencoder_playground::train::{Settings, Trainer, Variant};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  autoencoder-playground check-fixture FILE...
  autoencoder-playground train [--variant standard|denoising|contractive] [--d 30] [--epochs 20]
        [--seed 0] [--lr 0.001] [--batch 256] [--loss mse|bce] [--noise-p 0.5] [--lambda 0.1]
        [--tied] [--optimizer adam|sgd] [--corruption dropout|gaussian|salt_pepper|square]
        [--hidden 128,64] [--data IMAGES_IDX[.gz]] [--labels LABELS_IDX[.gz]] [--save FILE]
  autoencoder-playground bench [--seconds 3] [--repeats 5]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("check-fixture") => return check_fixture(&args[1..]),
        Some("train") => train(&args[1..]),
        Some("bench") => bench(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn check_fixture(files: &[String]) -> ExitCode {
    if files.is_empty() {
        eprintln!("check-fixture: give one or more ae-fixtures/1 JSON files");
        return ExitCode::from(2);
    }
    let mut ok = true;
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                println!("{f}: cannot read: {e}");
                ok = false;
                continue;
            }
        };
        match fixture::check_fixture(&text) {
            Err(e) => {
                println!("{f}: {e}");
                ok = false;
            }
            Ok(checks) => {
                println!("{f}:");
                println!("  {:<12} {:<28} {:>12} {:>10} {:>6}  result", "variant", "quantity", "max |err|", "err/tol", "n");
                for c in &checks {
                    println!(
                        "  {:<12} {:<28} {:>12.3e} {:>10.4} {:>6}  {}",
                        c.variant,
                        c.quantity,
                        c.max_abs_err,
                        c.worst_ratio,
                        c.count,
                        if c.passed() { "ok" } else { "FAIL" }
                    );
                }
                let failed = checks.iter().filter(|c| !c.passed()).count();
                println!("  {} checks, {} failed", checks.len(), failed);
                ok &= failed == 0;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `--name value` options into (name, value) pairs; flags (`--tied`) get "true".
fn parse_opts(args: &[String], flags: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut out = vec![];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let name = a.strip_prefix("--").ok_or_else(|| format!("unexpected argument {a:?}\n{USAGE}"))?;
        if flags.contains(&name) {
            out.push((name.to_string(), "true".to_string()));
        } else {
            let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            out.push((name.to_string(), v.clone()));
        }
    }
    Ok(out)
}

fn parse<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("--{name}: cannot read {v:?}"))
}

fn load_data(images: Option<&str>, labels: Option<&str>) -> Result<Dataset, String> {
    match images {
        None => default_data(),
        Some(p) => {
            let img = std::fs::read(p).map_err(|e| format!("--data {p}: {e}"))?;
            let lab = match labels {
                Some(l) => Some(std::fs::read(l).map_err(|e| format!("--labels {l}: {e}"))?),
                None => None,
            };
            Dataset::from_idx(&img, lab.as_deref()).map_err(|e| format!("{p}: {e}"))
        }
    }
}

fn train(args: &[String]) -> Result<(), String> {
    let mut s = Settings::default();
    let (mut epochs, mut data, mut labels, mut save) = (20u64, None, None, None);
    let mut variant_given = false;
    let mut d_given = false;
    for (k, v) in parse_opts(args, &["tied"])? {
        match k.as_str() {
            "variant" => {
                variant_given = true;
                s.variant = match v.as_str() {
                    "standard" => Variant::Standard,
                    "denoising" => Variant::Denoising,
                    "contractive" => Variant::Contractive,
                    _ => return Err(format!("--variant must be standard, denoising or contractive, got {v:?}")),
                }
            }
            "d" => {
                d_given = true;
                s.d = parse(&k, &v)?
            }
            "epochs" => epochs = parse(&k, &v)?,
            "seed" => s.seed = parse(&k, &v)?,
            "lr" => s.lr = parse(&k, &v)?,
            "batch" => s.batch = parse(&k, &v)?,
            "loss" => {
                s.loss = match v.as_str() {
                    "mse" => Loss::Mse,
                    "bce" => Loss::Bce,
                    _ => return Err(format!("--loss must be mse or bce, got {v:?}")),
                }
            }
            "noise-p" => s.noise_p = parse(&k, &v)?,
            "sigma" => s.sigma = parse(&k, &v)?,
            "square" => s.square = parse(&k, &v)?,
            "lambda" => s.lambda = parse(&k, &v)?,
            "tied" => s.tied = true,
            "optimizer" => s.optimizer = v,
            "momentum" => s.momentum = parse(&k, &v)?,
            "corruption" => s.corruption = v,
            "hidden" => {
                s.hidden = v.split(',').filter(|x| !x.is_empty()).map(|x| parse("hidden", x)).collect::<Result<_, _>>()?
            }
            "data" => data = Some(v),
            "labels" => labels = Some(v),
            "save" => save = Some(v),
            _ => return Err(format!("unknown option --{k}\n{USAGE}")),
        }
    }
    // The notebook's denoising AE is d = 500 unless told otherwise.
    if variant_given && s.variant == Variant::Denoising && !d_given {
        s.d = 500;
    }
    if epochs == 0 || epochs > 100_000 {
        return Err(format!("--epochs must be between 1 and 100000, got {epochs}"));
    }
    let data = load_data(data.as_deref(), labels.as_deref())?;
    let mut t = Trainer::new(s, data).map_err(|e| e.to_string())?;
    let per_epoch = t.batches_per_epoch() as u32;
    let start = Instant::now();
    let mut lines = vec![];
    for _ in 0..epochs {
        let t0 = Instant::now();
        let st = t.step(per_epoch).map_err(|e| e.to_string())?;
        let train_secs = t0.elapsed().as_secs_f64();
        let ev = t.evaluate();
        let line = serde_json::json!({
            "epoch": st.epoch,
            "train_loss": st.loss,
            "train_recon": st.recon,
            "train_penalty": st.penalty,
            "eval_mse_clean": ev.mse_clean,
            "eval_mse_noisy": ev.mse_noisy,
            "seconds": start.elapsed().as_secs_f64(),
            "samples_per_s": t.data().len() as f64 / train_secs,
        })
        .to_string();
        println!("{line}");
        lines.push(line);
    }
    if let Some(path) = save {
        let m = t.model();
        let out = serde_json::json!({
            "format": "autoencoder-playground/model-1",
            "settings": t.settings(),
            "epochs": epochs,
            "log": lines.iter().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()).collect::<Vec<_>>(),
            "encoder": m.enc.iter().map(|l| serde_json::json!({"w": l.w.as_slice(), "b": l.b.as_slice(), "shape": [l.out(), l.inp()]})).collect::<Vec<_>>(),
            "decoder": m.dec.iter().map(|l| serde_json::json!({"w": l.w.as_slice(), "b": l.b.as_slice(), "shape": [l.out(), l.inp()]})).collect::<Vec<_>>(),
        });
        std::fs::write(&path, out.to_string()).map_err(|e| format!("--save {path}: {e}"))?;
    }
    Ok(())
}

fn bench(args: &[String]) -> Result<(), String> {
    let (mut seconds, mut repeats) = (2.0f64, 5usize);
    for (k, v) in parse_opts(args, &[])? {
        match k.as_str() {
            "seconds" => seconds = parse(&k, &v)?,
            "repeats" => repeats = parse(&k, &v)?,
            _ => return Err(format!("unknown option --{k}\n{USAGE}")),
        }
    }
    let data = default_data()?;
    println!("{:<18} {:>5} {:>6} {:>14} {:>14} {:>14}", "model", "d", "batch", "median smp/s", "min smp/s", "max smp/s");
    for (name, s) in [("standard d=30", Settings::default()), ("denoising d=500", Settings::notebook_denoising())] {
        let mut t = Trainer::new(s.clone(), data.clone()).map_err(|e| e.to_string())?;
        t.step(5).map_err(|e| e.to_string())?; // warm-up
        let mut rates = vec![];
        for _ in 0..repeats {
            let t0 = Instant::now();
            let mut steps = 0u64;
            while t0.elapsed().as_secs_f64() < seconds / repeats as f64 || steps == 0 {
                t.step(1).map_err(|e| e.to_string())?;
                steps += 1;
            }
            rates.push(steps as f64 * s.batch as f64 / t0.elapsed().as_secs_f64());
        }
        rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{:<18} {:>5} {:>6} {:>14.0} {:>14.0} {:>14.0}",
            name,
            s.d,
            s.batch,
            rates[rates.len() / 2],
            rates[0],
            rates[rates.len() - 1]
        );
    }
    Ok(())
}

/// The committed MNIST files (native builds embed them; a wasm build of this CLI, which only
/// `wasm-pack test` makes, has none).
fn default_data() -> Result<Dataset, String> {
    #[cfg(not(target_arch = "wasm32"))]
    return Dataset::default_mnist().map_err(|e| e.to_string());
    #[cfg(target_arch = "wasm32")]
    return Err("this build has no default data: pass --data".into());
}
