//! Any bytes as an IDX labels file, raw or gzip: `Ok` or `Err`, never a panic; an `Ok` holds
//! 1..=`MAX_ITEMS` labels.
#![no_main]

use autoencoder_playground::data::idx::{self, MAX_ITEMS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(labels) = idx::parse_labels(data) {
        assert!((1..=MAX_ITEMS).contains(&labels.len()));
    }
});
