//! `triage compare`: one inventory, several scenarios, side by side.
//!
//! The first scenario is the baseline. The report gives each scenario's totals and every
//! process whose priority or payback year differs from the baseline's, with the deciding
//! reason under each scenario, so the reader sees why it changed.

use super::{SHOWN, cell, cut_note, money, payback};
use crate::error::Result;
use crate::export::{Grid, Report, Section, section};
use crate::format::{grouped, hours, yen};
use crate::model::Priority;
use crate::portfolio::{Evaluation, Portfolio, Shape, Totals};
use crate::priority::{self, Reason};
use crate::scenario::Scenario;
use serde::Serialize;

/// The comparison of several scenarios on one inventory.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub inventory: String,
    pub scenarios: Vec<Column>,
    /// Processes whose priority or payback differs from the baseline (the first scenario),
    /// in rank order.
    pub changes: Vec<Change>,
}

/// One scenario's totals.
#[derive(Debug, Serialize)]
pub struct Column {
    pub scenario: String,
    pub sha256: String,
    /// Year 1 of the horizon, to label payback years.
    pub first_fiscal_year: i32,
    pub totals: Totals,
    /// Notes about the scenario's bundles.
    pub warnings: Vec<String>,
}

/// A process decided differently by some scenario.
#[derive(Debug, Serialize)]
pub struct Change {
    pub id: String,
    pub rank: usize,
    pub department: String,
    pub process: String,
    pub annual_hours: f64,
    /// Its outcome under each scenario, in the order given.
    pub outcomes: Vec<Outcome>,
}

/// What one scenario decides for a process.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub priority: Priority,
    pub payback_year: Option<u32>,
    pub npv: Option<i64>,
    pub project: Option<String>,
    /// The reasons, the deciding one first.
    pub reasons: Vec<Reason>,
}

/// Evaluates every scenario and lists what changes against the first.
pub fn compare(portfolio: &Portfolio, scenarios: &[Scenario]) -> Result<Comparison> {
    let mut runs = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        let shape = portfolio.shape(s)?;
        let evaluation = portfolio.evaluate(&shape, s)?;
        runs.push((s, shape, evaluation));
    }
    let reach = runs.iter().map(|(_, shape, _)| shape.selected).max();
    let mut changes = Vec::new();
    for k in 0..reach.unwrap_or(0) {
        let outcomes: Vec<Outcome> = (runs.iter())
            .map(|(s, shape, e)| outcome(portfolio, k, s, shape, e))
            .collect();
        let base = &outcomes[0];
        let differs =
            |o: &Outcome| o.priority != base.priority || o.payback_year != base.payback_year;
        if outcomes.iter().any(differs) {
            let p = portfolio.process(k);
            changes.push(Change {
                id: p.id().to_string(),
                rank: k + 1,
                department: p.department().to_string(),
                process: p.process().to_string(),
                annual_hours: p.annual_hours,
                outcomes,
            });
        }
    }
    Ok(Comparison {
        inventory: portfolio.source.clone(),
        scenarios: runs
            .into_iter()
            .map(|(s, shape, e)| Column {
                scenario: s.source.clone(),
                sha256: s.sha256.clone(),
                first_fiscal_year: s.first_fiscal_year,
                totals: e.totals,
                warnings: shape.warnings,
            })
            .collect(),
        changes,
    })
}

/// The outcome of the process at rank position `k` under one scenario.
fn outcome(p: &Portfolio, k: usize, s: &Scenario, shape: &Shape, e: &Evaluation) -> Outcome {
    match shape.project_of(k) {
        Some(i) => {
            let f = &e.figures[i];
            let facts = &f.assessment.facts;
            let quantitative = matches!(facts.effect, priority::Effect::Hours(_));
            Outcome {
                priority: f.priority,
                payback_year: facts.payback_year,
                npv: quantitative.then_some(facts.npv),
                project: Some(p.project_name(&shape.projects[i], s)),
                reasons: priority::project_reasons(facts).to_vec(),
            }
        }
        None => Outcome {
            priority: Priority::Excluded,
            payback_year: None,
            npv: None,
            project: None,
            reasons: p.exclusion(k, shape).into_iter().collect(),
        },
    }
}

impl Report for Comparison {
    fn title(&self) -> String {
        format!("triage compare: {}", self.inventory)
    }

    fn sections(&self) -> Vec<Section> {
        vec![self.totals_section(), self.changes_section()]
    }

    fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec![
            "id",
            "rank",
            "department",
            "process",
            "annual_hours",
            "scenario",
            "priority",
            "payback_year",
            "npv",
            "project",
            "reason_code",
            "reason",
        ];
        let mut rows = Vec::new();
        for c in &self.changes {
            for (o, s) in c.outcomes.iter().zip(&self.scenarios) {
                rows.push(vec![
                    c.id.clone(),
                    c.rank.to_string(),
                    c.department.clone(),
                    c.process.clone(),
                    c.annual_hours.to_string(),
                    s.scenario.clone(),
                    o.priority.key().to_string(),
                    cell(o.payback_year),
                    cell(o.npv),
                    o.project.clone().unwrap_or_default(),
                    o.reasons.first().map_or("", |r| r.code().key()).to_string(),
                    sentences(&o.reasons),
                ]);
            }
        }
        (header, rows)
    }
}

impl Comparison {
    fn totals_section(&self) -> Section {
        let mut columns: Vec<(&str, bool)> = vec![("", false)];
        columns.extend(self.scenarios.iter().map(|s| (s.scenario.as_str(), true)));
        let mut grid = Grid::new(&columns);
        type Metric = fn(&Totals) -> String;
        let metrics: [(&str, Metric); 11] = [
            ("selected processes", |t| grouped(t.selected as i64)),
            ("selected hours", |t| hours(t.selected_hours)),
            ("projects with an effect", |t| grouped(t.projects as i64)),
            ("hours saved a year", |t| hours(t.reduction_hours)),
            ("cost over the horizon", |t| yen(t.cost)),
            ("savings over the horizon", |t| yen(t.savings)),
            ("NPV", |t| yen(t.npv)),
            ("high", |t| grouped(t.by_priority.high as i64)),
            ("medium", |t| grouped(t.by_priority.medium as i64)),
            ("low", |t| grouped(t.by_priority.low as i64)),
            ("excluded", |t| grouped(t.by_priority.excluded as i64)),
        ];
        for (name, metric) in metrics {
            let mut row = vec![name.to_string()];
            row.extend(self.scenarios.iter().map(|s| metric(&s.totals)));
            grid.row(row);
        }
        let mut notes = vec![format!(
            "Inventory {}. Baseline: {}. Priorities count processes; money is over each \
             scenario's horizon, summed over the projects with a quantitative effect.",
            self.inventory, self.scenarios[0].scenario
        )];
        for s in &self.scenarios {
            notes.extend(s.warnings.iter().map(|w| format!("{}: {w}", s.scenario)));
        }
        section("Scenarios side by side", notes, Some(grid))
    }

    fn changes_section(&self) -> Section {
        let mut columns: Vec<(&str, bool)> = vec![
            ("rank", true),
            ("id", false),
            ("process", false),
            ("project (baseline)", false),
        ];
        columns.extend(self.scenarios.iter().map(|s| (s.scenario.as_str(), false)));
        columns.push(("why it changed", false));
        let mut grid = Grid::new(&columns);
        for c in self.changes.iter().take(SHOWN) {
            let mut row = vec![
                grouped(c.rank as i64),
                c.id.clone(),
                c.process.clone(),
                c.outcomes[0].project.clone().unwrap_or_else(|| "-".into()),
            ];
            for (o, s) in c.outcomes.iter().zip(&self.scenarios) {
                let years = payback(o.payback_year, s.first_fiscal_year);
                row.push(format!(
                    "{} / payback {} / NPV {}",
                    o.priority,
                    years,
                    money(o.npv)
                ));
            }
            row.push(why(&c.outcomes));
            grid.row(row);
        }
        let mut notes = vec![match self.changes.len() {
            0 => "No process changes priority or payback year.".to_string(),
            n => format!(
                "{} processes change priority or payback year against the baseline; \
                 each cell: priority / payback year / NPV of its project.",
                grouped(n as i64)
            ),
        }];
        notes.extend(cut_note(self.changes.len()));
        section("What changes", notes, Some(grid))
    }
}

/// The deciding reason of each scenario whose outcome differs from the baseline.
fn why(outcomes: &[Outcome]) -> String {
    let base = &outcomes[0];
    let mut parts = vec![format!("baseline: {}", sentences(&base.reasons))];
    for (i, o) in outcomes.iter().enumerate().skip(1) {
        if o.priority != base.priority || o.payback_year != base.payback_year {
            parts.push(format!("scenario {}: {}", i + 1, sentences(&o.reasons)));
        }
    }
    parts.join(" ")
}

/// The reasons' sentences, one after the other.
fn sentences(reasons: &[Reason]) -> String {
    let all: Vec<String> = reasons.iter().map(Reason::message).collect();
    all.join(" ")
}
