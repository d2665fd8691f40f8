//! Broken scenarios: each names the file and the TOML key or line, with exit status 1.

use crate::util::{dir_with, kagoshima_csv, run, triage};

fn fails_with(toml: &str) -> (i32, String) {
    let dir = dir_with(&[("s.toml", toml.as_bytes())]);
    let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "--scenario", "s.toml"]));
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    (r.code, r.stderr)
}

#[test]
fn each_broken_scenario_names_its_key() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "unknown key",
            "horizon_years = 8\nlabour_cost = 3000\n",
            &["s.toml", "line 2", "unknown field `labour_cost`"],
        ),
        (
            "wrong type",
            "labor_cost_per_hour = \"much\"\n",
            &["s.toml", "line 1", "labor_cost_per_hour"],
        ),
        ("syntax", "horizon_years = \n", &["s.toml", "line 1"]),
        (
            "out of range",
            "high_payback_within = 0\n",
            &["s.toml: high_payback_within = 0: must be between 1 and 60"],
        ),
        (
            "rate",
            "[classes.input]\nreduction_rate = 1.5\n",
            &["classes.input.reduction_rate = 1.5"],
        ),
        (
            "unknown class",
            "[classes.robots]\nreduction_rate = 0.5\n",
            &["s.toml", "robots"],
        ),
        (
            "go-live beyond horizon",
            "[classes.input]\ngo_live_year = 9\n",
            &[
                "classes.input.go_live_year = 9: the go-live year must fall within horizon_years = 8",
            ],
        ),
        (
            "discount",
            "discount_rate = 1.5\n",
            &["discount_rate = 1.5"],
        ),
        ("cover", "[pareto]\ncover = 80\n", &["pareto.cover = 80"]),
        (
            "unknown process",
            "[[projects]]\nname = \"x\"\nprocesses = [\"999\"]\n",
            &["s.toml: projects[0].processes: no process with id \"999\""],
        ),
        (
            "costs length",
            "[[projects]]\nname = \"x\"\nprocesses = [\"18\"]\ncosts = [1, 2, 3]\n",
            &["projects[0].costs has 3 amounts: give one per year of the horizon (8)"],
        ),
        (
            "process in two projects",
            "[[projects]]\nname = \"a\"\nprocesses = [\"18\"]\n[[projects]]\nname = \"b\"\nprocesses = [18]\n",
            &["projects[1].processes: process \"18\" is already in project \"a\""],
        ),
    ];
    for (name, toml, expected) in cases {
        let (code, stderr) = fails_with(toml);
        assert_eq!(code, 1, "{name}: {stderr}");
        for e in *expected {
            assert!(stderr.contains(e), "{name}: expected {e:?} in:\n{stderr}");
        }
    }
}

#[test]
fn an_excluded_process_in_a_bundle_is_left_out_with_a_warning() {
    let toml = "[[projects]]\nname = \"bundle\"\nprocesses = [\"18\", \"3\"]\n";
    let dir = dir_with(&[("s.toml", toml.as_bytes())]);
    let r = run(triage(dir.path()).args([
        "run",
        &kagoshima_csv(),
        "--scenario",
        "s.toml",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "project \"bundle\": process \"3\" is excluded (not-feasible) and left out of it"
        ),
        "{}",
        r.stderr
    );
    let report: crate::util::Report = serde_json::from_str(&r.stdout).unwrap();
    let bundle = report.projects.iter().find(|p| p.name == "bundle").unwrap();
    assert_eq!(bundle.processes, ["18"]);
}

#[test]
fn a_shift_jis_scenario_is_read_and_a_broken_one_is_located() {
    let text = "[[projects]]\nname = \"給与支払報告書エラー処理\"\nprocesses = [\"18\"]\nreduction_hours = 2186\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let dir = dir_with(&[
        ("sjis.toml", &sjis),
        ("bad.toml", b"horizon_years = 8\nname = \"\xFF\xFF\"\n"),
    ]);
    let report =
        crate::util::json_report(dir.path(), &[&kagoshima_csv(), "--scenario", "sjis.toml"]);
    assert!(
        report
            .projects
            .iter()
            .any(|p| p.name == "給与支払報告書エラー処理")
    );
    let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "--scenario", "bad.toml"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("bad.toml: line 2, byte column 9: byte 0xFF"),
        "{}",
        r.stderr
    );
}

#[test]
fn default_project_names_never_collide_with_scenario_names() {
    let toml = "[[projects]]\nname = \"15 財務端末への入力\"\nprocesses = [\"18\"]\n";
    let dir = dir_with(&[("s.toml", toml.as_bytes())]);
    let report = crate::util::json_report(dir.path(), &[&kagoshima_csv(), "--scenario", "s.toml"]);
    let mut names: Vec<&str> = report.projects.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"15 財務端末への入力 (2)"), "{names:?}");
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before);
}
