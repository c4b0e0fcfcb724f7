#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target
//! The 2-D manifold lab (src/labs/manifold.rs, src/jacobian.rs, src/data/curves.rs): the lecture's claims about the denoising and
//! contractive autoencoders (figs 15–19) checked with numbers, a central-difference check of the
//! stacked contractive penalty's gradient, bit-for-bit reproducibility, no allocation in a
//! training step, and bad settings refused.

use autoencoder_playground::activation::Activation;
use autoencoder_playground::autoencoder::{AeConfig, Autoencoder};
use autoencoder_playground::data::curves::{self, Curve, CIRCLE_R, VIEW};
use autoencoder_playground::jacobian::{contractive_forward_backward, contractive_loss, tangent_forward, Tangents};
use autoencoder_playground::labs::manifold::{ManifoldSettings, ManifoldTrainer};
use autoencoder_playground::rng::Rng;
use autoencoder_playground::train::Variant;
use ndarray::Array2;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

#[path = "manifold/gradient.rs"]
mod gradient;

// A per-thread allocation counter (tests run on several threads at once).
struct Counting;
thread_local! { static ALLOCS: Cell<usize> = const { Cell::new(0) }; }

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> usize {
    ALLOCS.with(|c| c.get())
}

fn circle(variant: Variant) -> ManifoldSettings {
    ManifoldSettings { variant, curve: Curve::Circle, ..ManifoldSettings::default() }
}

/// `k` points on a circle of radius `r`, evenly spaced in angle.
fn ring(r: f32, k: usize) -> Vec<f32> {
    (0..k)
        .flat_map(|i| {
            let th = 2.0 * std::f32::consts::PI * (i as f32 + 0.5) / k as f32;
            [r * th.cos(), r * th.sin()]
        })
        .collect()
}

fn norm(x: f32, y: f32) -> f32 {
    (x * x + y * y).sqrt()
}

fn mean(v: &[f32]) -> f32 {
    v.iter().map(|&x| x as f64).sum::<f64>() as f32 / v.len() as f32
}

/// How far each point of `x` travels: ‖g(f(x)) − x‖.
fn travel(t: &mut ManifoldTrainer, x: &[f32]) -> Vec<f32> {
    let y = t.reconstruct(x).unwrap();
    x.chunks(2).zip(y.chunks(2)).map(|(a, b)| norm(b[0] - a[0], b[1] - a[1])).collect()
}

#[test]
fn generators_put_points_on_their_curves() {
    for curve in [Curve::Spiral, Curve::Circle, Curve::Sine, Curve::Arcs] {
        let p = curves::generate(curve, 500, 0.0, None, &mut Rng::new(1)).unwrap();
        assert_eq!(p.len(), 1000);
        assert!(p.iter().all(|v| v.abs() <= 1.1), "{curve:?} leaves [-1.1, 1.1]");
    }
    let p = curves::generate(Curve::Circle, 2000, 0.0, None, &mut Rng::new(1)).unwrap();
    assert!(p.chunks(2).all(|q| (norm(q[0], q[1]) - CIRCLE_R).abs() < 1e-5));
    // Noise: the radial spread has the asked standard deviation.
    let p = curves::generate(Curve::Circle, 4000, 0.05, None, &mut Rng::new(1)).unwrap();
    let dev: Vec<f32> = p.chunks(2).map(|q| (norm(q[0], q[1]) - CIRCLE_R).powi(2)).collect();
    let sd = mean(&dev).sqrt();
    assert!((sd - 0.05).abs() < 0.004, "radial sd {sd}");
    // A drawn L-shaped stroke: every point on one of its two segments, both segments used in
    // proportion to their lengths (1 and 0.5).
    let stroke = [-0.5f32, 0.5, 0.5, 0.5, 0.5, 0.0];
    let p = curves::generate(Curve::Drawn, 3000, 0.0, Some(&stroke), &mut Rng::new(2)).unwrap();
    let mut on_first = 0;
    for q in p.chunks(2) {
        let first = (q[1] - 0.5).abs() < 1e-5 && q[0] >= -0.5 - 1e-5 && q[0] <= 0.5 + 1e-5;
        let second = (q[0] - 0.5).abs() < 1e-5 && q[1] >= -1e-5 && q[1] <= 0.5 + 1e-5;
        assert!(first || second, "point {q:?} is off the stroke");
        on_first += first as usize;
    }
    let frac = on_first as f32 / 3000.0;
    assert!((frac - 2.0 / 3.0).abs() < 0.03, "fraction on the long segment {frac}");
    // The grid: g² centres, first row at the top, inside the view box.
    let g = curves::grid_points(4);
    assert_eq!(g.len(), 32);
    assert_eq!(&g[..2], &[-VIEW + 0.375, VIEW - 0.375]);
    assert_eq!(&g[30..], &[VIEW - 0.375, -VIEW + 0.375]);
}

