//! Projects: which processes share one tool introduction, and what each project is worth.
//!
//! Scenario bundles come first; every other selected, not excluded process is its own project
//! with its class's default costs. Each project is projected (MODEL.md section 5) and decided
//! (rules 4-7); its processes inherit the decision. Projects are independent, so they are
//! evaluated in parallel and collected in order.

use crate::analysis::ProcessOutcome;
use crate::error::{Error, Result};
use crate::model::{Blocker, Priority, Reduction, WorkClass};
use crate::priority::{self, Effect, ProjectFacts, Reason};
use crate::projection::{self, Economy, ProjectPlan, YearRow};
use crate::scenario::{ProjectSpec, Scenario};
use rayon::prelude::*;
use serde::{Serialize, Serializer};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Where a project came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectOrigin {
    /// Named in the scenario's `[[projects]]`.
    Scenario,
    /// One selected process with its class's default costs.
    Default,
}

/// A projected project and its decision. The year-by-year table is computed from the plan
/// when it is asked for, so a million projects do not hold a million tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectOutcome {
    pub name: Arc<str>,
    pub origin: ProjectOrigin,
    /// Inventory ids of the processes served, in rank order.
    pub processes: Vec<String>,
    pub class: WorkClass,
    /// Hours saved a year; `None` when only a qualitative effect, or none, is known.
    pub reduction_hours: Option<f64>,
    pub payback_year: Option<u32>,
    /// Net present value in yen; `None` without a quantitative effect.
    pub npv: Option<i64>,
    pub priority: Priority,
    pub reasons: Arc<[Reason]>,
    plan: Option<ProjectPlan>,
    economy: Economy,
}

impl ProjectOutcome {
    /// Costs and savings per fiscal year; empty without a quantitative effect.
    pub fn years(&self) -> Vec<YearRow> {
        self.plan.as_ref().map_or_else(Vec::new, |plan| {
            projection::project(plan, &self.economy).years
        })
    }
}

impl Serialize for ProjectOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            name: &'a str,
            origin: ProjectOrigin,
            processes: &'a [String],
            class: WorkClass,
            reduction_hours: Option<f64>,
            payback_year: Option<u32>,
            npv: Option<i64>,
            priority: Priority,
            reasons: &'a [Reason],
            years: Vec<YearRow>,
        }
        Json {
            name: &self.name,
            origin: self.origin,
            processes: &self.processes,
            class: self.class,
            reduction_hours: self.reduction_hours,
            payback_year: self.payback_year,
            npv: self.npv,
            priority: self.priority,
            reasons: &self.reasons,
            years: self.years(),
        }
        .serialize(serializer)
    }
}

/// A project before projection: its members as indices into the rank-ordered outcomes.
pub struct Group<'a> {
    pub name: Arc<str>,
    spec: Option<&'a ProjectSpec>,
    pub members: Vec<usize>,
}

/// Scenario bundles first, then one default project per remaining eligible process, in the
/// rank order of their first process. A bundled process that rules 1-3 exclude is left out
/// with a warning.
pub fn group<'a>(
    outcomes: &[ProcessOutcome],
    scenario: &'a Scenario,
    source: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Group<'a>>> {
    let mut taken = vec![false; outcomes.len()];
    let mut groups = bundles(outcomes, scenario, source, &mut taken, warnings)?;
    let scenario_names: HashSet<Arc<str>> = groups.iter().map(|g| g.name.clone()).collect();
    let defaults: Vec<Group> = outcomes
        .par_iter()
        .enumerate()
        .filter(|&(k, o)| !taken[k] && o.priority != Priority::Excluded)
        .map(|(k, o)| {
            let name = format!("{} {}", o.input.id(), o.input.process());
            let name = unique_name(name, &scenario_names);
            Group {
                name,
                spec: None,
                members: vec![k],
            }
        })
        .collect();
    groups.extend(defaults);
    groups.par_sort_by_key(|g| g.members[0]);
    Ok(groups)
}

fn bundles<'a>(
    outcomes: &[ProcessOutcome],
    scenario: &'a Scenario,
    source: &str,
    taken: &mut [bool],
    warnings: &mut Vec<String>,
) -> Result<Vec<Group<'a>>> {
    if scenario.projects.is_empty() {
        return Ok(Vec::new());
    }
    let by_id: HashMap<&str, usize> = outcomes
        .iter()
        .enumerate()
        .map(|(k, o)| (o.input.id(), k))
        .collect();
    let mut groups = Vec::new();
    for (n, spec) in scenario.projects.iter().enumerate() {
        let mut members = Vec::new();
        for id in spec.processes.iter().map(|id| id.as_string()) {
            let Some(&k) = by_id.get(id.as_str()) else {
                let message =
                    format!("projects[{n}].processes: no process with id \"{id}\" in {source}");
                return Err(Error::Scenario {
                    path: scenario.source.clone(),
                    message,
                });
            };
            taken[k] = true;
            if outcomes[k].priority == Priority::Excluded {
                let why = outcomes[k].reasons.first().map_or("", |r| r.code().key());
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
            name: spec.name.as_str().into(),
            spec: Some(spec),
            members,
        });
    }
    Ok(groups)
}

