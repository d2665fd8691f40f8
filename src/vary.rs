//! The numeric keys of a scenario that a sweep or a simulation varies, and the ranges that
//! make a key uncertain.
//!
//! A [`Knob`] names one key as a user writes it (`labor_cost_per_hour`,
//! `classes.input.reduction_rate`, `projects[給与支払報告書エラー処理].reduction_hours`) and
//! reads or sets it on a [`Scenario`]; a set value is validated as if it had been written in
//! the file. Integer keys (yen, years, months) take the nearest whole value.
//!
//! In a scenario file, any key a simulation may vary can be written as a range instead of a
//! number: `reduction_rate = { low = 0.3, mode = 0.5, high = 0.7 }` (triangular) or
//! `{ low = 0.3, high = 0.7 }` (uniform). A run uses the mode (uniform: the midpoint); a
//! simulation draws from the range.

use crate::model::WorkClass;
use crate::scenario::Scenario;
use serde::Serialize;
use std::fmt;

/// A key of a work class's assumptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassKey {
    ReductionRate,
    StudyCost,
    InitialCost,
    AnnualCost,
    GoLiveYear,
    MonthsInFirstYear,
}

/// A key of a scenario project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectKey {
    ReductionHours,
    StudyCost,
    InitialCost,
    AnnualCost,
    GoLiveYear,
    MonthsInFirstYear,
}

/// One numeric key of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Knob {
    LaborCostPerHour,
    DiscountRate,
    HorizonYears,
    HighPaybackWithin,
    MinHours,
    Cover,
    Class(WorkClass, ClassKey),
    /// Index into the scenario's projects, and the key.
    Project(usize, ProjectKey),
    /// Index into the scenario's platforms, and the key.
    Platform(usize, PlatformKey),
}

/// A key of a shared platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformKey {
    StudyCost,
    InitialCost,
    AnnualCost,
    GoLiveYear,
}

const PLATFORM_KEYS: [(&str, PlatformKey); 4] = [
    ("study_cost", PlatformKey::StudyCost),
    ("initial_cost", PlatformKey::InitialCost),
    ("annual_cost", PlatformKey::AnnualCost),
    ("go_live_year", PlatformKey::GoLiveYear),
];

const CLASS_KEYS: [(&str, ClassKey); 6] = [
    ("reduction_rate", ClassKey::ReductionRate),
    ("study_cost", ClassKey::StudyCost),
    ("initial_cost", ClassKey::InitialCost),
    ("annual_cost", ClassKey::AnnualCost),
    ("go_live_year", ClassKey::GoLiveYear),
    ("months_in_first_year", ClassKey::MonthsInFirstYear),
];

const PROJECT_KEYS: [(&str, ProjectKey); 6] = [
    ("reduction_hours", ProjectKey::ReductionHours),
    ("study_cost", ProjectKey::StudyCost),
    ("initial_cost", ProjectKey::InitialCost),
    ("annual_cost", ProjectKey::AnnualCost),
    ("go_live_year", ProjectKey::GoLiveYear),
    ("months_in_first_year", ProjectKey::MonthsInFirstYear),
];

const TOP_KEYS: [(&str, Knob); 6] = [
    ("labor_cost_per_hour", Knob::LaborCostPerHour),
    ("discount_rate", Knob::DiscountRate),
    ("horizon_years", Knob::HorizonYears),
    ("high_payback_within", Knob::HighPaybackWithin),
    ("pareto.min_hours", Knob::MinHours),
    ("pareto.cover", Knob::Cover),
];

