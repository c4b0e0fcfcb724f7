//! A replica's gradient in two parts (`gradient_head`, `gradient_tail`, src/train/shard/flat.rs),
//! as the page's shards compute it so the leader steps the decoder's ranges meanwhile: the head
//! writes the decoder's gradient and nothing else, with the bits of the whole gradient; the tail
//! the rest; a tail without its head, or after the weights moved, is refused.

use super::*;

#[test]
fn the_head_writes_the_decoders_gradient_and_the_tail_the_rest() {
    let data = digits();
    for v in VARIANTS {
        let s = settings(v);
        let mut leader = Trainer::new(s.clone(), data.clone()).unwrap();
        leader.step(2).unwrap();
        let idx = leader.begin_batch().unwrap().to_vec();
        let m = idx.len();
        let rows = slice_rows(m, 2, 0);
        let inputs = leader.batch_inputs(rows.clone()).unwrap().map(|x| x.to_vec());
        let p = params(&mut leader);
        let (mut whole, mut parts) = (Trainer::new(s.clone(), data.clone()).unwrap(), Trainer::new(s, data.clone()).unwrap());
        whole.set_params(&p).unwrap();
        parts.set_params(&p).unwrap();
        let want = whole.gradient_out(&idx[rows.clone()], inputs.as_deref(), m).unwrap().to_vec();
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
