//! The pipeline: inventory -> rank -> select -> classify -> projects -> projection -> priority.
//!
//! The result, [`Analysis`], is what every output format renders; its serde form is the JSON
//! contract. Every process kept by the reader appears in `processes` once, with one priority
//! (or, with [`Listing::Selected`], only the selected ones); the summary counts every row of
//! the file either way. Per-process work runs in parallel and is collected in rank order, so
//! the result does not depend on the number of threads.

use crate::classify::{Basis, RuleTable};
use crate::error::Error;
use crate::error::Result;
use crate::inventory::{Inventory, Part, Spilled};
use crate::model::{Priority, Process, Reduction, WorkClass};
use crate::pareto::Ranking;
use crate::platforms::{ClassHours, PlatformOutcome, Share};
use crate::priority::{self, Reason, Reasons, SelectionContext};
use crate::projects::{self, Member, ProjectOutcome, Projects, project_effect};
use crate::provenance::{Fingerprint, Provenance};
use crate::scenario::Scenario;
use crate::summary::{self, Counts, Summary, Tally};
use rayon::prelude::*;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// The outcome for one process: the inventory row and what was decided about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessOutcome {
    /// The inventory row.
    pub input: Box<Process>,
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
    pub project: Option<ProjectName>,
    pub priority: Priority,
    pub reasons: Reasons,
}

/// The project a process is decided with.
#[derive(Debug, Clone, PartialEq)]
pub enum ProjectName {
    /// Its default project, named after its id and process (`8289456 台帳を登録する`, see
    /// [`projects::own_name`]): a streamed listing decides hundreds of thousands of them, and
    /// the name is written from the process's texts instead of being made and stored for each.
    Own,
    /// A scenario's project, or a default project whose name is stored.
    Named(Arc<str>),
}

impl ProcessOutcome {
    /// The name of the process's project, when it has one.
    pub fn project_name(&self) -> Option<Cow<'_, str>> {
        match self.project.as_ref()? {
            ProjectName::Own => Some(Cow::Owned(projects::own_name(&self.input))),
            ProjectName::Named(name) => Some(Cow::Borrowed(name)),
        }
    }
}

impl Serialize for ProcessOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            inventory: Option<&'a str>,
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
            project: Option<Cow<'a, str>>,
            priority: Priority,
            reasons: &'a [Reason],
        }
        let p = &self.input;
        Json {
            inventory: p.inventory.as_deref(),
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
            project: self.project_name(),
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
    /// The engine and the hashes of the inputs.
    pub provenance: Provenance,
    pub inventory: String,
    pub encoding: String,
    /// The inventories of a joint run, each with its name, file and hash; empty for one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inventories: Vec<Part>,
    pub scenario: ScenarioEcho,
    pub summary: Summary,
    /// The listed processes, in rank order.
    pub processes: Vec<ProcessOutcome>,
    /// Every project, in the rank order of its first process.
    pub projects: Vec<ProjectOutcome>,
    /// The scenario's shared platforms, with how their cost was shared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<PlatformOutcome>,
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
    Ranked::new(inventory, scenario, rules)?.analysis(listing)
}

/// Ranks in one unit of parallel work; fixed, so results do not depend on the thread count.
pub const CHUNK: usize = 8192;

/// Processes decided and handed on together when streaming: few enough that their records,
/// outcomes and formatted rows stay in the core's cache between the two steps.
const STREAM_CHUNK: usize = 256;

/// How many processes ahead of the one being decided their fields are asked for; their texts
/// are asked for half as many ahead, once the fields that point to them have come.
const AHEAD: usize = 16;

/// What becomes of the processes a streamed listing has written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Each is freed once its row is made.
    Free,
    /// None is freed, for a program that ends after the listing: the operating system takes
    /// their memory back at once, where freeing a national inventory's hundreds of thousands
    /// of processes one by one costs a few per cent of the run. Processes read back from a
    /// spill, a window at a time, are freed all the same.
    AtExit,
}

