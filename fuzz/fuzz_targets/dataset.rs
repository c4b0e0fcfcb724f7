//! An images file and a labels file together, as the page hands them over: `Dataset::from_idx`
//! and the page's `Dataset::from_idx_mnist`. Input layout: a u16 big-endian length `k`, then `k`
//! bytes of images file, then the rest as the labels file (each raw or gzip).
#![no_main]

use autoencoder_playground::data::{Dataset, Scaling};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<2>() else { return };
    let k = (u16::from_be_bytes(*head) as usize).min(rest.len());
    let (images, labels) = rest.split_at(k);
    for labels in [Some(labels), None] {
        if let Ok(ds) = Dataset::from_idx(images, labels) {
            assert!(ds.len() >= 1);
            assert_eq!(ds.images().len(), ds.len() * ds.dim());
            assert_eq!(ds.labels().len(), ds.len());
            // The first and last image, scaled, as a training batch reads them.
            let idx = [0, ds.len() as u32 - 1];
            assert!(ds.check_indices(&idx).is_ok() && ds.check_indices(&[ds.len() as u32]).is_err());
            let mut out = vec![0.0f32; 2 * ds.dim()];
            ds.fill_rows(&idx, Scaling::MinusOneToOne, &mut out);
            assert!(out.iter().all(|x| (-1.0..=1.0).contains(x)));
            assert_eq!(Dataset::from_idx_mnist(images, labels).is_ok(), ds.require_28x28().is_ok());
        }
    }
});
