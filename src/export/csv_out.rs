//! One CSV row per listed process, in rank order: the listing a spreadsheet user filters.
//!
//! Rows are formatted in parallel, in fixed-size chunks, and written in order; the chunking
//! does not depend on the thread count, so the bytes do not either. Only a window of chunks is
//! held in memory at a time.

use super::excel_csv::Dialect;
use crate::analysis::{Analysis, Listing, ProcessOutcome, ProjectName, Ranked, Release};
use crate::classify::Basis;
use crate::error::{Error, Result};
use crate::model::{Process, WorkClass};
use crate::summary::Summary;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Column names of the CSV output; a joint run (several inventories) puts `inventory` first.
pub const HEADER: [&str; 17] = [
    "id",
    "rank",
    "department",
    "section",
    "task",
    "process",
    "annual_hours",
    "cumulative_share",
    "selected",
    "class",
    "class_rule",
    "reduction_hours",
    "project",
    "priority",
    "reason_codes",
    "reasons",
    "line",
];

/// Rows formatted by one task.
const CHUNK: usize = crate::analysis::CHUNK;
/// Rows formatted before they are written.
const WINDOW: usize = 4 * CHUNK;

/// How the rows are written: with an `inventory` column (a joint run), and in which dialect.
#[derive(Debug, Clone, Copy)]
struct Layout {
    joint: bool,
    dialect: Dialect,
}

/// Writes the listing of an analysis held in memory.
pub fn write(a: &Analysis, out: &mut dyn Write, dialect: Dialect) -> io::Result<()> {
    let layout = Layout {
        joint: !a.inventories.is_empty(),
        dialect,
    };
    let mut out = dialect.writer(out)?;
    write_header(&mut out, layout)?;
    for window in a.processes.chunks(WINDOW) {
        let parts: Vec<Vec<u8>> = (window.par_chunks(CHUNK))
            .map(|rows| format_rows(rows, layout))
            .collect();
        for part in parts {
            out.write_all(&part)?;
        }
    }
    Ok(())
}

/// What streaming a listing gave: the analysis's summary (or its error), and how many
/// characters Shift_JIS could not hold (written as numeric references).
pub struct Streamed {
    pub summary: Result<Summary>,
    pub unmappable: usize,
}

/// Decides and writes `listing`'s processes as they come, a window at a time, so only the
/// inventory's kept records and one window of rows are in memory (the written processes
/// freed or not as `release` says); `listed` is told how many rows each write added. The
/// outer result is the output's, the inner one the analysis's; returns the summary.
pub fn stream(
    ranked: Ranked,
    listing: Listing,
    release: Release,
    out: &mut dyn Write,
    dialect: Dialect,
    listed: &mut dyn FnMut(u64),
) -> io::Result<Streamed> {
    let layout = Layout {
        joint: !ranked.parts.is_empty(),
        dialect,
    };
    let mut out = dialect.writer(out)?;
    write_header(&mut out, layout)?;
    let summary = ranked.stream(
        listing,
        WINDOW,
        release,
        |decided| {
            (
                decided.outcomes.len(),
                format_rows(&decided.outcomes, layout),
            )
        },
        |(n, rows)| {
            out.write_all(&rows).map_err(|source| Error::Output {
                path: String::new(),
                source,
            })?;
            listed(n as u64);
            Ok(())
        },
    );
    match summary {
        Err(Error::Output { source, .. }) => Err(source),
        summary => Ok(Streamed {
            summary,
            unmappable: out.unmappable(),
        }),
    }
}

fn write_header(out: &mut dyn Write, layout: Layout) -> io::Result<()> {
    let mut header = csv::Writer::from_writer(Vec::new());
    let inventory = layout.joint.then_some("inventory");
    header.write_record(inventory.into_iter().chain(HEADER))?;
    out.write_all(&header.into_inner().map_err(|e| e.into_error())?)
}

