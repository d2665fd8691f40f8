//! `triage budget`: the projects a yearly budget can pay for, chosen to maximise portfolio NPV.
//!
//! Candidates are the projects with a quantitative effect, a positive NPV and no blocker; the
//! others are listed with the reason they are not candidates. The choice is a knapsack with
//! one constraint per fiscal year (spending at most the budget) and, optionally, one per year
//! on how many projects go live. It is solved exactly by branch and bound over groups of
//! candidates with the same yearly costs and go-live year (all default projects of a class are
//! one group, so hundreds of candidates make a handful of groups): within a group the best
//! NPVs are taken first, so only how many to take from each group is searched. The bound is
//! each remaining group's best NPV that still fits on its own. Beyond [`NODE_LIMIT`] nodes the
//! best choice found is reported and marked as not proven optimal.

use super::{SHOWN, cut_note};
use crate::error::Result;
use crate::export::{Grid, Report, Section, section};
use crate::format::{grouped, yen};
use crate::model::Blocker;
use crate::portfolio::Portfolio;
use crate::priority::Effect;
use crate::projection::FiscalYear;
use crate::scenario::Scenario;
use serde::Serialize;
use std::sync::Arc;

/// Nodes the search may visit before it settles for the best choice found.
pub const NODE_LIMIT: u64 = 20_000_000;

/// What limits the choice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    /// Yen that may be spent in each fiscal year on all chosen projects.
    pub budget_per_year: i64,
    /// How many chosen projects may go live in any one year.
    pub max_starts_per_year: Option<u32>,
}

/// The choice and what it leaves out.
#[derive(Debug, Serialize)]
pub struct BudgetPlan {
    pub inventory: String,
    pub scenario: String,
    /// Year 1 of the horizon.
    pub first_fiscal_year: i32,
    pub limits: Limits,
    /// Whether the choice is proven to maximise NPV.
    pub optimal: bool,
    /// Nodes the search visited.
    pub nodes: u64,
    /// NPV of the chosen projects together.
    pub npv: i64,
    pub years: Vec<YearUse>,
    /// Every project, chosen or not, in rank order of its first process.
    pub projects: Vec<Candidate>,
}

/// Spending and go-lives in one fiscal year.
#[derive(Debug, Serialize)]
pub struct YearUse {
    pub year: u32,
    pub label: String,
    pub spent: i64,
    pub left: i64,
    pub starts: u32,
}

/// One project and the verdict on it.
#[derive(Debug, Serialize)]
pub struct Candidate {
    pub project: String,
    pub processes: usize,
    pub npv: Option<i64>,
    /// Cost over the horizon.
    pub cost: i64,
    pub go_live_year: u32,
    pub verdict: Verdict,
}

/// Why a project is chosen or not.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Verdict {
    Chosen,
    /// No quantitative effect: nothing to weigh against its cost.
    NoEffect,
    /// Something must happen first.
    Blocked {
        blocker: Blocker,
    },
    /// It does not pay for itself over the horizon.
    NotPositive,
    /// Added to the choice, it would overspend `year` by `over` yen.
    OverBudget {
        year: u32,
        over: i64,
    },
    /// Added to the choice, `year` would have more go-lives than allowed.
    TooManyStarts {
        year: u32,
    },
    /// It would fit, but the search stopped before it could prove whether it belongs.
    NotReached,
}

impl Verdict {
    fn describe(&self, first_fiscal_year: i32) -> String {
        let fy = |y: u32| FiscalYear(first_fiscal_year + y as i32 - 1);
        match *self {
            Verdict::Chosen => "chosen".into(),
            Verdict::NoEffect => "no quantitative effect to weigh against its cost".into(),
            Verdict::Blocked { blocker } => format!("blocked: {}", blocker.phrase()),
            Verdict::NotPositive => "NPV is not positive over the horizon".into(),
            Verdict::OverBudget { year, over } => format!(
                "does not fit: year {year} ({}) would be {} over budget",
                fy(year),
                yen(over)
            ),
            Verdict::TooManyStarts { year } => format!(
                "does not fit: year {year} ({}) already has the most go-lives allowed",
                fy(year)
            ),
            Verdict::NotReached => {
                "would fit, but the search stopped before weighing it (not proven optimal)".into()
            }
        }
    }
}

