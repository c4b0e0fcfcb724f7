//! Native command line of the engine, so it can be run, checked and benchmarked without a
//! browser. One module per command in `cli/`; options are parsed in `cli/opts.rs`.

mod cli;

use std::process::ExitCode;

const USAGE: &str = "usage:
  autoencoder-playground check-fixture FILE...
  autoencoder-playground train [--variant standard|denoising|contractive | --preset KEY] [--d 30]
        [--epochs 20] [--seed 0] [--lr 0.001] [--batch 256] [--loss mse|bce] [--noise-p 0.5] [--lambda 0.01]
        [--tied] [--optimizer adam|sgd] [--corruption dropout|gaussian|salt_pepper|square]
        [--activation tanh|linear] [--hidden 128,64]
        [--data IMAGES_IDX[.gz] --labels LABELS_IDX[.gz]] [--test-data IMAGES --test-labels LABELS]
        [--eval train|test|all] [--save FILE.safetensors] [--dtype f32|f16|bf16]
      defaults: the page's lab of that variant and loss (src/presets.rs): contractive λ 0.01,
      BCE lr 0.003 batch 64, denoising d 500; --preset KEY any lab's (map_2d, bce_plateau, …)
      --eval train (default): train on all of --data and score it, as the notebook does;
      --eval test: train on the training part, score the held-out part (the built-in split,
      or --test-data); --eval all: as test, and also score the training part (train_* fields)
  autoencoder-playground eval --weights FILE.safetensors [--data IMAGES --labels LABELS]
        [--test-data IMAGES --test-labels LABELS] [--eval all|train|test]
      scores any safetensors autoencoder (ours or PyTorch's state_dict) on every digit (all),
      the training part or the held-out part of the data
  autoencoder-playground manifold-train [--variant standard|denoising|contractive | --preset KEY]
        [--curve circle|arcs|spiral|sine] [--points 400] [--noise 0.02] [--sigma 0.15] [--lambda 0.1]
        [--width 64] [--depth 1] [--code 2] [--lr 0.003] [--batch 100] [--seed 0] [--steps 10000]
        [--every 1000] [--save FILE.safetensors] [--dtype f32|f16|bf16|auto]
      one autoencoder of the 2-D manifold lab (manifold.html); defaults: the page's lesson of that
      variant (src/presets.rs); --dtype auto keeps F16 when it moves the eval loss by at most 1e-4
  autoencoder-playground convert --weights IN.safetensors --out OUT.safetensors --dtype f32|f16|bf16
  autoencoder-playground bench [--seconds 2] [--repeats 5]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or(&[]);
    let result = match args.first().map(String::as_str) {
        Some("check-fixture") => return cli::fixture::run(rest),
        Some("train") => cli::train::run(rest),
        Some("eval") => cli::eval::run(rest),
        Some("manifold-train") => cli::manifold::run(rest),
        Some("convert") => cli::eval::convert(rest),
        Some("bench") => cli::bench::run(rest),
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
