//! The data the autoencoders learn from: IDX parsing (raw or gzip'd, hostile input rejected with
//! a clear `Error::Data`), the [`Dataset`] of u8 images and labels, and the [`Scaling`] of bytes to
//! the model's inputs (exactly torchvision's `ToTensor` + `Normalize(0.5, 0.5)`).
//!
//! Images stay bytes (`[n, rows*cols]`, 7.8 MB for the default 10,000 digits); batches are scaled
//! to f32 on the fly by [`Dataset::fill_rows`] into a buffer the caller owns.
//!
//! Beside MNIST, `curves`: the 2-D toy points of the manifold lab.

pub mod curves;
mod dataset;
pub mod idx;
mod scaling;
pub mod split;

pub use dataset::{Dataset, MNIST_SIDE};
pub use scaling::Scaling;
