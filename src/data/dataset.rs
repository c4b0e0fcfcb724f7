//! `Dataset`: the images as bytes `[n, rows*cols]` and their labels `[n]`, parsed once from IDX
//! files, then read by index: one image, or a scaled f32 batch written into a caller's buffer.

use crate::error::{Error, Result};

use super::idx::{self, MAX_BYTES, MAX_IMAGE_PIXELS, MAX_SIDE};
use super::Scaling;
use std::sync::Arc;

/// The images file of the default data set: 10,000 MNIST digits (see `data/README.md`).
#[cfg(not(target_arch = "wasm32"))]
const DEFAULT_IMAGES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/mnist10k-images-idx3-ubyte.gz"
));
/// The labels file matching [`DEFAULT_IMAGES`].
#[cfg(not(target_arch = "wasm32"))]
const DEFAULT_LABELS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/mnist10k-labels-idx1-ubyte.gz"
));

/// The side of MNIST's (and Fashion-MNIST's) square images, the only size the page handles.
pub const MNIST_SIDE: usize = 28;

/// `n` grey-level images of `rows x cols` bytes (0 = background, 255 = ink), row-major, with one
/// label per image. Immutable once built; at least one image. A clone shares the images: every
/// trainer holds its data set (`Trainer.on` clones the page's), and copying the images was
/// most of the time a new trainer took to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// `[n, rows*cols]`, row-major.
    images: Arc<Vec<u8>>,
    /// `[n]`; all zeros when the data came without labels (see `has_labels`).
    labels: Vec<u8>,
    has_labels: bool,
    n: usize,
    rows: usize,
    cols: usize,
}

impl Dataset {
    /// Parses an IDX images file and, optionally, its IDX labels file; each raw or gzip'd.
    /// Without labels every label is 0 and [`has_labels`](Self::has_labels) is false.
    /// Errors (`Error::Data`) if either file is malformed or their counts differ.
    pub fn from_idx(images: &[u8], labels: Option<&[u8]>) -> Result<Dataset> {
        Self::with_labels(idx::parse_images(images)?, labels)
    }

    /// [`from_idx`](Self::from_idx) of an images file the caller gives up: a raw file's pixels
    /// become the data set's without a copy.
    pub fn from_idx_owned(images: Vec<u8>, labels: Option<&[u8]>) -> Result<Dataset> {
        Self::with_labels(idx::parse_images_owned(images)?, labels)
    }

    /// Parsed images `(n, rows, cols, pixels)` with their labels file, whose count must be n.
    fn with_labels((n, rows, cols, pixels): (usize, usize, usize, Vec<u8>), labels: Option<&[u8]>) -> Result<Dataset> {
        let labels = match labels {
            Some(bytes) => {
                let labels = idx::parse_labels(bytes)?;
                if labels.len() != n {
                    return Err(Error::Data(format!(
                        "the images file holds {n} images but the labels file holds {} labels",
                        labels.len()
                    )));
                }
                Some(labels)
            }
            None => None,
        };
        Ok(Self::build(pixels, labels, n, rows, cols))
    }

    /// [`from_idx`](Self::from_idx), then [`require_28x28`](Self::require_28x28): what the page
    /// and its labs accept (their drawings, corruptions and probes are all 28×28).
    pub fn from_idx_mnist(images: &[u8], labels: Option<&[u8]>) -> Result<Dataset> {
        let data = Self::from_idx(images, labels)?;
        data.require_28x28()?;
        Ok(data)
    }

    /// `Ok` for MNIST-sized images, [`MNIST_SIDE`]²; otherwise an `Error::Data` such as "images are
    /// 32×32 pixels; the playground needs MNIST's 28×28".
    pub fn require_28x28(&self) -> Result<()> {
        if self.rows == MNIST_SIDE && self.cols == MNIST_SIDE {
            return Ok(());
        }
        Err(Error::Data(format!(
            "images are {}×{} pixels; the playground needs MNIST's {MNIST_SIDE}×{MNIST_SIDE}",
            self.rows, self.cols
        )))
    }

