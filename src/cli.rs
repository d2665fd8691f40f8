//! Command-line interface: the clap types, turned once into the engine's [`RunConfig`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use triage::export::Format;
use triage::scenario::ParetoRule;
use triage::{Listing, RunConfig};

/// Rank a business-process inventory and decide which processes to hand to AI-OCR, RPA, BI
/// or an AI service first, with the numbers and the reasons.
///
/// Example, on the bundled Kagoshima City survey (497 processes, 256,400 h):
///
///   triage run inventory/kagoshima-2020.csv --scenario inventory/kagoshima-2020.toml
///
/// Exit status: 0 ok, 1 a problem with the data (inventory, scenario, rules), 2 a usage error.
#[derive(Debug, Parser)]
#[command(name = "triage", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rank, select, classify, project and prioritise an inventory, and print the report.
    ///
    /// The inventory is a CSV file with a header row, in UTF-8 (with or without BOM),
    /// Shift_JIS/CP932 or UTF-16; the encoding is detected. Headers may be English or Japanese:
    /// id/No/番号, department/課, task/業務, process/処理, annual_hours/年間処理時間 (required);
    /// bureau/局, division/部, section/係, affair/事務, description/処理の概要,
    /// annual_count/年間処理件数, class/分類, reduction_hours/定量効果見込 (`-` = qualitative
    /// only), status/状況, feasible/実現可能性, blocker/課題 (optional).
    Run(RunArgs),
    /// Write a synthetic inventory with the heavy tail of real surveys, to try triage at scale.
    ///
    /// About 7 % of processes hold about 85 % of the hours; the file depends only on --rows
    /// and --seed. Example: triage gen --rows 1000000 -o inv_1m.csv
    Gen(GenArgs),
    /// Print a built-in file to start your own from: the scenario or the classification rules.
    Defaults {
        /// Which file to print.
        #[arg(value_enum)]
        which: DefaultFile,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Inventory CSV file; `-` reads standard input.
    pub inventory: String,
    /// Scenario TOML: labour rate, horizon, class costs and rates, project bundles
    /// (default: the built-in scenario, see `triage defaults scenario`).
    #[arg(short, long, value_name = "FILE")]
    pub scenario: Option<String>,
    /// Keyword rules for the work classes (default: see `triage defaults rules`).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Write to FILE instead of standard output (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
    /// Select processes with at least this many hours a year (replaces the scenario's rule).
    #[arg(long, value_name = "HOURS", value_parser = non_negative)]
    pub min_hours: Option<f64>,
    /// Select the smallest leading run of the ranking holding this share of all hours, e.g.
    /// 0.8 (replaces the scenario's rule; with --min-hours, either selects).
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub cover: Option<f64>,
    /// List only the selected processes; the summary still counts every row. For large
    /// inventories: only rows that can be selected are kept in memory.
    #[arg(long)]
    pub only_selected: bool,
    /// Worker threads (default: one per CPU). Results do not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bar (it is shown only on a terminal, for inventories over 64 MB).
    #[arg(short, long)]
    pub quiet: bool,
    /// Bytes read and parsed as one unit of work (for tests and tuning).
    #[arg(long, hide = true, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..))]
    pub block_size: Option<u32>,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of processes.
    #[arg(long, value_name = "N")]
    pub rows: u64,
    /// Seed of the random numbers; the same seed gives the same file.
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The report's tables for the terminal.
    Table,
    /// One row per process.
    Csv,
    /// Everything: summary, processes, projects with yearly tables.
    Json,
    /// The report's tables in Markdown.
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DefaultFile {
    /// The built-in scenario (TOML), with the source of every number.
    Scenario,
    /// The built-in keyword rules for the work classes (TOML).
    Rules,
}

impl RunArgs {
    /// The engine's request for these arguments.
    pub fn to_config(&self) -> RunConfig {
        let pareto = (self.min_hours.is_some() || self.cover.is_some()).then_some(ParetoRule {
            min_hours: self.min_hours,
            cover: self.cover,
        });
        RunConfig {
            inventory: self.inventory.clone(),
            scenario: self.scenario.clone(),
            rules: self.rules.clone(),
            pareto,
            format: match self.format {
                OutputFormat::Table => Format::Table,
                OutputFormat::Csv => Format::Csv,
                OutputFormat::Json => Format::Json,
                OutputFormat::Md => Format::Markdown,
            },
            output: self.output.clone(),
            listing: if self.only_selected {
                Listing::Selected
            } else {
                Listing::All
            },
            block_size: self
                .block_size
                .map_or(triage::inventory::BLOCK_SIZE, |b| b as usize),
        }
    }
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("\"{text}\" is not a number of hours, 0 or more")),
    }
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(format!(
            "\"{text}\" is not a share above 0 and at most 1 (0.8 is 80 %)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
