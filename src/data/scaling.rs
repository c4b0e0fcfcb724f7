//! Bytes to model inputs, computed in f32 exactly as PyTorch does, so the PyTorch fixtures match
//! bit for bit.

/// How a pixel byte `b` becomes a model input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Scaling {
    /// `x01 = b / 255; x = (x01 - 0.5) / 0.5`, in [-1, 1]: torchvision `ToTensor` then
    /// `Normalize(0.5, 0.5)`, the notebook's inputs for the MSE + tanh models.
    #[default]
    MinusOneToOne,
    /// `x01 = b / 255`, in [0, 1]: `ToTensor` alone, the inputs of the BCE + sigmoid models.
    ZeroToOne,
}

impl Scaling {
    /// The input for byte `b`, computed in f32 in the order above (`b as f32 / 255.0`, then
    /// `(x01 - 0.5) / 0.5`), which is how PyTorch's `div` and `sub_().div_()` round.
    #[inline]
    pub fn apply(self, b: u8) -> f32 {
        let x01 = b as f32 / 255.0;
        match self {
            Scaling::ZeroToOne => x01,
            Scaling::MinusOneToOne => (x01 - 0.5) / 0.5,
        }
    }

    /// The (lowest, highest) value `apply` can return: (-1, 1) or (0, 1).
    pub fn range(self) -> (f32, f32) {
        (self.apply(0), self.apply(255))
    }
}
