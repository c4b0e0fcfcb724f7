//! Tests of the wasm-bindgen façade, run in Node by `wasm-pack test --node -- --test facade`
//! (the Makefile's `test` target). They exercise exactly what the page calls: settings objects in,
//! bytes in once, small stats and typed-array copies out, and thrown errors for bad input.
#![cfg(target_arch = "wasm32")]

use autoencoder_playground::api::{validate_settings, Trainer};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

const IMAGES: &[u8] = include_bytes!("../data/mnist10k-images-idx3-ubyte.gz");
const LABELS: &[u8] = include_bytes!("../data/mnist10k-labels-idx1-ubyte.gz");

fn obj(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn field(v: &JsValue, k: &str) -> f64 {
    Reflect::get(v, &JsValue::from_str(k)).unwrap().as_f64().unwrap_or_else(|| panic!("{k} is not a number"))
}

#[wasm_bindgen_test]
fn trains_and_returns_small_stats_and_copies() {
    let mut t = Trainer::new(obj(r#"{"d": 16, "batch": 128, "seed": 3}"#), IMAGES, Some(LABELS.to_vec())).unwrap();
    assert_eq!((t.len(), t.d(), t.dim(), t.lo(), t.hi()), (10_000, 16, 784, -1.0, 1.0));
    let idx = [0u32, 1, 2];
    let before = t.reconstruct(&idx).unwrap();
    assert_eq!(before.len(), 3 * 784);
    let first = field(&t.step(1).unwrap(), "loss");
    let s = t.step(20).unwrap();
    assert!(field(&s, "loss") < first, "loss falls: {first} -> {}", field(&s, "loss"));
    assert_eq!(field(&s, "steps"), 21.0);
    assert_eq!(field(&s, "batches_per_epoch"), 79.0);
    assert_eq!(field(&s, "samples_seen"), 21.0 * 128.0);
    assert_ne!(t.reconstruct(&idx).unwrap(), before, "reconstructions change with training");
    assert_eq!(t.kernels().len(), 16 * 784);
    assert_eq!(t.labels(&idx).unwrap().len(), 3);
    assert!(t.labels(&idx).unwrap().iter().all(|&l| l < 10));
    let ev = t.evaluate().unwrap();
    assert!(field(&ev, "mse_clean") > 0.0 && field(&ev, "mse_noisy") > field(&ev, "mse_clean"));
    let m = t.masks(&idx).unwrap();
    assert!(m.iter().all(|&v| v == 0.0 || v == 2.0), "the notebook's mask: 0 or 1/(1-p)");
    assert_eq!(t.corrupted(&idx).unwrap().len(), 3 * 784);
    assert_eq!(t.reconstruct_corrupted(&idx).unwrap().len(), 3 * 784);
    let h = t.encode_rows(&t.inputs(&idx).unwrap()).unwrap();
    assert_eq!(h.len(), 3 * 16);
    assert_eq!(t.decode_rows(&h).unwrap(), t.reconstruct(&idx).unwrap());
}

#[wasm_bindgen_test]
fn bad_input_throws_and_never_panics() {
    // wasm-bindgen's JsError is opaque on the Rust side; that these return Err (and the test
    // process survives) is the point: the page shows the message.
    assert!(Trainer::new(obj(r#"{"lr": -1}"#), IMAGES, None).is_err());
    assert!(Trainer::new(obj(r#"{"d": 0}"#), IMAGES, None).is_err());
    assert!(Trainer::new(obj(r#"{"d": 5000}"#), IMAGES, None).is_err());
    assert!(Trainer::new(obj(r#"{"batch": "big"}"#), IMAGES, None).is_err());
    assert!(Trainer::new(obj(r#"{"colour": "red"}"#), IMAGES, None).is_err(), "unknown keys are refused");
    assert!(Trainer::new(JsValue::UNDEFINED, &IMAGES[..100], None).is_err(), "truncated gzip");
    assert!(Trainer::new(JsValue::UNDEFINED, b"", None).is_err(), "empty file");
    assert!(Trainer::new(JsValue::UNDEFINED, IMAGES, Some(vec![0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3])).is_err(), "label count differs");
    assert!(validate_settings(obj(r#"{"lr": 0.001, "d": 500, "variant": "denoising"}"#)).is_ok());
    assert!(validate_settings(obj(r#"{"noise_p": 1.5}"#)).is_err());
    let mut t = Trainer::new(JsValue::UNDEFINED, IMAGES, None).unwrap();
    assert!(t.step(0).is_err());
    assert!(t.inputs(&[10_000]).is_err());
    assert!(t.decode_rows(&[0.5; 31]).is_err());
    // The trainer still works after refusing.
    assert!(field(&t.step(1).unwrap(), "loss").is_finite());
}

// ---- Weights files (src/api/weights.rs): what Save, Load and the pretrained models call. ----

use autoencoder_playground::api::weights_info;

const PYTORCH_AE: &[u8] = include_bytes!("fixtures/weights/notebook-ae-d30.safetensors");

#[wasm_bindgen_test]
fn saved_weights_load_back_into_the_same_model() {
    let mut t = Trainer::new(obj(r#"{"d": 12, "batch": 64, "seed": 5}"#), IMAGES, Some(LABELS.to_vec())).unwrap();
    t.step(3).unwrap();
    let bytes = t.save_weights("f32", 20).unwrap();
    let info = weights_info(&bytes).unwrap();
    assert_eq!(JSON::stringify(&Reflect::get(&info, &"sizes".into()).unwrap()).unwrap(), "[784,12]");
    let prov = Reflect::get(&info, &"provenance".into()).unwrap();
    assert_eq!(field(&prov, "epochs"), 20.0, "20 epochs before, none completed here");
    let mut back = Trainer::from_weights(&bytes, IMAGES, Some(LABELS.to_vec())).unwrap();
    assert_eq!(back.d(), 12);
    assert_eq!(back.reconstruct(&[0, 1]).unwrap(), t.reconstruct(&[0, 1]).unwrap(), "F32: the same model");
    assert_eq!(field(&back.position().unwrap(), "steps"), 0.0, "a fresh optimiser");
    assert!(t.save_weights("f8", 0).is_err(), "unknown dtype refused");
}

#[wasm_bindgen_test]
fn a_pytorch_file_loads_and_bad_files_throw() {
    let info = weights_info(PYTORCH_AE).unwrap();
    assert_eq!(Reflect::get(&info, &"from_metadata".into()).unwrap(), JsValue::FALSE);
    // 784·30 + 30 + 30·784 + 784 parameters: the notebook's Linear(784, 30) and Linear(30, 784).
    assert_eq!(field(&info, "params"), (784 * 30 + 30 + 30 * 784 + 784) as f64);
    assert!(Trainer::from_weights(PYTORCH_AE, IMAGES, None).is_ok());
    assert!(weights_info(&PYTORCH_AE[..1000]).is_err(), "truncated");
    assert!(Trainer::from_weights(&PYTORCH_AE[..PYTORCH_AE.len() - 4], IMAGES, None).is_err(), "truncated tensors");
    assert!(weights_info(b"not a safetensors file").is_err());
}
