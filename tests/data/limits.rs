//! The IDX parser's named limits, each tested at its edge (the header at the limit is accepted and
//! only then fails on the missing body; one past it is refused with the limit in the message), and
//! checked before allocating: a counting allocator sees no allocation near the declared size. Also
//! the 28×28 rule of the page (`Dataset::from_idx_mnist`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use autoencoder_playground::data::idx::{MAX_BYTES, MAX_IMAGE_PIXELS, MAX_ITEMS, MAX_SIDE};
use autoencoder_playground::data::{Dataset, MNIST_SIDE};

use autoencoder_playground::error::Error;

use super::{assert_says, data_err, gzip, idx, idx_bytes, images_idx, read_repo_file, IMAGES_GZ, LABELS_GZ};

/// Records the largest single allocation of the current thread (tests run on several threads).
struct Largest;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: no panic while the thread's locals are being torn down.
    let _ = LARGEST.try_with(|c| c.set(c.get().max(size)));
}

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(l.size());
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        note(n);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Largest = Largest;

/// Runs `f` and returns its result with the largest single allocation it made, in bytes.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|c| c.set(0));
    let out = f();
    (out, LARGEST.with(|c| c.get()))
}

/// A header with no body: within the limits, so the parser's complaint is the missing data.
fn accepted<T: std::fmt::Debug>(what: &str, r: Result<T, Error>) {
    assert_says(what, &data_err(what, r), &["truncated data"]);
}

#[test]
fn each_limit_holds_at_its_edge_and_refuses_one_past_it() {
    // Items: MAX_ITEMS labels pass the header check; one more is refused.
    accepted("MAX_ITEMS", idx::parse_labels(&idx_bytes(0x0801, &[MAX_ITEMS as u32], &[])));
    let over = idx_bytes(0x0801, &[MAX_ITEMS as u32 + 1], &[]);
    let msg = data_err("MAX_ITEMS + 1", idx::parse_labels(&over));
    assert!(msg.contains("limit") && msg.contains(&MAX_ITEMS.to_string()), "{msg}");

    // Side: a 1 × MAX_SIDE image is fine, 1 × (MAX_SIDE + 1) is not.
    accepted("MAX_SIDE cols", idx::parse_images(&images_idx(1, 1, MAX_SIDE as u32, &[])));
    let msg = data_err("MAX_SIDE + 1", idx::parse_images(&images_idx(1, 1, MAX_SIDE as u32 + 1, &[])));
    assert!(msg.contains("limit") && msg.contains(&MAX_SIDE.to_string()), "{msg}");

    // Pixels per image: 256 × 256 = MAX_IMAGE_PIXELS is fine, 257 × 256 is not (each side is).
    assert_eq!(256 * 256, MAX_IMAGE_PIXELS);
    accepted("MAX_IMAGE_PIXELS", idx::parse_images(&images_idx(1, 256, 256, &[])));
    let msg = data_err("257×256", idx::parse_images(&images_idx(1, 257, 256, &[])));
    assert!(msg.contains("pixels") && msg.contains(&MAX_IMAGE_PIXELS.to_string()), "{msg}");
    assert!(Dataset::from_raw(vec![0; 257 * 256], vec![], 257, 256).is_err());

    // Decompressed size: 240 × 273 = 65,520-pixel images; 4,097 of them fill MAX_BYTES exactly
    // with the 16-byte header (4,097 × 65,520 = 2²⁸ − 16), 4,098 go over.
    let (rows, cols) = (240u32, 273u32);
    let px = (rows * cols) as usize;
    assert_eq!((MAX_BYTES - 16) % px, 0);
    let n = ((MAX_BYTES - 16) / px) as u32;
    accepted("MAX_BYTES", idx::parse_images(&images_idx(n, rows, cols, &[])));
    accepted("MAX_BYTES, gzip", idx::parse_images(&gzip(&images_idx(n, rows, cols, &[]))));
    let msg = data_err("MAX_BYTES + 1 image", idx::parse_images(&images_idx(n + 1, rows, cols, &[])));
    assert!(msg.contains("limit") && msg.contains(&format!("{} MiB", MAX_BYTES >> 20)), "{msg}");
}

/// Headers declaring up to 256 MiB, with a few bytes of body, raw and gzip'd: the parser refuses
/// each without ever asking for more than 1 MiB at once (the declared size is never allocated).
#[test]
fn limits_are_enforced_before_allocating() {
    let (rows, cols) = (240u32, 273u32);
    let n_full = ((MAX_BYTES - 16) / (rows * cols) as usize) as u32;
    let cases = [
        ("at MAX_BYTES, short body", images_idx(n_full, rows, cols, &[7; 100])),
        ("over MAX_BYTES", images_idx(n_full + 1, rows, cols, &[7; 100])),
        ("MAX_ITEMS of 28×28, over MAX_BYTES", images_idx(MAX_ITEMS as u32, 28, 28, &[7; 100])),
        ("u32::MAX sizes", images_idx(u32::MAX, u32::MAX, u32::MAX, &[7; 100])),
    ];
    for (what, raw) in cases {
        for (form, bytes) in [("raw", raw.clone()), ("gzip", gzip(&raw))] {
            let (r, largest) = largest_allocation(|| idx::parse_images(&bytes));
            assert!(r.is_err(), "{what} ({form}) parsed");
            assert!(largest < 1 << 20, "{what} ({form}): allocated {largest} bytes at once");
        }
    }
}

#[test]
fn the_page_needs_28x28_images() {
    let msg = data_err("32×32", Dataset::from_idx_mnist(&images_idx(2, 32, 32, &[9; 2 * 32 * 32]), None));
    assert_eq!(msg, "images are 32×32 pixels; the playground needs MNIST's 28×28");
    let msg = data_err("28×27", Dataset::from_idx_mnist(&images_idx(1, 28, 27, &[9; 28 * 27]), None));
    assert!(msg.starts_with("images are 28×27 pixels"), "{msg}");
    // The same bytes are a fine data set for the engine in general: only the page's entry refuses.
    assert!(Dataset::from_idx(&images_idx(2, 32, 32, &[9; 2 * 32 * 32]), None).is_ok());

    let (images, labels) = (read_repo_file(IMAGES_GZ), read_repo_file(LABELS_GZ));
    let ds = Dataset::from_idx_mnist(&images, Some(&labels)).unwrap();
    assert_eq!((ds.rows(), ds.cols(), MNIST_SIDE), (28, 28, 28));
    assert!(ds.require_28x28().is_ok());
}
