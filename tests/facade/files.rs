//! Weights files (src/api/weights.rs: what Save, Load and the pretrained models call) and the
//! page's data (src/api/datasets.rs: a training set and a held-out set).

use super::*;

// ---- Weights files (src/api/weights.rs): what Save, Load and the pretrained models call. ----

const PYTORCH_AE: &[u8] = include_bytes!("../fixtures/weights/notebook-ae-d30.safetensors");

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

// ---- The page's data (src/api/datasets.rs): a training set and a held-out set. ----

#[wasm_bindgen_test]
fn datasets_split_the_builtin_digits_and_trainers_query_the_held_out_part() {
    use autoencoder_playground::api::DataSets;
    let data = DataSets::builtin(IMAGES.to_vec(), LABELS).unwrap();
    // data::split's rule: every tenth image of each class held out, 10,000 → 9,000 + 1,000.
    assert_eq!((data.train_len(), data.test_len(), data.split()), (9000, 1000, true));
    let mut t = Trainer::on(obj(r#"{"d": 8, "batch": 64, "seed": 2}"#), &data).unwrap();
    assert_eq!((t.len(), t.test_len()), (9000, 1000));
    assert!(t.labels(&[999]).is_ok() && t.labels(&[1000]).is_err(), "row queries index the 1,000 held-out images");
    t.step(2).unwrap();
    let e = t.evaluate().unwrap();
    assert_eq!((field(&e, "train_len"), field(&e, "test_len")), (9000.0, 1000.0));
    assert!(field(&e, "test_mse_clean") > 0.0 && field(&e, "mse_clean") > 0.0);
    // A saved model comes back on the same split, with the same outputs on held-out digits.
    let bytes = t.save_weights("f32", 0).unwrap();
    let mut back = Trainer::from_weights_on(&bytes, &data).unwrap();
    assert_eq!((back.len(), back.test_len()), (9000, 1000));
    assert_eq!(back.reconstruct(&[0, 999]).unwrap(), t.reconstruct(&[0, 999]).unwrap());
    assert!(Trainer::from_weights_on(&bytes[..100], &data).is_err(), "a truncated file is refused");
    // Files are told apart by their headers (so the order does not matter); two image files are refused.
    assert_eq!(DataSets::builtin(LABELS.to_vec(), IMAGES).unwrap().train_len(), 9000);
    assert!(DataSets::builtin(IMAGES.to_vec(), IMAGES).is_err(), "no labels file");
    // The other built-in set against this model's held-out digits: two populations and an AUC in [0, 1].
    let v = t.latent_versus(&data, 50).unwrap();
    assert_eq!(f32_len(&v, "own"), 50);
    let auc = field(&v, "auc");
    assert!((0.0..=1.0).contains(&auc));
}