/// A candidate's use of the limits.
#[derive(Debug, Clone)]
struct Need {
    costs: Arc<[i64]>,
    start: u32,
    npv: i64,
}

/// Candidates with equal needs, best NPV first, with running sums of their NPVs.
struct Group {
    costs: Arc<[i64]>,
    start: u32,
    members: Vec<usize>,
    best: Vec<i64>,
}

/// Chooses the projects of `scenario` that `limits` can pay for.
pub fn plan(portfolio: &Portfolio, scenario: &Scenario, limits: Limits) -> Result<BudgetPlan> {
    let shape = portfolio.shape(scenario)?;
    let evaluation = portfolio.evaluate(&shape, scenario)?;
    let mut projects = Vec::with_capacity(shape.projects.len());
    let mut needs: Vec<(usize, Need)> = Vec::new();
    for (i, (project, f)) in shape.projects.iter().zip(&evaluation.figures).enumerate() {
        let a = &f.assessment;
        let quantitative = matches!(a.facts.effect, Effect::Hours(_));
        let verdict = match (quantitative, a.facts.blocker) {
            (false, _) => Some(Verdict::NoEffect),
            (true, Some(blocker)) => Some(Verdict::Blocked { blocker }),
            (true, None) if a.facts.npv <= 0 => Some(Verdict::NotPositive),
            (true, None) => None,
        };
        if verdict.is_none() {
            let need = Need {
                costs: a.plan.costs.clone(),
                start: a.plan.go_live_year,
                npv: a.facts.npv,
            };
            needs.push((i, need));
        }
        projects.push(Candidate {
            project: portfolio.project_name(project, scenario),
            processes: project.members.ranks().len(),
            npv: quantitative.then_some(a.facts.npv),
            cost: a.cost,
            go_live_year: a.plan.go_live_year,
            verdict: verdict.unwrap_or(Verdict::Chosen),
        });
    }
    let horizon = scenario.horizon_years as usize;
    let mut search = Search::new(&needs, limits, horizon);
    search.run(0);
    let chosen: Vec<bool> = {
        let mut chosen = vec![false; needs.len()];
        for (g, &count) in search.groups.iter().zip(&search.best_counts) {
            g.members.iter().take(count).for_each(|&c| chosen[c] = true);
        }
        chosen
    };
    let mut spent = vec![0i64; horizon];
    let mut starts = vec![0u32; horizon + 1];
    for (_, need) in needs
        .iter()
        .zip(&chosen)
        .filter_map(|(n, &c)| c.then_some(n))
    {
        spent
            .iter_mut()
            .zip(need.costs.iter())
            .for_each(|(s, c)| *s += c);
        starts[need.start as usize] += 1;
    }
    for (c, (i, need)) in needs.iter().enumerate() {
        if !chosen[c] {
            projects[*i].verdict = why_left_out(need, &spent, &starts, limits);
        }
    }
    let years = (0..horizon)
        .map(|y| YearUse {
            year: y as u32 + 1,
            label: FiscalYear(scenario.first_fiscal_year + y as i32).to_string(),
            spent: spent[y],
            left: limits.budget_per_year - spent[y],
            starts: starts[y + 1],
        })
        .collect();
    Ok(BudgetPlan {
        inventory: portfolio.source.clone(),
        scenario: scenario.source.clone(),
        first_fiscal_year: scenario.first_fiscal_year,
        limits,
        optimal: search.nodes < NODE_LIMIT,
        nodes: search.nodes,
        npv: search.best,
        years,
        projects,
    })
}

/// Why a candidate is not in the choice: the first limit it would break.
fn why_left_out(need: &Need, spent: &[i64], starts: &[u32], limits: Limits) -> Verdict {
    for (y, (s, c)) in spent.iter().zip(need.costs.iter()).enumerate() {
        let over = s + c - limits.budget_per_year;
        if over > 0 {
            return Verdict::OverBudget {
                year: y as u32 + 1,
                over,
            };
        }
    }
    let cap = limits.max_starts_per_year.unwrap_or(u32::MAX);
    match starts.get(need.start as usize) {
        Some(&n) if n >= cap => Verdict::TooManyStarts { year: need.start },
        _ => Verdict::NotReached,
    }
}

