//! Starting a trainer from saved weights (a file, the site's pretrained models, the page's kept
//! model) instead of the seed's initialisation: the one way the façade's `fromWeights` builds.

use super::{Settings, Trainer};
use crate::autoencoder::Autoencoder;
use crate::data::Dataset;
use crate::error::{Error, Result};

impl Trainer {
    /// A trainer for `settings` on `data` whose model starts from the parameters of `weights`
    /// (e.g. `weights::from_bytes(..).model`) instead of the seed's initialisation: a fresh
    /// optimiser, epoch 0, the seed's data order and noise. Every layer of `weights` must have
    /// the shape `settings` give; otherwise nothing is built and the error names the layer.
    pub fn with_weights(settings: Settings, data: Dataset, weights: &Autoencoder) -> Result<Self> {
        let mut t = Trainer::new(settings, data)?;
        let m = &mut t.model;
        if (m.enc.len(), m.dec.len()) != (weights.enc.len(), weights.dec.len()) {
            return Err(Error::Shape(format!(
                "the weights have {} encoder and {} decoder layers but the settings give {} and {}",
                weights.enc.len(), weights.dec.len(), m.enc.len(), m.dec.len()
            )));
        }
        let dst = m.enc.iter_mut().chain(m.dec.iter_mut());
        let src = weights.enc.iter().chain(weights.dec.iter());
        for (i, (d, s)) in dst.zip(src).enumerate() {
            if d.w.dim() != s.w.dim() || d.b.len() != s.b.len() {
                return Err(Error::Shape(format!("layer {i} of the weights is {:?} but the settings give {:?}", s.w.dim(), d.w.dim())));
            }
            d.w.assign(&s.w);
            d.b.assign(&s.b);
        }
        m.sync_tied();
        Ok(t)
    }
}
