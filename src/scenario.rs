//! The scenario: every assumption behind a run, read from TOML over the built-in defaults.
//!
//! The key names are a contract with users' files (see `defaults/scenario.toml`, which is
//! compiled in and is itself the documentation of the defaults). Unknown keys are refused with
//! their place, so a typo never silently falls back to a default.

use crate::error::{Error, Result};
use crate::model::WorkClass;
use crate::platforms::PlatformSpec;
use crate::vary::{Distribution, Knob, Uncertain, take_ranges};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

/// The built-in scenario, as shipped in `defaults/scenario.toml`.
pub const DEFAULT_TOML: &str = include_str!("../defaults/scenario.toml");

/// Which processes the Pareto step keeps. With both rules, either one selects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParetoRule {
    /// Keep processes with at least this many hours a year (inclusive).
    pub min_hours: Option<f64>,
    /// Keep the smallest leading run of the ranking holding this share of all hours.
    pub cover: Option<f64>,
}

/// The assumptions for one work class.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassParams {
    pub reduction_rate: f64,
    pub study_cost: i64,
    pub initial_cost: i64,
    pub annual_cost: i64,
    pub go_live_year: u32,
    pub months_in_first_year: u32,
}

/// A project named in the scenario: one tool introduction serving the listed processes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSpec {
    pub name: String,
    /// Inventory ids of the processes served.
    pub processes: Vec<ProcessId>,
    /// Hours saved a year; overrides the members' estimates.
    pub reduction_hours: Option<f64>,
    /// Class whose defaults fill the keys not given (default: the largest member's class).
    pub class: Option<WorkClass>,
    pub go_live_year: Option<u32>,
    pub months_in_first_year: Option<u32>,
    /// Cost per year, one amount per year of the horizon; or give the components.
    pub costs: Option<Vec<i64>>,
    pub study_cost: Option<i64>,
    pub initial_cost: Option<i64>,
    pub annual_cost: Option<i64>,
}

/// An inventory id, written as a string or a number in the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ProcessId {
    Text(String),
    Number(i64),
}

impl ProcessId {
    pub fn as_string(&self) -> String {
        match self {
            ProcessId::Text(s) => s.clone(),
            ProcessId::Number(n) => n.to_string(),
        }
    }
}

/// A complete, validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Where it came from: a path, or "built-in".
    pub source: String,
    pub horizon_years: u32,
    pub first_fiscal_year: i32,
    pub labor_cost_per_hour: i64,
    pub high_payback_within: u32,
    pub discount_rate: f64,
    pub pareto: ParetoRule,
    /// Per class, in the order of [`WorkClass::ALL`] (indexed by the class).
    classes: [ClassParams; 5],
    pub projects: Vec<ProjectSpec>,
    /// Platforms shared by every project of their classes (see [`crate::platforms`]).
    pub platforms: Vec<PlatformSpec>,
    /// Keys written as ranges, which a simulation draws (a run uses their central value).
    pub uncertain: Vec<Uncertain>,
    /// SHA-256 of the file it was read from, or of the built-in scenario's text.
    pub sha256: String,
}

/// The file as written: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    horizon_years: Option<u32>,
    first_fiscal_year: Option<i32>,
    labor_cost_per_hour: Option<i64>,
    high_payback_within: Option<u32>,
    discount_rate: Option<f64>,
    pareto: Option<RawPareto>,
    #[serde(default)]
    classes: BTreeMap<WorkClass, RawClass>,
    #[serde(default)]
    projects: Vec<ProjectSpec>,
    #[serde(default)]
    platforms: Vec<PlatformSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPareto {
    min_hours: Option<f64>,
    cover: Option<f64>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    reduction_rate: Option<f64>,
    study_cost: Option<i64>,
    initial_cost: Option<i64>,
    annual_cost: Option<i64>,
    go_live_year: Option<u32>,
    months_in_first_year: Option<u32>,
}

impl Scenario {
    /// The built-in scenario.
    pub fn builtin() -> Scenario {
        let mut scenario =
            Scenario::from_toml("built-in", "").expect("the built-in scenario is valid");
        scenario.sha256 = crate::provenance::sha256_hex(DEFAULT_TOML.as_bytes());
        scenario
    }

    /// Reads a scenario file; `-` is not accepted (the inventory may be on stdin).
    pub fn read_path(path: &str) -> Result<Scenario> {
        let (text, sha256) = crate::inventory::read_text(path, |message| Error::Scenario {
            path: path.to_string(),
            message,
        })?;
        let mut scenario = Scenario::from_toml(path, &text)?;
        scenario.sha256 = sha256;
        Ok(scenario)
    }

