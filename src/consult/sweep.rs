//! `triage sweep`: one key at a time over a range, everything else as in the scenario.
//!
//! For each key the report gives the portfolio at evenly spaced values (the data of a tornado
//! chart: NPV at both ends and the swing between them) and, for keys that leave the selection
//! alone, every project whose priority changes or whose NPV crosses zero inside the range,
//! with the exact break-even value: found on the grid, then by bisection between the two
//! values around it (whole values for yen and years, to 1e-9 for rates and hours). A
//! project's figures are monotone in each such key (savings rise with the labour rate and the
//! reduction, costs with the cost keys), so the value found is the one where it changes.

use super::{SHOWN, cut_note};
use crate::error::{Error, Result};
use crate::export::{Grid, Report, Section, section};
use crate::format::{grouped, hours, yen};
use crate::model::Priority;
use crate::platforms::ClassHours;
use crate::portfolio::{Figures, Portfolio, Project, Shape, Totals};
use crate::projects::Costing;
use crate::scenario::Scenario;
use crate::vary::Knob;
use rayon::prelude::*;
use serde::Serialize;

/// A key and the range to sweep it over, as given with `--vary KEY=FROM..TO`.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub knob: Knob,
    pub from: f64,
    pub to: f64,
}

impl Range {
    /// Reads `KEY=FROM..TO` against the scenario it will vary.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Range> {
        let usage = |why: String| Error::Usage(format!("--vary {text}: {why}"));
        let (key, range) = (text.rsplit_once('=')).ok_or_else(|| {
            usage("write KEY=FROM..TO, e.g. labor_cost_per_hour=2000..3500".into())
        })?;
        let knob = Knob::parse(key, scenario).map_err(usage)?;
        let (from, to) = (range.split_once(".."))
            .ok_or_else(|| usage(format!("\"{range}\" is not a range FROM..TO")))?;
        let number = |t: &str| {
            let t: String = t
                .trim()
                .chars()
                .filter(|c| !matches!(c, ',' | '_'))
                .collect();
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| usage(format!("\"{t}\" is not a number")))
        };
        let (from, to) = (number(from)?, number(to)?);
        if from >= to {
            return Err(usage(format!("FROM ({from}) must be below TO ({to})")));
        }
        for end in [from, to] {
            let mut probe = scenario.clone();
            knob.set(&mut probe, end).map_err(usage)?;
        }
        Ok(Range { knob, from, to })
    }

    /// `steps` evenly spaced values from `from` to `to`; whole and distinct for integer keys.
    fn values(&self, steps: u32) -> Vec<f64> {
        let n = steps.max(2);
        let mut values: Vec<f64> = (0..n)
            .map(|i| self.from + (self.to - self.from) * f64::from(i) / f64::from(n - 1))
            .map(|v| if self.knob.is_integer() { v.round() } else { v })
            .collect();
        values.dedup();
        values
    }
}

/// The sweep of every key.
#[derive(Debug, Serialize)]
pub struct Sweep {
    pub inventory: String,
    pub scenario: String,
    /// The scenario's own portfolio totals.
    pub base: Totals,
    /// One entry per key, the widest NPV swing first (the order of a tornado chart).
    pub keys: Vec<KeySweep>,
}

/// One key swept.
#[derive(Debug, Serialize)]
pub struct KeySweep {
    pub key: String,
    /// Whether the key holds whole values (yen, years).
    pub integer: bool,
    /// The key's value in the scenario.
    pub base_value: Option<f64>,
    pub from: f64,
    pub to: f64,
    pub points: Vec<Point>,
    /// Portfolio NPV at the lowest and highest value swept.
    pub npv_at_from: i64,
    pub npv_at_to: i64,
    /// Highest minus lowest portfolio NPV over the points.
    pub swing: i64,
    /// Projects whose priority changes or whose NPV crosses zero inside the range (not for
    /// keys that change the selection, whose projects differ from value to value).
    pub flips: Vec<Flip>,
}

