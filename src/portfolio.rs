//! An inventory read, ranked and classified once, then evaluated under any number of
//! scenarios: what `compare`, `sweep`, `simulate` and `budget` stand on.
//!
//! A run ([`crate::analysis`]) decides every process of one scenario and writes its reasons;
//! here a scenario costs only what depends on it. [`Portfolio::shape`] makes the Pareto cut
//! and the projects (the scenario's bundles, and one default project per other eligible
//! process); [`Shape::evaluate`] computes every project's figures. Scenarios that differ only
//! in economic keys (rates, costs, reduction rates) share one shape. The figures come from
//! [`projects::assess`], which `triage run` uses too, so a project has the same payback, NPV
//! and priority here as in a run (tested in `tests/scenarios.rs`).

use crate::analysis::own_reduction;
use crate::classify::RuleTable;
use crate::error::{Error, Result};
use crate::inventory::Inventory;
use crate::model::{Priority, Process, WorkClass};
use crate::pareto::Ranking;
use crate::platforms::ClassHours;
use crate::priority::{self, Reason, SelectionContext};
use crate::projects::{self, Assessment, Costing, Member};
use crate::scenario::Scenario;
use crate::summary::ByPriority;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// An inventory ranked and classified, ready for any scenario.
pub struct Portfolio {
    /// The inventory's name as given.
    pub source: String,
    /// Rows of the inventory (every one is kept).
    pub rows: usize,
    /// The processes in rank order (hours descending, ties in input order).
    processes: Vec<Box<Process>>,
    /// The ranking; its `selected` is not used (each scenario cuts its own).
    ranking: Ranking,
    /// Hours of each rank, for cutting.
    hours: Vec<f64>,
    /// The class of each rank by the rule table (or the inventory's column).
    classes: Vec<WorkClass>,
    /// Rank of each id; the last rank holding an id, as a run finds it.
    by_id: OnceLock<HashMap<String, usize>>,
    /// Notes from reading the inventory.
    pub warnings: Vec<String>,
}

/// Where a project's processes are: one rank, or several.
#[derive(Debug, Clone, PartialEq)]
pub enum Members {
    One(usize),
    Many(Box<[usize]>),
}

impl Members {
    pub fn ranks(&self) -> &[usize] {
        match self {
            Members::One(k) => std::slice::from_ref(k),
            Members::Many(ks) => ks,
        }
    }
}

/// One project of a shape: the scenario's bundle it is (if any) and its members' ranks.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Index into the scenario's `projects`, or `None` for a default project.
    pub spec: Option<usize>,
    pub members: Members,
}

/// What a scenario makes of the portfolio before any figure: the cut and the projects.
#[derive(Debug, Clone)]
pub struct Shape {
    /// How many leading ranks the Pareto rule selects.
    pub selected: usize,
    pub selected_hours: f64,
    /// Projects in the rank order of their first process.
    pub projects: Vec<Project>,
    /// Per selected rank: the index of its project, or `None` when it is excluded.
    served_by: Vec<Option<u32>>,
    /// Notes: bundled processes left out, bundles with no eligible process.
    pub warnings: Vec<String>,
    selection: SelectionContext,
}

/// A project's figures under one scenario.
#[derive(Debug, Clone)]
pub struct Figures {
    pub assessment: Assessment,
    pub priority: Priority,
}

/// The totals a consultant compares first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Totals {
    pub selected: usize,
    pub selected_hours: f64,
    /// Projects with a quantitative effect.
    pub projects: usize,
    /// Hours saved a year by those projects.
    pub reduction_hours: f64,
    /// Over the horizon, summed over those projects.
    pub cost: i64,
    pub savings: i64,
    pub npv: i64,
    /// Processes per priority, every row counted once.
    pub by_priority: ByPriority,
}

/// A scenario evaluated: every project's figures and the totals.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub figures: Vec<Figures>,
    pub totals: Totals,
}

impl Portfolio {
    /// Ranks and classifies a whole inventory (read with every row kept).
    pub fn new(inventory: Inventory, rules: &RuleTable) -> Portfolio {
        let Inventory {
            source,
            processes,
            rows,
            total_hours,
            warnings,
            ..
        } = inventory;
        let hours: Vec<f64> = processes.iter().map(|p| p.annual_hours).collect();
        let none = crate::scenario::ParetoRule {
            min_hours: Some(f64::INFINITY),
            cover: None,
        };
        let ranking = Ranking::with_total(&hours, &none, total_hours);
        let processes = crate::analysis::in_rank_order(processes, &ranking.order);
        let hours: Vec<f64> = processes.iter().map(|p| p.annual_hours).collect();
        let classes = processes.par_iter().map(|p| rules.classify(p).0).collect();
        Portfolio {
            source,
            rows,
            processes,
            ranking,
            hours,
            classes,
            by_id: OnceLock::new(),
            warnings,
        }
    }

    /// The process at rank position `k` (0-based).
    pub fn process(&self, k: usize) -> &Process {
        &self.processes[k]
    }