impl Knob {
    /// Reads a key as written on the command line or found in a file. A project is named by
    /// its name or its index: `projects[NAME].key`, `projects[0].key` or `projects.NAME.key`.
    pub fn parse(key: &str, scenario: &Scenario) -> Result<Knob, String> {
        let key = key.trim();
        if let Some((_, knob)) = TOP_KEYS.iter().find(|(k, _)| *k == key) {
            return Ok(knob.clone());
        }
        if let Some(rest) = key.strip_prefix("classes.") {
            let (class, name) = rest.split_once('.').ok_or_else(|| unknown(key))?;
            let class = WorkClass::parse(class).ok_or_else(|| {
                format!("\"{key}\": no class \"{class}\" (input, automation, analytics, judgment, other)")
            })?;
            let (_, k) =
                (CLASS_KEYS.iter().find(|(n, _)| *n == name)).ok_or_else(|| unknown(key))?;
            return Ok(Knob::Class(class, *k));
        }
        if let Some(rest) = key.strip_prefix("projects") {
            let (project, name) = split_project(rest).ok_or_else(|| unknown(key))?;
            let index = find_project(project, scenario)
                .ok_or_else(|| format!("\"{key}\": the scenario has no project \"{project}\""))?;
            let (_, k) =
                (PROJECT_KEYS.iter().find(|(n, _)| *n == name)).ok_or_else(|| unknown(key))?;
            return Ok(Knob::Project(index, *k));
        }
        if let Some(rest) = key.strip_prefix("platforms") {
            let (platform, name) = split_project(rest).ok_or_else(|| unknown(key))?;
            let index = find_platform(platform, scenario)
                .ok_or_else(|| format!("\"{key}\": the scenario has no platform \"{platform}\""))?;
            let (_, k) =
                (PLATFORM_KEYS.iter().find(|(n, _)| *n == name)).ok_or_else(|| unknown(key))?;
            return Ok(Knob::Platform(index, *k));
        }
        Err(unknown(key))
    }

    /// Whether the key changes which processes are selected (and so the projects), not only
    /// their figures.
    pub fn shapes_selection(&self) -> bool {
        matches!(self, Knob::MinHours | Knob::Cover)
    }

    /// Whether the key changes the hours projects save (and so how platforms are shared).
    pub fn moves_hours(&self) -> bool {
        matches!(
            self,
            Knob::Class(_, ClassKey::ReductionRate) | Knob::Project(_, ProjectKey::ReductionHours)
        )
    }

    /// Whether the key holds whole numbers (yen, years, months).
    pub fn is_integer(&self) -> bool {
        !matches!(
            self,
            Knob::DiscountRate
                | Knob::MinHours
                | Knob::Cover
                | Knob::Class(_, ClassKey::ReductionRate)
                | Knob::Project(_, ProjectKey::ReductionHours)
        )
    }

    /// Whether a simulation may draw it: not the keys that shape the horizon or the cut.
    pub fn may_be_uncertain(&self) -> bool {
        !matches!(
            self,
            Knob::HorizonYears | Knob::HighPaybackWithin | Knob::MinHours | Knob::Cover
        )
    }

    /// The key's value in `s` (a project key it leaves out: its class's value).
    pub fn get(&self, s: &Scenario) -> Option<f64> {
        Some(match *self {
            Knob::LaborCostPerHour => s.labor_cost_per_hour as f64,
            Knob::DiscountRate => s.discount_rate,
            Knob::HorizonYears => f64::from(s.horizon_years),
            Knob::HighPaybackWithin => f64::from(s.high_payback_within),
            Knob::MinHours => s.pareto.min_hours?,
            Knob::Cover => s.pareto.cover?,
            Knob::Class(class, key) => class_value(s, class, key),
            Knob::Project(i, key) => {
                let p = s.projects.get(i)?;
                let class = p.class.unwrap_or(WorkClass::Other);
                let own = match key {
                    ProjectKey::ReductionHours => p.reduction_hours,
                    ProjectKey::StudyCost => p.study_cost.map(|v| v as f64),
                    ProjectKey::InitialCost => p.initial_cost.map(|v| v as f64),
                    ProjectKey::AnnualCost => p.annual_cost.map(|v| v as f64),
                    ProjectKey::GoLiveYear => p.go_live_year.map(f64::from),
                    ProjectKey::MonthsInFirstYear => p.months_in_first_year.map(f64::from),
                };
                own.or_else(|| Some(class_value(s, class, key.class_key()?)))?
            }
            Knob::Platform(i, key) => {
                let p = s.platforms.get(i)?;
                match key {
                    PlatformKey::StudyCost => p.study_cost as f64,
                    PlatformKey::InitialCost => p.initial_cost as f64,
                    PlatformKey::AnnualCost => p.annual_cost as f64,
                    PlatformKey::GoLiveYear => f64::from(p.go_live_year(s)),
                }
            }
        })
    }

