//! Projects: which processes share one tool introduction, and what each project is worth.
//!
//! Scenario bundles come first; every other selected, not excluded process is its own project
//! with its class's default costs. Each project is projected (MODEL.md section 5) and decided
//! (rules 4-7); its processes inherit the decision. Bundles are decided before anything else,
//! so every default project can then be decided alone, in parallel, as its process is.

use crate::analysis::{ProcessOutcome, ProjectName};
use crate::error::{Error, Result};
use crate::model::{Blocker, Priority, Process, Reduction, WorkClass};
use crate::platforms::{ClassHours, Share, Sharing};
use crate::priority::{self, Effect, ProjectFacts, Reason, Reasons};
use crate::projection::{self, Discounts, Economy, ProjectPlan, YearRow};
use crate::scenario::{ProjectSpec, Scenario};
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
    pub reasons: Reasons,
    /// Its share of the platform serving its class, if one does.
    pub platform: Option<PlatformShare>,
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
            #[serde(skip_serializing_if = "Option::is_none")]
            platform: Option<&'a PlatformShare>,
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
            platform: self.platform.as_ref(),
            years: self.years(),
        }
        .serialize(serializer)
    }
}

/// A scenario bundle, decided before any other project: its outcome and its members' ranks
/// (0-based positions in the ranking).
pub struct Bundle {
    pub outcome: ProjectOutcome,
    pub members: Vec<usize>,
}

/// How every process's project is found and decided.
///
/// Scenario bundles are decided once, up front, from their members' first outcomes; every
/// other selected, not excluded process is its own default project and can be decided on its
/// own, in any order, which is what lets a listing be computed and written chunk by chunk.
pub struct Projects<'a> {
    scenario: &'a Scenario,
    costing: Costing,
    /// Names taken by scenario projects, which default projects must not reuse.
    names: HashSet<Arc<str>>,
    pub bundles: Vec<Bundle>,
    /// Rank position -> index into `bundles`.
    bundle_of: HashMap<usize, usize>,
}

impl<'a> Projects<'a> {
    /// Decides the scenario's bundles. `find(id)` gives the rank position and first outcome
    /// of the process with that id. A bundled process that rules 1-3 exclude is left out with
    /// a warning.
    pub fn new(
        scenario: &'a Scenario,
        source: &str,
        find: impl Fn(&str) -> Option<(usize, ProcessOutcome)>,
        others: impl FnOnce(&(dyn Fn(usize) -> bool + Sync)) -> ClassHours,
        warnings: &mut Vec<String>,
    ) -> Result<Projects<'a>> {
        let mut bundle_of = HashMap::new();
        let mut chosen = Vec::new();
        for (n, spec) in scenario.projects.iter().enumerate() {
            let mut members = Vec::new();
            for id in spec.processes.iter().map(|id| id.as_string()) {
                let Some((k, first)) = find(&id) else {
                    let message =
                        format!("projects[{n}].processes: no process with id \"{id}\" in {source}");
                    return Err(Error::Scenario {
                        path: scenario.source.clone(),
                        message,
                    });
                };
                bundle_of.insert(k, usize::MAX);
                if first.priority == Priority::Excluded {
                    let why = first.reasons.first().map_or("", |r| r.code().key());
                    warnings.push(format!(
                        "project \"{}\": process \"{id}\" is excluded ({why}) and left out of it",
                        spec.name
                    ));
                } else {
                    members.push((k, first));
                }
            }
            if members.is_empty() {
                warnings.push(format!(
                    "project \"{}\" has no eligible process and is not projected",
                    spec.name
                ));
                continue;
            }
            members.sort_unstable_by_key(|(k, _)| *k);
            chosen.push((spec, members));
        }
        let mut hours = ClassHours::default();
        if !scenario.platforms.is_empty() {
            hours = others(&|k| bundle_of.contains_key(&k));
            for (spec, members) in &chosen {
                let facts: Vec<Member> = members.iter().map(|(_, o)| Member::of(o)).collect();
                let (class, effect) = project_effect(Some(spec), &facts);
                hours.add(class, &effect);
            }
        }
        let mut projects = Projects {
            scenario,
            costing: Costing::new(scenario, &hours),
            names: scenario
                .projects
                .iter()
                .map(|s| Arc::from(s.name.as_str()))
                .collect(),
            bundles: Vec::new(),
            bundle_of,
        };
        for (spec, members) in chosen {
            let outcomes: Vec<&ProcessOutcome> = members.iter().map(|(_, o)| o).collect();
            let facts: Vec<Member> = outcomes.iter().map(|o| Member::of(o)).collect();
            warnings.extend(overclaim(spec, &facts));
            let outcome = projects.evaluate(spec.name.as_str().into(), Some(spec), &outcomes)?;
            let ranks: Vec<usize> = members.iter().map(|(k, _)| *k).collect();
            for &k in &ranks {
                projects.bundle_of.insert(k, projects.bundles.len());
            }
            projects.bundles.push(Bundle {
                outcome,
                members: ranks,
            });
        }
        Ok(projects)
    }

    /// The bundle serving rank position `k`: `Some(None)` when `k` is named by a bundle but
    /// left out of it, `None` when no bundle names it.
    pub fn bundle_of(&self, k: usize) -> Option<Option<&Bundle>> {
        self.bundle_of.get(&k).map(|&b| self.bundles.get(b))
    }

    /// The default project of a process no bundle names: the process alone, with its class's
    /// default costs, named after its id and process (made unique against scenario names).
    pub fn default_project(&self, o: &ProcessOutcome) -> Result<ProjectOutcome> {
        self.evaluate(self.default_name(o), None, &[o])
    }

    /// The decision of a default project, without the project record: what a listing that is
    /// written as it goes needs.
    pub fn default_decision(&self, o: &ProcessOutcome) -> Result<Decision> {
        let name = match self.names.is_empty() {
            true => ProjectName::Own,
            false => ProjectName::Named(self.default_name(o)),
        };
        let facts = facts(&[Member::of(o)], self.scenario, &self.costing)
            .map_err(|e| e.error(&self.default_name(o), self.scenario))?;
        let (priority, reasons) = priority::project_priority(&facts);
        Ok(Decision {
            name,
            priority,
            reasons,
        })
    }

    fn default_name(&self, o: &ProcessOutcome) -> Arc<str> {
        let name = own_name(&o.input);
        match self.names.is_empty() {
            true => name.into(),
            false => unique_name(name, |n| self.names.contains(n)).into(),
        }
    }

    /// Projects and decides a project serving `members` (in rank order).
    fn evaluate(
        &self,
        name: Arc<str>,
        spec: Option<&ProjectSpec>,
        members: &[&ProcessOutcome],
    ) -> Result<ProjectOutcome> {
        evaluate(name, spec, members, self.scenario, &self.costing)
    }
}

