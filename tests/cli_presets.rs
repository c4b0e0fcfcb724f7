#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target
//! The CLI's `train` starts from the page's lab presets (`src/presets.rs`): `--variant
//! contractive` and `--loss bce` train the lab's model, `--preset KEY` any lab's, and the
//! settings it trained with are the ones saved in its safetensors file.

use autoencoder_playground::objective::Loss;
use autoencoder_playground::presets::{self, CONTRACTIVE_LAMBDA};
use autoencoder_playground::train::{Settings, Variant};
use autoencoder_playground::weights;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_autoencoder-playground")).args(args).output().unwrap()
}

/// Trains one epoch with `args` and `--save`, and reads back the settings saved in the file.
fn saved_settings(name: &str, args: &[&str]) -> Settings {
    let dir = std::env::temp_dir().join(format!("ae-cli-presets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.safetensors"));
    let p = path.to_string_lossy().into_owned();
    let mut all = vec!["train", "--epochs", "1", "--save", &p];
    all.extend_from_slice(args);
    let o = run(&all);
    assert!(o.status.success(), "train {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    let loaded = weights::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).ok();
    loaded.settings
}

#[test]
fn variant_and_loss_pick_the_labs_defaults() {
    let cae = saved_settings("cae", &["--variant", "contractive"]);
    assert_eq!(cae.variant, Variant::Contractive);
    assert_eq!(cae.lambda, CONTRACTIVE_LAMBDA, "the lab's λ, not the collapsing 0.1");
    let bce = saved_settings("bce", &["--loss", "bce"]);
    let lab = presets::preset("bce").unwrap().settings;
    assert_eq!((bce.loss, bce.lr, bce.batch), (Loss::Bce, lab.lr, lab.batch));
    // A standard model's file carries the page's λ too (it sets the page's λ field on load).
    let std = saved_settings("std", &["--preset", "standard"]);
    assert_eq!((std.variant, std.lambda), (Variant::Standard, CONTRACTIVE_LAMBDA));
    // An option given on the command line still wins over the preset.
    let own = saved_settings("own", &["--variant", "contractive", "--lambda", "0.5"]);
    assert_eq!(own.lambda, 0.5);
}

#[test]
fn a_named_preset_is_trained_and_a_wrong_one_refused() {
    let map = saved_settings("map", &["--preset", "map_2d"]);
    assert_eq!((map.d, map.hidden.clone()), (2, vec![50, 50]));
    let o = run(&["train", "--preset", "nope"]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && e.contains("--preset") && e.contains("map_2d"), "{e}");
    let o = run(&["train", "--preset", "bce", "--variant", "standard"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("not both"));
}
