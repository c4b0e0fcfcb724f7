//! PCA: orthonormal components, sorted variances, and numbers equal to numpy's on a small case.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::pca::{mse, Pca};

/// The data of tests/oracles/pca_reference.py: x[i][j] = sin(1.3 i + 0.7 j²) + 0.1 i j, as f32.
fn small() -> Vec<f32> {
    (0..8).flat_map(|i| (0..5).map(move |j| ((1.3 * i as f64 + 0.7 * (j * j) as f64).sin() + 0.1 * (i * j) as f64) as f32)).collect()
}

#[test]
fn matches_numpy_on_a_small_case() {
    // Printed by `python3 tests/oracles/pca_reference.py` (numpy 2, float64 eigh).
    const VAR: [f32; 3] = [2.80517123, 1.45100293, 0.493978725];
    const C0: [f32; 5] = [0.196882333, 0.0996861792, -0.0297774645, 0.561627148, 0.796861507];
    const C1: [f32; 5] = [-0.494275353, -0.482467154, 0.507278539, -0.304309255, 0.415910665];
    const RECON_MSE_K2: f32 = 0.0864462769;
    const TOTAL: f32 = 4.75015288;
    let x = small();
    let p = Pca::fit(&x, 8, 5, 3).unwrap();
    for (g, w) in p.explained_variance.iter().zip(VAR) {
        assert!((g - w).abs() < 1e-5 * w, "variance {g} vs {w}");
    }
    assert!((p.total_variance - TOTAL).abs() < 1e-5 * TOTAL);
    for (g, w) in p.components[..5].iter().zip(C0).chain(p.components[5..10].iter().zip(C1)) {
        assert!((g - w).abs() < 2e-5, "component entry {g} vs {w}");
    }
    let p2 = Pca::fit(&x, 8, 5, 2).unwrap();
    let rec = p2.reconstruct(&x).unwrap();
    let e = mse(&rec, &x);
    assert!((e - RECON_MSE_K2).abs() < 1e-5, "reconstruction MSE {e} vs {RECON_MSE_K2}");
}

#[test]
fn components_are_orthonormal_and_sorted_on_mnist() {
    let data = autoencoder_playground::data::Dataset::default_mnist().unwrap();
    let rows = 2000;
    let idx: Vec<u32> = (0..rows as u32).collect();
    let mut x = vec![0f32; rows * 784];
    data.fill_rows(&idx, autoencoder_playground::data::Scaling::MinusOneToOne, &mut x);
    let k = 30;
    let p = Pca::fit(&x, rows, 784, k).unwrap();
    for a in 0..k {
        for b in 0..k {
            let dot: f32 = (0..784).map(|i| p.components[a * 784 + i] * p.components[b * 784 + i]).sum();
            let want = if a == b { 1.0 } else { 0.0 };
            assert!((dot - want).abs() < 1e-4, "⟨v{a}, v{b}⟩ = {dot}");
        }
    }
    assert!(p.explained_variance.windows(2).all(|w| w[0] >= w[1]));
    // Reconstruction error falls with k and equals the variance left out (up to the 1/(rows−1)
    // vs 1/rows normalisation): MSE = (total − Σ top-k) · (rows−1)/rows / n.
    let e: f32 = mse(&p.reconstruct(&x).unwrap(), &x);
    let left = (p.total_variance - p.explained_variance.iter().sum::<f32>()) * (rows as f32 - 1.0) / rows as f32 / 784.0;
    assert!((e - left).abs() < 1e-3 * left.max(1e-6) + 1e-6, "{e} vs {left}");
    let p5 = Pca::fit(&x, rows, 784, 5).unwrap();
    assert!(mse(&p5.reconstruct(&x).unwrap(), &x) > e);
}

#[test]
fn bad_input_is_refused() {
    let x = small();
    assert!(Pca::fit(&x, 8, 5, 0).is_err());
    assert!(Pca::fit(&x, 8, 5, 6).is_err());
    assert!(Pca::fit(&x, 7, 5, 2).is_err());
    assert!(Pca::fit(&x[..5], 1, 5, 2).is_err());
    let mut bad = x.clone();
    bad[3] = f32::NAN;
    assert!(Pca::fit(&bad, 8, 5, 2).unwrap_err().to_string().contains("NaN"));
    let p = Pca::fit(&x, 8, 5, 2).unwrap();
    assert!(p.transform(&x[..7]).is_err());
    assert!(p.inverse(&[0.0; 3]).is_err());
}
