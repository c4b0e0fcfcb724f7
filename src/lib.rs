//! Autoencoder Playground: the autoencoders of the NYU Deep Learning lecture "Introduction to
//! autoencoders" (week 7, part 3) and its notebook `10-autoencoder.ipynb`, in pure Rust.
//!
//! Every module but `api` is plain math over `std` and `ndarray`, tested natively with
//! `cargo test`; `api` is the one `#[wasm_bindgen]` façade the web page talks to.

pub mod error;
pub mod rng;
pub mod data;
pub mod datasets;
pub mod activation;
pub mod autoencoder;
pub mod gemm;
pub mod layer;
pub mod corruption;
pub mod objective;
pub mod optim;
pub mod pca;
pub mod cursor;
pub mod guard;
pub mod train;
pub mod jacobian;
pub mod labs;
pub mod presets;
pub mod api;
pub mod fixture;
pub mod weights;
pub mod score;
pub mod kernel_grid;
