//! Joint procurement: several inventories ranked, selected and costed as one, every process
//! keeping the name of its inventory.

use crate::util::{dir_with, kagoshima_csv, kagoshima_toml, run, triage};
use serde_json::Value;

/// Kagoshima's inventory twice: as itself and as a copy named `kirishima.csv`.
fn two_cities() -> tempfile::TempDir {
    let csv = std::fs::read(kagoshima_csv()).expect("the bundled inventory");
    dir_with(&[("kirishima.csv", &csv)])
}

#[test]
fn two_inventories_are_ranked_as_one_and_keep_their_names() {
    let dir = two_cities();
    let csv = kagoshima_csv();
    let r = run(triage(dir.path()).args(["run", &csv, "kirishima.csv", "-f", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let summary = &report["summary"];
    assert_eq!(summary["processes"], 994);
    assert_eq!(summary["total_hours"], 512_800.0);
    assert_eq!(summary["selected"], 72);
    // Each copy keeps the priorities it has alone.
    let alone = run(triage(dir.path()).args(["run", &csv, "-f", "json"]));
    let alone: Value = serde_json::from_str(&alone.stdout).expect("JSON");
    for p in ["high", "medium", "low", "excluded"] {
        let n = alone["summary"]["by_priority"][p]
            .as_u64()
            .expect("a count");
        assert_eq!(summary["by_priority"][p], 2 * n, "{p}");
    }
    let names: Vec<&str> = (report["inventories"].as_array().expect("the inventories"))
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["kagoshima-2020", "kirishima"]);
    let processes = report["processes"].as_array().expect("processes");
    let find = |id: &str| processes.iter().find(|p| p["id"] == id).expect(id);
    assert_eq!(find("kagoshima-2020:18")["inventory"], "kagoshima-2020");
    assert_eq!(find("kirishima:18")["inventory"], "kirishima");
    assert_eq!(find("kirishima:18")["annual_hours"], 3510.0);
    // Equal hours rank in the order the files were given.
    assert!(find("kagoshima-2020:18")["rank"].as_u64() < find("kirishima:18")["rank"].as_u64());
}

#[test]
fn the_csv_listing_of_a_joint_run_starts_with_the_inventory() {
    let dir = two_cities();
    let csv = kagoshima_csv();
    let r = run(triage(dir.path()).args(["run", &csv, "kirishima.csv", "-f", "csv"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    let header = lines.next().expect("a header");
    assert!(header.starts_with("inventory,id,rank,"), "{header}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 994);
    assert!(
        rows[0].starts_with("kagoshima-2020,kagoshima-2020:1,1,"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with("kirishima,kirishima:1,2,"),
        "{}",
        rows[1]
    );
    // The streamed listing of the selected processes holds the same rows.
    let s = run(triage(dir.path()).args([
        "run",
        &csv,
        "kirishima.csv",
        "-f",
        "csv",
        "--only-selected",
    ]));
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert_eq!(s.stdout.lines().skip(1).collect::<Vec<_>>(), rows[..72]);
}

#[test]
fn a_scenario_names_processes_of_a_joint_run_as_name_colon_id() {
    let text = std::fs::read_to_string(kagoshima_toml()).expect("the bundled scenario");
    let joint = text.replace("processes = [\"18\"]", "processes = [\"kirishima:18\"]");
    let dir = two_cities();
    std::fs::write(dir.path().join("joint.toml"), &joint).expect("write");
    std::fs::write(dir.path().join("alone.toml"), &text).expect("write");
    let csv = kagoshima_csv();
    let r = run(triage(dir.path()).args([
        "run",
        &csv,
        "kirishima.csv",
        "-s",
        "joint.toml",
        "-f",
        "json",
    ]));
    // The bundled scenario's other projects name ids without an inventory: refused, with how.
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("write ids as NAME:ID"), "{}", r.stderr);
    let joint = joint.replace(
        "[\"20\", \"21\", \"24\"]",
        "[\"kirishima:20\", \"kagoshima-2020:21\"]",
    );
    let joint = joint.replace("[\"6\", \"17\", \"32\"]", "[\"kirishima:6\"]");
    std::fs::write(dir.path().join("joint.toml"), &joint).expect("write");
    for only_selected in [false, true] {
        let mut cmd = triage(dir.path());
        cmd.args([
            "run",
            &csv,
            "kirishima.csv",
            "-s",
            "joint.toml",
            "-f",
            "json",
        ]);
        if only_selected {
            cmd.arg("--only-selected");
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let report: Value = serde_json::from_str(&r.stdout).expect("JSON");
        let project = (report["projects"].as_array().expect("projects"))
            .iter()
            .find(|p| p["name"] == "給与支払報告書エラー処理")
            .expect("the bundle");
        assert_eq!(project["processes"][0], "kirishima:18");
        assert_eq!(project["payback_year"], 4);
        assert_eq!(project["priority"], "high");
        let statistics = (report["projects"].as_array().expect("projects"))
            .iter()
            .find(|p| p["name"] == "統計調査員報酬事務")
            .expect("a bundle across the two inventories");
        assert_eq!(
            statistics["processes"],
            serde_json::json!(["kagoshima-2020:21", "kirishima:20"])
        );
    }
}

#[test]
fn a_bad_row_in_the_second_inventory_names_that_file() {
    let dir = dir_with(&[(
        "b.csv",
        "No,課,業務,処理,年間処理時間\n1,総務課,文書,受付,abc\n".as_bytes(),
    )]);
    let csv = kagoshima_csv();
    let r = run(triage(dir.path()).args(["run", &csv, "b.csv"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("b.csv:2"), "{}", r.stderr);
    let r = run(triage(dir.path()).args(["run", "-", "-"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// The share of each project in the JSON report, by name.
fn shares(report: &Value) -> Vec<(String, i64, Option<u64>, String)> {
    (report["projects"].as_array().expect("projects"))
        .iter()
        .filter(|p| p["platform"].is_object())
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["platform"]["yen"].as_i64().expect("a share in yen"),
                p["payback_year"].as_u64(),
                p["priority"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn three_cities_sharing_one_rpa_licence_each_pay_a_third() {
    // One RPA licence, 900,000 yen a year from year 2 (7 years of the 8), shared by the
    // automation projects in proportion to the hours they save. Kagoshima alone has two with
    // an effect: 18 (2,186 h) and 25 (875 h), 3,061 h together. Project 18's share is
    // floor(900,000 x 2,186 / 3,061) = 642,731 yen a year, 4,499,117 over the horizon, and its
    // NPV falls from 12,163,373 to 7,664,256: payback in year 5, medium. Three cities buying
    // the licence together share it over 9,183 h: floor(900,000 x 2,186 / 9,183) = 214,243
    // yen a year, 1,499,701 in all; NPV 10,663,672, payback in year 4, high in every city.
    let licence = "[[platforms]]\nname = \"RPA licence\"\nclasses = [\"automation\"]\n\
                   annual_cost = 900000\n";
    let csv = std::fs::read(kagoshima_csv()).expect("the bundled inventory");
    let dir = dir_with(&[
        ("kagoshima.csv", &csv),
        ("kirishima.csv", &csv),
        ("satsuma.csv", &csv),
        ("rpa.toml", licence.as_bytes()),
    ]);
    let report = |args: &[&str]| -> Value {
        let r = run(triage(dir.path())
            .arg("run")
            .args(args)
            .args(["-s", "rpa.toml", "-f", "json"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).expect("JSON")
    };
    let alone = report(&["kagoshima.csv"]);
    let project = |name: &str, yen: i64, payback: u64, priority: &str| {
        (name.to_string(), yen, Some(payback), priority.to_string())
    };
    let shared = shares(&alone);
    assert!(
        shared.contains(&project(
            "18 処理対象のエラーの更新",
            4_499_117,
            5,
            "medium"
        )),
        "{shared:?}"
    );
    let platform = &alone["platforms"][0];
    assert_eq!(platform["cost"], 6_300_000);
    assert_eq!(platform["reduction_hours"], 3061.0);
    // 900,000 - 642,731 - floor(900,000 x 875 / 3,061) = 1 yen a year left over.
    assert_eq!(
        (
            platform["allocated"].as_i64(),
            platform["unallocated"].as_i64()
        ),
        (Some(6_299_993), Some(7))
    );

    let together = report(&["kagoshima.csv", "kirishima.csv", "satsuma.csv"]);
    let shared = shares(&together);
    for city in ["kagoshima", "kirishima", "satsuma"] {
        let name = format!("{city}:18 処理対象のエラーの更新");
        assert!(
            shared.contains(&project(&name, 1_499_701, 4, "high")),
            "{shared:?}"
        );
    }
    let npv = (together["projects"].as_array().expect("projects"))
        .iter()
        .find(|p| p["name"] == "satsuma:18 処理対象のエラーの更新")
        .map(|p| p["npv"].clone());
    assert_eq!(npv, Some(Value::from(10_663_672)));
    assert_eq!(together["platforms"][0]["projects"], 6);
    assert_eq!(together["platforms"][0]["reduction_hours"], 9183.0);
}

#[test]
fn a_class_served_by_two_platforms_is_refused() {
    let text = "[[platforms]]\nname = \"OCR\"\nclasses = [\"input\"]\n\
                [[platforms]]\nname = \"RPA\"\nclasses = [\"automation\", \"input\"]\n";
    let dir = dir_with(&[("two.toml", text.as_bytes())]);
    let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "-s", "two.toml"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("platforms[1].classes: class input is already served by platform \"OCR\""),
        "{}",
        r.stderr
    );
}

#[test]
fn sweep_finds_the_licence_cost_at_which_project_18_stops_being_high() {
    // Alone, with the built-in scenario, project 18 pays back in year 4 with 726,269 yen to
    // spare: cumulative savings 3,739,517 + 2 x 5,609,276 = 14,958,069 against costs
    // 2,684,000 + 6,047,800 + 2 x 2,750,000 = 14,231,800. The licence's share falls in years
    // 2-4, so it stays high while 3 x floor(L x 2,186 / 3,061) <= 726,269, that is while
    // L x 2,186 / 3,061 < 242,090: up to L = 338,992 (338,992.45 is the exact bound). Its NPV
    // of 12,163,373 stays non-negative while 7 x floor(L x 2,186 / 3,061) <= 12,163,373,
    // that is L x 2,186 / 3,061 < 1,737,625: up to L = 2,433,151 (2,433,151.93).
    let licence = "[[platforms]]\nname = \"RPA licence\"\nclasses = [\"automation\"]\n\
                   annual_cost = 900000\n";
    let dir = dir_with(&[("rpa.toml", licence.as_bytes())]);
    let r = run(triage(dir.path()).args([
        "sweep",
        &kagoshima_csv(),
        "-s",
        "rpa.toml",
        "--vary",
        "platforms[RPA licence].annual_cost=0..3000000",
        "-f",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let flips = report["keys"][0]["flips"].as_array().expect("flips");
    let at = |kind: &str| {
        (flips.iter())
            .find(|f| f["project"] == "18 処理対象のエラーの更新" && f["change"]["kind"] == kind)
            .and_then(|f| f["at"].as_f64())
    };
    assert_eq!(at("priority"), Some(338_993.0));
    assert_eq!(at("npv-zero"), Some(2_433_152.0));
}
