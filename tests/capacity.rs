#![cfg(not(target_arch = "wasm32"))]
//! Capacity panel engine (src/capacity.rs): compression and PSNR on hand-made cases, probes,
//! PCA against a numpy reference, the linear tied AE approaching PCA, and the contractive penalty
//! the page shows against the engine's exact Jacobian.

use autoencoder_playground::labs::capacity::{self, code_sizes, dequantize_u8, psnr, quantize_u8};
use autoencoder_playground::labs::images::{self, row_mse};
use autoencoder_playground::data::Dataset;
use autoencoder_playground::train::{Settings, Trainer, Variant};
use autoencoder_playground::objective::Loss;

/// The first `n` images of the committed MNIST subset.
fn first(n: usize) -> Dataset {
    let all = Dataset::default_mnist().unwrap();
    let images = all.images()[..n * all.dim()].to_vec();
    let labels = all.labels()[..n].to_vec();
    Dataset::from_raw(images, labels, all.rows(), all.cols()).unwrap()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-12)
}

#[test]
fn psnr_hand_cases() {
    // [0, 1] data, every pixel off by 0.1: MSE 0.01, PSNR = 10·log10(1/0.01) = 20 dB.
    let x = vec![0.0f32; 784];
    let y = vec![0.1f32; 784];
    let m = row_mse(&x, &y, 784).unwrap()[0] as f64;
    assert!(close(m, 0.01, 1e-5), "{m}");
    assert!(close(psnr(m, 0.0, 1.0), 20.0, 1e-5));
    // The same error on [-1, 1] data is 0.2 per pixel: MSE 0.04 over a range of 2, still 20 dB.
    assert!(close(psnr(0.04, -1.0, 1.0), 20.0, 1e-9));
    // 8-bit pixels off by one everywhere: 10·log10(255²) = 48.1308 dB.
    assert!(close(psnr((1.0f64 / 255.0).powi(2), 0.0, 1.0), 48.130803608679, 1e-9));
    assert_eq!(psnr(0.0, -1.0, 1.0), f64::INFINITY);
    // Two rows: errors 0 and 1 (one pixel off by 2 of 2 pixels → 4/2 = 2).
    assert_eq!(row_mse(&[1.0, 1.0, 0.0, 0.0], &[1.0, 1.0, 2.0, 0.0], 2).unwrap(), vec![0.0, 2.0]);
    assert!(row_mse(&[1.0; 3], &[1.0; 3], 2).is_err());
}

#[test]
fn compression_hand_cases() {
    // d = 30 tanh code: 120 bytes as f32 (784/120 = 6.533…), 30 bytes at 8 bits (784/30 = 26.13…).
    let s = code_sizes(30, 784, true);
    assert_eq!((s.image_bytes, s.f32_bytes, s.u8_bytes), (784, 120, 30));
    assert!(close(s.ratio_f32, 784.0 / 120.0, 1e-12) && close(s.ratio_u8, 784.0 / 30.0, 1e-12));
    // d = 1000 linear code: 4000 bytes (ratio 0.196: bigger than the image), 1000 + 8 at 8 bits.
    let s = code_sizes(1000, 784, false);
    assert_eq!((s.f32_bytes, s.u8_bytes), (4000, 1008));
    assert!(close(s.ratio_f32, 0.196, 1e-12) && close(s.ratio_u8, 784.0 / 1008.0, 1e-12));
    // 8-bit codes on [-1, 1]: -1 → 0, 0 → round(127.5) = 128, 1 → 255, out of range clamped.
    assert_eq!(quantize_u8(&[-1.0, 0.0, 1.0, 3.0, -7.0], -1.0, 1.0), vec![0, 128, 255, 255, 0]);
    let v: Vec<f32> = (0..101).map(|i| -1.0 + i as f32 * 0.02).collect();
    let back = dequantize_u8(&quantize_u8(&v, -1.0, 1.0), -1.0, 1.0);
    let worst = v.iter().zip(&back).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
    assert!(worst <= 1.0 / 255.0 + 1e-6, "half a step of 2/255, got {worst}");
    assert!(worst > 0.0);
}

