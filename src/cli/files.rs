//! Reading the data files the CLI is given, each checked before it is read whole: its IDX header
//! (magic, 28×28 images, declared size) and its size on disk against the parser's limits, so a
//! 3 GB file or `/dev/zero` is refused at once. Each problem is reported under the path and
//! option of the file it is about. Then the data sets a command trains and scores on.

use super::opts::{DataOpts, EvalOn};
use super::CliResult;
use autoencoder_playground::data::idx::{self, MAX_BYTES, MAX_ITEMS};
use autoencoder_playground::data::Dataset;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

/// The images every model here takes: 28×28 MNIST digits.
const SIDE: usize = 28;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Images,
    Labels,
}

/// Reads an IDX file (raw or gzip) after checking its header and size; returns its bytes for
/// the parser. Errors start with "`flag` `path`:".
fn read_checked(flag: &str, path: &str, kind: Kind) -> CliResult<Vec<u8>> {
    let at = |m: String| format!("{flag} {path}: {m}");
    let file = File::open(path).map_err(|e| at(e.to_string()))?;
    let meta = file.metadata().map_err(|e| at(e.to_string()))?;
    if meta.is_dir() {
        return Err(at("is a directory, not an IDX file".into()));
    }
    let on_disk = meta.len();
    let mut r = BufReader::new(file);
    let gz = r.fill_buf().map_err(|e| at(e.to_string()))?.starts_with(&[0x1f, 0x8b]);
    let hlen = if kind == Kind::Images { 16 } else { 8 };
    let mut head = vec![0u8; hlen];
    let got = if gz { read_up_to(&mut MultiGzDecoder::new(&mut r), &mut head) } else { read_up_to(&mut r, &mut head) };
    let got = got.map_err(|e| at(format!("cannot read its header ({e})")))?;
    if got < hlen {
        return Err(at(format!("only {got} bytes; an IDX {} header is {hlen} bytes", if kind == Kind::Images { "images" } else { "labels" })));
    }
    let u32_at = |i: usize| u32::from_be_bytes(head[i..i + 4].try_into().unwrap()) as usize;
    let (magic, what) = if kind == Kind::Images { (0x0803, "images") } else { (0x0801, "labels") };
    if u32_at(0) != magic {
        return Err(at(format!("not an IDX {what} file: it starts with {:02x} {:02x} {:02x} {:02x}, expected 00 00 08 {:02x}", head[0], head[1], head[2], head[3], magic & 0xff)));
    }
    let n = u32_at(4);
    let (rows, cols) = if kind == Kind::Images { (u32_at(8), u32_at(12)) } else { (1, 1) };
    if kind == Kind::Images && (rows, cols) != (SIDE, SIDE) {
        return Err(at(format!("images of {rows}×{cols} pixels; the autoencoders here take {SIDE}×{SIDE} MNIST digits")));
    }
    if n == 0 || n > MAX_ITEMS {
        return Err(at(format!("declares {n} {what}; expected 1 to {MAX_ITEMS}")));
    }
    let declared = hlen + n * rows * cols;
    if declared > MAX_BYTES {
        return Err(at(format!("declares {n} {what} ({declared} bytes), over the limit of {} MiB", MAX_BYTES >> 20)));
    }
    if meta.is_file() && !gz && on_disk != declared as u64 {
        return Err(at(format!("declares {n} {what} ({declared} bytes with the header) but the file holds {on_disk} bytes")));
    }
    if meta.is_file() && on_disk > MAX_BYTES as u64 {
        return Err(at(format!("{on_disk} bytes, over the limit of {} MiB", MAX_BYTES >> 20)));
    }
    // Whole file now, never more than the limit (a pipe or device has no size to check first);
    // the parser bounds the gzip inflation by the declared size.
    let mut bytes = vec![];
    File::open(path)
        .and_then(|f| f.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| at(e.to_string()))?;
    if bytes.len() > MAX_BYTES {
        return Err(at(format!("more than {} MiB", MAX_BYTES >> 20)));
    }
    Ok(bytes)
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..])? {
            0 => break,
            k => got += k,
        }
    }
    Ok(got)
}

/// Images (and labels, if given) as a data set; each file's problems under its own path.
fn load_pair(img_flag: &str, img: &str, lab_flag: &str, lab: Option<&str>) -> CliResult<Dataset> {
    let bytes = read_checked(img_flag, img, Kind::Images)?;
    let (n, rows, cols, pixels) = idx::parse_images(&bytes).map_err(|e| format!("{img_flag} {img}: {e}"))?;
    let labels = match lab {
        None => vec![],
        Some(l) => {
            let bytes = read_checked(lab_flag, l, Kind::Labels)?;
            let labels = idx::parse_labels(&bytes).map_err(|e| format!("{lab_flag} {l}: {e}"))?;
            if labels.len() != n {
                return Err(format!("{img_flag} {img} holds {n} images but {lab_flag} {l} holds {} labels", labels.len()));
            }
            labels
        }
    };
    Dataset::from_raw(pixels, labels, rows, cols).map_err(|e| format!("{img_flag} {img}: {e}"))
}

/// The committed 10,000 MNIST digits (compiled into native builds).
pub fn default_data() -> CliResult<Dataset> {
    #[cfg(not(target_arch = "wasm32"))]
    return Dataset::default_mnist().map_err(|e| e.to_string());
    #[cfg(target_arch = "wasm32")]
    return Err("this build has no default data: pass --data".into());
}

/// The data a command works on: every image given, the part to train on, the held-out part.
pub struct Sets {
    pub whole: Dataset,
    /// `whole` without the held-out rows (the built-in split), or `whole` when the held-out
    /// set is a file of its own or not needed.
    pub train: Dataset,
    pub test: Option<Dataset>,
    /// The data in words, for the provenance ("built-in 10,000 MNIST digits" or the path).
    pub name: String,
}

/// Loads the data of `o`. `split`: whether a held-out part is needed (cut from the data by the
/// class-balanced rule of `data::split` unless `--test-data` is given).
pub fn load(o: &DataOpts, split: bool) -> CliResult<Sets> {
    if o.labels.is_some() && o.data.is_none() {
        return Err("--labels needs --data (the built-in digits come with their labels)".into());
    }
    if o.test_labels.is_some() && o.test_data.is_none() {
        return Err("--test-labels needs --test-data".into());
    }
    if o.test_data.is_some() && !split {
        return Err("--test-data is scored only with --eval test or all".into());
    }
    let (whole, name) = match &o.data {
        None => (default_data()?, "built-in 10,000 MNIST digits".to_string()),
        Some(p) => (load_pair("--data", p, "--labels", o.labels.as_deref())?, p.clone()),
    };
    if o.data.is_some() && o.labels.is_none() {
        eprintln!("note: --data without --labels: training and scoring do not use labels, the held-out split does");
    }
    let (train, test) = match (&o.test_data, split) {
        (Some(t), _) => (whole.clone(), Some(load_pair("--test-data", t, "--test-labels", o.test_labels.as_deref())?)),
        (None, true) => {
            let (a, b) = whole.split_holdout().map_err(|e| format!("{e}: give --labels with --data, or --test-data"))?;
            (a, Some(b))
        }
        (None, false) => (whole.clone(), None),
    };
    Ok(Sets { whole, train, test, name })
}

/// Whether `eval` needs a held-out part.
pub fn needs_split(eval: EvalOn) -> bool {
    eval != EvalOn::Train
}
