//! The engine's numbers inside WebAssembly, once per wasm build (`make test` runs this file under
//! `wasm-pack test --node` for the simd128 build and again for the relaxed-SIMD one, whose
//! fused multiply-add rounds differently): the PyTorch fixtures of every variant and central-
//! difference gradient checks on shapes that hit the GEMM's edge tiles. The native copies of
//! these checks are in tests/engine.rs.
#![cfg(target_arch = "wasm32")]

use autoencoder_playground::activation::Activation;
use autoencoder_playground::autoencoder::AeConfig;
use autoencoder_playground::fixture::check_fixture;
use autoencoder_playground::gemm::{kernel_alone, peak, KERNEL};
use autoencoder_playground::objective::Loss;
use autoencoder_playground::rng::Rng;
use autoencoder_playground::train::Objective;
#[path = "common/gradcheck.rs"]
mod gradcheck;
use gradcheck::gradient_check;
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

/// The benchmark's ceiling (`gemm::peak`) in this build: 12 chains × 4 lanes × 2 FLOPs a round,
/// and every round really run (each lane ends at v_n of v ← v·x + y from 0, computed here in
/// f64; fused or not, f32 rounding stays within 1e-5 over 1,000 rounds).
#[wasm_bindgen_test]
fn the_peak_runs_every_round_it_counts() {
    for n in [0u32, 1, 1000] {
        let (flops, sum) = peak(n);
        assert_eq!(flops, n as f64 * 96.0);
        let v = (0..n).fold(0f64, |v, _| v * 1.000_000_1f32 as f64 + 0.999_999_9f32 as f64);
        assert!((sum as f64 - 48.0 * v).abs() <= 1e-5 * (48.0 * v).max(1.0), "{n} rounds: {sum} vs {}", 48.0 * v);
    }
}

/// The micro-kernel alone (`gemm::kernel_alone`) in this build: a 4×8 tile 128 steps deep per
/// call (2·32·128 FLOPs), each call adding 128·2⁻⁸·2⁻⁹ = 2⁻¹⁰ to every element, exactly.
#[wasm_bindgen_test]
fn the_kernel_alone_runs_every_call_it_counts() {
    for calls in [0u32, 1, 1000] {
        let (flops, sum) = kernel_alone(calls);
        assert_eq!(flops, calls as f64 * 8192.0);
        assert_eq!(sum, calls as f32 * 32.0 / 1024.0, "{calls} calls");
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


#[wasm_bindgen_test]
fn gradients_match_central_differences_in_this_build() {
    // 9 rows, 37 inputs, code 11: none a multiple of the 4×8 tile, so every edge path runs.
    let mut r = Rng::new(1);
    let x = Array2::from_shape_fn((9, 37), |_| r.uniform(-1.0, 1.0));
    let mse = Objective { loss: Loss::Mse, contractive_lambda: 0.0 };
    gradient_check(AeConfig::notebook(37, 11), mse, &x, &x);
    gradient_check(AeConfig { tied: true, ..AeConfig::notebook(37, 11) }, mse, &x, &x);
    gradient_check(AeConfig::notebook(37, 11), Objective { loss: Loss::Mse, contractive_lambda: 0.5 }, &x, &x);
    let x01 = x.mapv(|v| 0.5 * (v + 1.0));
    let bce = AeConfig { out_act: Activation::Sigmoid, ..AeConfig::notebook(37, 11) };
    gradient_check(bce, Objective { loss: Loss::Bce, contractive_lambda: 0.0 }, &x01, &x01);
}
