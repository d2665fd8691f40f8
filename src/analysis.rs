//! The pipeline: inventory -> rank -> select -> classify -> projects -> projection -> priority.
//!
//! The result, [`Analysis`], is what every output format renders; its serde form is the JSON
//! contract. Every process kept by the reader appears in `processes` once, with one priority
//! (or, with [`Listing::Selected`], only the selected ones); the summary counts every row of
//! the file either way. Per-process work runs in parallel and is collected in rank order, so
//! the result does not depend on the number of threads.

use crate::classify::{Basis, RuleTable};
use crate::error::Result;
use crate::inventory::Inventory;
use crate::model::{Priority, Process, Reduction, WorkClass};
use crate::pareto::Ranking;
use crate::priority::{self, Reason, SelectionContext};
use crate::projects::{self, ProjectOutcome};
use crate::scenario::Scenario;
use crate::summary::{self, Counts, Summary};
use rayon::prelude::*;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// The outcome for one process: the inventory row and what was decided about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessOutcome {
    /// The inventory row.
    pub input: Process,
    /// Position of the row among the rows the reader kept (input order).
    pub input_index: usize,
    pub rank: usize,
    pub cumulative_share: f64,
    pub selected: bool,
    pub class: Option<WorkClass>,
    /// Why the class: the inventory's column or the rule and keyword that matched.
    pub class_rule: Option<Basis>,
    /// Hours a year this process is expected to save (its own estimate or the class rate).
    pub reduction_hours: Option<f64>,
    pub project: Option<Arc<str>>,
    pub priority: Priority,
    pub reasons: Arc<[Reason]>,
}

impl Serialize for ProcessOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            id: &'a str,
            rank: usize,
            line: u64,
            department: &'a str,
            section: &'a str,
            task: &'a str,
            process: &'a str,
            annual_hours: f64,
            cumulative_share: f64,
            selected: bool,
            class: Option<WorkClass>,
            class_rule: Option<String>,
            reduction_hours: Option<f64>,
            project: Option<&'a str>,
            priority: Priority,
            reasons: &'a [Reason],
        }
        let p = &self.input;
        Json {
            id: p.id(),
            rank: self.rank,
            line: p.line,
            department: p.department(),
            section: p.section(),
            task: p.task(),
            process: p.process(),
            annual_hours: p.annual_hours,
            cumulative_share: self.cumulative_share,
            selected: self.selected,
            class: self.class,
            class_rule: self.class_rule.as_ref().map(Basis::describe),
            reduction_hours: self.reduction_hours,
            project: self.project.as_deref(),
            priority: self.priority,
            reasons: &self.reasons,
        }
        .serialize(serializer)
    }
}

/// The scenario values a reader needs to interpret the numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioEcho {
    pub source: String,
    pub horizon_years: u32,
    pub first_fiscal_year: i32,
    pub labor_cost_per_hour: i64,
    pub high_payback_within: u32,
    pub discount_rate: f64,
    pub min_hours: Option<f64>,
    pub cover: Option<f64>,
}

/// Everything a run produces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub engine: String,
    pub inventory: String,
    pub encoding: String,
    pub scenario: ScenarioEcho,
    pub summary: Summary,
    /// The listed processes, in rank order.
    pub processes: Vec<ProcessOutcome>,
    /// Every project, in the rank order of its first process.
    pub projects: Vec<ProjectOutcome>,
    /// Notes for the user; printed to stderr, not part of the data.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Which processes the result lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Listing {
    /// Every process of the inventory.
    #[default]
    All,
    /// Only the selected processes; the summary still counts every row.
    Selected,
}

/// Runs the whole pipeline on a read inventory, listing every process.
pub fn analyze(inventory: Inventory, scenario: &Scenario, rules: &RuleTable) -> Result<Analysis> {
    analyze_listing(inventory, scenario, rules, Listing::All)
}

