//! `train`: trains on MNIST, printing one JSON line per epoch (losses, what was scored and its
//! MSEs), and with `--save` writes the model as safetensors. Everything that can be checked is
//! checked before the first step: options, data files, the `--save` path.

use super::files::{self, Sets};
use super::line::Line;
use super::opts::{self, EvalOn, TrainOpts};
use super::CliResult;
use autoencoder_playground::score::{all_rows, score};
use autoencoder_playground::train::{EvalStats, Trainer};
use autoencoder_playground::weights::{self, Provenance};
use std::path::Path;
use std::time::Instant;

pub fn run(args: &[String]) -> CliResult<()> {
    let o = opts::train(args)?;
    if let Some(p) = &o.save {
        check_writable(p)?;
    }
    let sets = files::load(&o.data, files::needs_split(o.eval))?;
    let mut t = Trainer::new(o.settings.clone(), sets.train.clone()).map_err(|e| e.to_string())?;
    let per_epoch = t.batches_per_epoch() as u32;
    let start = Instant::now();
    let mut last = (EvalStats { mse_clean: f32::NAN, mse_noisy: f32::NAN }, 0usize);
    for _ in 0..o.epochs {
        let t0 = Instant::now();
        let st = t.step(per_epoch).map_err(|e| format!("epoch {}: training failed: {e}", t.position().epoch + 1))?;
        let train_secs = t0.elapsed().as_secs_f64();
        let at = format!("epoch {}", st.epoch);
        let mut line = Line::default();
        line.val("epoch", st.epoch);
        line.num("train_loss", st.loss as f64, &at)?.num("train_recon", st.recon as f64, &at)?.num("train_penalty", st.penalty as f64, &at)?;
        last = scores(&mut t, &o, &sets, &mut line, &at)?;
        line.num("seconds", start.elapsed().as_secs_f64(), &at)?.num("samples_per_s", sets.train.len() as f64 / train_secs.max(1e-9), &at)?;
        line.print();
    }
    if let Some(path) = &o.save {
        let (ev, eval_n) = last;
        let prov = Provenance {
            epochs: o.epochs,
            samples: t.position().samples_seen,
            data: sets.name.clone(),
            train_n: sets.train.len(),
            eval_on: if o.eval == EvalOn::Train { "train" } else { "test" }.into(),
            eval_n,
            eval_mse_clean: Some(ev.mse_clean),
            eval_mse_noisy: Some(ev.mse_noisy),
            ..Provenance::default()
        };
        let bytes = weights::to_bytes(t.model(), t.settings(), &prov, o.dtype).map_err(|e| format!("--save {path}: {e}"))?;
        std::fs::write(path, bytes).map_err(|e| format!("--save {path}: {e}"))?;
    }
    Ok(())
}

/// Scores the model as `--eval` asks and adds the fields to `line`: `eval_on`, `eval_n`,
/// `eval_mse_clean`, `eval_mse_noisy` (and `test_*` for `all`). Returns the headline score
/// (the held-out one for test and all) and its image count, for the provenance.
fn scores(t: &mut Trainer, o: &TrainOpts, sets: &Sets, line: &mut Line, at: &str) -> CliResult<(EvalStats, usize)> {
    let scaling = o.settings.scaling();
    let held_out = |t: &mut Trainer| -> CliResult<(EvalStats, usize)> {
        let test = sets.test.as_ref().expect("a held-out set is loaded for --eval test/all");
        let ev = score(t.model_mut(), test, &all_rows(test.len()), scaling).map_err(|e| e.to_string())?;
        Ok((ev, test.len()))
    };
    let (on, (ev, n)) = match o.eval {
        EvalOn::Train => ("train", (t.evaluate(), sets.train.len())),
        EvalOn::Test => ("test", held_out(t)?),
        EvalOn::All => {
            let (tv, tn) = held_out(t)?;
            line.val("test_n", tn);
            line.num("test_mse_clean", tv.mse_clean as f64, at)?.num("test_mse_noisy", tv.mse_noisy as f64, at)?;
            ("train", (t.evaluate(), sets.train.len()))
        }
    };
    line.val("eval_on", on).val("eval_n", n);
    line.num("eval_mse_clean", ev.mse_clean as f64, at)?.num("eval_mse_noisy", ev.mse_noisy as f64, at)?;
    if o.eval == EvalOn::All {
        return held_out(t);
    }
    Ok((ev, n))
}

/// Refuses a `--save` path that cannot be written, before any training: a directory, a missing
/// folder, no permission. Leaves no file behind when there was none.
pub fn check_writable(path: &str) -> CliResult<()> {
    let p = Path::new(path);
    if p.is_dir() {
        return Err(format!("--save {path}: is a directory; give a file name such as model.safetensors"));
    }
    let existed = p.exists();
    std::fs::OpenOptions::new().append(true).create(true).open(p).map_err(|e| format!("--save {path}: cannot write there ({e})"))?;
    if !existed {
        let _ = std::fs::remove_file(p);
    }
    Ok(())
}
