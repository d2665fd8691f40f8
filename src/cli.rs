//! Command-line interface: the clap types, turned once into the engine's [`RunConfig`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use triage::export::{Dialect, ExcelEncoding, Format, Lang};
use triage::scenario::ParetoRule;
use triage::{Listing, ReportConfig, RunConfig};

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
    /// Put scenarios side by side on one inventory: totals, and every process whose priority
    /// or payback year changes, with the reason.
    ///
    /// The first --scenario is the baseline; with only one, the built-in scenario is the
    /// baseline. Example:
    ///
    ///   triage compare inventory/kagoshima-2020.csv -s inventory/kagoshima-2020.toml -s labour-3000.toml
    ///
    /// CSV: one row per changed process and scenario.
    Compare(CompareArgs),
    /// Vary scenario keys one at a time: portfolio NPV at each value (tornado data), and the
    /// projects whose priority flips or whose NPV crosses zero, with the break-even value.
    ///
    /// Keys: labor_cost_per_hour, discount_rate, horizon_years, high_payback_within,
    /// pareto.min_hours, pareto.cover, classes.CLASS.KEY and projects[NAME].KEY, where KEY is
    /// reduction_rate (classes), reduction_hours (projects), study_cost, initial_cost,
    /// annual_cost, go_live_year or months_in_first_year. Example:
    ///
    ///   triage sweep inventory/kagoshima-2020.csv -s inventory/kagoshima-2020.toml --vary labor_cost_per_hour=1500..3500
    ///
    /// CSV: one row per key and value.
    Sweep(SweepArgs),
    /// Monte Carlo: draw the scenario's uncertain keys and report per project the P10, P50
    /// and P90 of NPV and the probability of paying back.
    ///
    /// Uncertain keys are written as ranges in the scenario:
    /// reduction_rate = { low = 0.3, mode = 0.5, high = 0.7 } (triangular) or
    /// { low = 0.3, high = 0.7 } (uniform). The result depends only on the seed and the
    /// number of draws, not on the thread count. Example:
    ///
    ///   triage simulate inventory/kagoshima-2020.csv -s uncertain.toml --draws 1000 --seed 7
    ///
    /// CSV: one row per project.
    Simulate(SimulateArgs),
    /// Choose the projects that maximise portfolio NPV without spending more than the budget
    /// in any year (optionally: starting at most N projects a year).
    ///
    /// Candidates are the projects with a quantitative effect, a positive NPV and no blocker.
    /// The choice is exact (branch and bound); beyond its search limit the best choice found
    /// is reported and marked as not proven optimal. Example:
    ///
    ///   triage budget inventory/kagoshima-2020.csv -s inventory/kagoshima-2020.toml --budget-per-year 20000000
    ///
    /// CSV: one row per candidate project, chosen or not, with the reason.
    Budget(BudgetArgs),
    /// Write the committee's report: one self-contained HTML page with charts, in Japanese
    /// (or English with --lang en), that opens offline and prints to A4.
    ///
    /// It holds the survey totals, the Pareto chart, the work classes, every selected process
    /// with its priority and reasons, each project's cumulative cost against savings with the
    /// payback year, the departments holding the selected hours and, with several --scenario,
    /// a comparison. Example:
    ///
    ///   triage report inventory/kagoshima-2020.csv -s inventory/kagoshima-2020.toml -o report.html
    Report(ReportArgs),
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
    #[command(flatten)]
    pub input: InputArgs,
    /// Scenario TOML: labour rate, horizon, class costs and rates, project bundles, shared
    /// platforms (default: the built-in scenario, see `triage defaults scenario`).
    #[arg(short, long, value_name = "FILE")]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
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
    #[command(flatten)]
    pub work: WorkArgs,
    /// Bytes read and parsed as one unit of work (for tests and tuning).
    #[arg(long, hide = true, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..))]
    pub block_size: Option<u32>,
    /// Bytes of kept processes held in memory before the rest go to a temporary file (for
    /// tests and tuning).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub spill_after: Option<usize>,
}

impl ToolArgs {
    /// The format of the report, or why the options do not go together.
    pub fn output_format(&self) -> triage::Result<Format> {
        match self.out.format()? {
            Format::Xlsx => Err(triage::Error::Usage(
                "--format xlsx is for triage run; the scenario tools write table, md, csv or json"
                    .into(),
            )),
            format => Ok(format),
        }
    }
}

