//! Out-of-distribution scoring, the anomaly lab's natural test: the model's reconstruction error
//! e(x) = ‖x − D(E(x))‖²/n on its own held-out images and on another data set's (a digit
//! autoencoder scoring clothes, or a clothes one scoring digits), and the ROC AUC between them.

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::labs::images::row_mse;
use super::roc_auc;
use crate::train::Trainer;

/// The two populations and how well their errors separate them.
pub struct Versus {
    /// e(x) of the first `count` held-out images of the model's own data `[count]`.
    pub own: Vec<f32>,
    /// e(x) of the first `count` images of `other` `[count]`.
    pub other: Vec<f32>,
    /// The first `examples` images of `other`, scaled as the model sees them `[e, n]`.
    pub examples: Vec<f32>,
    /// P(e(other) > e(own)), ties counted half.
    pub auc: f64,
}

/// Scores `count` (1..=5000, at most either set's size) images of each population.
pub fn versus(t: &mut Trainer, other: &Dataset, count: usize, examples: usize) -> Result<Versus> {
    let n = t.data().dim();
    if other.dim() != n {
        return Err(Error::Shape(format!("the other data set has {} pixels per image, the model takes {n}", other.dim())));
    }
    let count = count.min(t.test_data().len()).min(other.len());
    if count == 0 || count > 5000 {
        return Err(Error::Config(format!("1..=5000 images per population, got {count}")));
    }
    let idx: Vec<u32> = (0..count as u32).collect();
    let x_own = t.inputs(&idx)?;
    let scaling = t.settings().scaling();
    let mut x_other = vec![0f32; count * n];
    other.fill_rows(&idx, scaling, &mut x_other);
    let own = row_mse(&x_own, &t.reconstruct_rows(&x_own)?, n)?;
    let other_e = row_mse(&x_other, &t.reconstruct_rows(&x_other)?, n)?;
    let auc = roc_auc(&own, &other_e)?;
    x_other.truncate(examples.min(count) * n);
    Ok(Versus { own, other: other_e, examples: x_other, auc })
}
