//! The central-difference gradient check shared by tests/engine.rs (native) and
//! tests/wasm_numerics.rs (each wasm build): included by `#[path]`, not a test crate itself.

use autoencoder_playground::autoencoder::{AeConfig, Autoencoder};
use autoencoder_playground::rng::Rng;
use autoencoder_playground::train::{self, Objective, Workspace};
use ndarray::Array2;

/// Central differences of the engine's loss against its analytic gradients, every parameter
/// entry. f32 throughout, so: step 3e-3, tolerance 1% of the tensor's largest gradient + 1e-5.
pub fn gradient_check(cfg: AeConfig, obj: Objective, x_in: &Array2<f32>, target: &Array2<f32>) {
    let m = x_in.nrows();
    let mut model = Autoencoder::new(cfg.clone(), m, &mut Rng::new(11)).unwrap();
    let d = cfg.code;
    let mut ws = Workspace::new(m, cfg.input, d.max(*cfg.hidden.iter().max().unwrap_or(&0)));
    train::forward_backward(&mut model, &mut ws, x_in.view(), target.view(), obj);
    let mut grads: Vec<Vec<f32>> = vec![];
    model.for_each_param(|_, _, g| grads.push(g.to_vec()));
    assert!(grads.len() >= 3);
    let h = 3e-3f32;
    for (pi, g) in grads.iter().enumerate() {
        let gmax = g.iter().fold(0f32, |a, v| a.max(v.abs()));
        assert!(gmax > 1e-5, "parameter {pi} has a zero gradient: nothing would be checked");
        for j in 0..g.len() {
            let loss_at = |delta: f32| {
                let mut mm = model.clone();
                mm.for_each_param(|i, p, _| if i == pi { p[j] += delta });
                let mut ws2 = ws.clone();
                train::loss_only(&mut mm, &mut ws2, x_in.view(), target.view(), obj).total as f64
            };
            let num = (loss_at(h) - loss_at(-h)) / (2.0 * h as f64);
            let tol = 1e-2 * gmax as f64 + 1e-5;
            assert!((num - g[j] as f64).abs() <= tol, "{cfg:?} {obj:?}: param {pi}[{j}] analytic {} vs numeric {num}", g[j]);
        }
    }
}
