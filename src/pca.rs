//! Principal component analysis, the linear baseline of the lecture's note on tied weights: a
//! linear autoencoder with tied weights and MSE spans the same subspace as the top-d principal
//! components. Covariance in f32 (a GEMM), eigen-decomposition in f64 with nalgebra's
//! `SymmetricEigen` (Householder tridiagonalisation + implicit QL), pure Rust, builds for wasm.

use crate::error::{Error, Result};
use nalgebra::DMatrix;
use ndarray::{Array2, ArrayView2, Axis};

/// A fitted PCA: `mean` `[n]`, `components` `[k, n]` row-major (orthonormal rows, sorted by
/// explained variance, each with its largest-magnitude entry positive), `explained_variance` `[k]`
/// (covariance eigenvalues with the unbiased 1/(rows − 1) normalisation, descending), and
/// `total_variance` (trace of the covariance).
#[derive(Clone, Debug, PartialEq)]
pub struct Pca {
    pub n: usize,
    pub k: usize,
    pub mean: Vec<f32>,
    pub components: Vec<f32>,
    pub explained_variance: Vec<f32>,
    pub total_variance: f32,
}

impl Pca {
    /// Fits the top `k` components of `data` (`[rows, n]` row-major), 1 ≤ k ≤ n ≤ 4096, rows ≥ 2.
    pub fn fit(data: &[f32], rows: usize, n: usize, k: usize) -> Result<Pca> {
        if n == 0 || n > 4096 {
            return Err(Error::Config(format!("PCA: dimension must be 1..4096, got {n}")));
        }
        if k == 0 || k > n {
            return Err(Error::Config(format!("PCA: number of components must be 1..{n}, got {k}")));
        }
        if rows < 2 {
            return Err(Error::Shape(format!("PCA needs at least 2 rows, got {rows}")));
        }
        if data.len() != rows * n {
            return Err(Error::Shape(format!("PCA: {} values are not {rows} rows of {n}", data.len())));
        }
        if data.iter().any(|v| !v.is_finite()) {
            return Err(Error::Data("PCA: the data contain NaN or infinite values".into()));
        }
        let x = ArrayView2::from_shape((rows, n), data).map_err(|e| Error::Shape(e.to_string()))?;
        let mean = x.mean_axis(Axis(0)).expect("rows ≥ 2");
        let xc: Array2<f32> = &x - &mean;
        // C = Xcᵀ·Xc / (rows − 1): [n, n]
        let c = xc.t().dot(&xc);
        let scale = 1.0 / (rows as f64 - 1.0);
        let cm = DMatrix::<f64>::from_fn(n, n, |i, j| c[[i, j]] as f64 * scale);
        let total_variance = cm.trace() as f32;
        let eig = nalgebra::linalg::SymmetricEigen::new(cm);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let mut components = Vec::with_capacity(k * n);
        let mut explained_variance = Vec::with_capacity(k);
        for &j in order.iter().take(k) {
            let v = eig.eigenvectors.column(j);
            // Sign: the entry of largest magnitude is positive (the choice is arbitrary; this one
            // is deterministic).
            let big = v.iter().fold(0f64, |a, &b| if b.abs() > a.abs() { b } else { a });
            let s = if big < 0.0 { -1.0 } else { 1.0 };
            components.extend(v.iter().map(|&e| (s * e) as f32));
            explained_variance.push(eig.eigenvalues[j].max(0.0) as f32);
        }
        Ok(Pca { n, k, mean: mean.to_vec(), components, explained_variance, total_variance })
    }

    fn rows_of(&self, data: &[f32], width: usize) -> Result<usize> {
        if data.len() % width != 0 {
            return Err(Error::Shape(format!("PCA: {} values are not rows of {width}", data.len())));
        }
        Ok(data.len() / width)
    }

    /// Coordinates in the component basis: `(x − mean)·Vᵀ`, `[rows, k]`.
    pub fn transform(&self, data: &[f32]) -> Result<Vec<f32>> {
        let rows = self.rows_of(data, self.n)?;
        let x = ArrayView2::from_shape((rows, self.n), data).unwrap();
        let v = ArrayView2::from_shape((self.k, self.n), &self.components).unwrap();
        let mean = ndarray::ArrayView1::from(&self.mean);
        Ok((&x - &mean).dot(&v.t()).into_raw_vec_and_offset().0)
    }

    /// Back to data space: `z·V + mean`, `[rows, n]`.
    pub fn inverse(&self, codes: &[f32]) -> Result<Vec<f32>> {
        let rows = self.rows_of(codes, self.k)?;
        let z = ArrayView2::from_shape((rows, self.k), codes).unwrap();
        let v = ArrayView2::from_shape((self.k, self.n), &self.components).unwrap();
        let mean = ndarray::ArrayView1::from(&self.mean);
        Ok((z.dot(&v) + &mean).into_raw_vec_and_offset().0)
    }

    /// Projection onto the top-k subspace: `inverse(transform(x))`.
    pub fn reconstruct(&self, data: &[f32]) -> Result<Vec<f32>> {
        self.inverse(&self.transform(data)?)
    }
}

/// Mean squared error between two equal-length arrays (f64 accumulator).
pub fn mse(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let s: f64 = a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum();
    (s / a.len().max(1) as f64) as f32
}
