#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target
//! The command line, run as a built binary: bad input gives a clear message naming the option and
//! file at fault and a non-zero exit, before any work (no panic, no reading a huge file whole, no
//! training before a `--save` problem shows); `eval` scores ours and PyTorch's weights files.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::data::Dataset;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_autoencoder-playground")).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Fails with exit code ≠ 0, no panic, and a message containing every one of `words`.
fn refuses(o: &Output, words: &[&str]) {
    let e = stderr(o);
    assert!(!o.status.success(), "should have failed; stderr: {e}");
    assert!(!e.contains("panicked"), "panicked: {e}");
    for w in words {
        assert!(e.contains(w), "stderr {e:?} does not say {w:?}");
    }
}

fn lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ae-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Raw IDX images: magic 00 00 08 03, n, rows, cols (big-endian), then the bytes.
fn idx_images(n: usize, rows: usize, cols: usize, pixels: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, 8, 3];
    for s in [n, rows, cols] {
        v.extend((s as u32).to_be_bytes());
    }
    v.extend(pixels);
    v
}

fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, 8, 1];
    v.extend((labels.len() as u32).to_be_bytes());
    v.extend(labels);
    v
}

/// The first `n` built-in digits as IDX files; returns (images path, labels path).
fn small_data(tag: &str, n: usize) -> (String, String) {
    let d = Dataset::default_mnist().unwrap();
    let (i, l) = (tmp(&format!("{tag}-images")), tmp(&format!("{tag}-labels")));
    std::fs::write(&i, idx_images(n, 28, 28, &d.images()[..n * 784])).unwrap();
    std::fs::write(&l, idx_labels(&d.labels()[..n])).unwrap();
    (i.to_string_lossy().into(), l.to_string_lossy().into())
}

#[test]
fn bench_refuses_zero_repeats() {
    refuses(&run(&["bench", "--repeats", "0"]), &["--repeats"]);
}

#[test]
fn a_huge_data_file_is_refused_from_its_header_at_once() {
    // A 3 GB sparse file whose header declares 10 images: refused on size, without reading it.
    let p = tmp("huge");
    let f = std::fs::File::create(&p).unwrap();
    std::io::Write::write_all(&mut &f, &idx_images(10, 28, 28, &[])).unwrap();
    f.set_len(3_000_000_000).unwrap();
    let t0 = Instant::now();
    let o = run(&["train", "--data", p.to_str().unwrap(), "--epochs", "1"]);
    refuses(&o, &["--data", p.to_str().unwrap(), "3000000000 bytes"]);
    assert!(t0.elapsed() < Duration::from_secs(5), "took {:?}", t0.elapsed());
    std::fs::remove_file(&p).unwrap();
    // /dev/zero never ends: its first bytes are not an IDX magic.
    let t0 = Instant::now();
    refuses(&run(&["train", "--data", "/dev/zero", "--epochs", "1"]), &["--data /dev/zero", "not an IDX images file"]);
    assert!(t0.elapsed() < Duration::from_secs(5));
}

#[test]
fn labels_are_insisted_on_where_needed_and_each_file_blamed_by_its_own_path() {
    let (img, lab) = small_data("labels", 40);
    refuses(&run(&["train", "--labels", &lab]), &["--labels needs --data"]);
    // The held-out split needs labels.
    refuses(&run(&["train", "--data", &img, "--eval", "test", "--epochs", "1"]), &["labels"]);
    // A bad labels file is reported under its own path, not the images'.
    let bad = tmp("bad-labels");
    std::fs::write(&bad, b"not a labels file").unwrap();
    let o = run(&["train", "--data", &img, "--labels", bad.to_str().unwrap(), "--epochs", "1"]);
    refuses(&o, &[&format!("--labels {}", bad.display()), "not an IDX labels file"]);
    assert!(!stderr(&o).contains(&img), "blamed the images file: {}", stderr(&o));
    // Counts that differ name both files.
    let short = tmp("short-labels");
    std::fs::write(&short, idx_labels(&[1; 39])).unwrap();
    refuses(&run(&["train", "--data", &img, "--labels", short.to_str().unwrap()]), &[&img, short.to_str().unwrap(), "40 images", "39 labels"]);
    // Without labels it says it runs without them, and runs.
    let o = run(&["train", "--data", &img, "--epochs", "1", "--batch", "8"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("without --labels"));
}

#[test]
fn images_other_than_28x28_are_refused() {
    let p = tmp("27x27");
    std::fs::write(&p, idx_images(2, 27, 27, &[0; 2 * 27 * 27])).unwrap();
    refuses(&run(&["train", "--data", p.to_str().unwrap()]), &["27×27", "28×28"]);
}

#[test]
fn save_problems_show_before_training() {
    let missing = tmp("no-such-dir/model.safetensors");
    let o = run(&["train", "--epochs", "50", "--save", missing.to_str().unwrap()]);
    refuses(&o, &["--save", "cannot write"]);
    assert!(o.stdout.is_empty(), "trained before refusing: {}", String::from_utf8_lossy(&o.stdout));
    let dir = std::env::temp_dir();
    refuses(&run(&["train", "--save", dir.to_str().unwrap()]), &["is a directory"]);
}

#[test]
fn a_diverged_run_exits_nonzero_and_prints_no_nan() {
    // A linear AE under SGD at lr 10 with momentum 0.99 overflows within the first epoch
    // (found by trying; tanh saturates and stays finite).
    let o = run(&["train", "--activation", "linear", "--optimizer", "sgd", "--lr", "10", "--momentum", "0.99", "--epochs", "3"]);
    refuses(&o, &[]);
    assert!(!stderr(&o).is_empty());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("NaN") && !out.contains("null") && !out.contains("inf"), "printed a non-finite result: {out}");
}

