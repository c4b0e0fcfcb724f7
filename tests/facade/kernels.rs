//! The kernel grid the training worker paints (api/paint.rs): `kernel_pixels`' bytes and the
//! numbers the page draws the panel with, clamped to the model's d; `kernelGridPixels` on any
//! weights. (`paint_kernels` needs an OffscreenCanvas, which Node lacks: tests/e2e covers it.)

use super::{field, get, obj, IMAGES, LABELS};
use autoencoder_playground::api::{kernel_grid_pixels, Trainer};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn kernel_pixels_paint_the_asked_tiles_with_their_maxima() {
    let t = Trainer::new(obj(r#"{"d": 10, "seed": 4}"#), IMAGES, Some(LABELS.to_vec())).unwrap();
    let w = t.kernels();
    let g = t.kernel_pixels(2, 5, 4, 2, false).unwrap();
    // 5 tiles in 4 columns: 2 rows of 28 px, 2 px apart.
    assert_eq!([field(&g, "start"), field(&g, "count"), field(&g, "cols"), field(&g, "rows")], [2.0, 5.0, 4.0, 2.0]);
    assert_eq!([field(&g, "width"), field(&g, "height")], [4.0 * 28.0 + 6.0, 58.0]);
    let pixels = js_sys::Uint8ClampedArray::from(get(&g, "pixels")).to_vec();
    assert_eq!(pixels.len(), 118 * 58 * 4);
    // The largest |w| of W_h, and each painted tile's own.
    let abs_max = |r: &[f32]| r.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert_eq!(field(&g, "max") as f32, abs_max(&w));
    let maxima = js_sys::Float32Array::from(get(&g, "maxima")).to_vec();
    let own: Vec<f32> = (2..7).map(|r| abs_max(&w[r * 784..(r + 1) * 784])).collect();
    assert_eq!(maxima, own);
    // The same bytes as the free function on the same weights.
    assert_eq!(kernel_grid_pixels(&w, 2, 5, 4, 2, 0.0).unwrap().to_vec(), pixels);
    let global = t.kernel_pixels(2, 5, 4, 2, true).unwrap();
    assert_eq!(js_sys::Uint8ClampedArray::from(get(&global, "pixels")).to_vec(), kernel_grid_pixels(&w, 2, 5, 4, 2, field(&g, "max") as f32).unwrap().to_vec());
    // A view of a larger, older model: its last page of this one's rows.
    let late = t.kernel_pixels(64, 64, 8, 2, false).unwrap();
    assert_eq!([field(&late, "start"), field(&late, "count")], [0.0, 10.0]);
    assert!(kernel_grid_pixels(&w, 8, 4, 2, 2, 0.0).is_err(), "rows 9-12 of 10");
    assert!(kernel_grid_pixels(&w[..100], 0, 1, 1, 0, 0.0).is_err(), "not rows of 784");
}
