//! The committed Fashion-MNIST files (`data/fashion10k-*`, made by `scripts/convert-fashion.mjs`;
//! tests/js/convert-fashion.test.mjs checks the conversion itself): they load through the page's
//! entry as 10,000 images of 28×28 with labels 0..9, 1,000 per class.

use autoencoder_playground::data::Dataset;

use super::{gunzip, read_repo_file, IMAGES_GZ};

const FASHION_IMAGES_GZ: &str = "data/fashion10k-images-idx3-ubyte.gz";
const FASHION_LABELS_GZ: &str = "data/fashion10k-labels-idx1-ubyte.gz";

#[test]
fn fashion_data_is_the_balanced_10000_image_test_set() {
    let ds = Dataset::from_idx_mnist(
        &read_repo_file(FASHION_IMAGES_GZ),
        Some(&read_repo_file(FASHION_LABELS_GZ)),
    )
    .unwrap();
    assert_eq!((ds.len(), ds.rows(), ds.cols()), (10_000, 28, 28));
    assert!(ds.has_labels());

    // Upstream's README: the test set is 10,000 images of 10 classes; Xiao, Rasul & Vollgraf
    // (2017, arXiv:1708.07747, Table 1 and §3) put 1,000 test images in each class.
    let mut counts = [0usize; 10];
    for &l in ds.labels() {
        assert!(l < 10, "label {l} out of 0..9");
        counts[l as usize] += 1;
    }
    assert_eq!(counts, [1000; 10]);
    // The file's order is upstream's: its first labels, read with `zcat t10k-labels-idx1-ubyte.gz
    // | tail -c 10000 | od -An -tu1` from the Debian package, are 9 2 1 1 6 1 4 6 5 7.
    assert_eq!(&ds.labels()[..10], &[9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);

    // Grey levels used in full, and not the MNIST file under another name.
    let px = ds.images();
    assert_eq!((px.iter().min(), px.iter().max()), (Some(&0), Some(&255)));
    assert_ne!(gunzip(&read_repo_file(FASHION_IMAGES_GZ)), gunzip(&read_repo_file(IMAGES_GZ)));
}
