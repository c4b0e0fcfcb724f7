//! The anomaly lesson's pieces: the drawing preprocessing against its numpy reference, ROC AUC
//! and precision/recall on hand-made lists, and the anomaly transforms.

use super::*;

// ---- drawing preprocessing against numpy --------------------------------------------------

#[test]
fn drawing_preprocessing_matches_the_numpy_reference() {
    // tests/oracles/latent_preprocess.json is written by tests/oracles/latent_preprocess.py
    // (numpy): the strokes' alpha bytes and the reference 28×28 outputs in [-1, 1].
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/latent_preprocess.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for c in cases {
        let (w, h) = (c["w"].as_u64().unwrap() as usize, c["h"].as_u64().unwrap() as usize);
        let ink: Vec<f32> = c["alpha"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as f32 / 255.0).collect();
        let expected: Vec<f32> = c["expected"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
        let got = latent::preprocess_drawing(&ink, w, h, -1.0, 1.0).unwrap();
        let diff = max_abs_diff(&got, &expected);
        assert!(diff < 1e-5, "{}: max |Rust − numpy| = {diff}", c["name"]);
        // And it looks like MNIST: ink centred near (14, 14), background at -1 on the border.
        let (mut m, mut cx, mut cy) = (0f64, 0f64, 0f64);
        for y in 0..28 {
            for x in 0..28 {
                let v = (got[y * 28 + x] + 1.0) as f64 / 2.0;
                m += v;
                cx += v * (x as f64 + 0.5);
                cy += v * (y as f64 + 0.5);
            }
        }
        assert!((cx / m - 14.0).abs() < 1.0 && (cy / m - 14.0).abs() < 1.0, "{}: centre ({}, {})", c["name"], cx / m, cy / m);
        assert_eq!(got[0], -1.0);
    }
}

#[test]
fn drawing_preprocessing_errors() {
    assert!(latent::preprocess_drawing(&vec![0.0; 100 * 100], 100, 100, -1.0, 1.0).unwrap_err().to_string().contains("empty"));
    assert!(latent::preprocess_drawing(&[0.5; 10], 100, 100, -1.0, 1.0).is_err());
    assert!(latent::preprocess_drawing(&[0.5; 16], 4, 4, -1.0, 1.0).is_err());
    let mut bad = vec![0.0; 64 * 64];
    bad[5] = f32::INFINITY;
    assert!(latent::preprocess_drawing(&bad, 64, 64, -1.0, 1.0).is_err());
    // The BCE model's range [0, 1].
    let mut ink = vec![0.0; 64 * 64];
    for y in 10..50 {
        ink[y * 64 + 30] = 1.0;
    }
    let out = latent::preprocess_drawing(&ink, 64, 64, 0.0, 1.0).unwrap();
    assert!(out.iter().all(|&v| (0.0..=1.0).contains(&v)) && out.iter().any(|&v| v > 0.5));
}

// ---- scores -------------------------------------------------------------------------------

#[test]
fn auc_on_hand_made_lists() {
    // Perfect separation: every anomaly above every normal → 1; the reverse → 0.
    assert_eq!(latent::roc_auc(&[0.1, 0.2, 0.3], &[0.4, 0.5]).unwrap(), 1.0);
    assert_eq!(latent::roc_auc(&[0.4, 0.5], &[0.1, 0.2, 0.3]).unwrap(), 0.0);
    // normal {1, 2, 3}, anomalous {2, 4}: pairs (a > n): 2 beats 1 (1), ties 2 (½), loses to 3;
    // 4 beats all three (3). (1 + ½ + 3) / 6 = 0.75.
    assert_eq!(latent::roc_auc(&[1.0, 2.0, 3.0], &[2.0, 4.0]).unwrap(), 0.75);
    // All equal: every pair a tie → ½.
    assert_eq!(latent::roc_auc(&[1.0, 1.0], &[1.0, 1.0, 1.0]).unwrap(), 0.5);
    // normal {0.1, 0.4, 0.35, 0.8}, anomalous {0.9, 0.35, 0.5}: 0.9 beats 4; 0.35 beats 0.1,
    // ties 0.35 (1.5); 0.5 beats 3 → 8.5 / 12.
    let a = latent::roc_auc(&[0.1, 0.4, 0.35, 0.8], &[0.9, 0.35, 0.5]).unwrap();
    assert!((a - 8.5 / 12.0).abs() < 1e-12, "{a}");
    assert!(latent::roc_auc(&[], &[1.0]).is_err());
    assert!(latent::roc_auc(&[1.0], &[f32::NAN]).is_err());
}

#[test]
fn precision_recall_on_hand_made_lists() {
    let normal = [0.1, 0.2, 0.3, 0.6];
    let anomalous = [0.5, 0.7, 0.9];
    // t = 0.4: flagged 0.6 (false), 0.5, 0.7, 0.9 (true) → precision 3/4, recall 3/3.
    let pr = |t| { let r = latent::precision_recall(&normal, &anomalous, t); (r.precision, r.recall) };
    assert_eq!(pr(0.4), (0.75, 1.0));
    // t = 0.65: flagged 0.7, 0.9 → precision 1, recall 2/3.
    assert_eq!(pr(0.65), (1.0, 2.0 / 3.0));
    // t = 1: nothing flagged → precision undefined, recall 0.
    let none = latent::precision_recall(&normal, &anomalous, 1.0);
    assert!(none.precision.is_nan() && none.recall == 0.0 && (none.tp, none.fp) == (0, 0), "nothing flagged: {none:?}");
    // No anomalies at all: recall undefined; t = 0.25 flags 0.3 and 0.6, both false → precision 0.
    let empty = latent::precision_recall(&normal, &[], 0.25);
    assert!(empty.recall.is_nan() && empty.precision == 0.0 && (empty.tp, empty.fp) == (0, 2), "no anomalies: {empty:?}");
}

#[test]
fn row_errors_are_mean_squares() {
    let e = images::row_mse(&[0.0, 0.0, 1.0, 1.0], &[1.0, 1.0, 1.0, 0.0], 2).unwrap();
    assert_eq!(e, vec![1.0, 0.5]);
    assert!(images::row_mse(&[0.0; 3], &[0.0; 3], 2).is_err());
}

// ---- anomaly transforms -------------------------------------------------------------------

#[test]
fn transforms() {
    let mut img = vec![-1.0f32; N];
    img[5 * 28 + 20] = 1.0; // one white pixel at (x 20, y 5)
    img[27 * 28 + 27] = 0.5;
    // Invert: lo + hi − x.
    let inv = images::invert(&img, -1.0, 1.0);
    assert_eq!((inv[0], inv[5 * 28 + 20], inv[27 * 28 + 27]), (1.0, -1.0, -0.5));
    // Shift by (3, 2): the pixel moves to (23, 7); the corner pixel leaves the image.
    let s = images::shift(&img, 28, 28, 3, 2, -1.0);
    assert_eq!(s[7 * 28 + 23], 1.0);
    assert_eq!(s.iter().filter(|&&v| v != -1.0).count(), 1);
    // Rotate by 0: identity; by 90° counter-clockwise about (13.5, 13.5): (x, y) → (y, 27 − x),
    // so (20, 5) → (5, 7); by 360°: identity again (bilinear at integer positions).
    assert!(max_abs_diff(&images::rotate(&img, 0.0, -1.0), &img) < 1e-6);
    let r = images::rotate(&img, 90.0, -1.0);
    assert!((r[7 * 28 + 5] - 1.0).abs() < 1e-5, "{}", r[7 * 28 + 5]);
    assert!(max_abs_diff(&images::rotate(&img, 360.0, -1.0), &img) < 1e-4);
    // Noise is in range and repeatable.
    let n1 = images::noise(2 * N, 9, -1.0, 1.0);
    assert_eq!(n1, images::noise(2 * N, 9, -1.0, 1.0));
    assert!(n1.iter().all(|&v| (-1.0..=1.0).contains(&v)));
    let mean = n1.iter().sum::<f32>() / n1.len() as f32;
    assert!(mean.abs() < 0.1, "{mean}");
}
