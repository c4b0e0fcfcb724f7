//! Malformed and hostile IDX input, raw and gzip: every defect a clear `Error::Data` naming it,
//! a gzip bomb refused without inflating it, and no byte string that makes a parser panic.

use super::*;

#[test]
fn every_malformed_images_file_is_a_clear_error() {
    let good = images_idx(2, 3, 4, &pseudo_bytes(1, 24));
    let flipped_crc = {
        let mut g = gzip(&good);
        let at = g.len() - 8; // the CRC32 of the gzip trailer
        g[at] ^= 0xff;
        g
    };
    let corrupt_deflate = {
        let mut g = gzip(&good);
        g[12] ^= 0xff; // inside the deflate data (the default header is 10 bytes)
        g[13] ^= 0x55;
        g
    };
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("empty", vec![], &["empty"]),
        ("1 byte", vec![0], &["truncated header"]),
        ("3 bytes of magic", vec![0, 0, 8], &["truncated header"]),
        ("magic only", vec![0, 0, 8, 3], &["truncated header"]),
        ("header cut", good[..13].to_vec(), &["truncated header"]),
        ("gzip header cut", gzip(&good[..13]), &["truncated header"]),
        (
            "data cut",
            good[..good.len() - 1].to_vec(),
            &["truncated data"],
        ),
        ("header only", good[..16].to_vec(), &["truncated data"]),
        (
            "gzip data cut",
            gzip(&good[..good.len() - 5]),
            &["truncated data"],
        ),
        ("trailing byte", [&good[..], &[0]].concat(), &["trailing"]),
        (
            "gzip trailing byte",
            gzip(&[&good[..], &[0]].concat()),
            &["trailing", "bomb"],
        ),
        ("PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), &["magic"]),
        (
            "text",
            b"hello, world, this is not IDX".to_vec(),
            &["magic"],
        ),
        ("labels file", labels_idx(&[1, 2, 3]), &["dimensions"]),
        (
            "2 dimensions",
            idx_bytes(0x0802, &[2, 12], &[0; 24]),
            &["dimensions"],
        ),
        (
            "f32 elements",
            idx_bytes(0x0d03, &[1, 1, 1], &[0; 4]),
            &["element type", "magic"],
        ),
        ("zero images", images_idx(0, 28, 28, &[]), &["zero"]),
        ("zero rows", images_idx(1, 0, 28, &[]), &["zero"]),
        ("zero cols", images_idx(1, 28, 0, &[]), &["zero"]),
        (
            "too many images",
            images_idx(10_000_001, 1, 1, &[]),
            &["limit"],
        ),
        (
            "u32::MAX images",
            images_idx(u32::MAX, u32::MAX, u32::MAX, &[]),
            &["limit"],
        ),
        ("rows over 1024", images_idx(1, 1025, 28, &[]), &["limit"]),
        ("cols over 1024", images_idx(1, 28, 1025, &[]), &["limit"]),
        // 400,000 x 28 x 28 = 313.6 MB: each size within its limit, the product over 256 MiB.
        (
            "over 256 MiB",
            images_idx(400_000, 28, 28, &[0; 100]),
            &["limit"],
        ),
        (
            "gzip over 256 MiB",
            gzip(&images_idx(400_000, 28, 28, &[0; 100])),
            &["limit"],
        ),
        (
            "gzip of nothing",
            gzip(&[]),
            &["0 bytes", "empty", "nothing"],
        ),
        (
            "not gzip after 1f 8b",
            vec![0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            &["gzip"],
        ),
        (
            "gzip cut",
            {
                let g = gzip(&good);
                g[..g.len() / 2].to_vec()
            },
            &["gzip", "truncated"],
        ),
        (
            "gzip without trailer",
            {
                let g = gzip(&good);
                g[..g.len() - 8].to_vec()
            },
            &["gzip", "truncated"],
        ),
        ("gzip bad CRC", flipped_crc, &["gzip"]),
        (
            "gzip corrupt deflate",
            corrupt_deflate,
            &["gzip", "truncated", "magic"],
        ),
        (
            "gzip + garbage",
            [gzip(&good), b"garbage!".to_vec()].concat(),
            &["gzip"],
        ),
    ];
    for (what, bytes, words) in &cases {
        let msg = data_err(what, idx::parse_images(bytes));
        assert_says(what, &msg, words);
        assert!(msg.starts_with("IDX images file: "), "{what}: {msg}");
        // The same bytes as a data set fail the same way.
        assert_eq!(data_err(what, Dataset::from_idx(bytes, None)), msg);
    }
    let wrong = data_err("PNG", idx::parse_images(b"\x89PNG\r\n\x1a\n"));
    assert!(
        wrong.contains("0x89504e47") && wrong.contains("0x00000803"),
        "says what it found and expected: {wrong}"
    );
}

#[test]
fn every_malformed_labels_file_is_a_clear_error() {
    let good = labels_idx(&[0, 1, 2, 3, 4]);
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("empty", vec![], &["empty"]),
        ("header cut", good[..6].to_vec(), &["truncated header"]),
        (
            "data cut",
            good[..good.len() - 2].to_vec(),
            &["truncated data"],
        ),
        ("trailing", [&good[..], &[1, 2]].concat(), &["trailing"]),
        ("images file", images_idx(1, 1, 1, &[0]), &["dimensions"]),
        (
            "wrong magic",
            idx_bytes(0xdead_beef, &[1], &[0]),
            &["magic"],
        ),
        ("zero labels", labels_idx(&[]), &["zero"]),
        (
            "too many labels",
            idx_bytes(0x0801, &[10_000_001], &[]),
            &["limit"],
        ),
        (
            "corrupt gzip",
            vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff],
            &["gzip"],
        ),
    ];
    for (what, bytes, words) in &cases {
        let msg = data_err(what, idx::parse_labels(bytes));
        assert_says(what, &msg, words);
        assert!(msg.starts_with("IDX labels file: "), "{what}: {msg}");
    }
    assert!(idx::parse_labels(&good).is_ok() && idx::parse_labels(&gzip(&good)).is_ok());
}

