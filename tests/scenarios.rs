//! The scenario tools: the portfolio evaluator agrees with `triage run`, and compare, sweep,
//! simulate and budget give the figures a person can check by hand from MODEL.md.

use crate::util::{dir_with, kagoshima_csv, kagoshima_toml, run, triage};
use proptest::prelude::*;
use serde_json::Value;
use triage::classify::RuleTable;
use triage::inventory::{self, ReadOptions};
use triage::portfolio::Portfolio;
use triage::priority::Effect;
use triage::scenario::Scenario;

/// The Kagoshima scenario's text with `labor_cost_per_hour` replaced.
pub fn kagoshima_with(key: &str, value: &str) -> String {
    let text = std::fs::read_to_string(kagoshima_toml()).expect("the bundled scenario");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} =")))
        .expect("the key is in the bundled scenario");
    text.replacen(line, &format!("{key} = {value}"), 1)
}

/// A run's projects and priority counts equal the portfolio's for the same scenario.
fn agrees_with_run(inventory_bytes: &[u8], scenario: &Scenario) -> Result<(), TestCaseError> {
    let dir = dir_with(&[("inv.csv", inventory_bytes)]);
    let path = dir.path().join("inv.csv").display().to_string();
    let rules = RuleTable::builtin();
    let read = || inventory::read_path(&path, &ReadOptions::default()).expect("readable");
    let analysis = triage::analyze(read(), scenario, &rules).expect("a run");
    let portfolio = Portfolio::new(read(), &rules);
    let shape = portfolio.shape(scenario).expect("a shape");
    let evaluation = portfolio.evaluate(&shape, scenario).expect("figures");
    prop_assert_eq!(analysis.projects.len(), shape.projects.len());
    for (run, (project, figures)) in analysis
        .projects
        .iter()
        .zip(shape.projects.iter().zip(&evaluation.figures))
    {
        let facts = &figures.assessment.facts;
        prop_assert_eq!(&*run.name, portfolio.project_name(project, scenario));
        prop_assert_eq!(run.priority, figures.priority);
        prop_assert_eq!(run.payback_year, facts.payback_year);
        let hours = match facts.effect {
            Effect::Hours(h) => Some(h),
            _ => None,
        };
        prop_assert_eq!(run.reduction_hours, hours);
        prop_assert_eq!(run.npv, hours.map(|_| facts.npv));
        let share = figures.assessment.platform.map(|s| s.total);
        prop_assert_eq!(run.platform.as_ref().map(|s| s.yen), share);
    }
    prop_assert_eq!(analysis.summary.by_priority, evaluation.totals.by_priority);
    prop_assert_eq!(analysis.summary.selected, evaluation.totals.selected);
    Ok(())
}