#[test]
fn probes_are_what_they_say() {
    let (lo, hi) = (-1.0f32, 1.0f32);
    let x: Vec<f32> = (0..784).map(|i| if i == 28 * 10 + 12 { hi } else { lo }).collect();
    // Inverting twice gives the image back; once turns the background white.
    let inv = images::invert(&x, lo, hi);
    assert_eq!(inv[0], hi);
    assert_eq!(images::invert(&inv, lo, hi), x);
    // Shift (6, 6): the lit pixel (10, 12) moves to (16, 18); the uncovered band is background.
    let sh = images::shift(&x, 28, 28, 6, 6, lo);
    assert_eq!(sh[28 * 16 + 18], hi);
    assert_eq!(sh.iter().filter(|&&v| v == hi).count(), 1);
    // Noise: in range, the same for a seed, different for another, mean near the middle.
    let a = images::noise(784, 7, lo, hi);
    assert_eq!(a, images::noise(784, 7, lo, hi));
    assert_ne!(a, images::noise(784, 8, lo, hi));
    assert!(a.iter().all(|v| (lo..=hi).contains(v)));
    assert!((a.iter().sum::<f32>() / 784.0).abs() < 0.1);
    // The shape only takes the two values, and has ink.
    let s = capacity::shape(28, 28, lo, hi);
    assert!(s.iter().all(|&v| v == lo || v == hi));
    assert!(s.iter().filter(|&&v| v == hi).count() > 100);
    // A drawing is mapped from [0, 1]; out-of-range values are refused with a message.
    assert_eq!(capacity::from_unit(&[0.0, 0.5, 1.0], lo, hi).unwrap(), vec![-1.0, 0.0, 1.0]);
    let e = capacity::from_unit(&[1.5], lo, hi).unwrap_err().to_string();
    assert!(e.contains("[0, 1]"), "{e}");
    let mut t = Trainer::new(Settings::default(), first(16)).unwrap();
    let p = capacity::probes(&t, 3, Some(&vec![0.0; 784])).unwrap();
    assert_eq!(p.len(), 5 * 784);
    assert!(capacity::probes(&t, 3, Some(&[0.0; 10])).is_err());
    assert!(capacity::probes(&t, 16, None).is_err(), "image 16 of 16 does not exist");
    assert_eq!(capacity::reconstruction_errors(&mut t, &p).unwrap().len(), 5);
}

/// PCA of the first 500 images, against tests/oracles/capacity_pca.py (numpy 2.2.6,
/// `np.linalg.eigh` of the covariance in float64):
///   k=1  ratio=0.096071921 mse=0.243134407 psnr=12.162136
///   k=10 ratio=0.503412958 mse=0.133569693 psnr=14.763521
///   k=50 ratio=0.850296023 mse=0.040266686 psnr=19.971141
///   first explained variances 20.299929975, 15.905760364, 14.700756624
#[test]
fn pca_matches_numpy() {
    let t = Trainer::new(Settings::default(), first(500)).unwrap();
    for (k, ratio, mse, db) in [(1, 0.096071921, 0.243134407, 12.162136), (10, 0.503412958, 0.133569693, 14.763521), (50, 0.850296023, 0.040266686, 19.971141)] {
        let r = capacity::pca_report(&t, k, 500, 500).unwrap();
        assert!(close(r.explained_ratio, ratio, 1e-4), "k={k} ratio {} vs {ratio}", r.explained_ratio);
        assert!(close(r.mse, mse, 1e-4), "k={k} mse {} vs {mse}", r.mse);
        assert!((r.psnr - db).abs() < 1e-3, "k={k} psnr {} vs {db}", r.psnr);
        assert_eq!(r.components.len(), k * 784);
        // Orthonormal rows, variance sorted descending.
        for i in 0..k {
            for j in 0..k {
                let dot: f64 = (0..784).map(|p| (r.components[i * 784 + p] * r.components[j * 784 + p]) as f64).sum();
                assert!((dot - if i == j { 1.0 } else { 0.0 }).abs() < 1e-4, "k={k} <v{i}, v{j}> = {dot}");
            }
        }
        assert!(r.explained_variance.windows(2).all(|w| w[0] >= w[1]));
        let ev = &r.explained_variance;
        assert!(close(ev[0] as f64, 20.299929975, 1e-4));
    }
    assert!(capacity::pca_report(&t, 0, 500, 500).is_err());
    assert!(capacity::pca_report(&t, 10, 501, 500).is_err());
}

