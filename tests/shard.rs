//! Native tests of data-parallel training (`train::shard`): the W shard workers of the page are
//! simulated in one process (a leader `Trainer` and W−1 replica `Trainer`s, the messages as
//! copies). The oracle is the one-worker trainer, `Trainer::step(1)`: W = 1 must equal it bit for
//! bit, W > 1 to float rounding (a sum of scaled slices rounds differently from one mean), and a
//! run must repeat bit for bit for a given W.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::data::Dataset;
use autoencoder_playground::error::Error;
use autoencoder_playground::train::{slice_rows, Settings, StepStats, Trainer, Variant};

#[path = "shard/ahead.rs"]
mod ahead;
#[path = "shard/head.rs"]
mod head;
#[path = "shard/ranged.rs"]
mod ranged;

/// 2,000 digits of the committed MNIST file: enough for 50 batches of 64 (one reshuffle at 32).
fn digits() -> Dataset {
    let all = Dataset::default_mnist().unwrap();
    let n = 2000;
    Dataset::from_raw(all.images()[..n * all.dim()].to_vec(), all.labels()[..n].to_vec(), all.rows(), all.cols()).unwrap()
}

fn settings(variant: Variant) -> Settings {
    let mut s = Settings { variant, d: 30, batch: 64, seed: 7, lr: 1e-3, ..Settings::default() };
    if variant == Variant::Denoising {
        s.corruption = "dropout".into();
        s.noise_p = 0.5;
    }
    s
}

/// The parameters of a trainer, flat.
fn params(t: &mut Trainer) -> Vec<f32> {
    let mut p = vec![0.0; t.grad_len() - autoencoder_playground::train::LOSS_SLOTS];
    t.params_flat(&mut p).unwrap();
    p
}

/// Where the leader's slice is: the last (the page's order: every replica's rows are corrupted
/// and sent before the leader's own) or the first.
#[derive(Clone, Copy, PartialEq)]
enum Leader {
    Last,
    First,
}

/// `steps` batches the way the page's workers run them with `w` workers: the leader opens the
/// batch, every replica gets the parameters, its indices and (denoising) its corrupted rows,
/// and the leader's own slice starts the sum, the replicas' gradients added in order. The flat
/// vectors go through the exchange buffers, as the page copies them to and from its shared
/// buffers.
fn run_sharded(s: &Settings, data: &Dataset, w: usize, steps: usize) -> (Vec<f32>, Vec<StepStats>) {
    run_sharded_with(s, data, w, steps, Run::PAGE)
}

/// How a sharded run is driven. `fused`: the last replica's gradient is added in the
/// optimiser's pass (`apply_with_exchange`), else by `add_exchange` before `apply_gradient`.
/// `ahead`: the next batch's rows are drawn after the leader's slice (`prepare_next`).
/// `ranges`: with `fused`, the step is taken range by range (`apply_ranges(ranges)`), each
/// range's gradients added and stepped in turn as the page does when they come in; 0: at once.
/// `raw`: a replica's gradient crosses as its layers hold it (`gradient_head`,
/// `gradient_tail`, `for_each_grad`) and the leader scales it (`exchange_rows`), as the
/// page's shared-memory shards send it; else scaled by the replica (`gradient_out`).
#[derive(Clone, Copy)]
struct Run {
    leader_at: Leader,
    fused: bool,
    ahead: bool,
    ranges: usize,
    raw: bool,
}

impl Run {
    /// The page's way (www/kit/parallel.js; its ranges are longer, the bits the same).
    const PAGE: Run = Run { leader_at: Leader::Last, fused: true, ahead: true, ranges: 777, raw: true };
}

/// Replica `r`'s gradient of `idx` (a slice of a batch of `m`) into the flat `out` as the page's
/// shared-memory shards send it: every parameter's gradient and the loss parts as the replica's
/// layers hold them, not scaled by its share of the batch.
pub fn raw_gradient(r: &mut Trainer, idx: &[u32], inputs: Option<&[f32]>, m: usize, out: &mut [f32]) {
    r.gradient_head(idx, inputs, m).unwrap();
    let parts = r.gradient_tail().unwrap();
    let mut at = 0;
    r.for_each_grad(|g| {
        out[at..at + g.len()].copy_from_slice(g);
        at += g.len();
    });
    out[at..].copy_from_slice(&[parts.total, parts.recon, parts.penalty]);
}

