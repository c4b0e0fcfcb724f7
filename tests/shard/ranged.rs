//! The leader's step range by range (`apply_begin`, `apply_range`, `apply_end`,
//! src/train/shard/ranged.rs), as the page takes it while the replicas' gradients come in: the
//! bits of the step at once, the weights it sends on are the model's, and a step refused, cut
//! short or driven out of order changes nothing; the decoder's ranges come first.

use super::*;

/// The page's ranged step: range by range, every replica's part of it copied into the exchange
/// buffer in worker order, all but the last added, the last's stepped; checks that the new
/// weights handed out per range are the model's after the step. `rows`: each replica's rows
/// when its gradient is unscaled (`exchange_rows`), or empty.
pub fn apply_in_ranges(leader: &mut Trainer, grads: &[Vec<f32>], rows: &[usize], most: usize) -> StepStats {
    let ranges = leader.apply_ranges(most).unwrap();
    let mut sent = vec![f32::NAN; leader.grad_len() - autoencoder_playground::train::LOSS_SLOTS];
    leader.apply_begin(true).unwrap();
    for r in ranges {
        for (i, g) in grads.iter().enumerate() {
            if let Some(&rows) = rows.get(i) {
                leader.exchange_rows(rows).unwrap();
            }
            leader.exchange()[r.clone()].copy_from_slice(&g[r.clone()]);
            if i + 1 < grads.len() {
                leader.add_exchange_range(r.clone()).unwrap();
            }
        }
        let new = leader.apply_range(r.clone()).unwrap();
        if r.start < sent.len() {
            sent[r].copy_from_slice(new);
        } else {
            assert!(new.is_empty(), "the loss parts' range has no weights");
        }
    }
    let stats = leader.apply_end().unwrap();
    let now = params(leader);
    assert!(now.iter().zip(&sent).all(|(a, b)| a.to_bits() == b.to_bits()), "the weights sent on are not the model's");
    stats
}

#[test]
fn a_step_in_ranges_trains_the_bits_of_one_step() {
    // Ranges of 777 (cut inside every weight matrix, not a divisor of any length) against
    // apply_with_exchange over the whole gradient: 30 steps, W = 2 and 3, every variant.
    runs_agree_bit_for_bit(&[2, 3], 30, Run { ranges: 0, ..Run::PAGE }, "the step in ranges and at once");
}

#[test]
fn ranges_cut_within_parameters_and_cover_the_flat_gradient_decoder_first() {
    let mut t = Trainer::new(settings(Variant::Standard), digits()).unwrap();
    let n = t.grad_len();
    // d = 30: W1 [30·784], b1 [30], W2 [784·30], b2 [784], then the 3 loss parts.
    let edges = [0, 23520, 23550, 47070, 47854, n];
    assert_eq!(t.decoder_at(), 23550);
    for most in [1000, 30, 23520, usize::MAX] {
        let b = t.apply_ranges(most).unwrap();
        assert!(b.iter().all(|r| r.start < r.end && r.len() <= most), "most {most}: {b:?}");
        assert!(b.iter().all(|r| !edges.iter().any(|&e| r.start < e && e < r.end)), "most {most}: a range crosses a parameter");
        // The decoder's ranges (from 23550), the encoder's, the loss parts; each in flat order.
        let (dec, enc) = (b.iter().take_while(|r| r.start >= 23550).count(), b.iter().filter(|r| r.end <= 23550).count());
        assert_eq!(dec + enc + 1, b.len(), "most {most}: {b:?}");
        assert_eq!(b[dec].start, 0, "most {most}: the encoder follows the decoder");
        let mut sorted = b.clone();
        sorted.sort_by_key(|r| r.start);
        assert!(sorted.windows(2).all(|w| w[0].end == w[1].start) && sorted[0].start == 0 && b[b.len() - 1] == (47854..n));
        assert!(b[..dec].windows(2).chain(b[dec..dec + enc].windows(2)).all(|w| w[0].end == w[1].start), "most {most}");
    }
    assert_eq!(t.apply_ranges(usize::MAX).unwrap(), [23550..47070, 47070..47854, 0..23520, 23520..23550, 47854..n]);
    assert!(t.apply_ranges(0).is_err());
}

/// A trainer after 3 steps with a denoising batch open and summed: its own slice, all of it.
fn summed() -> Trainer {
    let mut t = Trainer::new(settings(Variant::Denoising), digits()).unwrap();
    t.step(3).unwrap();
    let m = t.begin_batch().unwrap().len();
    t.own_gradient(0..m).unwrap();
    t
}

/// The run `summed()` leaves, with its open batch taken by `step(1)` instead: what a step
/// refused or undone must come back to.
fn undone_then_step() -> (Vec<f32>, StepStats) {
    let mut u = Trainer::new(settings(Variant::Denoising), digits()).unwrap();
    u.step(3).unwrap();
    let s = u.step(1).unwrap();
    (params(&mut u), s)
}

