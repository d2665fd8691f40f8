//! `triage`: which business processes of a municipal inventory to hand to AI-OCR, RPA, BI or an
//! AI service first, which to postpone, and which are not worth it, with numbers and reasons.
//!
//! The engine follows the data's journey, one module per stage:
//! [`inventory`] (read and validate) -> [`pareto`] (rank and select) -> [`classify`] (work
//! class) -> [`projection`] (costs, savings, payback) -> [`priority`] (decision with reasons)
//! -> [`export`] (table, CSV, JSON, Markdown, Excel, the HTML report). [`analysis`] runs the
//! stages in order; [`scenario`] holds every assumption. The binary only parses arguments and
//! calls [`run`] or [`report`].

pub mod analysis;
pub mod classify;
pub mod consult;
pub mod error;
pub mod export;
pub mod format;
pub mod generate;
pub mod inventory;
pub mod model;
pub mod number;
pub mod pareto;
pub mod platforms;
pub mod portfolio;
pub mod priority;
pub mod projection;
pub mod projects;
pub mod provenance;
pub mod scenario;
pub mod summary;
pub mod vary;

pub use analysis::{Analysis, Listing, Ranked, Release, analyze, analyze_listing};
pub use error::{Error, Result};

use classify::RuleTable;
use export::Format;
use inventory::{Keep, ReadOptions};
use scenario::{ParetoRule, Scenario};

/// A validated `triage run` request.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    /// Inventory paths, `-` for standard input; several are read as one (joint procurement,
    /// see [`inventory::read_paths`]).
    pub inventories: Vec<String>,
    /// Scenario file; the built-in scenario when `None`.
    pub scenario: Option<String>,
    /// Rule table file; the built-in rules when `None`.
    pub rules: Option<String>,
    /// The sheet of a workbook inventory; see [`ReadOptions::sheet`].
    pub sheet: Option<String>,
    /// Replaces the scenario's Pareto rule when given.
    pub pareto: Option<ParetoRule>,
    pub format: Format,
    /// Output path; standard output when `None` or `-`.
    pub output: Option<String>,
    /// List only the selected processes (the summary still counts every row); the reader then
    /// keeps only rows that can be selected, so memory follows the selection, not the file.
    pub listing: Listing,
    /// Bytes per unit of parallel work ([`inventory::BLOCK_SIZE`] unless testing or tuning).
    pub block_size: usize,
    /// Bytes of kept processes a CSV listing holds in memory before the rest go to a
    /// temporary file ([`inventory::SPILL_AFTER`] unless testing or tuning).
    pub spill_after: usize,
}

/// What a long run reports as it goes: the bytes of the inventory as they are read, then, for
/// a CSV listing, the processes as they are written (a national listing takes as long to write
/// as its inventory to read).
pub trait Progress: Sync {
    /// `bytes` more of the inventory have been read.
    fn read(&self, bytes: u64);
    /// The inventory is read and ranked; `processes` are about to be listed.
    fn listing(&self, _processes: u64) {}
    /// `processes` more have been written.
    fn listed(&self, _processes: u64) {}
}

/// Nothing to report to.
impl Progress for () {
    fn read(&self, _bytes: u64) {}
}