    /// Sets the key to `value` (integer keys: rounded to the nearest whole value) and checks
    /// the scenario as if the value had been written in the file.
    pub fn set(&self, s: &mut Scenario, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err(format!("{self} = {value}: not a number"));
        }
        let whole = value.round();
        let int = whole.clamp(-9e15, 9e15) as i64;
        let small = int.clamp(0, i64::from(u32::MAX)) as u32;
        match *self {
            Knob::LaborCostPerHour => s.labor_cost_per_hour = int,
            Knob::DiscountRate => s.discount_rate = value,
            Knob::HorizonYears => s.horizon_years = small,
            Knob::HighPaybackWithin => s.high_payback_within = small,
            Knob::MinHours => s.pareto.min_hours = Some(value),
            Knob::Cover => s.pareto.cover = Some(value),
            Knob::Class(class, key) => {
                let c = s.class_mut(class);
                match key {
                    ClassKey::ReductionRate => c.reduction_rate = value,
                    ClassKey::StudyCost => c.study_cost = int,
                    ClassKey::InitialCost => c.initial_cost = int,
                    ClassKey::AnnualCost => c.annual_cost = int,
                    ClassKey::GoLiveYear => c.go_live_year = small,
                    ClassKey::MonthsInFirstYear => c.months_in_first_year = small,
                }
            }
            Knob::Project(i, key) => {
                let label = self.to_string();
                let p = s
                    .projects
                    .get_mut(i)
                    .ok_or_else(|| format!("{label}: no such project"))?;
                let component = matches!(
                    key,
                    ProjectKey::StudyCost | ProjectKey::InitialCost | ProjectKey::AnnualCost
                );
                if component && p.costs.is_some() {
                    return Err(format!(
                        "{label}: the project gives its costs year by year (costs = [...]); \
                         give study_cost, initial_cost and annual_cost instead to vary one"
                    ));
                }
                match key {
                    ProjectKey::ReductionHours => p.reduction_hours = Some(value),
                    ProjectKey::StudyCost => p.study_cost = Some(int),
                    ProjectKey::InitialCost => p.initial_cost = Some(int),
                    ProjectKey::AnnualCost => p.annual_cost = Some(int),
                    ProjectKey::GoLiveYear => p.go_live_year = Some(small),
                    ProjectKey::MonthsInFirstYear => p.months_in_first_year = Some(small),
                }
            }
            Knob::Platform(i, key) => {
                let label = self.to_string();
                let p =
                    (s.platforms.get_mut(i)).ok_or_else(|| format!("{label}: no such platform"))?;
                if key != PlatformKey::GoLiveYear && p.costs.is_some() {
                    return Err(format!(
                        "{label}: the platform gives its costs year by year (costs = [...]); \
                         give study_cost, initial_cost and annual_cost instead to vary one"
                    ));
                }
                match key {
                    PlatformKey::StudyCost => p.study_cost = int,
                    PlatformKey::InitialCost => p.initial_cost = int,
                    PlatformKey::AnnualCost => p.annual_cost = int,
                    PlatformKey::GoLiveYear => p.go_live_year = Some(small),
                }
            }
        }
        s.check()
    }

    /// The name of the key with a project named by index, as `parse` reads it back.
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Knob::Class(class, key) => {
                let name = CLASS_KEYS
                    .iter()
                    .find(|(_, k)| k == key)
                    .map_or("", |(n, _)| n);
                write!(f, "classes.{class}.{name}")
            }
            Knob::Project(i, key) => {
                let name = (PROJECT_KEYS.iter().find(|(_, k)| k == key)).map_or("", |(n, _)| n);
                write!(f, "projects[{i}].{name}")
            }
            Knob::Platform(i, key) => {
                let name = (PLATFORM_KEYS.iter().find(|(_, k)| k == key)).map_or("", |(n, _)| n);
                write!(f, "platforms[{i}].{name}")
            }
            top => {
                let name = TOP_KEYS
                    .iter()
                    .find(|(_, k)| k == top)
                    .map_or("", |(n, _)| n);
                f.write_str(name)
            }
        }
    }

    /// The key as a user reads it, with a project's name rather than its index.
    pub fn label(&self, s: &Scenario) -> String {
        match self {
            Knob::Project(i, _) | Knob::Platform(i, _) => {
                let name = match self {
                    Knob::Project(..) => s.projects.get(*i).map(|p| p.name.as_str()),
                    _ => s.platforms.get(*i).map(|p| p.name.as_str()),
                };
                let name = name.unwrap_or("?");
                self.to_string()
                    .replacen(&format!("[{i}]"), &format!("[{name}]"), 1)
            }
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Knob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

impl Serialize for Knob {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ProjectKey {
    /// The class key a project falls back to.
    fn class_key(self) -> Option<ClassKey> {
        Some(match self {
            ProjectKey::ReductionHours => return None,
            ProjectKey::StudyCost => ClassKey::StudyCost,
            ProjectKey::InitialCost => ClassKey::InitialCost,
            ProjectKey::AnnualCost => ClassKey::AnnualCost,
            ProjectKey::GoLiveYear => ClassKey::GoLiveYear,
            ProjectKey::MonthsInFirstYear => ClassKey::MonthsInFirstYear,
        })
    }
}

fn class_value(s: &Scenario, class: WorkClass, key: ClassKey) -> f64 {
    let c = s.class(class);
    match key {
        ClassKey::ReductionRate => c.reduction_rate,
        ClassKey::StudyCost => c.study_cost as f64,
        ClassKey::InitialCost => c.initial_cost as f64,
        ClassKey::AnnualCost => c.annual_cost as f64,
        ClassKey::GoLiveYear => f64::from(c.go_live_year),
        ClassKey::MonthsInFirstYear => f64::from(c.months_in_first_year),
    }
}

fn unknown(key: &str) -> String {
    format!(
        "\"{key}\" is not a numeric scenario key; use labor_cost_per_hour, discount_rate, \
         horizon_years, high_payback_within, pareto.min_hours, pareto.cover, \
         classes.CLASS.(reduction_rate|study_cost|initial_cost|annual_cost|go_live_year|months_in_first_year) \
         or projects[NAME].(reduction_hours|study_cost|initial_cost|annual_cost|go_live_year|months_in_first_year)"
    )
}

/// `[NAME].key`, `.NAME.key` -> (NAME, key).
fn split_project(rest: &str) -> Option<(&str, &str)> {
    if let Some(inner) = rest.strip_prefix('[') {
        let (name, key) = inner.rsplit_once("].")?;
        return Some((name, key));
    }
    let inner = rest.strip_prefix('.')?;
    inner.rsplit_once('.')
}

fn find_platform(name: &str, s: &Scenario) -> Option<usize> {
    let name = name.trim().trim_matches('"');
    (s.platforms.iter().position(|p| p.name == name)).or_else(|| {
        name.parse::<usize>()
            .ok()
            .filter(|&i| i < s.platforms.len())
    })
}

fn find_project(name: &str, s: &Scenario) -> Option<usize> {
    let name = name.trim().trim_matches('"');
    (s.projects.iter().position(|p| p.name == name))
        .or_else(|| name.parse::<usize>().ok().filter(|&i| i < s.projects.len()))
}

/// How an uncertain value is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "distribution")]
pub enum Distribution {
    /// Most likely at `mode`, falling linearly to `low` and `high`.
    Triangular { low: f64, mode: f64, high: f64 },
    /// Any value between `low` and `high` alike.
    Uniform { low: f64, high: f64 },
}

impl Distribution {
    /// The value a single run uses: the mode, or the midpoint of a uniform range.
    pub fn central(&self) -> f64 {
        match *self {
            Distribution::Triangular { mode, .. } => mode,
            Distribution::Uniform { low, high } => low + (high - low) / 2.0,
        }
    }

    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Distribution::Triangular { low, high, .. } | Distribution::Uniform { low, high } => {
                (low, high)
            }
        }
    }

    /// The value at quantile `u` (0 to 1) of the distribution: the inverse of its CDF, so a
    /// uniform random number gives a draw.
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => low + (high - low) * u,
            Distribution::Triangular { low, mode, high } => {
                let width = high - low;
                if width <= 0.0 {
                    return mode;
                }
                let split = (mode - low) / width;
                if u < split {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
        }
    }

    /// Reads `{ low, mode, high }` or `{ low, high }` (with an optional `distribution =
    /// "triangular" | "uniform"`); `None` when the table is not a range at all.
    pub fn from_table(table: &toml::Table) -> Option<Result<Distribution, String>> {
        let allowed = ["low", "mode", "high", "distribution"];
        let is_range = table.contains_key("low")
            && table.contains_key("high")
            && table.keys().all(|k| allowed.contains(&k.as_str()));
        if !is_range {
            return None;
        }
        let number = |k: &str| -> Result<Option<f64>, String> {
            match table.get(k) {
                None => Ok(None),
                Some(toml::Value::Integer(i)) => Ok(Some(*i as f64)),
                Some(toml::Value::Float(x)) if x.is_finite() => Ok(Some(*x)),
                Some(v) => Err(format!("{k} = {v}: must be a number")),
            }
        };
        let read = || -> Result<Distribution, String> {
            let (low, high) = (
                number("low")?.unwrap_or(0.0),
                number("high")?.unwrap_or(0.0),
            );
            let mode = number("mode")?;
            let kind = match table.get("distribution") {
                None => None,
                Some(toml::Value::String(s)) => Some(s.as_str()),
                Some(v) => return Err(format!("distribution = {v}: triangular or uniform")),
            };
            if low > high {
                return Err(format!("low = {low} is above high = {high}"));
            }
            match (kind, mode) {
                (Some("uniform"), Some(_)) => Err("a uniform range has no mode".into()),
                (Some("uniform") | None, None) => Ok(Distribution::Uniform { low, high }),
                (Some("triangular") | None, Some(mode)) if (low..=high).contains(&mode) => {
                    Ok(Distribution::Triangular { low, mode, high })
                }
                (Some("triangular") | None, Some(mode)) => Err(format!(
                    "mode = {mode} must lie between low = {low} and high = {high}"
                )),
                (Some("triangular"), None) => Err("a triangular range needs a mode".into()),
                (Some(other), _) => {
                    Err(format!("distribution = \"{other}\": triangular or uniform"))
                }
            }
        };
        Some(read())
    }
}

/// An uncertain key of a scenario and how it is drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncertain {
    pub knob: Knob,
    #[serde(flatten)]
    pub distribution: Distribution,
}

