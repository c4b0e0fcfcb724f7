#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target
//! The training guard (src/guard.rs) in both trainers: a step that turns the loss, a weight or a
//! moment into NaN/∞ is undone bit for bit and returns `Error::Diverged`; a loss that climbs well
//! above where it started is flagged in the stats; the notebook's normal runs never are; and
//! training goes on after the learning rate is lowered.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::data::Dataset;
use autoencoder_playground::error::Error;
use autoencoder_playground::labs::manifold::{ManifoldSettings, ManifoldTrainer};
use autoencoder_playground::optim::Optimizer;
use autoencoder_playground::train::{Settings, Trainer};
use autoencoder_playground::autoencoder::Autoencoder;

fn mnist() -> Dataset {
    Dataset::default_mnist().unwrap()
}

/// Every parameter and every moment, as bits (NaN-safe equality).
fn state_bits(model: &Autoencoder, opt: &Optimizer) -> (Vec<u32>, Vec<u32>) {
    let mut model = model.clone();
    let mut p = vec![];
    model.for_each_param(|_, w, _| p.extend(w.iter().map(|v| v.to_bits())));
    let m = opt.moments().flat_map(|b| b.iter().map(|v| v.to_bits())).collect();
    (p, m)
}

fn linear_sgd() -> Settings {
    Settings { activation: "linear".into(), optimizer: "sgd".into(), momentum: 0.0, lr: 1.0, ..Settings::default() }
}

#[test]
fn a_step_forced_to_infinity_leaves_weights_and_adam_moments_bit_identical() {
    let mut t = Trainer::new(Settings { activation: "linear".into(), batch: 64, ..Settings::default() }, mnist()).unwrap();
    t.step(5).unwrap(); // Adam's moments are non-zero now
    // A loaded weight with a huge value: the linear output x̂ = h·Wᵀ + b overflows, so the loss is ∞.
    let last = t.model().dec.len() - 1;
    t.model_mut().dec[last].b[0] = 3e38;
    let before = state_bits(t.model(), t.optimizer());
    let pos = t.position();
    let err = t.step(3).unwrap_err();
    assert!(matches!(err, Error::Diverged(_)), "{err:?}");
    assert!(err.to_string().contains("NaN or infinite") && err.to_string().contains("reset the model"), "{err}");
    assert_eq!(state_bits(t.model(), t.optimizer()), before, "weights and moments as before the step");
    assert_eq!(t.position(), pos, "the cursor and step count as before the step");
}

#[test]
fn linear_sgd_at_lr_1_gives_an_error_not_nan_and_the_call_is_undone() {
    // Without the guard W_h turns NaN within 9 steps (the report).
    let mut t = Trainer::new(linear_sgd(), mnist()).unwrap();
    let mut diverged = None;
    for i in 0..30 {
        let before = state_bits(t.model(), t.optimizer());
        match t.step(1) {
            Ok(s) => assert!(t.kernels().iter().all(|v| v.is_finite()) && s.loss.is_finite(), "step {i}"),
            Err(e) => {
                assert!(matches!(e, Error::Diverged(_)), "{e:?}");
                assert_eq!(state_bits(t.model(), t.optimizer()), before);
                diverged = Some(i);
                break;
            }
        }
    }
    let at = diverged.expect("linear + SGD at lr 1 must diverge within 30 steps");
    assert!(at >= 2, "the first steps at lr 1 are finite (the test below starts from step 2)");
    // Lowering the learning rate in time continues training the same model.
    let mut t = Trainer::new(linear_sgd(), mnist()).unwrap();
    t.step(2).unwrap();
    t.set_lr(1e-3).unwrap();
    let first = t.step(1).unwrap().loss;
    let later = t.step(100).unwrap();
    assert!(later.loss.is_finite() && later.loss < first, "{first} -> {}", later.loss);
    assert!(t.set_lr(0.0).is_err() && t.set_lr(f32::NAN).is_err());
}

#[test]
fn adam_at_lr_10_is_flagged_and_recovers_after_lowering_lr() {
    let mut t = Trainer::new(Settings { lr: 10.0, ..Settings::default() }, mnist()).unwrap();
    let first = t.step(1).unwrap();
    assert!(first.warning.is_none(), "one batch is no trend");
    let s = t.step(60).unwrap();
    let w = s.warning.expect("a loss far above its start is flagged");
    assert!(w.now > 1.5 * w.start && w.now > w.floor, "{w:?}");
    // The floor the guard computed when it first needed it: the mean image's MSE over the
    // training images (the floor's own tests check that function against its definition).
    let data = mnist();
    assert_eq!(w.floor, autoencoder_playground::train::constant_output_loss(&data, Settings::default().loss, Settings::default().scaling()));
    let text = w.to_string();
    assert!(text.contains("lr 10") && text.contains("lower the learning rate"), "{text}");
    t.set_lr(1e-3).unwrap();
    let restart = t.step(1).unwrap().loss;
    let after = t.step(200).unwrap();
    assert!(after.warning.is_none(), "{:?}", after.warning);
    assert!(after.loss < restart, "{restart} -> {}", after.loss);
}

