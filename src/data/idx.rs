//! IDX files, the format of Yann LeCun's MNIST: a big-endian header (`0x00 0x00`, element type
//! `0x08` = unsigned byte, number of dimensions, then each size as a u32) followed by the
//! elements row-major. Accepts the raw bytes or a gzip stream of them (detected by `1f 8b`).
//!
//! The input is untrusted (the page may hand over any file), so every way it can be wrong is an
//! `Error::Data` saying what was expected and what was found, and nothing here panics. Sizes are
//! checked before anything is allocated; a gzip stream is never inflated past the size its IDX
//! header declares, itself at most [`MAX_BYTES`], so a gzip bomb costs nothing.

use std::io::{self, Read};

use flate2::bufread::MultiGzDecoder;

use crate::error::{Error, Result};

/// Most items (images or labels) a file may declare.
pub const MAX_ITEMS: usize = 10_000_000;
/// Most rows, and most columns, an image may have.
pub const MAX_SIDE: usize = 1024;
/// Most bytes a file may hold once decompressed, header included: 256 MiB.
pub const MAX_BYTES: usize = 256 << 20;

/// Deflate never expands more than 1032:1; bounds the first allocation for a gzip body.
const MAX_DEFLATE_RATIO: usize = 1032;

/// Parses an images file (magic `0x00000803`, sizes n, rows, cols), raw or gzip'd.
/// Returns `(n, rows, cols, pixels)` with `pixels` row-major `[n, rows*cols]`, one byte per pixel.
pub fn parse_images(bytes: &[u8]) -> Result<(usize, usize, usize, Vec<u8>)> {
    let (h, pixels) = parse(bytes, Kind::Images)?;
    Ok((h.sizes[0], h.sizes[1], h.sizes[2], pixels))
}

/// Parses a labels file (magic `0x00000801`, size n), raw or gzip'd. Returns the `[n]` labels
/// as stored (0..9 for MNIST; values are not checked).
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>> {
    parse(bytes, Kind::Labels).map(|(_, labels)| labels)
}

/// Which of the two IDX files the caller expects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
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
    fn header_len(self) -> usize {
        4 + 4 * self.ndims()
    }
}

/// A checked header: `sizes` is `[n, rows, cols]` (`[n, 1, 1]` for labels), `data_len` their
/// product, at most `MAX_BYTES - header_len`.
struct Header {
    sizes: [usize; 3],
    data_len: usize,
}

fn err(kind: Kind, msg: impl std::fmt::Display) -> Error {
    Error::Data(format!("{}: {msg}", kind.what()))
}

fn io_err(kind: Kind, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        err(kind, format_args!("the gzip stream is truncated ({e})"))
    } else {
        err(kind, format_args!("corrupt gzip stream ({e})"))
    }
}

fn parse(bytes: &[u8], kind: Kind) -> Result<(Header, Vec<u8>)> {
    if bytes.is_empty() {
        return Err(err(kind, "the input is empty (0 bytes)"));
    }
    if bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
        parse_gzip(bytes, kind)
    } else {
        parse_raw(bytes, kind)
    }
}

fn parse_raw(bytes: &[u8], kind: Kind) -> Result<(Header, Vec<u8>)> {
    let hl = kind.header_len();
    let h = parse_header(&bytes[..bytes.len().min(hl)], kind)?;
    let body = &bytes[hl..];
    // Sizes agree before the one allocation.
    check_body_len(kind, &h, body.len(), "after the header")?;
    Ok((h, body.to_vec()))
}

