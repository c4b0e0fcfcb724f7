//! After warm-up a training step allocates nothing: a counting global allocator watches
//! `Trainer::step` for every variant (standard, denoising, contractive, tied, BCE, deeper stack).
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::data::Dataset;
use autoencoder_playground::objective::Loss;
use autoencoder_playground::train::{Settings, Trainer, Variant};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn training_steps_allocate_nothing_after_warm_up() {
    let data = Dataset::default_mnist().unwrap();
    let cases = [
        Settings { batch: 64, ..Settings::default() },
        Settings { batch: 64, variant: Variant::Denoising, d: 100, ..Settings::default() },
        Settings { batch: 64, variant: Variant::Denoising, corruption: "square".into(), ..Settings::default() },
        Settings { batch: 64, variant: Variant::Contractive, ..Settings::default() },
        Settings { batch: 64, tied: true, ..Settings::default() },
        Settings { batch: 64, loss: Loss::Bce, ..Settings::default() },
        Settings { batch: 64, hidden: vec![64], d: 8, optimizer: "sgd".into(), ..Settings::default() },
    ];
    for s in cases {
        let mut t = Trainer::new(s.clone(), data.clone()).unwrap();
        t.step(2).unwrap(); // warm-up: optimiser state is allocated on the first step
        let before = ALLOCS.load(Ordering::SeqCst);
        // 200 batches of 64 cross an epoch boundary (10,000 / 64 = 157 batches), so the
        // re-shuffle and the partial last batch are covered too.
        t.step(200).unwrap();
        let after = ALLOCS.load(Ordering::SeqCst);
        assert_eq!(after - before, 0, "{s:?}: {} allocations in 200 steps", after - before);
    }
}
