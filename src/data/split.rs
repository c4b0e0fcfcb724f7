//! The held-out split: the data set cut once, deterministically and class-balanced, into a
//! training set and a held-out test set, for scoring a model on digits it never saw.
//!
//! The rule: list the images by (label, index) — all the 0s in file order, then the 1s, … — and
//! hold out every tenth entry of that list, starting with the first. Each class gives up a tenth
//! of its images (⌊c/10⌋ or ⌈c/10⌉ of its c), and 10,000 images split exactly 9,000 / 1,000.
//! It depends only on the labels, so the page and the CLI agree without storing any list.

use super::Dataset;
use crate::error::{Error, Result};

/// One held-out image for every `HOLDOUT_EVERY` in each class.
pub const HOLDOUT_EVERY: usize = 10;

/// `(train, test)` row indices for `labels`, each in increasing order; disjoint, together every
/// row. Row `i` is held out when its place in the (label, index) order is a multiple of 10.
pub fn holdout_indices(labels: &[u8]) -> (Vec<u32>, Vec<u32>) {
    let mut order: Vec<u32> = (0..labels.len() as u32).collect();
    order.sort_by_key(|&i| (labels[i as usize], i));
    let mut held = vec![false; labels.len()];
    for &i in order.iter().step_by(HOLDOUT_EVERY) {
        held[i as usize] = true;
    }
    let (mut train, mut test) = (vec![], vec![]);
    for (i, &h) in held.iter().enumerate() {
        if h { test.push(i as u32) } else { train.push(i as u32) }
    }
    (train, test)
}

impl Dataset {
    /// The images at `rows` (with their labels) as a new data set, in that order.
    pub fn subset(&self, rows: &[u32]) -> Result<Dataset> {
        self.check_indices(rows)?;
        let mut images = Vec::with_capacity(rows.len() * self.dim());
        for &i in rows {
            images.extend_from_slice(self.image(i as usize));
        }
        let labels = if self.has_labels() { rows.iter().map(|&i| self.label(i as usize)).collect() } else { vec![] };
        Dataset::from_raw(images, labels, self.rows(), self.cols())
    }

    /// `(train, test)`: the held-out split of this data set (see the module's rule). Errors
    /// without labels (the split is class-balanced) or with fewer than 10 images.
    pub fn split_holdout(&self) -> Result<(Dataset, Dataset)> {
        if !self.has_labels() {
            return Err(Error::Data("the held-out split is class-balanced, so it needs the labels file".into()));
        }
        if self.len() < HOLDOUT_EVERY {
            return Err(Error::Data(format!("{} images are too few to hold out one in {HOLDOUT_EVERY}", self.len())));
        }
        let (train, test) = holdout_indices(self.labels());
        Ok((self.subset(&train)?, self.subset(&test)?))
    }

    /// `split_holdout` of a data set the caller gives up: the held-out images are copied out and
    /// the training images moved down within the same buffer (their indices only grow), so the
    /// training set needs no second copy of the pixels. The same two sets, bit for bit.
    pub fn into_holdout(self) -> Result<(Dataset, Dataset)> {
        if !self.has_labels() || self.len() < HOLDOUT_EVERY {
            return self.split_holdout(); // its refusals
        }
        let (train, test) = holdout_indices(self.labels());
        let held = self.subset(&test)?;
        let (rows, cols, dim) = (self.rows(), self.cols(), self.dim());
        let (mut images, mut labels) = match self.into_parts() {
            Ok(parts) => parts,
            Err(shared) => return Ok((shared.subset(&train)?, held)), // the pixels are shared: copy
        };
        for (k, &i) in train.iter().enumerate() {
            let i = i as usize;
            // k ≤ i: every row moves down (or stays), onto a row already moved or held out.
            images.copy_within(i * dim..(i + 1) * dim, k * dim);
            labels[k] = labels[i];
        }
        images.truncate(train.len() * dim);
        labels.truncate(train.len());
        Ok((Dataset::from_raw(images, labels, rows, cols)?, held))
    }
}
