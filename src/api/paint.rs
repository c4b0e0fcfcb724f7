//! The kernel grid drawn by the training worker (Speed issue, lever 4): the colours come from
//! `kernel_grid::paint` (pure, tested natively) and go straight into the `OffscreenCanvas` the
//! page transferred to the worker, so the page's main thread neither colours nor uploads them.
//! Where the browser has no OffscreenCanvas the same bytes go to the page (`kernel_pixels`).

use super::{js, object, Trainer};
use crate::kernel_grid::{self, GridSize, GridView, Scale};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{ImageData, OffscreenCanvas, OffscreenCanvasRenderingContext2d};

/// Side of one kernel tile (28: an MNIST image).
const SIDE: usize = 28;

thread_local! {
    /// The colour table, and the RGBA bytes of the last grid: one buffer per wasm instance,
    /// reused, so a refresh at d = 2048 (6.4 MB) does not allocate.
    static LUT: [[u8; 4]; 256] = kernel_grid::lut();
    static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// What a painted grid was: its size, the largest |w| of all W_h (`max`), and each painted
/// tile's own largest |w| (`maxima`, a Float32Array: the page's hover readout).
#[derive(Serialize)]
struct Painted {
    start: usize,
    count: usize,
    cols: usize,
    rows: usize,
    width: usize,
    height: usize,
    max: f32,
}

#[wasm_bindgen]
impl Trainer {
    /// Paints kernels `start … start+count−1` (clamped to d) in `cols` columns with `gap`
    /// transparent pixels between tiles into `canvas`, resized to the grid; each tile scaled by
    /// its own max |w|, or all by the largest of W_h when `global`. Returns `{start, count, cols,
    /// rows, width, height, max, maxima}`. Throws when the canvas has no 2-D context.
    pub fn paint_kernels(&self, canvas: &OffscreenCanvas, start: usize, count: usize, cols: usize, gap: usize, global: bool) -> Result<JsValue, JsError> {
        self.with_grid(start, count, cols, gap, global, |g, bytes| {
            let ctx = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<OffscreenCanvasRenderingContext2d>().ok())
                .ok_or_else(|| JsError::new("the kernels' canvas has no 2-D context"))?;
            if canvas.width() != g.width as u32 {
                canvas.set_width(g.width as u32);
            }
            if canvas.height() != g.height as u32 {
                canvas.set_height(g.height as u32);
            }
            let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(bytes), g.width as u32, g.height as u32)
                .map_err(|_| JsError::new("could not make the kernels' image"))?;
            ctx.put_image_data(&image, 0.0, 0.0).map_err(|_| JsError::new("could not draw the kernels"))?;
            Ok(None)
        })
    }

    /// As `paint_kernels` without a canvas: the result also carries `pixels`, the grid's RGBA
    /// bytes (a Uint8ClampedArray of width·height·4), for a page that puts them itself.
    pub fn kernel_pixels(&self, start: usize, count: usize, cols: usize, gap: usize, global: bool) -> Result<JsValue, JsError> {
        self.with_grid(start, count, cols, gap, global, |_, bytes| Ok(Some(js_sys::Uint8ClampedArray::from(bytes).into())))
    }
}

impl Trainer {
    /// Paint the view into the shared buffer, hand it to `draw`, and describe what was painted
    /// (with `draw`'s typed array as `pixels` when it returns one).
    fn with_grid(
        &self,
        start: usize,
        count: usize,
        cols: usize,
        gap: usize,
        global: bool,
        draw: impl FnOnce(GridSize, &[u8]) -> Result<Option<JsValue>, JsError>,
    ) -> Result<JsValue, JsError> {
        let w = self.inner.kernel_rows();
        let d = w.len() / (SIDE * SIDE);
        // A view of an older, larger model (the page learns d from `ready`): its last page.
        let start = if start >= d { d.saturating_sub(1) / count.max(1) * count.max(1) } else { start };
        let count = count.min(d - start.min(d));
        let max = kernel_grid::max_abs(&w);
        let scale = if global { Scale::Global(max) } else { Scale::Tile };
        let view = GridView { start, count, cols, gap };
        let mut maxima = Vec::with_capacity(count);
        let (g, pixels) = LUT.with(|lut| {
            PIXELS.with_borrow_mut(|buf| {
                let g = kernel_grid::paint(&w, SIDE, view, scale, lut, buf, &mut maxima).map_err(js)?;
                Ok::<_, JsError>((g, draw(g, buf)?))
            })
        })?;
        let mut arrays = vec![("maxima", js_sys::Float32Array::from(&maxima[..]).into())];
        if let Some(p) = pixels {
            arrays.push(("pixels", p));
        }
        object(&Painted { start, count, cols: g.cols, rows: g.rows, width: g.width, height: g.height, max }, arrays)
    }
}

/// The colour-mapped grid of any `weights` (`[rows, 784]`, as `Trainer.kernels()` gives):
/// `kernel_pixels`' bytes without a Trainer, scaled per tile or by `global_max` when it is > 0.
/// The Node test that holds draw/kernels.js (the labs' grids) to the same colours calls it.
#[wasm_bindgen(js_name = kernelGridPixels)]
pub fn kernel_grid_pixels(weights: &[f32], start: usize, count: usize, cols: usize, gap: usize, global_max: f32) -> Result<js_sys::Uint8ClampedArray, JsError> {
    let scale = if global_max > 0.0 { Scale::Global(global_max) } else { Scale::Tile };
    let (mut out, mut maxima) = (vec![], vec![]);
    LUT.with(|lut| kernel_grid::paint(weights, SIDE, GridView { start, count, cols, gap }, scale, lut, &mut out, &mut maxima)).map_err(js)?;
    Ok(js_sys::Uint8ClampedArray::from(&out[..]))
}
