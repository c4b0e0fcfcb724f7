//! `Trainer::with_weights`, the one way the page starts a trainer from a weights file (Load, the
#![cfg(not(target_arch = "wasm32"))]
//! pretrained models, the kept model): the parameters come from the file, nothing else changes,
//! and a model of the wrong shape is refused. The PyTorch numbers are from
//! `tests/fixtures/weights/expected.json` (made by PyTorch; see its README).

use autoencoder_playground::data::Dataset;
use autoencoder_playground::train::{Settings, Trainer};
use autoencoder_playground::weights::{self, Dtype, Provenance};
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/weights/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn a_saved_model_comes_back_as_it_was_with_a_fresh_optimiser() {
    let data = Dataset::default_mnist().unwrap();
    let settings = Settings { d: 16, batch: 128, seed: 7, ..Settings::default() };
    let mut t = Trainer::new(settings.clone(), data.clone()).unwrap();
    t.step(5).unwrap();
    let bytes = weights::to_bytes(t.model(), t.settings(), &Provenance::default(), Dtype::F32).unwrap();
    let l = weights::from_bytes(&bytes).unwrap();
    let mut back = Trainer::with_weights(l.settings, data, &l.model).unwrap();
    let x = t.inputs(&[0, 1, 2, 3]).unwrap();
    // F32 round trip: bit for bit the same model, so the same reconstructions.
    assert_eq!(back.reconstruct_rows(&x).unwrap(), t.reconstruct_rows(&x).unwrap());
    assert_eq!(back.settings(), &settings);
    let p = back.position();
    assert_eq!((p.epoch, p.steps, p.samples_seen), (0, 0, 0), "a fresh start: epoch 0, no optimiser steps");
    // Training continues from the loaded weights: its first loss is far below a fresh model's.
    let fresh = Trainer::new(settings, Dataset::default_mnist().unwrap()).unwrap().step(1).unwrap().loss;
    let cont = back.step(1).unwrap().loss;
    assert!(cont < fresh, "continues from the weights: {cont} vs a fresh model's {fresh}");
}

#[test]
fn a_pytorch_state_dict_scores_as_pytorch_computed() {
    let want: Value = serde_json::from_slice(&fixture("expected.json")).unwrap();
    let f = want["files"].as_array().unwrap().iter().find(|f| f["file"] == "notebook-ae-d30.safetensors").unwrap();
    let l = weights::from_bytes(&fixture("notebook-ae-d30.safetensors")).unwrap();
    let mut t = Trainer::with_weights(l.settings, Dataset::default_mnist().unwrap(), &l.model).unwrap();
    // expected.json: PyTorch's nn.MSELoss() over all 10,000 digits; tolerance 1e-5 (its README).
    let got = t.evaluate().mse_clean as f64;
    let pt = f["eval_mse_clean"].as_f64().unwrap();
    assert!((got - pt).abs() < 1e-5, "eval MSE {got} vs PyTorch's {pt}");
}

#[test]
fn weights_of_another_shape_are_refused_with_the_layer_named() {
    let l = weights::from_bytes(&fixture("notebook-ae-d30.safetensors")).unwrap();
    let data = Dataset::default_mnist().unwrap();
    let err = Trainer::with_weights(Settings { d: 16, ..Settings::default() }, data.clone(), &l.model).err().expect("d = 16 vs a d = 30 file");
    assert!(err.to_string().contains("layer 0 of the weights is (30, 784)"), "{err}");
    let deep = Settings { d: 30, hidden: vec![128], ..Settings::default() };
    let err = Trainer::with_weights(deep, data, &l.model).err().expect("two layers per stack vs one");
    assert!(err.to_string().contains("1 encoder and 1 decoder layers"), "{err}");
}