/// The name of a process's default project: its id and its process.
pub fn own_name(p: &Process) -> String {
    let (id, process) = (p.id(), p.process());
    let mut name = String::with_capacity(id.len() + 1 + process.len());
    name.extend([id, " ", process]);
    name
}

/// What a process takes from its project.
pub struct Decision {
    pub name: ProjectName,
    pub priority: Priority,
    pub reasons: Reasons,
}

/// `name`, or `name (2)`, `name (3)`... if a scenario project already has it.
pub fn unique_name(name: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&name) {
        return name;
    }
    (2..)
        .map(|k| format!("{name} ({k})"))
        .find(|n| !taken(n))
        .unwrap_or(name)
}

/// What a project costs beyond its own keys: each class's default cost table, computed once
/// and shared, and the platforms whose cost projects share (see [`crate::platforms`]).
pub struct Costing {
    by_class: Vec<Arc<[i64]>>,
    sharing: Sharing,
    discounts: Discounts,
}

impl Costing {
    /// The scenario's costs, its platforms shared by `hours` (the hours each class's projects
    /// save together; [`ClassHours::default`] when the scenario has no platform).
    pub fn new(scenario: &Scenario, hours: &ClassHours) -> Costing {
        let table = WorkClass::ALL.iter().map(|&class| {
            let c = scenario.class(class);
            let costs = projection::component_costs(
                c.study_cost,
                c.initial_cost,
                c.annual_cost,
                c.go_live_year,
                scenario.horizon_years,
            );
            Arc::from(costs)
        });
        Costing {
            // Indexed by the class: `WorkClass::ALL` is in declaration order.
            by_class: table.collect(),
            sharing: Sharing::new(scenario, hours),
            discounts: Discounts::new(scenario.discount_rate, scenario.horizon_years as usize),
        }
    }

    /// A copy with its own reference counts, for one thread's work.
    pub fn own_copy(&self) -> Costing {
        Costing {
            by_class: (self.by_class.iter()).map(|c| Arc::from(&c[..])).collect(),
            sharing: self.sharing.own_copy(),
            discounts: self.discounts.clone(),
        }
    }
}

