#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target
//! The 2-D lab's weights files: each variant's model round-trips exactly (F32) under PyTorch's
//! `nn.Sequential` names with input 2, carries its settings and steps, and trains on after a
//! load; a file for another lab, other settings, another drawn stroke or tensors that do not
//! chain is refused with a sentence and the lab's model untouched; `manifold-train` writes a
//! file the lab loads. Run: cargo test --release --test manifold_weights

use autoencoder_playground::autoencoder::Autoencoder;
use autoencoder_playground::data::curves::Curve;
use autoencoder_playground::labs::manifold::weights::{from_bytes, LAB};
use autoencoder_playground::labs::manifold::{ManifoldSettings, ManifoldTrainer};
use autoencoder_playground::train::{Settings, Variant};
use autoencoder_playground::weights::{self, Dtype, Provenance};
use half::f16;
use safetensors::SafeTensors;
use serde_json::Value;
use std::process::Command;

const VARIANTS: [Variant; 3] = [Variant::Standard, Variant::Denoising, Variant::Contractive];

/// A small lab: 64 points, width 16, depth 1, code 2 (the page's shape, smaller).
fn settings(variant: Variant) -> ManifoldSettings {
    ManifoldSettings { variant, points: 64, width: 16, batch: 32, seed: 5, ..ManifoldSettings::default() }
}

fn trained(s: ManifoldSettings, steps: u32) -> ManifoldTrainer {
    let mut t = ManifoldTrainer::new(s, None).unwrap();
    t.step(steps).unwrap();
    t
}

/// Every parameter, in order.
fn params(m: &Autoencoder) -> Vec<f32> {
    m.enc.iter().chain(&m.dec).flat_map(|l| l.w.iter().chain(l.b.iter()).copied().collect::<Vec<_>>()).collect()
}

fn refuses(t: &mut ManifoldTrainer, bytes: &[u8], words: &str) {
    let before = params(t.model());
    match t.load_weights(bytes) {
        Ok(_) => panic!("loaded a file that should be refused ({words})"),
        Err(e) => assert!(e.to_string().contains(words), "message {:?} does not say {words:?}", e.to_string()),
    }
    assert_eq!(params(t.model()), before, "a refused file changed the lab's model");
}

#[test]
fn every_variant_round_trips_exactly_in_f32_and_trains_on() {
    for v in VARIANTS {
        let mut a = trained(settings(v), 40);
        let bytes = a.save_weights(Dtype::F32).unwrap();
        let mut b = ManifoldTrainer::new(settings(v), None).unwrap();
        assert_ne!(params(b.model()), params(a.model()), "{v:?}: the seed's model differs from the trained one");
        let prov = b.load_weights(&bytes).unwrap();
        assert_eq!(params(b.model()), params(a.model()), "{v:?}: every parameter bit for bit");
        assert_eq!((prov.steps, b.total_steps()), (40, 40), "{v:?}");
        assert_eq!(prov.eval_loss, Some(a.evaluate().unwrap()), "{v:?}: the saved eval loss is the model's");
        assert_eq!(b.evaluate().unwrap(), a.evaluate().unwrap(), "{v:?}");
        let grid = autoencoder_playground::data::curves::grid_points(8);
        assert_eq!(b.reconstruct(&grid).unwrap(), a.reconstruct(&grid).unwrap(), "{v:?}: the same field");
        b.step(10).unwrap();
        assert_eq!(b.total_steps(), 50, "{v:?}: the loaded steps carry on");
        let again = from_bytes(&b.save_weights(Dtype::F32).unwrap()).unwrap();
        assert_eq!(again.provenance.steps, 50);
    }
}

#[test]
fn f16_files_hold_each_value_rounded_to_half() {
    let a = &mut trained(settings(Variant::Contractive), 30);
    let l = from_bytes(&a.save_weights(Dtype::F16).unwrap()).unwrap();
    assert_eq!(l.dtype, "F16");
    // The oracle: IEEE binary16 round to nearest even (the `half` crate's conversion).
    let want: Vec<f32> = params(a.model()).iter().map(|&x| f16::from_f32(x).to_f32()).collect();
    assert_eq!(params(&l.model), want);
}

