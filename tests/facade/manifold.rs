//! The 2-D lab's weights through the façade, as the page's worker calls them: `save_weights`
//! out, `load_weights` into a lab of the same settings (the same field after), its steps carried
//! on in `total_steps`; other settings, an MNIST file and a bad dtype refused with the lab's
//! model untouched. Part of `tests/facade.rs` (wasm-pack test --node -- --test facade).

use super::{field, message, obj, IMAGES, LABELS};
use autoencoder_playground::api::{manifold_grid, ManifoldLab, Trainer};
use wasm_bindgen_test::*;

const SMALL: &str = r#"{"variant": "denoising", "points": 64, "width": 16, "batch": 32, "seed": 4}"#;

#[wasm_bindgen_test]
fn manifold_weights_round_trip_and_refusals() {
    let grid = manifold_grid(6).unwrap();
    let mut a = ManifoldLab::new(obj(SMALL), None).unwrap();
    a.step(25).unwrap();
    let bytes = a.save_weights("f32").unwrap();
    let mut b = ManifoldLab::new(obj(SMALL), None).unwrap();
    let seed_field = b.reconstruct(&grid).unwrap();
    assert_ne!(seed_field, a.reconstruct(&grid).unwrap(), "training moved the field");
    let prov = b.load_weights(&bytes).unwrap();
    assert_eq!(field(&prov, "steps"), 25.0);
    assert_eq!(b.total_steps(), 25.0);
    assert_eq!(b.reconstruct(&grid).unwrap(), a.reconstruct(&grid).unwrap(), "the same field, bit for bit");
    b.step(5).unwrap();
    assert_eq!(b.total_steps(), 30.0, "the file's steps carry on");

    let mut other = ManifoldLab::new(obj(r#"{"variant": "denoising", "points": 64, "width": 8, "batch": 32, "seed": 4}"#), None).unwrap();
    let before = other.reconstruct(&grid).unwrap();
    let e = message(other.load_weights(&bytes).err().expect("width 16 into width 8 refused"));
    assert!(e.contains("width 16 in the file, 8 here"), "{e}");
    let mut t = Trainer::new(obj(r#"{"d": 4, "batch": 8}"#), IMAGES, Some(LABELS.to_vec())).unwrap();
    let mnist = t.save_weights("f32", 0).unwrap();
    let e = message(other.load_weights(&mnist).err().expect("an MNIST file refused"));
    assert!(e.contains("MNIST autoencoder"), "{e}");
    assert_eq!(other.reconstruct(&grid).unwrap(), before, "refused files leave the lab's model as it was");
    assert!(a.save_weights("f64").is_err());
    t.step(1).unwrap();
}
