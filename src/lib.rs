//! `triage`: which business processes of a municipal inventory to hand to AI-OCR, RPA, BI or an
//! AI service first, which to postpone, and which are not worth it, with numbers and reasons.
//!
//! The engine follows the data's journey, one module per stage:
//! [`inventory`] (read and validate) -> [`pareto`] (rank and select) -> [`classify`] (work
//! class) -> [`projection`] (costs, savings, payback) -> [`priority`] (decision with reasons)
//! -> [`export`] (table, CSV, JSON, Markdown). [`analysis`] runs the stages in order;
//! [`scenario`] holds every assumption. The binary only parses arguments and calls [`run`].

pub mod analysis;
pub mod classify;
pub mod error;
pub mod export;
pub mod format;
pub mod inventory;
pub mod model;
pub mod number;
pub mod pareto;
pub mod priority;
pub mod projection;
pub mod scenario;
pub mod summary;

pub use analysis::{Analysis, analyze};
pub use error::{Error, Result};

use classify::RuleTable;
use export::Format;
use scenario::{ParetoRule, Scenario};

/// A validated `triage run` request.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    /// Inventory path, `-` for standard input.
    pub inventory: String,
    /// Scenario file; the built-in scenario when `None`.
    pub scenario: Option<String>,
    /// Rule table file; the built-in rules when `None`.
    pub rules: Option<String>,
    /// Replaces the scenario's Pareto rule when given.
    pub pareto: Option<ParetoRule>,
    pub format: Format,
    /// Output path; standard output when `None` or `-`.
    pub output: Option<String>,
}

/// Reads the inputs, analyses, and writes the report. Warnings go to `warn`.
pub fn run(config: &RunConfig, warn: &mut dyn FnMut(&str)) -> Result<Analysis> {
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
    let inventory = inventory::read_path(&config.inventory, &Default::default())?;
    let analysis = analyze(&inventory, &scenario, &rules)?;
    for w in &analysis.warnings {
        warn(w);
    }
    export::write_to(config.output.as_deref(), |out| {
        export::render(&analysis, config.format, out)
    })?;
    Ok(analysis)
}
