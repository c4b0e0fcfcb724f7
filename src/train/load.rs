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
        t.take_weights(weights)?;
        Ok(t)
    }

    /// `with_weights` on a training and a held-out set (as `with_test`).
    pub fn with_weights_and_test(settings: Settings, train: Dataset, test: Dataset, weights: &Autoencoder) -> Result<Self> {
        let mut t = Trainer::with_test(settings, train, test)?;
        t.take_weights(weights)?;
        Ok(t)
    }

    /// Copy every parameter of `weights` into the model (shapes checked first, layer by layer).
    fn take_weights(&mut self, weights: &Autoencoder) -> Result<()> {
        let m = &mut self.model;
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
        Ok(())
    }
}
