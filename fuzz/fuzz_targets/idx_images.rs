//! Any bytes as an IDX images file, raw or gzip (the parser detects gzip by `1f 8b`): `Ok` or
//! `Err`, never a panic, and an `Ok` keeps every limit of `data::idx`.
#![no_main]

use autoencoder_playground::data::idx::{self, MAX_BYTES, MAX_IMAGE_PIXELS, MAX_ITEMS, MAX_SIDE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((n, rows, cols, pixels)) = idx::parse_images(data) {
        assert!((1..=MAX_ITEMS).contains(&n));
        assert!((1..=MAX_SIDE).contains(&rows) && (1..=MAX_SIDE).contains(&cols));
        assert!(rows * cols <= MAX_IMAGE_PIXELS);
        assert_eq!(pixels.len(), n * rows * cols);
        assert!(pixels.len() + 16 <= MAX_BYTES);
    }
});
