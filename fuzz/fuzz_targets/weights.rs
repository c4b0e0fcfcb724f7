//! Any bytes as a safetensors weights file (`weights::from_bytes`, the reader the page and the CLI
//! load models with): `Ok` or `Err`, never a panic. An `Ok` model is within the limits, and
//! writing it back as F32 then reading that gives the same widths and weights.
#![no_main]

use autoencoder_playground::weights::{self, Dtype, INPUT, MAX_PARAMS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = weights::from_bytes(data) else { return };
    assert_eq!(loaded.sizes.first(), Some(&INPUT));
    let params: usize = loaded.model.enc.iter().chain(&loaded.model.dec).map(|l| l.w.len() + l.b.len()).sum();
    assert!(params <= MAX_PARAMS);
    let again = weights::to_bytes(&loaded.model, &loaded.settings, &loaded.provenance, Dtype::F32)
        .expect("a model just read can be written");
    let back = weights::from_bytes(&again).expect("a file just written can be read");
    assert_eq!(back.sizes, loaded.sizes);
    for (a, b) in loaded.model.enc.iter().chain(&loaded.model.dec).zip(back.model.enc.iter().chain(&back.model.dec)) {
        // Bit for bit (F32 is exact), NaN included: compare the bits, not the values.
        assert!(a.w.iter().zip(&b.w).all(|(x, y)| x.to_bits() == y.to_bits()));
        assert!(a.b.iter().zip(&b.b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
});