#[test]
fn a_step_cut_short_or_out_of_order_is_refused_and_undone() {
    let msg = |e: Error| e.to_string();
    let (want_params, want_stats) = undone_then_step();
    // Out of order, across two parameters, before apply_begin, or ended early: each refused.
    let mut t = summed();
    let b = t.apply_ranges(1000).unwrap();
    assert!(msg(t.apply_range(0..10).unwrap_err()).contains("no step is under way"));
    t.apply_begin(false).unwrap();
    assert!(msg(t.apply_begin(false).unwrap_err()).contains("already under way"));
    // The decoder's first range (W2 from 23550) comes first: not the next one, not the encoder's.
    assert!(msg(t.apply_range(b[1].clone()).unwrap_err()).contains("where the step is at 23550"));
    assert!(msg(t.apply_range(0..1000).unwrap_err()).contains("where the step is at 23550"));
    assert!(msg(t.apply_range(23000..24000).unwrap_err()).contains("where the step is at 23550"));
    t.apply_range(b[0].clone()).unwrap();
    assert!(msg(t.add_exchange_range(23600..23610).unwrap_err()).contains("stepped already"));
    assert!(msg(t.add_exchange_range(0..24000).unwrap_err()).contains("from 23550 are stepped already"));
    t.add_exchange_range(0..10).unwrap(); // the encoder's: not stepped yet
    let stamp = t.params_stamp();
    assert!(msg(t.apply_end().unwrap_err()).contains("every range comes first"));
    assert_eq!(t.params_stamp(), stamp, "nothing was taken");
    // The batch was undone: the run goes on as if it had never begun (Adam's t included).
    assert_eq!(t.step(1).unwrap(), want_stats);
    assert_eq!(params(&mut t), want_params);
    // A range across two parameters, reached in order.
    let mut t = summed();
    t.apply_begin(false).unwrap();
    t.apply_range(23550..47000).unwrap();
    assert!(msg(t.apply_range(47000..47100).unwrap_err()).contains("across two parameters"));
    // The decoder stepped, the encoder's ranges follow from 0; a range running on from the
    // encoder into the decoder (stepped) is not the next one.
    t.apply_range(47000..47070).unwrap();
    t.apply_range(47070..47854).unwrap();
    assert!(msg(t.apply_range(47854..47857).unwrap_err()).contains("where the step is at 0"));
    t.apply_range(0..23500).unwrap();
    assert!(msg(t.apply_range(23500..23600).unwrap_err()).contains("where the step is at 23500"));
    // abort_batch mid-step (a shard lost): undone as well.
    t.abort_batch();
    assert_eq!(t.step(1).unwrap(), want_stats);
    assert_eq!(params(&mut t), want_params);
}

#[test]
fn a_diverged_step_in_ranges_is_undone() {
    // As a_diverged_batch_is_undone, range by range: lr 10, SGD, a linear AE.
    let s = Settings { lr: 10.0, optimizer: "sgd".into(), momentum: 0.0, activation: "linear".into(), ..settings(Variant::Standard) };
    let mut t = Trainer::new(s, digits()).unwrap();
    for _ in 0..200 {
        let before = (params(&mut t), t.params_stamp());
        let m = t.begin_batch().unwrap().len();
        t.own_gradient(0..m).unwrap();
        t.apply_begin(false).unwrap();
        for r in t.apply_ranges(4096).unwrap() {
            t.apply_range(r).unwrap();
        }
        match t.apply_end() {
            Ok(_) => assert_ne!(t.params_stamp(), before.1, "a step taken moves the stamp"),
            Err(e) => {
                assert!(e.to_string().starts_with("training diverged"), "{e}");
                assert_eq!((params(&mut t), t.params_stamp()), (before.0, before.1 + 1), "kept, or the stamp moved by more than params()");
                return;
            }
        }
    }
    panic!("lr 10 with SGD on a linear AE did not diverge in 200 batches");
}

#[test]
fn the_stamp_moves_with_the_parameters_only() {
    let mut t = Trainer::new(settings(Variant::Denoising), digits()).unwrap();
    let s0 = t.params_stamp();
    t.step(1).unwrap();
    let s1 = t.params_stamp();
    assert_ne!(s1, s0, "step");
    // A batch opened, its inputs drawn, summed, the next rows drawn ahead, a range added and
    // stepped: the weights are not the model's yet.
    let m = t.begin_batch().unwrap().len();
    t.batch_inputs(0..m / 2).unwrap();
    t.own_gradient(m / 2..m).unwrap();
    t.prepare_next().unwrap();
    t.add_exchange_range(23550..23650).unwrap();
    t.apply_begin(false).unwrap();
    t.apply_range(23550..23650).unwrap();
    assert_eq!(t.params_stamp(), s1, "nothing was taken yet");
    t.abort_batch();
    assert_eq!(t.params_stamp(), s1, "an undone batch");
    // A mutable way to the weights: their storage, or the model.
    t.for_each_param_storage(|_| {});
    let s2 = t.params_stamp();
    assert_ne!(s2, s1, "for_each_param_storage");
    t.model_mut();
    assert_ne!(t.params_stamp(), s2, "model_mut");
}
