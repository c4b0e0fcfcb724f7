//! The page's data: a training set and its held-out test set, built once from the bytes of IDX
//! files (the built-in MNIST or Fashion-MNIST pair, or the files a user loads) and shared by
//! every model the page trains on them.
//!
//! Files are told apart by their headers (images `0x00000803`, labels `0x00000801`, read from the
//! first bytes, gzip or raw) and, for four files, their names: a name with `t10k` or `test` is
//! the test set (MNIST's own names); otherwise the smaller set is. Two files (one pair) are cut
//! by the class-balanced held-out split of `data::split` (9,000 / 1,000 for 10,000 images).
//! Sizes are checked from the headers before anything is inflated.

use std::io::Read;

use flate2::bufread::MultiGzDecoder;

use crate::data::Dataset;
use crate::error::{Error, Result};

/// The one image size the page's models and labs take (MNIST's).
pub const SIDE: usize = 28;
/// Most images one set may hold: MNIST's 60,000 training digits with room to spare (78 MB).
pub const MAX_IMAGES: usize = 100_000;

/// Which IDX file a header says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Images,
    Labels,
}

/// What the first 16 bytes of a file say: its kind, item count, and image size (labels: 1×1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: FileKind,
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
}

/// Reads the header of `bytes` (raw or gzip) without inflating the body. `name` is only for
/// the message: "digits.png is not an MNIST-format IDX file (…)".
pub fn sniff(name: &str, bytes: &[u8]) -> Result<Sniffed> {
    let not_idx = |why: String| {
        Error::Data(format!(
            "{name} is not an MNIST-format IDX file ({why}); choose files like train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz"
        ))
    };
    let mut head = [0u8; 16];
    let got = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut dec = MultiGzDecoder::new(bytes).take(16);
        let mut n = 0;
        loop {
            match dec.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => return Err(not_idx(format!("its gzip stream is corrupt or truncated: {e}"))),
            }
        }
        n
    } else {
        let n = bytes.len().min(16);
        head[..n].copy_from_slice(&bytes[..n]);
        n
    };
    let be = |i: usize| u32::from_be_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]) as usize;
    if got < 8 {
        return Err(not_idx(format!("it holds only {got} bytes, shorter than an IDX header")));
    }
    match be(0) {
        0x0803 if got >= 16 => Ok(Sniffed { kind: FileKind::Images, count: be(4), rows: be(8), cols: be(12) }),
        0x0803 => Err(not_idx(format!("its images header is truncated at {got} bytes of 16"))),
        0x0801 => Ok(Sniffed { kind: FileKind::Labels, count: be(4), rows: 1, cols: 1 }),
        m => Err(not_idx(format!("its first four bytes are 0x{m:08x}, not 0x00000803 (images) or 0x00000801 (labels)"))),
    }
}

/// A training set and its held-out test set.
#[derive(Clone, Debug)]
pub struct DataPair {
    pub train: Dataset,
    pub test: Dataset,
    /// True when the test set was cut from the one pair given (the held-out split).
    pub split: bool,
}

/// One named file's bytes.
pub struct NamedFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// One named file whose bytes the parse may keep: a raw images file's pixels become the data
/// set's in place (`Dataset::from_idx_owned`), with no copy.
pub struct OwnedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// [`from_owned`] of copies of `files`.
pub fn from_files(files: &[NamedFile]) -> Result<DataPair> {
    from_owned(files.iter().map(|f| OwnedFile { name: f.name.to_string(), bytes: f.bytes.to_vec() }).collect())
}

/// Builds the page's data from 2 files (images + labels, split 9:1) or 4 (training and test
/// pairs), in any order. Every refusal is a sentence naming the file at fault. The files are given
/// up: raw images are parsed within their own buffer and a pair's training rows moved down in
/// it (`Dataset::into_holdout`), so 60,000 uploaded digits (47 MB) need no second 47 MB, nor a
/// third for the split — wasm memory, once grown, is the worker's for good.
pub fn from_owned(files: Vec<OwnedFile>) -> Result<DataPair> {
    if files.len() != 2 && files.len() != 4 {
        return Err(Error::Data(format!(
            "choose 2 files (images and labels) or 4 (training and test images and labels); got {}",
            files.len()
        )));
    }
    let total = files.len();
    let mut images = vec![];
    let mut labels = vec![];
    for f in files {
        let s = sniff_checked(&f.name, &f.bytes)?;
        match s.kind {
            FileKind::Images => images.push((f, s)),
            FileKind::Labels => labels.push((f, s)),
        }
    }
    let half = total / 2;
    if images.len() != half {
        return Err(Error::Data(format!(
            "{} of the {total} files are images files and {} are labels files; each images file needs its labels file",
            images.len(),
            labels.len()
        )));
    }
    // Training first: by name (t10k / test), else the larger count.
    let order = |v: &mut Vec<(OwnedFile, Sniffed)>| v.sort_by_key(|(f, s)| (is_test_name(&f.name), std::cmp::Reverse(s.count)));
    order(&mut images);
    order(&mut labels);
    let mut pairs = images.into_iter().map(|(f, _)| f).zip(labels.iter().map(|(f, _)| f));
    let (train_images, train_labels) = pairs.next().expect("half ≥ 1");
    let train = load(train_images, train_labels)?;
    match pairs.next() {
        None => {
            let (train, test) = train.into_holdout()?;
            Ok(DataPair { train, test, split: true })
        }
        Some((test_images, test_labels)) => Ok(DataPair { train, test: load(test_images, test_labels)?, split: false }),
    }
}

/// `sniff`, and the sizes the page takes: 28×28 images, 1 to MAX_IMAGES items.
fn sniff_checked(name: &str, bytes: &[u8]) -> Result<Sniffed> {
    let s = sniff(name, bytes)?;
    if s.kind == FileKind::Images && (s.rows, s.cols) != (SIDE, SIDE) {
        return Err(Error::Data(format!(
            "{name} holds images of {}×{} pixels; the page's models take {SIDE}×{SIDE} (MNIST's size)",
            s.rows, s.cols
        )));
    }
    if s.count == 0 || s.count > MAX_IMAGES {
        return Err(Error::Data(format!("{name} declares {} items; a set may hold 1 to {MAX_IMAGES}", s.count)));
    }
    Ok(s)
}

/// MNIST names its test files `t10k-…`; other sets say `test`.
fn is_test_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("t10k") || n.contains("test")
}

/// One images file with its labels file; the message names both files when they disagree.
fn load(images: OwnedFile, labels: &OwnedFile) -> Result<Dataset> {
    let name = images.name;
    Dataset::from_idx_owned(images.bytes, Some(&labels.bytes)).map_err(|e| Error::Data(format!("{name} + {}: {e}", labels.name)))
}

/// A built-in pair (MNIST's or Fashion-MNIST's 10,000 images), cut by the held-out split.
pub fn builtin(images: &[u8], labels: &[u8]) -> Result<DataPair> {
    from_files(&[NamedFile { name: "images", bytes: images }, NamedFile { name: "labels", bytes: labels }])
}

/// `builtin` with the images bytes given up ([`from_owned`]): only the held-out tenth is copied.
/// On a page's first model the fresh memory was what cost (~1 ms per MB first touched in wasm).
pub fn builtin_owned(images: Vec<u8>, labels: &[u8]) -> Result<DataPair> {
    from_owned(vec![
        OwnedFile { name: "images".into(), bytes: images },
        OwnedFile { name: "labels".into(), bytes: labels.to_vec() },
    ])
}
