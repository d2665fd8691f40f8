//! The scenario tools for consultants: one inventory, read once, under many scenarios.
//!
//! [`compare`] puts scenarios side by side, [`sweep`] varies one key at a time and finds
//! break-even values, [`simulate`] draws uncertain keys (Monte Carlo), and [`budget`] chooses
//! the projects a yearly budget can pay for. All of them stand on [`Portfolio`], which ranks
//! and classifies the inventory once and evaluates each scenario with the engine's own rules.

pub mod budget;
pub mod compare;
pub mod simulate;
pub mod sweep;

use crate::classify::RuleTable;
use crate::error::Result;
use crate::format::yen;
use crate::inventory::{self, ReadOptions};
use crate::portfolio::Portfolio;
use crate::projection::FiscalYear;
use crate::scenario::Scenario;

/// Reads the inventory (or several as one) once, keeping every row, and ranks and classifies
/// it.
pub fn open(
    inventories: &[String],
    sheet: Option<&str>,
    rules: Option<&str>,
    warn: &mut dyn FnMut(&str),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Portfolio> {
    let rules = match rules {
        Some(path) => RuleTable::read_path(path)?,
        None => RuleTable::builtin(),
    };
    let options = ReadOptions {
        progress,
        sheet: sheet.map(str::to_string),
        ..Default::default()
    };
    let inventory = inventory::read_paths(inventories, &options)?;
    let portfolio = Portfolio::new(inventory, &rules);
    for w in &portfolio.warnings {
        warn(w);
    }
    Ok(portfolio)
}

/// The scenario at `path`, or the built-in one.
pub fn scenario(path: Option<&str>) -> Result<Scenario> {
    match path {
        Some(path) => Scenario::read_path(path),
        None => Ok(Scenario::builtin()),
    }
}

/// A payback year as a committee reads it: `4 (R5)`, or `-` for none within the horizon.
fn payback(year: Option<u32>, first_fiscal_year: i32) -> String {
    match year {
        Some(y) => format!("{y} ({})", FiscalYear(first_fiscal_year + y as i32 - 1)),
        None => "-".into(),
    }
}

/// An optional amount of yen, `-` when there is none.
fn money(amount: Option<i64>) -> String {
    amount.map_or_else(|| "-".into(), yen)
}

/// An optional value as a CSV cell: empty when there is none.
fn cell<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

/// How many rows of a long list the terminal and Markdown show; files carry them all.
const SHOWN: usize = 40;

/// The note under a table cut to [`SHOWN`] rows.
fn cut_note(total: usize) -> Option<String> {
    (total > SHOWN).then(|| {
        format!("The first {SHOWN} of {total} rows are shown; --format csv or json gives them all.")
    })
}