fn evaluate(
    name: Arc<str>,
    spec: Option<&ProjectSpec>,
    members: &[&ProcessOutcome],
    scenario: &Scenario,
    defaults: &Costing,
) -> Result<ProjectOutcome> {
    let facts: Vec<Member> = members.iter().map(|o| Member::of(o)).collect();
    let a = assess(spec, &facts, scenario, defaults).map_err(|e| e.error(&name, scenario))?;
    let (priority, reasons) = priority::project_priority(&a.facts);
    let quantitative = matches!(a.facts.effect, Effect::Hours(_));
    Ok(ProjectOutcome {
        name,
        origin: if spec.is_some() {
            ProjectOrigin::Scenario
        } else {
            ProjectOrigin::Default
        },
        processes: members.iter().map(|o| o.input.id().to_string()).collect(),
        class: a.class,
        reduction_hours: match a.facts.effect {
            Effect::Hours(h) => Some(h),
            _ => None,
        },
        payback_year: a.facts.payback_year,
        npv: quantitative.then_some(a.facts.npv),
        priority,
        reasons,
        platform: a.platform.map(|share| PlatformShare {
            platform: share.platform,
            name: scenario.platforms[share.platform].name.clone(),
            yen: share.total,
        }),
        plan: quantitative.then_some(a.plan),
        economy: a.economy,
    })
}

/// A project's part of a shared platform's cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformShare {
    /// Index of the platform in the scenario's `platforms`.
    #[serde(skip)]
    pub platform: usize,
    pub name: String,
    /// Over the whole horizon, in yen (already in the project's costs).
    pub yen: i64,
}

/// What a project needs to know of one of its processes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    /// The process's hours a year.
    pub hours: f64,
    /// The process's class (none when it is not selected).
    pub class: Option<WorkClass>,
    /// The process's own expected saving: its estimate, else hours x its class's rate.
    pub reduction_hours: Option<f64>,
    /// What the inventory says about the reduction.
    pub reduction: Reduction,
    pub blocker: Option<Blocker>,
}

impl Member {
    pub fn of(o: &ProcessOutcome) -> Member {
        Member {
            hours: o.input.annual_hours,
            class: o.class,
            reduction_hours: o.reduction_hours,
            reduction: o.input.reduction,
            blocker: o.input.blocker,
        }
    }
}

/// A project projected: what rules 4-7 decide on, and the plan behind the figures.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub class: WorkClass,
    pub facts: ProjectFacts,
    /// Cost and savings over the whole horizon.
    pub cost: i64,
    pub savings: i64,
    pub plan: ProjectPlan,
    pub economy: Economy,
    /// Its share of a platform (in `plan`'s costs already).
    pub platform: Option<Share>,
}

/// A project whose amounts exceed what `i64` yen can hold.
#[derive(Debug, Clone, Copy)]
pub struct Saturated;

impl Saturated {
    /// The scenario error naming the project.
    pub fn error(self, name: &str, scenario: &Scenario) -> Error {
        let message = format!(
            "project \"{name}\": its amounts exceed {} yen; check labor_cost_per_hour, reduction_hours and costs",
            i64::MAX
        );
        Error::Scenario {
            path: scenario.source.clone(),
            message,
        }
    }
}

/// Projects a project serving `members` (in rank order; MODEL.md section 5) and gathers what
/// rules 4-7 decide on. The one place a project's figures are computed, whether for a run or
/// for a scenario comparison.
pub fn assess(
    spec: Option<&ProjectSpec>,
    members: &[Member],
    scenario: &Scenario,
    defaults: &Costing,
) -> std::result::Result<Assessment, Saturated> {
    let w = weigh(spec, members, scenario, defaults)?;
    Ok(Assessment {
        class: w.class,
        facts: w.facts,
        cost: w.projection.cost,
        savings: w.projection.savings,
        plan: w.plan.map_costs(Costs::shared),
        economy: w.economy,
        platform: w.platform,
    })
}

/// What rules 4-7 decide on for a default project (none of the scenario's) serving
/// `members`, as [`assess`] finds it, without the plan: a listing decides a default project for each of hundreds of thousands of
/// processes, and keeping a plan would take a count on its class's shared costs from every
/// thread, each a write to the same memory.
pub fn facts(
    members: &[Member],
    scenario: &Scenario,
    defaults: &Costing,
) -> std::result::Result<ProjectFacts, Saturated> {
    weigh(None, members, scenario, defaults).map(|w| w.facts)
}

/// An assessment whose plan borrows its costs where it can.
struct Weighed<'c> {
    class: WorkClass,
    facts: ProjectFacts,
    projection: projection::Outcome,
    plan: ProjectPlan<Costs<'c>>,
    economy: Economy,
    platform: Option<Share>,
}

/// [`assess`], with the plan's costs borrowed where they can be.
fn weigh<'c>(
    spec: Option<&'c ProjectSpec>,
    members: &[Member],
    scenario: &Scenario,
    defaults: &'c Costing,
) -> std::result::Result<Weighed<'c>, Saturated> {
    let (class, effect) = project_effect(spec, members);
    let (plan, platform) = plan(spec, class, &effect, scenario, defaults);
    let economy = Economy {
        labor_cost_per_hour: scenario.labor_cost_per_hour,
        first_fiscal_year: scenario.first_fiscal_year,
        discount_rate: scenario.discount_rate,
    };
    let projection = projection::outcome(&plan, &economy, &defaults.discounts);
    if projection.saturated {
        return Err(Saturated);
    }
    let facts = ProjectFacts {
        effect,
        blocker: members.iter().find_map(|m| m.blocker),
        payback_year: projection.payback_year,
        horizon_years: scenario.horizon_years,
        high_payback_within: scenario.high_payback_within,
        npv: projection.npv,
    };
    Ok(Weighed {
        class,
        facts,
        projection,
        plan,
        economy,
        platform,
    })
}