#[test]
fn images_and_labels_must_agree() {
    let images = images_idx(3, 2, 2, &[0; 12]);
    let msg = data_err(
        "3 images, 2 labels",
        Dataset::from_idx(&images, Some(&labels_idx(&[1, 2]))),
    );
    assert_says("count mismatch", &msg, &["3 images", "2 labels"]);
    let msg = data_err("bad labels", Dataset::from_idx(&images, Some(&[1, 2, 3])));
    assert_says("bad labels", &msg, &["labels file"]);
    assert!(Dataset::from_idx(&images, Some(&labels_idx(&[1, 2, 3]))).is_ok());

    let raw = |images: Vec<u8>, labels: Vec<u8>, r, c| {
        data_err("from_raw", Dataset::from_raw(images, labels, r, c))
    };
    assert_says("zero rows", &raw(vec![0; 4], vec![], 0, 2), &["1 to 1024"]);
    assert_says(
        "huge cols",
        &raw(vec![0; 4], vec![], 1, 5000),
        &["1 to 1024"],
    );
    assert_says("no images", &raw(vec![], vec![], 2, 2), &["whole, nonzero"]);
    assert_says(
        "partial image",
        &raw(vec![0; 5], vec![], 2, 2),
        &["whole, nonzero"],
    );
    assert_says(
        "label count",
        &raw(vec![0; 8], vec![1, 2, 3], 2, 2),
        &["2 images but 3 labels"],
    );
}

/// A header declaring 100 28x28 images, followed by 300 MiB of zeros: the gzip stream is
/// about 300 KiB, and the parser stops after the declared 78,416 bytes instead of inflating it all.
#[test]
fn a_gzip_bomb_is_refused_without_inflating_it() {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(&images_idx(100, 28, 28, &[])).unwrap();
    io::copy(&mut io::repeat(0).take(300 << 20), &mut e).unwrap();
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 1 << 20, "the bomb is {} bytes", bomb.len());

    let start = std::time::Instant::now();
    let msg = data_err("bomb", idx::parse_images(&bomb));
    assert_says("bomb", &msg, &["gzip bomb"]);
    assert!(msg.contains("78416"), "{msg}");
    assert!(
        start.elapsed().as_secs_f64() < 1.0,
        "took {:?}",
        start.elapsed()
    );

    // A stream of zeros: refused at its first 4 bytes (wrong magic), whatever its length.
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    io::copy(&mut io::repeat(0).take(300 << 20), &mut e).unwrap();
    assert_says(
        "zeros",
        &data_err("zeros", idx::parse_labels(&e.finish().unwrap())),
        &["magic"],
    );
}

/// Cuts and flips every byte of small valid files, raw and gzip'd, then feeds random bytes:
/// the parsers must return (Ok or Err), never panic.
#[test]
fn no_input_makes_the_parsers_panic() {
    let images = images_idx(3, 4, 5, &pseudo_bytes(3, 60));
    let labels = labels_idx(&[3, 1, 4, 1, 5]);
    let inputs = [images.clone(), gzip(&images), labels.clone(), gzip(&labels)];
    let try_all = |bytes: &[u8]| {
        let _ = idx::parse_images(bytes);
        let _ = idx::parse_labels(bytes);
        let _ = Dataset::from_idx(bytes, Some(bytes));
        let _ = Dataset::from_idx(&images, Some(bytes));
    };
    let mut cases = 0;
    for input in &inputs {
        for cut in 0..=input.len() {
            try_all(&input[..cut]);
            cases += 1;
        }
        for pos in 0..input.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut b = input.clone();
                b[pos] ^= mask;
                try_all(&b);
                try_all(&b[..pos + 1]);
                cases += 2;
            }
        }
    }
    // Random files, some with a valid magic and plausible sizes.
    for seed in 0..2000u64 {
        let len = (seed as usize * 7919) % 120;
        let mut b = pseudo_bytes(seed + 11, len);
        if seed % 3 == 0 && len >= 4 {
            b[..4].copy_from_slice(&[0, 0, 8, if seed % 2 == 0 { 3 } else { 1 }]);
        }
        try_all(&b);
        try_all(&gzip(&b));
        cases += 2;
    }
    assert!(cases > 5000);
}
