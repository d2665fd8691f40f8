//! Reproducibility: a rerun gives byte-identical files, and every report names the engine and
//! the SHA-256 of its inputs, as `sha256sum` computes them.

use crate::util::{dir_with, kagoshima_csv, kagoshima_toml, run, triage};
use sha2::{Digest, Sha256};

fn sha256_of(path: &str) -> String {
    let bytes = std::fs::read(path).expect("read an input");
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn running_twice_gives_byte_identical_files_in_every_format() {
    let dir = dir_with(&[]);
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    for format in ["table", "csv", "json", "md"] {
        let outputs: Vec<Vec<u8>> = ["first", "second"]
            .iter()
            .map(|name| {
                let out = format!("{name}.{format}");
                let args = ["run", &csv, "-s", &toml, "-f", format, "-o", &out];
                let r = run(triage(dir.path()).args(args));
                assert_eq!(r.code, 0, "{format}: {}", r.stderr);
                std::fs::read(dir.path().join(out)).expect("the output")
            })
            .collect();
        assert!(!outputs[0].is_empty(), "{format}");
        assert!(outputs[0] == outputs[1], "{format}: a rerun differs");
    }
}

#[test]
fn reports_carry_the_engine_and_the_hashes_of_their_inputs() {
    let dir = dir_with(&[]);
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let r = run(triage(dir.path()).args(["run", &csv, "-s", &toml, "-f", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let p = &report["provenance"];
    let engine = format!("triage {}", env!("CARGO_PKG_VERSION"));
    assert_eq!(p["engine"], engine.as_str());
    assert_eq!(p["inventory"]["sha256"], sha256_of(&csv).as_str());
    let size = std::fs::metadata(&csv).expect("the inventory").len();
    assert_eq!(p["inventory"]["bytes"], size);
    assert_eq!(p["scenario_sha256"], sha256_of(&toml).as_str());
    let rules = crate::util::root().join("defaults/rules.toml");
    assert_eq!(p["rules"], "built-in");
    assert_eq!(
        p["rules_sha256"],
        sha256_of(&rules.display().to_string()).as_str()
    );

    let r = run(triage(dir.path()).args(["run", &csv, "-s", &toml, "-f", "md"]));
    for needle in [&engine, &sha256_of(&csv), &sha256_of(&toml)] {
        assert!(
            r.stdout.contains(needle.as_str()),
            "{needle} in the Markdown report"
        );
    }
}

#[test]
fn an_edited_scenario_has_another_hash_even_when_the_numbers_agree() {
    let toml = std::fs::read_to_string(kagoshima_toml()).expect("the scenario");
    let edited = format!("{toml}\n# reviewed by the committee\n");
    let dir = dir_with(&[("a.toml", toml.as_bytes()), ("b.toml", edited.as_bytes())]);
    let csv = kagoshima_csv();
    let report = |scenario: &str| -> serde_json::Value {
        let r = run(triage(dir.path()).args(["run", &csv, "-s", scenario, "-f", "json"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).expect("JSON")
    };
    let (a, b) = (report("a.toml"), report("b.toml"));
    assert_ne!(
        a["provenance"]["scenario_sha256"],
        b["provenance"]["scenario_sha256"]
    );
    assert_eq!(a["processes"], b["processes"]);
    assert_eq!(a["projects"], b["projects"]);
}

#[test]
fn exit_codes_are_as_documented() {
    let csv = kagoshima_csv();
    let dir = dir_with(&[
        (
            "bad.csv",
            b"id,department,task,process,annual_hours\n1,d,t,p,abc\n",
        ),
        ("bad.toml", b"labor_cost_per_hour = -5\n"),
        ("typo.toml", b"labour_cost = 3000\n"),
    ]);
    let cases: &[(&[&str], i32)] = &[
        (&["run", &csv, "-o", "out.txt"], 0),
        (&["run", "bad.csv"], 1),
        (&["run", &csv, "-s", "bad.toml"], 1),
        (&["run", &csv, "-s", "typo.toml"], 1),
        (&["run", "missing.csv"], 2),
        (&["run", &csv, "-s", "missing.toml"], 2),
        (&["run", &csv, "--no-such-option"], 2),
        (&["run", &csv, "--format", "pdf"], 2),
    ];
    for (args, code) in cases {
        let r = run(triage(dir.path()).args(*args));
        assert_eq!(r.code, *code, "{args:?}: {}", r.stderr);
        if *code != 0 {
            assert!(r.stdout.is_empty(), "{args:?}: no data on stdout");
            assert!(
                r.stderr.starts_with("triage: ") || r.stderr.contains("error"),
                "{args:?}: {}",
                r.stderr
            );
        }
    }
}
