//! `bench`: samples/s of full training steps for the notebook's two models (d = 30, d = 500).

use super::{files::default_data, opts, CliResult};
use autoencoder_playground::train::{Settings, Trainer};
use std::time::Instant;

pub fn run(args: &[String]) -> CliResult<()> {
    let (mut seconds, mut repeats) = (2.0f64, 5usize);
    for (k, v) in opts::pairs(args, &[])? {
        match k.as_str() {
            "seconds" => seconds = opts::parse(&k, &v)?,
            "repeats" => repeats = opts::parse(&k, &v)?,
            _ => return Err(opts::unknown(&k)),
        }
    }
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0) {
        return Err(format!("--seconds must be a number in (0, 3600], got {seconds}"));
    }
    if !(1..=1000).contains(&repeats) {
        return Err(format!("--repeats must be between 1 and 1000 (the median needs at least one run), got {repeats}"));
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
        rates.sort_by(f64::total_cmp);
        println!("{:<18} {:>5} {:>6} {:>14.0} {:>14.0} {:>14.0}", name, s.d, s.batch, rates[rates.len() / 2], rates[0], rates[rates.len() - 1]);
    }
    Ok(())
}