#[test]
fn names_shapes_and_metadata_are_pytorchs_and_the_labs() {
    let s = ManifoldSettings { depth: 2, code: 3, ..settings(Variant::Denoising) };
    let bytes = trained(s.clone(), 5).save_weights(Dtype::F32).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    // nn.Linear(in, out).weight is [out, in]: 2 → 16 → 16 → 3 → 16 → 16 → 2.
    let want = [
        ("encoder.0.weight", vec![16, 2]), ("encoder.0.bias", vec![16]),
        ("encoder.2.weight", vec![16, 16]), ("encoder.4.weight", vec![3, 16]), ("encoder.4.bias", vec![3]),
        ("decoder.0.weight", vec![16, 3]), ("decoder.2.weight", vec![16, 16]), ("decoder.4.weight", vec![2, 16]),
        ("decoder.4.bias", vec![2]),
    ];
    for (name, shape) in want {
        assert_eq!(st.tensor(name).unwrap().shape(), shape.as_slice(), "{name}");
    }
    assert_eq!(st.len(), 12, "6 Linear layers × (weight, bias)");
    let (_, header) = SafeTensors::read_metadata(&bytes).unwrap();
    let meta = header.metadata().clone().unwrap();
    assert_eq!(meta["lab"], LAB);
    let back: ManifoldSettings = serde_json::from_str(&meta["settings"]).unwrap();
    assert_eq!(back, s);
    let prov: Value = serde_json::from_str(&meta["provenance"]).unwrap();
    assert_eq!(prov["steps"], 5);
    assert!(prov["final_loss"].as_f64().unwrap() > 0.0);
}

#[test]
fn settings_that_do_not_shape_the_model_may_differ() {
    let bytes = trained(settings(Variant::Standard), 10).save_weights(Dtype::F32).unwrap();
    // A standard AE ignores σ and λ; the learning rate only sets the pace.
    let other = ManifoldSettings { sigma: 0.4, lambda: 2.0, lr: 0.05, ..settings(Variant::Standard) };
    let mut t = ManifoldTrainer::new(other, None).unwrap();
    t.load_weights(&bytes).unwrap();
    assert_eq!(t.settings().lr, 0.05, "the lab keeps its own rate");
}

#[test]
fn files_for_another_model_are_refused_and_the_lab_is_untouched() {
    let mut t = ManifoldTrainer::new(settings(Variant::Denoising), None).unwrap();
    let mut other = |s: ManifoldSettings, words: &str| {
        let bytes = trained(s, 3).save_weights(Dtype::F32).unwrap();
        refuses(&mut t, &bytes, words);
    };
    other(settings(Variant::Standard), "variant \"standard\" in the file, \"denoising\" here");
    other(ManifoldSettings { width: 8, ..settings(Variant::Denoising) }, "width 8 in the file, 16 here");
    other(ManifoldSettings { curve: Curve::Spiral, ..settings(Variant::Denoising) }, "curve \"spiral\" in the file");
    other(ManifoldSettings { sigma: 0.5, ..settings(Variant::Denoising) }, "sigma 0.5 in the file");
    other(ManifoldSettings { seed: 6, ..settings(Variant::Denoising) }, "seed 6 in the file");
}

#[test]
fn a_model_of_another_drawn_curve_is_refused() {
    let s = ManifoldSettings { curve: Curve::Drawn, ..settings(Variant::Standard) };
    let (one, two) = ([-1.0f32, 0.0, 0.0, 0.5, 1.0, 0.0], [-1.0f32, 0.0, 0.0, -0.5, 1.0, 0.0]);
    let mut a = ManifoldTrainer::new(s.clone(), Some(&one)).unwrap();
    a.step(5).unwrap();
    let bytes = a.save_weights(Dtype::F32).unwrap();
    ManifoldTrainer::new(s.clone(), Some(&one)).unwrap().load_weights(&bytes).unwrap();
    refuses(&mut ManifoldTrainer::new(s, Some(&two)).unwrap(), &bytes, "another drawn curve");
}

