//! What each fuzz target checks, shared by `cargo fuzz` (the targets in `fuzz_targets/`) and by
//! `cargo test`, which replays every kept input in `fuzz/corpus/` and `fuzz/regressions/`.
//!
//! Beyond "never panics", each check has an oracle: an inventory reads the same with any block
//! size, a scenario that is accepted runs, and the plain-decimal fast path agrees with the
//! general number parser.

use triage::classify::RuleTable;
use triage::export::{Format, render};
use triage::inventory::{ReadOptions, read_bytes};
use triage::number::{parse_non_negative, parse_plain};
use triage::scenario::Scenario;

/// Inventory bytes, any encoding: the first byte picks a small block size. A UTF-8 file must
/// read exactly as it does in one block (other encodings are detected from the first block, so
/// a block of a few bytes may see too little to tell); a file that reads is analysed and
/// rendered.
#[allow(dead_code)]
pub fn inventory(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let small = ReadOptions {
        block_size: 1 + usize::from(pick % 64),
        ..Default::default()
    };
    let whole = read_bytes("fuzz.csv", bytes, &ReadOptions::default());
    let split = read_bytes("fuzz.csv", bytes, &small);
    let utf8 = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).is_ok();
    match (&whole, &split) {
        _ if !utf8 => {}
        (Ok(a), Ok(b)) => {
            assert_eq!(a.processes, b.processes);
            assert_eq!((a.rows, a.total_hours), (b.rows, b.total_hours));
            assert_eq!(a.warnings, b.warnings);
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("block size changes the outcome: {whole:?} vs {split:?}"),
    }
    if let Ok(inventory) = whole {
        let scenario = Scenario::builtin();
        if let Ok(analysis) = triage::analyze(inventory, &scenario, &RuleTable::builtin()) {
            for format in [
                Format::Table,
                Format::Csv(Default::default()),
                Format::Json,
                Format::Markdown,
            ] {
                render(&analysis, format, &mut std::io::sink()).expect("rendering to a sink");
            }
        }
    }
}

/// The bundled Kagoshima inventory, which every accepted scenario is run on.
const KAGOSHIMA: &[u8] = include_bytes!("../inventory/kagoshima-2020.csv");

/// Scenario text: refused with a message, or run on the Kagoshima inventory.
#[allow(dead_code)]
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = Scenario::from_toml("fuzz.toml", text) else {
        return;
    };
    let inventory = read_bytes("kagoshima.csv", KAGOSHIMA, &ReadOptions::default())
        .expect("the bundled inventory reads");
    if let Ok(analysis) = triage::analyze(inventory, &scenario, &RuleTable::builtin()) {
        render(&analysis, Format::Json, &mut std::io::sink()).expect("rendering to a sink");
    }
}

/// A cell as text: any number read is finite and not negative, and the fast path for plain
/// decimals gives the same value as the general parser whenever it gives one.
#[allow(dead_code)]
pub fn number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let general = parse_non_negative(text);
    if let Ok(v) = general {
        assert!(v.is_finite() && v >= 0.0, "{text:?} read as {v}");
    }
    if let Some(fast) = parse_plain(data) {
        assert_eq!(general, Ok(fast), "{text:?}");
    }
}