/// `name`, or `name (2)`, `name (3)`... if a scenario project already has it.
fn unique_name(name: String, taken: &HashSet<Arc<str>>) -> Arc<str> {
    if !taken.contains(name.as_str()) {
        return name.into();
    }
    (2..)
        .map(|k| format!("{name} ({k})"))
        .find(|n| !taken.contains(n.as_str()))
        .unwrap_or(name)
        .into()
}

/// Projects and decides every group, in parallel, in order.
pub fn evaluate_all(
    groups: &[Group],
    outcomes: &[ProcessOutcome],
    scenario: &Scenario,
) -> Result<Vec<ProjectOutcome>> {
    let defaults = DefaultCosts::new(scenario);
    groups
        .par_iter()
        .map(|g| evaluate(g, outcomes, scenario, &defaults))
        .collect()
}

/// The cost table of each class's default project, computed once and shared.
struct DefaultCosts(HashMap<WorkClass, Arc<[i64]>>);

impl DefaultCosts {
    fn new(scenario: &Scenario) -> DefaultCosts {
        let table = WorkClass::ALL.iter().map(|&class| {
            let c = scenario.class(class);
            let costs = projection::component_costs(
                c.study_cost,
                c.initial_cost,
                c.annual_cost,
                c.go_live_year,
                scenario.horizon_years,
            );
            (class, costs.into())
        });
        DefaultCosts(table.collect())
    }
}

fn evaluate(
    g: &Group,
    outcomes: &[ProcessOutcome],
    scenario: &Scenario,
    defaults: &DefaultCosts,
) -> Result<ProjectOutcome> {
    let lead = &outcomes[g.members[0]];
    let class = g
        .spec
        .and_then(|s| s.class)
        .or(lead.class)
        .unwrap_or(WorkClass::Other);
    let effect = effect(g, outcomes);
    let plan = plan(g.spec, class, &effect, scenario, defaults);
    let economy = Economy {
        labor_cost_per_hour: scenario.labor_cost_per_hour,
        first_fiscal_year: scenario.first_fiscal_year,
        discount_rate: scenario.discount_rate,
    };
    let projection = projection::outcome(&plan, &economy);
    if projection.saturated {
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
        blocker: blocker(g, outcomes),
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
        processes: g
            .members
            .iter()
            .map(|&k| outcomes[k].input.id().to_string())
            .collect(),
        class,
        reduction_hours: match effect {
            Effect::Hours(h) => Some(h),
            _ => None,
        },
        payback_year: projection.payback_year,
        npv: quantitative.then_some(projection.npv),
        priority,
        reasons: reasons.into(),
        plan: quantitative.then_some(plan),
        economy,
    })
}

/// The project's effect: the scenario's figure, else the sum of its members' estimates.
fn effect(g: &Group, outcomes: &[ProcessOutcome]) -> Effect {
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
        .any(|&k| outcomes[k].input.reduction == Reduction::QualitativeOnly);
    if qualitative {
        Effect::QualitativeOnly
    } else {
        Effect::NoEstimate
    }
}

fn blocker(g: &Group, outcomes: &[ProcessOutcome]) -> Option<Blocker> {
    g.members.iter().find_map(|&k| outcomes[k].input.blocker)
}

/// Costs and timing: the scenario project's own keys over its class's defaults.
fn plan(
    spec: Option<&ProjectSpec>,
    class: WorkClass,
    effect: &Effect,
    scenario: &Scenario,
    defaults: &DefaultCosts,
) -> ProjectPlan {
    let c = scenario.class(class);
    let go_live_year = spec.and_then(|s| s.go_live_year).unwrap_or(c.go_live_year);
    let costs: Arc<[i64]> = match spec {
        Some(s) if s.costs.is_some() => s.costs.as_deref().unwrap_or_default().into(),
        Some(s) => projection::component_costs(
            s.study_cost.unwrap_or(c.study_cost),
            s.initial_cost.unwrap_or(c.initial_cost),
            s.annual_cost.unwrap_or(c.annual_cost),
            go_live_year,
            scenario.horizon_years,
        )
        .into(),
        None => defaults.0[&class].clone(),
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
