//! 2 or 4 IDX files as the page's Load data hands them over (`datasets::from_files`: told apart
//! by header and name, 28×28 only, the held-out split for one pair): `Ok` or `Err`, never a
//! panic. Input layout: one byte, its low bit 0 for 2 files and 1 for 4, its next two bits
//! choosing the names (MNIST's, `test` names, or plain ones); then per file but the last a u16
//! big-endian length and that many bytes; the last file is the rest.
#![no_main]

use autoencoder_playground::datasets::{self, NamedFile, MAX_IMAGES, SIDE};
use libfuzzer_sys::fuzz_target;

const NAMES: [[&str; 4]; 3] = [
    ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
    ["a", "b", "my-test-images", "my-test-labels"],
    ["x.png", "y", "z", "w"],
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else { return };
    let n = if mode & 1 == 0 { 2 } else { 4 };
    let names = NAMES[(mode as usize >> 1) % NAMES.len()];
    let mut parts: Vec<&[u8]> = Vec::with_capacity(n);
    for _ in 0..n - 1 {
        let Some((len, tail)) = rest.split_first_chunk::<2>() else { return };
        let k = (u16::from_be_bytes(*len) as usize).min(tail.len());
        let (file, tail) = tail.split_at(k);
        parts.push(file);
        rest = tail;
    }
    parts.push(rest);
    let files: Vec<NamedFile> = parts.iter().zip(names).map(|(bytes, name)| NamedFile { name, bytes }).collect();
    let Ok(pair) = datasets::from_files(&files) else { return };
    for set in [&pair.train, &pair.test] {
        assert!(set.len() >= 1 && set.len() <= MAX_IMAGES);
        assert_eq!((set.rows(), set.cols()), (SIDE, SIDE));
        assert_eq!(set.images().len(), set.len() * SIDE * SIDE);
        assert_eq!(set.labels().len(), set.len());
    }
    assert_eq!(pair.split, n == 2);
});
