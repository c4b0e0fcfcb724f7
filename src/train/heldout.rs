//! The held-out set of a trainer: `with_test` gives it one, and every row query of the page
//! (`inputs`, `display_corruption`, the labs) then indexes it, while `step` and `evaluate` use
//! the training set. `evaluate_test` scores the held-out set the way `evaluate` scores training.

use super::{EvalStats, Settings, Trainer};
use crate::data::{Dataset, Scaling};
use crate::error::{Error, Result};

impl Trainer {
    /// A trainer that learns from `train` only and whose row queries index the held-out `test`
    /// (images of the same size, at least one).
    pub fn with_test(settings: Settings, train: Dataset, test: Dataset) -> Result<Self> {
        if test.is_empty() || (test.rows(), test.cols()) != (train.rows(), train.cols()) {
            return Err(Error::Data(format!(
                "the test set must hold images of the training set's {}×{} pixels; it has {} of {}×{}",
                train.rows(),
                train.cols(),
                test.len(),
                test.rows(),
                test.cols()
            )));
        }
        let mut t = Trainer::new(settings, train)?;
        t.test = Some(test);
        Ok(t)
    }

    /// The held-out set the analyses score on (the training set when built by `new`).
    pub fn test_data(&self) -> &Dataset {
        self.test.as_ref().unwrap_or(&self.data)
    }

    /// Clean scaled images `idx` of the training set: `[k, n]` flattened.
    pub fn train_inputs(&self, idx: &[u32]) -> Result<Vec<f32>> {
        rows_of(&self.data, idx, self.scaling)
    }

    /// `evaluate`'s MSEs over the held-out set (`score::score` over all its rows, in order).
    pub fn evaluate_test(&mut self) -> Result<EvalStats> {
        let test = self.test.as_ref().unwrap_or(&self.data);
        crate::score::score(&mut self.model, test, &crate::score::all_rows(test.len()), self.scaling)
    }
}

/// Images `idx` of `data`, scaled: `[k, n]` flattened.
pub(super) fn rows_of(data: &Dataset, idx: &[u32], scaling: Scaling) -> Result<Vec<f32>> {
    data.check_indices(idx)?;
    let mut out = vec![0f32; idx.len() * data.dim()];
    data.fill_rows(idx, scaling, &mut out);
    Ok(out)
}