    /// Wraps bytes already in memory: `images` is `[n, rows*cols]` row-major, `labels` is `[n]`,
    /// or empty for "no labels" (all 0, `has_labels()` false). Errors (`Error::Data`) on zero or
    /// over-limit sizes (as for IDX files), a length that is not a whole number of images, or a
    /// label count that differs from `n`.
    pub fn from_raw(images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<Dataset> {
        if rows == 0 || cols == 0 || rows > MAX_SIDE || cols > MAX_SIDE || rows * cols > MAX_IMAGE_PIXELS {
            return Err(Error::Data(format!(
                "images of {rows}x{cols} pixels: each side must be 1 to {MAX_SIDE}, at most {MAX_IMAGE_PIXELS} pixels in all"
            )));
        }
        let dim = rows * cols;
        if images.is_empty() || !images.len().is_multiple_of(dim) || images.len() > MAX_BYTES {
            return Err(Error::Data(format!(
                "{} image bytes is not a whole, nonzero number of {rows}x{cols} images (at most {} MiB)",
                images.len(),
                MAX_BYTES >> 20
            )));
        }
        let n = images.len() / dim;
        let labels = if labels.is_empty() {
            None
        } else if labels.len() == n {
            Some(labels)
        } else {
            return Err(Error::Data(format!(
                "{n} images but {} labels",
                labels.len()
            )));
        };
        Ok(Self::build(images, labels, n, rows, cols))
    }

    /// The project's default data: the 10,000 MNIST digits committed in `data/`, compiled into
    /// native builds (the page fetches the same files and uses [`from_idx`](Self::from_idx)).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn default_mnist() -> Result<Dataset> {
        Self::from_idx(DEFAULT_IMAGES, Some(DEFAULT_LABELS))
    }

    fn build(
        images: Vec<u8>,
        labels: Option<Vec<u8>>,
        n: usize,
        rows: usize,
        cols: usize,
    ) -> Dataset {
        let has_labels = labels.is_some();
        let labels = labels.unwrap_or_else(|| vec![0; n]);
        Dataset {
            images: Arc::new(images),
            labels,
            has_labels,
            n,
            rows,
            cols,
        }
    }

    /// The pixels and labels themselves, when no clone shares the pixels (else the data set back).
    pub(super) fn into_parts(self) -> std::result::Result<(Vec<u8>, Vec<u8>), Dataset> {
        match Arc::try_unwrap(self.images) {
            Ok(images) => Ok((images, self.labels)),
            Err(images) => Err(Dataset { images, ..self }),
        }
    }

    /// Number of images `n` (at least 1).
    pub fn len(&self) -> usize {
        self.n
    }

    /// Always false: a data set holds at least one image. (For clippy's `len_without_is_empty`.)
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Values per image, `rows * cols` (784 for MNIST).
    pub fn dim(&self) -> usize {
        self.rows * self.cols
    }

    /// Image height in pixels (28 for MNIST).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Image width in pixels (28 for MNIST).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Whether real labels came with the images (false: every label is 0).
    pub fn has_labels(&self) -> bool {
        self.has_labels
    }

    /// Image `i` as `[rows*cols]` bytes, row-major. Panics if `i >= len()`.
    pub fn image(&self, i: usize) -> &[u8] {
        let dim = self.dim();
        &self.images[i * dim..(i + 1) * dim]
    }

    /// Label of image `i` (0..9 for MNIST). Panics if `i >= len()`.
    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// All images, `[n, rows*cols]` row-major.
    pub fn images(&self) -> &[u8] {
        &self.images
    }

    /// All labels, `[n]`.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// `Ok` if every index is below `len()`; otherwise `Error::Shape` naming the first bad one.
    /// For callers with untrusted indices (the façade) before [`fill_rows`](Self::fill_rows).
    pub fn check_indices(&self, indices: &[u32]) -> Result<()> {
        match indices.iter().find(|&&i| i as usize >= self.n) {
            Some(i) => Err(Error::Shape(format!(
                "image index {i} out of range: the data set has {} images",
                self.n
            ))),
            None => Ok(()),
        }
    }

    /// Writes image `indices[k]`, scaled, into row `k` of `out` (`[indices.len(), dim]`
    /// row-major). Allocates nothing: made for the training loop's preallocated batch buffer.
    /// Panics if `out.len() != indices.len() * dim()` or an index is `>= len()` (see
    /// [`check_indices`](Self::check_indices)).
    pub fn fill_rows(&self, indices: &[u32], scaling: Scaling, out: &mut [f32]) {
        let dim = self.dim();
        assert_eq!(
            out.len(),
            indices.len() * dim,
            "fill_rows: out must be [indices.len(), dim]"
        );
        // `apply` itself rather than a 256-entry table: the conversion and its division vectorise
        // (8 lanes with AVX2, `gemm::wide`: no FMA, so the same bits), a per-pixel table lookup
        // does not. Either way the batch's randomly chosen images are what it waits on: 8–9 % of
        // a native d = 30 step. One loop per scaling, chosen outside it.
        crate::gemm::wide(#[inline(always)] || {
            for (row, &i) in out.chunks_exact_mut(dim).zip(indices) {
                let img = self.image(i as usize);
                match scaling {
                    Scaling::MinusOneToOne => row.iter_mut().zip(img).for_each(|(x, &b)| *x = Scaling::MinusOneToOne.apply(b)),
                    Scaling::ZeroToOne => row.iter_mut().zip(img).for_each(|(x, &b)| *x = Scaling::ZeroToOne.apply(b)),
                }
            }
        })
    }
}
