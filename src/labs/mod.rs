//! The lecture's labs, built on the engine: each answers one part of the lecture with numbers
//! the page draws. They use the engine (and `images`, the 28×28 helpers they share); the engine
//! never uses them, and none of them knows about JavaScript.

pub mod capacity;
pub mod images;
pub mod inpaint;
pub mod latent;
pub mod manifold;