#[test]
fn bad_settings_are_errors() {
    let ok = ManifoldSettings::default();
    let cases = [
        ManifoldSettings { points: 3, ..ok.clone() },
        ManifoldSettings { points: 5000, ..ok.clone() },
        ManifoldSettings { noise: -0.1, ..ok.clone() },
        ManifoldSettings { noise: f32::NAN, ..ok.clone() },
        ManifoldSettings { sigma: 3.0, ..ok.clone() },
        ManifoldSettings { lambda: -1.0, ..ok.clone() },
        ManifoldSettings { width: 0, ..ok.clone() },
        ManifoldSettings { width: 300, ..ok.clone() },
        ManifoldSettings { depth: 5, ..ok.clone() },
        ManifoldSettings { code: 0, ..ok.clone() },
        ManifoldSettings { code: 9, ..ok.clone() },
        ManifoldSettings { lr: 0.0, ..ok.clone() },
        ManifoldSettings { lr: f32::INFINITY, ..ok.clone() },
        ManifoldSettings { batch: 0, ..ok.clone() },
        ManifoldSettings { seed: u64::MAX, ..ok.clone() },
    ];
    for s in cases {
        assert!(ManifoldTrainer::new(s.clone(), None).is_err(), "accepted {s:?}");
    }
    // Drawn curves: missing, too short, outside the box, odd length, not finite.
    let drawn = ManifoldSettings { curve: Curve::Drawn, ..ok.clone() };
    for bad in [None, Some(vec![0.1f32, 0.1]), Some(vec![0.0, 0.0, 0.01, 0.0]), Some(vec![0.0, 0.0, 2.0, 0.0]),
                Some(vec![0.0, 0.0, 0.5]), Some(vec![0.0, 0.0, f32::NAN, 0.5])] {
        let e = ManifoldTrainer::new(drawn.clone(), bad.as_deref());
        assert!(e.is_err(), "accepted the drawn curve {bad:?}");
    }
    assert!(ManifoldTrainer::new(drawn, Some(&[-0.5, 0.0, 0.5, 0.2])).is_ok());
    let mut t = ManifoldTrainer::new(ok, None).unwrap();
    assert!(t.step(0).is_err());
    assert!(t.reconstruct(&[0.0, 1.0, 2.0]).is_err());
    assert!(t.sweep(1).is_err());
    // Settings arrive from the page as JSON: unknown keys are refused, missing ones defaulted.
    assert!(serde_json::from_str::<ManifoldSettings>(r#"{"sigmaa": 0.3}"#).is_err());
    let s: ManifoldSettings = serde_json::from_str(r#"{"variant": "contractive", "curve": "spiral"}"#).unwrap();
    assert_eq!((s.variant, s.curve, s.code), (Variant::Contractive, Curve::Spiral, 2));
}

#[test]
fn a_denoising_ae_pulls_points_back_to_the_circle() {
    let mut t = ManifoldTrainer::new(circle(Variant::Denoising), None).unwrap();
    t.step(3000).unwrap();
    let on = ring(CIRCLE_R, 180);
    let on_travel = mean(&travel(&mut t, &on));
    let mut off_travel = vec![];
    let mut toward = 0;
    let mut closer = 0;
    let mut off_total = 0;
    for r in [0.3f32, 0.45, 1.15, 1.3] {
        let pts = ring(r, 90);
        off_travel.extend(travel(&mut t, &pts));
        let out = t.reconstruct(&pts).unwrap();
        for (p, q) in pts.chunks(2).zip(out.chunks(2)) {
            // The displacement and the direction to the nearest point of the circle.
            let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
            let s = (CIRCLE_R - r).signum() / r;
            let (nx, ny) = (p[0] * s, p[1] * s);
            toward += (dx * nx + dy * ny > 0.5 * norm(dx, dy)) as usize; // within 60° of it
            closer += ((norm(q[0], q[1]) - CIRCLE_R).abs() < 0.5 * (r - CIRCLE_R).abs()) as usize;
            off_total += 1;
        }
    }
    let off = mean(&off_travel);
    println!(
        "denoising AE on the circle: mean travel on it {on_travel:.4}, off it {off:.4} (×{:.1}); \
         {toward}/{off_total} arrows within 60° of the way to the circle, {closer}/{off_total} end at less than half their distance",
        off / on_travel
    );
    assert!(on_travel < 0.05, "points on the circle travel {on_travel}");
    assert!(off > 8.0 * on_travel, "off the circle {off} vs on it {on_travel}");
    assert!(toward as f32 >= 0.95 * off_total as f32, "{toward}/{off_total} arrows point to the circle");
    assert!(closer as f32 >= 0.9 * off_total as f32, "{closer}/{off_total} points end nearer the circle");
}

/// Mean ‖J·n‖ (across the circle) and ‖J·t‖ (along it) at points on the circle.
fn sensitivity(t: &mut ManifoldTrainer) -> (f32, f32) {
    let pts = ring(CIRCLE_R, 180);
    let d = t.settings().code;
    let jac = t.jacobian(&pts).unwrap();
    let (mut across, mut along) = (vec![], vec![]);
    for (p, j) in pts.chunks(2).zip(jac.chunks(2 * d)) {
        let (nx, ny) = (p[0] / CIRCLE_R, p[1] / CIRCLE_R);
        let (tx, ty) = (-ny, nx);
        let mut a2 = 0f32;
        let mut t2 = 0f32;
        for row in j.chunks(2) {
            a2 += (row[0] * nx + row[1] * ny).powi(2);
            t2 += (row[0] * tx + row[1] * ty).powi(2);
        }
        across.push(a2.sqrt());
        along.push(t2.sqrt());
    }
    (mean(&across), mean(&along))
}

#[test]
fn the_contractive_penalty_flattens_the_code_across_the_manifold() {
    let mut std_ae = ManifoldTrainer::new(circle(Variant::Standard), None).unwrap();
    let mut cae = ManifoldTrainer::new(circle(Variant::Contractive), None).unwrap();
    std_ae.step(3000).unwrap();
    let last = cae.step(3000).unwrap();
    let (sa, st) = sensitivity(&mut std_ae);
    let (ca, ct) = sensitivity(&mut cae);
    println!(
        "‖∂h/∂x‖ on the circle: standard AE across {sa:.3}, along {st:.3}; contractive AE across {ca:.3}, along {ct:.3} \
         (across ×{:.3}, along ×{:.3}; CAE loss {:.4} = recon {:.4} + penalty {:.4})",
        ca / sa, ct / st, last.loss, last.recon, last.penalty
    );
    // The penalty lowers the sensitivity across the manifold by a larger factor than along it,
    // and across ends well below along.
    assert!(ca / sa < 0.5 * (ct / st), "across ×{} vs along ×{}", ca / sa, ct / st);
    assert!(ca < 0.35 * ct, "contractive AE: across {ca} vs along {ct}");
    // It still reconstructs the circle.
    assert!(mean(&travel(&mut cae, &ring(CIRCLE_R, 180))) < 0.1);
}

#[test]
fn training_lowers_the_loss_and_repeats_bit_for_bit() {
    for variant in [Variant::Standard, Variant::Denoising, Variant::Contractive] {
        let s = ManifoldSettings { variant, curve: Curve::Spiral, depth: 2, code: 1, seed: 5, ..ManifoldSettings::default() };
        let mut a = ManifoldTrainer::new(s.clone(), None).unwrap();
        let mut b = ManifoldTrainer::new(s.clone(), None).unwrap();
        assert_eq!(a.data(), b.data());
        let first = a.step(10).unwrap();
        b.step(10).unwrap();
        let la = a.step(500).unwrap();
        let lb = b.step(500).unwrap();
        assert_eq!(la.loss.to_bits(), lb.loss.to_bits(), "{variant:?}");
        assert!(la.loss < 0.5 * first.loss, "{variant:?}: loss {} → {}", first.loss, la.loss);
        let g = curves::grid_points(16);
        let (ra, rb) = (a.reconstruct(&g).unwrap(), b.reconstruct(&g).unwrap());
        assert!(ra.iter().zip(&rb).all(|(x, y)| x.to_bits() == y.to_bits()), "{variant:?}: fields differ");
        assert_eq!(a.sweep(50).unwrap(), b.sweep(50).unwrap());
        assert_eq!(a.corrupted(), b.corrupted());
        // Another seed: other points, other weights.
        let mut c = ManifoldTrainer::new(ManifoldSettings { seed: 6, ..s }, None).unwrap();
        assert_ne!(a.data(), c.data());
        c.step(510).unwrap();
        assert_ne!(c.reconstruct(&g).unwrap(), ra);
    }
    // The three variants of one seed see the same points and the same fixed corruption.
    let a = ManifoldTrainer::new(circle(Variant::Standard), None).unwrap();
    let b = ManifoldTrainer::new(circle(Variant::Contractive), None).unwrap();
    assert_eq!(a.data(), b.data());
    assert_eq!(a.corrupted(), b.corrupted());
}

#[test]
fn views_have_their_shapes() {
    let mut t = ManifoldTrainer::new(ManifoldSettings { code: 1, ..ManifoldSettings::default() }, None).unwrap();
    t.step(20).unwrap();
    assert_eq!(t.sweep(100).unwrap().len(), 200, "code 1: one polyline");
    assert_eq!(t.jacobian(&[0.1, 0.2, 0.3, 0.4]).unwrap().len(), 4);
    let mut t = ManifoldTrainer::new(ManifoldSettings { code: 3, points: 1000, ..ManifoldSettings::default() }, None).unwrap();
    t.step(20).unwrap();
    assert_eq!(t.sweep(40).unwrap().len(), 18 * 40 * 2, "code ≥ 2: a mesh of 9 + 9 polylines");
    assert_eq!(t.encode(&t.data().to_vec()).unwrap().len(), 3000);
    let g = curves::grid_points(60); // more rows than a batch: chunked
    let out = t.reconstruct(&g).unwrap();
    assert!(out.iter().all(|v| v.is_finite()));
    let j = t.jacobian(&g).unwrap();
    assert_eq!(j.len(), 3600 * 6);
    assert!(j.iter().all(|v| v.is_finite()));
}

// Today `Dense` multiplies with ndarray's `general_mat_mul`, whose matrixmultiply back end
// allocates a packing buffer per product (≈17 allocations per step here); this passes once
// layer.rs uses the allocation-free `gemm` (src/gemm.rs, in progress). The lab's own code (the
// tangent passes, batching, corruption, reconstruction) allocates nothing.
#[test]
fn a_training_step_allocates_nothing_after_warm_up() {
    for variant in [Variant::Standard, Variant::Denoising, Variant::Contractive] {
        // 400 points in batches of 64: epochs end with a partial batch and a re-shuffle.
        let s = ManifoldSettings { variant, depth: 2, batch: 64, ..ManifoldSettings::default() };
        let mut t = ManifoldTrainer::new(s, None).unwrap();
        t.step(2).unwrap();
        let mut out = vec![0f32; 2 * 400];
        let data = t.data().to_vec();
        t.reconstruct_into(&data, &mut out).unwrap();
        let before = allocs();
        t.step(50).unwrap();
        let mid = allocs();
        t.reconstruct_into(&data, &mut out).unwrap();
        let after = allocs();
        assert_eq!(mid - before, 0, "{variant:?}: {} allocations in 50 steps", mid - before);
        assert_eq!(after - mid, 0, "{variant:?}: {} allocations in a reconstruction", after - mid);
    }
}