fn format_rows(rows: &[ProcessOutcome], layout: Layout) -> Vec<u8> {
    let mut w = RowWriter {
        out: Vec::with_capacity(rows.len() * 400),
        dialect: layout.dialect,
        lasting: Default::default(),
    };
    // Reused for every row: numbers and the texts made of several parts.
    let [mut codes, mut texts] = [String::new(), String::new()];
    let (mut rank, mut line) = (itoa::Buffer::new(), itoa::Buffer::new());
    let [mut hours, mut share, mut reduction] = [(); 3].map(|_| Decimal::default());
    for o in rows {
        let p = &o.input;
        codes.clear();
        texts.clear();
        for (i, r) in o.reasons.iter().enumerate() {
            let sep = if i > 0 { [";", " "] } else { ["", ""] };
            codes.push_str(sep[0]);
            codes.push_str(r.code().key());
            texts.push_str(sep[1]);
            let _ = r.write_to(&mut texts);
        }
        if layout.joint {
            w.text(p.inventory.as_deref().unwrap_or(""));
        }
        // The inventory's texts almost never need quotes, which was found as they were read.
        let clean = p.texts.plain();
        w.text_of(p.id(), clean);
        w.plain(rank.format(o.rank));
        for text in [p.department(), p.section(), p.task(), p.process()] {
            w.text_of(text, clean);
        }
        w.plain(hours.format(p.annual_hours));
        w.plain(share.format(o.cumulative_share));
        w.plain(if o.selected { "true" } else { "false" });
        w.plain(o.class.map_or("", WorkClass::key));
        w.lasting(o.class_rule.as_ref().map_or("", Basis::text));
        w.plain(o.reduction_hours.map_or("", |h| reduction.format(h)));
        match &o.project {
            Some(ProjectName::Own) => w.own_project(p, clean),
            Some(ProjectName::Named(name)) => w.text(name),
            None => w.text(""),
        }
        w.plain(o.priority.key());
        w.plain(&codes);
        w.text(&texts);
        w.plain(line.format(p.line));
        w.end_row();
    }
    w.out
}

/// CSV rows written straight into a buffer, quoted as the csv crate quotes them: a cell
/// holding a comma, a quote, a carriage return or a line feed is put in quotes, with its
/// quotes doubled; every other cell is written as it is. Each cell is followed by
/// a comma, and the row's last comma becomes its line feed.
struct RowWriter {
    out: Vec<u8>,
    dialect: Dialect,
    /// Cells of texts made once for the whole run (the classifier's credits), as written, by
    /// where their text lies: a listing has a few dozen, each looked at once here instead of
    /// on every row.
    lasting: foldhash::HashMap<(usize, usize), Vec<u8>>,
}

impl RowWriter {
    /// A text cell from the inventory or the analysis, which may need quotes, and which the
    /// dialect may neutralise (see [`Dialect::cell`]).
    #[inline]
    fn text(&mut self, cell: &str) {
        self.text_of(cell, false);
    }

    /// [`RowWriter::text`] for a cell already known to hold none of the bytes that need
    /// quotes when `clean` (the dialect's neutralising adds none).
    #[inline]
    fn text_of(&mut self, cell: &str, clean: bool) {
        match self.dialect {
            Dialect::Plain => self.put(cell.as_bytes(), clean),
            dialect => self.put(dialect.cell(cell).as_bytes(), clean),
        }
    }

    /// A cell's bytes as they are written, quoted if they need it (unless `clean`).
    #[inline(always)]
    fn put(&mut self, bytes: &[u8], clean: bool) {
        if !clean && needs_quotes(bytes) {
            self.quoted(bytes);
        } else {
            self.out.extend_from_slice(bytes);
        }
        self.out.push(b',');
    }

    /// [`RowWriter::text`] of a text that lives as long as the program, written as it was the
    /// first time.
    fn lasting(&mut self, cell: &'static str) {
        let key = (cell.as_ptr() as usize, cell.len());
        let dialect = self.dialect;
        let written = self.lasting.entry(key).or_insert_with(|| {
            let mut w = RowWriter {
                out: Vec::new(),
                dialect,
                lasting: Default::default(),
            };
            w.text(cell);
            w.out
        });
        self.out.extend_from_slice(written);
    }

