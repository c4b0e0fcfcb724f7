//! The benchmark's handle: the matrix products of one training step alone (`gemm::StepProducts`),
//! so the benchmark page measures the GEMM's rate in the same worker as the whole step.

use super::parse;
use crate::gemm::{self, StepProducts};
use crate::train;
use wasm_bindgen::prelude::*;

/// The products of one step of the model `settings` describe, for `input`-pixel images.
#[wasm_bindgen]
pub struct GemmBench {
    inner: StepProducts,
}

#[wasm_bindgen]
impl GemmBench {
    /// `settings`: the Trainer's settings object (model shape and batch are what count).
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue, input: usize) -> Result<GemmBench, JsError> {
        let s: train::Settings = parse(settings)?;
        s.validate().map_err(super::js)?;
        let cfg = s.ae_config(input);
        cfg.validate().map_err(super::js)?;
        Ok(GemmBench { inner: StepProducts::new(&cfg.layer_shapes(), s.batch) })
    }

    /// Runs every product of one step `k` times.
    pub fn run(&mut self, k: u32) {
        for _ in 0..k {
            self.inner.run();
        }
    }

    /// Runs `rounds` rounds of one core's arithmetic peak (`gemm::peak`: independent vector
    /// multiply-adds in this build's instructions) and returns the FLOPs done; timed by the caller.
    pub fn peak(&self, rounds: u32) -> f64 {
        gemm::peak(rounds).0
    }

    /// Runs `calls` calls of this build's micro-kernel on operands that stay in L1
    /// (`gemm::kernel_alone`) and returns the FLOPs done; timed by the caller. Between the peak
    /// and the products: what this core gives the kernel itself, memory aside.
    pub fn kernel_alone(&self, calls: u32) -> f64 {
        gemm::kernel_alone(calls).0
    }

    /// Floating-point operations of one round of products (one training step's GEMM work).
    #[wasm_bindgen(getter)]
    pub fn flops(&self) -> f64 {
        self.inner.flops()
    }

    /// Which micro-kernel this build runs (e.g. "relaxed-simd (4×8, f32x4.relaxed_madd)").
    #[wasm_bindgen(getter)]
    pub fn kernel(&self) -> String {
        gemm::KERNEL.to_string()
    }
}