    /// Parses `text` over the built-in defaults and validates the result.
    pub fn from_toml(source: &str, text: &str) -> Result<Scenario> {
        let error = |message: String| Error::Scenario {
            path: source.to_string(),
            message,
        };
        let base: RawScenario = toml::from_str(DEFAULT_TOML).map_err(|e| error(e.to_string()))?;
        let mut table: toml::Table = toml::from_str(text).map_err(|e| error(e.to_string()))?;
        let ranges = take_ranges(&mut table).map_err(error)?;
        // Without ranges the text itself is read, so that errors keep their line and column.
        let user: RawScenario = match ranges.is_empty() {
            true => toml::from_str(text),
            false => RawScenario::deserialize(table),
        }
        .map_err(|e| error(e.to_string()))?;
        let mut scenario = merge(source, base, user).map_err(error)?;
        scenario.validate().map_err(error)?;
        scenario.uncertain = scenario.read_ranges(ranges).map_err(error)?;
        scenario.sha256 = crate::provenance::sha256_hex(text.as_bytes());
        Ok(scenario)
    }

    /// The assumptions for a class.
    pub fn class(&self, class: WorkClass) -> &ClassParams {
        &self.classes[class as usize]
    }

    /// The assumptions for a class, to change them.
    pub fn class_mut(&mut self, class: WorkClass) -> &mut ClassParams {
        &mut self.classes[class as usize]
    }

    /// Checks every value, as reading the file does (after a key was set).
    pub fn check(&self) -> Result<(), String> {
        self.validate()
    }

    /// The ranges of the file as keys a simulation draws; each end must be a valid value.
    fn read_ranges(&self, ranges: Vec<(String, Distribution)>) -> Result<Vec<Uncertain>, String> {
        let mut uncertain = Vec::with_capacity(ranges.len());
        for (path, distribution) in ranges {
            let knob = Knob::parse(&path, self)?;
            if !knob.may_be_uncertain() {
                return Err(format!(
                    "{path}: a range is not allowed here; ranges are for rates, costs, hours \
                     and timing, not for the horizon or the Pareto rule (vary those with \
                     `triage sweep`)"
                ));
            }
            let (low, high) = distribution.bounds();
            for end in [low, high] {
                let mut probe = self.clone();
                knob.set(&mut probe, end)
                    .map_err(|e| format!("{path}: range end: {e}"))?;
            }
            uncertain.push(Uncertain { knob, distribution });
        }
        Ok(uncertain)
    }

    /// Replaces the Pareto rule (command-line overrides).
    pub fn set_pareto(&mut self, rule: ParetoRule) -> Result<(), String> {
        check_pareto(&rule)?;
        self.pareto = rule;
        Ok(())
    }

    fn validate(&self) -> Result<(), String> {
        check("horizon_years", self.horizon_years, 1..=60)?;
        check("first_fiscal_year", self.first_fiscal_year, 1900..=2200)?;
        check(
            "labor_cost_per_hour",
            self.labor_cost_per_hour,
            0..=10_000_000,
        )?;
        check("high_payback_within", self.high_payback_within, 1..=60)?;
        if !(0.0..1.0).contains(&self.discount_rate) {
            return Err(format!(
                "discount_rate = {}: must be at least 0 and below 1 (0.035 is 3.5 %)",
                self.discount_rate
            ));
        }
        check_pareto(&self.pareto)?;
        for (class, params) in WorkClass::ALL.iter().zip(&self.classes) {
            self.check_class(&format!("classes.{class}"), params)?;
        }
        self.check_projects()?;
        let mut taken = Default::default();
        let mut names = HashSet::new();
        for (i, platform) in self.platforms.iter().enumerate() {
            let key = format!("platforms[{i}]");
            platform.check(&key, self.horizon_years, &mut taken)?;
            if !names.insert(platform.name.as_str()) {
                return Err(format!(
                    "{key}.name = \"{}\": another platform has this name",
                    platform.name
                ));
            }
        }
        Ok(())
    }