/// The branch and bound over groups.
struct Search {
    groups: Vec<Group>,
    limits: Limits,
    left: Vec<i64>,
    starts_left: Vec<u32>,
    counts: Vec<usize>,
    value: i64,
    best: i64,
    best_counts: Vec<usize>,
    nodes: u64,
}

impl Search {
    fn new(needs: &[(usize, Need)], limits: Limits, horizon: usize) -> Search {
        let mut groups: Vec<Group> = Vec::new();
        for (c, (_, need)) in needs.iter().enumerate() {
            let same = |g: &Group| g.start == need.start && g.costs == need.costs;
            match groups.iter_mut().find(|g| same(g)) {
                Some(g) => g.members.push(c),
                None => groups.push(Group {
                    costs: need.costs.clone(),
                    start: need.start,
                    members: vec![c],
                    best: Vec::new(),
                }),
            }
        }
        for g in &mut groups {
            g.members
                .sort_by_key(|&c| std::cmp::Reverse(needs[c].1.npv));
            let mut sum = 0;
            g.best = std::iter::once(0)
                .chain(g.members.iter().map(|&c| {
                    sum += needs[c].1.npv;
                    sum
                }))
                .collect();
        }
        // The group with the best single NPV per yen first: good choices are found early.
        let density = |g: &Group| {
            let cost: i64 = g.costs.iter().sum();
            g.best[1] as f64 / cost.max(1) as f64
        };
        groups.sort_by(|a, b| density(b).total_cmp(&density(a)));
        let n = groups.len();
        let cap = limits.max_starts_per_year.unwrap_or(u32::MAX);
        Search {
            groups,
            limits,
            left: vec![limits.budget_per_year; horizon],
            starts_left: vec![cap; horizon + 1],
            counts: vec![0; n],
            value: 0,
            best: 0,
            best_counts: vec![0; n],
            nodes: 0,
        }
    }

    /// How many of group `g` fit in what is left.
    fn fits(&self, g: usize) -> usize {
        let group = &self.groups[g];
        let mut n = group.members.len();
        for (left, &cost) in self.left.iter().zip(group.costs.iter()) {
            if cost > 0 {
                n = n.min((left / cost).max(0) as usize);
            }
        }
        let starts = self.starts_left.get(group.start as usize).copied();
        n.min(starts.unwrap_or(u32::MAX) as usize)
    }

    fn run(&mut self, g: usize) {
        self.nodes += 1;
        if g == self.groups.len() {
            if self.value > self.best {
                self.best = self.value;
                self.best_counts.clone_from(&self.counts);
            }
            return;
        }
        if self.nodes >= NODE_LIMIT {
            return;
        }
        let bound: i64 = (g..self.groups.len())
            .map(|h| self.groups[h].best[self.fits(h)])
            .sum();
        if self.value + bound <= self.best {
            return;
        }
        for count in (0..=self.fits(g)).rev() {
            self.take(g, count, 1);
            self.run(g + 1);
            self.take(g, count, -1);
            if self.nodes >= NODE_LIMIT {
                return;
            }
        }
    }

    /// Takes (`sign` 1) or gives back (-1) the best `count` of group `g`.
    fn take(&mut self, g: usize, count: usize, sign: i64) {
        let group = &self.groups[g];
        for (left, &cost) in self.left.iter_mut().zip(group.costs.iter()) {
            *left -= sign * cost * count as i64;
        }
        if let Some(s) = self.starts_left.get_mut(group.start as usize)
            && self.limits.max_starts_per_year.is_some()
        {
            *s = (i64::from(*s) - sign * count as i64) as u32;
        }
        self.value += sign * group.best[count];
        self.counts[g] = if sign > 0 { count } else { 0 };
    }
}

impl Report for BudgetPlan {
    fn title(&self) -> String {
        format!("triage budget: {}", self.inventory)
    }

    fn sections(&self) -> Vec<Section> {
        vec![self.years_section(), self.projects_section()]
    }

    fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec![
            "project",
            "processes",
            "npv",
            "cost",
            "go_live_year",
            "chosen",
            "verdict",
        ];
        let rows = (self.projects.iter())
            .map(|p| {
                vec![
                    p.project.clone(),
                    p.processes.to_string(),
                    super::cell(p.npv),
                    p.cost.to_string(),
                    p.go_live_year.to_string(),
                    (p.verdict == Verdict::Chosen).to_string(),
                    p.verdict.describe(self.first_fiscal_year),
                ]
            })
            .collect();
        (header, rows)
    }
}

