//! The encoder kernels as a picture: rows of W_h (`[d, side²]`) as `side`×`side` tiles in a grid,
//! coloured by a diverging map symmetric around 0 (blue < 0 < red, near white = 0), as RGBA bytes
//! ready for an `ImageData`. The training worker paints the page's kernel grid with it (api/paint.rs),
//! so the main thread never colours 1.6 M weights; www/draw/kernels.js is the same map in JS for
//! the denoising lab's small grids, and a Node test holds the two to the same bytes.

use crate::error::{Error, Result};

/// ColorBrewer's 11-class RdBu, from −1 (blue) through 0 (near white) to +1 (red).
pub const ANCHORS: [[u8; 3]; 11] = [
    [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240],
    [247, 247, 247],
    [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

/// 256 colours, index 0 ↔ −1, 255 ↔ +1, linear between the anchors (each channel rounded).
pub fn lut() -> [[u8; 4]; 256] {
    let mut lut = [[0u8; 4]; 256];
    let last = ANCHORS.len() - 1;
    for (i, px) in lut.iter_mut().enumerate() {
        // f64 throughout, as JavaScript computes the same table (draw/kernels.js).
        let t = i as f64 / 255.0 * last as f64;
        let k = (t.floor() as usize).min(last - 1);
        let f = t - k as f64;
        for c in 0..3 {
            let (a, b) = (ANCHORS[k][c] as f64, ANCHORS[k + 1][c] as f64);
            px[c] = (a + (b - a) * f).round() as u8;
        }
        px[3] = 255;
    }
    lut
}

/// Which tiles and how they are laid out: tiles `start … start+count−1` in `cols` columns,
/// `gap` transparent pixels between them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridView {
    pub start: usize,
    pub count: usize,
    pub cols: usize,
    pub gap: usize,
}

/// Size of a grid in tiles and pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridSize {
    pub cols: usize,
    pub rows: usize,
    pub width: usize,
    pub height: usize,
}

/// The grid of `count` tiles of `side` in (at most) `cols` columns: never fewer than 1×1 tiles,
/// as draw/kernels.js gridSize.
pub fn grid_size(count: usize, cols: usize, side: usize, gap: usize) -> GridSize {
    let c = cols.min(count).max(1);
    let rows = count.div_ceil(c).max(1);
    GridSize { cols: c, rows, width: c * side + (c - 1) * gap, height: rows * side + (rows - 1) * gap }
}

/// How tiles are scaled to the colour map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// Each tile by its own max |w|: every unit's pattern shows.
    Tile,
    /// Every tile by this one max |w| (the largest over all of W_h, say): units compare.
    Global(f32),
}

/// Largest |w| of a slice (0 for an empty one; NaN is skipped).
pub fn max_abs(w: &[f32]) -> f32 {
    w.iter().fold(0.0f32, |m, &v| if v.abs() > m { v.abs() } else { m })
}

