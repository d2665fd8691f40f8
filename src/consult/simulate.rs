//! `triage simulate`: Monte Carlo over the scenario's uncertain keys.
//!
//! Each draw sets every uncertain key to a value drawn from its range (by the inverse of its
//! distribution at a uniform random number) and evaluates every project. Draw `d` takes its
//! random numbers from its own generator (PCG, seeded from the seed and `d`), and projects are
//! evaluated in chunks whose results are combined in order, so the result depends only on the
//! seed and the number of draws, never on the thread count. Percentiles are nearest-rank.

use super::{SHOWN, cut_note};
use crate::error::{Error, Result};
use crate::export::{Grid, Report, Section, section};
use crate::format::{grouped, percent, yen};
use crate::model::Priority;
use crate::portfolio::{Portfolio, Project};
use crate::projects::Costing;
use crate::scenario::Scenario;
use crate::vary::{Distribution, Uncertain};
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

/// NPVs held at once per chunk of projects (8 bytes each): bounds memory for any draw count.
const CHUNK_VALUES: usize = 4 << 20;

/// The result of a simulation.
#[derive(Debug, Serialize)]
pub struct Simulation {
    pub inventory: String,
    pub scenario: String,
    pub draws: u32,
    pub seed: u64,
    /// The keys drawn and their ranges.
    pub uncertain: Vec<UncertainKey>,
    /// Portfolio NPV (the sum over projects with an effect) across draws.
    pub portfolio: Spread,
    /// Share of draws with a portfolio NPV of 0 or more.
    pub portfolio_npv_non_negative: f64,
    /// Every project, in rank order of its first process.
    pub projects: Vec<ProjectSpread>,
}

/// An uncertain key as the report names it.
#[derive(Debug, Serialize)]
pub struct UncertainKey {
    pub key: String,
    #[serde(flatten)]
    pub distribution: Distribution,
}

/// Percentiles and mean of an amount of yen across draws.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Spread {
    pub p10: i64,
    pub p50: i64,
    pub p90: i64,
    pub mean: f64,
}

/// One project across draws.
#[derive(Debug, Serialize)]
pub struct ProjectSpread {
    pub project: String,
    pub processes: usize,
    /// NPV across draws; `None` for a project with no quantitative effect.
    pub npv: Option<Spread>,
    /// Share of draws in which it pays back within the horizon.
    pub payback_within_horizon: f64,
    /// Share of draws in which it pays back within `high_payback_within` years.
    pub payback_within_high: f64,
    /// Share of draws in which it is high priority.
    pub high_priority: f64,
}

/// Runs `draws` draws of the scenario's uncertain keys from `seed`.
pub fn simulate(
    portfolio: &Portfolio,
    scenario: &Scenario,
    draws: u32,
    seed: u64,
) -> Result<Simulation> {
    if scenario.uncertain.is_empty() {
        return Err(Error::Scenario {
            path: scenario.source.clone(),
            message: "no uncertain keys to draw: write a range for a key, e.g. \
                      reduction_rate = { low = 0.3, mode = 0.5, high = 0.7 } under \
                      [classes.input], or labor_cost_per_hour = { low = 2300, high = 2800 }"
                .into(),
        });
    }
    let shape = portfolio.shape(scenario)?;
    let variants: Vec<(Scenario, Costing)> = (0..draws)
        .into_par_iter()
        .map(|d| {
            let s = draw(scenario, seed, d)?;
            let costs = portfolio.costing(&shape, &s);
            Ok((s, costs))
        })
        .collect::<Result<_>>()?;
    let chunk = (CHUNK_VALUES / draws as usize).clamp(1, 4096);
    let (projects, sums) = shape
        .projects
        .par_chunks(chunk)
        .map(|projects| spread_chunk(portfolio, scenario, projects, &variants))
        .try_reduce(
            || (Vec::new(), vec![0i64; draws as usize]),
            |(mut a, mut sa), (b, sb)| {
                a.extend(b);
                sa.iter_mut().zip(&sb).for_each(|(x, y)| *x += y);
                Ok((a, sa))
            },
        )?;
    let non_negative = sums.iter().filter(|&&v| v >= 0).count();
    Ok(Simulation {
        inventory: portfolio.source.clone(),
        scenario: scenario.source.clone(),
        draws,
        seed,
        uncertain: (scenario.uncertain.iter())
            .map(|u| UncertainKey {
                key: u.knob.label(scenario),
                distribution: u.distribution,
            })
            .collect(),
        portfolio: spread(sums),
        portfolio_npv_non_negative: non_negative as f64 / f64::from(draws),
        projects,
    })
}

/// The scenario of draw `d`: every uncertain key set to a value drawn from its range.
fn draw(scenario: &Scenario, seed: u64, d: u32) -> Result<Scenario> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ u64::from(d).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut s = scenario.clone();
    for Uncertain { knob, distribution } in &scenario.uncertain {
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        knob.set(&mut s, distribution.quantile(u))
            .map_err(|message| Error::Scenario {
                path: scenario.source.clone(),
                message,
            })?;
    }
    Ok(s)
}

