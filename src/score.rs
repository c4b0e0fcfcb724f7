//! Scoring a model on any images, outside a `Trainer`: a loaded weights file, or a model on a
//! held-out set it never trained on. The same numbers as `Trainer::evaluate` — `nn.MSELoss()`
//! of D(E(x)) vs x, clean and with the fixed evaluation dropout mask — over a chosen list of rows.

use crate::autoencoder::Autoencoder;
use crate::corruption::Corruption;
use crate::data::{Dataset, Scaling};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::train::{EvalStats, EVAL_MASK_P, EVAL_MASK_SEED};
use ndarray::{s, Array2};

/// MSE of `model` over the images `rows` of `data` (in that order), scaled by `scaling`: clean,
/// and with the dropout mask `Trainer::evaluate` uses (seed `EVAL_MASK_SEED`, p = 0.5, drawn
/// element by element in row order, so the same rows give the same mask as there). Works in
/// chunks of `model.max_batch()` rows; allocates two `[max_batch, n]` buffers.
pub fn score(model: &mut Autoencoder, data: &Dataset, rows: &[u32], scaling: Scaling) -> Result<EvalStats> {
    let n = data.dim();
    if n != model.config.input {
        return Err(Error::Shape(format!("the model takes {} pixels per image but the data has {n}", model.config.input)));
    }
    if rows.is_empty() {
        return Err(Error::Data("no images to score".into()));
    }
    data.check_indices(rows)?;
    let b = model.max_batch();
    let (mut x, mut xc) = (Array2::<f32>::zeros((b, n)), Array2::<f32>::zeros((b, n)));
    let mut mask = vec![0f32; b * n];
    let mut mask_rng = Rng::new(EVAL_MASK_SEED);
    let dropout = Corruption::Dropout { p: EVAL_MASK_P };
    let (lo, hi) = scaling.range();
    let (mut clean, mut noisy) = (0f64, 0f64);
    for chunk in rows.chunks(b) {
        let m = chunk.len();
        data.fill_rows(chunk, scaling, &mut x.as_slice_mut().unwrap()[..m * n]);
        let xb = x.slice(s![..m, ..]);
        model.forward(xb);
        clean += model.sse(xb);
        let xs = &mut xc.as_slice_mut().unwrap()[..m * n];
        dropout.apply(xb.as_slice().unwrap(), data.rows(), data.cols(), lo, hi, &mut mask_rng, xs, &mut mask[..m * n]);
        model.forward(xc.slice(s![..m, ..]));
        noisy += model.sse(xb);
    }
    let total = (rows.len() * n) as f64;
    Ok(EvalStats { mse_clean: (clean / total) as f32, mse_noisy: (noisy / total) as f32 })
}

/// `0, 1, …, n-1`: every row of a data set.
pub fn all_rows(n: usize) -> Vec<u32> {
    (0..n as u32).collect()
}
