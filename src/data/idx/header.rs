//! The IDX header: which file the caller expects ([`Kind`]), the magic number, and every size
//! checked against the limits of [`super`] before the body is read or allocated. Also the
//! small words the parser's messages share (`err`, `bytes`).

use crate::error::{Error, Result};

use super::{MAX_BYTES, MAX_IMAGE_PIXELS, MAX_ITEMS, MAX_SIDE};

/// Which of the two IDX files the caller expects.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Images,
    Labels,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Images => "IDX images file",
            Kind::Labels => "IDX labels file",
        }
    }
    fn ndims(self) -> usize {
        match self {
            Kind::Images => 3,
            Kind::Labels => 1,
        }
    }
    fn sizes_meaning(self) -> &'static str {
        match self {
            Kind::Images => "count, rows, cols",
            Kind::Labels => "count",
        }
    }
    fn items(self) -> &'static str {
        match self {
            Kind::Images => "images",
            Kind::Labels => "labels",
        }
    }
    /// `0x00 0x00 0x08 ndims`.
    fn magic(self) -> u32 {
        0x0000_0800 | self.ndims() as u32
    }
    /// Magic plus one u32 per dimension: 16 bytes for images, 8 for labels.
    pub(super) fn header_len(self) -> usize {
        4 + 4 * self.ndims()
    }
}

/// A checked header: `sizes` is `[n, rows, cols]` (`[n, 1, 1]` for labels), `data_len` their
/// product, at most `MAX_BYTES - header_len`.
pub(super) struct Header {
    pub(super) sizes: [usize; 3],
    pub(super) data_len: usize,
}

pub(super) fn err(kind: Kind, msg: impl std::fmt::Display) -> Error {
    Error::Data(format!("{}: {msg}", kind.what()))
}

/// Checks the magic number and sizes in `head` (the first `header_len` bytes of the file, or
/// fewer if the file is shorter).
pub(super) fn parse_header(head: &[u8], kind: Kind) -> Result<Header> {
    let hl = kind.header_len();
    let expected = kind.magic();
    if head.len() < 4 {
        return Err(err(
            kind,
            format_args!(
                "truncated header: {}, an IDX {} header needs {hl}",
                bytes(head.len()),
                kind.items()
            ),
        ));
    }
    let magic = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    if magic != expected {
        let [z0, z1, ty, nd] = magic.to_be_bytes();
        let found = format!("wrong magic number 0x{magic:08x} (expected 0x{expected:08x})");
        return Err(if z0 != 0 || z1 != 0 {
            err(kind, format_args!("{found}: not an IDX file"))
        } else if ty != 0x08 {
            err(
                kind,
                format_args!(
                    "{found}: element type 0x{ty:02x} ({}), expected 0x08 (unsigned byte)",
                    type_name(ty)
                ),
            )
        } else {
            let hint = match (kind, nd) {
                (Kind::Images, 1) => "; is this the labels file?",
                (Kind::Labels, 3) => "; is this the images file?",
                _ => "",
            };
            err(
                kind,
                format_args!(
                    "{found}: wrong number of dimensions, {nd} instead of {} ({}){hint}",
                    kind.ndims(),
                    kind.sizes_meaning()
                ),
            )
        });
    }
    if head.len() < hl {
        return Err(err(
            kind,
            format_args!(
                "truncated header: {}, an IDX {} header needs {hl}",
                bytes(head.len()),
                kind.items()
            ),
        ));
    }

    let size = |k: usize| {
        u32::from_be_bytes([
            head[4 + 4 * k],
            head[5 + 4 * k],
            head[6 + 4 * k],
            head[7 + 4 * k],
        ]) as usize
    };
    let n = size(0);
    let (rows, cols) = if kind == Kind::Images {
        (size(1), size(2))
    } else {
        (1, 1)
    };
    let items = kind.items();
    if n == 0 {
        return Err(err(kind, format_args!("the header declares zero {items}")));
    }
    if n > MAX_ITEMS {
        return Err(err(
            kind,
            format_args!("the header declares {n} {items}, over the limit of {MAX_ITEMS}"),
        ));
    }
    if rows == 0 || cols == 0 {
        return Err(err(
            kind,
            format_args!("the header declares images of {rows}×{cols} pixels: zero size"),
        ));
    }
    if rows > MAX_SIDE || cols > MAX_SIDE {
        return Err(err(
            kind,
            format_args!("the header declares images of {rows}×{cols} pixels, over the limit of {MAX_SIDE} per side"),
        ));
    }
    if rows * cols > MAX_IMAGE_PIXELS {
        return Err(err(
            kind,
            format_args!(
                "the header declares images of {rows}×{cols} = {} pixels, over the limit of {MAX_IMAGE_PIXELS} per image",
                rows * cols
            ),
        ));
    }
    // In u64 so a 32-bit (wasm) usize cannot wrap; the limits above keep it far from u64::MAX.
    let data_len = (n as u64)
        .checked_mul(rows as u64)
        .and_then(|v| v.checked_mul(cols as u64))
        .ok_or_else(|| {
            err(
                kind,
                format_args!("the declared size {n}×{rows}×{cols} overflows"),
            )
        })?;
    if data_len > (MAX_BYTES - hl) as u64 {
        return Err(err(
            kind,
            format_args!(
                "the header declares {n} {items} of {rows}×{cols} = {data_len} bytes, over the limit of {} MiB",
                MAX_BYTES >> 20
            ),
        ));
    }
    Ok(Header {
        sizes: [n, rows, cols],
        data_len: data_len as usize,
    })
}

/// "1 byte", "7 bytes".
pub(super) fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// The IDX element types, for error messages.
fn type_name(ty: u8) -> &'static str {
    match ty {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0b => "i16",
        0x0c => "i32",
        0x0d => "f32",
        0x0e => "f64",
        _ => "unknown type",
    }
}