/// Paint the tiles of `view` from `weights` (`[d, side²]` row-major) into `out` (resized to
/// width·height·4 RGBA bytes, gaps transparent), each tile's own max |w| into `maxima` (one per
/// tile, whatever the scale: the page's hover readout), and return the grid's size. The weight
/// w of a tile scaled by m takes colour `lut[trunc(w·127.5/m + 128)]` clamped to 0…255, so ±m
/// are the map's ends and 0 is index 128 (the JS map's exact arithmetic). Err when the view
/// leaves W_h.
pub fn paint(weights: &[f32], side: usize, view: GridView, scale: Scale, lut: &[[u8; 4]; 256], out: &mut Vec<u8>, maxima: &mut Vec<f32>) -> Result<GridSize> {
    let n = side * side;
    if n == 0 || !weights.len().is_multiple_of(n) {
        return Err(Error::Shape(format!("kernels must be rows of {n} weights, got {}", weights.len())));
    }
    let d = weights.len() / n;
    if view.start + view.count > d {
        return Err(Error::Shape(format!("kernels {}–{} asked of {d}", view.start + 1, view.start + view.count)));
    }
    let g = grid_size(view.count, view.cols, side, view.gap);
    out.clear();
    out.resize(g.width * g.height * 4, 0); // transparent; no new allocation once it is large enough
    maxima.clear();
    for t in 0..view.count {
        let row = &weights[(view.start + t) * n..(view.start + t + 1) * n];
        let own = max_abs(row);
        maxima.push(own);
        let m = match scale {
            Scale::Tile => own,
            Scale::Global(m) => m,
        } as f64;
        let k = if m > 0.0 { 127.5 / m } else { 0.0 };
        let (x0, y0) = ((t % g.cols) * (side + view.gap), (t / g.cols) * (side + view.gap));
        for (y, line) in row.chunks_exact(side).enumerate() {
            let o = ((y0 + y) * g.width + x0) * 4;
            for (px, &w) in out[o..o + side * 4].chunks_exact_mut(4).zip(line) {
                let i = (w as f64 * k + 128.0) as i64; // truncates as JS `| 0` (NaN ↦ 0)
                px.copy_from_slice(&lut[i.clamp(0, 255) as usize]);
            }
        }
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ColorBrewer RdBu, 11 classes (colorbrewer2.org, Cynthia Brewer, Penn State), as published
    /// from red to blue: #67001f #b2182b #d6604d #f4a582 #fddbc7 #f7f7f7 #d1e5f0 #92c5de #4393c3
    /// #2166ac #053061. An outside oracle for the anchors and the table's exact points.
    const BREWER: [u32; 11] = [0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac, 0x053061];

    fn rgb(hex: u32) -> [u8; 4] {
        [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8, 255]
    }

    #[test]
    fn the_table_passes_through_colorbrewer_rdbu_from_blue_to_red() {
        let lut = lut();
        // Index 25.5·k is anchor k exactly where it is an integer: k = 0, 2, …, 10.
        for k in (0..=10).step_by(2) {
            assert_eq!(lut[(k * 51) / 2], rgb(BREWER[10 - k]), "anchor {k}");
        }
        // Between anchors 4 and 5 (index 114 is t = 4.4706): each channel on the segment.
        let (a, b) = (rgb(BREWER[6]), rgb(BREWER[5]));
        for c in 0..3 {
            assert!(lut[114][c].min(a[c].max(b[c])) >= a[c].min(b[c]), "channel {c} of {:?} between {a:?} and {b:?}", lut[114]);
        }
    }

    #[test]
    fn a_tile_spans_the_map_by_its_own_max_and_gaps_stay_transparent() {
        let lut = lut();
        let side = 2;
        // Two kernels of 4 weights: [−2, 0, 1, 2] and [0.5, −0.5, 0, 0.25].
        let w = [-2.0, 0.0, 1.0, 2.0, 0.5, -0.5, 0.0, 0.25];
        let (mut out, mut maxima) = (vec![], vec![]);
        let g = paint(&w, side, GridView { start: 0, count: 2, cols: 2, gap: 1 }, Scale::Tile, &lut, &mut out, &mut maxima).unwrap();
        assert_eq!(g, GridSize { cols: 2, rows: 1, width: 5, height: 2 });
        assert_eq!(maxima, [2.0, 0.5], "each tile's own max |w|");
        assert_eq!(out.len(), 5 * 2 * 4);
        let at = |x: usize, y: usize| -> [u8; 4] { out[(y * 5 + x) * 4..(y * 5 + x) * 4 + 4].try_into().unwrap() };
        assert_eq!(at(0, 0), rgb(BREWER[10]), "−max is the blue end");
        assert_eq!(at(1, 1), rgb(BREWER[0]), "+max is the red end");
        assert_eq!(at(1, 0), lut[128], "0 is index 128");
        assert_eq!(at(0, 1), lut[191], "w = m/2: trunc(63.75 + 128)");
        assert_eq!(at(2, 0), [0; 4], "the gap column is transparent");
        assert_eq!(at(2, 1), [0; 4]);
        assert_eq!(at(3, 0), rgb(BREWER[0]), "the second tile's own max 0.5 is red");
        assert_eq!(at(4, 0), rgb(BREWER[10]));
    }

    #[test]
    fn one_global_max_compares_units_and_a_view_picks_its_rows() {
        let lut = lut();
        let w = [-2.0, 0.0, 1.0, 2.0, 0.5, -0.5, 0.0, 0.25];
        let (mut out, mut maxima) = (vec![], vec![]);
        let g = paint(&w, 2, GridView { start: 1, count: 1, cols: 8, gap: 2 }, Scale::Global(max_abs(&w)), &lut, &mut out, &mut maxima).unwrap();
        assert_eq!(g, GridSize { cols: 1, rows: 1, width: 2, height: 2 });
        assert_eq!(maxima, [0.5], "the tile's own max, not the scale's");
        // 0.5 of a global 2: trunc(31.875 + 128) = 159, pale red; −0.5: trunc(96.125) = 96.
        assert_eq!(&out[0..4], &lut[159]);
        assert_eq!(&out[4..8], &lut[96]);
        assert_eq!(&out[12..16], &lut[(0.25f64 * 63.75 + 128.0) as usize]);
    }

    #[test]
    fn the_buffer_is_reused_and_a_view_outside_w_h_is_an_error() {
        let lut = lut();
        let w = vec![0.1f32; 3 * 4];
        let (mut out, mut maxima) = (vec![], vec![]);
        paint(&w, 2, GridView { start: 0, count: 3, cols: 2, gap: 1 }, Scale::Tile, &lut, &mut out, &mut maxima).unwrap();
        let (ptr, len) = (out.as_ptr(), out.len());
        assert_eq!(len, 5 * 5 * 4, "2 columns, 2 rows of 2 px with a 1 px gap");
        assert_eq!(&out[(3 * 5 + 3) * 4..(3 * 5 + 3) * 4 + 8], &[0; 8], "the missing fourth tile is transparent");
        assert_eq!(&out[(3 * 5) * 4..(3 * 5) * 4 + 4], &lut[255], "the third tile, below the first");
        paint(&w, 2, GridView { start: 0, count: 2, cols: 2, gap: 1 }, Scale::Tile, &lut, &mut out, &mut maxima).unwrap();
        assert_eq!(out.as_ptr(), ptr, "a smaller grid reuses the buffer");
        assert_eq!(maxima.len(), 2);
        assert!(paint(&w, 2, GridView { start: 2, count: 2, cols: 2, gap: 1 }, Scale::Tile, &lut, &mut out, &mut maxima).is_err());
        assert!(paint(&w[..5], 2, GridView { start: 0, count: 1, cols: 1, gap: 0 }, Scale::Tile, &lut, &mut out, &mut maxima).is_err());
        assert_eq!(grid_size(0, 0, 28, 2), GridSize { cols: 1, rows: 1, width: 28, height: 28 });
    }
}
