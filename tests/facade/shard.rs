//! Data-parallel training (src/api/shard.rs): what www/kit/parallel.js and shard-worker.js call.

use super::*;

#[wasm_bindgen_test]
fn a_batch_on_two_workers_matches_one_step() {
    use autoencoder_playground::api::shard_rows;
    let settings = r#"{"d": 8, "batch": 64, "seed": 3, "variant": "denoising"}"#;
    let mut one = Trainer::new(obj(settings), IMAGES, Some(LABELS.to_vec())).unwrap();
    let mut lead = Trainer::new(obj(settings), IMAGES, Some(LABELS.to_vec())).unwrap();
    let (rows, cols) = (lead.image_rows(), lead.image_cols());
    assert_eq!((rows, cols), (28, 28));
    let mut rep = Trainer::replica(obj(settings), lead.train_images(), rows, cols).unwrap();
    let n = lead.grad_len();
    let mut grads = vec![0f32; n];
    for k in 0..3 {
        let idx = lead.begin_batch().unwrap();
        let m = idx.len();
        // As the page: the replica computes the first slice, the leader the last.
        let (a, b) = (shard_rows(m, 2, 0).unwrap(), shard_rows(m, 2, 1).unwrap());
        assert_eq!((a[0], a[1], b[1]), (0, b[0], m as u32), "two slices cover the batch");
        // The parameters cross as views of each parameter's storage, the gradient as views of
        // the trainers' exchange buffers, each copied by one `set`.
        let (from, to) = (lead.param_views(), rep.param_views());
        assert_eq!(from.length(), to.length());
        let mut floats = 0;
        for k in 0..from.length() {
            let (a, b) = (js_sys::Float32Array::from(from.get(k)), js_sys::Float32Array::from(to.get(k)));
            b.set(&a, 0);
            floats += a.length() as usize;
        }
        assert_eq!(floats, n - 3, "the views cover every parameter");
        let inputs = lead.batch_inputs(a[0] as usize, a[1] as usize).unwrap();
        assert!(inputs.is_some(), "the denoising variant ships its corrupted rows");
        let (slice, inputs) = (&idx[..a[1] as usize], inputs.map(|v| v.to_vec()));
        let mut raw_rows = None;
        if k == 2 {
            // In two parts, as the page's shards: the decoder's gradient first, then the rest,
            // each copied unscaled from the views of the layers' gradients (`grad_views`); the
            // leader scales them (`exchange_rows`). The scaled gradient, for comparison.
            let want = rep.gradient_view(slice, inputs.clone(), m).unwrap().to_vec();
            let copy = |views: js_sys::Array, grads: &mut [f32], from: usize, to: usize| {
                let mut at = 0;
                for j in 0..views.length() {
                    let v = js_sys::Float32Array::from(views.get(j));
                    let len = v.length() as usize;
                    if at >= from && at + len <= to {
                        v.copy_to(&mut grads[at..at + len]);
                    }
                    at += len;
                }
                at
            };
            let dec = rep.decoder_at();
            rep.gradient_head(slice, inputs, m).unwrap();
            assert_eq!(copy(rep.grad_views(), &mut grads, dec, n - 3), n - 3, "the views cover every parameter");
            let parts = rep.gradient_tail().unwrap();
            copy(rep.grad_views(), &mut grads, 0, dec);
            grads[n - 3..].copy_from_slice(&parts);
            let scale = a[1] as f32 / m as f32;
            assert!(grads.iter().zip(&want).all(|(g, w)| (g * scale).to_bits() == w.to_bits()), "unscaled times rows/m is the scaled gradient");
            raw_rows = Some(a[1] as usize);
        } else {
            let grad = rep.gradient_view(slice, inputs, m).unwrap();
            assert_eq!(grad.length() as usize, n);
            grad.copy_to(&mut grads); // before the next call into the module (a view)
        }
        lead.own_gradient(b[0] as usize, b[1] as usize).unwrap();
        // The next batch's rows, drawn while the replica would still compute (as the page).
        assert_eq!(lead.prepare_next().unwrap(), 64);
        if let Some(rows) = raw_rows {
            lead.exchange_rows(rows).unwrap();
        }
        lead.exchange_view().copy_from(&grads);
        if k == 1 {
            lead.apply_with_exchange().unwrap(); // the add in the optimiser's pass
        } else if k == 2 {
            // Range by range, as the page's pipelined exchange: each range's new weights.
            let b = lead.apply_ranges(4096).unwrap();
            lead.apply_begin(true).unwrap();
            let stamp = lead.params_stamp();
            for w in b.chunks(2) {
                let new = lead.apply_range(w[0] as usize, w[1] as usize).unwrap();
                assert_eq!(new.length(), if (w[0] as usize) < n - 3 { w[1] - w[0] } else { 0 });
            }
            assert_eq!(lead.params_stamp(), stamp, "not the model's weights before apply_end");
            lead.apply_end().unwrap();
            assert_ne!(lead.params_stamp(), stamp);
        } else {
            lead.add_exchange().unwrap();
            lead.apply_gradient().unwrap();
        }
        one.step(1).unwrap();
    }
    // The sum of two scaled slices is the batch-mean gradient up to rounding (tests/shard.rs
    // bounds the drift natively; here, the same outputs to 1e-5).
    let (x, y) = (lead.reconstruct(&[0, 1, 2]).unwrap(), one.reconstruct(&[0, 1, 2]).unwrap());
    let worst = x.iter().zip(&y).map(|(p, q)| (p - q).abs()).fold(0f32, f32::max);
    assert!(worst < 1e-5, "two workers vs one after 3 batches: {worst}");
    // Refusals: no such worker, buffers of the wrong length; an aborted batch leaves no trace.
    assert!(shard_rows(64, 0, 0).is_err() && shard_rows(64, 2, 2).is_err());
    assert!(lead.add_exchange().is_err(), "no batch is open");
    assert!(lead.prepare_next().is_err(), "no batch is open to draw after");
    assert!(rep.gradient_view(&[0], None, 64).is_err(), "the denoising variant needs its corrupted rows");
    assert!(rep.gradient_tail().is_err(), "no gradient is half done");
    assert!(lead.exchange_rows(1).is_err(), "no batch is open");
    lead.begin_batch().unwrap();
    lead.abort_batch();
    assert_eq!(lead.reconstruct(&[0, 1, 2]).unwrap(), x, "abort_batch undoes the open batch");
}
