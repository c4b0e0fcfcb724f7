//! The guard's checked step: the optimiser writes the new weights and moments beside the old ones
//! and they are swapped in only when all are finite (`checked_step`), or the same step in flat
//! ranges for the data-parallel leader (`begin_checked`, `checked_range`, `end_checked`).

use super::Guard;
use crate::autoencoder::Autoencoder;
use crate::optim::{Grad, Optimizer};
use std::ops::Range;

impl Guard {
    /// `checked_step` in pieces, for the data-parallel leader to step each range of the flat
    /// gradient as soon as it is in (train/shard/ranged.rs): `begin_checked`, `checked_range`
    /// over ranges that cover every parameter once, `end_checked`. The same bits and the same
    /// refusal as one `checked_step`: every range writes beside the old state, and nothing is
    /// swapped in before `end_checked`.
    pub fn begin_checked(&mut self, opt: &mut Optimizer) {
        opt.begin_step();
        self.ranged = (true, true);
    }

    /// The step of the flat scalars `r` (all within one parameter: None otherwise, nothing done)
    /// with their gradient `g` (`[r.len()]`): their new weights, not yet the model's.
    pub fn checked_range(&mut self, model: &mut Autoencoder, opt: &mut Optimizer, r: Range<usize>, g: Grad<'_>) -> Option<&[f32]> {
        let (mut at, mut found) = (0, None);
        let (spare, ranged) = (&mut self.spare, &mut self.ranged);
        model.for_each_param(|i, p, _| {
            if found.is_none() && at <= r.start && r.end <= at + p.len() {
                let sub = r.start - at..r.end - at;
                let (w, m) = opt.update_range_into(i, p.len(), sub.clone(), &p[sub.clone()], g, &mut spare[i][sub.clone()]);
                ranged.0 &= w;
                ranged.1 &= m;
                found = Some((i, sub));
            }
            at += p.len();
        });
        found.map(|(i, sub)| &self.spare[i][sub])
    }

    /// Ends a step begun by `begin_checked`: taken (None) when no range left a weight or a
    /// moment non-finite and the caller does not `refuse` it; else what, with nothing changed.
    pub fn end_checked(&mut self, model: &mut Autoencoder, opt: &mut Optimizer, refuse: Option<&'static str>) -> Option<&'static str> {
        let (weights_ok, moments_ok) = self.ranged;
        if refuse.is_none() && weights_ok && moments_ok {
            model.swap_params(&mut self.spare);
            opt.commit();
            return None;
        }
        opt.discard();
        Some(refuse.unwrap_or(if weights_ok { "optimiser's moments" } else { "weights" }))
    }

    /// The optimiser's step with the layers' gradients (`sum` None) or with a flat gradient
    /// (`sum`: every parameter in visit order, the data-parallel batch's sum, or that sum and the
    /// last replica's gradient added as they are read), taken only when it
    /// leaves every weight and moment finite: the new values are written beside the old ones
    /// (`Optimizer::update_into` into `spare`) and swapped in, so nothing is copied. None when
    /// taken; else what would have become non-finite, with nothing changed.
    pub fn checked_step(&mut self, model: &mut Autoencoder, opt: &mut Optimizer, sum: Option<Grad<'_>>) -> Option<&'static str> {
        self.begin_checked(opt);
        let mut at = 0;
        let (spare, ranged) = (&mut self.spare, &mut self.ranged);
        model.for_each_param(|i, p, g| {
            let g = sum.map_or(Grad::One(g), |s| s.slice(at..at + p.len()));
            at += p.len();
            let (w, m) = opt.update_into_from(i, p, g, &mut spare[i]);
            ranged.0 &= w;
            ranged.1 &= m;
        });
        self.end_checked(model, opt, None)
    }
}