/// The portfolio at one value of the key.
#[derive(Debug, Serialize)]
pub struct Point {
    pub value: f64,
    pub totals: Totals,
}

/// What changes for one project at a break-even value.
#[derive(Debug, Serialize)]
pub struct Flip {
    pub project: String,
    pub processes: usize,
    pub change: Change,
    /// The first value (going up) at which the project is in its new state.
    pub at: f64,
}

/// What a project changes at a break-even value, going up the range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// Its priority changes from `below` to `above`.
    Priority { below: Priority, above: Priority },
    /// Its NPV changes sign: `rises` when it becomes 0 or more going up.
    NpvZero { rises: bool },
}

/// What one project is at one value, for finding where it changes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct State {
    priority: Priority,
    npv_positive: bool,
}

impl State {
    fn of(f: &Figures) -> State {
        State {
            priority: f.priority,
            npv_positive: f.assessment.facts.npv >= 0,
        }
    }
}

/// Sweeps every range over `steps` values each.
pub fn sweep(
    portfolio: &Portfolio,
    scenario: &Scenario,
    ranges: &[Range],
    steps: u32,
) -> Result<Sweep> {
    let shape = portfolio.shape(scenario)?;
    let base = portfolio.evaluate(&shape, scenario)?.totals;
    let mut keys = Vec::with_capacity(ranges.len());
    for range in ranges {
        keys.push(sweep_key(portfolio, scenario, range, steps)?);
    }
    keys.sort_by_key(|k| std::cmp::Reverse(k.swing));
    Ok(Sweep {
        inventory: portfolio.source.clone(),
        scenario: scenario.source.clone(),
        base,
        keys,
    })
}

/// The scenario with the key set to `value`; a value the scenario refuses is a usage error.
fn variant(scenario: &Scenario, knob: &Knob, value: f64) -> Result<Scenario> {
    let mut s = scenario.clone();
    knob.set(&mut s, value)
        .map_err(|e| Error::Usage(format!("--vary {knob}: {e}")))?;
    Ok(s)
}

fn sweep_key(p: &Portfolio, scenario: &Scenario, range: &Range, steps: u32) -> Result<KeySweep> {
    let knob = &range.knob;
    let values = range.values(steps);
    let variants: Vec<Scenario> = (values.iter())
        .map(|&v| variant(scenario, knob, v))
        .collect::<Result<_>>()?;
    let shape = portfolio_shape(p, scenario, knob)?;
    let mut points = Vec::with_capacity(values.len());
    let mut states: Vec<Vec<State>> = Vec::with_capacity(values.len());
    for (value, s) in values.iter().zip(&variants) {
        let own;
        let shape = match &shape {
            Some(shared) => shared,
            None => {
                own = p.shape(s)?;
                &own
            }
        };
        let (state, totals) = p.evaluate_map(shape, s, |f| State::of(&f))?;
        states.push(state);
        points.push(Point {
            value: *value,
            totals,
        });
    }
    let flips = match &shape {
        Some(shape) => flips(p, scenario, knob, shape, &values, &states)?,
        None => Vec::new(),
    };
    let npvs: Vec<i64> = points.iter().map(|pt| pt.totals.npv).collect();
    let swing = npvs.iter().max().unwrap_or(&0) - npvs.iter().min().unwrap_or(&0);
    Ok(KeySweep {
        key: knob.label(scenario),
        integer: knob.is_integer(),
        base_value: knob.get(scenario),
        from: range.from,
        to: range.to,
        npv_at_from: npvs.first().copied().unwrap_or(0),
        npv_at_to: npvs.last().copied().unwrap_or(0),
        swing,
        points,
        flips,
    })
}

/// The shape every value shares, or `None` when the key changes the selection.
fn portfolio_shape(
    p: &Portfolio,
    scenario: &Scenario,
    knob: &Knob,
) -> Result<Option<crate::portfolio::Shape>> {
    match knob.shapes_selection() {
        true => Ok(None),
        false => p.shape(scenario).map(Some),
    }
}

