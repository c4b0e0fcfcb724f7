//! The lecture's lessons, trained with the presets of `src/presets.rs` (fixed seed 0, natively):
//! the contractive AE contracts without losing the digits (and collapses when λ is too large),
//! BCE leaves the mean-digit plateau and matches the MSE model, the d = 2 map pulls the classes
//! apart (and the one-layer encoder does not), and the 2-D lab's contractive AE is flat across
//! the curve at the end of its run. Each test asserts a direction with a margin; the measured
//! values behind every margin are in the comments (and in `src/presets.rs`). Runs are cut
//! short of the page's epochs where the effect already shows, to keep each test under ~30 s.

use autoencoder_playground::labs::capacity;
use autoencoder_playground::data::Dataset;
use autoencoder_playground::labs::manifold::ManifoldTrainer;
use autoencoder_playground::presets::{self, Preset};
use autoencoder_playground::train::{Settings, Trainer, Variant};

/// A trainer for `settings` after `epochs` epochs over the 10,000 digits.
fn trained(settings: Settings, epochs: u32) -> Trainer {
    let mut t = Trainer::new(settings, Dataset::default_mnist().unwrap()).unwrap();
    let bpe = t.batches_per_epoch() as u32;
    for _ in 0..epochs {
        t.step(bpe).unwrap();
    }
    t
}

fn preset(key: &str) -> Preset {
    presets::preset(key).unwrap()
}

/// The first `k` digits, scaled as the trainer's model sees them: `[k, 784]`.
fn first(t: &Trainer, k: u32) -> Vec<f32> {
    t.inputs(&(0..k).collect::<Vec<_>>()).unwrap()
}

/// Mean ‖∂h/∂x‖²_F over the first 1,000 digits (exact, one-layer tanh encoder).
fn jacobian(t: &mut Trainer) -> f64 {
    let x = first(t, 1000);
    capacity::jacobian_frob2(t, &x).unwrap().expect("a one-layer tanh encoder")
}

/// The MSE of the best input-blind model, the mean digit: the mean per-pixel variance of the
/// data (a hand computation over the same scaled digits the model sees). A model that ignores
/// its input cannot do better.
fn mean_digit_mse(t: &Trainer) -> f64 {
    let n = t.data().dim();
    let x = first(t, t.data().len() as u32);
    let k = (x.len() / n) as f64;
    let mut mean = vec![0f64; n];
    for row in x.chunks(n) {
        for (m, &v) in mean.iter_mut().zip(row) {
            *m += v as f64 / k;
        }
    }
    x.chunks(n).flat_map(|row| row.iter().zip(&mean).map(|(&v, m)| (v as f64 - m).powi(2))).sum::<f64>() / (k * n as f64)
}

#[test]
fn contractive_ae_contracts_at_the_lesson_lambda_and_ignores_the_input_when_too_large() {
    // 10 of the page's 20 epochs. Measured (seed 0, 10 epochs): standard ‖J‖²_F 2.16, MSE
    // 0.163; λ = 0.01: ‖J‖²_F 0.47 (4.6× less), MSE 0.183 (1.12×); λ = 0.1: ‖J‖²_F < 0.0001,
    // MSE 0.270, the mean digit's.
    let mut std = trained(preset("standard").settings, 10);
    let mut cae = trained(preset("contractive").settings, 10);
    let mut bad = trained(preset("contractive_too_large").settings, 10);
    let (j_std, j_cae, j_bad) = (jacobian(&mut std), jacobian(&mut cae), jacobian(&mut bad));
    let (m_std, m_cae, m_bad) = (std.evaluate().mse_clean as f64, cae.evaluate().mse_clean as f64, bad.evaluate().mse_clean as f64);
    let blind = mean_digit_mse(&std);
    eprintln!("‖J‖²: std {j_std:.4} cae {j_cae:.4} too large {j_bad:.6}; MSE {m_std:.4} {m_cae:.4} {m_bad:.4}; mean digit {blind:.4}");
    // Contraction: at least 2.5× below the standard AE (measured 4.6×).
    assert!(j_cae < j_std / 2.5, "contractive ‖J‖² {j_cae} is not well below the standard's {j_std}");
    // The digits stay: within 25 % of the standard's MSE (measured 12 %) and far from the mean
    // digit (measured 0.68× its MSE).
    assert!(m_cae < 1.25 * m_std, "contractive MSE {m_cae} vs standard {m_std}");
    assert!(m_cae < 0.8 * blind, "contractive MSE {m_cae} is near the mean digit's {blind}");
    // λ too large: the code ignores the input (‖J‖² a hundredth of the standard's or less;
    // measured ~0) and the output is the mean digit (MSE no better than 2 % below it).
    assert!(j_bad < j_std / 100.0, "λ too large still gives ‖J‖² {j_bad}");
    assert!(m_bad > 0.98 * blind, "λ too large reconstructs (MSE {m_bad} vs the mean digit's {blind})");
}

