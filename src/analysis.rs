//! The pipeline: inventory -> rank -> select -> classify -> projects -> projection -> priority.
//!
//! The result, [`Analysis`], is what every output format renders; its serde form is the JSON
//! contract. Every input row appears in `processes` exactly once, with one priority.

use crate::classify::RuleTable;
use crate::error::{Error, Result};
use crate::inventory::Inventory;
use crate::model::{Blocker, Priority, Process, Reduction, WorkClass};
use crate::pareto::Ranking;
use crate::priority::{self, Effect, ProjectFacts, Reason, SelectionContext};
use crate::projection::{self, Economy, ProjectPlan, YearRow};
use crate::scenario::{ProjectSpec, Scenario};
use crate::summary::{self, Summary};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The outcome for one process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessOutcome {
    /// Position of the process in the inventory (0-based, input order).
    #[serde(skip)]
    pub input_index: usize,
    pub id: String,
    pub rank: usize,
    /// Line of the record in the inventory file.
    pub line: u64,
    pub department: String,
    pub section: String,
    pub task: String,
    pub process: String,
    pub annual_hours: f64,
    pub cumulative_share: f64,
    pub selected: bool,
    pub class: Option<WorkClass>,
    pub class_rule: Option<String>,
    /// Hours a year this process is expected to save (its own estimate or the class rate).
    pub reduction_hours: Option<f64>,
    pub project: Option<String>,
    pub priority: Priority,
    pub reasons: Vec<Reason>,
}

/// Where a project came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectOrigin {
    /// Named in the scenario's `[[projects]]`.
    Scenario,
    /// One selected process with its class's default costs.
    Default,
}

/// A projected project and its decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectOutcome {
    pub name: String,
    pub origin: ProjectOrigin,
    pub processes: Vec<String>,
    pub class: WorkClass,
    /// Hours saved a year; null when only a qualitative effect, or none, is known.
    pub reduction_hours: Option<f64>,
    pub payback_year: Option<u32>,
    /// Net present value in yen; null without a quantitative effect.
    pub npv: Option<i64>,
    pub priority: Priority,
    pub reasons: Vec<Reason>,
    /// Yearly costs and savings; empty without a quantitative effect.
    pub years: Vec<YearRow>,
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
    /// Every process, in rank order.
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

/// Runs the whole pipeline on a read inventory.
pub fn analyze(inventory: &Inventory, scenario: &Scenario, rules: &RuleTable) -> Result<Analysis> {
    analyze_listing(inventory, scenario, rules, Listing::All)
}

/// Runs the pipeline, listing `listing`'s processes.
pub fn analyze_listing(
    inventory: &Inventory,
    scenario: &Scenario,
    rules: &RuleTable,
    listing: Listing,
) -> Result<Analysis> {
    let procs = &inventory.processes;
    let hours: Vec<f64> = procs.iter().map(|p| p.annual_hours).collect();
    let ranking = Ranking::with_total(&hours, &scenario.pareto, inventory.total_hours);
    let mut outcomes = first_outcomes(procs, &ranking, scenario, rules);
    let mut warnings = inventory.warnings.clone();
    let groups = group_projects(&outcomes, scenario, &inventory.source, &mut warnings)?;
    let projects: Vec<ProjectOutcome> = groups
        .iter()
        .map(|g| evaluate(g, procs, &outcomes, scenario))
        .collect::<Result<_>>()?;
    for (group, project) in groups.iter().zip(&projects) {
        for &k in &group.members {
            let o = &mut outcomes[k];
            o.project = Some(project.name.clone());
            o.priority = project.priority;
            o.reasons = project.reasons.clone();
        }
    }
    let summary = summary::summarize(inventory, &outcomes, &ranking);
    if listing == Listing::Selected {
        outcomes.truncate(ranking.selected);
    }
    Ok(Analysis {
        engine: format!("triage {}", env!("CARGO_PKG_VERSION")),
        inventory: inventory.source.clone(),
        encoding: inventory.encoding.name().to_string(),
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
    procs: &[Process],
    ranking: &Ranking,
    scenario: &Scenario,
    rules: &RuleTable,
) -> Vec<ProcessOutcome> {
    ranking
        .order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let p = &procs[i];
            let selected = k < ranking.selected;
            let classified = selected.then(|| rules.classify(p));
            let ctx = SelectionContext {
                min_hours: scenario.pareto.min_hours,
                cover: scenario.pareto.cover,
                rank: k + 1,
                selected_count: ranking.selected,
            };
            let exclusion = priority::process_exclusion(p, selected, &ctx);
            let class = classified.as_ref().map(|(c, _)| *c);
            ProcessOutcome {
                input_index: i,
                id: p.id.clone(),
                rank: k + 1,
                line: p.line,
                department: p.department.clone(),
                section: p.section.clone(),
                task: p.task.clone(),
                process: p.process.clone(),
                annual_hours: p.annual_hours,
                cumulative_share: ranking.cumulative_share(k + 1),
                selected,
                class,
                class_rule: classified.map(|(_, basis)| basis.describe()),
                reduction_hours: class
                    .and_then(|c| own_reduction(p, scenario.class(c).reduction_rate)),
                project: None,
                priority: if exclusion.is_some() {
                    Priority::Excluded
                } else {
                    Priority::Medium
                },
                reasons: exclusion.into_iter().collect(),
            }
        })
        .collect()
}