#[test]
fn an_mnist_file_is_refused_by_the_lab_and_a_2d_file_by_mnist() {
    let mut t = ManifoldTrainer::new(settings(Variant::Standard), None).unwrap();
    let mnist = Settings { d: 4, ..Settings::default() };
    let m = Autoencoder::new(mnist.ae_config(784), 8, &mut autoencoder_playground::rng::Rng::new(0)).unwrap();
    let bytes = weights::to_bytes(&m, &mnist, &Provenance::default(), Dtype::F32).unwrap();
    refuses(&mut t, &bytes, "holds an MNIST autoencoder (28×28 = 784 inputs), not a model of the 2-D lab");
    let ours = trained(settings(Variant::Standard), 3).save_weights(Dtype::F32).unwrap();
    let e = weights::from_bytes(&ours).unwrap_err().to_string();
    assert!(e.contains("holds a model of the 2-D manifold lab, not an MNIST autoencoder"), "{e}");
}

/// `bytes` with tensor `name` replaced by one of `shape` (F32 zeros), metadata kept.
fn reshaped(bytes: &[u8], name: &str, shape: Vec<usize>) -> Vec<u8> {
    let st = SafeTensors::deserialize(bytes).unwrap();
    let (_, header) = SafeTensors::read_metadata(bytes).unwrap();
    let zeros = vec![0u8; 4 * shape.iter().product::<usize>()];
    let mut views: Vec<(String, safetensors::tensor::TensorView)> = st.tensors().into_iter().filter(|(n, _)| n != name).collect();
    views.push((name.to_string(), safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape, &zeros).unwrap()));
    safetensors::serialize(views, header.metadata().clone()).unwrap()
}

#[test]
fn damaged_files_are_refused_with_a_sentence() {
    let mut t = ManifoldTrainer::new(settings(Variant::Standard), None).unwrap();
    let good = trained(settings(Variant::Standard), 3).save_weights(Dtype::F32).unwrap();
    refuses(&mut t, &reshaped(&good, "decoder.0.weight", vec![16, 5]), "the shapes do not chain");
    refuses(&mut t, &reshaped(&good, "encoder.0.weight", vec![16, 3]), "takes 3 inputs; the 2-D lab's models take 2 inputs (x, y)");
    refuses(&mut t, &good[..good.len() - 7], "weights file:");
    // PyTorch's own state_dict (no metadata): the settings that rebuild the points are missing.
    let st = SafeTensors::deserialize(&good).unwrap();
    let bare = safetensors::serialize(st.tensors(), None).unwrap();
    refuses(&mut t, &bare, "no 2-D lab metadata");
}

#[test]
fn the_cli_writes_a_file_the_lab_loads_with_the_printed_losses() {
    let dir = std::env::temp_dir().join(format!("ae-manifold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("c.safetensors");
    let out = Command::new(env!("CARGO_BIN_EXE_autoencoder-playground"))
        .args(["manifold-train", "--variant", "contractive", "--points", "64", "--width", "16", "--steps", "120", "--every", "50"])
        .args(["--save", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let steps: Vec<u64> = lines.iter().map(|l| l["steps"].as_u64().unwrap()).collect();
    assert_eq!(steps, [50, 100, 120, 120], "a line per --every, the last stretch shorter, then the summary");
    let last = lines.last().unwrap();
    assert_eq!((last["done"].as_bool(), last["dtype"].as_str()), (Some(true), Some("F32")));
    let s: ManifoldSettings = serde_json::from_value(last["settings"].clone()).unwrap();
    assert_eq!((s.variant, s.points, s.width, s.lambda, s.lr), (Variant::Contractive, 64, 16, 0.1, 0.003), "the lesson's λ and lr");
    let bytes = std::fs::read(&path).unwrap();
    let mut t = ManifoldTrainer::new(s, None).unwrap();
    let prov = t.load_weights(&bytes).unwrap();
    assert_eq!(prov.steps, 120);
    assert_eq!(t.evaluate().unwrap() as f64, last["eval_loss"].as_f64().unwrap(), "the printed eval loss is the file's model's");
    assert_eq!(prov.final_loss.unwrap() as f64, last["final_loss"].as_f64().unwrap());
    let bad = Command::new(env!("CARGO_BIN_EXE_autoencoder-playground")).args(["manifold-train", "--curve", "drawn"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("a drawn curve exists only in the page"));
    std::fs::remove_dir_all(&dir).ok();
}
