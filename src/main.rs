//! Native command line of the engine, so it can be run, checked and benchmarked without a
//! browser: `check-fixture FILE...`, `train ...`, `bench`.

use autoencoder_playground::data::Dataset;
use autoencoder_playground::fixture;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check-fixture") => check_fixture(&args[1..]),
        _ => {
            eprintln!("usage: autoencoder-playground check-fixture FILE... | train [options] | bench");
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
                        c.variant, c.quantity, c.max_abs_err, c.worst_ratio, c.count, if c.passed() { "ok" } else { "FAIL" }
                    );
                }
                let failed = checks.iter().filter(|c| !c.passed()).count();
                println!("  {} checks, {} failed", checks.len(), failed);
                ok &= failed == 0;
            }
        }
    }
    let _ = Dataset::default_mnist;
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
