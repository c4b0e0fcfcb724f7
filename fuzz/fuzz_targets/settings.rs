//! Any bytes as the JSON settings object the façade accepts (`serde_json` into `train::Settings`,
//! then `validate`). Valid settings with small sizes then build a `Trainer` on 4 tiny images and
//! run one step and an evaluation: no panic anywhere, whatever the values.
#![no_main]

use std::sync::OnceLock;

use autoencoder_playground::data::Dataset;
use autoencoder_playground::train::{Settings, Trainer};
use libfuzzer_sys::fuzz_target;

/// 4 images of 28×28 (a ramp of grey levels) with labels 0..3: the smallest page-shaped data.
fn tiny() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        let images = (0..4 * 784).map(|i| (i * 7 % 256) as u8).collect();
        Dataset::from_raw(images, vec![0, 1, 2, 3], 28, 28).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(settings) = serde_json::from_slice::<Settings>(data) else { return };
    if settings.validate().is_err() {
        return;
    }
    // Keep each run fast: a big valid model only costs time, the limits are validate's job.
    if settings.d > 64 || settings.hidden.len() > 3 || settings.hidden.iter().any(|&h| h > 64) {
        return;
    }
    // `validate` accepted it, so building the trainer must too.
    let mut t = Trainer::new(settings, tiny().clone()).expect("valid settings build a trainer");
    let _ = t.step(1);
    let _ = t.evaluate();
});
