//! A replica's gradient in two parts (`gradient_head`, `gradient_tail`, src/train/shard/flat.rs),
//! as the page's shards compute it so the leader steps the decoder's ranges meanwhile: after the
//! head the decoder's gradient is final in the layers, after the tail the rest; unscaled, and
//! times rows/m the bits of the flat gradient (`gradient_out`). A tail without its head, or after
//! the weights moved, is refused.

use super::*;

#[test]
fn the_unscaled_parts_times_rows_over_m_are_the_flat_gradients_bits() {
    let data = digits();
    for v in VARIANTS {
        let s = settings(v);
        let mut leader = Trainer::new(s.clone(), data.clone()).unwrap();
        leader.step(2).unwrap();
        let idx = leader.begin_batch().unwrap().to_vec();
        let m = idx.len();
        let rows = slice_rows(m, 3, 0); // 22 of 64 rows: a scale that is not a power of two
        let scale = rows.len() as f32 / m as f32;
        let inputs = leader.batch_inputs(rows.clone()).unwrap().map(|x| x.to_vec());
        let p = params(&mut leader);
        let (mut flat, mut raw) = (Trainer::new(s.clone(), data.clone()).unwrap(), Trainer::new(s, data.clone()).unwrap());
        flat.set_params(&p).unwrap();
        raw.set_params(&p).unwrap();
        let want = flat.gradient_out(&idx[rows.clone()], inputs.as_deref(), m).unwrap().to_vec();
        let (n, dec) = (want.len(), raw.decoder_at());
        assert!(0 < dec && dec < n - 3);
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
        raw.gradient_head(&idx[rows.clone()], inputs.as_deref(), m).unwrap();
        unscaled(&mut raw, &mut got, dec..n - 3); // the decoder's, final after the first part
        let parts = raw.gradient_tail().unwrap();
        unscaled(&mut raw, &mut got, 0..dec);
        got[n - 3..].copy_from_slice(&[parts.total * scale, parts.recon * scale, parts.penalty * scale]);
        let same = got.iter().zip(&want).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{v:?}: the unscaled gradient times rows/m is not the flat one");
        assert!(want.iter().any(|&x| x != 0.0) && want[n - 3] > 0.0, "{v:?}: a gradient and a loss");
        assert!(parts.total > want[n - 3], "{v:?}: the loss parts are the slice's own, unscaled");
        // A tail needs its head, once, and weights that did not move in between.
        assert!(raw.gradient_tail().unwrap_err().to_string().contains("gradient_head comes before"));
        raw.gradient_head(&idx[rows.clone()], inputs.as_deref(), m).unwrap();
        raw.for_each_param_storage(|_| {});
        assert!(raw.gradient_tail().is_err(), "{v:?}: the weights may have moved");
    }
}