/// The lecture's note: with tied weights, a linear code and MSE the AE's optimum is the PCA
/// projection. PCA is the best rank-d affine reconstruction, so the AE can only approach it from
/// above; trained long enough it comes within a few per cent.
#[test]
fn linear_tied_ae_approaches_pca() {
    let d = 8;
    let s = Settings { d, tied: true, activation: "linear".into(), lr: 3e-3, batch: 100, ..Settings::default() };
    let mut t = Trainer::new(s, first(1000)).unwrap();
    let pca = capacity::pca_report(&t, d, 1000, 1000).unwrap().mse;
    let before = capacity::report(&mut t, 1000).unwrap().mse;
    t.step(4000).unwrap();
    let after = capacity::report(&mut t, 1000).unwrap().mse;
    eprintln!("linear tied AE d={d}: untrained {before:.5}, trained {after:.5}, PCA {pca:.5}");
    assert!(after >= pca * 0.999, "no rank-{d} linear map beats PCA: AE {after} < PCA {pca}");
    assert!(after <= pca * 1.05, "AE {after} not within 5% of PCA {pca}");
    assert!(before > pca * 1.5);
    // The tanh AE is not bound by PCA in the same way; the linear setting is refused for the
    // contractive penalty (written for a tanh code) and unknown names are refused.
    let bad = Settings { variant: Variant::Contractive, activation: "linear".into(), ..Settings::default() };
    assert!(bad.validate().unwrap_err().to_string().contains("tanh"));
    let bad = Settings { activation: "relu".into(), ..Settings::default() };
    assert!(bad.validate().unwrap_err().to_string().contains("activation"));
}

/// The penalty the page plots (step's `penalty`, the mean over the batch) equals λ times the
/// mean ‖∂h/∂x‖²_F the capacity report computes, and that equals a central-difference Jacobian.
#[test]
fn contractive_penalty_shown_equals_engine() {
    let lambda = 0.3;
    let s = Settings { variant: Variant::Contractive, lambda, d: 12, batch: 64, ..Settings::default() };
    let mut t = Trainer::new(s, first(64)).unwrap();
    t.step(5).unwrap(); // away from the initialisation
    let idx: Vec<u32> = (0..64).collect();
    let x = t.inputs(&idx).unwrap();
    let j2 = capacity::jacobian_frob2(&mut t, &x).unwrap().unwrap();
    let shown = t.step(1).unwrap().penalty as f64; // one batch = all 64 images, before the update
    assert!(close(shown, lambda as f64 * j2, 1e-4), "step penalty {shown} vs λ·‖J‖² {}", lambda as f64 * j2);
    let r = capacity::report(&mut t, 64).unwrap();
    assert_eq!(r.lambda, lambda);

    // ‖J‖²_F of image 0 by central differences of the code, in f64 over f32 evaluations.
    let x0 = t.inputs(&[0]).unwrap();
    let exact = capacity::jacobian_frob2(&mut t, &x0).unwrap().unwrap();
    let eps = 1e-2f32;
    let mut numeric = 0f64;
    for p in 0..784 {
        let mut a = x0.clone();
        let mut b = x0.clone();
        a[p] += eps;
        b[p] -= eps;
        let (ha, hb) = (t.encode_rows(&a).unwrap(), t.encode_rows(&b).unwrap());
        for j in 0..12 {
            let g = (ha[j] - hb[j]) as f64 / (2.0 * eps as f64);
            numeric += g * g;
        }
    }
    assert!(close(numeric, exact, 1e-2), "numeric ‖J‖² {numeric} vs exact {exact}");
    // Not defined for a linear code: None, not a wrong number.
    let mut lin = Trainer::new(Settings { activation: "linear".into(), ..Settings::default() }, first(8)).unwrap();
    assert_eq!(capacity::jacobian_frob2(&mut lin, &x0).unwrap(), None);
}

/// The report on the untrained model is sane, a BCE model reports on [0, 1], and a bad size is
/// an error with a message.
#[test]
fn report_fields() {
    let mut t = Trainer::new(Settings { d: 30, ..Settings::default() }, first(200)).unwrap();
    let r = capacity::report(&mut t, 100).unwrap();
    assert_eq!((r.d, r.count, r.sizes.f32_bytes, r.sizes.u8_bytes), (30, 100, 120, 30));
    assert!(close(r.psnr, psnr(r.mse, -1.0, 1.0), 1e-12));
    assert!(r.mse_u8 > 0.0 && r.probe_mse > 0.0 && r.jacobian_frob2.unwrap() > 0.0);
    assert!(capacity::report(&mut t, 0).unwrap_err().to_string().contains("between 1 and 200"));
    assert!(capacity::report(&mut t, 201).is_err());
    let mut b = Trainer::new(Settings { loss: Loss::Bce, ..Settings::default() }, first(50)).unwrap();
    let r = capacity::report(&mut b, 50).unwrap();
    assert!(close(r.psnr, psnr(r.mse, 0.0, 1.0), 1e-12));
}
