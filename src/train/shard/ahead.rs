//! The next batch's rows, drawn ahead. While the leader waits for the replicas' gradients it
//! fills and corrupts every row of the next batch, the replicas' and its own (`prepare_next`),
//! from copies of the cursor and the generator advanced as `apply_gradient`
//! will leave them. `begin_batch` takes those rows only when the live cursor and generator are
//! exactly where the copies started, so the rows and every later draw are `step`'s bit for bit;
//! otherwise (the step was refused or undone, or the trainer moved on another way) they are
//! dropped and drawn again when asked for.

use crate::corruption::Corruption;
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::train::{fill_rows, Trainer};
use ndarray::Array2;

/// The next batch's rows drawn ahead, with where they were drawn from.
#[derive(Debug, Default)]
pub(super) struct Ahead {
    /// Rows `[0, rows)` of the next batch are in the buffers; 0 when none are.
    rows: usize,
    /// The cursor as `apply_gradient` leaves it (on the next batch).
    cursor: Option<Cursor>,
    /// The generator as `apply_gradient` leaves it, before the rows' draws ...
    rng_open: Option<Rng>,
    /// ... and after them.
    rng_after: Option<Rng>,
    /// Clean, corrupted and mask rows, `[b, n]` like the trainer's (allocated at first use,
    /// then swapped with the trainer's when taken).
    xb: Array2<f32>,
    xc: Array2<f32>,
    mask: Array2<f32>,
}

/// `to ← from`, reusing `to`'s allocation after the first call.
fn copy_into<'a, T: Clone>(to: &'a mut Option<T>, from: &T) -> &'a mut T {
    match to {
        Some(t) => {
            t.clone_from(from);
            t
        }
        none => none.insert(from.clone()),
    }
}

impl Trainer {
    /// Leader, after `own_gradient`: fills and corrupts every row of the next batch, in row
    /// order (the replicas' slices, then the leader's own, the last), so the next batch sends
    /// the replicas theirs as soon as it opens and the leader's own slice starts on its
    /// products. The leader draws them while it would otherwise wait for the replicas (its own
    /// rows there took ~0.3 ms of a 2-worker d = 500 batch, on the batch's critical path).
    /// Returns the rows drawn: 0 for a clean variant (every worker fills its own rows). The open
    /// batch's rows nobody asked for are drawn first, as `apply_gradient` would.
    pub fn prepare_next(&mut self) -> Result<usize> {
        if !self.shard.summed {
            return Err(Error::Config("no batch is summed: begin_batch and own_gradient come before prepare_next".into()));
        }
        self.shard.ahead.rows = 0;
        if self.corruption == Corruption::None {
            return Ok(0);
        }
        let m = self.shard.m;
        self.fill_batch_rows(m..m);
        let a = &mut self.shard.ahead;
        let cursor = copy_into(&mut a.cursor, &self.cursor);
        let rng = copy_into(&mut a.rng_after, &self.rng);
        cursor.advance(rng);
        copy_into(&mut a.rng_open, rng);
        let rows = cursor.next_batch().len();
        if a.xb.dim() != self.xb.dim() {
            (a.xb, a.xc, a.mask) = (Array2::zeros(self.xb.dim()), Array2::zeros(self.xb.dim()), Array2::zeros(self.xb.dim()));
        }
        let bufs = (a.xb.as_slice_mut().unwrap(), a.xc.as_slice_mut().unwrap(), a.mask.as_slice_mut().unwrap());
        fill_rows(&self.data, self.scaling, self.corruption, cursor.next_batch(), 0..rows, rng, bufs);
        a.rows = rows;
        Ok(rows)
    }

    /// Leader: rows `[0, k)` of the open batch that are already filled and corrupted (drawn
    /// ahead, or asked for since it opened); 0 when no batch is open.
    pub fn rows_ready(&self) -> usize {
        if self.shard.drawn { self.shard.corrupted } else { 0 }
    }

    /// `begin_batch`'s part: the rows drawn ahead become the open batch's when the live cursor
    /// and generator are where they were drawn from (the generator then moves past their
    /// draws); how many rows are ready (0: none, they are dropped).
    pub(super) fn take_ahead(&mut self) -> usize {
        let a = &mut self.shard.ahead;
        let rows = std::mem::take(&mut a.rows);
        if rows == 0 || a.cursor.as_ref() != Some(&self.cursor) || a.rng_open.as_ref() != Some(&self.rng) {
            return 0;
        }
        std::mem::swap(&mut self.xb, &mut a.xb);
        std::mem::swap(&mut self.xc, &mut a.xc);
        std::mem::swap(&mut self.mask, &mut a.mask);
        self.rng.clone_from(a.rng_after.as_ref().expect("drawn rows have their generator"));
        rows
    }
}
