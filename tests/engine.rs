//! Native tests of the engine: PyTorch fixtures, gradient checks of every variant, optimiser
//! semantics, corruption statistics, reproducibility, learning, and refusal of bad settings.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::activation::Activation;
use autoencoder_playground::autoencoder::AeConfig;
use autoencoder_playground::corruption::Corruption;
use autoencoder_playground::data::Dataset;
use autoencoder_playground::fixture::check_fixture;
use autoencoder_playground::objective::Loss;
use autoencoder_playground::optim::{OptimConfig, Optimizer};
use autoencoder_playground::rng::Rng;
use autoencoder_playground::train::{Objective, Settings, Trainer, Variant};
#[path = "common/gradcheck.rs"]
mod gradcheck;
use gradcheck::gradient_check;
use ndarray::{Array2, ArrayView2};

/// The PyTorch reference files: `../shared/fixtures/` (the source of truth, see its README)
/// when it is there, else the copies in `tests/fixtures/` (identical at the time of copying).
fn fixture_text(name: &str) -> String {
    let shared = format!("{}/../shared/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let local = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&shared).or_else(|_| std::fs::read_to_string(&local)).expect("fixture file")
}

#[test]
fn pytorch_fixtures_pass_for_every_variant() {
    for name in ["small.json", "full.json"] {
        let checks = check_fixture(&fixture_text(name)).unwrap();
        for v in ["standard", "tied", "sigmoid_bce", "contractive", "denoising"] {
            let mine: Vec<_> = checks.iter().filter(|c| c.variant == v).collect();
            assert!(mine.len() >= 15, "{name}/{v}: only {} checks", mine.len());
            for q in ["forward.h", "forward.xhat", "loss", "grads.W_h", "grads.b_h", "grads.b_o", "adam.after_1.W_h", "adam.after_3.b_o", "adam.losses"] {
                assert!(mine.iter().any(|c| c.quantity == q), "{name}/{v}: {q} not checked");
            }
        }
        let failed: Vec<_> = checks.iter().filter(|c| !c.passed()).collect();
        assert!(failed.is_empty(), "{name}: {failed:#?}");
    }
}

#[test]
fn fixture_checker_catches_wrong_numbers_and_bad_files() {
    // A reference loss moved by 1e-4 relative (10× its tolerance) must fail.
    let text = fixture_text("small.json");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let loss = v["variants"]["standard"]["loss"].as_f64().unwrap();
    v["variants"]["standard"]["loss"] = serde_json::json!(loss * (1.0 + 1e-4));
    let checks = check_fixture(&v.to_string()).unwrap();
    let bad: Vec<_> = checks.iter().filter(|c| !c.passed()).collect();
    assert_eq!(bad.len(), 1, "{bad:#?}");
    assert_eq!((bad[0].variant.as_str(), bad[0].quantity.as_str()), ("standard", "loss"));

    // A gradient entry flipped in sign must fail.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let g = v["variants"]["contractive"]["grads"]["W_h"]["data"][3].as_f64().unwrap();
    v["variants"]["contractive"]["grads"]["W_h"]["data"][3] = serde_json::json!(-g);
    let checks = check_fixture(&v.to_string()).unwrap();
    assert!(checks.iter().any(|c| !c.passed() && c.quantity == "grads.W_h"));

    // Unreadable files are errors with a message, not panics.
    for (bad, word) in [
        ("", "JSON"),
        ("{}", "format"),
        (r#"{"format": "other/2"}"#, "ae-fixtures/1"),
        (&text.replace("\"batch\": 4", "\"batch\": 0"), "out of range"),
        (&text[..text.len() / 2], "JSON"),
    ] {
        let e = check_fixture(bad).unwrap_err().to_string();
        assert!(e.contains(word), "{e:?} should mention {word:?}");
    }
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["params_init"]["W_h"]["data"].as_array_mut().unwrap().pop();
    assert!(check_fixture(&v.to_string()).unwrap_err().to_string().contains("W_h"));
}


fn batch(rows: usize, cols: usize, seed: u64, lo: f32, hi: f32) -> Array2<f32> {
    let mut r = Rng::new(seed);
    Array2::from_shape_fn((rows, cols), |_| r.uniform(lo, hi))
}

const MSE: Objective = Objective { loss: Loss::Mse, contractive_lambda: 0.0 };

#[test]
fn gradient_check_standard() {
    let x = batch(4, 12, 1, -1.0, 1.0);
    gradient_check(AeConfig::notebook(12, 5), MSE, &x, &x);
}

#[test]
fn gradient_check_tied() {
    let x = batch(4, 12, 2, -1.0, 1.0);
    gradient_check(AeConfig { tied: true, ..AeConfig::notebook(12, 5) }, MSE, &x, &x);
}

#[test]
fn gradient_check_bce_sigmoid() {
    let x = batch(4, 12, 3, 0.0, 1.0);
    let cfg = AeConfig { out_act: Activation::Sigmoid, ..AeConfig::notebook(12, 5) };
    gradient_check(cfg, Objective { loss: Loss::Bce, contractive_lambda: 0.0 }, &x, &x);
}

#[test]
fn gradient_check_denoising() {
    let x = batch(4, 12, 4, -1.0, 1.0);
    let mut xc = x.clone();
    let mut mask = x.clone();
    Corruption::Dropout { p: 0.5 }.apply(x.as_slice().unwrap(), 3, 4, -1.0, 1.0, &mut Rng::new(5), xc.as_slice_mut().unwrap(), mask.as_slice_mut().unwrap());
    assert_ne!(x, xc);
    gradient_check(AeConfig::notebook(12, 5), MSE, &xc, &x);
}

#[test]
fn gradient_check_contractive() {
    let x = batch(4, 12, 6, -1.0, 1.0);
    // λ = 0.5 so the penalty's share of the gradient is large enough to matter.
    gradient_check(AeConfig::notebook(12, 5), Objective { loss: Loss::Mse, contractive_lambda: 0.5 }, &x, &x);
}

#[test]
fn gradient_check_deeper_stacks() {
    let x = batch(5, 12, 7, -1.0, 1.0);
    let cfg = AeConfig { hidden: vec![8, 6], ..AeConfig::notebook(12, 3) };
    gradient_check(cfg, MSE, &x, &x);
    // The lecture's 2-D toy: 2 → 16 → 1 → 16 → 2 with ReLU hidden layers and a linear output.
    let x = batch(6, 2, 8, -1.0, 1.0);
    let cfg = AeConfig {
        hidden: vec![16],
        hidden_act: Activation::Tanh,
        code_act: Activation::Identity,
        out_act: Activation::Identity,
        ..AeConfig::notebook(2, 1)
    };
    gradient_check(cfg, MSE, &x, &x);
}

#[test]
fn sgd_with_momentum_follows_torch_formula() {
    // torch.optim.SGD docs: b₁ = g, b_t = μ·b_{t−1} + g, p ← p − lr·b_t. With g ≡ 1, lr 0.1,
    // μ 0.9 from p = 1: b = 1, 1.9, 2.71 → p = 0.9, 0.71, 0.439.
    let mut opt = Optimizer::new(OptimConfig::Sgd { lr: 0.1, momentum: 0.9 });
    let mut p = [1.0f32];
    let mut got = vec![];
    for _ in 0..3 {
        opt.begin_step();
        opt.update(0, &mut p, &[1.0]);
        got.push(p[0]);
    }
    for (g, w) in got.iter().zip([0.9f32, 0.71, 0.439]) {
        assert!((g - w).abs() < 1e-6, "{got:?}");
    }
}

#[test]
fn corruptions_have_the_right_statistics() {
    let n = 784 * 200;
    let x = vec![0.5f32; n];
    let (mut out, mut mask) = (vec![0f32; n], vec![0f32; n]);
    for p in [0.1f32, 0.5, 0.8] {
        Corruption::Dropout { p }.apply(&x, 28, 28, -1.0, 1.0, &mut Rng::new(1), &mut out, &mut mask);
        let zeros = mask.iter().filter(|&&m| m == 0.0).count() as f32 / n as f32;
        assert!((zeros - p).abs() < 0.01, "p={p}: masked fraction {zeros}");
        let keep = 1.0 / (1.0 - p);
        assert!(mask.iter().all(|&m| m == 0.0 || m == keep), "mask entries are 0 or 1/(1-p)");
        assert!(out.iter().zip(&mask).all(|(&o, &m)| o == 0.5 * m));
    }
    Corruption::Gaussian { sigma: 0.3 }.apply(&x, 28, 28, -1.0, 1.0, &mut Rng::new(2), &mut out, &mut mask);
    let noise: Vec<f64> = out.iter().map(|&o| (o - 0.5) as f64).collect();
    let mean = noise.iter().sum::<f64>() / n as f64;
    let sd = (noise.iter().map(|e| (e - mean) * (e - mean)).sum::<f64>() / n as f64).sqrt();
    assert!(mean.abs() < 0.005 && (sd - 0.3).abs() < 0.005, "mean {mean} sd {sd}");
    Corruption::SaltPepper { p: 0.2 }.apply(&x, 28, 28, -1.0, 1.0, &mut Rng::new(3), &mut out, &mut mask);
    let changed = out.iter().filter(|&&o| o != 0.5).count() as f32 / n as f32;
    let salt = out.iter().filter(|&&o| o == 1.0).count() as f32 / n as f32;
    assert!((changed - 0.2).abs() < 0.01 && (salt - 0.1).abs() < 0.01, "{changed} {salt}");
    assert!(out.iter().all(|&o| o == 0.5 || o == 1.0 || o == -1.0));
    Corruption::Square { size: 9 }.apply(&x, 28, 28, -1.0, 1.0, &mut Rng::new(4), &mut out, &mut mask);
    for (img, m) in out.chunks(784).zip(mask.chunks(784)) {
        let hidden: Vec<usize> = (0..784).filter(|&i| m[i] == 0.0).collect();
        assert_eq!(hidden.len(), 81);
        let (r0, c0) = (hidden[0] / 28, hidden[0] % 28);
        assert!(hidden.iter().all(|&i| (r0..r0 + 9).contains(&(i / 28)) && (c0..c0 + 9).contains(&(i % 28))));
        assert!(hidden.iter().all(|&i| img[i] == 0.0), "mid-grey of [-1, 1] is 0");
    }
}

fn mnist() -> Dataset {
    Dataset::default_mnist().unwrap()
}

#[test]
fn a_seed_reproduces_a_run_bit_for_bit() {
    let data = mnist();
    for s in [Settings { batch: 128, ..Settings::default() }, Settings { batch: 128, d: 64, variant: Variant::Denoising, ..Settings::default() }] {
        let run = |seed| {
            let mut t = Trainer::new(Settings { seed, ..s.clone() }, data.clone()).unwrap();
            let losses: Vec<u32> = (0..30).map(|_| t.step(3).unwrap().loss.to_bits()).collect();
            (losses, t.kernels().iter().map(|v| v.to_bits()).collect::<Vec<_>>())
        };
        let (a, b, c) = (run(5), run(5), run(6));
        assert_eq!(a, b, "same seed, same bits");
        assert_ne!(a.0, c.0, "another seed, another run");
    }
}

#[test]
fn training_on_mnist_lowers_the_loss() {
    let mut t = Trainer::new(Settings::default(), mnist()).unwrap();
    let before = t.evaluate();
    let first = t.step(1).unwrap().loss;
    let st = t.step(79).unwrap(); // two epochs of 40 batches in all
    let after = t.evaluate();
    assert_eq!((st.epoch, st.batch, st.batches_per_epoch, st.samples_seen), (2, 0, 40, 20_000));
    assert!(st.loss < 0.75 * first, "train loss {first} -> {}", st.loss);
    assert!(after.mse_clean < 0.6 * before.mse_clean, "eval {} -> {}", before.mse_clean, after.mse_clean);
    assert!(after.mse_noisy > after.mse_clean, "a standard AE does worse on masked inputs");
}

#[test]
fn bad_settings_are_refused_with_a_message() {
    let data = Dataset::from_raw(vec![0; 4 * 784], vec![0; 4], 28, 28).unwrap();
    let cases: Vec<(Settings, &str)> = vec![
        (Settings { lr: f32::NAN, ..Settings::default() }, "learning rate"),
        (Settings { lr: -1.0, ..Settings::default() }, "learning rate"),
        (Settings { d: 0, ..Settings::default() }, "code size"),
        (Settings { d: 5000, ..Settings::default() }, "code size"),
        (Settings { batch: 0, ..Settings::default() }, "batch"),
        (Settings { noise_p: 1.0, variant: Variant::Denoising, ..Settings::default() }, "noise p"),
        (Settings { noise_p: f32::NAN, ..Settings::default() }, "noise p"),
        (Settings { tied: true, hidden: vec![64], ..Settings::default() }, "tied"),
        (Settings { optimizer: "rmsprop".into(), ..Settings::default() }, "optimizer"),
        (Settings { corruption: "blur".into(), ..Settings::default() }, "corruption"),
        (Settings { lambda: -1.0, ..Settings::default() }, "λ"),
    ];
    for (s, word) in cases {
        let e = Trainer::new(s.clone(), data.clone()).err().unwrap_or_else(|| panic!("{s:?} accepted")).to_string();
        assert!(e.contains(word), "{e:?} should mention {word:?}");
    }
    let mut t = Trainer::new(Settings::default(), data).unwrap();
    assert!(t.step(0).is_err());
    assert!(t.inputs(&[4]).is_err(), "index out of range");
    assert!(t.decode_rows(&[0.0; 7]).is_err(), "codes not a multiple of d");
    // Over-complete codes up to 2048 work.
    let big = Settings { d: 2048, batch: 2, ..Settings::default() };
    let mut t = Trainer::new(big, Dataset::from_raw(vec![7; 2 * 784], vec![1; 2], 28, 28).unwrap()).unwrap();
    assert!(t.step(1).unwrap().loss.is_finite());
}

#[test]
fn snapshots_have_the_documented_shapes() {
    let s = Settings { variant: Variant::Denoising, d: 40, ..Settings::default() };
    let mut t = Trainer::new(s, mnist()).unwrap();
    let idx = [0u32, 5, 9999];
    let x = t.inputs(&idx).unwrap();
    assert_eq!(x.len(), 3 * 784);
    let (xc, mask) = t.display_corruption(&idx).unwrap();
    assert_eq!(t.display_corruption(&idx).unwrap(), (xc.clone(), mask.clone()), "display masks are fixed");
    assert!(x.iter().zip(&mask).zip(&xc).all(|((a, m), c)| a * m == *c));
    // Seeded by other rows: a trainer on copies of a few digits (the page's preview) gives them
    // the masks the whole set's trainer gives them, bit for bit.
    let rows = [9999u32, 0];
    let copies: Vec<u8> = rows.iter().flat_map(|&i| t.test_data().image(i as usize).to_vec()).collect();
    let few = Trainer::new(Settings { variant: Variant::Denoising, d: 40, batch: 2, ..Settings::default() }, Dataset::from_raw(copies, vec![0, 0], 28, 28).unwrap()).unwrap();
    assert_eq!(few.display_corruption_as(&[0, 1], &rows).unwrap(), t.display_corruption(&rows).unwrap());
    assert_ne!(few.display_corruption(&[0, 1]).unwrap(), t.display_corruption(&rows).unwrap(), "their own indices seed other masks");
    assert!(few.display_corruption_as(&[0, 1], &[0]).is_err(), "one seed row per image");
    assert_eq!(t.reconstruct_rows(&x).unwrap().len(), 3 * 784);
    let h = t.encode_rows(&x).unwrap();
    assert_eq!(h.len(), 3 * 40);
    // decode(encode(x)) is the reconstruction.
    assert_eq!(t.decode_rows(&h).unwrap(), t.reconstruct_rows(&x).unwrap());
    assert_eq!(t.kernels().len(), 40 * 784);
    let _ = ArrayView2::<f32>::from_shape((0, 0), &[]);
}

#[test]
fn mse_sums_any_layout_to_the_same_bits_and_agree_with_f64() {
    // The MSE's eight partial sums per row (objective.rs): a transposed (strided) view must give
    // the same bits as the contiguous one, the value-only path the same as value + gradient, and
    // the result must be the f64 mean of squares to f32 rounding. Rows of 37: not a multiple of 8.
    let mut rng = Rng::new(5);
    let (m, n) = (6, 37);
    let y = Array2::from_shape_fn((m, n), |_| rng.uniform(-1.0, 1.0));
    let t = Array2::from_shape_fn((m, n), |_| rng.uniform(-1.0, 1.0));
    let mut g = Array2::<f32>::zeros((m, n));
    let v = Loss::Mse.value_and_grad(y.view(), t.view(), g.view_mut());
    // The same numbers stored column-major: views with strides (1, m).
    let (yt, tt) = (y.t().as_standard_layout().into_owned(), t.t().as_standard_layout().into_owned());
    let mut gt = Array2::<f32>::zeros((n, m));
    let vs = Loss::Mse.value_and_grad(yt.t(), tt.t(), gt.view_mut().reversed_axes());
    assert_eq!(v.to_bits(), vs.to_bits(), "strided rows sum in the same order");
    assert_eq!(g, gt.t(), "and give the same gradient");
    let value = Loss::Mse.value(y.view(), t.view());
    assert_eq!(value.to_bits(), Loss::Mse.value(yt.t(), tt.t()).to_bits(), "value() sums strided rows in the same order");
    assert!((value - v).abs() <= f32::EPSILON * v, "value() {value} vs value_and_grad() {v} (they scale by 1/N apart)");
    let exact: f64 = y.iter().zip(&t).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum::<f64>() / (m * n) as f64;
    assert!(((v as f64) - exact).abs() < 1e-6 * exact, "{v} vs the f64 mean {exact}");
    for ((&gv, &a), &b) in g.iter().zip(&y).zip(&t) {
        assert_eq!(gv, 2.0 * (a - b) * (1.0 / (m * n) as f32), "dL/dŷ = 2(ŷ − t)/N");
    }
}