fn run_sharded_with(s: &Settings, data: &Dataset, w: usize, steps: usize, Run { leader_at, fused, ahead, ranges, raw }: Run) -> (Vec<f32>, Vec<StepStats>) {
    // Replica i (0-based) computes slice i, the leader slice w − 1; or the leader slice 0 and replica i slice i + 1.
    let (first_replica, own) = if leader_at == Leader::Last { (0, w - 1) } else { (1, 0) };
    let mut leader = Trainer::new(s.clone(), data.clone()).unwrap();
    let mut replicas: Vec<Trainer> = (1..w).map(|_| Trainer::new(Settings { seed: 999, ..s.clone() }, data.clone()).unwrap()).collect();
    let mut grads = vec![vec![0f32; leader.grad_len()]; w];
    let mut stats = Vec::new();
    for _ in 0..steps {
        let idx = leader.begin_batch().unwrap().to_vec();
        let m = idx.len();
        let p = params(&mut leader); // the leader's parameters, out into the shared buffer
        // Each replica's rows when its gradient crosses unscaled (the leader scales it), else none.
        let mut rows_of = vec![];
        for (i, r) in replicas.iter_mut().enumerate() {
            let rows = slice_rows(m, w, i + first_replica);
            let inputs = leader.batch_inputs(rows.clone()).unwrap().map(|x| x.to_vec());
            r.set_params(&p).unwrap();
            if raw {
                rows_of.push(rows.len());
                raw_gradient(r, &idx[rows], inputs.as_deref(), m, &mut grads[i + 1]);
            } else {
                grads[i + 1].copy_from_slice(r.gradient_out(&idx[rows], inputs.as_deref(), m).unwrap());
            }
        }
        leader.own_gradient(slice_rows(m, w, own)).unwrap();
        if ahead && w > 1 {
            leader.prepare_next().unwrap();
        }
        if fused && w > 1 && ranges > 0 {
            stats.push(ranged::apply_in_ranges(&mut leader, &grads[1..], &rows_of, ranges));
            continue;
        }
        for (k, g) in grads[1..].iter().enumerate() {
            if raw {
                leader.exchange_rows(rows_of[k]).unwrap();
            }
            leader.exchange().copy_from_slice(g);
            if !(fused && k == w - 2) {
                leader.add_exchange().unwrap();
            }
        }
        stats.push(if fused && w > 1 { leader.apply_with_exchange() } else { leader.apply_gradient() }.unwrap());
    }
    (params(&mut leader), stats)
}

/// The one-worker trainer: `step(1)` `steps` times.
fn run_plain(s: &Settings, data: &Dataset, steps: usize) -> (Vec<f32>, Vec<StepStats>) {
    let mut t = Trainer::new(s.clone(), data.clone()).unwrap();
    let stats = (0..steps).map(|_| t.step(1).unwrap()).collect();
    (params(&mut t), stats)
}

/// Two runs trained the same: the same stats and the same parameters, bit for bit.
fn assert_same_bits((a, sa): (Vec<f32>, Vec<StepStats>), (b, sb): (Vec<f32>, Vec<StepStats>), what: &str) {
    assert_eq!(sa, sb, "{what}: losses and positions");
    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()), "{what}: parameters differ");
}

