//! The engine's numbers inside WebAssembly, once per wasm build (`make test` runs this file under
//! `wasm-pack test --node` for the simd128 build and again for the relaxed-SIMD one, whose
//! fused multiply-add rounds differently): the PyTorch fixtures of every variant and central-
//! difference gradient checks on shapes that hit the GEMM's edge tiles. The native copies of
//! these checks are in tests/engine.rs.
#![cfg(target_arch = "wasm32")]

use autoencoder_playground::activation::Activation;
use autoencoder_playground::autoencoder::{AeConfig, Autoencoder};
use autoencoder_playground::fixture::check_fixture;
use autoencoder_playground::gemm::KERNEL;
use autoencoder_playground::objective::Loss;
use autoencoder_playground::rng::Rng;
use autoencoder_playground::train::{self, Objective, Workspace};
use ndarray::Array2;
use wasm_bindgen_test::wasm_bindgen_test;

/// The PyTorch reference files (tests/fixtures/README.md: copies of /work/shared/fixtures/,
/// made by the notebook's model in PyTorch), compiled in: a wasm test cannot read files.
const SMALL: &str = include_str!("fixtures/small.json");
const FULL: &str = include_str!("fixtures/full.json");

/// The build this run was meant to test: `make test` sets AE_EXPECT_KERNEL ("simd128" or
/// "relaxed-simd") when it compiles each build, so a flag that silently fell off fails here.
#[wasm_bindgen_test]
fn the_build_runs_the_kernel_it_was_built_for() {
    if let Some(want) = option_env!("AE_EXPECT_KERNEL") {
        assert!(KERNEL.starts_with(want), "expected the {want} kernel, this build runs {KERNEL}");
    }
}

#[wasm_bindgen_test]
fn pytorch_fixtures_pass_in_this_build() {
    for (name, text) in [("small.json", SMALL), ("full.json", FULL)] {
        let checks = check_fixture(text).unwrap();
        for v in ["standard", "tied", "sigmoid_bce", "contractive", "denoising"] {
            let n = checks.iter().filter(|c| c.variant == v).count();
            assert!(n >= 15, "{name}/{v}: only {n} checks");
        }
        let failed: Vec<_> = checks.iter().filter(|c| !c.passed()).collect();
        assert!(failed.is_empty(), "{name} with the {KERNEL} kernel: {failed:#?}");
    }
}

/// Central differences of the loss against the analytic gradients, every parameter entry
/// (as tests/engine.rs): f32, step 3e-3, tolerance 1% of the tensor's largest gradient + 1e-5.
fn gradient_check(cfg: AeConfig, obj: Objective, x: &Array2<f32>) {
    let m = x.nrows();
    let mut model = Autoencoder::new(cfg.clone(), m, &mut Rng::new(11)).unwrap();
    let mut ws = Workspace::new(m, cfg.input, cfg.code);
    train::forward_backward(&mut model, &mut ws, x.view(), x.view(), obj);
    let mut grads: Vec<Vec<f32>> = vec![];
    model.for_each_param(|_, _, g| grads.push(g.to_vec()));
    let h = 3e-3f32;
    for (pi, g) in grads.iter().enumerate() {
        let gmax = g.iter().fold(0f32, |a, v| a.max(v.abs()));
        assert!(gmax > 1e-5, "parameter {pi} has a zero gradient: nothing would be checked");
        for j in 0..g.len() {
            let loss_at = |delta: f32| {
                let mut mm = model.clone();
                mm.for_each_param(|i, p, _| if i == pi { p[j] += delta });
                train::loss_only(&mut mm, &mut ws.clone(), x.view(), x.view(), obj).total as f64
            };
            let num = (loss_at(h) - loss_at(-h)) / (2.0 * h as f64);
            let tol = 1e-2 * gmax as f64 + 1e-5;
            assert!((num - g[j] as f64).abs() <= tol, "{KERNEL}: param {pi}[{j}] analytic {} vs numeric {num}", g[j]);
        }
    }
}

#[wasm_bindgen_test]
fn gradients_match_central_differences_in_this_build() {
    // 9 rows, 37 inputs, code 11: none a multiple of the 4×8 tile, so every edge path runs.
    let mut r = Rng::new(1);
    let x = Array2::from_shape_fn((9, 37), |_| r.uniform(-1.0, 1.0));
    let mse = Objective { loss: Loss::Mse, contractive_lambda: 0.0 };
    gradient_check(AeConfig::notebook(37, 11), mse, &x);
    gradient_check(AeConfig { tied: true, ..AeConfig::notebook(37, 11) }, mse, &x);
    gradient_check(AeConfig::notebook(37, 11), Objective { loss: Loss::Mse, contractive_lambda: 0.5 }, &x);
    let x01 = x.mapv(|v| 0.5 * (v + 1.0));
    let bce = AeConfig { out_act: Activation::Sigmoid, ..AeConfig::notebook(37, 11) };
    gradient_check(bce, Objective { loss: Loss::Bce, contractive_lambda: 0.0 }, &x01);
}