#[test]
fn portfolio_agrees_with_run_on_kagoshima() {
    let bytes = std::fs::read(kagoshima_csv()).expect("the bundled inventory");
    let bundled = std::fs::read_to_string(kagoshima_toml()).expect("the bundled scenario");
    let platform = "\n[[platforms]]\nname = \"RPA\"\nclasses = [\"automation\", \"input\"]\n\
                    initial_cost = 2000000\nannual_cost = 1000000\n";
    for scenario in [
        Scenario::read_path(&kagoshima_toml()).expect("the bundled scenario"),
        Scenario::builtin(),
        Scenario::from_toml("p.toml", &(bundled + platform)).expect("a valid scenario"),
    ] {
        agrees_with_run(&bytes, &scenario).expect("agreement");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn portfolio_agrees_with_run_on_generated_inventories(
        seed in 0u64..1000,
        rows in 1u64..400,
        labor in 500i64..6000,
        rate in 0.0f64..1.0,
        min_hours in prop::option::of(0.0f64..3000.0),
        cover in prop::option::of(0.05f64..1.0),
        within in 1u32..8,
        discount in 0.0f64..0.1,
        platform in prop::option::of((0i64..5_000_000, 0usize..3)),
    ) {
        let mut bytes = Vec::new();
        triage::generate::write_inventory(rows, seed, &mut bytes).expect("generated");
        let cover = if min_hours.is_none() && cover.is_none() { Some(0.8) } else { cover };
        let mut text = format!(
            "labor_cost_per_hour = {labor}\nhigh_payback_within = {within}\ndiscount_rate = {discount}\n\
             [classes.automation]\nreduction_rate = {rate}\n[pareto]\n"
        );
        if let Some(h) = min_hours { text.push_str(&format!("min_hours = {h}\n")); }
        if let Some(c) = cover { text.push_str(&format!("cover = {c}\n")); }
        if let Some((annual, which)) = platform {
            let classes = ["[\"automation\"]", "[\"input\", \"judgment\"]", "[\"other\", \"analytics\"]"];
            text.push_str(&format!(
                "[[platforms]]\nname = \"P\"\nclasses = {}\nannual_cost = {annual}\n",
                classes[which]
            ));
        }
        let scenario = Scenario::from_toml("s.toml", &text).expect("a valid scenario");
        agrees_with_run(&bytes, &scenario)?;
    }
}

fn json(args: &[&str], files: &[(&str, &[u8])]) -> Value {
    let dir = dir_with(files);
    let r = run(triage(dir.path()).args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("JSON")
}

#[test]
fn compare_shows_totals_and_the_processes_that_change() {
    let labour = kagoshima_with("labor_cost_per_hour", "2400");
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let report = json(
        &[
            "compare",
            &csv,
            "-s",
            &toml,
            "-s",
            "l2400.toml",
            "-f",
            "json",
        ],
        &[("l2400.toml", labour.as_bytes())],
    );
    let totals = |i: usize| report["scenarios"][i]["totals"].clone();
    assert_eq!(totals(0)["by_priority"]["high"], 1);
    assert_eq!(totals(1)["by_priority"]["high"], 0);
    assert_eq!(totals(1)["selected"], 36);
    // Project 1 (process 18) at 2,400 yen/h: by year 4 it saves 2,186 x 2,400 x (8/12 + 2)
    // = 13,990,400 yen against 14,231,800 of cost, by year 5 19,236,800 against 16,981,800:
    // payback moves from year 4 to 5 and the priority from high to medium. Over 8 years it
    // saves 2,186 x 2,400 x (8/12 + 6) = 34,976,000, so NPV = 34,976,000 - 25,231,800.
    let changes = report["changes"].as_array().expect("changes");
    let p18 = changes
        .iter()
        .find(|c| c["id"] == "18")
        .expect("process 18 changes");
    let (base, new) = (&p18["outcomes"][0], &p18["outcomes"][1]);
    assert_eq!(
        (base["priority"].as_str(), base["payback_year"].as_u64()),
        (Some("high"), Some(4))
    );
    assert_eq!(
        (new["priority"].as_str(), new["payback_year"].as_u64()),
        (Some("medium"), Some(5))
    );
    assert_eq!(base["npv"], 37_395_173 - 25_231_800);
    assert_eq!(new["npv"], 34_976_000 - 25_231_800);
    assert_eq!(new["reasons"][0]["code"], "late-payback");
    for c in changes {
        let (a, b) = (&c["outcomes"][0], &c["outcomes"][1]);
        assert!(a["priority"] != b["priority"] || a["payback_year"] != b["payback_year"]);
    }
}

#[test]
fn compare_writes_every_format() {
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let labour = kagoshima_with("labor_cost_per_hour", "2400");
    let dir = dir_with(&[("l2400.toml", labour.as_bytes())]);
    for format in ["table", "md", "csv"] {
        let r = run(triage(dir.path()).args([
            "compare",
            &csv,
            "-s",
            &toml,
            "-s",
            "l2400.toml",
            "-f",
            format,
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains("給与支払報告書エラー処理"),
            "{format}: {}",
            r.stdout
        );
    }
    let r = run(triage(dir.path()).args(["compare", &csv, "-s", "l2400.toml", "-f", "csv"]));
    assert_eq!(r.code, 0, "one scenario is compared with the built-in one");
    assert!(r.stdout.contains(",built-in,"), "{}", r.stdout);
}

#[test]
fn sweep_finds_the_break_even_values_of_project_one() {
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let report = json(
        &[
            "sweep",
            &csv,
            "-s",
            &toml,
            "--vary",
            "labor_cost_per_hour=1500..3500",
            "--vary",
            "projects[給与支払報告書エラー処理].reduction_hours=1000..3000",
            "-f",
            "json",
        ],
        &[],
    );
    let key = |name: &str| {
        let keys = report["keys"].as_array().expect("keys");
        keys.iter()
            .find(|k| k["key"] == name)
            .expect("the key")
            .clone()
    };
    let flip = |k: &Value, kind: &str| {
        let flips = k["flips"].as_array().expect("flips");
        let f = flips
            .iter()
            .find(|f| f["project"] == "給与支払報告書エラー処理" && f["change"]["kind"] == kind);
        f.expect("a flip of project 1")["at"]
            .as_f64()
            .expect("a value")
    };
    // Project 1 costs 25,231,800 yen over 8 years and saves 2,186 h x rate x (8/12 + 6):
    // NPV >= 0 from 25,231,800 / 14,573.33 = 1,731.4 yen/h, so from 1,732 (at 1,731 it saves
    // 2,522,644 + 6 x 3,783,966 = 25,226,440; at 1,732, 25,241,013).
    let labour = key("labor_cost_per_hour");
    assert_eq!(flip(&labour, "npv-zero"), 1732.0);
    // High priority needs payback by year 4: 2,186 x rate x (8/12 + 2) >= 14,231,800, so
    // rate >= 2,441.4: at 2,441 it saves 14,229,422 by year 4, at 2,442 14,235,252.
    assert_eq!(flip(&labour, "priority"), 2442.0);
    // At 2,566 yen/h the hours that pay back over 8 years: 25,231,800 / (2,566 x 20/3) = 1,474.97.
    let hours = key("projects[給与支払報告書エラー処理].reduction_hours");
    let at = flip(&hours, "npv-zero");
    assert!((1474.96..1474.98).contains(&at), "{at}");
    // The tornado data: NPV at both ends, widest swing first.
    assert_eq!(report["keys"][0]["key"], "labor_cost_per_hour");
    let points = labour["points"].as_array().expect("points");
    assert_eq!(points.len(), 11);
    assert_eq!(labour["npv_at_from"], points[0]["totals"]["npv"]);
}

#[test]
fn sweep_refuses_bad_keys_before_reading() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["sweep", "missing.csv", "--vary", "labour=1..2"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("\"labour\" is not a numeric scenario key"),
        "{}",
        r.stderr
    );
    let r = run(triage(dir.path()).args(["sweep", "missing.csv", "--vary", "discount_rate=0..2"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("discount_rate = 2"), "{}", r.stderr);
}

#[test]
fn simulate_matches_the_probabilities_computed_by_hand() {
    // Labour rate triangular from 1,000 to 3,000 yen/h with its mode at 1,000: P(rate >= x)
    // = ((3,000 - x) / 2,000)^2. Project 1 pays back within 8 years from 1,732 yen/h
    // (P = 0.402) and within 4 years from 2,442 yen/h (P = 0.078).
    let uncertain = kagoshima_with(
        "labor_cost_per_hour",
        "{ low = 1000, mode = 1000, high = 3000 }",
    );
    let csv = kagoshima_csv();
    let args = |threads: &'static str| -> Vec<String> {
        [
            "simulate", &csv, "-s", "u.toml", "--draws", "20000", "--seed", "7", "-f", "json",
            "-j", threads,
        ]
        .map(String::from)
        .to_vec()
    };
    let dir = dir_with(&[("u.toml", uncertain.as_bytes())]);
    let one = run(triage(dir.path()).args(args("1")));
    let two = run(triage(dir.path()).args(args("2")));
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, two.stdout, "the thread count changes nothing");
    let report: Value = serde_json::from_str(&one.stdout).expect("JSON");
    let projects = report["projects"].as_array().expect("projects");
    let p1 = projects
        .iter()
        .find(|p| p["project"] == "給与支払報告書エラー処理")
        .expect("project 1");
    let share = |key: &str| p1[key].as_f64().expect("a share");
    assert!(
        (share("payback_within_horizon") - 0.402).abs() < 0.015,
        "{p1}"
    );
    assert!((share("payback_within_high") - 0.078).abs() < 0.015, "{p1}");
    assert_eq!(share("payback_within_high"), share("high_priority"));
    // NPV is linear in the rate: the median rate 3,000 - 2,000 x sqrt(0.5) = 1,585.8 yen/h
    // gives 2,186 x 1,585.8 x 20/3 - 25,231,800 = -2,122,000 or so.
    let p50 = p1["npv"]["p50"].as_i64().expect("NPV P50");
    assert!((p50 + 2_122_000).abs() < 250_000, "{p50}");
    let p10 = p1["npv"]["p10"].as_i64().unwrap();
    let p90 = p1["npv"]["p90"].as_i64().unwrap();
    assert!(p10 < p50 && p50 < p90);
}

#[test]
fn simulate_needs_ranges_and_refuses_them_where_they_make_no_sense() {
    let csv = kagoshima_csv();
    let dir = dir_with(&[
        ("none.toml", b"labor_cost_per_hour = 3000\n"),
        (
            "cut.toml",
            b"[pareto]\nmin_hours = { low = 500, high = 1500 }\n",
        ),
        (
            "bad.toml",
            b"[classes.input]\nreduction_rate = { low = 0.5, mode = 0.9, high = 0.7 }\n",
        ),
    ]);
    let r = run(triage(dir.path()).args(["simulate", &csv, "-s", "none.toml"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no uncertain keys to draw"),
        "{}",
        r.stderr
    );
    let r = run(triage(dir.path()).args(["simulate", &csv, "-s", "cut.toml"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("pareto.min_hours: a range is not allowed here"),
        "{}",
        r.stderr
    );
    let r = run(triage(dir.path()).args(["simulate", &csv, "-s", "bad.toml"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("classes.input.reduction_rate: mode = 0.9 must lie between"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_run_takes_the_mode_of_a_range() {
    let ranged = kagoshima_with(
        "labor_cost_per_hour",
        "{ low = 2000, mode = 2566, high = 3000 }",
    );
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let dir = dir_with(&[("r.toml", ranged.as_bytes())]);
    let plain = run(triage(dir.path()).args(["run", &csv, "-s", &toml, "-f", "csv"]));
    let mode = run(triage(dir.path()).args(["run", &csv, "-s", "r.toml", "-f", "csv"]));
    assert_eq!((plain.code, mode.code), (0, 0), "{}", mode.stderr);
    assert_eq!(plain.stdout, mode.stdout);
}

#[test]
fn budget_chooses_what_the_money_allows() {
    let csv = kagoshima_csv();
    let toml = kagoshima_toml();
    let plan = |budget: &str, extra: &[&str], files: &[(&str, &[u8])]| {
        let mut args = vec!["budget", &csv, "--budget-per-year", budget, "-f", "json"];
        args.extend_from_slice(extra);
        json(&args, files)
    };
    // Project 1 costs 6,047,800 yen in year 2, its peak: 6,000,000 a year is 47,800 short.
    let short = plan("6,000,000", &["-s", &toml], &[]);
    let p1 = |r: &Value| {
        let projects = r["projects"].as_array().expect("projects").clone();
        projects
            .into_iter()
            .find(|p| p["project"] == "給与支払報告書エラー処理")
            .expect("project 1")
    };
    assert_eq!(p1(&short)["verdict"]["kind"], "over-budget");
    assert_eq!(p1(&short)["verdict"]["over"], 47_800);
    assert_eq!(short["npv"], 0);
    let exact = plan("6047800", &["-s", &toml], &[]);
    assert_eq!(p1(&exact)["verdict"]["kind"], "chosen");
    assert_eq!(exact["npv"], 37_395_173 - 25_231_800);
    assert_eq!(exact["optimal"], true);
    // A generated inventory has many candidates, all with the class defaults' costs (those
    // of project 1): twice the year-2 peak buys exactly the two best NPVs.
    let mut generated = Vec::new();
    triage::generate::write_inventory(3000, 1, &mut generated).expect("generated");
    let files = [("g.csv", generated.as_slice())];
    let dir = dir_with(&files);
    let budget = |args: &[&str]| {
        let mut all = vec!["budget", "g.csv", "-f", "json"];
        all.extend_from_slice(args);
        let r = run(triage(dir.path()).args(all));
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str::<Value>(&r.stdout).expect("JSON")
    };
    let two = budget(&["--budget-per-year", "12095600"]);
    let projects = two["projects"].as_array().expect("projects");
    let mut candidates: Vec<&Value> = projects
        .iter()
        .filter(|p| {
            matches!(
                p["verdict"]["kind"].as_str(),
                Some("chosen" | "over-budget")
            )
        })
        .collect();
    assert!(candidates.len() > 2, "{two}");
    candidates.sort_by_key(|p| std::cmp::Reverse(p["npv"].as_i64()));
    let chosen: Vec<bool> = candidates
        .iter()
        .map(|p| p["verdict"]["kind"] == "chosen")
        .collect();
    assert_eq!(chosen[..3], [true, true, false]);
    let best_two = candidates[0]["npv"].as_i64().unwrap() + candidates[1]["npv"].as_i64().unwrap();
    assert_eq!(two["npv"], best_two);
    assert_eq!(candidates[2]["verdict"]["over"], 6_047_800);
    assert_eq!(two["years"][1]["left"], 0);
    // At most one go-live a year: only the best one, whatever the money.
    let capped = budget(&[
        "--budget-per-year",
        "1,000,000,000",
        "--max-starts-per-year",
        "1",
    ]);
    assert_eq!(capped["npv"], candidates[0]["npv"]);
    let third = capped["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project"] == candidates[2]["project"]);
    assert_eq!(third.expect("listed")["verdict"]["kind"], "too-many-starts");
}

#[test]
fn a_project_saves_no_more_hours_than_its_processes_have() {
    // Process 18 takes 3,510 h a year; a bundle claiming 5,000 h is capped at 3,510 with a
    // warning, in a run and in a comparison alike.
    let over = kagoshima_with("reduction_hours", "5000");
    let capped = kagoshima_with("reduction_hours", "3510");
    let csv = kagoshima_csv();
    let dir = dir_with(&[
        ("over.toml", over.as_bytes()),
        ("capped.toml", capped.as_bytes()),
    ]);
    let a = run(triage(dir.path()).args(["run", &csv, "-s", "over.toml", "-f", "json"]));
    let b = run(triage(dir.path()).args(["run", &csv, "-s", "capped.toml", "-f", "json"]));
    assert_eq!((a.code, b.code), (0, 0), "{}", a.stderr);
    assert!(
        a.stderr
            .contains("reduction_hours = 5000 is more than its processes' 3510 hours"),
        "{}",
        a.stderr
    );
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("sha256") && !l.contains("\"source\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a.stdout), strip(&b.stdout));
    let r = run(triage(dir.path()).args([
        "compare",
        &csv,
        "-s",
        "over.toml",
        "-s",
        "capped.toml",
        "-f",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        report["scenarios"][0]["totals"],
        report["scenarios"][1]["totals"]
    );
    assert!(
        report["scenarios"][0]["warnings"][0]
            .as_str()
            .is_some_and(|w| w.contains("5000"))
    );
}
