//! What the page reads from a trainer between steps: its settings, data and model, clean and
//! corrupted inputs, and the model run on rows of the caller's (these allocate their results;
//! `step` never calls them).

use super::{Settings, Trainer};
use crate::autoencoder::Autoencoder;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::rng::Rng;
use ndarray::ArrayView2;

impl Trainer {
    /// The settings this trainer was made with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The training set (what `step` learns from and `evaluate` scores).
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The model (read-only).
    pub fn model(&self) -> &Autoencoder {
        &self.model
    }

    /// The model, for analyses that run it on their own inputs (inpainting, probes). They may
    /// overwrite its activation buffers, never its parameters.
    pub fn model_mut(&mut self) -> &mut Autoencoder {
        self.moved_params(); // as far as a data-parallel leader knows (`params_stamp`)
        &mut self.model
    }

    /// Largest batch the model's buffers hold (`forward` takes at most this many rows).
    pub fn max_batch(&self) -> usize {
        self.xb.nrows()
    }

    /// Value range of the model's data: (-1, 1) or (0, 1).
    pub fn range(&self) -> (f32, f32) {
        self.scaling.range()
    }

    /// Clean scaled images `idx` of the held-out set (`test_data`, see train/heldout.rs):
    /// `[k, n]` flattened.
    pub fn inputs(&self, idx: &[u32]) -> Result<Vec<f32>> {
        super::heldout::rows_of(self.test_data(), idx, self.scaling)
    }

    /// The fixed display corruption of image i (the same every call: seeded by settings.seed and
    /// i), as (corrupted, mask), each `[k, n]` flattened. Uses the settings' corruption even for
    /// the standard AE, so its outputs on corrupted digits can be compared.
    pub fn display_corruption(&self, idx: &[u32]) -> Result<(Vec<f32>, Vec<f32>)> {
        self.display_corruption_as(idx, idx)
    }

    /// `display_corruption` of images `idx`, each seeded as the held-out image `rows[k]` instead
    /// of its own index: a trainer on a few copied digits (the page's preview, see
    /// www/worker-preview.js) gives them the masks a trainer on the whole set gives them.
    pub fn display_corruption_as(&self, idx: &[u32], rows: &[u32]) -> Result<(Vec<f32>, Vec<f32>)> {
        if rows.len() != idx.len() {
            return Err(Error::Shape(format!("{} seed rows for {} images", rows.len(), idx.len())));
        }
        let x = self.inputs(idx)?;
        let n = self.data.dim();
        let c = self.settings.corruption_kind()?;
        let (lo, hi) = self.scaling.range();
        let (mut xc, mut mask) = (vec![0f32; x.len()], vec![0f32; x.len()]);
        for (k, &i) in rows.iter().enumerate() {
            let mut rng = Rng::new(self.settings.seed ^ (0xD15B_1A70_0000 + i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let r = k * n..(k + 1) * n;
            c.apply(&x[r.clone()], self.data.rows(), self.data.cols(), lo, hi, &mut rng, &mut xc[r.clone()], &mut mask[r]);
        }
        Ok((xc, mask))
    }

    /// D(E(x)) for rows `x` (`[k, n]` flattened), in chunks of the batch buffers.
    pub fn reconstruct_rows(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        self.map_rows(x, self.data.dim(), |model, m| model.output(m).iter().copied().collect())
    }

    /// E(x) for rows `x` (`[k, n]` flattened): codes `[k, d]` flattened.
    pub fn encode_rows(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        self.map_rows(x, self.data.dim(), |model, m| model.code(m).iter().copied().collect())
    }

    /// D(h) for codes `h` (`[k, d]` flattened): images `[k, n]` flattened.
    pub fn decode_rows(&mut self, h: &[f32]) -> Result<Vec<f32>> {
        let d = self.settings.d;
        if h.len() % d != 0 {
            return Err(Error::Shape(format!("codes must be a multiple of d = {d} values, got {}", h.len())));
        }
        let mut out = Vec::with_capacity(h.len() / d * self.data.dim());
        for chunk in h.chunks(d * self.xb.nrows()) {
            let v = ArrayView2::from_shape((chunk.len() / d, d), chunk).map_err(|e| Error::Shape(e.to_string()))?;
            self.model.decode(v);
            out.extend(self.model.output(v.nrows()).iter());
        }
        Ok(out)
    }

    /// Runs the model on rows of width `w` and collects `f(model, m)` per chunk.
    fn map_rows(&mut self, x: &[f32], w: usize, f: impl Fn(&Autoencoder, usize) -> Vec<f32>) -> Result<Vec<f32>> {
        if x.len() % w != 0 {
            return Err(Error::Shape(format!("inputs must be a multiple of {w} values, got {}", x.len())));
        }
        let mut out = vec![];
        for chunk in x.chunks(w * self.xb.nrows()) {
            let v = ArrayView2::from_shape((chunk.len() / w, w), chunk).map_err(|e| Error::Shape(e.to_string()))?;
            self.model.forward(v);
            out.extend(f(&self.model, v.nrows()));
        }
        Ok(out)
    }

    /// Rows of the first encoder weight W_h: `[d, n]` flattened (the lecture's kernels).
    pub fn kernels(&self) -> Vec<f32> {
        self.kernel_rows().into_owned()
    }

    /// The same rows of W_h borrowed, `[d, n]` row-major (a copy only if they were not contiguous).
    pub fn kernel_rows(&self) -> std::borrow::Cow<'_, [f32]> {
        let k = self.model.kernels();
        match k.to_slice() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(k.iter().copied().collect()),
        }
    }
}