    /// A process's own project's name, `id process` (see [`ProjectName::Own`]), written from
    /// its texts; `clean` as for [`RowWriter::text_of`], for both.
    fn own_project(&mut self, p: &Process, clean: bool) {
        match (self.dialect, clean) {
            (Dialect::Plain, true) => {
                self.out.extend_from_slice(p.id().as_bytes());
                self.out.push(b' ');
                self.out.extend_from_slice(p.process().as_bytes());
                self.out.push(b',');
            }
            _ => self.text(&crate::projects::own_name(p)),
        }
    }

    /// A cell made by `triage` that holds none of the bytes that need quotes: a number, a
    /// key, or a list of keys.
    #[inline]
    fn plain(&mut self, cell: &str) {
        debug_assert!(!needs_quotes(cell.as_bytes()), "{cell}");
        self.out.extend_from_slice(cell.as_bytes());
        self.out.push(b',');
    }

    /// A cell in quotes, its own quotes doubled: the runs between quotes are copied whole.
    fn quoted(&mut self, cell: &[u8]) {
        let out = &mut self.out;
        out.push(b'"');
        let mut from = 0;
        for at in memchr::memchr_iter(b'"', cell) {
            out.extend_from_slice(&cell[from..=at]);
            out.push(b'"');
            from = at + 1;
        }
        out.extend_from_slice(&cell[from..]);
        out.push(b'"');
    }

    fn end_row(&mut self) {
        if let Some(last) = self.out.last_mut() {
            *last = b'\n';
        }
    }
}

/// A cell with a comma, a quote, a carriage return or a line feed must be quoted (the rule
/// [`crate::model::csv_plain`] gives, which the reader also applies to a process's texts).
#[inline]
fn needs_quotes(cell: &[u8]) -> bool {
    !crate::model::csv_plain(cell)
}

/// Writes an `f64` as `{}` does: the shortest digits that read back to the same value, never
/// with an exponent, the closer of two equally short ones, and of two equally close ones the
/// one rounded half up.
///
/// zmij finds the digits several times faster than the standard formatter, but it rounds half
/// to even, adds `.0` to whole numbers, and uses an exponent outside 1e-5..1e16. Two candidates
/// can be equally close only when the value's exact decimal expansion is one digit longer than
/// they are, so at most 18 digits: such a value has at most 22 binary digits after the point
/// (4 more than 18 when it is as small as 1e-5). Those values, whole numbers among them, are
/// left to the exact paths; the hours and shares of a listing almost never are.
#[derive(Default)]
struct Decimal {
    fast: zmij::Buffer,
    whole: itoa::Buffer,
    slow: String,
}

impl Decimal {
    /// 2^53: below it every whole number is a double, written in full.
    const WHOLE: f64 = 9_007_199_254_740_992.0;
    /// 2^63: below it (in magnitude) a double converts to an `i64` exactly when it is whole.
    const I64: f64 = 9_223_372_036_854_775_808.0;

    fn format(&mut self, value: f64) -> &str {
        // Whole numbers are found by a round trip through an integer, which is one instruction
        // where `fract` is a call.
        let whole = |v: f64| v == (v as i64) as f64;
        if value.is_sign_positive() && value < Self::WHOLE && whole(value) {
            return self.whole.format(value as u64);
        }
        // At most 22 bits after the point; beyond 2^63 every double is whole.
        let scaled = value * 4_194_304.0;
        let short = scaled.abs() >= Self::I64 || whole(scaled);
        if value.is_finite() && !short {
            let text = self.fast.format_finite(value);
            // Well inside the range zmij writes without an exponent, none is looked for.
            if (1e-4..1e15).contains(&value.abs()) || !text.as_bytes().contains(&b'e') {
                return text;
            }
        }
        self.slow.clear();
        let _ = write!(self.slow, "{value}");
        &self.slow
    }
}