/// An inventory ranked and selected, with the scenario's bundles decided. From here on every
/// process is decided on its own, so a listing can be computed chunk by chunk, in parallel,
/// and either collected ([`Ranked::analysis`]) or written as it goes ([`Ranked::stream`]).
pub struct Ranked<'a> {
    pub source: String,
    /// Size and SHA-256 of the inventory file, when it was read with them.
    pub fingerprint: Option<Fingerprint>,
    pub encoding: String,
    /// The inventories of a joint run; empty for one.
    pub parts: Vec<Part>,
    pub warnings: Vec<String>,
    /// The kept processes, in input order; taken out in rank order as they are decided, so a
    /// national inventory's are not first moved into rank order on one thread.
    processes: Vec<Option<Box<Process>>>,
    /// The kept processes, when the reader spilled them to disk (`processes` is then empty);
    /// they are read back in rank order.
    spilled: Option<Arc<Spilled>>,
    decider: Decider<'a>,
}

/// What deciding one process needs; shared by every chunk.
struct Decider<'a> {
    counts: Counts,
    first: FirstStage<'a>,
    projects: Projects<'a>,
}

/// What the process-level part of a decision needs: rank, selection, class, rules 1-3.
struct FirstStage<'a> {
    ranking: Ranking,
    scenario: &'a Scenario,
    rules: &'a RuleTable,
    ctx: SelectionContext,
}

/// The decided outcomes of consecutive ranks, the default projects among them (with the rank
/// of their process), and what they add to the summary.
pub struct Decided {
    pub outcomes: Vec<ProcessOutcome>,
    pub projects: Vec<(usize, ProjectOutcome)>,
    pub tally: Tally,
}

impl<'a> Ranked<'a> {
    /// Ranks and selects the inventory and decides the scenario's bundles.
    pub fn new(inventory: Inventory, scenario: &'a Scenario, rules: &'a RuleTable) -> Result<Self> {
        let Inventory {
            source,
            encoding,
            processes,
            spilled,
            rows,
            total_hours,
            departments,
            tasks,
            skipped_empty,
            mut warnings,
            fingerprint,
            parts,
        } = inventory;
        let ranking = match &spilled {
            Some(kept) => Ranking::with_total(&kept.hours, &scenario.pareto, total_hours),
            None => {
                // Side by side: each process is somewhere else in memory.
                let hours: Vec<f64> = processes.par_iter().map(|p| p.annual_hours).collect();
                Ranking::with_total(&hours, &scenario.pareto, total_hours)
            }
        };
        let processes: Vec<Option<Box<Process>>> = processes.into_iter().map(Some).collect();
        let ctx = SelectionContext {
            min_hours: scenario.pareto.min_hours,
            cover: scenario.pareto.cover,
            selected_count: ranking.selected,
        };
        let first = FirstStage {
            ranking,
            scenario,
            rules,
            ctx,
        };
        let place = match parts.is_empty() {
            true => source.clone(),
            false => format!("{source} (inventories read together: write ids as NAME:ID)"),
        };
        let projects = match &spilled {
            None => first.projects_in_memory(&processes, &place, &mut warnings)?,
            Some(kept) => first.projects_spilled(kept, &place, &mut warnings)?,
        };
        let decider = Decider {
            counts: Counts {
                rows,
                departments,
                tasks,
                skipped_empty,
            },
            first,
            projects,
        };
        Ok(Ranked {
            source,
            fingerprint,
            encoding: match parts.is_empty() {
                true => encoding.name().to_string(),
                false => parts
                    .iter()
                    .map(|p| p.encoding.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
            },
            parts,
            warnings,
            processes,
            spilled,
            decider,
        })
    }

    /// How many ranks `listing` lists.
    pub fn listed(&self, listing: Listing) -> usize {
        match listing {
            Listing::All => self.decider.first.ranking.order.len(),
            Listing::Selected => self.decider.first.ranking.selected,
        }
    }

    /// The whole result in memory.
    pub fn analysis(self, listing: Listing) -> Result<Analysis> {
        let n = self.listed(listing);
        let Ranked {
            source,
            fingerprint,
            encoding,
            parts: inventories,
            warnings,
            processes,
            spilled,
            decider,
        } = self;
        let processes: Vec<Box<Process>> = match spilled {
            Some(kept) => read_back(&mut kept.rank_order(), &decider.first.ranking.order[..n])?,
            None => {
                let processes: Vec<Box<Process>> = processes.into_iter().flatten().collect();
                let mut processes = in_rank_order(processes, &decider.first.ranking.order);
                processes.truncate(n);
                processes
            }
        };
        let parts: Vec<Result<Decided>> = processes
            .into_par_iter()
            .chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| decider.decide(c * CHUNK, chunk, true))
            .collect();
        let mut outcomes = Vec::with_capacity(n);
        let mut projects: Vec<(usize, ProjectOutcome)> = Vec::new();
        let mut tally = Tally::default();
        for part in parts {
            let part = part?;
            outcomes.extend(part.outcomes);
            projects.extend(part.projects);
            tally.merge(&part.tally);
        }
        let bundles = decider.projects.bundles.iter();
        projects.extend(bundles.map(|b| (b.members[0], b.outcome.clone())));
        projects.sort_by_key(|(k, _)| *k);
        let projects: Vec<ProjectOutcome> = projects.into_iter().map(|(_, p)| p).collect();
        let shares = projects.iter().filter_map(|p| {
            let share = p.platform.as_ref()?;
            let hours = p.reduction_hours.unwrap_or(0.0);
            Some((
                hours,
                Share {
                    platform: share.platform,
                    total: share.yen,
                },
            ))
        });
        let platforms = PlatformOutcome::all(decider.first.scenario, shares);
        Ok(Analysis {
            provenance: Provenance {
                engine: crate::provenance::engine(),
                inventory: fingerprint,
                scenario_sha256: decider.first.scenario.sha256.clone(),
                rules: decider.first.rules.source.clone(),
                rules_sha256: decider.first.rules.sha256.clone(),
            },
            inventory: source,
            encoding,
            inventories,
            scenario: echo(decider.first.scenario),
            summary: decider.summary(&tally),
            processes: outcomes,
            projects,
            platforms,
            warnings,
        })
    }