/// The spreads of some projects, and their NPV summed per draw.
///
/// Draws are the outer loop, so one draw's scenario stays in cache for the whole chunk, and
/// the chunk makes its own cost tables, so threads never share a reference count.
fn spread_chunk(
    portfolio: &Portfolio,
    scenario: &Scenario,
    projects: &[Project],
    variants: &[(Scenario, Costing)],
) -> Result<(Vec<ProjectSpread>, Vec<i64>)> {
    let draws = variants.len();
    let mut sums = vec![0i64; draws];
    let mut npvs = vec![0i64; projects.len() * draws];
    let mut counts = vec![Counts::default(); projects.len()];
    for (d, (s, costing)) in variants.iter().enumerate() {
        let costs = costing.own_copy();
        for (i, project) in projects.iter().enumerate() {
            let f = portfolio.figures(project, s, &costs)?;
            let facts = &f.assessment.facts;
            let c = &mut counts[i];
            c.quantitative = matches!(facts.effect, crate::priority::Effect::Hours(_));
            if c.quantitative {
                npvs[i * draws + d] = facts.npv;
                sums[d] += facts.npv;
            }
            c.paid += usize::from(facts.payback_year.is_some());
            c.early += usize::from(
                facts
                    .payback_year
                    .is_some_and(|y| y <= s.high_payback_within),
            );
            c.high += usize::from(f.priority == Priority::High);
        }
    }
    let n = draws as f64;
    let out = (projects.iter().zip(&counts).enumerate())
        .map(|(i, (project, c))| ProjectSpread {
            project: portfolio.project_name(project, scenario),
            processes: project.members.ranks().len(),
            npv: c
                .quantitative
                .then(|| spread(npvs[i * draws..(i + 1) * draws].to_vec())),
            payback_within_horizon: c.paid as f64 / n,
            payback_within_high: c.early as f64 / n,
            high_priority: c.high as f64 / n,
        })
        .collect();
    Ok((out, sums))
}

/// What a chunk counts of one project across draws.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    quantitative: bool,
    paid: usize,
    early: usize,
    high: usize,
}

/// Nearest-rank percentiles and the mean of `values`.
fn spread(mut values: Vec<i64>) -> Spread {
    if values.is_empty() {
        return Spread::default();
    }
    values.sort_unstable();
    let n = values.len();
    let at = |p: f64| values[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n as f64;
    Spread {
        p10: at(0.1),
        p50: at(0.5),
        p90: at(0.9),
        mean: mean.round(),
    }
}

impl Report for Simulation {
    fn title(&self) -> String {
        format!("triage simulate: {}", self.inventory)
    }

    fn sections(&self) -> Vec<Section> {
        vec![self.inputs_section(), self.projects_section()]
    }

    fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec![
            "project",
            "processes",
            "npv_p10",
            "npv_p50",
            "npv_p90",
            "npv_mean",
            "payback_within_horizon",
            "payback_within_high",
            "high_priority",
        ];
        let rows = (self.projects.iter())
            .map(|p| {
                let npv = |f: fn(&Spread) -> String| p.npv.as_ref().map_or(String::new(), f);
                vec![
                    p.project.clone(),
                    p.processes.to_string(),
                    npv(|s| s.p10.to_string()),
                    npv(|s| s.p50.to_string()),
                    npv(|s| s.p90.to_string()),
                    npv(|s| s.mean.to_string()),
                    p.payback_within_horizon.to_string(),
                    p.payback_within_high.to_string(),
                    p.high_priority.to_string(),
                ]
            })
            .collect();
        (header, rows)
    }
}

impl Simulation {
    fn inputs_section(&self) -> Section {
        let mut grid = Grid::new(&[
            ("uncertain key", false),
            ("distribution", false),
            ("low", true),
            ("mode", true),
            ("high", true),
        ]);
        for u in &self.uncertain {
            let (kind, low, mode, high) = match u.distribution {
                Distribution::Triangular { low, mode, high } => {
                    ("triangular", low, mode.to_string(), high)
                }
                Distribution::Uniform { low, high } => ("uniform", low, "-".into(), high),
            };
            grid.row(vec![
                u.key.clone(),
                kind.into(),
                low.to_string(),
                mode,
                high.to_string(),
            ]);
        }
        let p = &self.portfolio;
        let notes = vec![
            format!(
                "Inventory {}, scenario {}: {} draws, seed {}.",
                self.inventory,
                self.scenario,
                grouped(i64::from(self.draws)),
                self.seed
            ),
            format!(
                "Portfolio NPV: P10 {}, P50 {}, P90 {}, mean {}; 0 or more in {} of draws.",
                yen(p.p10),
                yen(p.p50),
                yen(p.p90),
                yen(p.mean as i64),
                percent(self.portfolio_npv_non_negative)
            ),
        ];
        section("Uncertain inputs", notes, Some(grid))
    }

    fn projects_section(&self) -> Section {
        let mut grid = Grid::new(&[
            ("project", false),
            ("NPV P10", true),
            ("P50", true),
            ("P90", true),
            ("pays back", true),
            ("within high limit", true),
            ("high priority", true),
        ]);
        for p in self.projects.iter().take(SHOWN) {
            let npv = |f: fn(&Spread) -> i64| p.npv.as_ref().map_or("-".into(), |s| yen(f(s)));
            grid.row(vec![
                p.project.clone(),
                npv(|s| s.p10),
                npv(|s| s.p50),
                npv(|s| s.p90),
                percent(p.payback_within_horizon),
                percent(p.payback_within_high),
                percent(p.high_priority),
            ]);
        }
        let mut notes = vec![
            "Shares are of draws: paying back within the horizon, within the high-priority \
             limit (high_payback_within), and being high priority."
                .to_string(),
        ];
        notes.extend(cut_note(self.projects.len()));
        section("Projects under uncertainty", notes, Some(grid))
    }
}