#[cfg(test)]
mod tests {
    use super::{Decimal, Dialect, RowWriter};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn rows_are_quoted_as_the_csv_crate_quotes_them(
            rows in prop::collection::vec(
                prop::collection::vec("[a,\"\r\n 課'=-]{0,6}", 2..5), 1..4),
        ) {
            let mut w = RowWriter { out: Vec::new(), dialect: Dialect::Plain, lasting: Default::default() };
            let mut reference = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for row in &rows {
                // As for a process's texts: one look at the row's cells together.
                let clean = !super::needs_quotes(row.concat().as_bytes());
                row.iter().for_each(|cell| w.text_of(cell, clean));
                w.end_row();
                reference.write_record(row).unwrap();
            }
            let reference = reference.into_inner().unwrap();
            prop_assert_eq!(String::from_utf8(w.out).unwrap(), String::from_utf8(reference).unwrap());
        }
    }

    #[test]
    fn lasting_texts_are_written_as_other_texts_every_time() {
        let cells: [&'static str; 4] = ["a", "data-entry: \"入力\" in process", "=1,2", ""];
        let excel = Dialect::Excel(super::super::excel_csv::ExcelEncoding::Utf8Bom);
        for dialect in [Dialect::Plain, excel] {
            let new = || RowWriter {
                out: Vec::new(),
                dialect,
                lasting: Default::default(),
            };
            let (mut lasting, mut each) = (new(), new());
            for cell in cells.iter().chain(&cells) {
                lasting.lasting(cell);
                each.text(cell);
            }
            assert_eq!(lasting.out, each.out, "{dialect:?}");
        }
    }

    #[test]
    fn decimals_are_written_as_the_standard_formatter_writes_them() {
        let mut d = Decimal::default();
        for v in [
            0.0,
            -0.0,
            1.0,
            243.6,
            20270606.0,
            11268749.2,
            0.004047751559381,
            1e-5,
            9.9e-6,
            1e-7,
            1e15,
            1e16,
            1.5e16,
            123456789012345680.0,
            0.1,
            1.0 / 3.0,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            -1234.5,
            -3.0,
            2e15 + 0.5,
            // Ties, where zmij rounds half to even and `{}` half up.
            f64::from_bits(4822661462080171860),
            6_632_827_120_354_249.0 / 4.0,
            999_999_999.0 + 1.0 / 256.0,
        ] {
            assert_eq!(d.format(v), format!("{v}"), "{v:e}");
        }
    }

    proptest! {
        #[test]
        fn any_double_is_written_as_the_standard_formatter_writes_it(bits: u64) {
            let v = f64::from_bits(bits);
            let mut d = Decimal::default();
            prop_assert_eq!(d.format(v), format!("{v}"));
        }

        #[test]
        fn doubles_zmij_writes_in_full_are_written_as_the_standard_formatter_writes_them(
            mantissa: u64, exponent in -17i64..54,
        ) {
            let bits = (((exponent + 1023) as u64) << 52) | (mantissa >> 12);
            let v = f64::from_bits(bits);
            let mut d = Decimal::default();
            prop_assert_eq!(d.format(v), format!("{v}"));
        }

        #[test]
        fn doubles_with_few_binary_digits_are_written_as_the_standard_formatter_writes_them(
            n in 0u64..(1 << 53), shift in 0u32..40,
        ) {
            let v = n as f64 / (1u64 << shift) as f64;
            let mut d = Decimal::default();
            prop_assert_eq!(d.format(v), format!("{v}"));
        }

        #[test]
        fn hours_and_shares_are_written_as_the_standard_formatter_writes_them(
            tenths in 0u64..10_000_000_000, total in 1u64..1_000_000_000_000,
        ) {
            let hours = tenths as f64 / 10.0;
            let share = hours / total as f64;
            let mut d = Decimal::default();
            prop_assert_eq!(d.format(hours), format!("{hours}"));
            prop_assert_eq!(d.format(share), format!("{share}"));
        }
    }
}
