//! IDX files, the format of Yann LeCun's MNIST: a big-endian header (`0x00 0x00`, element type
//! `0x08` = unsigned byte, number of dimensions, then each size as a u32) followed by the
//! elements row-major. Accepts the raw bytes or a gzip stream of them (detected by `1f 8b`).
//!
//! The input is untrusted (the page may hand over any file), so every way it can be wrong is an
//! `Error::Data` saying what was expected and what was found, and nothing here panics. Sizes are
//! checked before anything is allocated; a gzip stream is never inflated past the size its IDX
//! header declares, itself at most [`MAX_BYTES`], so a gzip bomb costs nothing. The header and
//! its limits are checked in `header.rs`; this file reads the body, raw or gzip.

use std::io::{self, Read};

use flate2::bufread::MultiGzDecoder;

use crate::error::{Error, Result};

mod header;
use header::{bytes, err, parse_header, Header, Kind};

// The limits, each checked from the header before anything is allocated. (The header itself has
// a fixed size: 16 bytes for images, 8 for labels; the magic number fixes the dimension count.)

/// Most items (images or labels) a file may declare.
pub const MAX_ITEMS: usize = 10_000_000;
/// Most rows, and most columns, an image may have.
pub const MAX_SIDE: usize = 1024;
/// Most pixels (rows × cols) one image may have: 65,536 (256×256). The first layer of a dense
/// autoencoder holds d × rows·cols weights, so this bounds the model too; MNIST has 784.
pub const MAX_IMAGE_PIXELS: usize = 1 << 16;
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

/// `parse_images` of bytes the caller gives up: a raw file's pixels stay where they are (the
/// 16-byte header moved out of the way), not copied into a second buffer.
pub fn parse_images_owned(bytes: Vec<u8>) -> Result<(usize, usize, usize, Vec<u8>)> {
    let (h, pixels) = parse_owned(bytes, Kind::Images)?;
    Ok((h.sizes[0], h.sizes[1], h.sizes[2], pixels))
}

/// Parses a labels file (magic `0x00000801`, size n), raw or gzip'd. Returns the `[n]` labels
/// as stored (0..9 for MNIST; values are not checked).
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>> {
    parse(bytes, Kind::Labels).map(|(_, labels)| labels)
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

/// `parse` keeping a raw body in `bytes` itself (gzip still inflates into a new buffer).
fn parse_owned(mut bytes: Vec<u8>, kind: Kind) -> Result<(Header, Vec<u8>)> {
    if bytes.is_empty() || bytes.starts_with(&[0x1f, 0x8b]) {
        return parse(&bytes, kind);
    }
    let h = raw_header(&bytes, kind)?;
    bytes.drain(..kind.header_len()); // a move within the buffer: no new memory (fresh pages cost ~1 ms/MB in wasm)
    Ok((h, bytes))
}

fn parse_raw(bytes: &[u8], kind: Kind) -> Result<(Header, Vec<u8>)> {
    // Sizes agree before the one allocation.
    let h = raw_header(bytes, kind)?;
    Ok((h, bytes[kind.header_len()..].to_vec()))
}

/// The header of an uncompressed file, checked against the body after it (exactly the declared bytes).
fn raw_header(bytes: &[u8], kind: Kind) -> Result<Header> {
    let hl = kind.header_len();
    let h = parse_header(&bytes[..bytes.len().min(hl)], kind)?;
    check_body_len(kind, &h, bytes.len() - hl, "after the header")?;
    Ok(h)
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
