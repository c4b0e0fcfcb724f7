//! Tests of the wasm-bindgen façade, run in Node by `wasm-pack test --node -- --test facade`
//! (the Makefile's `test` target). They exercise exactly what the page calls: settings objects in,
//! bytes in once, small stats and typed-array copies out, and thrown errors for bad input —
//! every exported method's happy path and its errors.
#![cfg(target_arch = "wasm32")]

use autoencoder_playground::api::{manifold_grid, weights_info, GemmBench, ManifoldLab, Trainer};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[path = "facade/manifold.rs"]
mod manifold;
#[path = "facade/kernels.rs"]
mod kernels;
#[path = "facade/files.rs"]
mod files;
#[path = "facade/shard.rs"]
mod shard;

const IMAGES: &[u8] = include_bytes!("../data/mnist10k-images-idx3-ubyte.gz");
const LABELS: &[u8] = include_bytes!("../data/mnist10k-labels-idx1-ubyte.gz");

fn obj(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn f32_len(v: &JsValue, k: &str) -> u32 {
    js_sys::Float32Array::from(get(v, k)).length()
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
    let m = t.masks(&idx, None).unwrap();
    assert!(m.iter().all(|&v| v == 0.0 || v == 2.0), "the notebook's mask: 0 or 1/(1-p)");
    assert_eq!(t.corrupted(&idx, None).unwrap().len(), 3 * 784);
    assert_eq!(t.reconstruct_corrupted(&idx, None).unwrap().len(), 3 * 784);
    // Seeded as other rows (the page's preview): the masks those rows get; one row per image.
    let other = vec![idx[2], idx[0], idx[1]];
    let as_other = t.masks(&idx, Some(other.clone())).unwrap();
    let theirs = t.masks(&other, None).unwrap();
    assert_eq!(as_other[..784], theirs[..784], "image 0 seeded as row idx[2] gets row idx[2]'s mask");
    assert_ne!(as_other, m, "other seeds, other masks");
    assert!(t.masks(&idx, Some(vec![1, 2])).is_err(), "two seed rows for three images");
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
    assert!(Trainer::new(obj(r#"{"noise_p": 1.5}"#), IMAGES, None).is_err());
    let mut t = Trainer::new(JsValue::UNDEFINED, IMAGES, None).unwrap();
    assert!(t.step(0).is_err());
    assert!(t.inputs(&[10_000]).is_err());
    assert!(t.decode_rows(&[0.5; 31]).is_err());
    // The trainer still works after refusing.
    assert!(field(&t.step(1).unwrap(), "loss").is_finite());
}

fn small() -> Trainer {
    Trainer::new(obj(r#"{"d": 8, "batch": 64, "seed": 1}"#), IMAGES, Some(LABELS.to_vec())).unwrap()
}

#[wasm_bindgen_test]
fn step_reports_a_warning_field_and_set_lr_continues_training() {
    let mut t = Trainer::new(obj(r#"{"lr": 10}"#), IMAGES, None).unwrap();
    let mut warned = false;
    for _ in 0..6 {
        let s = t.step(10).unwrap();
        warned |= get(&s, "warning").as_string().is_some_and(|w| w.contains("lower the learning rate"));
    }
    assert!(warned, "Adam at lr 10 is flagged");
    t.set_lr(0.001).unwrap();
    let s = t.step(5).unwrap();
    assert!(field(&s, "loss").is_finite() && field(&s, "steps") == 65.0);
    assert!(t.set_lr(-1.0).is_err() && t.set_lr(11.0).is_err());
    let p = t.position().unwrap();
    assert_eq!(field(&p, "steps"), 65.0);
    // Linear + SGD at lr 1 diverges: step throws and the model stays as it was.
    let mut t = Trainer::new(obj(r#"{"activation": "linear", "optimizer": "sgd", "momentum": 0, "lr": 1}"#), IMAGES, None).unwrap();
    let mut threw = false;
    for _ in 0..30 {
        let k = t.kernels();
        if t.step(1).is_err() {
            assert_eq!(t.kernels(), k, "the step is undone");
            threw = true;
            break;
        }
    }
    assert!(threw);
}

#[wasm_bindgen_test]
fn the_denoising_block() {
    let mut t = small();
    let out = t.corrupt_rows(&[0, 1], "square", 10.0, 7).unwrap();
    assert_eq!(out.len(), 2 * 2 * 784);
    assert!(t.corrupt_rows(&[0], "blur", 0.5, 0).is_err());
    assert!(t.corrupt_rows(&[0], "dropout", 1.5, 0).is_err());
    assert!(t.corrupt_rows(&[10_000], "dropout", 0.5, 0).is_err());
    let x = t.inputs(&[3]).unwrap();
    let unknown: Vec<f32> = (0..784).map(|i| ((i / 28) >= 10 && (i / 28) < 18) as u8 as f32).collect();
    let r = t.inpaint_rows(&x, &unknown, "projection", 5, 1.0).unwrap();
    assert_eq!(r.len(), 784 + 6 + 1);
    assert!(r[784..790].windows(2).all(|w| w[1] <= w[0]), "the energy never rises");
    assert!(t.inpaint_rows(&x, &unknown, "magic", 5, 1.0).is_err());
    assert!(t.inpaint_rows(&x[..100], &unknown, "gradient", 5, 1.0).is_err());
    // The OpenCV conversions (hand-computed: 2 → 255, −2 → 0, 0 → 127; a dropped pixel → mask 1).
    assert_eq!(t.faceoff_to_cv(&[2.0, -2.0, 0.0], &[2.0, 2.0, 0.0]).unwrap(), vec![255, 0, 127, 0, 0, 1]);
    assert!(t.faceoff_to_cv(&[0.0; 3], &[0.0; 2]).is_err());
    assert_eq!(t.faceoff_from_cv(&[0, 255]), vec![-1.0, 1.0]);
    let m = t.faceoff_mse(&[1.0, 0.0], &[0.0, 0.0], &[1, 0]).unwrap();
    assert_eq!((field(&m, "masked"), field(&m, "whole")), (1.0, 0.5)); // (1² + 0²)/2 over all, 1²/1 masked
    assert!(t.faceoff_mse(&[1.0], &[0.0, 0.0], &[1, 0]).is_err());
}

#[wasm_bindgen_test]
fn the_latent_block() {
    let mut t = small();
    let a = t.inputs(&[0]).unwrap();
    let b = t.inputs(&[1]).unwrap();
    assert_eq!(t.latent_interpolate(&a, &b, &[0.0, 0.5, 1.0]).unwrap().len(), 2 * 3 * 784);
    assert!(t.latent_interpolate(&a, &b, &[1.5]).is_err());
    let idx: Vec<u32> = (0..50).collect();
    let m = t.latent_map(&idx).unwrap();
    assert_eq!(f32_len(&m, "xy"), 100);
    assert_eq!(js_sys::Uint8Array::from(get(&m, "labels")).length(), 50);
    assert_eq!(get(&m, "method").as_string().unwrap(), "pca");
    let ex = field(&m, "explained");
    assert!(ex > 0.0 && ex <= 1.0);
    let mean = js_sys::Float32Array::from(get(&m, "mean")).to_vec();
    let comps = js_sys::Float32Array::from(get(&m, "components")).to_vec();
    assert_eq!(t.latent_decode_xy(&mean, &comps, &[0.0, 0.0]).unwrap().len(), 784);
    assert!(t.latent_decode_xy(&mean[1..], &comps, &[0.0, 0.0]).is_err());
    assert!(t.latent_map(&[10_000]).is_err());
    let mut ink = vec![0f32; 40 * 40];
    (10..30).for_each(|i| ink[i * 40 + 20] = 1.0);
    assert_eq!(t.latent_preprocess(&ink, 40, 40).unwrap().len(), 784);
    assert!(t.latent_preprocess(&[0.0; 1600], 40, 40).is_err(), "an empty drawing");
    let p = t.latent_probe(&a).unwrap();
    assert_eq!((f32_len(&p, "recon"), f32_len(&p, "code"), f32_len(&p, "heat")), (784, 8, 784));
    assert!(field(&p, "error") >= 0.0);
    assert!(t.latent_probe(&a[..10]).is_err());
    // Untrained, the output sits near 0, which is closer to uniform noise (E[x²] = 1/3) than to a
    // digit (mostly −1): noise only stands out once the model has learnt digits.
    t.step(100).unwrap();
    let r = t.latent_anomalies(50, 20, 6, 90.0, &[]).unwrap();
    assert_eq!(js_sys::Array::from(&get(&r, "kinds")).length(), 6);
    assert_eq!(js_sys::Array::from(&get(&r, "errors")).length(), 6);
    assert_eq!(js_sys::Uint32Array::from(get(&r, "normal_indices")).length(), 50);
    let auc = js_sys::Array::from(&get(&r, "auc"));
    assert!(auc.get(0).as_f64().unwrap().is_nan(), "no AUC for the digits themselves");
    assert!(auc.get(1).as_f64().unwrap() > 0.5, "noise is anomalous: AUC {:?}", auc.get(1).as_f64());
    assert!(field(&r, "auc_all") > 0.5);
    assert!(t.latent_anomalies(0, 20, 6, 90.0, &[]).is_err());
    let pr = t.latent_precision_recall(&[0.1, 0.6], &[0.5, 0.7], 0.4).unwrap();
    assert_eq!((field(&pr, "tp"), field(&pr, "fp"), field(&pr, "precision"), field(&pr, "recall")), (2.0, 1.0, 2.0 / 3.0, 1.0));
}

#[wasm_bindgen_test]
fn the_capacity_block() {
    let mut t = small();
    let probes = t.capacity_probes(0, Some(vec![0.0; 784])).unwrap();
    assert_eq!(probes.len(), 5 * 784);
    assert!(t.capacity_probes(0, Some(vec![2.0; 784])).is_err());
    assert!(t.capacity_probes(10_000, None).is_err());
    assert_eq!(t.capacity_errors(&probes).unwrap().len(), 5);
    assert!(t.capacity_errors(&probes[..100]).is_err());
    let r = t.capacity_report(100).unwrap();
    assert_eq!((field(&r, "d"), field(&r, "count")), (8.0, 100.0));
    assert!(t.capacity_report(0).is_err());
    let p = t.capacity_pca(4, 200, 100).unwrap();
    assert_eq!(f32_len(&p, "components"), 4 * 784);
    assert!(field(&p, "mse") > 0.0);
    assert!(t.capacity_pca(0, 200, 100).is_err());
}

#[wasm_bindgen_test]
fn the_manifold_lab() {
    let mut m = ManifoldLab::new(obj(r#"{"variant": "contractive", "curve": "spiral", "seed": 2}"#), None).unwrap();
    assert_eq!(m.code(), 2);
    let s = m.step(20).unwrap();
    assert!(field(&s, "loss").is_finite() && field(&s, "steps") == 20.0);
    assert!(get(&s, "warning").is_undefined() || get(&s, "warning").is_null());
    m.set_lr(0.001).unwrap();
    assert!(m.set_lr(5.0).is_err());
    assert!(m.step(0).is_err());
    assert_eq!(m.data().len(), 800);
    assert_eq!(m.corrupted().len(), 800);
    let g = manifold_grid(4).unwrap();
    assert_eq!(g.len(), 32);
    assert!(manifold_grid(0).is_err());
    assert_eq!(m.reconstruct(&g).unwrap().len(), 32);
    assert!(m.reconstruct(&g[..3]).is_err());
    assert_eq!(m.jacobian(&g).unwrap().len(), 16 * 2 * 2);
    assert!(m.jacobian(&[0.0]).is_err());
    assert_eq!(m.sweep(10).unwrap().len(), 18 * 10 * 2);
    assert!(m.sweep(1).is_err());
    assert!(ManifoldLab::new(obj(r#"{"points": 3}"#), None).is_err());
    assert!(ManifoldLab::new(obj(r#"{"shape": "blob"}"#), None).is_err(), "unknown keys are refused");
    assert!(ManifoldLab::new(obj(r#"{"curve": "drawn"}"#), None).is_err(), "a drawn curve needs a stroke");
    assert!(ManifoldLab::new(obj(r#"{"curve": "drawn"}"#), Some(vec![0.0, 0.0, 0.5, 0.5])).is_ok());
}

// ---- Images that are not 28×28: refused with a sentence, as the CLI refuses them. ----

/// A raw IDX image file (magic 0x00000803) of `n` images of `side`×`side` pixels, all 0.
/// The benchmark's handle: one step's products (their FLOPs: the encoder's and decoder's
/// forward, both weight gradients and the hidden layer's input gradient, 2·m·k·n each) and
/// one core's peak and its micro-kernel alone.
#[wasm_bindgen_test]
fn the_benchmark_handle() {
    let mut g = GemmBench::new(obj(r#"{"d":12,"batch":8}"#), 784).unwrap();
    assert_eq!(g.flops(), 5.0 * 2.0 * 8.0 * 784.0 * 12.0);
    g.run(2);
    assert_eq!(g.peak(1000), 1000.0 * 96.0, "12 chains × 4 lanes × 2 FLOPs a round");
    assert_eq!(g.kernel_alone(10), 10.0 * 8192.0, "a 4×8 tile 128 steps deep a call");
    assert!(g.kernel().contains("4×8"), "{}", g.kernel());
    assert!(GemmBench::new(obj(r#"{"d":0}"#), 784).is_err(), "a bad model is refused");
}

fn idx_images(n: u32, side: u32) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 3];
    for v in [n, side, side] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.resize(b.len() + (n * side * side) as usize, 0);
    b
}

/// The message of a thrown JsError.
fn message(e: wasm_bindgen::JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

#[wasm_bindgen_test]
fn images_that_are_not_28_by_28_are_refused_with_a_sentence() {
    // The same check the CLI uses (Dataset::require_28x28): a 32×32 file never builds a model.
    let wrong = idx_images(4, 32);
    let e = message(Trainer::new(JsValue::UNDEFINED, &wrong, None).err().expect("32×32 refused"));
    assert_eq!(e, "images are 32×32 pixels; the playground needs MNIST's 28×28", "new Trainer");
    let file = Trainer::new(obj(r#"{"d": 4}"#), IMAGES, None).unwrap().save_weights("f32", 0).unwrap();
    let e = message(Trainer::from_weights(&file, &wrong, None).err().expect("32×32 refused"));
    assert!(e.contains("32×32") && e.contains("28×28"), "Trainer.fromWeights: {e}");
    // The same bytes at 28×28 are accepted: the size is what is refused.
    assert!(Trainer::new(obj(r#"{"d": 4, "batch": 2}"#), &idx_images(4, 28), None).is_ok());
}
