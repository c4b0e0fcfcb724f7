#![cfg(not(target_arch = "wasm32"))]
//! The latent-space lab (src/latent.rs, issue 5): interpolation endpoints, the 2-D projection of
//! codes against numpy, the drawing preprocessing against its numpy reference, ROC AUC and
//! precision/recall on hand-made lists, the anomaly transforms, and on a trained model: noise
//! scores a higher reconstruction error than digits.

use autoencoder_playground::data::Dataset;
use autoencoder_playground::labs::images::{self, N};
use autoencoder_playground::labs::latent::{self, AnomalyParams, KINDS};
use autoencoder_playground::train::{Settings, Trainer, Variant};

#[path = "latent/anomaly.rs"]
mod anomaly;

/// The map's points and explained share, through the one projection the façade uses.
fn project(codes: &[f32], k: usize, d: usize, labels: &[u8]) -> Result<(Vec<f32>, f32), autoencoder_playground::error::Error> {
    latent::map_projection(codes, k, d, labels).map(|m| (m.xy, m.explained))
}

fn trainer(settings: Settings) -> Trainer {
    Trainer::new(settings, Dataset::default_mnist().expect("default data")).expect("trainer")
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

// ---- interpolation ------------------------------------------------------------------------

#[test]
fn interpolation_endpoints_are_the_inputs_and_their_reconstructions() {
    for (variant, d) in [(Variant::Standard, 30), (Variant::Denoising, 500), (Variant::Standard, 1)] {
        let mut t = trainer(Settings { variant, d, ..Settings::default() });
        t.step(5).unwrap();
        let a = t.inputs(&[0]).unwrap();
        let b = t.inputs(&[7]).unwrap();
        let alphas: Vec<f32> = (0..9).map(|i| i as f32 / 8.0).collect();
        let out = latent::interpolate(&mut t, &a, &b, &alphas).unwrap();
        assert_eq!(out.len(), 2 * 9 * N);
        let row = |r: usize| &out[r * N..(r + 1) * N];
        // Pixel strip: exactly x_A and x_B at the ends, the arithmetic mean in the middle.
        assert_eq!(row(0), &a[..]);
        assert_eq!(row(8), &b[..]);
        let mid: Vec<f32> = a.iter().zip(&b).map(|(u, v)| 0.5 * u + 0.5 * v).collect();
        assert!(max_abs_diff(row(4), &mid) < 1e-6);
        // Latent strip: D(E(x_A)) and D(E(x_B)) at the ends.
        let rec = t.reconstruct_rows(&[a.clone(), b.clone()].concat()).unwrap();
        assert!(max_abs_diff(row(9), &rec[..N]) < 1e-5, "{variant:?} d={d}: latent α=0 is not D(E(x_A))");
        assert!(max_abs_diff(row(17), &rec[N..]) < 1e-5, "{variant:?} d={d}: latent α=1 is not D(E(x_B))");
        // And the middle of the latent strip is not the pixel average (the point of fig 4).
        assert!(max_abs_diff(row(13), &mid) > 0.05);
    }
}

#[test]
fn interpolation_refuses_bad_input() {
    let mut t = trainer(Settings::default());
    let a = t.inputs(&[0]).unwrap();
    assert!(latent::interpolate(&mut t, &a, &a[..100], &[0.0, 1.0]).is_err());
    assert!(latent::interpolate(&mut t, &a, &a, &[1.5]).is_err());
    assert!(latent::interpolate(&mut t, &a, &a, &[]).is_err());
    let mut nan = a.clone();
    nan[3] = f32::NAN;
    assert!(latent::interpolate(&mut t, &a, &nan, &[0.5]).is_err());
}

// ---- the latent map: PCA against numpy ----------------------------------------------------

/// The codes of tests/oracles/latent_pca.py, in f64 then rounded to f32 like the script.
fn pca_codes(k: usize, d: usize) -> Vec<f32> {
    let mut x = Vec::with_capacity(k * d);
    for i in 0..k {
        for j in 0..d {
            let (i, j) = (i as f64, j as f64);
            let v = 3.0 * (0.37 * i).sin() * (0.9 * j).cos() + 1.5 * (0.53 * i).cos() * (0.4 * j + 1.0).sin() + 0.3 * (1.7 * i + j).sin();
            x.push(v as f32);
        }
    }
    x
}

fn check_projection(k: usize, d: usize, expected_rows: &[[f32; 2]], expected_explained: f32, tol: f32) {
    let labels = vec![0u8; k];
    let (xy, explained) = project(&pca_codes(k, d), k, d, &labels).unwrap();
    assert_eq!(xy.len(), 2 * k);
    for (r, e) in expected_rows.iter().enumerate() {
        for c in 0..2 {
            let got = xy[2 * r + c];
            assert!((got - e[c]).abs() < tol * (1.0 + e[c].abs()), "k={k} d={d} row {r} col {c}: {got} vs numpy {}", e[c]);
        }
    }
    assert!((explained - expected_explained).abs() < 1e-4, "explained {explained} vs numpy {expected_explained}");
}

#[test]
fn pca_projection_matches_numpy_exact_path() {
    // From `python3 tests/oracles/latent_pca.py` (numpy 2.2.6, eigh of the covariance).
    let rows = [
        [-0.2563305, 2.9146380],
        [1.9436654, 2.1651420],
        [2.7883825, 0.9310016],
        [3.7641232, -0.1976450],
        [5.0141514, -1.5895523],
        [4.7141872, -2.9496359],
    ];
    check_projection(40, 5, &rows, 0.996493013, 1e-4);
}

#[test]
fn pca_projection_matches_numpy_subspace_path() {
    // d = 160 > EXACT_PCA_MAX_D: subspace iteration. Numbers from the same script.
    assert!(160 > latent::EXACT_PCA_MAX_D);
    let rows = [
        [-0.2205426, -13.6527368],
        [9.1127964, -11.7631091],
        [17.3034132, -6.6136367],
        [23.8042765, 0.1829170],
        [26.7393770, 6.8897003],
        [25.3794041, 11.8329107],
    ];
    check_projection(200, 160, &rows, 0.984374007, 1e-4);
}

#[test]
fn map_points_decode_to_the_codes_they_stand_for() {
    // A point of the map decodes to D(h) of the code it projects; for d = 2 exactly D(code), for
    // d = 30 (exact PCA) and d = 200 (subspace) D(mean + z·V), the code's projection on the plane.
    for d in [2usize, 30, 200] {
        let mut t = trainer(Settings { d, ..Settings::default() });
        t.step(3).unwrap();
        let idx: Vec<u32> = (0..60).map(|i| i * 100).collect();
        let x = t.inputs(&idx).unwrap();
        let codes = t.encode_rows(&x).unwrap();
        let labels = vec![0u8; 60];
        let m = latent::map_projection(&codes, 60, d, &labels).unwrap();
        let img = latent::decode_map_points(&mut t, &m.mean, &m.components, &m.xy[..4]).unwrap();
        assert_eq!(img.len(), 2 * N);
        // The same through the engine's decoder, h computed here.
        let h: Vec<f32> = (0..2).flat_map(|r| (0..d).map(|j| m.mean[j] + m.xy[2 * r] * m.components[j] + m.xy[2 * r + 1] * m.components[d + j]).collect::<Vec<_>>()).collect();
        assert!(max_abs_diff(&img, &t.decode_rows(&h).unwrap()) < 1e-6);
        if d == 2 {
            assert!(max_abs_diff(&img, &t.decode_rows(&codes[..4]).unwrap()) < 1e-6);
        }
        // The axes are orthonormal.
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
        let (v1, v2) = m.components.split_at(d);
        assert!((dot(v1, v1) - 1.0).abs() < 1e-4 && (dot(v2, v2) - 1.0).abs() < 1e-4 && dot(v1, v2).abs() < 1e-4, "d = {d}");
        assert!(latent::decode_map_points(&mut t, &m.mean[1..], &m.components, &m.xy[..2]).is_err());
    }
}

#[test]
fn map_of_small_codes() {
    // d = 2: the codes themselves; d = 1: (code, label ± 0.3).
    let (xy, ex) = project(&[1.0, 2.0, 3.0, 4.0], 2, 2, &[5, 6]).unwrap();
    assert_eq!(xy, vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(ex, 1.0);
    let (xy, _) = project(&[0.25, -0.5, 0.75], 3, 1, &[3, 9, 0]).unwrap();
    assert_eq!([xy[0], xy[2], xy[4]], [0.25, -0.5, 0.75]);
    for (y, l) in [(xy[1], 3.0), (xy[3], 9.0), (xy[5], 0.0)] {
        assert!((y - l).abs() <= 0.3, "{y} is not within 0.3 of label {l}");
    }
    assert!(project(&[1.0, 2.0, 3.0], 2, 2, &[0, 1]).is_err());
}

// ---- a trained model ------------------------------------------------------------------------

#[test]
fn trained_model_scores_noise_above_digits() {
    let mut t = trainer(Settings::default()); // the notebook's standard AE, d = 30
    t.step(800).unwrap(); // 20 epochs of 40 batches, as the notebook
    let p = AnomalyParams { normal: 300, per_kind: 60, ..Default::default() };
    // A drawn "anomaly": a filled square (not a digit).
    let mut square = vec![-1.0f32; N];
    for y in 6..22 {
        for x in 6..22 {
            square[y * 28 + x] = 1.0;
        }
    }
    let r = latent::anomaly_report(&mut t, &p, &square).unwrap();
    assert_eq!(r.errors.len(), KINDS.len());
    assert_eq!(r.errors[0].len(), 300);
    assert_eq!(r.errors[1].len(), 60);
    assert_eq!(r.errors[5].len(), 1);
    assert_eq!(r.examples[0].len(), 12 * N);
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    let (digits, noise, inverted) = (mean(&r.errors[0]), mean(&r.errors[1]), mean(&r.errors[2]));
    println!("mean MSE: digits {digits:.4}, noise {noise:.4}, inverted {inverted:.4}, shifted {:.4}, rotated {:.4}, square {:.4}", mean(&r.errors[3]), mean(&r.errors[4]), r.errors[5][0]);
    assert!(noise > 3.0 * digits, "noise {noise} vs digits {digits}");
    assert!(inverted > digits, "inverted {inverted} vs digits {digits}");
    let auc_noise = latent::roc_auc(&r.errors[0], &r.errors[1]).unwrap();
    let auc_inv = latent::roc_auc(&r.errors[0], &r.errors[2]).unwrap();
    println!("AUC noise {auc_noise:.4}, inverted {auc_inv:.4}, shifted {:.4}, rotated {:.4}", latent::roc_auc(&r.errors[0], &r.errors[3]).unwrap(), latent::roc_auc(&r.errors[0], &r.errors[4]).unwrap());
    assert!(auc_noise > 0.99, "AUC of noise vs digits {auc_noise}");
    assert!(auc_inv > 0.5, "AUC of inverted vs digits {auc_inv}");
    assert!(r.errors[5][0] > digits);
    // The probe agrees with the report on the first digit.
    let x0 = r.examples[0][..N].to_vec();
    let pr = latent::probe(&mut t, &x0).unwrap();
    assert!((pr.error - r.errors[0][0]).abs() < 1e-6);
    assert_eq!(pr.code.len(), 30);
    assert!(latent::probe(&mut t, &x0[..10]).is_err());
}

#[test]
fn anomaly_settings_refused() {
    let mut t = trainer(Settings::default());
    let bad = [
        AnomalyParams { normal: 0, ..Default::default() },
        AnomalyParams { per_kind: 100_000, ..Default::default() },
        AnomalyParams { shift: 40, ..Default::default() },
        AnomalyParams { angle: f32::NAN, ..Default::default() },
    ];
    for p in bad {
        assert!(latent::anomaly_report(&mut t, &p, &[]).is_err(), "{p:?}");
    }
    assert!(latent::anomaly_report(&mut t, &AnomalyParams::default(), &[0.0; 100]).is_err());
}