#[test]
fn the_notebooks_normal_runs_are_never_flagged() {
    let data = mnist();
    for (s, batches) in [(Settings::default(), 300), (Settings::notebook_denoising(), 200)] {
        let mut t = Trainer::new(s.clone(), data.clone()).unwrap();
        for _ in 0..batches / 10 {
            let st = t.step(10).unwrap();
            assert!(st.warning.is_none(), "d = {}: {:?}", s.d, st.warning);
        }
    }
}

#[test]
fn the_manifold_trainer_is_guarded_too() {
    let s = ManifoldSettings::default();
    let mut t = ManifoldTrainer::new(s.clone(), None).unwrap();
    for _ in 0..50 {
        assert!(t.step(10).unwrap().warning.is_none(), "a normal 2-D run is not flagged");
    }
    // The output layer is linear: a huge bias makes the loss ∞.
    let last = t.model().dec.len() - 1;
    t.model_mut().dec[last].b[0] = 3e38;
    let before = state_bits(t.model(), t.optimizer());
    assert!(matches!(t.step(5), Err(Error::Diverged(_))));
    assert_eq!(state_bits(t.model(), t.optimizer()), before);
    t.model_mut().dec[last].b[0] = 0.0;
    t.set_lr(1e-3).unwrap();
    assert!(t.step(5).unwrap().loss.is_finite());
    assert!(t.set_lr(2.0).is_err());
}

/// A step that changes nothing but what it must: `step(1)` (the checked step, no copy of the
/// state) and `step(k)` (one transaction over a copy) are the same arithmetic, so two trainers
/// that take the same batches through either end with the same weights, moments and position,
/// bit for bit — Adam and SGD with momentum, tied and untied, clean and denoising (whose draws
/// move the generator).
#[test]
fn single_steps_and_one_transaction_train_the_same_bits() {
    let cases = [
        Settings::default(),
        Settings { optimizer: "sgd".into(), momentum: 0.9, lr: 0.01, ..Settings::default() },
        Settings { tied: true, batch: 64, ..Settings::default() },
        Settings { d: 64, ..Settings::notebook_denoising() },
    ];
    for s in cases {
        let (mut a, mut b) = (Trainer::new(s.clone(), mnist()).unwrap(), Trainer::new(s.clone(), mnist()).unwrap());
        for _ in 0..6 {
            a.step(1).unwrap();
        }
        for _ in 0..3 {
            b.step(2).unwrap();
        }
        assert_eq!(state_bits(a.model(), a.optimizer()), state_bits(b.model(), b.optimizer()), "{s:?}");
        assert_eq!(a.position(), b.position(), "{s:?}");
        // And the next batch of each draws and trains alike (the generator and cursor agree).
        assert_eq!(a.step(1).unwrap().loss.to_bits(), b.step(1).unwrap().loss.to_bits(), "{s:?}");
    }
}

/// The checked step's own refusal: a single step whose loss overflows is undone as a
/// transaction's is — weights, moments, cursor and step count bit for bit — and the next
/// batches after repairing the weight train as a trainer that never saw the refusal does.
#[test]
fn a_refused_single_step_changes_nothing() {
    let s = Settings { activation: "linear".into(), batch: 64, ..Settings::notebook_denoising() };
    let (mut t, mut twin) = (Trainer::new(s.clone(), mnist()).unwrap(), Trainer::new(s, mnist()).unwrap());
    t.step(5).unwrap();
    twin.step(5).unwrap();
    let last = t.model().dec.len() - 1;
    let kept = t.model().dec[last].b[0];
    t.model_mut().dec[last].b[0] = 3e38; // x̂ overflows: the loss is ∞
    let (before, pos) = (state_bits(t.model(), t.optimizer()), t.position());
    let err = t.step(1).unwrap_err();
    assert!(err.to_string().contains("the loss of the current weights became NaN or infinite at step 6"), "{err}");
    assert_eq!(state_bits(t.model(), t.optimizer()), before);
    assert_eq!(t.position(), pos);
    t.model_mut().dec[last].b[0] = kept;
    for _ in 0..3 {
        assert_eq!(t.step(1).unwrap().loss.to_bits(), twin.step(1).unwrap().loss.to_bits(), "the refused batch drew nothing for good");
    }
}