/// Every change of state between neighbouring values, located by bisection, in parallel.
fn flips(
    p: &Portfolio,
    scenario: &Scenario,
    knob: &Knob,
    shape: &Shape,
    values: &[f64],
    states: &[Vec<State>],
) -> Result<Vec<Flip>> {
    let projects = &shape.projects;
    // Platforms are shared by the hours projects save; unless the key moves those, they are
    // the same at every value and summed once.
    let hours = (!knob.moves_hours()).then(|| p.class_hours(shape, scenario));
    let sharing = Sharing { shape, hours };
    let mut todo = Vec::new();
    for w in 0..values.len().saturating_sub(1) {
        for (i, (a, b)) in states[w].iter().zip(&states[w + 1]).enumerate() {
            if a.priority != b.priority {
                let change = Change::Priority {
                    below: a.priority,
                    above: b.priority,
                };
                todo.push((i, w, change));
            }
            if a.npv_positive != b.npv_positive {
                todo.push((
                    i,
                    w,
                    Change::NpvZero {
                        rises: b.npv_positive,
                    },
                ));
            }
        }
    }
    let found: Vec<Flip> = (todo.par_iter())
        .map(|&(i, w, change)| {
            let project = &projects[i];
            let holds = |f: &Figures| match change {
                Change::Priority { above, .. } => f.priority == above,
                Change::NpvZero { rises } => (f.assessment.facts.npv >= 0) == rises,
            };
            let span = (values[w], values[w + 1]);
            let at = bisect(p, scenario, knob, &sharing, project, span, holds)?;
            Ok(Flip {
                project: p.project_name(project, scenario),
                processes: project.members.ranks().len(),
                change,
                at,
            })
        })
        .collect::<Result<_>>()?;
    Ok(found)
}

/// What sharing platforms needs during a bisection: the projects, and the hours they save
/// when these do not depend on the value.
struct Sharing<'a> {
    shape: &'a Shape,
    hours: Option<ClassHours>,
}

/// The first value in `(low, high]` at which `holds` is true of the project, given that it is
/// false at `low` and true at `high`.
fn bisect(
    p: &Portfolio,
    scenario: &Scenario,
    knob: &Knob,
    sharing: &Sharing,
    project: &Project,
    (mut low, mut high): (f64, f64),
    holds: impl Fn(&Figures) -> bool,
) -> Result<f64> {
    let at = |v: f64| -> Result<bool> {
        let s = variant(scenario, knob, v)?;
        let costing = match &sharing.hours {
            Some(hours) => Costing::new(&s, hours),
            None => p.costing(sharing.shape, &s),
        };
        Ok(holds(&p.figures(project, &s, &costing)?))
    };
    for _ in 0..200 {
        let done = match knob.is_integer() {
            true => high - low <= 1.0,
            false => high - low <= 1e-9 * high.abs().max(1.0),
        };
        if done {
            break;
        }
        let mid = match knob.is_integer() {
            true => (low + (high - low) / 2.0).floor(),
            false => low + (high - low) / 2.0,
        };
        match at(mid)? {
            true => high = mid,
            false => low = mid,
        }
    }
    Ok(high)
}

