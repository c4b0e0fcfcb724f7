#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target
//! The held-out split of the built-in 10,000 digits: deterministic, class-balanced, disjoint,
//! covering, and exactly the rows the rule written in `data::split` names.
#![cfg(not(target_arch = "wasm32"))] // native only: `wasm-pack test` builds every test target

use autoencoder_playground::data::split::{holdout_indices, HOLDOUT_EVERY};
use autoencoder_playground::data::Dataset;

#[test]
fn splits_the_builtin_digits_9000_1000_disjoint_and_covering() {
    let data = Dataset::default_mnist().unwrap();
    let (train, test) = holdout_indices(data.labels());
    assert_eq!((train.len(), test.len()), (9000, 1000));
    let mut seen = vec![0u8; data.len()];
    for &i in train.iter().chain(&test) {
        seen[i as usize] += 1;
    }
    assert!(seen.iter().all(|&c| c == 1), "every row in exactly one part");
    assert!(test.windows(2).all(|w| w[0] < w[1]) && train.windows(2).all(|w| w[0] < w[1]), "increasing order");
    assert_eq!(holdout_indices(data.labels()), (train, test), "deterministic");
}

#[test]
fn each_class_gives_up_a_tenth() {
    let data = Dataset::default_mnist().unwrap();
    let (_, test) = holdout_indices(data.labels());
    for c in 0..10u8 {
        let total = data.labels().iter().filter(|&&l| l == c).count();
        let held = test.iter().filter(|&&i| data.label(i as usize) == c).count();
        assert!(held == total / 10 || held == total.div_ceil(10), "class {c}: {held} of {total} held out");
    }
}

#[test]
fn the_first_held_out_rows_follow_the_written_rule() {
    // Independent rule for class 0 (it comes first in the (label, index) order): the 1st, 11th,
    // 21st, … zero of the file, in file order, are held out.
    let data = Dataset::default_mnist().unwrap();
    let zeros: Vec<u32> = (0..data.len() as u32).filter(|&i| data.label(i as usize) == 0).collect();
    let want: Vec<u32> = zeros.iter().step_by(HOLDOUT_EVERY).take(5).copied().collect();
    let (_, test) = holdout_indices(data.labels());
    let got: Vec<u32> = test.iter().filter(|&&i| data.label(i as usize) == 0).take(5).copied().collect();
    assert_eq!(got, want);
    // And a hand-made case: labels [1,0,0,1,0,…] of 20 rows; sorted: zeros at rows 1,2,4,…
    let labels: Vec<u8> = (0..20).map(|i| (i % 3 == 0) as u8).collect(); // rows 0,3,6,…,18 are 1s
    // zeros: 1,2,4,5,7,8,10,11,13,14,16,17,19 (13 of them) → places 0 and 10: rows 1 and 16;
    // ones: 0,3,6,9,12,15,18 at places 13..19 → place 20 does not exist, so none held out.
    assert_eq!(holdout_indices(&labels).1, vec![1, 16]);
}

#[test]
fn split_holdout_gives_datasets_of_those_rows_and_needs_labels() {
    let data = Dataset::default_mnist().unwrap();
    let (tr, te) = data.split_holdout().unwrap();
    let (train, test) = holdout_indices(data.labels());
    assert_eq!((tr.len(), te.len()), (9000, 1000));
    assert_eq!(te.image(3), data.image(test[3] as usize));
    assert_eq!(tr.label(100), data.label(train[100] as usize));
    let unlabelled = Dataset::from_raw(data.images()[..784 * 20].to_vec(), vec![], 28, 28).unwrap();
    assert!(unlabelled.split_holdout().unwrap_err().to_string().contains("labels"));
}
