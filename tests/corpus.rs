//! The broken-inventory corpus (`tests/corpus/`, described in its `cases.toml`): every file is
//! either read, with the warnings it deserves, or refused with messages naming line and column;
//! never a panic, never a partial output. Two cases too large to keep in the repository (a
//! 100 MB field, a quote left open over a long file) are made here.

use crate::util::{Report, dir_with, root, run, triage};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    what: String,
    exit: i32,
    #[serde(default)]
    stderr: Vec<String>,
    processes: Option<usize>,
    hours: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

fn corpus() -> std::path::PathBuf {
    root().join("tests/corpus")
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(corpus().join("cases.toml")).expect("cases.toml");
    toml::from_str::<Cases>(&text)
        .expect("cases.toml parses")
        .case
}

/// Runs `triage run FILE -f json -o OUT` in `dir` and checks what every run must do.
fn check(dir: &Path, file: &str, case: &str) -> (i32, String, Option<Report>) {
    let out_dir = tempfile::tempdir().expect("a temporary directory");
    let out = out_dir.path().join("out.json");
    let out_arg = out.display().to_string();
    let r = run(triage(dir).args(["run", file, "-f", "json", "-o", &out_arg]));
    assert!(!r.stderr.contains("panicked"), "{case}: {}", r.stderr);
    assert!(r.stdout.is_empty(), "{case}: data on stdout: {}", r.stdout);
    let report = match r.code {
        0 => {
            let text = std::fs::read_to_string(&out).expect("a report for a file that reads");
            Some(serde_json::from_str(&text).expect("the report is JSON"))
        }
        _ => {
            assert!(!out.exists(), "{case}: a refused file leaves no output");
            None
        }
    };
    (r.code, r.stderr, report)
}

#[test]
fn every_corpus_file_has_its_expected_outcome() {
    let cases = cases();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    for case in &cases {
        let name = format!("{} ({})", case.file, case.what);
        let (code, stderr, report) = check(&corpus(), &case.file, &name);
        assert_eq!(code, case.exit, "{name}: {stderr}");
        for expected in &case.stderr {
            assert!(
                stderr.contains(expected.as_str()),
                "{name}: expected {expected:?} in:\n{stderr}"
            );
        }
        if case.stderr.is_empty() {
            assert!(stderr.is_empty(), "{name}: unexpected messages:\n{stderr}");
        }
        let Some(report) = report else { continue };
        let processes = report.processes.len();
        assert_eq!(Some(processes), case.processes, "{name}: processes");
        assert_eq!(
            report.summary.processes, processes,
            "{name}: every row once"
        );
        if let Some(hours) = &case.hours {
            let mut read: Vec<(usize, f64)> = report
                .processes
                .iter()
                .map(|p| (p.line, p.annual_hours))
                .collect();
            read.sort_by_key(|&(line, _)| line);
            let read: Vec<f64> = read.into_iter().map(|(_, h)| h).collect();
            assert_eq!(&read, hours, "{name}: hours in input order");
        }
    }
}

#[test]
fn every_corpus_file_is_described() {
    let cases = cases();
    let described: std::collections::BTreeSet<&str> =
        cases.iter().map(|c| c.file.as_str()).collect();
    assert_eq!(described.len(), cases.len(), "a file described twice");
    for entry in std::fs::read_dir(corpus()).expect("the corpus folder") {
        let name = entry.expect("a corpus entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            name == "cases.toml" || described.contains(name.as_ref()),
            "{name} has no case in cases.toml"
        );
    }
}

const HEADER: &str = "id,department,task,process,annual_hours\n";

#[test]
fn a_100_mb_field_is_refused_at_its_line_without_reading_it_all() {
    let mut text = String::with_capacity(101 << 20);
    text.push_str(HEADER);
    text.push_str("1,d,t,p,1500\n2,d,t,\"");
    text.extend(std::iter::repeat_n('x', 100 << 20));
    text.push_str("\",10\n3,d,t,p,abc\n");
    let dir = dir_with(&[("big.csv", text.as_bytes())]);
    drop(text);
    let (code, stderr, _) = check(dir.path(), "big.csv", "100 MB field");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("big.csv:3: the record is longer than 1 MiB, the most one row may hold"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 problem found"),
        "reading stops: {stderr}"
    );
}

#[test]
fn a_quote_left_open_stops_the_reading_where_it_opens() {
    let mut text = String::from(HEADER);
    text.push_str("1,d,t,p,1500\n2,d,t,\"p,10\n");
    for i in 3..200_000 {
        text.push_str(&format!("{i},d,t,p,10\n"));
    }
    let dir = dir_with(&[("open.csv", text.as_bytes())]);
    let (code, stderr, _) = check(dir.path(), "open.csv", "open quote");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("open.csv:3: the record is longer than 1 MiB")
            && stderr.contains("is a quote left open?"),
        "{stderr}"
    );
}
