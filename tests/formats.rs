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

#[cfg(unix)]
#[test]
fn output_keeps_links_and_permissions_and_respects_the_umask() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = dir_with(&[("real.csv", b"old"), ("old.csv", b"old")]);
    let path = |name: &str| dir.path().join(name);
    symlink("real.csv", path("link.csv")).unwrap();
    std::fs::set_permissions(path("old.csv"), std::fs::Permissions::from_mode(0o640)).unwrap();
    for out in ["link.csv", "old.csv", "new.csv"] {
        let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "-f", "csv", "-o", out]));
        assert_eq!(r.code, 0, "{out}: {}", r.stderr);
    }
    assert!(
        std::fs::symlink_metadata(path("link.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(path("real.csv"))
            .unwrap()
            .starts_with("id,rank,")
    );
    let mode = |name: &str| std::fs::metadata(path(name)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("old.csv"), 0o640);
    let umask = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:").map(|v| v.trim().to_string()))
        })
        .and_then(|v| u32::from_str_radix(&v, 8).ok());
    if let Some(umask) = umask {
        assert_eq!(
            mode("new.csv"),
            0o666 & !umask,
            "a new report is created like any new file"
        );
    }
}

/// The whole terminal report and Markdown for the bundled data, as a reviewed snapshot.
#[test]
fn report_snapshots() {
    let args = [
        "run",
        "inventory/kagoshima-2020.csv",
        "--scenario",
        "inventory/kagoshima-2020.toml",
    ];
    let table = run(triage(&crate::util::root()).args(args));
    assert_eq!(table.code, 0, "{}", table.stderr);
    insta::assert_snapshot!("kagoshima_table", table.stdout);
    let md = run(triage(&crate::util::root()).args(args).args(["-f", "md"]));
    insta::assert_snapshot!("kagoshima_markdown", md.stdout);
}
