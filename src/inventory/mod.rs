//! Reading an inventory: bytes in any supported encoding to validated [`Process`] records.
//!
//! The whole file is checked before anything is computed: every bad cell is reported with its
//! line, column and value, and a file with problems yields no result at all. Records that are
//! entirely empty (a common leftover of Excel exports) are skipped and counted, never dropped
//! silently.

mod columns;
mod encoding;
mod record;

pub use columns::{ColumnMap, Field};
pub use encoding::{TextEncoding, decode};

use crate::error::{Error, Problem, Problems, Result};
use crate::model::Process;
use std::collections::HashMap;
use std::io::Read;

/// A validated inventory and what the reader noticed on the way.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The file name as given (`-` for standard input).
    pub source: String,
    pub encoding: TextEncoding,
    /// Processes in input order.
    pub processes: Vec<Process>,
    /// Lines of records with no content at all, skipped.
    pub skipped_empty: Vec<u64>,
    /// Notes for the user (ignored columns, skipped rows); printed to stderr by the binary.
    pub warnings: Vec<String>,
}

/// Reads an inventory from a path, or from standard input when the path is `-`.
pub fn read_path(path: &str) -> Result<Inventory> {
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    read.map_err(|source| Error::Open {
        path: path.to_string(),
        source,
    })?;
    read_bytes(path, &bytes)
}

/// Reads a small text file (scenario, rules) in UTF-8 or Shift_JIS, as Notepad may save it.
/// A file that cannot be opened is [`Error::Open`]; undecodable content goes through `error`.
pub fn read_text(path: &str, error: impl FnOnce(String) -> Error) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Open {
        path: path.to_string(),
        source,
    })?;
    match decode(&bytes) {
        Ok((text, _)) => Ok(text.into_owned()),
        Err(message) => Err(error(message)),
    }
}

/// Reads an inventory from its raw bytes; `source` names it in messages.
pub fn read_bytes(source: &str, bytes: &[u8]) -> Result<Inventory> {
    let encoding_error = |message| Error::Encoding {
        path: source.to_string(),
        message,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(encoding_error(
            "the file is empty: expected a header row and one row per process".into(),
        ));
    }
    let (text, encoding) = decode(bytes).map_err(encoding_error)?;
    let mut problems = Problems::new(source);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(csv_problem(&mut problems, e)),
        None => return Err(encoding_error("the file has no header row".into())),
    };
    let header_cells: Vec<&str> = header.iter().collect();
    let header_line = lines.line_at(header.position().map_or(0, |p| p.byte()));
    let columns = ColumnMap::from_header(&header_cells, header_line, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Inventory(problems));
    }
    let mut inventory = Inventory {
        source: source.to_string(),
        encoding,
        processes: Vec::new(),
        skipped_empty: Vec::new(),
        warnings: Vec::new(),
    };
    if !columns.ignored.is_empty() {
        let names = columns.ignored.join(", ");
        inventory
            .warnings
            .push(format!("{source}: columns not used: {names}"));
    }
    let mut data_row = 0usize;
    for result in records {
        let rec = match result {
            Ok(rec) => rec,
            Err(e) => {
                problems.push(csv_problem_of(&e));
                if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    continue;
                }
                break;
            }
        };
        let line = lines.line_at(rec.position().map_or(0, |p| p.byte()));
        if rec.iter().all(|cell| cell.trim().is_empty()) {
            inventory.skipped_empty.push(line);
            continue;
        }
        data_row += 1;
        if rec.len() != header.len() {
            let message = ragged_message(&rec, header.len());
            problems.push(Problem::at_line(line, message));
            continue;
        }
        if let Some(process) = record::parse(&rec, line, data_row, &columns, &mut problems) {
            inventory.processes.push(process);
        }
    }
    check_unique_ids(&inventory.processes, &columns, &mut problems);
    if inventory.processes.is_empty() && problems.is_empty() {
        problems.push(Problem::at_line(
            header_line,
            "the file has a header but no processes",
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Inventory(problems));
    }
    if !inventory.skipped_empty.is_empty() {
        let n = inventory.skipped_empty.len();
        inventory.warnings.push(format!(
            "{source}: skipped {n} empty record(s), first at line {}",
            inventory.skipped_empty[0]
        ));
    }
    Ok(inventory)
}

/// Line numbers from byte offsets, counted in the decoded text.
///
/// The csv crate's own line numbers count a CRLF line ending as no line and skip blank lines
/// without counting them, so Excel's CRLF exports would be misreported; counting `\n` up to
/// each record's first byte gives the line an editor shows. Records arrive in order, so the
/// count resumes where it stopped and the whole file is scanned once.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            byte: 0,
            line: 1,
        }
    }

    /// The 1-based line holding byte `at`; `at` must not go backwards between calls.
    fn line_at(&mut self, at: u64) -> u64 {
        let mut at = (at as usize).clamp(self.byte, self.text.len());
        // With CRLF endings the crate's offset can point at the `\n` ending the previous line;
        // no record starts with a line ending, so step over any to reach the record itself.
        while at < self.text.len() && matches!(self.text[at], b'\r' | b'\n') {
            at += 1;
        }
        self.line += self.text[self.byte..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.byte = at;
        self.line
    }
}

/// Why a record has the wrong number of fields, with the likely cause when there is one.
fn ragged_message(rec: &csv::StringRecord, expected: usize) -> String {
    let mut message = format!(
        "the record has {} fields but the header has {expected}",
        rec.len()
    );
    if rec.iter().any(|cell| cell.contains('\n')) {
        message.push_str(" (a quoted field runs over several lines: is a quote left open?)");
    } else if rec.len() > expected {
        message.push_str(" (a number with an unquoted thousands separator, such as 64,562?)");
    }
    message
}

/// Tab when the header line has tabs and no commas (UTF-16 "Unicode text" exports), else comma.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    }
}

fn check_unique_ids(processes: &[Process], columns: &ColumnMap, problems: &mut Problems) {
    let Some(index) = columns.index(Field::Id) else {
        return;
    };
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(processes.len());
    for p in processes {
        if let Some(first) = seen.insert(p.id.as_str(), p.line) {
            let message = format!("id \"{}\" is used again (first at line {first})", p.id);
            problems.push(Problem::at_cell(
                p.line,
                index,
                columns.header(index),
                message,
            ));
            seen.insert(p.id.as_str(), first);
        }
    }
}

fn csv_problem_of(e: &csv::Error) -> Problem {
    let line = e.position().map_or(0, |p| p.line());
    Problem::at_line(line, format!("unreadable record: {e}"))
}

fn csv_problem(problems: &mut Problems, e: csv::Error) -> Error {
    problems.push(csv_problem_of(&e));
    Error::Inventory(problems.clone())
}