#[test]
fn saved_weights_score_the_same_under_eval() {
    let (img, lab) = small_data("save", 300);
    let w = tmp("model.safetensors");
    let o = run(&["train", "--data", &img, "--labels", &lab, "--epochs", "2", "--save", w.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let last = lines(&o).pop().unwrap();
    assert_eq!((last["eval_on"].as_str(), last["eval_n"].as_u64()), (Some("train"), Some(300)));
    let o = run(&["eval", "--weights", w.to_str().unwrap(), "--data", &img]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ev = &lines(&o)[0];
    assert_eq!(ev["sizes"], serde_json::json!([784, 30]));
    assert_eq!((ev["eval_on"].as_str(), ev["eval_n"].as_u64(), ev["epochs"].as_u64()), (Some("all"), Some(300), Some(2)));
    // The same model on the same 300 digits in the same order: the same numbers.
    assert_eq!(ev["eval_mse_clean"], last["eval_mse_clean"]);
    assert_eq!(ev["eval_mse_noisy"], last["eval_mse_noisy"]);
}

#[test]
fn eval_scores_pytorch_files_as_pytorch_did() {
    // expected.json (tests/fixtures/weights, made by PyTorch): nn.MSELoss() over the 10,000 digits.
    let dir = format!("{}/tests/fixtures/weights", env!("CARGO_MANIFEST_DIR"));
    let exp: Value = serde_json::from_slice(&std::fs::read(format!("{dir}/expected.json")).unwrap()).unwrap();
    let f = &exp["files"][0];
    let o = run(&["eval", "--weights", &format!("{dir}/{}", f["file"].as_str().unwrap())]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ev = &lines(&o)[0];
    assert_eq!(ev["sizes"], f["architecture"]["sizes"]);
    assert_eq!(ev["eval_n"].as_u64(), Some(10_000));
    assert!((ev["eval_mse_clean"].as_f64().unwrap() - f["eval_mse_clean"].as_f64().unwrap()).abs() < 1e-5);
    assert!(ev["eval_mse_noisy"].as_f64().unwrap().is_finite());
    refuses(&run(&["eval", "--weights", &format!("{dir}/expected.json")]), &["--weights", "expected.json", "header declares"]);
}

#[test]
fn eval_test_scores_the_held_out_thousand() {
    let o = run(&["train", "--epochs", "1", "--eval", "all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let l = &lines(&o)[0];
    assert_eq!((l["eval_on"].as_str(), l["eval_n"].as_u64(), l["test_n"].as_u64()), (Some("train"), Some(9000), Some(1000)));
    assert!(l["test_mse_clean"].as_f64().unwrap() > 0.0);
}

#[test]
fn gzip_data_and_a_test_data_file_are_read() {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let (img, lab) = small_data("gz", 200);
    let gz = tmp("gz-images.gz");
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(&std::fs::read(&img).unwrap()).unwrap();
    std::fs::write(&gz, e.finish().unwrap()).unwrap();
    let (test_img, _) = small_data("gz-test", 50);
    let o = run(&["train", "--data", gz.to_str().unwrap(), "--labels", &lab, "--test-data", &test_img, "--eval", "test", "--epochs", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let l = &lines(&o)[0];
    // Trained on all 200 digits of --data, scored on the 50 of --test-data.
    assert_eq!((l["eval_on"].as_str(), l["eval_n"].as_u64()), (Some("test"), Some(50)));
    refuses(&run(&["train", "--test-data", &test_img]), &["--test-data is scored only with --eval test or all"]);
}
