//! Scale: results do not depend on threads, on block size, or on what the reader keeps.

use crate::util::{dir_with, run, triage};
use triage::classify::RuleTable;
use triage::export::Format;
use triage::inventory::{Keep, ReadOptions, read_bytes};
use triage::scenario::{ParetoRule, Scenario};
use triage::{Listing, Ranked, Release, analyze_listing};

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

/// A file on disk is read in ranges by position; standard input by the block reader. With
/// small blocks, many of the ranges' guessed ends fall inside the generated names that hold
/// line breaks, and are corrected.
#[test]
fn a_file_and_standard_input_give_the_same_listing() {
    let dir = generated(40_000);
    let bytes = std::fs::read(dir.path().join("inv.csv")).unwrap();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    assert!(lines > 40_001, "names with line breaks");
    for (threads, block) in [("1", "4096"), ("2", "4096"), ("2", "65536")] {
        let args = |input: &str| {
            let args = [
                "run",
                input,
                "-f",
                "csv",
                "-j",
                threads,
                "--block-size",
                block,
            ];
            args.map(String::from)
        };
        let file = run(triage(dir.path()).args(args("inv.csv")));
        let stdin = run(triage(dir.path())
            .args(args("-"))
            .write_stdin(bytes.clone()));
        assert_eq!(
            (file.code, stdin.code),
            (0, 0),
            "{}{}",
            file.stderr,
            stdin.stderr
        );
        assert!(file.stdout.lines().count() > 40_000);
        assert!(
            file.stdout == stdin.stdout && file.stderr == stdin.stderr,
            "-j {threads}, --block-size {block}"
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

#[test]
fn the_streamed_listing_equals_the_in_memory_one() {
    let mut bytes = Vec::new();
    triage::generate::write_inventory(30_000, 5, &mut bytes).unwrap();
    let scenario = low_floor(Scenario::read_path("inventory/kagoshima-2020.toml").unwrap());
    let rules = RuleTable::builtin();
    // The Kagoshima scenario bundles ids 1, 6, 17, 20, 21, 24 and 32: rows of this file too.
    let inventory = |spill_after| {
        let options = ReadOptions {
            block_size: 65_536,
            spill_after,
            ..Default::default()
        };
        read_bytes("gen.csv", &bytes, &options).unwrap()
    };
    for listing in [Listing::All, Listing::Selected] {
        let analysis = analyze_listing(inventory(None), &scenario, &rules, listing).unwrap();
        let mut in_memory = Vec::new();
        triage::export::render(&analysis, Format::Csv(Default::default()), &mut in_memory).unwrap();
        // Streamed from memory, from disk alone, and from both; the processes written freed
        // or left for the exit.
        let spills = [None, Some(0), Some(400_000)];
        let releases = [Release::Free, Release::AtExit];
        for (spill_after, release) in spills.into_iter().flat_map(|s| releases.map(|r| (s, r))) {
            let kept = inventory(spill_after);
            assert_eq!(kept.spilled.is_some(), spill_after.is_some());
            let ranked = Ranked::new(kept, &scenario, &rules).unwrap();
            let (mut streamed, mut written) = (Vec::new(), 0);
            let progress = &mut |n: u64| written += n;
            let summary = triage::export::stream_csv(
                ranked,
                listing,
                release,
                &mut streamed,
                Default::default(),
                progress,
            )
            .unwrap()
            .summary
            .unwrap();
            assert!(in_memory.len() > 100_000, "{listing:?}");
            let listed = analysis.processes.len();
            assert_eq!(written, listed as u64, "rows reported as written");
            assert_eq!(listed == 30_000, listing == Listing::All, "{listing:?}");
            assert!(
                in_memory == streamed,
                "{listing:?}, spill after {spill_after:?}: the listings differ"
            );
            assert_eq!(summary, analysis.summary, "{listing:?}");
        }
        let bundled = analysis.processes.iter().filter(|o| {
            o.project_name()
                .is_some_and(|name| scenario.projects.iter().any(|p| p.name == name))
        });
        assert!(bundled.count() >= 3, "the scenario's bundles are exercised");
    }
}

/// The Pareto floor at 5 h: low enough for the bundled ids to be selected, high enough to
/// leave rows out.
fn low_floor(mut scenario: Scenario) -> Scenario {
    let rule = ParetoRule {
        min_hours: Some(5.0),
        cover: None,
    };
    scenario.set_pareto(rule).unwrap();
    scenario
}

#[test]
fn spilled_processes_give_the_same_analysis() {
    let mut bytes = Vec::new();
    triage::generate::write_inventory(20_000, 8, &mut bytes).unwrap();
    // Bundles and a shared platform: both read the spilled processes before the listing.
    let text = format!(
        "{}\n{}",
        std::fs::read_to_string("inventory/kagoshima-2020.toml").unwrap(),
        std::fs::read_to_string("scenarios/shared-rpa-licence.toml").unwrap()
    );
    let scenario = low_floor(Scenario::from_toml("joint.toml", &text).unwrap());
    assert!(!scenario.platforms.is_empty() && !scenario.projects.is_empty());
    let rules = RuleTable::builtin();
    let analyse = |spill_after: Option<usize>, listing: Listing| {
        let options = ReadOptions {
            block_size: 32_768,
            spill_after,
            ..Default::default()
        };
        let inventory = read_bytes("gen.csv", &bytes, &options).unwrap();
        assert_eq!(inventory.spilled.is_some(), spill_after.is_some());
        let a = analyze_listing(inventory, &scenario, &rules, listing).unwrap();
        serde_json::to_string(&a).unwrap()
    };
    for listing in [Listing::All, Listing::Selected] {
        let reference = analyse(None, listing);
        assert!(reference.contains("RPA licence"));
        for spill_after in [0, 100_000, 1_000_000] {
            assert!(
                analyse(Some(spill_after), listing) == reference,
                "{listing:?}, spill after {spill_after}"
            );
        }
    }
}

#[test]
fn a_spilled_listing_is_the_same_with_one_thread_and_many() {
    let dir = generated(40_000);
    let listing = |args: &[&str]| {
        let r = run(triage(dir.path())
            .args(["run", "inv.csv", "--only-selected", "-f", "csv"])
            .args(["--block-size", "65536"])
            .args(args));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let reference = listing(&[]);
    assert!(reference.lines().count() > 1_500);
    for args in [
        &["--spill-after", "0", "-j", "1"][..],
        &["--spill-after", "0", "-j", "4"],
        &["--spill-after", "200000", "-j", "2"],
    ] {
        assert!(listing(args) == reference, "{args:?}");
    }
}

#[test]
fn a_repeated_id_is_found_among_spilled_processes() {
    let mut text = String::from("id,department,task,process,annual_hours\n");
    for i in 0..3_000 {
        let id = if i == 2_500 { 7 } else { i };
        text.push_str(&format!("{id},課{},業務{i},処理{i},{}\n", i % 7, 1_000 + i));
    }
    let messages = |spill_after: Option<usize>| {
        let options = ReadOptions {
            block_size: 4_096,
            spill_after,
            ..Default::default()
        };
        match read_bytes("dup.csv", text.as_bytes(), &options) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("the repeated id was not found (spill after {spill_after:?})"),
        }
    };
    let reference = messages(None);
    assert!(reference.contains("dup.csv:2502:1"), "{reference}");
    assert!(
        reference.contains("\"7\" is used again (first at line 9)"),
        "{reference}"
    );
    assert_eq!(messages(Some(0)), reference);
    assert_eq!(messages(Some(50_000)), reference);
}

#[test]
fn a_temporary_file_that_cannot_be_made_is_reported() {
    let dir = generated(5_000);
    let r = run(triage(dir.path())
        .env("TMPDIR", dir.path().join("no-such-directory"))
        .args(["run", "inv.csv", "--only-selected", "-f", "csv"])
        .args(["--spill-after", "0", "-o", "out.csv"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("temporary file") && r.stderr.contains("TMPDIR"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    assert!(!dir.path().join("out.csv").exists(), "no listing is left");
}

/// The id a test file gives row `i` instead of `i`, if any.
type Repeat = dyn Fn(u64) -> Option<String>;

/// Repeated ids are found over every row, not only among those a reading keeps: a file with
/// an id used twice in rows below the listing's floor is refused with the messages a reading
/// that keeps every row gives, whatever the ids look like and wherever the blocks end.
#[test]
fn a_repeated_id_among_rows_not_kept_is_reported_as_when_all_are() {
    let file = |repeat: &Repeat| {
        let mut text = String::from("id,department,task,process,annual_hours\n");
        for i in 0..3_000u64 {
            let id = repeat(i).unwrap_or_else(|| i.to_string());
            let hours = if i % 100 == 0 { 5_000 } else { 10 };
            text.push_str(&format!("{id},課{},業務{i},処理{i},{hours}\n", i % 7));
        }
        text
    };
    let shapes: [(&str, &Repeat); 5] = [
        ("a number used again", &|i| (i == 2_500).then(|| "7".into())),
        ("a text used again", &|i| {
            [7, 2_500].contains(&i).then(|| "A-7".into())
        }),
        ("a kept row's number", &|i| {
            (i == 2_501).then(|| "100".into())
        }),
        ("a numbered run repeated", &|i| {
            (i >= 2_000).then(|| (i - 1_990).to_string())
        }),
        ("leading zeros", &|i| (i == 2_500).then(|| "007".into())),
    ];
    for (shape, repeat) in shapes {
        let text = file(repeat);
        let read = |keep: Keep, block_size, spill_after| {
            let options = ReadOptions {
                keep,
                block_size,
                spill_after,
                ..Default::default()
            };
            read_bytes("dup.csv", text.as_bytes(), &options).map_err(|e| e.to_string())
        };
        let reference = read(Keep::All, 1 << 20, None);
        if shape == "leading zeros" {
            assert!(reference.is_ok(), "007 is not 7");
        } else {
            let message = reference.as_ref().expect_err(shape);
            assert!(message.contains("is used again"), "{shape}: {message}");
        }
        for (block_size, spill_after) in [(1 << 20, None), (4_096, None), (4_096, Some(0))] {
            let listed = Keep::Listed {
                floor: 1_000.0,
                ids: Default::default(),
            };
            let got = read(listed, block_size, spill_after);
            match (&reference, &got) {
                (Ok(all), Ok(listed)) => assert_eq!(all.rows, listed.rows, "{shape}"),
                (Err(all), Err(listed)) => assert_eq!(all, listed, "{shape}"),
                _ => panic!("{shape}, blocks of {block_size}: {reference:?} against {got:?}"),
            }
        }
    }
}

/// The same over ids numbered in no order, as a survey sorted by hours has them: enough of
/// them for the reading to mark numbers in a bitmap instead of sorting them.
#[test]
fn a_repeated_id_among_shuffled_numbers_is_reported_as_when_all_are() {
    const ROWS: u64 = 70_000;
    fn shuffled(i: u64) -> u64 {
        (i * 7_919) % (ROWS + 1) + 1_000
    }
    let shapes: [(&str, &Repeat); 3] = [
        ("no id used again", &|_| None),
        ("a number used again", &|i| {
            (i == 50_000).then(|| shuffled(10).to_string())
        }),
        ("a run over shuffled numbers", &|i| {
            (69_000..69_050)
                .contains(&i)
                .then(|| (i - 68_000).to_string())
        }),
    ];
    for (shape, repeat) in shapes {
        let mut text = String::from("id,department,task,process,annual_hours\n");
        for i in 0..ROWS {
            let id = repeat(i).unwrap_or_else(|| shuffled(i).to_string());
            let hours = if i % 1_000 == 0 { 5_000 } else { 10 };
            text.push_str(&format!("{id},課{},業務,処理{i},{hours}\n", i % 7));
        }
        let read = |keep: Keep, spill_after| {
            let options = ReadOptions {
                keep,
                spill_after,
                ..Default::default()
            };
            read_bytes("dup.csv", text.as_bytes(), &options).map_err(|e| e.to_string())
        };
        let listed = || Keep::Listed {
            floor: 1_000.0,
            ids: Default::default(),
        };
        // The ids' keys all in memory, all on disk, and some of each.
        for spill_after in [None, Some(0), Some(1_200_000)] {
            match (read(Keep::All, None), read(listed(), spill_after)) {
                (Ok(all), Ok(listed)) if shape == "no id used again" => {
                    assert_eq!(all.rows, listed.rows);
                }
                (Err(all), Err(listed)) if shape != "no id used again" => {
                    assert!(all.contains("is used again"), "{shape}: {all}");
                    assert_eq!(all, listed, "{shape}, spill after {spill_after:?}");
                }
                (all, listed) => panic!("{shape}: {all:?} against {listed:?}"),
            }
        }
    }
}

/// The same over ids that are not numbers, each of which takes a key: with the keys past the
/// budget on disk, a repeat is found as when all are held, and memory holds no more of them
/// than the budget allows.
#[test]
fn a_repeated_text_id_among_keys_on_disk_is_reported_as_when_all_are() {
    const ROWS: u64 = 40_000;
    for repeat in [None, Some((3_000, 39_000)), Some((39_998, 39_999))] {
        let mut text = String::from("id,department,task,process,annual_hours\n");
        for i in 0..ROWS {
            let id = match repeat {
                Some((first, again)) if i == again => format!("KG-{first}"),
                _ => format!("KG-{i}"),
            };
            let hours = if i % 1_000 == 0 { 5_000 } else { 10 };
            text.push_str(&format!("{id},課{},業務,処理{i},{hours}\n", i % 7));
        }
        let read = |keep: Keep, spill_after| {
            let options = ReadOptions {
                keep,
                block_size: 65_536,
                spill_after,
                ..Default::default()
            };
            read_bytes("dup.csv", text.as_bytes(), &options).map_err(|e| e.to_string())
        };
        let reference = read(Keep::All, None);
        assert_eq!(reference.is_err(), repeat.is_some(), "{repeat:?}");
        for spill_after in [None, Some(0), Some(600_000)] {
            let listed = Keep::Listed {
                floor: 1_000.0,
                ids: Default::default(),
            };
            match (&reference, read(listed, spill_after)) {
                (Ok(all), Ok(listed)) => assert_eq!(all.rows, listed.rows),
                (Err(all), Err(listed)) => {
                    assert!(all.contains("is used again"), "{all}");
                    assert_eq!(all, &listed, "{repeat:?}, spill after {spill_after:?}");
                }
                (all, listed) => panic!("{repeat:?}: {all:?} against {listed:?}"),
            }
        }
    }
}

#[test]
fn the_command_refuses_a_repeated_id_below_the_floor_with_only_selected() {
    let mut text = String::from("id,department,task,process,annual_hours\n");
    text.push_str("1,課,業務,処理,5000\n2,課,業務,処理,10\n2,課,業務,処理,20\n");
    refused_alike(
        &text,
        &[],
        "dup.csv:4:1: column id: id \"2\" is used again (first at line 3)",
    );
}

/// Runs `triage run dup.csv -f csv` on `text` with `extra` arguments, with and without
/// `--only-selected`: both must refuse the file with the same messages, `expected` among them.
fn refused_alike(text: &str, extra: &[&str], expected: &str) {
    let dir = dir_with(&[("dup.csv", text.as_bytes())]);
    let args = |only: bool| {
        let mut args = vec!["run", "dup.csv", "-f", "csv", "-o", "out.csv"];
        args.extend(extra);
        args.extend(only.then_some("--only-selected"));
        args
    };
    let (all, selected) = (
        run(triage(dir.path()).args(args(false))),
        run(triage(dir.path()).args(args(true))),
    );
    assert_eq!((all.code, selected.code), (1, 1), "{}", selected.stderr);
    assert!(all.stderr.contains(expected), "{}", all.stderr);
    assert_eq!(all.stderr, selected.stderr);
}

/// A file read by ranges, its ids texts that all go to disk: a repeat below the floor is
/// reported as a reading that keeps every row reports it.
#[test]
fn the_command_finds_a_repeated_text_id_among_keys_on_disk() {
    let mut text = String::from("id,department,task,process,annual_hours\n");
    for i in 0..20_000 {
        let id = if i == 15_000 {
            "KG-700".to_string()
        } else {
            format!("KG-{i}")
        };
        let hours = if i % 500 == 0 { 5_000 } else { 10 };
        text.push_str(&format!("{id},課{},業務,処理{i},{hours}\n", i % 7));
    }
    let small = [
        "--block-size",
        "16384",
        "--spill-after",
        "0",
        "--threads",
        "2",
    ];
    let expected = "dup.csv:15002:1: column id: id \"KG-700\" is used again (first at line 702)";
    refused_alike(&text, &small, expected);
}

/// A reading that stops at an overlong record counts no row after it: an id repeated after it
/// is not reported, whether the ids' keys were held or went to disk before the stop was known.
#[test]
fn ids_after_an_overlong_record_do_not_count_with_keys_on_disk() {
    let mut text = String::from("id,department,task,process,annual_hours\n");
    for i in 0..2_000 {
        text.push_str(&format!("A-{i},課,業務,処理{i},10\n"));
    }
    text.push_str(&format!("A-x,課,業務,{},10\n", "長".repeat(350_000)));
    for i in 0..20_000 {
        let id = if i == 19_000 { 15_000 } else { i };
        text.push_str(&format!("B-{id},課,業務,処理{i},10\n"));
    }
    let dir = dir_with(&[]);
    let stderr = |spill_after: &str| {
        let r = run(triage(dir.path())
            .args(["run", "-", "--only-selected", "-f", "csv", "-o", "out.csv"])
            .args(["--block-size", "65536", "--spill-after", spill_after])
            .write_stdin(text.clone()));
        assert_eq!(r.code, 1, "{}", r.stderr);
        r.stderr
    };
    let held = stderr("1000000000");
    assert!(held.contains("longer than 1 MiB"), "{held}");
    assert!(!held.contains("more than once"), "{held}");
    assert_eq!(stderr("0"), held);
}

#[test]
fn a_comma_in_a_tab_separated_inventory_is_quoted_in_the_streamed_listing() {
    // Split on tabs, a record without quotes may hold commas: its cells must still be quoted.
    let text = "id\tdepartment\ttask\tprocess\tannual_hours\n1\t課\t業務\t入力,確認\t5000\n";
    let dir = dir_with(&[("tab.tsv", text.as_bytes())]);
    let out = run(triage(dir.path()).args([
        "run",
        "tab.tsv",
        "--only-selected",
        "-f",
        "csv",
        "-o",
        "out.csv",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listing = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    let row = listing.lines().nth(1).unwrap();
    assert!(row.starts_with("1,1,課,,業務,\"入力,確認\","), "{row}");
    assert!(
        row.contains(",\"1 入力,確認\","),
        "the project's name is quoted too: {row}"
    );
}