#[test]
fn bce_leaves_the_mean_digit_plateau_and_matches_the_mse_model() {
    // 10 of the page's 20 epochs. Measured (seed 0): MSE model PSNR 13.89 dB; BCE preset (lr 3e-3,
    // batch 64) 14.01 dB; BCE with the notebook's lr 1e-3, batch 256 11.81 dB (BCE 0.2645: the
    // plateau; PyTorch's run of the same settings reads 0.27 after 3 epochs and 0.253 after 20).
    // At 5 epochs seed 1's BCE run is still on the plateau (11.71 dB), so 5 would be too short.
    let psnr = |t: &mut Trainer| {
        let (lo, hi) = t.range();
        capacity::psnr(t.evaluate().mse_clean as f64, lo, hi)
    };
    let p_mse = psnr(&mut trained(preset("standard").settings, 10));
    let p_bce = psnr(&mut trained(preset("bce").settings, 10));
    let p_flat = psnr(&mut trained(preset("bce_plateau").settings, 10));
    eprintln!("PSNR: MSE {p_mse:.2} dB, BCE {p_bce:.2} dB, BCE on the plateau {p_flat:.2} dB");
    // BCE is not worse: no more than 1 dB below the MSE model (measured 0.12 dB above; seeds 1
    // and 2: 0.14 and 0.21 dB below).
    assert!(p_bce > p_mse - 1.0, "BCE {p_bce} dB vs MSE {p_mse} dB");
    // The failure on purpose stays on the plateau: at least 1.5 dB below (measured 2.2 dB).
    assert!(p_flat < p_bce - 1.5, "the plateau run {p_flat} dB is not below the preset's {p_bce} dB");
}

/// Between-class over within-class sum of squares of codes `[k, d]` by label, and the codes'
/// RMS distance from their mean (0 when every digit gets the same code).
fn class_spread(codes: &[f32], labels: &[u8], d: usize) -> (f64, f64) {
    let k = labels.len();
    let (mut mean, mut centroid, mut count) = (vec![0f64; d], vec![vec![0f64; d]; 10], [0f64; 10]);
    for (h, &c) in codes.chunks(d).zip(labels) {
        count[c as usize] += 1.0;
        for j in 0..d {
            mean[j] += h[j] as f64 / k as f64;
            centroid[c as usize][j] += h[j] as f64;
        }
    }
    for (c, n) in centroid.iter_mut().zip(count) {
        c.iter_mut().for_each(|v| *v /= n.max(1.0));
    }
    let between: f64 = (0..10).map(|c| count[c] * (0..d).map(|j| (centroid[c][j] - mean[j]).powi(2)).sum::<f64>()).sum();
    let (mut within, mut total) = (0f64, 0f64);
    for (h, &c) in codes.chunks(d).zip(labels) {
        for j in 0..d {
            within += (h[j] as f64 - centroid[c as usize][j]).powi(2);
            total += (h[j] as f64 - mean[j]).powi(2);
        }
    }
    (between / within, (total / k as f64).sqrt())
}

/// `class_spread` of the codes of the first 2,000 digits.
fn map_spread(t: &mut Trainer) -> (f64, f64) {
    let x = first(t, 2000);
    let labels: Vec<u8> = (0..2000).map(|i| t.data().label(i)).collect();
    let codes = t.encode_rows(&x).unwrap();
    class_spread(&codes, &labels, t.settings().d)
}

