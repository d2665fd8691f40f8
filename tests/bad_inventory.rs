//! Broken inventories: each gives a message naming file, line and column, and exit status 1.

use crate::util::{dir_with, run, triage};

const HEADER: &str =
    "id,department,task,process,annual_hours,class,status,feasible,blocker,reduction_hours\n";

/// Runs `triage run bad.csv` on `bytes` and returns (exit status, stderr).
fn fails_with(bytes: &[u8]) -> (i32, String) {
    let dir = dir_with(&[("bad.csv", bytes)]);
    let r = run(triage(dir.path()).args(["run", "bad.csv", "-o", "out.json", "--format", "json"]));
    assert!(
        r.stdout.is_empty(),
        "no data on stdout for a failed run: {}",
        r.stdout
    );
    assert!(
        !dir.path().join("out.json").exists(),
        "a failed run leaves no output file"
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    (r.code, r.stderr)
}

fn row(rest: &str) -> String {
    format!("{HEADER}1,市民税課,賦課,入力,1000,,,,,\n{rest}")
}

#[test]
fn each_broken_inventory_is_named_and_located() {
    let cases: &[(&str, String, &str)] = &[
        (
            "missing column",
            "id,department,task,process\n1,a,b,c\n".into(),
            "bad.csv:1: required column annual_hours is missing",
        ),
        (
            "not a number",
            row("2,課,業務,処理,abc,,,,,\n"),
            "bad.csv:3:5: column annual_hours: \"abc\" is not a number",
        ),
        (
            "negative",
            row("2,課,業務,処理,-5,,,,,\n"),
            "bad.csv:3:5: column annual_hours: \"-5\" is negative",
        ),
        (
            "infinity",
            row("2,課,業務,処理,inf,,,,,\n"),
            "bad.csv:3:5: column annual_hours: \"inf\" is not a number",
        ),
        (
            "empty hours",
            row("2,課,業務,処理,,,,,,\n"),
            "bad.csv:3:5: column annual_hours: is empty: expected hours a year",
        ),
        (
            "ragged",
            row("2,課,業務,処理\n"),
            "bad.csv:3: the record has 4 fields but the header has 10",
        ),
        (
            "unknown class",
            row("2,課,業務,処理,10,robots,,,,\n"),
            "bad.csv:3:6: column class: \"robots\" is not one of",
        ),
        (
            "unknown status",
            row("2,課,業務,処理,10,,done,,,\n"),
            "bad.csv:3:7: column status: \"done\" is not one of",
        ),
        (
            "bad feasible",
            row("2,課,業務,処理,10,,,maybe,,\n"),
            "bad.csv:3:8: column feasible: \"maybe\" is not one of",
        ),
        (
            "unknown blocker",
            row("2,課,業務,処理,10,,,,budget,\n"),
            "bad.csv:3:9: column blocker: \"budget\" is not one of",
        ),
        (
            "reduction over hours",
            row("2,課,業務,処理,10,,,,,20\n"),
            "bad.csv:3:10: column reduction_hours: \"20\" hours saved is more than",
        ),
        (
            "bad grouping",
            row("2,課,業務,処理,\"1,00\",,,,,\n"),
            "bad.csv:3:5: column annual_hours: \"1,00\" has misplaced thousands separators",
        ),
        (
            "empty process",
            row("2,課,業務,,10,,,,,\n"),
            "bad.csv:3:4: column process: is empty",
        ),
        (
            "duplicate id",
            row("1,課,業務,処理,10,,,,,\n"),
            "bad.csv:3:1: column id: id \"1\" is used again (first at line 2)",
        ),
        (
            "duplicate header",
            "課,department,task,process,hours\n".into(),
            "bad.csv:1:2: column department: \"department\" means the same field",
        ),
        (
            "header only",
            HEADER.into(),
            "bad.csv:1: the file has a header but no processes",
        ),
        ("empty file", String::new(), "bad.csv: the file is empty"),
        (
            "unclosed quote at the end",
            row("2,課,業務,\"処理,10,,,,,\n"),
            "bad.csv:3: the record has 4 fields but the header has 10",
        ),
    ];
    for (name, text, expected) in cases {
        let (code, stderr) = fails_with(text.as_bytes());
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{name}: expected {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn unreadable_encoding_names_line_and_byte() {
    let mut bytes = row("").into_bytes();
    bytes.extend_from_slice(b"2,\xFF\xFE\xFD,x,y,10,,,,,\n");
    let (code, stderr) = fails_with(&bytes);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("bad.csv: line 3, byte column 3: byte 0xFF is not valid UTF-8 (the file reads as UTF-8 up to there)"),
        "{stderr}"
    );
}

#[test]
fn all_problems_of_a_file_are_listed() {
    let text = row("2,課,業務,処理,x,,,,,\n3,課,業務,処理,10,robots,,,,\n4,課,業務,処理,-1,,,,,\n");
    let (code, stderr) = fails_with(text.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("3 problems found"), "{stderr}");
    for line in ["bad.csv:3:5", "bad.csv:4:6", "bad.csv:5:5"] {
        assert!(stderr.contains(line), "{line} missing in {stderr}");
    }
}

#[test]
fn problem_lists_are_capped() {
    let rows: String = (2..200)
        .map(|i| format!("{i},課,業務,処理,bad,,,,,\n"))
        .collect();
    let (code, stderr) = fails_with(row(&rows).as_bytes());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("198 problems found") && stderr.contains("... and 148 more"),
        "{stderr}"
    );
}

#[test]
fn survey_spellings_are_read() {
    let text = "No,課,業務,処理,年間処理時間（H/年間）,定量効果見込,状況,実現可能性,課題\n\
                1,市民税課,賦課,入力,\"64,562\",-,,可,\n\
                2,納税課,滞納,分類,６４５６２,,アウトソーシング済,,\n\
                3,課,業務,処理,\"1,000.5\",500,,不可,標準化\n\
                ,,,,,,,,\n";
    let dir = dir_with(&[("ok.csv", text.as_bytes())]);
    let r = run(triage(dir.path()).args(["run", "ok.csv", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("skipped 1 empty record(s), first at line 5"),
        "{}",
        r.stderr
    );
    let report: crate::util::Report = serde_json::from_str(&r.stdout).unwrap();
    let hours: Vec<f64> = report.processes.iter().map(|p| p.annual_hours).collect();
    assert_eq!(hours, [64562.0, 64562.0, 1000.5]);
    let reasons: Vec<&str> = report
        .processes
        .iter()
        .map(|p| p.reasons[0].code.as_str())
        .collect();
    assert_eq!(
        reasons,
        ["qualitative-only", "already-addressed", "not-feasible"]
    );
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["run", "nowhere.csv"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nowhere.csv: No such file"),
        "{}",
        r.stderr
    );
}

#[test]
fn implausibly_large_hours_are_refused() {
    let (code, stderr) = fails_with(row("2,課,業務,処理,99999999999999999999,,,,,\n").as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("bad.csv:3:5: column annual_hours: \"99999999999999999999\" is more than 1000000000 hours"), "{stderr}");
}

#[test]
fn lines_are_counted_as_an_editor_shows_them_with_crlf_and_blank_lines() {
    let crlf = "id,department,task,process,annual_hours\r\n1,d,t,p,1500\r\n2,d,t,p2,1200\r\n3,d,t,p3,abc\r\n";
    let (_, stderr) = fails_with(crlf.as_bytes());
    assert!(
        stderr.contains("bad.csv:4:5: column annual_hours"),
        "{stderr}"
    );
    let gaps =
        "\nid,department,task,process,annual_hours\n1,d,t,p,1500\n\n\n\n2,d,t,p,abc\n3,d,t,p\n";
    let (_, stderr) = fails_with(gaps.as_bytes());
    assert!(
        stderr.contains("bad.csv:7:5: column annual_hours"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.csv:8: the record has 4 fields"),
        "{stderr}"
    );
    let embedded =
        "id,department,task,process,annual_hours\r\n1,d,t,\"two\r\nlines\",1500\r\n2,d,t,p,x\r\n";
    let (_, stderr) = fails_with(embedded.as_bytes());
    assert!(
        stderr.contains("bad.csv:4:5: column annual_hours"),
        "{stderr}"
    );
}

#[test]
fn a_quoted_cell_closing_a_record_after_blank_lines_is_unescaped() {
    // The fast parser's position stands before the blank lines it skips; the record's quotes
    // must still be found where the record really is.
    for blank in ["\r\n", "\n\n", "\r\n\r\n\r\n"] {
        let eol = if blank.starts_with('\r') {
            "\r\n"
        } else {
            "\n"
        };
        let text = [
            "id,department,task,annual_hours,process",
            "1,d,t,1500,p",
            "",
        ]
        .join(eol)
            + blank
            + &["2,d,t,1200,\"\"", "3,d,t,1100,p3", ""].join(eol);
        let (code, stderr) = fails_with(text.as_bytes());
        let line = 3 + blank.matches('\n').count();
        assert_eq!(code, 1, "{blank:?}");
        assert!(
            stderr.contains(&format!("bad.csv:{line}:5: column process: is empty")),
            "{blank:?}: {stderr}"
        );
    }
}

#[test]
fn a_bad_hours_cell_gives_one_problem_not_two() {
    let (code, stderr) = fails_with(row("2,課,業務,処理,abc,,,,,10\n").as_bytes());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("1 problem found") && !stderr.contains("hours saved is more"),
        "{stderr}"
    );
}
