//! The stacked contractive penalty's gradient against central differences of its loss.

use super::*;

/// Every parameter's gradient as one flat vector, in `for_each_param` order.
fn grads(model: &mut Autoencoder) -> Vec<f32> {
    let mut g = vec![];
    model.for_each_param(|_, _, gr| g.extend_from_slice(gr));
    g
}

/// Adds `h` to parameter number `idx` of the flat list.
fn nudge(model: &mut Autoencoder, idx: usize, h: f32) {
    let mut off = 0;
    model.for_each_param(|_, p, _| {
        if idx >= off && idx < off + p.len() {
            p[idx - off] += h;
        }
        off += p.len();
    });
}

#[test]
fn stacked_contractive_gradient_matches_central_differences() {
    // Two hidden layers and a 3-unit code, tanh code (ψ' ≠ 0 at every layer) and a linear code.
    for code_act in [Activation::Tanh, Activation::Identity] {
        let cfg = AeConfig {
            input: 2,
            hidden: vec![6, 5],
            code: 3,
            hidden_act: Activation::Tanh,
            code_act,
            out_act: Activation::Identity,
            tied: false,
        };
        let mut rng = Rng::new(11);
        let mut model = Autoencoder::new(cfg, 8, &mut rng).unwrap();
        let x = Array2::from_shape_fn((7, 2), |_| rng.uniform(-1.2, 1.2));
        let mut tw = Tangents::new(&model, 8);
        let lambda = 5.0;

        // First: the tangent passes give the Jacobian that central differences of the encoder give.
        model.forward(x.view());
        tangent_forward(&model, &mut tw, 7);
        let jac: Vec<Array2<f32>> = (0..2).map(|k| tw.jacobian_column(k, 7).to_owned()).collect();
        let h = 1e-2f32;
        for k in 0..2 {
            let mut xp = x.clone();
            xp.column_mut(k).mapv_inplace(|v| v + h);
            model.forward(xp.view());
            let hp = model.code(7).to_owned();
            let mut xm = x.clone();
            xm.column_mut(k).mapv_inplace(|v| v - h);
            model.forward(xm.view());
            let hm = model.code(7).to_owned();
            let fd = (hp - hm) / (2.0 * h);
            let err = (&fd - &jac[k]).mapv(f32::abs).fold(0f32, |a, &b| a.max(b));
            assert!(err < 2e-3, "{code_act:?}: Jacobian column {k} differs from central differences by {err}");
        }

        // Then: the gradient of MSE + λ·mean‖J‖²_F with respect to every weight and bias.
        let parts = contractive_forward_backward(&mut model, &mut tw, x.view(), lambda);
        assert!(parts.penalty > 0.05 && parts.recon > 0.0, "{parts:?}");
        let analytic = grads(&mut model);
        assert_eq!(analytic.len(), model.num_params());
        let h = 2e-3f32;
        let (mut worst, mut checked) = (0f64, 0);
        for i in 0..analytic.len() {
            nudge(&mut model, i, h);
            let up = contractive_loss(&mut model, &mut tw, x.view(), lambda).total as f64;
            nudge(&mut model, i, -2.0 * h);
            let down = contractive_loss(&mut model, &mut tw, x.view(), lambda).total as f64;
            nudge(&mut model, i, h);
            let num = (up - down) / (2.0 * h as f64);
            let a = analytic[i] as f64;
            let rel = (a - num).abs() / (a.abs() + num.abs()).max(1e-2);
            worst = worst.max(rel);
            checked += 1;
            assert!(rel < 2e-2, "{code_act:?}: parameter {i}: analytic {a:.6e}, numeric {num:.6e}");
        }
        println!("contractive gradient check ({code_act:?} code): {checked} parameters, worst relative error {worst:.2e}");
    }
}