    /// Decides `listing`'s processes window by window, in rank order: each chunk of a window
    /// is decided and turned into a `T` by `each` in parallel, and the window's `T`s are then
    /// handed to `write` in rank order, on the calling thread, while the next window is being
    /// decided. At most two windows of outcomes exist at once; what becomes of their
    /// processes then is up to `release`. Returns the summary.
    pub fn stream<T: Send>(
        self,
        listing: Listing,
        window: usize,
        release: Release,
        each: impl Fn(&Decided) -> T + Sync,
        mut write: impl FnMut(T) -> Result<()>,
    ) -> Result<Summary> {
        let n = self.listed(listing);
        let window = window.max(CHUNK) / CHUNK * CHUNK;
        let decider = &self.decider;
        let left_for_exit = release == Release::AtExit && self.spilled.is_none();
        let each = &each;
        let decide = |first: usize, processes: Vec<Box<Process>>| -> Vec<Result<(Tally, T)>> {
            (processes.into_par_iter().chunks(STREAM_CHUNK).enumerate())
                .map(|(c, chunk)| {
                    let decided = decider.decide(first + c * STREAM_CHUNK, chunk, false)?;
                    let made = each(&decided);
                    if left_for_exit {
                        decided
                            .outcomes
                            .into_iter()
                            .for_each(|o| std::mem::forget(o.input));
                    }
                    Ok((decided.tally, made))
                })
                .collect()
        };
        let mut tally = Tally::default();
        let (mut processes, order) = (self.processes, &decider.first.ranking.order[..n]);
        let mut merged = self.spilled.as_ref().map(|kept| kept.rank_order());
        let mut first = 0;
        let mut pending: Option<Vec<Result<(Tally, T)>>> = None;
        loop {
            let ranks = &order[first.min(n)..(first + window).min(n)];
            let processes: Vec<Box<Process>> = match &mut merged {
                Some(merged) => read_back(merged, ranks)?,
                None => ranks.iter().filter_map(|&i| processes[i].take()).collect(),
            };
            if processes.is_empty() && pending.is_none() {
                break;
            }
            let (start, len) = (first, processes.len());
            let mut next = None;
            let written = rayon::in_place_scope(|s| {
                if len > 0 {
                    s.spawn(|_| next = Some(decide(start, processes)));
                }
                pending.take().into_iter().flatten().try_for_each(|part| {
                    let (part, made) = part?;
                    tally.merge(&part);
                    write(made)
                })
            });
            written?;
            pending = next;
            first += ranks.len();
        }
        Ok(decider.summary(&tally))
    }
}

