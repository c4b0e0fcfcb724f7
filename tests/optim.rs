//! The optimiser's checked step (`Optimizer::update_into`, used by the guard for every single
//! batch): it computes exactly the bits of the in-place step (`update`), and its two flags say
//! exactly whether any new weight, or any new moment, is NaN/∞ — over random values that include
//! the extremes where Adam's g² or a weight overflows. The oracle is `update` itself and
//! `all_finite` of what it wrote.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::optim::{all_finite, OptimConfig, Optimizer};
use autoencoder_playground::rng::Rng;

/// `len` values: mostly ordinary, some near f32::MAX or ±∞/NaN when `wild` (drawn from `rng`).
fn values(rng: &mut Rng, len: usize, scale: f32, wild: bool) -> Vec<f32> {
    (0..len)
        .map(|_| {
            let u = rng.uniform(0.0, 1.0);
            if wild && u < 0.05 {
                [3e38, -3e38, 2e19, -2e19, f32::INFINITY, f32::NAN][(u * 120.0) as usize % 6]
            } else {
                rng.uniform(-scale, scale)
            }
        })
        .collect()
}

#[test]
fn the_checked_step_computes_the_in_place_steps_bits_and_flags_exactly_what_is_not_finite() {
    let configs = [OptimConfig::adam(1e-3), OptimConfig::adam(10.0), OptimConfig::Sgd { lr: 0.5, momentum: 0.9 }, OptimConfig::Sgd { lr: 1.0, momentum: 0.0 }];
    let mut rng = Rng::new(7);
    let (mut flagged_weights, mut flagged_moments, mut clean) = (0, 0, 0);
    for config in configs {
        for trial in 0..60 {
            let wild = trial % 3 == 0;
            let sizes = [37, 8, 300]; // not multiples of the vector width: the tails too
            let mut ours = Optimizer::new(config);
            let mut theirs = Optimizer::new(config);
            let mut params: Vec<Vec<f32>> = sizes.iter().map(|&n| values(&mut rng, n, 1.0, false)).collect();
            // A few ordinary steps first, so the moments are not zero (the same on both).
            for _ in 0..2 {
                let grads: Vec<Vec<f32>> = sizes.iter().map(|&n| values(&mut rng, n, 0.1, false)).collect();
                for o in [&mut ours, &mut theirs] {
                    o.begin_step();
                }
                for (i, (p, g)) in params.iter_mut().zip(&grads).enumerate() {
                    let mut q = p.clone();
                    ours.update(i, p, g);
                    theirs.update(i, &mut q, g);
                }
            }
            let grads: Vec<Vec<f32>> = sizes.iter().map(|&n| values(&mut rng, n, 1.0, wild)).collect();
            if wild {
                let at = (trial / 3) % 37;
                params[0][at] = [3e38, -3e38, 1e30][(trial / 3) % 3];
            }
            // Theirs: in place. Ours: into `out`.
            theirs.begin_step();
            ours.begin_step();
            let (mut weights_ok, mut moments_ok) = (true, true);
            for (i, (p, g)) in params.iter().zip(&grads).enumerate() {
                let mut q = p.clone();
                theirs.update(i, &mut q, g);
                let mut out = vec![0.0; p.len()];
                let (w, m) = ours.update_into(i, p, g, &mut out);
                assert_eq!(out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), q.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), "{config:?}: the same new weights");
                assert_eq!(w, all_finite(&q), "{config:?} trial {trial}: the weights flag");
                weights_ok &= w;
                moments_ok &= m;
            }
            ours.commit();
            let bits = |o: &Optimizer| o.moments().flatten().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&ours), bits(&theirs), "{config:?}: the same new moments");
            assert_eq!(moments_ok, theirs.is_finite(), "{config:?} trial {trial}: the moments flag");
            flagged_weights += usize::from(!weights_ok);
            flagged_moments += usize::from(!moments_ok);
            clean += usize::from(weights_ok && moments_ok);
        }
    }
    // The draws reach all three outcomes (else the flags were never really tested).
    assert!(flagged_weights > 0 && flagged_moments > 0 && clean > 0, "weights {flagged_weights}, moments {flagged_moments}, clean {clean}");
}

#[test]
fn a_discarded_checked_step_leaves_the_optimiser_as_it_was() {
    let mut opt = Optimizer::new(OptimConfig::adam(1e-3));
    let mut p = vec![0.5f32; 10];
    opt.begin_step();
    opt.update(0, &mut p, &[0.1; 10]);
    let (t, m): (u64, Vec<u32>) = (opt.t, opt.moments().flatten().map(|v| v.to_bits()).collect());
    opt.begin_step();
    let mut out = vec![0.0; 10];
    let (w, mo) = opt.update_into(0, &p, &[f32::INFINITY; 10], &mut out);
    assert!(!w || !mo, "an infinite gradient is flagged");
    opt.discard();
    assert_eq!(opt.t, t);
    assert_eq!(opt.moments().flatten().map(|v| v.to_bits()).collect::<Vec<_>>(), m);
}