fn parse_gzip(bytes: &[u8], kind: Kind) -> Result<(Header, Vec<u8>)> {
    let mut dec = MultiGzDecoder::new(bytes);
    let hl = kind.header_len();
    let mut head = [0u8; 16];
    let got = read_up_to(&mut dec, &mut head[..hl]).map_err(|e| io_err(kind, e))?;
    if got == 0 {
        return Err(err(
            kind,
            "the gzip stream decompresses to nothing (0 bytes)",
        ));
    }
    let h = parse_header(&head[..got], kind)?;

    // Read the body, never more than the header declares; allocate no more than the compressed
    // input could possibly inflate to.
    let mut body = Vec::with_capacity(
        h.data_len
            .min(bytes.len().saturating_mul(MAX_DEFLATE_RATIO)),
    );
    (&mut dec)
        .take(h.data_len as u64)
        .read_to_end(&mut body)
        .map_err(|e| io_err(kind, e))?;
    check_body_len(kind, &h, body.len(), "in the gzip stream after the header")?;

    // The stream must end here: reading on checks the gzip trailer (CRC, length) or finds more.
    let mut probe = [0u8; 1];
    if read_up_to(&mut dec, &mut probe).map_err(|e| io_err(kind, e))? != 0 {
        return Err(err(
            kind,
            format_args!(
                "the gzip stream inflates past the {} bytes its IDX header declares; stopped \
                 reading there (trailing data, or a gzip bomb)",
                hl + h.data_len
            ),
        ));
    }
    Ok((h, body))
}

/// Fills as much of `buf` as the reader gives before its end; returns how many bytes.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Checks the magic number and sizes in `head` (the first `header_len` bytes of the file, or
/// fewer if the file is shorter).
fn parse_header(head: &[u8], kind: Kind) -> Result<Header> {
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

/// The body must hold exactly the declared bytes: fewer is truncation, more is trailing data.
fn check_body_len(kind: Kind, h: &Header, found: usize, where_: &str) -> Result<()> {
    let [n, rows, cols] = h.sizes;
    let declared = match kind {
        Kind::Images => format!("{n} images of {rows}×{cols} = {} bytes", h.data_len),
        Kind::Labels => format!("{n} labels"),
    };
    if found < h.data_len {
        return Err(err(
            kind,
            format_args!(
                "truncated data: the header declares {declared}, but found only {} {where_}",
                bytes(found)
            ),
        ));
    }
    if found > h.data_len {
        return Err(err(
            kind,
            format_args!(
                "{} of trailing data: the header declares {declared}, but found {} {where_}",
                bytes(found - h.data_len),
                bytes(found)
            ),
        ));
    }
    Ok(())
}

/// "1 byte", "7 bytes".
fn bytes(n: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn images(n: u32, rows: u32, cols: u32, body: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        for x in [0x0803, n, rows, cols] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        v.extend_from_slice(body);
        v
    }

    fn msg<T>(r: Result<T>) -> String {
        match r {
            Err(Error::Data(m)) => m,
            Err(e) => panic!("not a data error: {e:?}"),
            Ok(_) => panic!("parsed a bad file"),
        }
    }

    #[test]
    fn parses_a_tiny_raw_file() {
        let (n, r, c, px) = parse_images(&images(2, 1, 3, &[1, 2, 3, 4, 5, 6])).unwrap();
        assert_eq!((n, r, c, px), (2, 1, 3, vec![1, 2, 3, 4, 5, 6]));
    }

    #[test]
    fn size_errors_name_the_problem() {
        assert!(msg(parse_images(&images(0, 28, 28, &[]))).contains("zero"));
        assert!(msg(parse_images(&images(1, 0, 28, &[]))).contains("zero"));
        assert!(msg(parse_images(&images(1, 2000, 28, &[]))).contains("limit"));
        assert!(msg(parse_images(&images(20_000_000, 28, 28, &[]))).contains("limit"));
        assert!(msg(parse_images(&images(1_000_000, 28, 28, &[]))).contains("MiB"));
        assert!(msg(parse_images(&images(2, 1, 3, &[1, 2]))).contains("truncated data"));
        assert!(msg(parse_images(&images(1, 1, 3, &[1, 2, 3, 4]))).contains("trailing"));
    }

    #[test]
    fn header_errors_name_the_problem() {
        assert!(msg(parse_images(&[0, 0])).contains("truncated header"));
        assert!(msg(parse_images(&[0, 0, 8, 3, 0, 0])).contains("truncated header"));
        let m = msg(parse_images(&[0, 0, 8, 1, 0, 0, 0, 1, 7]));
        assert!(m.contains("dimensions") && m.contains("labels file"), "{m}");
        let m = msg(parse_labels(&[0, 0, 0x0d, 1, 0, 0, 0, 1, 7]));
        assert!(m.contains("0x00000d01") && m.contains("0x00000801"), "{m}");
    }
}
