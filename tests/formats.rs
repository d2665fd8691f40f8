//! CSV, Markdown and file output carry the same analysis as JSON.

use crate::util::{dir_with, json_report, kagoshima_csv, kagoshima_toml, run, triage};

#[test]
fn csv_lists_every_process_in_rank_order() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args([
        "run",
        &kagoshima_csv(),
        "--scenario",
        &kagoshima_toml(),
        "-f",
        "csv",
        "-o",
        "out.csv",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let mut reader = csv::Reader::from_path(dir.path().join("out.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 497);
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row[col("rank")], (k + 1).to_string());
    }
    assert_eq!(&rows[17][col("id")], "18");
    assert_eq!(&rows[17][col("priority")], "high");
    assert_eq!(&rows[17][col("reason_codes")], "payback-within");
    assert_eq!(&rows[17][col("project")], "給与支払報告書エラー処理");
    let json = json_report(
        dir.path(),
        &[&kagoshima_csv(), "--scenario", &kagoshima_toml()],
    );
    for (row, p) in rows.iter().zip(&json.processes) {
        assert_eq!(
            (&row[col("id")], &row[col("priority")]),
            (p.id.as_str(), p.priority.as_str())
        );
    }
}

#[test]
fn markdown_has_the_report_tables() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args([
        "run",
        &kagoshima_csv(),
        "--scenario",
        &kagoshima_toml(),
        "-f",
        "md",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "## Pareto selection",
        "| high | 1 | introduce: quantitative effect, few obstacles |",
        "| excluded: not-feasible | 13 |",
        "## Cost and savings: 給与支払報告書エラー処理",
        "| 4 | R5 | ¥2,750,000 | ¥5,609,276 | ¥14,231,800 | ¥14,958,069 | payback |",
    ] {
        assert!(r.stdout.contains(needle), "{needle} missing:\n{}", r.stdout);
    }
}

#[test]
fn two_runs_give_identical_bytes() {
    let dir = dir_with(&[]);
    for out in ["a.json", "b.json"] {
        let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "-f", "json", "-o", out]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let a = std::fs::read(dir.path().join("a.json")).unwrap();
    assert_eq!(a, std::fs::read(dir.path().join("b.json")).unwrap());
}
