#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target
//! Weights files: PyTorch's own safetensors files load and score as PyTorch computed, our files
//! round-trip and carry PyTorch's names and shapes, and every malformed file is refused with a
//! message saying what is wrong.

use autoencoder_playground::autoencoder::{AeConfig, Autoencoder};
use autoencoder_playground::data::{Dataset, Scaling};
use autoencoder_playground::rng::Rng;
use autoencoder_playground::score::{all_rows, score};
use autoencoder_playground::train::Settings;
use autoencoder_playground::weights::{from_bytes, to_bytes, Dtype, Provenance, MAX_HEADER_BYTES};
use ndarray::Array2;
use safetensors::tensor::TensorView;
use serde_json::Value;

/// The PyTorch weights fixtures: `/work/shared/fixtures/weights/` is the source (see its
/// README: `safetensors.torch.save_file(model.state_dict())` of the notebook's class, and
/// `expected.json` with what PyTorch computes); `tests/fixtures/weights/` holds copies.
fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/weights/{name}", env!("CARGO_MANIFEST_DIR"))).expect("weights fixture")
}

fn expected() -> Value {
    serde_json::from_slice(&fixture("expected.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v["data"].as_array().unwrap().iter().flat_map(|x| x.as_array().map(|r| r.clone()).unwrap_or_else(|| vec![x.clone()])).map(|x| x.as_f64().unwrap() as f32).collect()
}

#[test]
fn pytorch_files_load_and_score_as_pytorch_computed() {
    let data = Dataset::default_mnist().unwrap();
    let exp = expected();
    for f in exp["files"].as_array().unwrap() {
        let name = f["file"].as_str().unwrap();
        let mut l = from_bytes(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!l.from_metadata, "{name}: PyTorch's files carry no metadata");
        let sizes: Vec<usize> = f["architecture"]["sizes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(l.sizes, sizes, "{name}");
        // expected.json: nn.MSELoss() over all 10,000 digits, computed by PyTorch; tolerance 1e-5.
        let ev = score(&mut l.model, &data, &all_rows(data.len()), Scaling::MinusOneToOne).unwrap();
        let want = f["eval_mse_clean"].as_f64().unwrap();
        assert!((ev.mse_clean as f64 - want).abs() < 1e-5, "{name}: eval MSE {} vs PyTorch {want}", ev.mse_clean);
        // Four digits: PyTorch's codes h and reconstructions x̂ of them, abs 1e-5.
        let rows = &f["rows"];
        let x: Vec<f32> = floats(&rows["x_u8"]).iter().map(|&b| Scaling::MinusOneToOne.apply(b as u8)).collect();
        l.model.forward(Array2::from_shape_vec((4, 784), x).unwrap().view());
        for (what, got) in [("h", l.model.code(4).iter().copied().collect::<Vec<_>>()), ("xhat", l.model.output(4).iter().copied().collect())] {
            let want = floats(&rows[what]);
            assert_eq!(got.len(), want.len(), "{name} {what}");
            let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
            assert!(worst < 1e-5, "{name} {what}: max |err| {worst}");
        }
    }
}

fn model(hidden: Vec<usize>, d: usize, tied: bool, seed: u64) -> (Autoencoder, Settings) {
    let s = Settings { d, hidden, tied, seed, ..Settings::default() };
    let cfg: AeConfig = s.ae_config(784);
    (Autoencoder::new(cfg, 16, &mut Rng::new(seed)).unwrap(), s)
}

/// The JSON header of a safetensors file, read by hand (8-byte little-endian length + JSON), as
/// an independent check of what we write.
fn header(bytes: &[u8]) -> Value {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    serde_json::from_slice(&bytes[8..8 + n]).unwrap()
}

#[test]
fn written_files_use_pytorch_names_shapes_and_carry_metadata() {
    let (m, s) = model(vec![128], 16, false, 3);
    let prov = Provenance { epochs: 7, data: "test".into(), ..Provenance::default() };
    let bytes = to_bytes(&m, &s, &prov, Dtype::F32).unwrap();
    let h = header(&bytes);
    let mut keys: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).filter(|k| *k != "__metadata__").collect();
    keys.sort();
    assert_eq!(keys, ["decoder.0.bias", "decoder.0.weight", "decoder.2.bias", "decoder.2.weight", "encoder.0.bias", "encoder.0.weight", "encoder.2.bias", "encoder.2.weight"]);
    // nn.Linear(in, out).weight is [out, in]: 784 → 128 → 16 → 128 → 784.
    for (k, shape) in [("encoder.0.weight", [128, 784]), ("encoder.2.weight", [16, 128]), ("decoder.0.weight", [128, 16]), ("decoder.2.weight", [784, 128])] {
        assert_eq!(h[k]["shape"], serde_json::json!(shape), "{k}");
        assert_eq!(h[k]["dtype"], "F32", "{k}");
    }
    // The bytes of encoder.2.weight are the model's W, row-major little-endian.
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let off = h["encoder.2.weight"]["data_offsets"][0].as_u64().unwrap() as usize;
    let first = f32::from_le_bytes(bytes[8 + n + off..8 + n + off + 4].try_into().unwrap());
    let second = f32::from_le_bytes(bytes[8 + n + off + 4..8 + n + off + 8].try_into().unwrap());
    assert_eq!((first, second), (m.enc[1].w[[0, 0]], m.enc[1].w[[0, 1]]));
    let meta = &h["__metadata__"];
    assert_eq!(meta["format"], "autoencoder-playground/weights-1");
    let settings: Settings = serde_json::from_str(meta["settings"].as_str().unwrap()).unwrap();
    assert_eq!(settings, s);
    let p: Provenance = serde_json::from_str(meta["provenance"].as_str().unwrap()).unwrap();
    assert_eq!((p.epochs, p.crate_version.as_str()), (7, env!("CARGO_PKG_VERSION")));
}

/// Saving one model twice gives the same bytes (a `HashMap` made the metadata's key order vary
/// from save to save), with the header's keys in sorted order, and the file still loads.
#[test]
fn saving_one_model_twice_gives_the_same_bytes() {
    let (m, s) = model(vec![], 8, false, 5);
    let prov = Provenance { epochs: 2, data: "test".into(), ..Provenance::default() };
    let first = to_bytes(&m, &s, &prov, Dtype::F16).unwrap();
    for _ in 0..8 {
        assert_eq!(to_bytes(&m, &s, &prov, Dtype::F16).unwrap(), first);
    }
    let n = u64::from_le_bytes(first[..8].try_into().unwrap()) as usize;
    let text = std::str::from_utf8(&first[8..8 + n]).unwrap();
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap_or_else(|| panic!("{k} missing"));
    let order = ["__metadata__", "decoder.0.bias", "decoder.0.weight", "encoder.0.bias", "encoder.0.weight"];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "header keys out of order: {text}");
    let meta = ["format", "provenance", "settings", "tied"];
    assert!(meta.windows(2).all(|w| at(w[0]) < at(w[1])), "metadata keys out of order: {text}");
    assert_eq!(from_bytes(&first).unwrap().settings, s);
}

#[test]
fn round_trips_f32_exactly_and_f16_within_its_precision() {
    let (m, s) = model(vec![], 30, false, 5);
    let prov = Provenance { epochs: 2, eval_mse_clean: Some(0.25), ..Provenance::default() };
    let l = from_bytes(&to_bytes(&m, &s, &prov, Dtype::F32).unwrap()).unwrap();
    assert!(l.from_metadata);
    assert_eq!(l.settings, s);
    assert_eq!(l.provenance.eval_mse_clean, Some(0.25));
    assert_eq!(l.sizes, [784, 30]);
    for (a, b) in m.enc.iter().chain(&m.dec).zip(l.model.enc.iter().chain(&l.model.dec)) {
        assert_eq!(a.w, b.w);
        assert_eq!(a.b, b.b);
    }
    let bytes16 = to_bytes(&m, &s, &prov, Dtype::F16).unwrap();
    let l16 = from_bytes(&bytes16).unwrap();
    assert_eq!(l16.dtype, "F16");
    // binary16 keeps 11 significant bits: relative error ≤ 2^-11 for normal numbers; init
    // weights are ≥ ~1e-6 in size mostly, so compare with 2^-11 relative + 2^-24 absolute.
    for (a, b) in m.enc[0].w.iter().zip(l16.model.enc[0].w.iter()) {
        assert!((a - b).abs() <= a.abs() * 2f32.powi(-11) + 2f32.powi(-24), "{a} vs {b}");
    }
    assert!(bytes16.len() < to_bytes(&m, &s, &prov, Dtype::F32).unwrap().len() * 6 / 10, "F16 about halves the file");
}

#[test]
fn tied_weights_are_written_as_the_full_decoder_matrix_and_marked() {
    let (m, s) = model(vec![], 8, true, 9);
    let bytes = to_bytes(&m, &s, &Provenance::default(), Dtype::F32).unwrap();
    let h = header(&bytes);
    assert_eq!(h["decoder.0.weight"]["shape"], serde_json::json!([784, 8]));
    assert_eq!(h["__metadata__"]["tied"], "true");
    let l = from_bytes(&bytes).unwrap();
    assert!(l.model.config.tied);
    assert_eq!(l.model.dec[0].w, m.enc[0].w.t());
}

/// A safetensors file of the given (name, dtype, shape, f32 values written as that dtype).
fn file(tensors: &[(&str, safetensors::Dtype, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
    let bufs: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, dt, _, v)| match dt {
            safetensors::Dtype::F64 => v.iter().flat_map(|x| (*x as f64).to_le_bytes()).collect(),
            safetensors::Dtype::I64 => v.iter().flat_map(|x| (*x as i64).to_le_bytes()).collect(),
            _ => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        })
        .collect();
    let views: Vec<(&str, TensorView)> = tensors.iter().zip(&bufs).map(|((n, dt, s, _), b)| (*n, TensorView::new(*dt, s.clone(), b).unwrap())).collect();
    safetensors::serialize(views, None).unwrap()
}

/// The notebook's 784 → d → 784 tensors, all values `v`.
fn notebook(d: usize, v: f32) -> Vec<(&'static str, safetensors::Dtype, Vec<usize>, Vec<f32>)> {
    use safetensors::Dtype::F32;
    vec![
        ("encoder.0.weight", F32, vec![d, 784], vec![v; d * 784]),
        ("encoder.0.bias", F32, vec![d], vec![v; d]),
        ("decoder.0.weight", F32, vec![784, d], vec![v; d * 784]),
        ("decoder.0.bias", F32, vec![784], vec![v; 784]),
    ]
}

fn refused(bytes: &[u8], words: &str) {
    match from_bytes(bytes) {
        Ok(_) => panic!("accepted a file that should be refused ({words})"),
        Err(e) => assert!(e.to_string().contains(words), "message {:?} does not say {words:?}", e.to_string()),
    }
}

#[test]
fn f64_files_without_metadata_load() {
    let mut t = notebook(4, 0.01);
    t.iter_mut().for_each(|x| x.1 = safetensors::Dtype::F64);
    let l = from_bytes(&file(&t)).unwrap();
    assert_eq!((l.sizes.clone(), l.dtype.as_str(), l.settings.d), (vec![784, 4], "F64", 4));
}

#[test]
fn malformed_files_are_refused_with_what_is_wrong() {
    let good = file(&notebook(4, 0.01));
    assert!(from_bytes(&good).is_ok());
    refused(&[], "too short");
    refused(&good[..good.len() - 3], "not a valid safetensors file");
    refused(&good[..20], "truncated");
    let mut huge = good.clone();
    huge[..8].copy_from_slice(&(MAX_HEADER_BYTES as u64 + 1).to_le_bytes());
    refused(&huge, "header declares");
    let mut t = notebook(4, 0.01);
    t.push(("encoder.1.running_mean", safetensors::Dtype::F32, vec![4], vec![0.0; 4]));
    refused(&file(&t), "unexpected tensor \"encoder.1.running_mean\"");
    let mut t = notebook(4, 0.01);
    t.push(("encoder.1.weight", safetensors::Dtype::F32, vec![4, 4], vec![0.0; 16]));
    refused(&file(&t), "positions 0, 2, 4");
    let mut t = notebook(4, 0.01);
    t.remove(3);
    refused(&file(&t), "missing decoder.0.bias");
    let mut t = notebook(4, 0.01);
    t[2] = ("decoder.0.weight", safetensors::Dtype::F32, vec![784, 5], vec![0.0; 5 * 784]);
    refused(&file(&t), "do not chain");
    let t = vec![
        ("encoder.0.weight", safetensors::Dtype::F32, vec![4, 100], vec![0.0; 400]),
        ("encoder.0.bias", safetensors::Dtype::F32, vec![4], vec![0.0; 4]),
        ("decoder.0.weight", safetensors::Dtype::F32, vec![100, 4], vec![0.0; 400]),
        ("decoder.0.bias", safetensors::Dtype::F32, vec![100], vec![0.0; 100]),
    ];
    refused(&file(&t), "784 pixels");
    let mut t = notebook(4, 0.01);
    t[1].3[2] = f32::NAN;
    refused(&file(&t), "encoder.0.bias holds a NaN");
    let mut t = notebook(4, 0.01);
    t[1].1 = safetensors::Dtype::I64;
    refused(&file(&t), "only F32, F16, BF16 and F64");
    refused(&file(&notebook(5000, 0.0)), "sizes 1..4096");
    let mut t = notebook(4, 0.01);
    t[1] = ("encoder.0.bias", safetensors::Dtype::F32, vec![5], vec![0.0; 5]);
    refused(&file(&t), "encoder.0.bias has 5 values");
}
