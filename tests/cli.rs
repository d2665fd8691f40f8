//! Usage errors exit 2 with a message on stderr; help teaches; `defaults` prints usable files.

use crate::util::{dir_with, kagoshima_csv, run, triage};

#[test]
fn usage_errors_exit_2() {
    let dir = dir_with(&[]);
    let csv = kagoshima_csv();
    let cases: &[&[&str]] = &[
        &[],
        &["run"],
        &["frobnicate"],
        &["run", &csv, "--format", "pdf"],
        &["run", &csv, "--cover", "2"],
        &["run", &csv, "--min-hours", "-1"],
    ];
    for args in cases {
        let r = run(triage(dir.path()).args(*args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty() && !r.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn help_teaches_and_exits_0() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["run", "--help"]));
    assert_eq!(r.code, 0);
    for needle in [
        "年間処理時間",
        "Shift_JIS",
        "--scenario",
        "--cover",
        "--format",
    ] {
        assert!(r.stdout.contains(needle), "{needle} missing from help");
    }
    let r = run(triage(dir.path()).arg("--help"));
    assert!(
        r.stdout
            .contains("Exit status: 0 ok, 1 a problem with the data")
    );
}

#[test]
fn printed_defaults_are_valid_inputs() {
    let dir = dir_with(&[]);
    let scenario = run(triage(dir.path()).args(["defaults", "scenario"]));
    let rules = run(triage(dir.path()).args(["defaults", "rules"]));
    assert_eq!((scenario.code, rules.code), (0, 0));
    std::fs::write(dir.path().join("s.toml"), &scenario.stdout).unwrap();
    std::fs::write(dir.path().join("r.toml"), &rules.stdout).unwrap();
    let r = run(triage(dir.path()).args([
        "run",
        &kagoshima_csv(),
        "--scenario",
        "s.toml",
        "--rules",
        "r.toml",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_replaced_rule_table_changes_the_class_and_names_its_rule() {
    let rules =
        "[[rules]]\nname = \"tourism-is-input\"\nclass = \"input\"\nkeywords = [\"観光\"]\n";
    let dir = dir_with(&[("r.toml", rules.as_bytes())]);
    let report = crate::util::json_report(dir.path(), &[&kagoshima_csv(), "--rules", "r.toml"]);
    let tourism = &report.processes[0];
    assert_eq!(tourism.class.as_deref(), Some("input"));
    assert_eq!(
        tourism.class_rule.as_deref(),
        Some("tourism-is-input: \"観光\" in process")
    );
    let building = &report.processes[1];
    assert_eq!(
        (building.class.as_deref(), building.class_rule.as_deref()),
        (Some("other"), Some("no rule matched"))
    );
}

#[test]
fn unwritable_output_is_a_data_error_and_leaves_nothing() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "-o", "no/such/dir/out.csv"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no/such/dir/out.csv: cannot write the output"),
        "{}",
        r.stderr
    );
}

/// A CSV listing carries no summary: the run ends with a line on stderr that counts what the
/// listing holds and what it leaves out, empty records included; `--quiet` leaves it out and
/// the listing is the same either way.
#[test]
fn a_csv_listing_ends_with_a_line_that_accounts_for_every_row() {
    let inventory = "id,department,task,process,annual_hours\n\
                     1,課,業務,入力,1200\n\
                     2,課,業務,照会,300\n\
                     ,,,,\n\
                     3,課,業務,集計,2500.5\n";
    let dir = dir_with(&[("inv.csv", inventory.as_bytes())]);
    let listing = |args: &[&str]| {
        let r = run(triage(dir.path())
            .args(["run", "inv.csv", "-f", "csv"])
            .args(args));
        assert_eq!(r.code, 0, "{}", r.stderr);
        (r.stdout, r.stderr)
    };
    let (selected, stderr) = listing(&["--only-selected"]);
    assert_eq!(selected.lines().count(), 3, "{selected}");
    let warning = "triage: warning: inv.csv: skipped 1 empty record(s), first at line 4\n";
    let stderr = stderr
        .strip_prefix(warning)
        .unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(
        stderr.trim_end(),
        "triage: listed the 2 selected of 3 processes, holding 92.5 % of 4,000.5 h; \
         the other 1 are not listed; high 0, medium 2, low 0, excluded 1; \
         1 empty record(s) skipped."
    );
    let (all, stderr) = listing(&[]);
    assert_eq!(all.lines().count(), 4, "{all}");
    assert!(
        stderr.contains("\ntriage: listed all 3 processes; 2 selected, holding 92.5 %"),
        "{stderr}"
    );
    assert_eq!(
        listing(&["--only-selected", "-q"]),
        (selected, warning.to_string())
    );
}