impl BudgetPlan {
    fn years_section(&self) -> Section {
        let mut grid = Grid::new(&[
            ("year", true),
            ("fiscal year", false),
            ("spent", true),
            ("left", true),
            ("go-lives", true),
        ]);
        for y in &self.years {
            grid.row(vec![
                y.year.to_string(),
                y.label.clone(),
                yen(y.spent),
                yen(y.left),
                y.starts.to_string(),
            ]);
        }
        let chosen = self
            .projects
            .iter()
            .filter(|p| p.verdict == Verdict::Chosen);
        let mut notes = vec![format!(
            "Inventory {}, scenario {}: budget {} a year{}. {} projects chosen, NPV {} together.",
            self.inventory,
            self.scenario,
            yen(self.limits.budget_per_year),
            self.limits
                .max_starts_per_year
                .map_or(String::new(), |n| format!(", at most {n} go-lives a year")),
            chosen.count(),
            yen(self.npv)
        )];
        notes.push(match self.optimal {
            true => format!(
                "The choice is optimal (exact branch and bound, {} nodes).",
                grouped(self.nodes as i64)
            ),
            false => format!(
                "The search stopped at {} nodes: this is the best choice found, not proven optimal.",
                grouped(self.nodes as i64)
            ),
        });
        section("Budget by fiscal year", notes, Some(grid))
    }

    fn projects_section(&self) -> Section {
        let mut grid = Grid::new(&[
            ("project", false),
            ("NPV", true),
            ("cost", true),
            ("verdict", false),
        ]);
        let first = self.first_fiscal_year;
        let mut shown: Vec<&Candidate> = self.projects.iter().collect();
        shown.sort_by_key(|p| (p.verdict != Verdict::Chosen, std::cmp::Reverse(p.npv)));
        for p in shown.iter().take(SHOWN) {
            grid.row(vec![
                p.project.clone(),
                super::money(p.npv),
                yen(p.cost),
                p.verdict.describe(first),
            ]);
        }
        let notes: Vec<String> = cut_note(shown.len()).into_iter().collect();
        section("Projects chosen and left out", notes, Some(grid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The best NPV by trying every subset.
    fn brute_force(needs: &[(usize, Need)], limits: Limits, horizon: usize) -> i64 {
        let mut best = 0;
        for mask in 0u32..(1 << needs.len()) {
            let mut spent = vec![0i64; horizon];
            let mut starts = vec![0u32; horizon + 1];
            let mut value = 0;
            for (c, (_, n)) in needs.iter().enumerate().filter(|(c, _)| mask >> c & 1 == 1) {
                let _ = c;
                spent
                    .iter_mut()
                    .zip(n.costs.iter())
                    .for_each(|(s, c)| *s += c);
                starts[n.start as usize] += 1;
                value += n.npv;
            }
            let cap = limits.max_starts_per_year.unwrap_or(u32::MAX);
            let fits = spent.iter().all(|&s| s <= limits.budget_per_year)
                && starts.iter().all(|&n| n <= cap);
            if fits {
                best = best.max(value);
            }
        }
        best
    }

    proptest! {
        #[test]
        fn branch_and_bound_finds_the_best_subset(
            items in prop::collection::vec((0usize..3, 1i64..5_000_000, 1u32..4), 0..12),
            shapes in prop::collection::vec(prop::collection::vec(0i64..3_000_000, 4), 3),
            budget in 0i64..12_000_000,
            cap in prop::option::of(0u32..4),
        ) {
            let needs: Vec<(usize, Need)> = items
                .iter()
                .enumerate()
                .map(|(i, &(shape, npv, start))| {
                    (i, Need { costs: shapes[shape].clone().into(), start, npv })
                })
                .collect();
            let limits = Limits { budget_per_year: budget, max_starts_per_year: cap };
            let mut search = Search::new(&needs, limits, 4);
            search.run(0);
            prop_assert!(search.nodes < NODE_LIMIT);
            prop_assert_eq!(search.best, brute_force(&needs, limits, 4));
            let taken: i64 = search
                .groups
                .iter()
                .zip(&search.best_counts)
                .map(|(g, &n)| g.best[n])
                .sum();
            prop_assert_eq!(taken, search.best);
        }
    }
}