/// A key's value as a reader reads it: whole values grouped, others to six significant digits.
fn value(knob_is_integer: bool, v: f64) -> String {
    if knob_is_integer {
        grouped(v as i64)
    } else {
        let text = format!("{v:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

impl Report for Sweep {
    fn title(&self) -> String {
        format!("triage sweep: {}", self.inventory)
    }

    fn sections(&self) -> Vec<Section> {
        let mut out = vec![self.tornado()];
        out.extend(self.keys.iter().map(|k| k.points_section()));
        out.push(self.flips_section());
        out
    }

    fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec![
            "key",
            "value",
            "selected",
            "projects",
            "reduction_hours",
            "cost",
            "savings",
            "npv",
            "high",
            "medium",
            "low",
            "excluded",
        ];
        let mut rows = Vec::new();
        for k in &self.keys {
            for pt in &k.points {
                let t = &pt.totals;
                rows.push(vec![
                    k.key.clone(),
                    pt.value.to_string(),
                    t.selected.to_string(),
                    t.projects.to_string(),
                    t.reduction_hours.to_string(),
                    t.cost.to_string(),
                    t.savings.to_string(),
                    t.npv.to_string(),
                    t.by_priority.high.to_string(),
                    t.by_priority.medium.to_string(),
                    t.by_priority.low.to_string(),
                    t.by_priority.excluded.to_string(),
                ]);
            }
        }
        (header, rows)
    }
}

impl Sweep {
    fn tornado(&self) -> Section {
        let mut grid = Grid::new(&[
            ("key", false),
            ("scenario value", true),
            ("from", true),
            ("to", true),
            ("NPV at from", true),
            ("NPV at to", true),
            ("swing", true),
        ]);
        for k in &self.keys {
            let int = k.integer;
            grid.row(vec![
                k.key.clone(),
                k.base_value.map_or("-".into(), |v| value(int, v)),
                value(int, k.from),
                value(int, k.to),
                yen(k.npv_at_from),
                yen(k.npv_at_to),
                yen(k.swing),
            ]);
        }
        let notes = vec![format!(
            "Inventory {}, scenario {}: portfolio NPV {} ({} projects with an effect, {} h saved \
             a year). Widest swing first: the bars of a tornado chart.",
            self.inventory,
            self.scenario,
            yen(self.base.npv),
            grouped(self.base.projects as i64),
            hours(self.base.reduction_hours)
        )];
        section("Sensitivity of portfolio NPV", notes, Some(grid))
    }

    fn flips_section(&self) -> Section {
        let mut grid = Grid::new(&[
            ("key", false),
            ("project", false),
            ("processes", true),
            ("what changes going up", false),
            ("break-even value", true),
        ]);
        let all: Vec<(&KeySweep, &Flip)> = (self.keys.iter())
            .flat_map(|k| k.flips.iter().map(move |f| (k, f)))
            .collect();
        for (k, f) in all.iter().take(SHOWN) {
            let int = k.integer;
            let change = match f.change {
                Change::Priority { below, above } => format!("priority {below} -> {above}"),
                Change::NpvZero { rises: true } => "NPV becomes 0 or more".into(),
                Change::NpvZero { rises: false } => "NPV falls below 0".into(),
            };
            grid.row(vec![
                k.key.clone(),
                f.project.clone(),
                grouped(f.processes as i64),
                change,
                value(int, f.at),
            ]);
        }
        let mut notes = vec![
            "The break-even value is the first value, going up, at which the project is in its \
             new state. Keys that change the selection (pareto.*) list no projects here."
                .to_string(),
        ];
        if all.is_empty() {
            notes.push("No project changes priority or NPV sign inside the ranges.".into());
        }
        notes.extend(cut_note(all.len()));
        section("Break-even values", notes, Some(grid))
    }
}

impl KeySweep {
    fn points_section(&self) -> Section {
        let mut grid = Grid::new(&[
            (self.key.as_str(), true),
            ("selected", true),
            ("projects", true),
            ("NPV", true),
            ("high", true),
            ("medium", true),
            ("low", true),
        ]);
        let int = self.integer;
        for pt in &self.points {
            let t = &pt.totals;
            grid.row(vec![
                value(int, pt.value),
                grouped(t.selected as i64),
                grouped(t.projects as i64),
                yen(t.npv),
                grouped(t.by_priority.high as i64),
                grouped(t.by_priority.medium as i64),
                grouped(t.by_priority.low as i64),
            ]);
        }
        section(format!("Sweep of {}", self.key), Vec::new(), Some(grid))
    }
}
