//! After warm-up a training step allocates nothing: a counting global allocator watches
//! `Trainer::step` for every variant (standard, denoising, contractive, tied, BCE, deeper stack).
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::data::Dataset;
use autoencoder_playground::objective::Loss;
use autoencoder_playground::train::{Settings, Trainer, Variant};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;
// Per thread: the test harness runs the tests of this file on threads side by side.
thread_local! {
    static THREAD_ALLOCS: Cell<usize> = const { Cell::new(0) };
}

/// Allocations made so far on this thread.
fn allocs() -> usize {
    THREAD_ALLOCS.with(Cell::get)
}

fn count() {
    let _ = THREAD_ALLOCS.try_with(|n| n.set(n.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count();
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
        let before = allocs();
        // 200 batches of 64 cross an epoch boundary (10,000 / 64 = 157 batches), so the
        // re-shuffle and the partial last batch are covered too.
        t.step(200).unwrap();
        let after = allocs();
        assert_eq!(after - before, 0, "{s:?}: {} allocations in 200 steps", after - before);
    }
}

#[test]
fn data_parallel_batches_allocate_nothing_after_warm_up() {
    // train::shard with two workers in one process: the leader's batch (begin, own slice, the
    // replica's gradient added in the optimiser's pass) and the replica's gradient, through the
    // parameters' storage and the exchange buffers the page copies to and from (the façade's views).
    use autoencoder_playground::train::slice_rows;
    let data = Dataset::default_mnist().unwrap();
    for s in [
        Settings { batch: 64, ..Settings::default() },
        Settings { batch: 64, variant: Variant::Denoising, d: 100, ..Settings::default() },
        Settings { batch: 64, variant: Variant::Contractive, tied: true, ..Settings::default() },
    ] {
        let mut leader = Trainer::new(s.clone(), data.clone()).unwrap();
        let mut replica = Trainer::new(s.clone(), data.clone()).unwrap();
        let mut grads = vec![0f32; leader.grad_len()];
        let mut idx = vec![0u32; 64];
        let mut inputs = vec![0f32; 64 * 784];
        let mut batch = |leader: &mut Trainer, replica: &mut Trainer| {
            let ids = leader.begin_batch().unwrap();
            let m = ids.len();
            idx[..m].copy_from_slice(ids);
            let rows = slice_rows(m, 2, 0); // the replica's; the leader takes the last slice
            let corrupted = leader.batch_inputs(rows.clone()).unwrap().map(|x| {
                inputs[..x.len()].copy_from_slice(x);
                x.len()
            });
            // The parameters cross as the façade's `param_views` copy them, one array at a time.
            let np = grads.len() - autoencoder_playground::train::LOSS_SLOTS;
            leader.params_flat(&mut grads[..np]).unwrap();
            replica.set_params(&grads[..np]).unwrap();
            grads.copy_from_slice(replica.gradient_out(&idx[rows], corrupted.map(|n| &inputs[..n]), m).unwrap());
            leader.own_gradient(slice_rows(m, 2, 1)).unwrap();
            leader.prepare_next().unwrap(); // the next batch's rows, as the page draws them
            leader.exchange().copy_from_slice(&grads);
            leader.apply_with_exchange().unwrap();
        };
        for _ in 0..2 {
            batch(&mut leader, &mut replica); // warm-up: the sum buffer and the optimiser state
        }
        let before = allocs();
        for _ in 0..200 {
            batch(&mut leader, &mut replica);
        }
        let after = allocs();
        assert_eq!(after - before, 0, "{s:?}: {} allocations in 200 data-parallel batches", after - before);
    }
}
