//! Survey workbooks read directly: `.xlsx`, `.xlsm`, `.xls` and `.ods`, through calamine.
//!
//! The sheet (`--sheet NAME`, else the first sheet that has an inventory header) is turned into
//! CSV and read by the same reader as a CSV export, so every header alias, check and message
//! is the same. Survey sheets often put a title and merged header cells above the data: the
//! header is the first row (or pair of rows, for cells merged down over two rows) that names
//! the required columns, and anything above it is skipped with a note. Messages name the sheet
//! and give the sheet's own row and column numbers.

use super::{ColumnMap, Inventory, ReadOptions, read_bytes};
use crate::error::{Error, Problems, Result};
use calamine::{Data, Range, Reader};
use std::io::Cursor;

/// Rows searched for the header, from the top of the sheet.
const HEADER_SEARCH: usize = 20;

/// Reads the inventory in the workbook `bytes`; `source` names the file.
pub fn read(source: &str, bytes: Vec<u8>, options: &ReadOptions) -> Result<Inventory> {
    let error = |message: String| Error::Encoding {
        path: source.to_string(),
        message,
    };
    let damaged = |e: &dyn std::fmt::Display| {
        error(format!(
            "this looks like a workbook (.xlsx, .xls or .ods) but cannot be read ({e}): save \
                 it again from Excel, or save the survey sheet as \"CSV UTF-8\""
        ))
    };
    let opened = guarded(|| calamine::open_workbook_auto_from_rs(Cursor::new(bytes)));
    let mut book = opened.map_err(|e| damaged(&e))?.map_err(|e| damaged(&e))?;
    let names = guarded(|| book.sheet_names()).map_err(|e| damaged(&e))?;
    let candidates: Vec<String> = match &options.sheet {
        Some(sheet) if names.contains(sheet) => vec![sheet.clone()],
        Some(sheet) => {
            return Err(error(format!(
                "the workbook has no sheet \"{sheet}\"; its sheets: {}",
                names.join(", ")
            )));
        }
        None => names.clone(),
    };
    for name in &candidates {
        let range = guarded(|| book.worksheet_range(name))
            .map_err(|e| damaged(&e))?
            .map_err(|e| error(format!("cannot read sheet \"{name}\": {e}")))?;
        let rows = text_rows(&range);
        if rows.is_empty() && options.sheet.is_some() {
            return Err(error(format!("sheet \"{name}\" is empty")));
        }
        let header = find_header(source, &rows);
        if header.is_none() && options.sheet.is_none() {
            continue;
        }
        // A sheet named with --sheet is read even without a header found, so that the
        // reader says what is missing.
        let (first, depth) = header.unwrap_or((first_filled(&rows), 1));
        let (start_row, _) = range.start().unwrap_or((0, 0));
        let sheet_source = format!("{source} (sheet {name})");
        let sheet = Sheet {
            rows: &rows,
            first_row: start_row as u64 + 1,
            header: first,
            depth,
        };
        return read_sheet(&sheet_source, &sheet, options);
    }
    Err(error(format!(
        "no sheet has a header row naming the required columns (department, task, process, \
         annual hours); its sheets: {}. Name one with --sheet to see what is missing",
        names.join(", ")
    )))
}

/// Why the workbook reader stopped on a damaged file.
#[derive(Debug)]
struct Stopped(String);

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the workbook reader stopped: {}", self.0)
    }
}

/// Runs a step of the workbook reader, turning a panic on a damaged file into an error: a bad
/// input must give a message and exit status 1, never a crash. The panic's own report is held
/// back while the step runs (the step runs on the calling thread, before any other work).
fn guarded<T>(step: impl FnOnce() -> T) -> std::result::Result<T, Stopped> {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(step));
    std::panic::set_hook(report);
    result.map_err(|payload| {
        let text = (payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned());
        Stopped(text.unwrap_or_else(|| "an internal error".into()))
    })
}

/// A sheet's cells as text, and where its inventory starts.
struct Sheet<'a> {
    rows: &'a [Vec<String>],
    /// The sheet row number (1-based) of `rows[0]`.
    first_row: u64,
    /// Index in `rows` of the header, and how many rows it takes (1, or 2 when merged).
    header: usize,
    depth: usize,
}