    /// Processes kept, which is every row.
    pub fn len(&self) -> usize {
        self.processes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.processes.is_empty()
    }

    /// The class of the process at rank position `k`.
    pub fn class(&self, k: usize) -> WorkClass {
        self.classes[k]
    }

    /// Total hours of the inventory.
    pub fn total_hours(&self) -> f64 {
        self.ranking.total_hours
    }

    /// The rank position of the process with `id`.
    pub fn rank_of(&self, id: &str) -> Option<usize> {
        let by_id = self.by_id.get_or_init(|| {
            let ids = self.processes.iter().enumerate();
            ids.map(|(k, p)| (p.id().to_string(), k)).collect()
        });
        by_id.get(id).copied()
    }

    /// The scenario's cut and projects, as `triage run` makes them.
    pub fn shape(&self, scenario: &Scenario) -> Result<Shape> {
        let selected = self.ranking.selected_by(&self.hours, &scenario.pareto);
        let selection = SelectionContext {
            min_hours: scenario.pareto.min_hours,
            cover: scenario.pareto.cover,
            selected_count: selected,
        };
        let mut shape = Shape {
            selected,
            selected_hours: match selected {
                0 => 0.0,
                n => self.ranking.cumulative_hours[n - 1],
            },
            projects: Vec::new(),
            served_by: vec![None; selected],
            warnings: Vec::new(),
            selection,
        };
        let bundled = self.bundles(scenario, &mut shape)?;
        for k in 0..selected {
            let excluded = self.exclusion(k, &shape).is_some();
            if !excluded && !bundled.contains(&k) {
                shape.projects.push(Project {
                    spec: None,
                    members: Members::One(k),
                });
            }
        }
        shape
            .projects
            .sort_by_key(|p| p.members.ranks().first().copied());
        for (i, p) in shape.projects.iter().enumerate() {
            for &k in p.members.ranks() {
                shape.served_by[k] = Some(i as u32);
            }
        }
        Ok(shape)
    }

    /// The scenario's bundles with their eligible members; returns every rank a bundle names.
    fn bundles(&self, scenario: &Scenario, shape: &mut Shape) -> Result<HashSet<usize>> {
        let mut named = HashSet::new();
        for (n, spec) in scenario.projects.iter().enumerate() {
            let mut members = Vec::new();
            for id in spec.processes.iter().map(|id| id.as_string()) {
                let Some(k) = self.rank_of(&id) else {
                    return Err(Error::Scenario {
                        path: scenario.source.clone(),
                        message: format!(
                            "projects[{n}].processes: no process with id \"{id}\" in {}",
                            self.source
                        ),
                    });
                };
                named.insert(k);
                match self.exclusion(k, shape) {
                    Some(reason) => shape.warnings.push(format!(
                        "project \"{}\": process \"{id}\" is excluded ({}) and left out of it",
                        spec.name,
                        reason.code().key()
                    )),
                    None => members.push(k),
                }
            }
            if members.is_empty() {
                shape.warnings.push(format!(
                    "project \"{}\" has no eligible process and is not projected",
                    spec.name
                ));
                continue;
            }
            members.sort_unstable();
            let facts: Vec<Member> = members.iter().map(|&k| self.member(k, scenario)).collect();
            shape.warnings.extend(projects::overclaim(spec, &facts));
            shape.projects.push(Project {
                spec: Some(n),
                members: Members::Many(members.into()),
            });
        }
        Ok(named)
    }

    /// Rules 1-3 for the process at rank position `k` under `shape`'s cut.
    pub fn exclusion(&self, k: usize, shape: &Shape) -> Option<Reason> {
        let p = &self.processes[k];
        priority::process_exclusion(p, k < shape.selected, k + 1, &shape.selection)
    }

    /// What a project needs of the process at rank position `k` under `scenario`.
    fn member(&self, k: usize, scenario: &Scenario) -> Member {
        let p = &self.processes[k];
        let class = self.classes[k];
        Member {
            hours: p.annual_hours,
            class: Some(class),
            reduction_hours: own_reduction(p, scenario.class(class).reduction_rate),
            reduction: p.reduction,
            blocker: p.blocker,
        }
    }

    /// The hours each class's projects of `shape` save under `scenario`, which its platforms
    /// are shared by; nothing to sum without platforms.
    pub fn class_hours(&self, shape: &Shape, scenario: &Scenario) -> ClassHours {
        if scenario.platforms.is_empty() {
            return ClassHours::default();
        }
        (shape.projects.par_iter())
            .fold(ClassHours::default, |mut hours, project| {
                let spec = project.spec.map(|n| &scenario.projects[n]);
                let ranks = project.members.ranks();
                let members: Vec<Member> =
                    ranks.iter().map(|&k| self.member(k, scenario)).collect();
                let (class, effect) = projects::project_effect(spec, &members);
                hours.add(class, &effect);
                hours
            })
            .reduce(ClassHours::default, ClassHours::merge)
    }