    fn check_class(&self, key: &str, p: &ClassParams) -> Result<(), String> {
        if !(0.0..=1.0).contains(&p.reduction_rate) {
            return Err(format!(
                "{key}.reduction_rate = {}: must be between 0 and 1",
                p.reduction_rate
            ));
        }
        check(&format!("{key}.study_cost"), p.study_cost, 0..=MAX_YEN)?;
        check(&format!("{key}.initial_cost"), p.initial_cost, 0..=MAX_YEN)?;
        check(&format!("{key}.annual_cost"), p.annual_cost, 0..=MAX_YEN)?;
        if !(1..=self.horizon_years).contains(&p.go_live_year) {
            return Err(format!(
                "{key}.go_live_year = {}: the go-live year must fall within horizon_years = {}; \
                 set {key}.go_live_year (the built-in value is 2) or a longer horizon",
                p.go_live_year, self.horizon_years
            ));
        }
        check(
            &format!("{key}.months_in_first_year"),
            p.months_in_first_year,
            0..=12,
        )
    }

    fn check_projects(&self) -> Result<(), String> {
        let mut names = HashSet::new();
        let mut members: BTreeMap<String, String> = BTreeMap::new();
        for (i, p) in self.projects.iter().enumerate() {
            let key = format!("projects[{i}]");
            if p.name.trim().is_empty() {
                return Err(format!("{key}.name is empty"));
            }
            if !names.insert(p.name.as_str()) {
                return Err(format!(
                    "{key}.name = \"{}\": another project has this name",
                    p.name
                ));
            }
            if p.processes.is_empty() {
                return Err(format!(
                    "{key}.processes is empty: list the inventory ids it serves"
                ));
            }
            for id in &p.processes {
                let id = id.as_string();
                if let Some(other) = members.insert(id.clone(), p.name.clone()) {
                    return Err(format!(
                        "{key}.processes: process \"{id}\" is already in project \"{other}\""
                    ));
                }
            }
            self.check_project_numbers(&key, p)?;
        }
        Ok(())
    }

    fn check_project_numbers(&self, key: &str, p: &ProjectSpec) -> Result<(), String> {
        if let Some(h) = p.reduction_hours
            && !(h.is_finite() && (0.0..=1e12).contains(&h))
        {
            return Err(format!(
                "{key}.reduction_hours = {h}: must be a number of hours, 0 to 1e12"
            ));
        }
        if let Some(costs) = &p.costs {
            check_costs(&format!("{key}.costs"), costs, self.horizon_years)?;
            let components = [p.study_cost, p.initial_cost, p.annual_cost];
            if components.iter().any(Option::is_some) {
                return Err(format!(
                    "{key}: give either costs or study_cost/initial_cost/annual_cost, not both"
                ));
            }
        }
        for (name, v) in [
            ("study_cost", p.study_cost),
            ("initial_cost", p.initial_cost),
            ("annual_cost", p.annual_cost),
        ] {
            if let Some(v) = v {
                check(&format!("{key}.{name}"), v, 0..=MAX_YEN)?;
            }
        }
        if let Some(g) = p.go_live_year {
            check(&format!("{key}.go_live_year"), g, 1..=self.horizon_years)?;
        }
        if let Some(m) = p.months_in_first_year {
            check(&format!("{key}.months_in_first_year"), m, 0..=12)?;
        }
        Ok(())
    }
}

/// Checks a list of yearly costs: one amount per year of the horizon, each within range.
pub(crate) fn check_costs(key: &str, costs: &[i64], horizon_years: u32) -> Result<(), String> {
    if costs.len() != horizon_years as usize {
        return Err(format!(
            "{key} has {} amounts: give one per year of the horizon ({horizon_years})",
            costs.len(),
        ));
    }
    match costs
        .iter()
        .enumerate()
        .find(|(_, c)| !(0..=MAX_YEN).contains(*c))
    {
        Some((y, c)) => Err(format!(
            "{key}[{y}] = {c}: must be between 0 and {MAX_YEN} yen"
        )),
        None => Ok(()),
    }
}

/// Upper bound for any single amount of yen (one trillion), far beyond any municipal budget.
pub const MAX_YEN: i64 = 1_000_000_000_000;

fn check<T: PartialOrd + std::fmt::Display>(
    key: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<(), String> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{key} = {value}: must be between {} and {}",
            range.start(),
            range.end()
        ))
    }
}

fn check_pareto(rule: &ParetoRule) -> Result<(), String> {
    if rule.min_hours.is_none() && rule.cover.is_none() {
        return Err("pareto: give min_hours, cover, or both".into());
    }
    if let Some(h) = rule.min_hours
        && !(h.is_finite() && h >= 0.0)
    {
        return Err(format!("pareto.min_hours = {h}: must be 0 or more hours"));
    }
    if let Some(c) = rule.cover
        && !(c > 0.0 && c <= 1.0)
    {
        return Err(format!(
            "pareto.cover = {c}: must be a share above 0 and at most 1 (0.8 is 80 %)"
        ));
    }
    Ok(())
}