/// Every cell as the text a CSV export would hold, each row starting at column A.
fn text_rows(range: &Range<Data>) -> Vec<Vec<String>> {
    let (_, start_col) = range.start().unwrap_or((0, 0));
    let pad = start_col as usize;
    range
        .rows()
        .map(|row| {
            let mut cells = vec![String::new(); pad];
            cells.extend(row.iter().map(cell_text));
            cells
        })
        .collect()
}

/// A cell as text: whole numbers without a decimal point, as Excel shows them.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The first row, or pair of rows, among the top ones that names every required column.
fn find_header(source: &str, rows: &[Vec<String>]) -> Option<(usize, usize)> {
    let top = rows.len().min(HEADER_SEARCH);
    for i in 0..top {
        if names_columns(source, &rows[i]) {
            return Some((i, 1));
        }
        if let Some(next) = rows.get(i + 1)
            && names_columns(source, &merged(&rows[i], next))
        {
            return Some((i, 2));
        }
    }
    None
}

/// Two header rows as one: the lower cell, or the upper one where the lower is empty (a cell
/// merged down over both rows keeps its text in the upper one).
fn merged(upper: &[String], lower: &[String]) -> Vec<String> {
    let width = upper.len().max(lower.len());
    (0..width)
        .map(|c| {
            let below = lower.get(c).filter(|s| !s.trim().is_empty());
            below.or(upper.get(c)).cloned().unwrap_or_default()
        })
        .collect()
}

fn names_columns(source: &str, row: &[String]) -> bool {
    let cells: Vec<&str> = row.iter().map(String::as_str).collect();
    let mut problems = Problems::new(source);
    ColumnMap::from_header(&cells, 1, &mut problems);
    problems.is_empty()
}

fn first_filled(rows: &[Vec<String>]) -> usize {
    (rows.iter())
        .position(|r| r.iter().any(|c| !c.trim().is_empty()))
        .unwrap_or(0)
}

/// Reads the sheet's inventory as CSV, then puts the sheet's row numbers back into the
/// processes and the messages.
fn read_sheet(source: &str, sheet: &Sheet, options: &ReadOptions) -> Result<Inventory> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // rows[k] starts at CSV line line_of[k]; the header (one row, merged if two) is line 1.
    let mut rows_at = Vec::new();
    let mut line = 1u64;
    let header = match sheet.depth {
        2 => merged(&sheet.rows[sheet.header], &sheet.rows[sheet.header + 1]),
        _ => sheet.rows[sheet.header].clone(),
    };
    let data = sheet.header + sheet.depth;
    for (k, row) in
        std::iter::once((sheet.header, &header)).chain((data..).zip(&sheet.rows[data..]))
    {
        w.write_record(row).map_err(|e| output(source, e))?;
        rows_at.push((line, sheet.first_row + k as u64));
        line += 1 + row
            .iter()
            .map(|c| c.matches('\n').count() as u64)
            .sum::<u64>();
    }
    let csv = w
        .into_inner()
        .map_err(|e| output(source, e.into_error().into()))?;
    let row_of = |line: u64| match rows_at.binary_search_by_key(&line, |&(l, _)| l) {
        Ok(i) => rows_at[i].1,
        Err(0) => line,
        Err(i) => rows_at[i - 1].1,
    };
    let read = read_bytes(source, &csv, options);
    let mut inventory = match read {
        Ok(inventory) => inventory,
        Err(Error::Inventory(mut problems)) => {
            problems
                .list
                .iter_mut()
                .for_each(|p| p.line = row_of(p.line));
            return Err(Error::Inventory(problems));
        }
        Err(other) => return Err(other),
    };
    inventory
        .processes
        .iter_mut()
        .for_each(|p| p.line = row_of(p.line));
    let above = (0..sheet.header).filter(|&k| sheet.rows[k].iter().any(|c| !c.trim().is_empty()));
    if above.count() > 0 {
        inventory.warnings.push(format!(
            "{source}: rows above the header (row {}) were skipped: a title or merged header cells",
            sheet.first_row + sheet.header as u64
        ));
    }
    Ok(inventory)
}

fn output(source: &str, e: csv::Error) -> Error {
    Error::Encoding {
        path: source.to_string(),
        message: format!("cannot convert the sheet: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_that_panics_gives_an_error() {
        let stopped = guarded(|| -> u32 { panic!("range end index 2 out of range") });
        let message = stopped.unwrap_err().to_string();
        assert_eq!(
            message,
            "the workbook reader stopped: range end index 2 out of range"
        );
        assert_eq!(guarded(|| 7).unwrap(), 7);
    }
}