/// A process's own expected saving: its inventory estimate, else hours x the class rate.
fn own_reduction(p: &Process, rate: f64) -> Option<f64> {
    match p.reduction {
        Reduction::Hours(h) => Some(h),
        Reduction::Estimate if rate > 0.0 => Some(p.annual_hours * rate),
        Reduction::Estimate | Reduction::QualitativeOnly => None,
    }
}

/// A project before projection: its members as indices into the rank-ordered outcomes.
struct Group<'a> {
    name: String,
    spec: Option<&'a ProjectSpec>,
    members: Vec<usize>,
}

/// Scenario bundles first, then one default project per remaining eligible process.
fn group_projects<'a>(
    outcomes: &[ProcessOutcome],
    scenario: &'a Scenario,
    source: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Group<'a>>> {
    let by_id: HashMap<&str, usize> = outcomes
        .iter()
        .enumerate()
        .map(|(k, o)| (o.id.as_str(), k))
        .collect();
    let mut taken = vec![false; outcomes.len()];
    let mut groups = Vec::new();
    for (n, spec) in scenario.projects.iter().enumerate() {
        let mut members = Vec::new();
        for id in spec.processes.iter().map(|id| id.as_string()) {
            let Some(&k) = by_id.get(id.as_str()) else {
                return Err(Error::Scenario {
                    path: scenario.source.clone(),
                    message: format!(
                        "projects[{n}].processes: no process with id \"{id}\" in {source}"
                    ),
                });
            };
            taken[k] = true;
            if outcomes[k].priority == Priority::Excluded {
                let why = outcomes[k].reasons.first().map_or("", |r| r.code.key());
                warnings.push(format!(
                    "project \"{}\": process \"{id}\" is excluded ({why}) and left out of it",
                    spec.name
                ));
            } else {
                members.push(k);
            }
        }
        if members.is_empty() {
            warnings.push(format!(
                "project \"{}\" has no eligible process and is not projected",
                spec.name
            ));
            continue;
        }
        members.sort_unstable();
        groups.push(Group {
            name: spec.name.clone(),
            spec: Some(spec),
            members,
        });
    }
    let scenario_names: HashSet<String> = groups.iter().map(|g| g.name.clone()).collect();
    for (k, o) in outcomes.iter().enumerate() {
        if !taken[k] && o.priority != Priority::Excluded {
            let name = unique_name(format!("{} {}", o.id, o.process), &scenario_names);
            groups.push(Group {
                name,
                spec: None,
                members: vec![k],
            });
        }
    }
    groups.sort_by_key(|g| g.members[0]);
    Ok(groups)
}

/// `name`, or `name (2)`, `name (3)`... if a scenario project already has it.
fn unique_name(name: String, scenario_names: &HashSet<String>) -> String {
    let taken = |n: &str| scenario_names.contains(n);
    if !taken(&name) {
        return name;
    }
    (2..)
        .map(|k| format!("{name} ({k})"))
        .find(|n| !taken(n))
        .unwrap_or(name)
}

