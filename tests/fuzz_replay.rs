//! Every input the fuzzers kept (`fuzz/corpus/`) and every crash they found, once fixed
//! (`fuzz/regressions/`), run through the same checks as the fuzz targets (`fuzz/checks.rs`),
//! so that `cargo test` keeps a fixed crash fixed without a nightly toolchain.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

/// Runs `check` on every file under `fuzz/corpus/TARGET` and `fuzz/regressions/TARGET`;
/// returns how many there were.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a fuzz input").path();
            let bytes = std::fs::read(&path).expect("read a fuzz input");
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "{} fails its check", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn inventory_inputs_replay() {
    assert!(
        replay("inventory", checks::inventory) > 0,
        "no inventory inputs kept"
    );
}

#[test]
fn scenario_inputs_replay() {
    assert!(
        replay("scenario", checks::scenario) > 0,
        "no scenario inputs kept"
    );
}

#[test]
fn number_inputs_replay() {
    assert!(
        replay("number", checks::number) > 0,
        "no number inputs kept"
    );
}