/// Replaces every range in a scenario file's table by its central value; returns the ranges
/// with the dotted path of their key (projects by index: `projects[2].reduction_hours`).
pub fn take_ranges(table: &mut toml::Table) -> Result<Vec<(String, Distribution)>, String> {
    let mut found = Vec::new();
    walk(table, "", &mut found)?;
    Ok(found)
}

fn walk(
    table: &mut toml::Table,
    prefix: &str,
    found: &mut Vec<(String, Distribution)>,
) -> Result<(), String> {
    for (key, value) in table.iter_mut() {
        let path = match prefix {
            "" => key.clone(),
            p => format!("{p}.{key}"),
        };
        match value {
            toml::Value::Table(inner) => match Distribution::from_table(inner) {
                Some(Ok(d)) => {
                    *value = central_value(&path, d);
                    found.push((path, d));
                }
                Some(Err(e)) => return Err(format!("{path}: {e}")),
                None => walk(inner, &path, found)?,
            },
            toml::Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let toml::Value::Table(inner) = item {
                        walk(inner, &format!("{path}[{i}]"), found)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The central value as TOML: an integer for the keys that hold whole numbers.
fn central_value(path: &str, d: Distribution) -> toml::Value {
    let float_keys = [
        "discount_rate",
        "reduction_rate",
        "reduction_hours",
        "min_hours",
        "cover",
    ];
    let last = path.rsplit('.').next().unwrap_or(path);
    match float_keys.contains(&last) {
        true => toml::Value::Float(d.central()),
        false => toml::Value::Integer(d.central().round() as i64),
    }
}