/// What every command reads: the inventories, the rules, the sheet of a workbook.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Inventory file: CSV, or a workbook (.xlsx, .xls, .ods); `-` reads standard input. Give
    /// several to read them as one (joint procurement): ids become NAME:ID, NAME being the
    /// file name without extension.
    #[arg(required = true, value_name = "INVENTORY")]
    pub inventories: Vec<String>,
    /// Keyword rules for the work classes (default: see `triage defaults rules`).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<String>,
    /// The sheet of a workbook inventory (.xlsx, .xls, .ods) to read (default: the first
    /// sheet with a header naming the required columns).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

/// How every command works: threads and the progress bar.
#[derive(Debug, Args)]
pub struct WorkArgs {
    /// Worker threads (default: one per CPU). Results do not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bar (it is shown only on a terminal, for inventories over 64 MB), and for
    /// a CSV listing no closing line on standard error counting the rows it lists and leaves out.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Where the report goes and in what form; shared by `run` and the scenario tools.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Write to FILE instead of standard output (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
    /// CSV for Excel: UTF-8 with a byte-order mark (or Shift_JIS, see --encoding), and text
    /// cells that Excel would run as formulas (starting with = + - @) prefixed with '.
    /// Implies --format csv.
    #[arg(long)]
    pub excel: bool,
    /// The encoding of --excel CSV: utf8 (with BOM; keeps every character) or sjis
    /// (Shift_JIS, for older Excel).
    #[arg(long, value_enum, requires = "excel", default_value_t = CsvEncoding::Utf8)]
    pub encoding: CsvEncoding,
}

impl OutputArgs {
    /// The engine's format for `-f`, `--excel` and `--encoding`.
    pub fn format(&self) -> triage::Result<Format> {
        format(self.format, self.excel, self.encoding).map_err(triage::Error::Usage)
    }
}

/// What every scenario tool reads and writes.
#[derive(Debug, Args)]
pub struct ToolArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub work: WorkArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub tool: ToolArgs,
    /// A scenario TOML; repeat for each. The first is the baseline.
    #[arg(short, long = "scenario", value_name = "FILE", required = true)]
    pub scenarios: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub tool: ToolArgs,
    /// The scenario the sweep starts from (default: the built-in scenario).
    #[arg(short, long, value_name = "FILE")]
    pub scenario: Option<String>,
    /// KEY=FROM..TO: a key and the range it sweeps; repeat for each key.
    #[arg(long, value_name = "KEY=FROM..TO", required = true)]
    pub vary: Vec<String>,
    /// Values per key, evenly spaced from FROM to TO (whole values for yen and years).
    #[arg(long, value_name = "N", default_value_t = 11, value_parser = clap::value_parser!(u32).range(2..=1001))]
    pub steps: u32,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub tool: ToolArgs,
    /// The scenario with ranges for its uncertain keys.
    #[arg(short, long, value_name = "FILE", required = true)]
    pub scenario: String,
    /// Number of draws.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub draws: u32,
    /// Seed of the random numbers; the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct BudgetArgs {
    #[command(flatten)]
    pub tool: ToolArgs,
    /// The scenario (default: the built-in scenario).
    #[arg(short, long, value_name = "FILE")]
    pub scenario: Option<String>,
    /// Yen that may be spent in each fiscal year of the horizon, on all chosen projects.
    #[arg(long, value_name = "YEN", value_parser = yen_amount)]
    pub budget_per_year: i64,
    /// At most this many chosen projects may go live in any one year.
    #[arg(long, value_name = "N")]
    pub max_starts_per_year: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// A scenario TOML (default: the built-in scenario). Repeat to add a comparison: the
    /// report is computed under the first, the others are compared with it.
    #[arg(short, long = "scenario", value_name = "FILE")]
    pub scenarios: Vec<String>,
    /// The report's language.
    #[arg(long, value_enum, default_value_t = ReportLang::Ja)]
    pub lang: ReportLang,
    /// Write to FILE (e.g. report.html) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
    #[command(flatten)]
    pub work: WorkArgs,
}

