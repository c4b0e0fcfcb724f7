//! The next batch's rows drawn ahead (`prepare_next`, src/train/shard/ahead.rs): taken
//! by the next batch only when the trainer is where they were drawn from, so a run with them is
//! bit for bit a run without them, whatever happened in between.

use super::*;

#[test]
fn rows_drawn_ahead_train_the_same_bits() {
    // 40 batches of 64 over 2,000 digits: an epoch's end (a partial batch of 16, a reshuffle
    // drawn from the generator) falls between a batch and the rows drawn ahead for the next.
    runs_agree_bit_for_bit(&[2, 3], 40, Run { ahead: false, ..Run::PAGE }, "rows drawn ahead and not");
}

/// A denoising trainer after 3 steps with a batch open and summed, the next batch's rows drawn ahead.
fn drawn_ahead(s: &Settings, data: &Dataset) -> Trainer {
    let mut t = Trainer::new(s.clone(), data.clone()).unwrap();
    t.step(3).unwrap();
    let m = t.begin_batch().unwrap().len();
    t.own_gradient(0..m).unwrap();
    assert_eq!(t.prepare_next().unwrap(), 64, "every row of the next batch of 64, the leader's too");
    t
}

#[test]
fn rows_drawn_ahead_of_a_batch_that_did_not_happen_are_dropped() {
    let data = digits();
    let s = settings(Variant::Denoising);
    // What the undone batch must leave: five batches trained by `step`, three then two.
    let reference = || {
        let mut u = Trainer::new(s.clone(), data.clone()).unwrap();
        u.step(3).unwrap();
        let stats = u.step(2).unwrap();
        (params(&mut u), vec![stats])
    };
    // The batch applied: the next batch opens with every row ready, and trained on them it is
    // `step`'s fifth batch (tests/shard.rs: the same bits over whole runs of 2 and 3 workers).
    let mut t = drawn_ahead(&s, &data);
    t.apply_gradient().unwrap();
    next_batch_is_steps(&mut t, &s, &data, 64, 4, "the rows drawn ahead, the leader's too");
    // The batch undone (a replica lost): the next batch is the undone one again, drawn anew.
    let mut t = drawn_ahead(&s, &data);
    t.abort_batch();
    t.begin_batch().unwrap();
    assert_eq!(t.rows_ready(), 0, "the undone batch's successor's rows are dropped");
    let stats = t.step(2).unwrap();
    assert_same_bits((params(&mut t), vec![stats]), reference(), "undone, then step(2)");
    // The batch applied, then trained by `step` instead of the next sharded batch: the rows
    // drawn ahead belong to a batch `step` already trained, and a later batch must not take them.
    let mut t = drawn_ahead(&s, &data);
    t.apply_gradient().unwrap();
    t.step(1).unwrap();
    next_batch_is_steps(&mut t, &s, &data, 0, 5, "rows drawn for a batch step trained are dropped");
}

/// Opens the next batch of `t`, with `ready` of its rows drawn ahead, and trains it on the
/// leader alone: it must be `step`'s batch after `done`, bit for bit.
fn next_batch_is_steps(t: &mut Trainer, s: &Settings, data: &Dataset, ready: usize, done: u32, what: &str) {
    let m = t.begin_batch().unwrap().len();
    assert_eq!(t.rows_ready(), ready, "{what}: rows ready");
    t.own_gradient(0..m).unwrap();
    let stats = t.apply_gradient().unwrap();
    let mut u = Trainer::new(s.clone(), data.clone()).unwrap();
    u.step(done).unwrap();
    assert_eq!(stats, u.step(1).unwrap(), "{what}: the batch as step trains it");
    assert_eq!(params(t), params(&mut u), "{what}");
}

#[test]
fn drawing_ahead_is_refused_out_of_turn() {
    let data = digits();
    let mut t = Trainer::new(settings(Variant::Denoising), data.clone()).unwrap();
    assert!(matches!(t.prepare_next(), Err(Error::Config(_))), "no batch open");
    t.begin_batch().unwrap();
    assert!(matches!(t.prepare_next(), Err(Error::Config(_))), "before own_gradient");
    let mut clean = Trainer::new(settings(Variant::Standard), data).unwrap();
    let m = clean.begin_batch().unwrap().len();
    clean.own_gradient(0..m).unwrap();
    assert_eq!(clean.prepare_next().unwrap(), 0, "a clean variant's workers fill their own rows");
}
