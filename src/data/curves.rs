//! The 2-D toy data of the manifold lab (lecture figs 15–19): points on a curve in the plane
//! (spiral, circle, sine, two arcs, or a stroke the user drew) with Gaussian noise, and the grid
//! of the page's view box. Points are f32 `[n, 2]` row-major (x, y); the view box is
//! `[-VIEW, VIEW]²`.

use crate::error::{Error, Result};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Half-width of the square the page shows: points live in `[-VIEW, VIEW]²`.
pub const VIEW: f32 = 1.5;

/// Which curve the points lie on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Curve {
    /// An Archimedean spiral of one and a half turns, radius 0.2 → 1.
    Spiral,
    /// A circle of radius 0.8.
    Circle,
    /// y = 0.55·sin(1.5πx), x ∈ [−1, 1].
    Sine,
    /// Two interleaved half circles of radius 0.7 (like the lecture's fig 17).
    Arcs,
    /// A polyline the user drew, sampled uniformly along its length.
    Drawn,
}

/// Radius of the `Circle` curve.
pub const CIRCLE_R: f32 = 0.8;

/// `n` points on `curve` plus Gaussian noise of standard deviation `noise`, from `rng`, as
/// `[n, 2]` row-major. `drawn` is the polyline for `Curve::Drawn` (`[k, 2]`, k ≥ 2, inside the
/// view box, of positive length); it is ignored by the other curves.
pub fn generate(curve: Curve, n: usize, noise: f32, drawn: Option<&[f32]>, rng: &mut Rng) -> Result<Vec<f32>> {
    use std::f32::consts::PI;
    let poly = match curve {
        Curve::Drawn => Some(Polyline::new(drawn.ok_or_else(|| Error::Data("draw a curve first".into()))?)?),
        _ => None,
    };
    let mut out = Vec::with_capacity(2 * n);
    for _ in 0..n {
        let u = rng.uniform01();
        let (x, y) = match curve {
            Curve::Spiral => {
                // √u makes the density roughly uniform along the arc (arc element ∝ r).
                let v = u.sqrt();
                let (r, th) = (0.2 + 0.8 * v, 3.0 * PI * v);
                (r * th.cos(), r * th.sin())
            }
            Curve::Circle => {
                let th = 2.0 * PI * u;
                (CIRCLE_R * th.cos(), CIRCLE_R * th.sin())
            }
            Curve::Sine => {
                let x = -1.0 + 2.0 * u;
                (x, 0.55 * (1.5 * PI * x).sin())
            }
            Curve::Arcs => {
                // Upper arc around (−0.4, −0.2), lower arc around (0.4, 0.2), each half a circle.
                let (cx, cy, th) = if u < 0.5 { (-0.35, -0.2, 2.0 * PI * u) } else { (0.35, 0.2, 2.0 * PI * u) };
                (cx + 0.7 * th.cos(), cy + 0.7 * th.sin())
            }
            Curve::Drawn => poly.as_ref().unwrap().at(u),
        };
        out.push(x + noise * rng.normal());
        out.push(y + noise * rng.normal());
    }
    Ok(out)
}

/// A drawn polyline with its cumulative lengths, for sampling uniformly along it.
struct Polyline<'a> {
    p: &'a [f32],
    cum: Vec<f32>,
}

impl<'a> Polyline<'a> {
    fn new(p: &'a [f32]) -> Result<Self> {
        if p.len() % 2 != 0 || p.len() < 4 || p.len() > 2 * 4096 {
            return Err(Error::Data(format!("a drawn curve needs 2 to 4096 (x, y) points, got {} values", p.len())));
        }
        if let Some(v) = p.iter().find(|v| !(v.is_finite() && v.abs() <= VIEW)) {
            return Err(Error::Data(format!("drawn points must lie in [−{VIEW}, {VIEW}], got {v}")));
        }
        let mut cum = Vec::with_capacity(p.len() / 2);
        let mut total = 0f32;
        cum.push(0.0);
        for w in p.chunks_exact(2).collect::<Vec<_>>().windows(2) {
            total += ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt();
            cum.push(total);
        }
        if total < 0.05 {
            return Err(Error::Data("the drawn curve is too short: draw a longer stroke".into()));
        }
        Ok(Polyline { p, cum })
    }

    /// The point at fraction `u` ∈ [0, 1) of the length.
    fn at(&self, u: f32) -> (f32, f32) {
        let s = u * self.cum[self.cum.len() - 1];
        let i = self.cum.partition_point(|&c| c <= s).clamp(1, self.cum.len() - 1);
        let (c0, c1) = (self.cum[i - 1], self.cum[i]);
        let f = if c1 > c0 { (s - c0) / (c1 - c0) } else { 0.0 };
        let (a, b) = (&self.p[2 * (i - 1)..2 * i], &self.p[2 * i..2 * i + 2]);
        (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
    }
}

/// The centres of a `g × g` grid over the view box, `[g², 2]`, row by row from the top
/// (row r, column c: x = −VIEW + (c + ½)·2VIEW/g, y = VIEW − (r + ½)·2VIEW/g), so grid index
/// r·g + c is pixel (c, r) of a g × g image.
pub fn grid_points(g: usize) -> Vec<f32> {
    let step = 2.0 * VIEW / g as f32;
    let mut out = Vec::with_capacity(2 * g * g);
    for r in 0..g {
        for c in 0..g {
            out.push(-VIEW + (c as f32 + 0.5) * step);
            out.push(VIEW - (r as f32 + 0.5) * step);
        }
    }
    out
}