    /// What the projects of `shape` cost under `scenario`, platforms shared among them.
    pub fn costing(&self, shape: &Shape, scenario: &Scenario) -> Costing {
        Costing::new(scenario, &self.class_hours(shape, scenario))
    }

    /// The figures of one project of `shape` under `scenario` (with its class costs).
    pub fn figures(
        &self,
        project: &Project,
        scenario: &Scenario,
        defaults: &Costing,
    ) -> Result<Figures> {
        let spec = project.spec.map(|n| &scenario.projects[n]);
        let assessed = match &project.members {
            Members::One(k) => {
                projects::assess(spec, &[self.member(*k, scenario)], scenario, defaults)
            }
            Members::Many(ks) => {
                let members: Vec<Member> = ks.iter().map(|&k| self.member(k, scenario)).collect();
                projects::assess(spec, &members, scenario, defaults)
            }
        };
        let assessment =
            assessed.map_err(|e| e.error(&self.project_name(project, scenario), scenario))?;
        let priority = priority::decide(&assessment.facts);
        Ok(Figures {
            assessment,
            priority,
        })
    }

    /// A project's name: the scenario's, or `id process` for a default project.
    pub fn project_name(&self, project: &Project, scenario: &Scenario) -> String {
        match (project.spec, &project.members) {
            (Some(n), _) => scenario.projects[n].name.clone(),
            (None, members) => {
                let p = &self.processes[members.ranks()[0]];
                let taken = |n: &str| scenario.projects.iter().any(|s| s.name == n);
                projects::unique_name(format!("{} {}", p.id(), p.process()), taken)
            }
        }
    }

    /// Every project of `shape` under `scenario`, in parallel, and the totals.
    ///
    /// Each chunk of projects makes its own cost tables, so threads never share (and contend
    /// for) a reference count.
    pub fn evaluate(&self, shape: &Shape, scenario: &Scenario) -> Result<Evaluation> {
        let (figures, totals) = self.evaluate_map(shape, scenario, |f| f)?;
        Ok(Evaluation { figures, totals })
    }

    /// [`Portfolio::evaluate`], keeping of each project's figures only what `map` makes of
    /// them: a sweep over a thousand values keeps a few bytes per project, not the figures.
    pub fn evaluate_map<T: Send>(
        &self,
        shape: &Shape,
        scenario: &Scenario,
        map: impl Fn(Figures) -> T + Sync,
    ) -> Result<(Vec<T>, Totals)> {
        let costing = self.costing(shape, scenario);
        let parts: Vec<Result<Part<T>>> = (shape.projects.par_chunks(4096))
            .map(|chunk| {
                let defaults = costing.own_copy();
                let mut part = Part::with_capacity(chunk.len());
                for p in chunk {
                    part.add(self.figures(p, scenario, &defaults)?, &map);
                }
                Ok(part)
            })
            .collect();
        let mut all = Part::with_capacity(shape.projects.len());
        for part in parts {
            all.merge(part?);
        }
        let mut t = Totals {
            selected: shape.selected,
            selected_hours: shape.selected_hours,
            projects: all.projects,
            reduction_hours: all.hours.value(),
            cost: all.cost,
            savings: all.savings,
            npv: all.npv,
            ..Totals::default()
        };
        for served in &shape.served_by {
            let p = served.map_or(Priority::Excluded, |i| all.priorities[i as usize]);
            t.by_priority.add(p);
        }
        t.by_priority.excluded += self.rows - shape.selected;
        Ok((all.made, t))
    }
}

/// What a chunk of projects adds up to, in project order.
struct Part<T> {
    made: Vec<T>,
    priorities: Vec<Priority>,
    projects: usize,
    hours: crate::pareto::Sum,
    cost: i64,
    savings: i64,
    npv: i64,
}

impl<T> Part<T> {
    fn with_capacity(n: usize) -> Part<T> {
        Part {
            made: Vec::with_capacity(n),
            priorities: Vec::with_capacity(n),
            projects: 0,
            hours: crate::pareto::Sum::default(),
            cost: 0,
            savings: 0,
            npv: 0,
        }
    }

    fn add(&mut self, f: Figures, map: impl Fn(Figures) -> T) {
        let a = &f.assessment;
        if let priority::Effect::Hours(h) = a.facts.effect {
            self.projects += 1;
            self.hours.add(h);
            self.cost += a.cost;
            self.savings += a.savings;
            self.npv += a.facts.npv;
        }
        self.priorities.push(f.priority);
        self.made.push(map(f));
    }

    fn merge(&mut self, other: Part<T>) {
        self.made.extend(other.made);
        self.priorities.extend(other.priorities);
        self.projects += other.projects;
        self.hours.merge(&other.hours);
        self.cost += other.cost;
        self.savings += other.savings;
        self.npv += other.npv;
    }
}

impl Shape {
    /// The index of the project serving the process at rank position `k`, if any.
    pub fn project_of(&self, k: usize) -> Option<usize> {
        self.served_by.get(k).copied().flatten().map(|i| i as usize)
    }
}