/// The language of the HTML report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportLang {
    /// Japanese (日本語).
    Ja,
    /// English.
    En,
}

impl ReportArgs {
    /// The engine's request, or why the options do not go together.
    pub fn to_config(&self) -> triage::Result<ReportConfig> {
        let to_stdout = matches!(self.output.as_deref(), None | Some("-"));
        if to_stdout && std::io::stdout().is_terminal() {
            return Err(triage::Error::Usage(
                "the report is a web page: give -o report.html (or redirect the output)".into(),
            ));
        }
        Ok(ReportConfig {
            inventories: self.input.inventories.clone(),
            scenarios: self.scenarios.clone(),
            rules: self.input.rules.clone(),
            sheet: self.input.sheet.clone(),
            lang: match self.lang {
                ReportLang::Ja => Lang::Ja,
                ReportLang::En => Lang::English,
            },
            output: self.output.clone(),
        })
    }
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
    /// An Excel workbook (run only; needs -o FILE): summary, inventory, processes, projects,
    /// years.
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DefaultFile {
    /// The built-in scenario (TOML), with the source of every number.
    Scenario,
    /// The built-in keyword rules for the work classes (TOML).
    Rules,
}

/// The encoding of CSV for Excel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark.
    Utf8,
    /// Shift_JIS (CP932).
    Sjis,
}

/// The engine's format for `-f`, `--excel` and `--encoding`; `--excel` makes it CSV.
pub fn format(format: OutputFormat, excel: bool, encoding: CsvEncoding) -> Result<Format, String> {
    if !excel {
        return Ok(format.format(Dialect::Plain));
    }
    let dialect = Dialect::Excel(match encoding {
        CsvEncoding::Utf8 => ExcelEncoding::Utf8Bom,
        CsvEncoding::Sjis => ExcelEncoding::ShiftJis,
    });
    match format {
        OutputFormat::Table | OutputFormat::Csv => Ok(Format::Csv(dialect)),
        other => Err(format!(
            "--excel writes CSV; it cannot be combined with --format {}",
            other
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string())
        )),
    }
}

impl OutputFormat {
    /// The engine's format, CSV in `dialect`.
    pub fn format(self, dialect: Dialect) -> Format {
        match self {
            OutputFormat::Table => Format::Table,
            OutputFormat::Csv => Format::Csv(dialect),
            OutputFormat::Json => Format::Json,
            OutputFormat::Md => Format::Markdown,
            OutputFormat::Xlsx => Format::Xlsx,
        }
    }
}

impl RunArgs {
    /// The engine's request for these arguments, or why they do not go together.
    pub fn to_config(&self) -> triage::Result<RunConfig> {
        let format = self.out.format()?;
        let to_stdout = matches!(self.out.output.as_deref(), None | Some("-"));
        if format == Format::Xlsx && to_stdout && std::io::stdout().is_terminal() {
            return Err(triage::Error::Usage(
                "a workbook is not for the terminal: give -o FILE.xlsx (or redirect the output)"
                    .into(),
            ));
        }
        let pareto = (self.min_hours.is_some() || self.cover.is_some()).then_some(ParetoRule {
            min_hours: self.min_hours,
            cover: self.cover,
        });
        Ok(RunConfig {
            inventories: self.input.inventories.clone(),
            scenario: self.scenario.clone(),
            rules: self.input.rules.clone(),
            sheet: self.input.sheet.clone(),
            pareto,
            format,
            output: self.out.output.clone(),
            listing: if self.only_selected {
                Listing::Selected
            } else {
                Listing::All
            },
            block_size: self
                .block_size
                .map_or(triage::inventory::BLOCK_SIZE, |b| b as usize),
            spill_after: (self.spill_after).unwrap_or(triage::inventory::SPILL_AFTER),
        })
    }
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("\"{text}\" is not a number of hours, 0 or more")),
    }
}

fn yen_amount(text: &str) -> Result<i64, String> {
    let digits: String = text.chars().filter(|c| !matches!(c, ',' | '_')).collect();
    match digits.parse::<i64>() {
        Ok(v) if (0..=triage::scenario::MAX_YEN).contains(&v) => Ok(v),
        _ => Err(format!(
            "\"{text}\" is not an amount of yen (e.g. 20000000 or 20,000,000)"
        )),
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