/// The next processes of a merge of spilled processes, checked to be those of `ranks` (input
/// indices in rank order).
fn read_back(
    merged: &mut crate::inventory::RankOrder,
    ranks: &[usize],
) -> Result<Vec<Box<Process>>> {
    let spill_error = |message: &str| Error::Spill {
        source: std::io::Error::other(message.to_string()),
    };
    let mut processes = Vec::with_capacity(ranks.len());
    for &index in ranks {
        match merged.next() {
            Some(Ok((at, p))) if at == index => processes.push(Box::new(p)),
            Some(Ok(_)) => return Err(spill_error("the kept processes came back out of order")),
            Some(Err(source)) => return Err(Error::Spill { source }),
            None => return Err(spill_error("kept processes are missing from the file")),
        }
    }
    Ok(processes)
}

/// The processes put into rank order in place: each swap moves one to its final position.
pub(crate) fn in_rank_order<T>(mut processes: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut place = vec![0; order.len()];
    for (k, &i) in order.iter().enumerate() {
        place[i] = k;
    }
    for i in 0..processes.len() {
        while place[i] != i {
            let k = place[i];
            processes.swap(i, k);
            place.swap(i, k);
        }
    }
    processes
}

impl Decider<'_> {
    /// Decides the processes of ranks `first..first + chunk.len()`; with `projects`, also
    /// returns their default projects' records.
    fn decide(&self, first: usize, chunk: Vec<Box<Process>>, projects: bool) -> Result<Decided> {
        let mut decided = Decided {
            outcomes: Vec::with_capacity(chunk.len()),
            projects: Vec::new(),
            tally: Tally::default(),
        };
        // The processes come in rank order from all over the heap. Each one's fields are
        // prefetched AHEAD processes before it is decided, and its texts half as many before,
        // once the fields that point to them have come: the loads overlap instead of each
        // waiting in turn. The chunk's first processes have no processes before them: their
        // texts wait for their fields, all of those loads together.
        chunk.iter().take(AHEAD).for_each(|p| p.prefetch());
        chunk
            .iter()
            .take(AHEAD / 2)
            .for_each(|p| p.texts.prefetch());
        let mut rest = chunk.into_iter();
        for k in first.. {
            let Some(p) = rest.next() else { break };
            let ahead = rest.as_slice();
            if let Some(q) = ahead.get(AHEAD - 1) {
                q.prefetch();
            }
            if let Some(q) = ahead.get(AHEAD / 2 - 1) {
                q.texts.prefetch();
            }
            let mut o = self.first.outcome(k, p);
            match self.projects.bundle_of(k) {
                Some(Some(bundle)) => inherit(&mut o, &bundle.outcome),
                Some(None) => {}
                None if o.priority == Priority::Excluded => {}
                None if projects => {
                    let project = self.projects.default_project(&o)?;
                    inherit(&mut o, &project);
                    decided.projects.push((k, project));
                }
                None => {
                    let d = self.projects.default_decision(&o)?;
                    (o.project, o.priority, o.reasons) = (Some(d.name), d.priority, d.reasons);
                }
            }
            decided.tally.add(&o);
            decided.outcomes.push(o);
        }
        Ok(decided)
    }

    fn summary(&self, tally: &Tally) -> Summary {
        summary::summarize(&self.counts, tally, &self.first.ranking)
    }
}

impl<'a> FirstStage<'a> {
    /// Decides the scenario's bundles over processes held in memory (input order).
    fn projects_in_memory(
        &self,
        processes: &[Option<Box<Process>>],
        place: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Projects<'a>> {
        let order = &self.ranking.order;
        let at = |k: usize| processes[order[k]].as_ref();
        let by_id: HashMap<&str, usize> = match self.scenario.projects.is_empty() {
            true => HashMap::new(),
            false => (0..order.len())
                .filter_map(|k| Some((at(k)?.id(), k)))
                .collect(),
        };
        let find = |id: &str| {
            let k = *by_id.get(id)?;
            Some((k, self.outcome(k, at(k)?.clone())))
        };
        // With shared platforms, every default project's hours saved are summed first.
        let others = |bundled: &(dyn Fn(usize) -> bool + Sync)| {
            (0..self.ranking.selected)
                .into_par_iter()
                .filter(|&k| !bundled(k))
                .filter_map(|k| self.member(k, at(k)?))
                .fold(ClassHours::default, add_member)
                .reduce(ClassHours::default, ClassHours::merge)
        };
        Projects::new(self.scenario, place, find, others, warnings)
    }