/// Where a plan's yearly costs come from.
enum Costs<'c> {
    /// Its class's, shared by every project of the class.
    Class(&'c Arc<[i64]>),
    /// The scenario's costs for the project.
    Scenario(&'c [i64]),
    /// Computed for the project.
    Own(Vec<i64>),
}

impl AsRef<[i64]> for Costs<'_> {
    fn as_ref(&self) -> &[i64] {
        match self {
            Costs::Class(costs) => costs,
            Costs::Scenario(costs) => costs,
            Costs::Own(costs) => costs,
        }
    }
}

impl Costs<'_> {
    /// The costs to keep: a class's still shared.
    fn shared(self) -> Arc<[i64]> {
        match self {
            Costs::Class(costs) => Arc::clone(costs),
            Costs::Scenario(costs) => costs.into(),
            Costs::Own(costs) => costs.into(),
        }
    }
}

/// A project's class (the scenario's, else its first process's) and its effect.
pub fn project_effect(spec: Option<&ProjectSpec>, members: &[Member]) -> (WorkClass, Effect) {
    let class = spec
        .and_then(|s| s.class)
        .or(members.first().and_then(|m| m.class))
        .unwrap_or(WorkClass::Other);
    (class, effect(spec, members))
}

/// The project's effect: the scenario's figure, else the sum of its members' estimates.
fn effect(spec: Option<&ProjectSpec>, members: &[Member]) -> Effect {
    if let Some(h) = spec.and_then(|s| s.reduction_hours) {
        return Effect::Hours(h.min(hours_of(members)));
    }
    let mut estimates = members.iter().filter_map(|m| m.reduction_hours).peekable();
    if estimates.peek().is_some() {
        return Effect::Hours(estimates.sum());
    }
    let qualitative = members
        .iter()
        .any(|m| m.reduction == Reduction::QualitativeOnly);
    if qualitative {
        Effect::QualitativeOnly
    } else {
        Effect::NoEstimate
    }
}

/// The hours a year of a project's processes together, summed exactly.
fn hours_of(members: &[Member]) -> f64 {
    let mut sum = crate::pareto::Sum::default();
    members.iter().for_each(|m| sum.add(m.hours));
    sum.value()
}

/// The warning for a scenario project that claims more hours saved than its processes have;
/// its effect is capped at their hours (no process saves more hours than it has).
pub fn overclaim(spec: &ProjectSpec, members: &[Member]) -> Option<String> {
    let claimed = spec.reduction_hours?;
    let available = hours_of(members);
    (claimed > available).then(|| {
        format!(
            "project \"{}\": reduction_hours = {claimed} is more than its processes' {available} \
             hours a year; {available} is used (no process saves more hours than it has)",
            spec.name
        )
    })
}

/// Costs and timing: the scenario project's own keys over its class's defaults, plus its
/// share of its class's platform.
fn plan<'c>(
    spec: Option<&'c ProjectSpec>,
    class: WorkClass,
    effect: &Effect,
    scenario: &Scenario,
    costing: &'c Costing,
) -> (ProjectPlan<Costs<'c>>, Option<Share>) {
    let c = scenario.class(class);
    let go_live_year = spec.and_then(|s| s.go_live_year).unwrap_or(c.go_live_year);
    let mut costs = match spec {
        Some(s) if s.costs.is_some() => Costs::Scenario(s.costs.as_deref().unwrap_or_default()),
        Some(s) => Costs::Own(projection::component_costs(
            s.study_cost.unwrap_or(c.study_cost),
            s.initial_cost.unwrap_or(c.initial_cost),
            s.annual_cost.unwrap_or(c.annual_cost),
            go_live_year,
            scenario.horizon_years,
        )),
        None => Costs::Class(&costing.by_class[class as usize]),
    };
    let mut share = None;
    if costing.sharing.serves(class) {
        let mut own = costs.as_ref().to_vec();
        share = costing.sharing.add_share(class, effect, &mut own);
        costs = Costs::Own(own);
    }
    let plan = ProjectPlan {
        reduction_hours: match effect {
            Effect::Hours(h) => *h,
            _ => 0.0,
        },
        go_live_year,
        months_in_first_year: spec
            .and_then(|s| s.months_in_first_year)
            .unwrap_or(c.months_in_first_year),
        costs,
    };
    (plan, share)
}