fn merge(source: &str, base: RawScenario, user: RawScenario) -> Result<Scenario, String> {
    let missing = |key: &str| format!("the built-in scenario lacks {key}");
    let pareto = user
        .pareto
        .or(base.pareto)
        .ok_or_else(|| missing("pareto"))?;
    let mut classes = Vec::with_capacity(WorkClass::ALL.len());
    for class in WorkClass::ALL {
        let b = base.classes.get(&class).copied().unwrap_or_default();
        let u = user.classes.get(&class).copied().unwrap_or_default();
        let key = format!("classes.{class}");
        let params = ClassParams {
            reduction_rate: u
                .reduction_rate
                .or(b.reduction_rate)
                .ok_or_else(|| missing(&key))?,
            study_cost: u.study_cost.or(b.study_cost).ok_or_else(|| missing(&key))?,
            initial_cost: u
                .initial_cost
                .or(b.initial_cost)
                .ok_or_else(|| missing(&key))?,
            annual_cost: u
                .annual_cost
                .or(b.annual_cost)
                .ok_or_else(|| missing(&key))?,
            go_live_year: u
                .go_live_year
                .or(b.go_live_year)
                .ok_or_else(|| missing(&key))?,
            months_in_first_year: u
                .months_in_first_year
                .or(b.months_in_first_year)
                .ok_or_else(|| missing(&key))?,
        };
        classes.push(params);
    }
    Ok(Scenario {
        sha256: String::new(),
        source: source.to_string(),
        horizon_years: pick(user.horizon_years, base.horizon_years, "horizon_years")?,
        first_fiscal_year: pick(
            user.first_fiscal_year,
            base.first_fiscal_year,
            "first_fiscal_year",
        )?,
        labor_cost_per_hour: pick(
            user.labor_cost_per_hour,
            base.labor_cost_per_hour,
            "labor_cost_per_hour",
        )?,
        high_payback_within: pick(
            user.high_payback_within,
            base.high_payback_within,
            "high_payback_within",
        )?,
        discount_rate: pick(user.discount_rate, base.discount_rate, "discount_rate")?,
        pareto: ParetoRule {
            min_hours: pareto.min_hours,
            cover: pareto.cover,
        },
        classes: classes
            .try_into()
            .map_err(|_| "every class has its assumptions".to_string())?,
        projects: user.projects,
        platforms: user.platforms,
        uncertain: Vec::new(),
    })
}

fn pick<T>(user: Option<T>, base: Option<T>, key: &str) -> Result<T, String> {
    user.or(base)
        .ok_or_else(|| format!("the built-in scenario lacks {key}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_the_documented_default() {
        let s = Scenario::builtin();
        assert_eq!(s.horizon_years, 8);
        assert_eq!(s.labor_cost_per_hour, 2566);
        assert_eq!(s.pareto.min_hours, Some(1000.0));
        assert_eq!(s.pareto.cover, None);
        assert_eq!(s.class(WorkClass::Input).initial_cost, 3_297_800);
    }

    #[test]
    fn user_keys_override_defaults() {
        let s = Scenario::from_toml("s.toml", "labor_cost_per_hour = 3000\n[pareto]\ncover = 0.8\n[classes.input]\nreduction_rate = 0.4\n").unwrap();
        assert_eq!(s.labor_cost_per_hour, 3000);
        assert_eq!(
            s.pareto,
            ParetoRule {
                min_hours: None,
                cover: Some(0.8)
            }
        );
        assert_eq!(s.class(WorkClass::Input).reduction_rate, 0.4);
        assert_eq!(s.class(WorkClass::Input).annual_cost, 2_750_000);
    }

    #[test]
    fn bad_keys_and_values_name_the_key() {
        let err = |text: &str| Scenario::from_toml("s.toml", text).unwrap_err().to_string();
        assert!(
            err("labour_cost_per_hour = 3000").contains("unknown field `labour_cost_per_hour`")
        );
        assert!(err("horizon_years = 0").contains("horizon_years = 0"));
        assert!(
            err("[classes.input]\nreduction_rate = 1.5").contains("classes.input.reduction_rate")
        );
        assert!(err("[classes.robots]\nreduction_rate = 0.5").contains("robots"));
        assert!(err("[pareto]\ncover = 0").contains("pareto.cover"));
        let costs = "[[projects]]\nname = \"a\"\nprocesses = [\"1\"]\ncosts = [1, 2]";
        assert!(err(costs).contains("projects[0].costs has 2 amounts"));
    }
}
