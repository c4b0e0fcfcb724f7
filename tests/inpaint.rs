#![cfg(not(target_arch = "wasm32"))]
//! Tests of src/inpaint.rs: corruptions with explicit strength, the gradient of the energy
//! ‖x − D(E(x))‖² against central differences, monotone energy minimisation on a trained model
//! that brings a grey patch closer to the clean digit, the notebook's 8-bit mapping for
//! cv2.inpaint, and refusals of bad input.

use autoencoder_playground::autoencoder::{AeConfig, Autoencoder};
use autoencoder_playground::data::Dataset;
use autoencoder_playground::labs::inpaint::{self, Method};
use autoencoder_playground::rng::Rng;
use autoencoder_playground::train::{Settings, Trainer};
use ndarray::Array2;

#[test]
fn corrupt_rows_statistics_and_reproducibility() {
    let (rows, cols) = (28, 28);
    let k = 200;
    let x: Vec<f32> = (0..k * 784).map(|i| ((i * 7919) % 255) as f32 / 127.5 - 1.0).collect();
    // Dropout p = 0.3: entries exactly 0 or 1/(1 − p), fraction of zeros ≈ p.
    let c = inpaint::corruption_from("dropout", 0.3, rows, cols).unwrap();
    let (xc, m) = inpaint::corrupt_rows(&x, c, rows, cols, -1.0, 1.0, 5).unwrap();
    let scale = 1.0 / (1.0 - 0.3f32);
    assert!(m.iter().all(|&v| v == 0.0 || v == scale));
    let frac = m.iter().filter(|&&v| v == 0.0).count() as f64 / m.len() as f64;
    assert!((frac - 0.3).abs() < 0.01, "dropped fraction {frac}");
    assert!(xc.iter().zip(&x).zip(&m).all(|((&c, &v), &mm)| c == v * mm));
    // Same seed → same corruption; row k does not depend on the rows before it.
    let (xc2, _) = inpaint::corrupt_rows(&x, c, rows, cols, -1.0, 1.0, 5).unwrap();
    assert_eq!(xc, xc2);
    let (xc3, _) = inpaint::corrupt_rows(&x[784..], c, rows, cols, -1.0, 1.0, 6).unwrap();
    assert_eq!(&xc[784..], &xc3[..]);
    let (xc4, _) = inpaint::corrupt_rows(&x, c, rows, cols, -1.0, 1.0, 6).unwrap();
    assert_ne!(xc, xc4);

    // Gaussian σ = 0.4: the added noise has mean ≈ 0 and standard deviation ≈ σ.
    let c = inpaint::corruption_from("gaussian", 0.4, rows, cols).unwrap();
    let (xc, _) = inpaint::corrupt_rows(&x, c, rows, cols, -1.0, 1.0, 1).unwrap();
    let noise: Vec<f64> = xc.iter().zip(&x).map(|(&a, &b)| (a - b) as f64).collect();
    let mean = noise.iter().sum::<f64>() / noise.len() as f64;
    let sd = (noise.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / noise.len() as f64).sqrt();
    assert!(mean.abs() < 0.005 && (sd - 0.4).abs() < 0.005, "mean {mean}, sd {sd}");

    // Salt and pepper p = 0.2: ≈ p of the pixels set to exactly lo or hi, half each.
    let c = inpaint::corruption_from("salt_pepper", 0.2, rows, cols).unwrap();
    let (xc, m) = inpaint::corrupt_rows(&x, c, rows, cols, -1.0, 1.0, 2).unwrap();
    let changed: Vec<usize> = (0..m.len()).filter(|&i| m[i] == 0.0).collect();
    let frac = changed.len() as f64 / m.len() as f64;
    assert!((frac - 0.2).abs() < 0.01, "changed fraction {frac}");
    let salt = changed.iter().filter(|&&i| xc[i] == 1.0).count() as f64 / changed.len() as f64;
    assert!(changed.iter().all(|&i| xc[i] == 1.0 || xc[i] == -1.0) && (salt - 0.5).abs() < 0.02);

    // Square of side 9.6 → 10: exactly 100 grey pixels per image, forming a 10×10 block.
    let c = inpaint::corruption_from("square", 9.6, rows, cols).unwrap();
    let (xc, m) = inpaint::corrupt_rows(&x, c, rows, cols, -1.0, 1.0, 3).unwrap();
    for (mr, xr) in m.chunks(784).zip(xc.chunks(784)) {
        let z: Vec<usize> = (0..784).filter(|&i| mr[i] == 0.0).collect();
        assert_eq!(z.len(), 100);
        let (r0, c0) = (z[0] / 28, z[0] % 28);
        assert!(z.iter().all(|&i| i / 28 - r0 < 10 && (i % 28).wrapping_sub(c0) < 10 && xr[i] == 0.0));
    }
}

#[test]
fn bad_corruptions_and_inputs_are_refused() {
    for (k, s) in [("dropout", 1.0), ("dropout", -0.1), ("gaussian", f32::NAN), ("square", 0.0), ("square", 29.0), ("blur", 0.5), ("square", -3.0)] {
        assert!(inpaint::corruption_from(k, s, 28, 28).is_err(), "{k} {s} accepted");
    }
    let c = inpaint::corruption_from("dropout", 0.5, 28, 28).unwrap();
    assert!(inpaint::corrupt_rows(&[0.0; 100], c, 28, 28, -1.0, 1.0, 0).is_err());
    assert!(Method::parse("newton").is_err());
    let mut rng = Rng::new(1);
    let mut ae = Autoencoder::new(AeConfig::notebook(784, 8), 4, &mut rng).unwrap();
    let x = vec![0.0f32; 784];
    assert!(inpaint::minimise(&mut ae, &x[..700], &x, Method::Gradient, 3, 0.1, -1.0, 1.0).is_err());
    let mut nan = x.clone();
    nan[3] = f32::NAN;
    assert!(inpaint::minimise(&mut ae, &nan, &x, Method::Gradient, 3, 0.1, -1.0, 1.0).is_err());
    assert!(inpaint::minimise(&mut ae, &x, &x, Method::Gradient, 3, 0.0, -1.0, 1.0).is_err());
    assert!(inpaint::minimise(&mut ae, &x, &x, Method::Gradient, 20_000, 0.1, -1.0, 1.0).is_err());
}

