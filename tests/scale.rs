//! Scale: results do not depend on threads, on block size, or on what the reader keeps.

use crate::util::{dir_with, run, triage};
use triage::classify::RuleTable;
use triage::inventory::{Keep, ReadOptions, read_bytes};
use triage::scenario::Scenario;
use triage::{Listing, analyze_listing};

/// A generated inventory in a temporary directory, as `inv.csv`.
fn generated(rows: u64) -> tempfile::TempDir {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args([
        "gen",
        "--rows",
        &rows.to_string(),
        "--seed",
        "3",
        "-o",
        "inv.csv",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

#[test]
fn output_is_identical_with_one_thread_and_many() {
    let dir = generated(40_000);
    for threads in ["1", "2", "4"] {
        let out = format!("sel-{threads}.csv");
        let r = run(triage(dir.path()).args([
            "run",
            "inv.csv",
            "--only-selected",
            "-f",
            "csv",
            "-j",
            threads,
            "--block-size",
            "65536",
            "-o",
            &out,
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let one = std::fs::read(dir.path().join("sel-1.csv")).unwrap();
    assert!(one.len() > 500_000);
    for other in ["sel-2.csv", "sel-4.csv"] {
        assert!(
            one == std::fs::read(dir.path().join(other)).unwrap(),
            "{other} differs from sel-1.csv"
        );
    }
}

#[test]
fn streaming_selection_equals_the_in_memory_listing() {
    let dir = generated(40_000);
    let full = run(triage(dir.path()).args(["run", "inv.csv", "-f", "csv"]));
    let selected = run(triage(dir.path()).args([
        "run",
        "inv.csv",
        "--only-selected",
        "-f",
        "csv",
        "--block-size",
        "65536",
    ]));
    assert_eq!(
        (full.code, selected.code),
        (0, 0),
        "{} {}",
        full.stderr,
        selected.stderr
    );
    let rows = |text: &str| {
        csv::Reader::from_reader(text.as_bytes())
            .into_records()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
    };
    let (full, selected) = (rows(&full.stdout), rows(&selected.stdout));
    assert_eq!(full.len(), 40_000);
    assert!(selected.len() > 1_500 && selected.len() < full.len());
    assert_eq!(
        selected[..],
        full[..selected.len()],
        "the selected processes lead the full ranking, unchanged"
    );
    assert_eq!(
        &full[selected.len()][8],
        "false",
        "and the next one is not selected"
    );
    let summary = |args: &[&str]| {
        let r = run(triage(dir.path())
            .args(["run", "inv.csv", "-f", "json", "--block-size", "65536"])
            .args(args));
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        (v["summary"].clone(), v["projects"].clone())
    };
    assert_eq!(
        summary(&[]),
        summary(&["--only-selected"]),
        "summary and projects agree"
    );
}

#[test]
fn block_size_and_keeping_do_not_change_the_analysis() {
    let mut bytes = Vec::new();
    triage::generate::write_inventory(10_000, 11, &mut bytes).unwrap();
    let scenario = Scenario::builtin();
    let rules = RuleTable::builtin();
    let analyse = |block_size: usize, keep: Keep, listing: Listing| {
        let options = ReadOptions {
            keep,
            block_size,
            ..Default::default()
        };
        let inventory = read_bytes("gen.csv", &bytes, &options).unwrap();
        let a = analyze_listing(inventory, &scenario, &rules, listing).unwrap();
        serde_json::to_string(&a).unwrap()
    };
    let listed = Keep::Listed {
        floor: 1000.0,
        ids: Default::default(),
    };
    let reference = analyse(4 << 20, Keep::All, Listing::Selected);
    assert!(
        bytes.iter().filter(|&&b| b == b'"').count() > 10,
        "the file exercises quoting"
    );
    for block_size in [997, 4096, 65_536] {
        assert_eq!(
            analyse(block_size, Keep::All, Listing::Selected),
            reference,
            "block size {block_size}"
        );
        assert_eq!(
            analyse(block_size, listed.clone(), Listing::Selected),
            reference,
            "kept above the floor, block size {block_size}"
        );
    }
}
