//! `bench`: samples/s of full training steps for the notebook's two models (d = 30, d = 500), and
//! how close the step comes to its own matrix products timed alone (the GEMM limit):
//! step GFLOP/s = samples/s × the products' FLOP per sample; fraction = step ÷ GEMM GFLOP/s.
//! Rates per wall second and per second of the thread's CPU time (Linux), which a shared
//! machine's load does not inflate; GFLOP/s and the fraction use the CPU-time rates.
//! One thread; the `workers` column is there for data-parallel rates to slot in.

use super::{files::default_data, opts, CliResult};
use autoencoder_playground::gemm::{kernel_alone, peak, StepProducts, KERNEL};
use autoencoder_playground::train::{Settings, Trainer};
use std::time::Instant;

/// This thread's CPU time in seconds (Linux: `/proc/thread-self/schedstat`, nanoseconds on the
/// CPU); `None` elsewhere. On a shared machine wall time counts the other processes' turns too,
/// CPU time does not, so rates per CPU-second are the ones that compare across loads.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(text.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9)
}

/// One timing: what was done per second of wall time and per second of this thread's CPU time
/// (`cpu` is `None` where the OS does not tell).
#[derive(Clone, Copy)]
struct Rate {
    wall: f64,
    cpu: Option<f64>,
}

impl Rate {
    /// The rate per CPU-second where the OS tells (what a quiet machine shows), else per wall second.
    fn best(self) -> f64 {
        self.cpu.unwrap_or(self.wall)
    }
}

/// Rates of `a` and of `b` (each call returns what it did), timed in turns for
/// `seconds / repeats` each so both see the same load on a shared machine; the medians.
fn median_rates(
    seconds: f64,
    repeats: usize,
    mut a: impl FnMut() -> CliResult<f64>,
    mut b: impl FnMut() -> CliResult<f64>,
) -> CliResult<(Rate, Rate)> {
    a()?; // warm-up: buffers sized, caches filled
    b()?;
    let (mut ra, mut rb) = (vec![], vec![]);
    for _ in 0..repeats {
        ra.push(timed(seconds / repeats as f64, &mut a)?);
        rb.push(timed(seconds / repeats as f64, &mut b)?);
    }
    Ok((median(&ra), median(&rb)))
}

/// Calls `f` (which returns the work it did) for at least `seconds` and once: its rates.
fn timed(seconds: f64, f: &mut dyn FnMut() -> CliResult<f64>) -> CliResult<Rate> {
    let (t0, c0) = (Instant::now(), thread_cpu_seconds());
    let (mut n, mut done) = (0u64, 0.0);
    while n == 0 || t0.elapsed().as_secs_f64() < seconds {
        done += f()?;
        n += 1;
    }
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), thread_cpu_seconds().zip(c0).map(|(c1, c0)| c1 - c0));
    Ok(Rate { wall: done / wall, cpu: cpu.filter(|&c| c > 0.0).map(|c| done / c) })
}

/// The median of each kind of rate.
fn median(v: &[Rate]) -> Rate {
    let mid = |mut x: Vec<f64>| {
        x.sort_by(f64::total_cmp);
        x[x.len() / 2]
    };
    let cpu: Option<Vec<f64>> = v.iter().map(|r| r.cpu).collect();
    Rate { wall: mid(v.iter().map(|r| r.wall).collect()), cpu: cpu.map(mid) }
}

/// FLOP/s of `f` (it does `per` FLOPs a call, about 1 ms' worth): the median of `repeats` runs
/// of 0.1 s. For one core's arithmetic peak (`gemm::peak`: the ceiling of any step here) and the
/// micro-kernel alone (`gemm::kernel_alone`: what this core gives the kernel, memory aside).
fn flop_rate(repeats: usize, per: f64, f: fn()) -> CliResult<Rate> {
    let runs: CliResult<Vec<Rate>> = (0..repeats).map(|_| timed(0.1, &mut || { f(); Ok(per) })).collect();
    Ok(median(&runs?))
}

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
    println!("native, kernel: {KERNEL}; medians of {repeats} runs in turns, {seconds} s for the steps and {seconds} s for their products alone");
    println!("rates per second of wall time, and per second of this thread's CPU time (cpu-s: what a quiet machine would show; the fraction uses it)");
    const ROUNDS: u32 = 200_000; // about 1 ms of multiply-adds
    const CALLS: u32 = 10_000; // about 1 ms of the micro-kernel
    let peak_best = flop_rate(repeats, peak(ROUNDS).0, || { peak(ROUNDS); })?.best();
    println!("one core's arithmetic peak (gemm::peak: independent multiply-adds, the kernel's instructions): {:.1} GFLOP/s; no step can beat it", peak_best / 1e9);
    let alone = flop_rate(repeats, kernel_alone(CALLS).0, || { kernel_alone(CALLS); })?.best();
    println!("the micro-kernel alone (gemm::kernel_alone: its operands in L1): {:.1} GFLOP/s, {:.0} % of the peak", alone / 1e9, 100.0 * alone / peak_best);
    println!(
        "{:<16} {:>4} {:>5} {:>7} {:>11} {:>13} {:>13} {:>12} {:>12} {:>10} {:>8}",
        "model", "d", "batch", "workers", "samples/s", "samples/cpu-s", "step GFLOP/s", "GEMM GFLOP/s", "kFLOP/sample", "fraction", "of peak"
    );
    for (name, s) in [("standard d=30", Settings::default()), ("denoising d=500", Settings::notebook_denoising())] {
        let mut t = Trainer::new(s.clone(), data.clone()).map_err(|e| e.to_string())?;
        t.step(5).map_err(|e| e.to_string())?; // warm-up
        let mut products = StepProducts::new(&s.ae_config(data.dim()).layer_shapes(), s.batch);
        let flops_per_step = products.flops();
        // The images trained, not steps × batch: an epoch ends in a short batch (16 of the
        // 10,000 digits), which counted as a full one overstated the rate by ~2.4 %.
        let mut seen = t.position().samples_seen;
        let (samples, gemm) = median_rates(
            seconds,
            repeats,
            || {
                let now = t.step(1).map_err(|e| e.to_string())?.samples_seen;
                let done = now - seen;
                seen = now;
                Ok(done as f64)
            },
            || {
                products.run();
                Ok(flops_per_step)
            },
        )?;
        let per_sample = flops_per_step / s.batch as f64;
        // GFLOP/s and the fraction per CPU-second where known (wall time elsewhere).
        let (samples_best, gemm_best) = (samples.best(), gemm.best());
        let step = samples_best * per_sample;
        let per_cpu = samples.cpu.map_or("—".to_string(), |r| format!("{r:.0}"));
        println!(
            "{:<16} {:>4} {:>5} {:>7} {:>11.0} {:>13} {:>13.1} {:>12.1} {:>12.0} {:>8.0} % {:>6.0} %",
            name, s.d, s.batch, 1, samples.wall, per_cpu, step / 1e9, gemm_best / 1e9, per_sample / 1e3, 100.0 * step / gemm_best, 100.0 * step / peak_best
        );
        println!("{:<16} at the peak: {:.0} samples/s", "", peak_best / per_sample);
    }
    Ok(())
}
