//! `check-fixture FILE...`: compares the engine with PyTorch reference files (ae-fixtures/1).

use autoencoder_playground::fixture;
use std::process::ExitCode;

pub fn run(files: &[String]) -> ExitCode {
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