/// Projects one group and decides its priority (rules 4-7).
fn evaluate(
    g: &Group,
    procs: &[Process],
    outcomes: &[ProcessOutcome],
    scenario: &Scenario,
) -> Result<ProjectOutcome> {
    let lead = &outcomes[g.members[0]];
    let class = g
        .spec
        .and_then(|s| s.class)
        .or(lead.class)
        .unwrap_or(WorkClass::Other);
    let effect = effect(g, procs, outcomes);
    let plan = plan(g.spec, class, &effect, scenario);
    let economy = Economy {
        labor_cost_per_hour: scenario.labor_cost_per_hour,
        first_fiscal_year: scenario.first_fiscal_year,
        discount_rate: scenario.discount_rate,
    };
    let projection = projection::project(&plan, &economy);
    if projection.saturated() {
        let message = format!(
            "project \"{}\": its amounts exceed {} yen; check labor_cost_per_hour, reduction_hours and costs",
            g.name,
            i64::MAX
        );
        return Err(Error::Scenario {
            path: scenario.source.clone(),
            message,
        });
    }
    let facts = ProjectFacts {
        effect,
        blocker: blocker(g, procs, outcomes),
        payback_year: projection.payback_year,
        horizon_years: scenario.horizon_years,
        high_payback_within: scenario.high_payback_within,
        npv: projection.npv,
    };
    let (priority, reasons) = priority::project_priority(&facts);
    let quantitative = matches!(effect, Effect::Hours(_));
    Ok(ProjectOutcome {
        name: g.name.clone(),
        origin: if g.spec.is_some() {
            ProjectOrigin::Scenario
        } else {
            ProjectOrigin::Default
        },
        processes: g.members.iter().map(|&k| outcomes[k].id.clone()).collect(),
        class,
        reduction_hours: match effect {
            Effect::Hours(h) => Some(h),
            _ => None,
        },
        payback_year: projection.payback_year,
        npv: quantitative.then_some(projection.npv),
        priority,
        reasons,
        years: if quantitative {
            projection.years
        } else {
            Vec::new()
        },
    })
}

fn process_of<'a>(procs: &'a [Process], outcomes: &[ProcessOutcome], k: usize) -> &'a Process {
    &procs[outcomes[k].input_index]
}

/// The project's effect: the scenario's figure, else the sum of its members' estimates.
fn effect(g: &Group, procs: &[Process], outcomes: &[ProcessOutcome]) -> Effect {
    if let Some(h) = g.spec.and_then(|s| s.reduction_hours) {
        return Effect::Hours(h);
    }
    let estimates: Vec<f64> = g
        .members
        .iter()
        .filter_map(|&k| outcomes[k].reduction_hours)
        .collect();
    if !estimates.is_empty() {
        return Effect::Hours(estimates.iter().sum());
    }
    let qualitative = g
        .members
        .iter()
        .any(|&k| process_of(procs, outcomes, k).reduction == Reduction::QualitativeOnly);
    if qualitative {
        Effect::QualitativeOnly
    } else {
        Effect::NoEstimate
    }
}

fn blocker(g: &Group, procs: &[Process], outcomes: &[ProcessOutcome]) -> Option<Blocker> {
    g.members
        .iter()
        .find_map(|&k| process_of(procs, outcomes, k).blocker)
}

/// Costs and timing: the scenario project's own keys over its class's defaults.
fn plan(
    spec: Option<&ProjectSpec>,
    class: WorkClass,
    effect: &Effect,
    scenario: &Scenario,
) -> ProjectPlan {
    let c = scenario.class(class);
    let go_live_year = spec.and_then(|s| s.go_live_year).unwrap_or(c.go_live_year);
    let costs = match spec.and_then(|s| s.costs.clone()) {
        Some(costs) => costs,
        None => projection::component_costs(
            spec.and_then(|s| s.study_cost).unwrap_or(c.study_cost),
            spec.and_then(|s| s.initial_cost).unwrap_or(c.initial_cost),
            spec.and_then(|s| s.annual_cost).unwrap_or(c.annual_cost),
            go_live_year,
            scenario.horizon_years,
        ),
    };
    ProjectPlan {
        reduction_hours: match effect {
            Effect::Hours(h) => *h,
            _ => 0.0,
        },
        go_live_year,
        months_in_first_year: spec
            .and_then(|s| s.months_in_first_year)
            .unwrap_or(c.months_in_first_year),
        costs,
    }
}
