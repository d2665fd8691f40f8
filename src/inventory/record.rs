//! One inventory record to one [`Process`], every cell validated and every problem reported.
//!
//! Every cell of every row is checked, listed or not, so a file is accepted or refused the same
//! way whatever is listed; the strings of a [`Process`] are only allocated for rows that are
//! kept, which at national scale is a few per cent of them.

use super::columns::{ColumnMap, Field};
use crate::error::{Problem, Problems};
use crate::model::{Blocker, Process, Reduction, Status, WorkClass};
use crate::number::{NumberError, parse_non_negative};
use csv::ByteRecord;

/// Largest annual hours accepted for one process: about 114,000 staff-years, far beyond any
/// real process, and small enough that every yen amount derived from it fits in an `i64`.
pub const MAX_HOURS: f64 = 1e9;

/// Spellings of "qualitative only" in the reduction column.
const QUALITATIVE: [&str; 5] = ["-", "－", "ー", "―", "‐"];

/// The cells of one record, with what is needed to report a problem in any of them.
struct Cells<'a, 'p> {
    rec: &'a ByteRecord,
    line: u64,
    columns: &'p ColumnMap,
    problems: &'p mut Problems,
    ok: bool,
}

impl<'a> Cells<'a, '_> {
    /// The trimmed text of a field, or "" when the file has no such column.
    /// Blocks are validated as UTF-8 before they are parsed and fields end on ASCII bytes, so
    /// a field is always valid UTF-8; an invalid one would read as empty.
    fn text(&self, field: Field) -> &'a str {
        self.columns
            .index(field)
            .and_then(|i| self.rec.get(i))
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .map_or("", str::trim)
    }

    fn owned(&self, field: Field) -> String {
        self.text(field).to_string()
    }

    fn fail(&mut self, field: Field, message: String) {
        let index = self.columns.index(field).unwrap_or(0);
        let header = self.columns.header(index).to_string();
        self.problems
            .push(Problem::at_cell(self.line, index, &header, message));
        self.ok = false;
    }

    /// A required text cell.
    fn required(&mut self, field: Field) -> &'a str {
        let text = self.text(field);
        if text.is_empty() {
            self.fail(field, "is empty; every process needs one".into());
        }
        text
    }

    /// An optional closed-vocabulary cell parsed by `parse`.
    fn choice<T>(
        &mut self,
        field: Field,
        parse: fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        let text = self.text(field);
        if text.is_empty() {
            return None;
        }
        let value = parse(text);
        if value.is_none() {
            self.fail(field, format!("\"{text}\" is not one of: {expected}"));
        }
        value
    }
}

/// A valid record: its hours and the names counted for the survey totals, and the process
/// itself when the caller keeps it.
pub struct Row<'r> {
    pub hours: f64,
    pub department: &'r str,
    pub task: &'r str,
    pub process: Option<Process>,
}

/// Parses one non-empty record with the right number of fields; `None` if any cell is bad.
/// `keep(hours, id)` says whether to build the [`Process`]; without an id column the id is
/// left empty for the caller to fill with the row number.
pub fn parse<'r>(
    rec: &'r ByteRecord,
    line: u64,
    columns: &ColumnMap,
    keep: &dyn Fn(f64, &str) -> bool,
    problems: &mut Problems,
) -> Option<Row<'r>> {
    let mut cells = Cells {
        rec,
        line,
        columns,
        problems,
        ok: true,
    };
    let id = match columns.index(Field::Id) {
        Some(_) => cells.required(Field::Id),
        None => "",
    };
    let department = cells.required(Field::Department);
    let task = cells.required(Field::Task);
    let process = cells.required(Field::Process);
    let annual_hours = hours(&mut cells);
    let annual_count = count(&mut cells);
    let class = cells.choice(Field::Class, WorkClass::parse, CLASSES);
    let reduction = reduction(&mut cells, annual_hours);
    let annual_hours = annual_hours.unwrap_or(0.0);
    let status = cells.choice(Field::Status, Status::parse, STATUSES);
    let feasible = cells
        .choice(Field::Feasible, parse_yes_no, YES_NO)
        .unwrap_or(true);
    let blocker = cells.choice(Field::Blocker, Blocker::parse, BLOCKERS);
    if !cells.ok {
        return None;
    }
    let process = keep(annual_hours, id).then(|| Process {
        id: id.to_string(),
        line,
        row: 0,
        bureau: cells.owned(Field::Bureau),
        division: cells.owned(Field::Division),
        department: department.to_string(),
        section: cells.owned(Field::Section),
        affair: cells.owned(Field::Affair),
        task: task.to_string(),
        process: process.to_string(),
        description: cells.owned(Field::Description),
        annual_hours,
        annual_count,
        class,
        reduction,
        status,
        feasible,
        blocker,
    });
    Some(Row {
        hours: annual_hours,
        department,
        task,
        process,
    })
}

const CLASSES: &str = "input, automation, analytics, judgment, other, \
                       入力事務, 自動化事務, データ分析と意思決定, 自動判断, その他";
const STATUSES: &str = "outsourced, data-punch, systemized, tool-introduced, under-review, \
                        アウトソーシング済, データパンチ, システム化, 導入済, 検討中";
const BLOCKERS: &str =
    "standardization, policy-change, operations-review, 標準化, 制度改正, 運用見直し";
const YES_NO: &str = "yes, no, true, false, 可, 不可";

fn parse_yes_no(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "可" | "○" | "〇" => Some(true),
        "no" | "n" | "false" | "0" | "不可" | "×" | "✕" => Some(false),
        _ => None,
    }
}

fn hours(cells: &mut Cells<'_, '_>) -> Option<f64> {
    let text = cells.text(Field::AnnualHours);
    match parse_non_negative(text) {
        Ok(h) if h > MAX_HOURS => {
            let message = format!(
                "\"{text}\" is more than {MAX_HOURS:.0} hours a year: is the column right?"
            );
            cells.fail(Field::AnnualHours, message);
            None
        }
        Ok(h) => Some(h),
        Err(NumberError::Empty) => {
            cells.fail(Field::AnnualHours, "is empty: expected hours a year".into());
            None
        }
        Err(e) => {
            cells.fail(
                Field::AnnualHours,
                format!("\"{text}\" {e}: expected hours a year"),
            );
            None
        }
    }
}

fn count(cells: &mut Cells<'_, '_>) -> Option<f64> {
    let text = cells.text(Field::AnnualCount);
    if text.is_empty() {
        return None;
    }
    match parse_non_negative(text) {
        Ok(n) => Some(n),
        Err(e) => {
            cells.fail(
                Field::AnnualCount,
                format!("\"{text}\" {e}: expected a count a year"),
            );
            None
        }
    }
}

fn reduction(cells: &mut Cells, annual_hours: Option<f64>) -> Reduction {
    let text = cells.text(Field::Reduction);
    if text.is_empty() {
        return Reduction::Estimate;
    }
    if QUALITATIVE.contains(&text) {
        return Reduction::QualitativeOnly;
    }
    match parse_non_negative(text) {
        Ok(h) if annual_hours.is_some_and(|a| h > a) => {
            let annual_hours = annual_hours.unwrap_or_default();
            let message =
                format!("\"{text}\" hours saved is more than the process's {annual_hours} hours");
            cells.fail(Field::Reduction, message);
            Reduction::Estimate
        }
        Ok(h) => Reduction::Hours(h),
        Err(e) => {
            let message =
                format!("\"{text}\" {e}: expected hours saved a year, or - (qualitative only)");
            cells.fail(Field::Reduction, message);
            Reduction::Estimate
        }
    }
}