/// For every variant and each worker count of `counts`: `steps` batches the page's way and the
/// way `other` says train the same bits.
fn runs_agree_bit_for_bit(counts: &[usize], steps: usize, other: Run, what: &str) {
    let data = digits();
    for v in VARIANTS {
        let s = settings(v);
        for &w in counts {
            let (page, theirs) = (run_sharded_with(&s, &data, w, steps, Run::PAGE), run_sharded_with(&s, &data, w, steps, other));
            assert_same_bits(page, theirs, &format!("{v:?} W = {w}: {what}"));
        }
    }
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

const VARIANTS: [Variant; 3] = [Variant::Standard, Variant::Denoising, Variant::Contractive];

#[test]
fn slices_cover_the_batch_in_order() {
    for (m, w) in [(256, 2), (64, 3), (5, 4), (1, 1), (17, 17)] {
        let mut next = 0;
        for i in 0..w {
            let r = slice_rows(m, w, i);
            assert_eq!(r.start, next, "m={m} w={w} i={i}");
            assert!(r.len() == m / w || r.len() == m / w + 1, "m={m} w={w} i={i}: {r:?}");
            next = r.end;
        }
        assert_eq!(next, m);
    }
}

#[test]
fn one_worker_is_step_bit_for_bit() {
    let data = digits();
    for v in VARIANTS {
        let s = settings(v);
        assert_same_bits(run_sharded(&s, &data, 1, 50), run_plain(&s, &data, 50), &format!("{v:?}: W = 1 and step(1)"));
    }
}

#[test]
fn several_workers_equal_one_to_float_tolerance() {
    // Tolerance: the slices' sum rounds differently from one mean (relative ~1e-7 per gradient);
    // Adam turns g/√v into steps of about lr = 1e-3, so 50 steps drift by far less than one
    // step. 1e-4 (a tenth of a step) fails for any real mistake (a slice scaled wrongly, a
    // row's mask drawn twice, a replica a step behind: each moves the weights by ≥ one step).
    let data = digits();
    for v in VARIANTS {
        let s = settings(v);
        let (p0, st0) = run_plain(&s, &data, 50);
        for w in [2, 3] {
            let (pw, stw) = run_sharded(&s, &data, w, 50);
            let d = max_abs_diff(&pw, &p0);
            eprintln!("{v:?} W={w}: largest weight difference from W=1 after 50 steps {d:e}");
            assert!(d < 1e-4, "{v:?} W={w}: weights differ by {d} after 50 steps");
            for (a, b) in stw.iter().zip(&st0) {
                assert!((a.loss - b.loss).abs() <= 1e-5 * b.loss.abs().max(1.0), "{v:?} W={w}: loss {} vs {}", a.loss, b.loss);
                assert_eq!((a.epoch, a.batch, a.samples_seen, a.steps), (b.epoch, b.batch, b.samples_seen, b.steps));
            }
        }
    }
}

#[test]
fn a_worker_count_repeats_bit_for_bit() {
    let data = digits();
    for v in VARIANTS {
        let s = settings(v);
        assert_same_bits(run_sharded(&s, &data, 2, 50), run_sharded(&s, &data, 2, 50), &format!("{v:?}: two runs with W = 2"));
    }
}

#[test]
fn the_leaders_slice_first_or_last_trains_the_same_bits() {
    // The leader corrupts rows when a slice is first asked for, always in row order: its slice
    // first or last, the generator draws the same masks for the same rows. With W = 2 the sum
    // is g₀ + g₁ either way (float addition commutes), so the runs agree bit for bit; a mask
    // drawn out of order, or a row filled twice, would not.
    runs_agree_bit_for_bit(&[2], 30, Run { leader_at: Leader::First, ..Run::PAGE }, "the leader's slice last and first");
}

#[test]
fn the_last_add_in_the_optimisers_pass_is_the_same_bits() {
    // apply_with_exchange adds the last replica's gradient as Adam (or SGD) reads the sum:
    // sum[j] + g[j] then the step, the bits of add_exchange then apply_gradient — the losses,
    // weights and moments' effect over 30 steps, W = 2 and 3.
    runs_agree_bit_for_bit(&[2, 3], 30, Run { fused: false, ..Run::PAGE }, "the add fused and apart");
}

#[test]
fn gradients_scaled_by_the_leader_train_the_bits_of_gradients_scaled_by_the_replicas() {
    // The page's shards send their layers' gradients as they are (`gradient_head`) and the
    // leader scales them as it reads them (`exchange_rows`); scaled by each replica
    // (`gradient_out`), the same bits: in ranges, at once, and added apart; W = 2 and 3 (with
    // 3, slices of unequal rows: 64 rows as 22, 21 and 21).
    runs_agree_bit_for_bit(&[2, 3], 30, Run { raw: false, ..Run::PAGE }, "unscaled and scaled replicas' gradients");
    runs_agree_bit_for_bit(&[3], 10, Run { raw: false, ranges: 0, ..Run::PAGE }, "unscaled and scaled, at once");
    runs_agree_bit_for_bit(&[3], 10, Run { raw: false, fused: false, ..Run::PAGE }, "unscaled and scaled, added apart");
}

#[test]
fn an_aborted_batch_leaves_no_trace() {
    // A replica lost mid-batch: the leader undoes the open batch (the generator drew its
    // corruption), and the run goes on as if it had never begun.
    let data = digits();
    let s = settings(Variant::Denoising);
    let mut t = Trainer::new(s.clone(), data.clone()).unwrap();
    t.step(3).unwrap();
    t.begin_batch().unwrap();
    t.own_gradient(0..10).unwrap();
    t.abort_batch();
    let after = t.step(1).unwrap();
    let mut u = Trainer::new(s, data).unwrap();
    u.step(3).unwrap();
    assert_eq!(after, u.step(1).unwrap());
    assert_eq!(params(&mut t), params(&mut u));
}

#[test]
fn a_batch_undone_before_the_leaders_slice_leaves_no_trace() {
    // A batch undone before the leader's own slice (a replica lost while the leader sent the
    // batch) must still put back the generator the corruption drew from.
    let data = digits();
    let s = settings(Variant::Denoising);
    let mut t = Trainer::new(s.clone(), data.clone()).unwrap();
    t.step(3).unwrap();
    let first: Vec<u32> = t.begin_batch().unwrap().to_vec();
    t.abort_batch();
    // And a batch drawn twice (the first undone by the second begin_batch) draws the same rows.
    assert_eq!(t.begin_batch().unwrap(), &first[..]);
    let m = first.len();
    t.own_gradient(0..m).unwrap();
    let sharded = t.apply_gradient().unwrap();
    let mut u = Trainer::new(s, data).unwrap();
    u.step(3).unwrap();
    assert_eq!(sharded, u.step(1).unwrap());
    assert_eq!(params(&mut t), params(&mut u));
}

#[test]
fn misuse_is_refused_with_a_sentence() {
    let data = digits();
    let mut t = Trainer::new(settings(Variant::Denoising), data.clone()).unwrap();
    let n = t.grad_len();
    let msg = |e: Error| e.to_string();
    assert!(msg(t.apply_gradient().unwrap_err()).contains("no batch is open"));
    assert!(msg(t.add_gradient(&vec![0.0; n]).unwrap_err()).contains("no batch is open"));
    assert!(msg(t.set_params(&[1.0, 2.0]).unwrap_err()).contains("needs"));
    let mut out = vec![0.0; n];
    // A corrupting variant needs the leader's rows.
    assert!(msg(t.gradient_of(&[0, 1], None, 2, &mut out).unwrap_err()).contains("corrupted rows"));
    assert!(msg(t.gradient_of(&[5000], Some(&[0.0; 784]), 1, &mut out).unwrap_err()).contains("out of range"));
    assert!(msg(t.gradient_of(&[0, 1], Some(&[0.0; 784]), 2, &mut out).unwrap_err()).contains("input buffer"));
    assert!(msg(t.gradient_of(&[0, 1], Some(&[0.0; 2 * 784]), 2, &mut out[1..]).unwrap_err()).contains("gradient buffer"));
    assert!(msg(t.exchange_rows(1).unwrap_err()).contains("no batch is open"));
    let m = t.begin_batch().unwrap().len();
    assert!(msg(t.batch_inputs(0..m + 1).unwrap_err()).contains("rows"));
    assert!(msg(t.exchange_rows(0).unwrap_err()).contains("0 rows of a batch of 64"));
    assert!(msg(t.exchange_rows(m + 1).unwrap_err()).contains("65 rows of a batch of 64"));
    assert!(msg(t.add_gradient(&[0.0; 3]).unwrap_err()).contains("no batch is open"), "the guard's save comes with own_gradient");
    t.own_gradient(0..m).unwrap();
    assert!(msg(t.add_gradient(&[0.0; 3]).unwrap_err()).contains("gradient buffer"));
}

#[test]
fn a_diverged_batch_is_undone() {
    // lr 10 with SGD blows the weights up within a few batches (as in tests/divergence.rs).
    let data = digits();
    let s = Settings { lr: 10.0, optimizer: "sgd".into(), momentum: 0.0, activation: "linear".into(), ..settings(Variant::Standard) };
    let mut t = Trainer::new(s, data).unwrap();
    for _ in 0..200 {
        let before = params(&mut t);
        let idx = t.begin_batch().unwrap().len();
        t.own_gradient(0..idx).unwrap();
        match t.apply_gradient() {
            Ok(_) => continue,
            Err(e) => {
                assert!(e.to_string().starts_with("training diverged"), "{e}");
                assert_eq!(params(&mut t), before, "the diverged batch was kept");
                return;
            }
        }
    }
    panic!("lr 10 with SGD on a linear AE did not diverge in 200 batches");
}
