//! The guard's blow-up rule (`LossWatch`) and the warning it raises (`Warning`, which crosses
//! to JavaScript as its sentence).

use serde::{Serialize, Serializer};
use std::fmt;

/// Batches in the running mean the blow-up rule looks at.
pub const WATCH_WINDOW: usize = 10;
/// How far above the starting loss the running loss must climb to be flagged.
pub const WATCH_RATIO: f32 = 1.5;

/// The blow-up rule. The start is the loss of the first batch after the trainer was made (or
/// its learning rate changed): a loss measured before any update of that run, so a run that
/// blows up within its first batches still has an honest start. The rule fires when the mean of
/// the last `WATCH_WINDOW` batches is above both
/// * `WATCH_RATIO` × the start: from a random initialisation the loss only falls, and Adam's
///   early overshoot lasts a batch or two, which a 10-batch mean smooths out; and
/// * the loss of the best constant output (the mean image of the data, the floor): a model doing
///   worse than ignoring its input has learnt nothing (a "blank image" that is at least fair).
///
/// The floor is asked for only when the first condition holds (see `warning`): a pass over the
/// whole data set that a run which never climbs never pays (the Guard keeps it once computed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossWatch {
    start: Option<f32>,
    recent: [f32; WATCH_WINDOW],
    count: usize,
}

impl LossWatch {
    /// A watch with no history yet.
    pub fn new() -> Self {
        LossWatch { start: None, recent: [0.0; WATCH_WINDOW], count: 0 }
    }

    /// Forgets the history: the next batch is the new start (after a learning-rate change).
    pub fn restart(&mut self) {
        *self = LossWatch::new();
    }

    /// Records one batch's loss.
    pub fn record(&mut self, loss: f32) {
        self.start.get_or_insert(loss);
        self.recent[self.count % WATCH_WINDOW] = loss;
        self.count += 1;
    }

    /// The warning, when the rule fires (`lr`: the learning rate, for the message; `floor`: the
    /// loss of the best constant output, called only once the running loss is above
    /// WATCH_RATIO × the start).
    pub fn warning(&self, lr: f32, floor: impl FnOnce() -> f32) -> Option<Warning> {
        let start = self.start?;
        if self.count < WATCH_WINDOW {
            return None;
        }
        let now = self.recent.iter().map(|&v| v as f64).sum::<f64>() as f32 / WATCH_WINDOW as f32;
        if now <= WATCH_RATIO * start {
            return None;
        }
        let floor = floor();
        (now > floor).then_some(Warning { start, now, floor, lr })
    }
}

impl Default for LossWatch {
    fn default() -> Self {
        LossWatch::new()
    }
}

/// A loss that climbed well above where training started (see `LossWatch`). Crosses to
/// JavaScript as its sentence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Warning {
    /// Loss of the first batch.
    pub start: f32,
    /// Mean loss of the last `WATCH_WINDOW` batches.
    pub now: f32,
    /// Loss of the best constant output (the mean image).
    pub floor: f32,
    pub lr: f32,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the loss rose from {:.3} to {:.3} with lr {} — worse than always predicting the mean image ({:.3}); lower the learning rate",
            self.start, self.now, self.lr, self.floor
        )
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// The floor is asked for only once the running loss is above WATCH_RATIO × the start, and
    /// then decides.
    #[test]
    fn the_floor_is_computed_only_when_the_loss_has_climbed() {
        let asked = Cell::new(0);
        let floor = |v: f32| {
            let asked = &asked;
            move || {
                asked.set(asked.get() + 1);
                v
            }
        };
        let mut w = LossWatch::new();
        for i in 0..WATCH_WINDOW {
            w.record(1.0 - 0.01 * i as f32); // falling: no warning, no floor
        }
        assert_eq!(w.warning(0.1, floor(0.0)), None);
        assert_eq!(asked.get(), 0, "a falling loss does not need the floor");
        for _ in 0..WATCH_WINDOW {
            w.record(2.0); // the last 10 batches' mean 2.0 > 1.5 × the start 1.0
        }
        let warned = w.warning(0.1, floor(0.5)).expect("2.0 is above 1.5 and above the floor 0.5");
        assert_eq!((warned.start, warned.now, warned.floor), (1.0, 2.0, 0.5));
        assert_eq!(w.warning(0.1, floor(2.5)), None, "a model still better than the mean image is not flagged");
        assert_eq!(asked.get(), 2);
    }
}
