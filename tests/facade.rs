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