/// ∇E from backpropagation to the input vs central differences of E, on a small random model
/// (one and two hidden layers), in f32 with ε = 1e-2.
#[test]
fn energy_gradient_matches_central_differences() {
    for hidden in [vec![], vec![12]] {
        let mut rng = Rng::new(7);
        let cfg = AeConfig { hidden: hidden.clone(), ..AeConfig::notebook(20, 6) };
        let mut ae = Autoencoder::new(cfg, 3, &mut rng).unwrap();
        let x = Array2::from_shape_fn((3, 20), |_| rng.uniform(-0.9, 0.9));
        let mut g = Array2::zeros((3, 20));
        inpaint::energy_grad(&mut ae, x.view(), &mut g);
        let eps = 1e-2f32;
        let mut worst = 0f32;
        for r in 0..3 {
            for i in 0..20 {
                let mut xp = x.clone();
                xp[[r, i]] += eps;
                let ep = inpaint::energies(&mut ae, xp.view())[r];
                xp[[r, i]] -= 2.0 * eps;
                let em = inpaint::energies(&mut ae, xp.view())[r];
                let num = (ep - em) / (2.0 * eps);
                let err = (num - g[[r, i]]).abs() / (1e-2 + num.abs().max(g[[r, i]].abs()));
                worst = worst.max(err);
            }
        }
        assert!(worst < 2e-2, "hidden {hidden:?}: worst relative error {worst}");
        // The input gradient is not zero (the Jacobian term matters): compare with 2r alone.
        let e = inpaint::energies(&mut ae, x.view());
        assert!(e.iter().all(|&v| v > 0.0));
    }
}

/// On a model trained on MNIST (the notebook's standard AE, 600 batches = 15 epochs of the 10k digits), a grey 10×10 patch
/// over the middle of test digits is filled by both methods: the energy never increases, drops,
/// the known pixels never move, and the filled pixels end closer to the clean digit than the
/// grey patch was.
#[test]
fn inpainting_on_a_trained_model_lowers_energy_and_error() {
    let data = Dataset::default_mnist().unwrap();
    let mut t = Trainer::new(Settings::default(), data).unwrap();
    t.step(600).unwrap();
    let idx: Vec<u32> = (9000..9010).collect();
    let clean = t.inputs(&idx).unwrap();
    let mut unknown = vec![0f32; 784];
    for r in 9..19 {
        for c in 9..19 {
            unknown[r * 28 + c] = 1.0;
        }
    }
    let sel: Vec<bool> = unknown.iter().map(|&u| u != 0.0).collect();
    for (method, step) in [(Method::Projection, 1.0), (Method::Gradient, 0.05)] {
        let (mut before, mut after) = (0f64, 0f64);
        for x in clean.chunks(784) {
            let x0: Vec<f32> = x.iter().zip(&sel).map(|(&v, &s)| if s { 0.0 } else { v }).collect();
            let r = inpaint::minimise(t.model_mut(), &x0, &unknown, method, 60, step, -1.0, 1.0).unwrap();
            assert_eq!(r.energy.len(), 61);
            for w in r.energy.windows(2) {
                assert!(w[1] <= w[0], "{method:?}: energy rose {} -> {}", w[0], w[1]);
            }
            assert!(r.energy[60] < r.energy[0], "{method:?}: energy {} -> {}", r.energy[0], r.energy[60]);
            for i in 0..784 {
                if !sel[i] {
                    assert_eq!(r.x[i], x0[i], "known pixel {i} moved");
                }
            }
            before += inpaint::masked_mse(&x0, x, &sel).0;
            after += inpaint::masked_mse(&r.x, x, &sel).0;
        }
        eprintln!("{method:?}: patch MSE summed over 10 digits {before:.3} -> {after:.3}");
        assert!(after < 0.8 * before, "{method:?}: patch MSE {before} -> {after} (sum over 10 digits)");
    }
}

/// The notebook's cells: `((img_bad / 4 + 0.5) * 255).byte()` and `2 − noise.byte()`, worked by
/// hand for p = 0.5 (noise 0 or 2): kept pixel x ↦ x̃ = 2x; dropped ↦ 0.
#[test]
fn notebook_mapping_to_eight_bits() {
    // x = 1 kept → 2 → 255; x = −1 kept → −2 → 0; x = 0.5 kept → 1 → 191.25 → 191;
    // dropped → 0 → 127.5 → 127 (truncation, as torch's .byte()).
    assert_eq!(inpaint::notebook_cv_image(&[2.0, -2.0, 1.0, 0.0, -0.5]), vec![255, 0, 191, 127, 95]);
    assert_eq!(inpaint::notebook_cv_mask(&[2.0, 0.0, 2.0, 0.0]), vec![0, 1, 0, 1]);
    let back = inpaint::from_cv_image(&[0, 255, 127]);
    assert_eq!(back[0], -1.0);
    assert_eq!(back[1], 1.0);
    assert!((back[2] - (-0.003_921_6)).abs() < 1e-6);
    let (m, w) = inpaint::masked_mse(&[1.0, 0.0, 0.0, 0.0], &[0.0; 4], &[true, true, false, false]);
    assert_eq!((m, w), (0.5, 0.25));
}
