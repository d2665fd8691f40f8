//! Helpers: run the built binary in a per-test temporary directory and read its JSON back.

use assert_cmd::Command;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root (where `inventory/` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn kagoshima_csv() -> String {
    root()
        .join("inventory/kagoshima-2020.csv")
        .display()
        .to_string()
}

pub fn kagoshima_toml() -> String {
    root()
        .join("inventory/kagoshima-2020.toml")
        .display()
        .to_string()
}

/// The binary under test, run in `dir`.
pub fn triage(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("triage").expect("the triage binary is built");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// A temporary directory holding `files` (name, bytes).
pub fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write a test file");
    }
    dir
}

/// The result of a run: exit status, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The JSON report, typed as the contract names its fields.
#[derive(Debug, Deserialize)]
pub struct Report {
    pub encoding: String,
    pub summary: Summary,
    pub processes: Vec<Process>,
    pub projects: Vec<Project>,
}

#[derive(Debug, Deserialize)]
pub struct Summary {
    pub processes: usize,
    pub departments: usize,
    pub tasks: usize,
    pub total_hours: f64,
    pub selected: usize,
    pub selected_hours: f64,
    pub selected_share: f64,
    pub by_priority: BTreeMap<String, usize>,
    pub excluded_by_reason: BTreeMap<String, usize>,
    pub by_class: BTreeMap<String, ClassTotals>,
}

#[derive(Debug, Deserialize)]
pub struct ClassTotals {
    pub count: usize,
    pub hours: f64,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct Process {
    pub id: String,
    pub rank: usize,
    pub department: String,
    pub task: String,
    pub process: String,
    pub annual_hours: f64,
    pub cumulative_share: f64,
    pub selected: bool,
    pub class: Option<String>,
    pub class_rule: Option<String>,
    pub project: Option<String>,
    pub priority: String,
    pub reasons: Vec<Reason>,
    pub line: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct Reason {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // part of the contract, read by some tests only
pub struct Project {
    pub name: String,
    pub processes: Vec<String>,
    pub reduction_hours: Option<f64>,
    pub payback_year: Option<u32>,
    pub npv: Option<i64>,
    pub priority: String,
    pub years: Vec<Year>,
}

#[derive(Debug, Deserialize)]
pub struct Year {
    pub year: u32,
    pub label: String,
    pub cost: i64,
    pub savings: i64,
    pub cumulative_cost: i64,
    pub cumulative_savings: i64,
}

/// Runs `triage run ARGS --format json` in `dir` and parses the report; panics on failure.
pub fn json_report(dir: &Path, args: &[&str]) -> Report {
    let r = run(triage(dir).arg("run").args(args).args(["--format", "json"]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("the JSON output parses as the contract")
}
