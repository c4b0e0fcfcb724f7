//! What the 2-D lab's page draws from a `ManifoldTrainer`: reconstructions g(f(x)) (the vector
//! field over a grid, fig 17), codes and decodings, the exact Jacobian ∂h/∂x, the fixed
//! corrupted points of fig 16 and the decoder's image of a sweep of the code (figs 18–19).
//! Points are flat `[k, 2]` arrays, evaluated in chunks of the training batch.

use super::ManifoldTrainer;
use crate::error::{Error, Result};
use crate::jacobian::tangent_forward;
use crate::rng::Rng;
use ndarray::ArrayView2;

/// Salt of the fixed display corruption (fig 16).
const DISPLAY_SALT: u64 = 0xF16_2D00;

impl ManifoldTrainer {
    /// Checks a flat array of (x, y) points.
    fn rows(x: &[f32], w: usize) -> Result<usize> {
        if x.len() % w != 0 {
            return Err(Error::Shape(format!("expected a multiple of {w} values, got {}", x.len())));
        }
        Ok(x.len() / w)
    }

    /// g(f(x)) of points `x: [k, 2]` into `out: [k, 2]` (no allocation).
    pub fn reconstruct_into(&mut self, x: &[f32], out: &mut [f32]) -> Result<()> {
        Self::rows(x, 2)?;
        if out.len() != x.len() {
            return Err(Error::Shape(format!("output needs {} values, got {}", x.len(), out.len())));
        }
        let b = self.xb.nrows();
        for (xi, oi) in x.chunks(2 * b).zip(out.chunks_mut(2 * b)) {
            let v = ArrayView2::from_shape((xi.len() / 2, 2), xi).unwrap();
            self.model.forward(v);
            oi.copy_from_slice(self.model.output(v.nrows()).as_slice().unwrap());
        }
        Ok(())
    }

    /// g(f(x)) of points `x: [k, 2]`, as `[k, 2]`.
    pub fn reconstruct(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        let mut out = vec![0f32; x.len()];
        self.reconstruct_into(x, &mut out)?;
        Ok(out)
    }

    /// Codes h = f(x) of points `x: [k, 2]`, as `[k, code]`.
    pub fn encode(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        let k = Self::rows(x, 2)?;
        let mut out = Vec::with_capacity(k * self.settings.code);
        for xi in x.chunks(2 * self.xb.nrows()) {
            let v = ArrayView2::from_shape((xi.len() / 2, 2), xi).unwrap();
            self.model.forward(v);
            out.extend(self.model.code(v.nrows()).iter());
        }
        Ok(out)
    }

    /// Points g(h) of codes `h: [k, code]`, as `[k, 2]`.
    pub fn decode(&mut self, h: &[f32]) -> Result<Vec<f32>> {
        let d = self.settings.code;
        let k = Self::rows(h, d)?;
        let mut out = Vec::with_capacity(2 * k);
        for hi in h.chunks(d * self.xb.nrows()) {
            let v = ArrayView2::from_shape((hi.len() / d, d), hi).unwrap();
            self.model.decode(v);
            out.extend(self.model.output(v.nrows()).iter());
        }
        Ok(out)
    }

    /// The exact Jacobian ∂h/∂x at points `x: [k, 2]`, as `[k, code, 2]` (J[i, j, c] = ∂h_j/∂x_c).
    pub fn jacobian(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        let k = Self::rows(x, 2)?;
        let d = self.settings.code;
        let mut out = vec![0f32; k * d * 2];
        let b = self.xb.nrows();
        for (ci, xi) in x.chunks(2 * b).enumerate() {
            let m = xi.len() / 2;
            let v = ArrayView2::from_shape((m, 2), xi).unwrap();
            self.model.forward(v);
            tangent_forward(&self.model, &mut self.tw, m);
            for c in 0..2 {
                for (r, row) in self.tw.jacobian_column(c, m).rows().into_iter().enumerate() {
                    for (j, &v) in row.iter().enumerate() {
                        out[((ci * b + r) * d + j) * 2 + c] = v;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Points x + σ·ε of the data with a fixed noise (the same every call, for every variant of
    /// a seed): the corrupted inputs of fig 16, `[n, 2]`.
    pub fn corrupted(&self) -> Vec<f32> {
        let mut rng = Rng::new(self.settings.seed ^ DISPLAY_SALT);
        let sigma = self.settings.sigma;
        self.data().iter().map(|&v| v + sigma * rng.normal()).collect()
    }

    /// The learned manifold: the decoder's image of a sweep of the code, as polylines of `k`
    /// points each, `[lines·k, 2]`. The sweep covers the codes of the training points, widened
    /// by 10 % of their range on each side. Code size 1: one line. Code size ≥ 2: a mesh of 9 + 9
    /// lines over the first two code units (the others at the mean code).
    pub fn sweep(&mut self, k: usize) -> Result<Vec<f32>> {
        if !(2..=4096).contains(&k) {
            return Err(Error::Config(format!("sweep length must be between 2 and 4096, got {k}")));
        }
        let d = self.settings.code;
        let data = self.data.as_slice().unwrap().to_vec();
        let codes = self.encode(&data)?;
        let n = codes.len() / d;
        let mut lo = vec![f32::INFINITY; d];
        let mut hi = vec![f32::NEG_INFINITY; d];
        let mut mean = vec![0f64; d];
        for row in codes.chunks_exact(d) {
            for j in 0..d {
                lo[j] = lo[j].min(row[j]);
                hi[j] = hi[j].max(row[j]);
                mean[j] += row[j] as f64 / n as f64;
            }
        }
        for j in 0..d {
            let pad = 0.1 * (hi[j] - lo[j]).max(1e-3);
            lo[j] -= pad;
            hi[j] += pad;
        }
        let lerp = |j: usize, i: usize, k: usize| lo[j] + (hi[j] - lo[j]) * i as f32 / (k - 1) as f32;
        let mut h = Vec::new();
        let base: Vec<f32> = mean.iter().map(|&v| v as f32).collect();
        if d == 1 {
            for i in 0..k {
                h.push(lerp(0, i, k));
            }
        } else {
            const LINES: usize = 9;
            for (a, b) in [(0usize, 1usize), (1, 0)] {
                for li in 0..LINES {
                    for i in 0..k {
                        let mut code = base.clone();
                        code[a] = lerp(a, li, LINES);
                        code[b] = lerp(b, i, k);
                        h.extend(code);
                    }
                }
            }
        }
        self.decode(&h)
    }
}