/// Runs the pipeline, listing `listing`'s processes.
pub fn analyze_listing(
    inventory: Inventory,
    scenario: &Scenario,
    rules: &RuleTable,
    listing: Listing,
) -> Result<Analysis> {
    let Inventory {
        source,
        encoding,
        processes,
        rows,
        total_hours,
        departments,
        tasks,
        skipped_empty,
        mut warnings,
    } = inventory;
    let hours: Vec<f64> = processes.iter().map(|p| p.annual_hours).collect();
    let ranking = Ranking::with_total(&hours, &scenario.pareto, total_hours);
    drop(hours);
    let mut outcomes = first_outcomes(processes, &ranking, scenario, rules);
    let groups = projects::group(&outcomes, scenario, &source, &mut warnings)?;
    let projects = projects::evaluate_all(&groups, &outcomes, scenario)?;
    for (group, project) in groups.iter().zip(&projects) {
        for &k in &group.members {
            let o = &mut outcomes[k];
            o.project = Some(project.name.clone());
            o.priority = project.priority;
            o.reasons = project.reasons.clone();
        }
    }
    let counts = Counts {
        rows,
        departments,
        tasks,
        skipped_empty,
    };
    let summary = summary::summarize(&counts, &outcomes, &ranking);
    if listing == Listing::Selected {
        outcomes.truncate(ranking.selected);
    }
    Ok(Analysis {
        engine: format!("triage {}", env!("CARGO_PKG_VERSION")),
        inventory: source,
        encoding: encoding.name().to_string(),
        scenario: echo(scenario),
        summary,
        processes: outcomes,
        projects,
        warnings,
    })
}

fn echo(s: &Scenario) -> ScenarioEcho {
    ScenarioEcho {
        source: s.source.clone(),
        horizon_years: s.horizon_years,
        first_fiscal_year: s.first_fiscal_year,
        labor_cost_per_hour: s.labor_cost_per_hour,
        high_payback_within: s.high_payback_within,
        discount_rate: s.discount_rate,
        min_hours: s.pareto.min_hours,
        cover: s.pareto.cover,
    }
}

/// Outcomes in rank order with rank, share, class and the process-level exclusions (rules 1-3).
/// Processes not excluded are left `Priority::Medium` with no reasons until their project decides.
fn first_outcomes(
    processes: Vec<Process>,
    ranking: &Ranking,
    scenario: &Scenario,
    rules: &RuleTable,
) -> Vec<ProcessOutcome> {
    let mut slots: Vec<Option<Process>> = processes.into_iter().map(Some).collect();
    let ranked: Vec<(usize, Process)> = ranking
        .order
        .iter()
        .filter_map(|&i| slots[i].take().map(|p| (i, p)))
        .collect();
    drop(slots);
    let ctx = SelectionContext {
        min_hours: scenario.pareto.min_hours,
        cover: scenario.pareto.cover,
        selected_count: ranking.selected,
    };
    ranked
        .into_par_iter()
        .enumerate()
        .map(|(k, (i, p))| first_outcome(k, i, p, ranking, scenario, rules, &ctx))
        .collect()
}

fn first_outcome(
    k: usize,
    input_index: usize,
    p: Process,
    ranking: &Ranking,
    scenario: &Scenario,
    rules: &RuleTable,
    ctx: &SelectionContext,
) -> ProcessOutcome {
    let selected = k < ranking.selected;
    let classified = selected.then(|| rules.classify(&p));
    let exclusion = priority::process_exclusion(&p, selected, k + 1, ctx);
    let class = classified.as_ref().map(|(c, _)| *c);
    let reduction_hours = class.and_then(|c| own_reduction(&p, scenario.class(c).reduction_rate));
    ProcessOutcome {
        input: p,
        input_index,
        rank: k + 1,
        cumulative_share: ranking.cumulative_share(k + 1),
        selected,
        class,
        class_rule: classified.map(|(_, basis)| basis),
        reduction_hours,
        project: None,
        priority: if exclusion.is_some() {
            Priority::Excluded
        } else {
            Priority::Medium
        },
        reasons: exclusion.into_iter().collect(),
    }
}

/// A process's own expected saving: its inventory estimate, else hours x the class rate.
fn own_reduction(p: &Process, rate: f64) -> Option<f64> {
    match p.reduction {
        Reduction::Hours(h) => Some(h),
        Reduction::Estimate if rate > 0.0 => Some(p.annual_hours * rate),
        Reduction::Estimate | Reduction::QualitativeOnly => None,
    }
}
