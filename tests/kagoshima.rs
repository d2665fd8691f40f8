//! The bundled Kagoshima City inventory reproduces the report's figures (MODEL.md).

use crate::util::{dir_with, json_report, kagoshima_csv, kagoshima_toml, root, run, triage};

fn with_scenario() -> crate::util::Report {
    let dir = dir_with(&[]);
    json_report(
        dir.path(),
        &[&kagoshima_csv(), "--scenario", &kagoshima_toml()],
    )
}

#[test]
fn survey_totals_and_pareto_line_match_the_report() {
    let r = with_scenario();
    let s = &r.summary;
    assert_eq!((s.processes, s.departments, s.tasks), (497, 93, 236));
    assert_eq!(s.total_hours, 256_400.0);
    assert_eq!((s.selected, s.selected_hours), (36, 224_100.0));
    assert_eq!(format!("{:.1}", s.selected_share * 100.0), "87.4");
    let by_class: usize = s.by_class.values().map(|c| c.count).sum();
    let class_hours: f64 = s.by_class.values().map(|c| c.hours).sum();
    assert_eq!((by_class, class_hours), (36, 224_100.0));
}

#[test]
fn ranks_follow_the_report_including_its_ties() {
    // The bundled file lists the processes by department, not by rank; its `No` column is the
    // report's rank, so the engine's ranking (ties in input order) must give rank == No.
    let r = with_scenario();
    for p in r.processes.iter().filter(|p| p.selected) {
        assert_eq!(p.id, p.rank.to_string(), "{} {}", p.department, p.process);
    }
    let last = &r.processes[35];
    assert_eq!((last.annual_hours, last.rank), (1000.0, 36));
    assert!(!r.processes[36].selected);
}

#[test]
fn project_one_reproduces_the_reports_table_to_the_yen() {
    let r = with_scenario();
    let p = r
        .projects
        .iter()
        .find(|p| p.processes == ["18"])
        .expect("project 1");
    assert_eq!(p.name, "給与支払報告書エラー処理");
    let cost: Vec<i64> = p.years.iter().map(|y| y.cumulative_cost).collect();
    let savings: Vec<i64> = p.years.iter().map(|y| y.cumulative_savings).collect();
    assert_eq!(
        cost,
        [
            2_684_000, 8_731_800, 11_481_800, 14_231_800, 16_981_800, 19_731_800, 22_481_800,
            25_231_800
        ]
    );
    assert_eq!(
        savings,
        [
            0, 3_739_517, 9_348_793, 14_958_069, 20_567_345, 26_176_621, 31_785_897, 37_395_173
        ]
    );
    assert_eq!(p.payback_year, Some(4));
    assert_eq!(p.years[3].label, "R5");
    assert_eq!(p.years[0].label, "R2");
    assert_eq!(p.npv, Some(37_395_173 - 25_231_800));
    assert_eq!(p.priority, "high");
    let (y2, y3) = (&p.years[1], &p.years[2]);
    assert_eq!((y2.year, y2.cost, y2.savings), (2, 6_047_800, 3_739_517));
    assert_eq!((y3.cost, y3.savings), (2_750_000, 5_609_276));
}

#[test]
fn priority_table_matches_the_report() {
    let r = with_scenario();
    let s = &r.summary;
    let count = |k: &str| s.by_priority.get(k).copied().unwrap_or(0);
    assert_eq!(
        (
            count("high"),
            count("medium"),
            count("low"),
            count("excluded")
        ),
        (1, 10, 5, 481)
    );
    let reason = |k: &str| s.excluded_by_reason.get(k).copied().unwrap_or(0);
    assert_eq!(reason("not-feasible"), 13);
    assert_eq!(reason("already-addressed"), 7);
    assert_eq!(reason("below-threshold"), 461);
    let of = |id: &str| r.processes.iter().find(|p| p.id == id).expect("process");
    let high: Vec<&str> = r
        .processes
        .iter()
        .filter(|p| p.priority == "high")
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(high, ["18"]);
    let mut medium: Vec<&str> = r
        .processes
        .iter()
        .filter(|p| p.priority == "medium")
        .map(|p| p.id.as_str())
        .collect();
    medium.sort_unstable();
    assert_eq!(
        medium,
        ["15", "16", "17", "20", "21", "24", "25", "32", "6", "7"]
    );
    assert_eq!(
        of("21").reasons[0].code,
        "no-payback",
        "bundled with 20 and 24 as the report does"
    );
    assert_eq!(of("25").reasons[0].code, "blocker");
    assert_eq!(of("1").reasons[0].code, "qualitative-only");
    assert_eq!(of("1").priority, "low");
    assert_eq!(of("3").reasons[0].code, "not-feasible");
    assert_eq!(of("5").reasons[0].code, "already-addressed");
}

#[test]
fn every_row_has_exactly_one_disposition() {
    let r = with_scenario();
    let mut ids: Vec<&str> = r.processes.iter().map(|p| p.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 497);
    for p in &r.processes {
        assert!(["high", "medium", "low", "excluded"].contains(&p.priority.as_str()));
        assert!(!p.reasons.is_empty(), "process {} has no reason", p.id);
        assert_eq!(p.selected, p.class.is_some());
        assert_eq!(p.project.is_some(), p.priority != "excluded");
    }
}