#[test]
fn the_d2_map_pulls_the_classes_apart_with_the_deeper_encoder() {
    // 5 of the page's 10 epochs. Measured (seed 0, 5 epochs): 784-50-50-2, batch 64: between /
    // within 1.07, codes' RMS distance from their mean 0.59; one-layer 784-2: 0.011 (0.001 at 10
    // epochs: every digit gets the same code).
    let (sep, spread) = map_spread(&mut trained(preset("map_2d").settings, 5));
    let (_, flat_spread) = map_spread(&mut trained(preset("map_2d_one_layer").settings, 5));
    eprintln!("d = 2: between/within {sep:.3}, code spread {spread:.3}; one layer: code spread {flat_spread:.4}");
    // Classes apart: between-class spread at least 0.75 of the within-class one (measured 1.07).
    assert!(sep > 0.75, "class centroids not separated: between/within {sep}");
    // Codes spread over the square (measured 0.59) while the one-layer ones pile up (0.011).
    assert!(spread > 0.3, "codes of the deeper encoder pile up: spread {spread}");
    assert!(flat_spread < 0.05, "the one-layer d = 2 failure mode no longer fails: code spread {flat_spread}");
}

/// Mean σ₂/σ₁ of the code's Jacobian at the points the page draws (every ⌈n/90⌉-th training
/// point): 1 for a code that feels every direction alike, 0 for one blind to one direction.
fn sensitivity_ratio(t: &mut ManifoldTrainer) -> f64 {
    let data = t.data().to_vec();
    let n = data.len() / 2;
    let every = n.div_ceil(90);
    let pts: Vec<f32> = (0..n).step_by(every).flat_map(|i| [data[2 * i], data[2 * i + 1]]).collect();
    let jac = t.jacobian(&pts).unwrap(); // [k, code, 2]
    let d = t.settings().code;
    let k = pts.len() / 2;
    let mut sum = 0.0;
    for j in jac.chunks(2 * d) {
        // σ² are the eigenvalues of JᵀJ = [[a, b], [b, c]].
        let (mut a, mut b, mut c) = (0f64, 0f64, 0f64);
        for r in j.chunks(2) {
            let (x, y) = (r[0] as f64, r[1] as f64);
            a += x * x;
            b += x * y;
            c += y * y;
        }
        let disc = ((a - c).powi(2) / 4.0 + b * b).sqrt();
        let (l1, l2) = ((a + c) / 2.0 + disc, ((a + c) / 2.0 - disc).max(0.0));
        sum += if l1 > 0.0 { (l2 / l1).sqrt() } else { 1.0 };
    }
    sum / k as f64
}

#[test]
fn the_2d_labs_contractive_ae_is_flat_across_the_curve_at_the_end_of_its_run() {
    // The page's whole run (10,000 steps). Measured σ₂/σ₁ (seed 0): standard 0.831, denoising
    // 0.094, contractive 0.285 (seeds 1, 2: 0.270, 0.231 vs 0.830, 0.836); contractive MSE of
    // the outputs against the points 0.0003 (0.002 at most over seeds 0–2).
    let mut ratio = std::collections::HashMap::new();
    let mut mse = 0.0;
    for p in presets::manifold_presets() {
        let mut t = ManifoldTrainer::new(p.settings.clone(), None).unwrap();
        t.step(p.steps).unwrap();
        ratio.insert(p.settings.variant as u8, sensitivity_ratio(&mut t));
        if p.settings.variant == Variant::Contractive {
            let x = t.data().to_vec();
            let y = t.reconstruct(&x).unwrap();
            mse = x.iter().zip(&y).map(|(a, b)| ((a - b) as f64).powi(2)).sum::<f64>() / x.len() as f64;
        }
    }
    let (s, d, c) = (ratio[&(Variant::Standard as u8)], ratio[&(Variant::Denoising as u8)], ratio[&(Variant::Contractive as u8)]);
    eprintln!("σ₂/σ₁: standard {s:.3}, denoising {d:.3}, contractive {c:.3}; contractive MSE {mse:.5}");
    // At most half the standard's ratio (measured 0.34× over seeds 0–2 it is 0.28–0.34×).
    assert!(c < 0.5 * s, "contractive σ₂/σ₁ {c} vs standard {s}");
    assert!(d < 0.5 * s, "denoising σ₂/σ₁ {d} vs standard {s}");
    // ...while still on the curve: RMS error under 0.07 on a circle of radius 0.8.
    assert!(mse < 0.005, "contractive outputs left the curve: MSE {mse}");
}