    /// Decides the scenario's bundles over spilled processes: the processes the scenario
    /// names are found in one pass over them, and a shared platform's hours in another.
    fn projects_spilled(
        &self,
        kept: &Spilled,
        place: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Projects<'a>> {
        let spill_error = |source| Error::Spill { source };
        let named: std::collections::HashSet<String> = (self.scenario.projects.iter())
            .flat_map(|p| p.processes.iter().map(|id| id.as_string()))
            .collect();
        let mut found: HashMap<String, (usize, Process)> = HashMap::new();
        if !named.is_empty() {
            for (k, read) in kept.rank_order().enumerate() {
                let (_, p) = read.map_err(spill_error)?;
                if named.contains(p.id()) {
                    found.insert(p.id().to_string(), (k, p));
                }
            }
        }
        let find = |id: &str| {
            let (k, p) = found.get(id)?;
            Some((*k, self.outcome(*k, Box::new(p.clone()))))
        };
        let mut failed = None;
        let others = |bundled: &(dyn Fn(usize) -> bool + Sync)| {
            let mut hours = ClassHours::default();
            let mut ranks = kept.rank_order().take(self.ranking.selected).enumerate();
            loop {
                let chunk: Vec<(usize, Process)> = match (ranks.by_ref().take(CHUNK))
                    .map(|(k, read)| read.map(|(_, p)| (k, p)))
                    .collect::<std::io::Result<_>>()
                {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        failed = Some(e);
                        break hours;
                    }
                };
                if chunk.is_empty() {
                    break hours;
                }
                let part = (chunk.par_iter())
                    .filter(|(k, _)| !bundled(*k))
                    .filter_map(|(k, p)| self.member(*k, p))
                    .fold(ClassHours::default, add_member)
                    .reduce(ClassHours::default, ClassHours::merge);
                hours = hours.merge(part);
            }
        };
        let projects = Projects::new(self.scenario, place, find, others, warnings)?;
        match failed {
            Some(e) => Err(spill_error(e)),
            None => Ok(projects),
        }
    }

    /// The process at rank position `k` as the member of its default project, or `None` when
    /// rules 1-3 exclude it: what sharing a platform's cost needs, without the outcome.
    fn member(&self, k: usize, p: &Process) -> Option<Member> {
        let selected = k < self.ranking.selected;
        if priority::process_exclusion(p, selected, k + 1, &self.ctx).is_some() {
            return None;
        }
        let class = selected.then(|| self.rules.classify(p).0);
        let rate = |c| self.scenario.class(c).reduction_rate;
        Some(Member {
            hours: p.annual_hours,
            class,
            reduction_hours: class.and_then(|c| own_reduction(p, rate(c))),
            reduction: p.reduction,
            blocker: p.blocker,
        })
    }

    /// The outcome at rank position `k` with rank, share, class and the process-level
    /// exclusions (rules 1-3); processes not excluded are left `Priority::Medium` with no
    /// reasons until their project decides.
    fn outcome(&self, k: usize, p: Box<Process>) -> ProcessOutcome {
        let selected = k < self.ranking.selected;
        let classified = selected.then(|| self.rules.classify(&p));
        let exclusion = priority::process_exclusion(&p, selected, k + 1, &self.ctx);
        let class = classified.as_ref().map(|(c, _)| *c);
        let rate = |c| self.scenario.class(c).reduction_rate;
        let reduction_hours = class.and_then(|c| own_reduction(&p, rate(c)));
        ProcessOutcome {
            input: p,
            input_index: self.ranking.order[k],
            rank: k + 1,
            cumulative_share: self.ranking.cumulative_share(k + 1),
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
            reasons: exclusion.map_or(Reasons::Undecided, Reasons::One),
        }
    }
}

/// Counts a default project's hours saved towards its class's platform.
fn add_member(mut hours: ClassHours, m: Member) -> ClassHours {
    let (class, effect) = project_effect(None, &[m]);
    hours.add(class, &effect);
    hours
}

/// A process takes its project's name and decision.
fn inherit(o: &mut ProcessOutcome, project: &ProjectOutcome) {
    o.project = Some(ProjectName::Named(project.name.clone()));
    o.priority = project.priority;
    o.reasons = project.reasons.clone();
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

/// A process's own expected saving: its inventory estimate, else hours x the class rate.
pub(crate) fn own_reduction(p: &Process, rate: f64) -> Option<f64> {
    match p.reduction {
        Reduction::Hours(h) => Some(h),
        Reduction::Estimate if rate > 0.0 => Some(p.annual_hours * rate),
        Reduction::Estimate | Reduction::QualitativeOnly => None,
    }
}
