//! A replica's gradient in two parts (`gradient_head`, `gradient_tail`, src/train/shard/flat.rs),
//! as the page's shards compute it so the leader steps the decoder's ranges meanwhile: the head
//! writes the decoder's gradient and nothing else, with the bits of the whole gradient; the tail
//! the rest; a tail without its head, or after the weights moved, is refused. The page's shards
//! take the same two parts unscaled (`gradient_head_raw`, `gradient_tail_raw`): scaled by
//! rows/m they are the bits of the flat ones.

use super::*;
use std::ops::Range;

/// The first of `w` slices of a batch a leader opened after 2 steps of variant `v`: its rows and
/// corrupted inputs, its flat gradient from one replica (`want`), and another replica with the
/// same weights that has computed nothing yet (`other`).
struct Slice {
    idx: Vec<u32>,
    m: usize,
    rows: Range<usize>,
    inputs: Option<Vec<f32>>,
    want: Vec<f32>,
    other: Trainer,
}

fn slice(v: Variant, data: &Dataset, w: usize) -> Slice {
    let s = settings(v);
    let mut leader = Trainer::new(s.clone(), data.clone()).unwrap();
    leader.step(2).unwrap();
    let idx = leader.begin_batch().unwrap().to_vec();
    let m = idx.len();
    let rows = slice_rows(m, w, 0);
    let inputs = leader.batch_inputs(rows.clone()).unwrap().map(|x| x.to_vec());
    let p = params(&mut leader);
    let (mut whole, mut other) = (Trainer::new(s.clone(), data.clone()).unwrap(), Trainer::new(s, data.clone()).unwrap());
    whole.set_params(&p).unwrap();
    other.set_params(&p).unwrap();
    let want = whole.gradient_out(&idx[rows.clone()], inputs.as_deref(), m).unwrap().to_vec();
    Slice { idx, m, rows, inputs, want, other }
}

#[test]
fn the_head_writes_the_decoders_gradient_and_the_tail_the_rest() {
    let data = digits();
    for v in VARIANTS {
        let Slice { idx, m, rows, inputs, want, mut other } = slice(v, &data, 2);
        let parts = &mut other;
        let (n, dec) = (want.len(), parts.decoder_at());
        assert!(0 < dec && dec < n - 3);
        parts.exchange().fill(f32::NAN);
        let head = parts.gradient_head(&idx[rows.clone()], inputs.as_deref(), m).unwrap();
        let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same(&head[dec..n - 3], &want[dec..n - 3]), "{v:?}: the decoder's gradient");
        assert!(head[..dec].iter().chain(&head[n - 3..]).all(|x| x.is_nan()), "{v:?}: the head wrote past the decoder");
        let tail = parts.gradient_tail().unwrap();
        assert!(same(tail, &want), "{v:?}: head and tail are not the whole gradient");
        assert!(want.iter().any(|&x| x != 0.0) && want[n - 3] > 0.0, "{v:?}: a gradient and a loss");
        // A tail needs its head, once, and weights that did not move in between.
        assert!(parts.gradient_tail().unwrap_err().to_string().contains("gradient_head comes before"));
        parts.gradient_head(&idx[rows.clone()], inputs.as_deref(), m).unwrap();
        parts.for_each_param_storage(|_| {});
        assert!(parts.gradient_tail().is_err(), "{v:?}: the weights may have moved");
    }
}

#[test]
fn the_unscaled_parts_times_rows_over_m_are_the_flat_gradients_bits() {
    let data = digits();
    for v in VARIANTS {
        // 22 of 64 rows: a scale that is not a power of two.
        let Slice { idx, m, rows, inputs, want, other: mut raw } = slice(v, &data, 3);
        let scale = rows.len() as f32 / m as f32;
        let (n, dec) = (want.len(), raw.decoder_at());
        let mut got = vec![f32::NAN; n];
        let unscaled = |t: &mut Trainer, got: &mut Vec<f32>, span: std::ops::Range<usize>| {
            let mut at = 0;
            t.for_each_grad(|g| {
                for (k, &x) in g.iter().enumerate() {
                    if span.contains(&(at + k)) {
                        got[at + k] = x * scale;
                    }
                }
                at += g.len();
            });
        };
        raw.gradient_head_raw(&idx[rows.clone()], inputs.as_deref(), m).unwrap();
        unscaled(&mut raw, &mut got, dec..n - 3); // the decoder's, final after the first part
        let parts = raw.gradient_tail_raw().unwrap();
        unscaled(&mut raw, &mut got, 0..dec);
        got[n - 3..].copy_from_slice(&[parts.total * scale, parts.recon * scale, parts.penalty * scale]);
        let same = got.iter().zip(&want).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{v:?}: the unscaled gradient times rows/m is not the flat one");
        assert!(parts.total > want[n - 3], "{v:?}: the loss parts are the slice's own, unscaled");
        assert!(raw.gradient_tail_raw().unwrap_err().to_string().contains("gradient_head comes before"));
    }
}