#[test]
fn without_the_scenario_the_lone_qualitative_process_is_low() {
    let dir = dir_with(&[]);
    let r = json_report(dir.path(), &[&kagoshima_csv()]);
    let count = |k: &str| r.summary.by_priority.get(k).copied().unwrap_or(0);
    assert_eq!((count("high"), count("medium"), count("low")), (1, 9, 6));
    let p18 = r
        .projects
        .iter()
        .find(|p| p.processes == ["18"])
        .expect("process 18's project");
    assert_eq!(
        p18.payback_year,
        Some(4),
        "the class defaults are project 1's costs"
    );
}

#[test]
fn cover_rule_stops_at_rank_23() {
    let dir = dir_with(&[]);
    let r = json_report(dir.path(), &[&kagoshima_csv(), "--cover", "0.8"]);
    assert_eq!(r.summary.selected, 23);
    assert_eq!(
        format!("{:.2}", r.processes[22].cumulative_share * 100.0),
        "80.42"
    );
}

#[test]
fn shift_jis_copy_gives_the_same_analysis() {
    let dir = dir_with(&[]);
    let sjis = root()
        .join("tests/data/kagoshima-2020.sjis.csv")
        .display()
        .to_string();
    assert!(
        std::str::from_utf8(&std::fs::read(&sjis).unwrap()).is_err(),
        "the fixture is not UTF-8"
    );
    let a = json_report(
        dir.path(),
        &[&kagoshima_csv(), "--scenario", &kagoshima_toml()],
    );
    let b = json_report(dir.path(), &[&sjis, "--scenario", &kagoshima_toml()]);
    assert_eq!(b.encoding, "Shift_JIS (CP932)");
    assert_eq!(a.processes, b.processes);
    assert_eq!(a.summary.selected, b.summary.selected);
}

#[test]
fn shift_jis_is_told_by_its_first_japanese_text_however_far_in() {
    // 120 KiB of ASCII rows before the first Japanese name: the encoding is settled by the
    // first byte that is not ASCII, not by the first piece read.
    let mut text = String::from("id,department,task,process,annual_hours\n");
    let mut id = 0;
    while text.len() < 120 << 10 {
        id += 1;
        text.push_str(&format!("{id},d{id},t,p,10\n"));
    }
    text.push_str(&format!("{},市民課,住民票,住民票の交付,2000\n", id + 1));
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    let dir = dir_with(&[("late.csv", &sjis)]);
    let report = json_report(dir.path(), &["late.csv"]);
    assert_eq!(report.encoding, "Shift_JIS (CP932)");
    assert_eq!(report.processes[0].department, "市民課");
    // A name in half-width katakana, as older systems export them: its first byte (0xC3)
    // starts a two-byte character in UTF-8. Put last in the first 64 KiB read, it looks like
    // a UTF-8 character cut short, which must not settle the encoding.
    let text = "id,department,task,process,annual_hours\n1,d,t,p,10\n2,ﾃｽﾄ課,t,p,2000\n";
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let (header, at) = (text.find('\n').unwrap() + 1, text.find('ﾃ').unwrap());
    let mut cut = sjis[..header].to_vec();
    cut.extend(std::iter::repeat_n(b'\n', (64 << 10) - 1 - at));
    cut.extend_from_slice(&sjis[header..]);
    assert_eq!(cut[(64 << 10) - 1], 0xC3);
    let dir = dir_with(&[("cut.csv", &cut)]);
    let report = json_report(dir.path(), &["cut.csv"]);
    assert_eq!(report.processes[0].department, "ﾃｽﾄ課");
    assert_eq!(report.encoding, "Shift_JIS (CP932)");
}

#[test]
fn bom_crlf_and_stdin_give_the_same_analysis() {
    let utf8 = std::fs::read(kagoshima_csv()).unwrap();
    let text = String::from_utf8(utf8.clone()).unwrap();
    let crlf_bom = [
        b"\xEF\xBB\xBF".as_slice(),
        text.replace('\n', "\r\n").as_bytes(),
    ]
    .concat();
    let dir = dir_with(&[("bom.csv", &crlf_bom)]);
    let a = json_report(dir.path(), &[&kagoshima_csv()]);
    let b = json_report(dir.path(), &["bom.csv"]);
    assert_eq!(b.encoding, "UTF-8 with BOM");
    assert_eq!(a.processes, b.processes);
    let r = run(triage(dir.path())
        .args(["run", "-", "--format", "json"])
        .write_stdin(utf8));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c: crate::util::Report = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(a.processes, c.processes);
}

#[test]
fn default_table_shows_the_report_lines() {
    let dir = dir_with(&[]);
    let r =
        run(triage(dir.path()).args(["run", &kagoshima_csv(), "--scenario", &kagoshima_toml()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(
        "36 of 497 processes have 1,000 h a year or more: 224,100 of 256,400 h = 87.4 %"
    ));
    assert!(
        r.stdout
            .contains("High 1, medium 10, low 5, excluded 481 (of which 461 below threshold).")
    );
    assert!(
        r.stdout
            .contains("¥14,231,800         ¥14,958,069  payback"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.is_empty(), "no warnings expected: {}", r.stderr);
}