/// Reads the inputs, analyses, and writes the report; returns the run's summary. Warnings go
/// to `warn`; `progress` follows the reading and the writing of a CSV listing. Made for a
/// program that ends after it: the processes analysed are left for the exit, not freed one
/// by one (see [`Release::AtExit`]).
pub fn run(
    config: &RunConfig,
    warn: &mut dyn FnMut(&str),
    progress: &dyn Progress,
) -> Result<summary::Summary> {
    let mut scenario = match &config.scenario {
        Some(path) => Scenario::read_path(path)?,
        None => Scenario::builtin(),
    };
    if let Some(rule) = config.pareto {
        scenario
            .set_pareto(rule)
            .map_err(|message| Error::Scenario {
                path: "command line".into(),
                message,
            })?;
    }
    let rules = match &config.rules {
        Some(path) => RuleTable::read_path(path)?,
        None => RuleTable::builtin(),
    };
    let streamed = matches!(config.format, Format::Csv(_));
    let options = ReadOptions {
        keep: keep(config.listing, &scenario),
        block_size: config.block_size,
        progress: &|bytes| progress.read(bytes),
        // The streamed CSV listing has no place for the inventory's hash, nor for the counts
        // of departments and tasks: skip the work.
        fingerprint: !streamed,
        names: !streamed,
        sheet: config.sheet.clone(),
        // It takes the processes in rank order, so they may wait on disk until then.
        spill_after: streamed.then_some(config.spill_after),
    };
    let inventory = inventory::read_paths(&config.inventories, &options)?;
    let ranked = Ranked::new(inventory, &scenario, &rules)?;
    for w in &ranked.warnings {
        warn(w);
    }
    let path = config.output.as_deref();
    if let Format::Csv(dialect) = config.format {
        // A listing needs no process after it has been written: decide and write as it goes.
        let mut streamed = None;
        progress.listing(ranked.listed(config.listing) as u64);
        let written = export::write_to(path, |out| {
            let listed = &mut |n| progress.listed(n);
            // The program ends after the listing: its processes need not be freed.
            let (listing, release) = (config.listing, Release::AtExit);
            let s = export::stream_csv(ranked, listing, release, out, dialect, listed)?;
            let failed = s.summary.is_err();
            streamed = Some(s);
            match failed {
                true => Err(std::io::Error::other("the analysis failed")),
                false => Ok(()),
            }
        });
        if let Some(n) = streamed.as_ref().map(|s| s.unmappable).filter(|&n| n > 0) {
            warn(&export::unmappable_warning(n));
        }
        return match (streamed.map(|s| s.summary), written) {
            (Some(Err(e)), _) | (_, Err(e)) => Err(e),
            (Some(Ok(summary)), Ok(())) => Ok(summary),
            (None, Ok(())) => Err(Error::Output {
                path: path.unwrap_or("-").into(),
                source: std::io::Error::other("nothing was written"),
            }),
        };
    }
    let analysis = ranked.analysis(config.listing)?;
    export::write_to(path, |out| export::render(&analysis, config.format, out))?;
    let summary = analysis.summary.clone();
    // The report is written; freeing a national inventory's hundreds of thousands of
    // records one by one would only delay the exit.
    std::mem::forget(analysis);
    Ok(summary)
}

/// A validated `triage report` request: the committee's HTML page.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportConfig {
    /// Inventory paths, as for [`RunConfig::inventories`].
    pub inventories: Vec<String>,
    /// Scenario files: the report is computed under the first (the built-in scenario when
    /// there is none); with several, a comparison section puts them side by side.
    pub scenarios: Vec<String>,
    /// Rule table file; the built-in rules when `None`.
    pub rules: Option<String>,
    /// The sheet of a workbook inventory; see [`ReadOptions::sheet`].
    pub sheet: Option<String>,
    pub lang: export::Lang,
    /// Output path; standard output when `None` or `-`.
    pub output: Option<String>,
}

/// Reads the inputs, analyses under the first scenario (comparing all of them when there
/// are several), and writes the HTML report; returns the run's summary.
pub fn report(
    config: &ReportConfig,
    warn: &mut dyn FnMut(&str),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<summary::Summary> {
    let scenarios = (config.scenarios.iter())
        .map(|p| Scenario::read_path(p))
        .collect::<Result<Vec<_>>>()?;
    let scenario = scenarios.first().cloned().unwrap_or_else(Scenario::builtin);
    let rules = match &config.rules {
        Some(path) => RuleTable::read_path(path)?,
        None => RuleTable::builtin(),
    };
    let options = ReadOptions {
        progress,
        fingerprint: true,
        sheet: config.sheet.clone(),
        ..Default::default()
    };
    let inventory = inventory::read_paths(&config.inventories, &options)?;
    let comparison = match scenarios.len() {
        0 | 1 => None,
        _ => {
            let portfolio = portfolio::Portfolio::new(inventory.clone(), &rules);
            Some(consult::compare::compare(&portfolio, &scenarios)?)
        }
    };
    let analysis = Ranked::new(inventory, &scenario, &rules)?.analysis(Listing::All)?;
    for w in &analysis.warnings {
        warn(w);
    }
    export::write_to(config.output.as_deref(), |out| {
        export::html::write(&analysis, comparison.as_ref(), config.lang, out)
    })?;
    Ok(analysis.summary)
}

/// What the reader must keep for a listing: everything, or the rows the Pareto rule can select
/// (at or above `min_hours`) and those the scenario names. The share rule (`cover`) needs the
/// whole ranking, so with it every row is kept.
fn keep(listing: Listing, scenario: &Scenario) -> Keep {
    match (listing, scenario.pareto) {
        (
            Listing::Selected,
            ParetoRule {
                min_hours: Some(floor),
                cover: None,
            },
        ) => Keep::Listed {
            floor,
            ids: scenario
                .projects
                .iter()
                .flat_map(|p| p.processes.iter().map(|id| id.as_string()))
                .collect(),
        },
        _ => Keep::All,
    }
}
