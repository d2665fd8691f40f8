//! One inventory record to one [`Process`], every cell validated and every problem reported.
//!
//! Every cell of every row is checked, listed or not, so a file is accepted or refused the same
//! way whatever is listed; the strings of a [`Process`] are only allocated for rows that are
//! kept, which at national scale is a few per cent of them.

use super::columns::{ColumnMap, Field};
use crate::error::{Problem, Problems};
use crate::model::{Blocker, Process, Reduction, Status, Texts, WorkClass};
use crate::number::{NumberError, Reading, Unit, parse_plain, read_quantity};

/// Largest annual hours accepted for one process: about 114,000 staff-years, far beyond any
/// real process, and small enough that every yen amount derived from it fits in an `i64`.
pub const MAX_HOURS: f64 = 1e9;

/// A cell without the whitespace around it: ASCII, the full-width and no-break spaces that
/// Japanese sheets carry, and the invisible U+FEFF (a byte order mark left inside a file by
/// joining two exports, which the CSV parsers drop only at the start of their input).
#[inline]
pub fn trim_cell(bytes: &[u8]) -> &[u8] {
    // Most cells have nothing to trim: neither end is ASCII space nor can start or end a wide
    // space; one look at a table for each end settles them.
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last))
            if (EDGES[first as usize] & STARTS) | (EDGES[last as usize] & ENDS) == 0 =>
        {
            bytes
        }
        _ => trim_spaces(bytes),
    }
}

/// Whether a cell holds more than whitespace, as `!trim_cell(bytes).is_empty()` says: settled
/// by the first byte alone for most cells, whose first byte cannot start a space.
#[inline]
pub fn has_content(bytes: &[u8]) -> bool {
    match bytes.first() {
        Some(&first) if EDGES[first as usize] & STARTS == 0 => true,
        _ => !trim_cell(bytes).is_empty(),
    }
}

/// [`EDGES`]: the byte may start a space.
const STARTS: u8 = 1;
/// [`EDGES`]: the byte may end a space.
const ENDS: u8 = 2;

/// For each byte, whether a space may start ([`STARTS`]) or end ([`ENDS`]) with it: ASCII
/// whitespace both; U+3000 is E3 80 80, U+00A0 is C2 A0, U+FEFF is EF BB BF.
const EDGES: [u8; 256] = {
    let mut edges = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_whitespace() {
            edges[b] = STARTS | ENDS;
        }
        if matches!(c, 0xE3 | 0xC2 | 0xEF) {
            edges[b] |= STARTS;
        }
        if matches!(c, 0x80 | 0xA0 | 0xBF) {
            edges[b] |= ENDS;
        }
        b += 1;
    }
    edges
};

/// The wide spaces a cell may start or end with.
const WIDE: [&[u8]; 3] = [
    "\u{3000}".as_bytes(),
    "\u{a0}".as_bytes(),
    "\u{feff}".as_bytes(),
];

/// [`trim_cell`] for a cell that may start or end with a space. Most cells sent here only
/// start or end with a byte a wide space also starts or ends with (most kana start with E3),
/// and a look at both ends settles them.
#[cold]
fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let starts = bytes.first().is_some_and(u8::is_ascii_whitespace)
        || WIDE.iter().any(|w| bytes.starts_with(w));
    let ends = bytes.last().is_some_and(u8::is_ascii_whitespace)
        || WIDE.iter().any(|w| bytes.ends_with(w));
    match starts || ends {
        true => trim_all(bytes),
        false => bytes,
    }
}

/// Takes ASCII and wide spaces off both ends, over and over until none is left.
fn trim_all(bytes: &[u8]) -> &[u8] {
    let mut b = bytes.trim_ascii();
    loop {
        let before = b.len();
        for w in WIDE {
            b = b.strip_prefix(w).unwrap_or(b);
            b = b.strip_suffix(w).unwrap_or(b);
        }
        b = b.trim_ascii();
        if b.len() == before {
            return b;
        }
    }
}

/// Spellings of "qualitative only" in the reduction column.
const QUALITATIVE: [&str; 5] = ["-", "－", "ー", "―", "‐"];

/// A parsed record's fields, as unescaped bytes, from either parser.
pub trait Fields {
    fn len(&self) -> usize;
    fn get(&self, index: usize) -> Option<&[u8]>;
    /// The text of `cell`, a slice of one of the fields, when the record can give it without
    /// validating it again (its bytes were validated as UTF-8 where they were read); `None`
    /// leaves the cell to be validated by itself.
    fn text_of(&self, _cell: &[u8]) -> Option<&str> {
        None
    }
    /// Whether the record had no quote: its cells are then its raw fields, which hold no
    /// delimiter and no line ending.
    fn unquoted(&self) -> bool {
        false
    }
}

impl Fields for csv::ByteRecord {
    fn len(&self) -> usize {
        csv::ByteRecord::len(self)
    }
    fn get(&self, index: usize) -> Option<&[u8]> {
        csv::ByteRecord::get(self, index)
    }
}

impl Fields for simd_csv::ByteRecord {
    fn len(&self) -> usize {
        simd_csv::ByteRecord::len(self)
    }
    fn get(&self, index: usize) -> Option<&[u8]> {
        simd_csv::ByteRecord::get(self, index)
    }
}

/// Where `cell` starts within `whole`, when it is a slice of it.
fn offset_in(whole: &[u8], cell: &[u8]) -> Option<usize> {
    let within = (cell.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (within + cell.len() <= whole.len()).then_some(within)
}

/// A zero-copy record with no quote character in it, whose raw fields are therefore its
/// values, in the block it was read from (validated as UTF-8) at offset `start`.
pub struct Unquoted<'r, 'a> {
    pub record: &'r simd_csv::ZeroCopyByteRecord<'a>,
    pub block: &'r str,
    pub start: usize,
}

impl Fields for Unquoted<'_, '_> {
    fn len(&self) -> usize {
        self.record.len()
    }
    fn get(&self, index: usize) -> Option<&[u8]> {
        self.record.get(index)
    }
    fn text_of(&self, cell: &[u8]) -> Option<&str> {
        let at = self.start + offset_in(self.record.as_slice(), cell)?;
        self.block.get(at..at + cell.len())
    }
    fn unquoted(&self) -> bool {
        true
    }
}

/// A zero-copy record with no quote character in it, read from pieces of a file that were
/// each validated as UTF-8 (see `super::ranges`): the record is valid UTF-8 too, which one
/// pass over it confirms when a long cell's text is first asked for.
pub struct Buffered<'r, 'a> {
    pub record: &'r simd_csv::ZeroCopyByteRecord<'a>,
    text: std::cell::OnceCell<Option<&'r str>>,
}

impl<'r, 'a> Buffered<'r, 'a> {
    pub fn new(record: &'r simd_csv::ZeroCopyByteRecord<'a>) -> Self {
        Buffered {
            record,
            text: std::cell::OnceCell::new(),
        }
    }
}

/// ASCII cells up to this many bytes are validated by themselves: numbers, ids and keywords,
/// which may be read on every row; the others (names, read for kept rows) through their whole
/// record, once.
const SHORT_CELL: usize = 16;

impl<'r> Fields for Buffered<'r, '_> {
    fn len(&self) -> usize {
        self.record.len()
    }
    fn get(&self, index: usize) -> Option<&[u8]> {
        self.record.get(index)
    }
    fn text_of(&self, cell: &[u8]) -> Option<&str> {
        if cell.len() <= SHORT_CELL && cell.is_ascii() {
            return None;
        }
        let record: &'r simd_csv::ZeroCopyByteRecord = self.record;
        let whole = record.as_slice();
        let text = self
            .text
            .get_or_init(|| simdutf8::basic::from_utf8(whole).ok())
            .as_ref()?;
        let at = offset_in(whole, cell)?;
        text.get(at..at + cell.len())
    }
    fn unquoted(&self) -> bool {
        true
    }
}

/// True when every cell is empty after trimming whitespace, full-width spaces included; stops
/// at the first cell with content, which for a real row is the first one.
pub fn is_blank(rec: &impl Fields) -> bool {
    (0..rec.len()).all(|i| rec.get(i).is_none_or(|cell| trim_cell(cell).is_empty()))
}

/// The cells of one record, with what is needed to report a problem in any of them.
struct Cells<'a, 'p, F: Fields> {
    rec: &'a F,
    line: u64,
    columns: &'p ColumnMap,
    problems: &'p mut Problems,
    /// Values read with a warning (estimates such as `約1,000`).
    notes: &'p mut Problems,
    ok: bool,
}

impl<'a, F: Fields> Cells<'a, '_, F> {
    /// The trimmed bytes of a field, or empty when the file has no such column.
    #[inline(always)]
    fn bytes(&self, field: Field) -> &'a [u8] {
        self.columns
            .index(field)
            .and_then(|i| self.rec.get(i))
            .map_or(&[], trim_cell)
    }

    /// The bytes of a field as they are, or empty when the file has no such column.
    #[inline(always)]
    fn raw(&self, field: Field) -> &'a [u8] {
        self.columns
            .index(field)
            .and_then(|i| self.rec.get(i))
            .unwrap_or(&[])
    }

    /// The trimmed text of a field. Blocks are validated as UTF-8 before they are parsed and
    /// fields end on ASCII bytes, so a field is always valid UTF-8 (an invalid one reads empty).
    fn text(&self, field: Field) -> &'a str {
        self.text_of(self.bytes(field))
    }

    /// The text of a cell: given by the record when it can (see [`Fields::text_of`]),
    /// otherwise the cell validated by itself (an invalid one reads empty).
    fn text_of(&self, cell: &'a [u8]) -> &'a str {
        if cell.is_empty() {
            return ""; // also a column the file does not have
        }
        (self.rec.text_of(cell)).unwrap_or_else(|| std::str::from_utf8(cell).unwrap_or_default())
    }

    /// A problem or note at this record's cell of `field`.
    fn at(&self, field: Field, message: String) -> Problem {
        let index = self.columns.index(field).unwrap_or(0);
        Problem::at_cell(self.line, index, self.columns.header(index), message)
    }

    fn fail(&mut self, field: Field, message: String) {
        self.problems.push(self.at(field, message));
        self.ok = false;
    }

    /// Reads a quantity cell, noting an estimate (`約1,000`), which is taken as given.
    fn quantity(&mut self, field: Field, unit: Unit) -> Result<f64, NumberError> {
        let text = self.text(field);
        let Reading { value, approximate } = read_quantity(text, unit)?;
        if approximate {
            let message = format!("\"{text}\" is an estimate, read as {value}");
            self.notes.push(self.at(field, message));
        }
        Ok(value)
    }

    /// A required text cell, as bytes: most rows are only checked and counted, not kept.
    #[inline]
    fn required(&mut self, field: Field) -> &'a [u8] {
        let bytes = self.bytes(field);
        if bytes.is_empty() {
            self.missing(field);
        }
        bytes
    }

    /// [`Cells::required`] as it stands in the record, not trimmed: most rows' names are only
    /// checked, which their first byte usually settles (see [`has_content`]).
    #[inline]
    fn present(&mut self, field: Field) -> &'a [u8] {
        let bytes = self.raw(field);
        if !has_content(bytes) {
            self.missing(field);
        }
        bytes
    }

    /// A required cell is empty.
    #[cold]
    fn missing(&mut self, field: Field) {
        let message = match field {
            // Survey sheets merge the cells of a department or task over its processes;
            // exported, only the first row keeps the name.
            Field::Department | Field::Task => {
                "is empty; every process needs one (merged cells in the sheet? \
                 unmerge them and fill the name into every row)"
            }
            _ => "is empty; every process needs one",
        };
        self.fail(field, message.into());
    }

    /// An optional closed-vocabulary cell parsed by `parse`.
    fn choice<T>(
        &mut self,
        field: Field,
        parse: fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        if self.bytes(field).is_empty() {
            return None;
        }
        let text = self.text(field);
        let value = parse(text);
        if value.is_none() {
            self.fail(field, format!("\"{text}\" is not one of: {expected}"));
        }
        value
    }
}

/// Where [`parse`] reports, row after row, and the buffer it reuses.
pub struct Sink<'a> {
    pub problems: &'a mut Problems,
    /// Values read with a warning (estimates such as `約1,000`).
    pub notes: &'a mut Problems,
    /// Where a kept row's texts are joined (see [`Texts::from_cells`]).
    pub scratch: &'a mut Vec<u8>,
}

/// A valid record: its hours and the names counted for the survey totals, and the process
/// itself when the caller keeps it.
pub struct Row<'r> {
    pub hours: f64,
    /// The id cell, trimmed; empty when the file has no id column.
    pub id: &'r [u8],
    /// The department and task cells as they stand, not trimmed (see [`trim_cell`]): most
    /// runs count no names.
    pub department: &'r [u8],
    pub task: &'r [u8],
    pub process: Option<Box<Process>>,
}

/// Parses one non-empty record with the right number of fields; `None` if any cell is bad.
/// `keep(hours, id)` says whether to build the [`Process`]; without an id column the id is
/// left empty for the caller to fill with the row number. `comma`: the record was split on
/// commas.
pub fn parse<'r, F: Fields>(
    rec: &'r F,
    line: u64,
    columns: &ColumnMap,
    comma: bool,
    keep: &dyn Fn(f64, &[u8]) -> bool,
    sink: Sink<'_>,
) -> Option<Row<'r>> {
    let Sink {
        problems,
        notes,
        scratch,
    } = sink;
    let mut cells = Cells {
        rec,
        line,
        columns,
        problems,
        notes,
        ok: true,
    };
    let id = match columns.index(Field::Id) {
        Some(_) => cells.required(Field::Id),
        None => &[],
    };
    let department = cells.present(Field::Department);
    let task = cells.present(Field::Task);
    cells.present(Field::Process);
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
    let process = keep(annual_hours, id).then(|| {
        let plain = comma && rec.unquoted();
        let bytes = [
            id,
            cells.bytes(Field::Bureau),
            cells.bytes(Field::Division),
            trim_cell(department),
            cells.bytes(Field::Section),
            cells.bytes(Field::Affair),
            trim_cell(task),
            cells.bytes(Field::Process),
            cells.bytes(Field::Description),
        ];
        // Checked as UTF-8 together; a cell that is not reads empty, as it does alone.
        let texts = Texts::from_cells(bytes, plain, scratch).unwrap_or_else(|| {
            let texts = match plain {
                true => Texts::unquoted,
                false => Texts::new,
            };
            texts(bytes.map(|b| cells.text_of(b)))
        });
        Box::new(Process {
            texts,
            line,
            row: 0,
            annual_hours,
            annual_count,
            class,
            reduction,
            status,
            feasible,
            blocker,
            inventory: None,
        })
    });
    Some(Row {
        hours: annual_hours,
        id,
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

fn hours<F: Fields>(cells: &mut Cells<'_, '_, F>) -> Option<f64> {
    if let Some(h) = parse_plain(cells.bytes(Field::AnnualHours)).filter(|&h| h <= MAX_HOURS) {
        return Some(h); // the common case, read without decoding text
    }
    let text = cells.text(Field::AnnualHours);
    match cells.quantity(Field::AnnualHours, Unit::Hours) {
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

fn count<F: Fields>(cells: &mut Cells<'_, '_, F>) -> Option<f64> {
    if let Some(n) = parse_plain(cells.bytes(Field::AnnualCount)) {
        return Some(n); // the common case, read without decoding text
    }
    let text = cells.text(Field::AnnualCount);
    if text.is_empty() {
        return None;
    }
    match cells.quantity(Field::AnnualCount, Unit::Count) {
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

fn reduction<F: Fields>(cells: &mut Cells<'_, '_, F>, annual_hours: Option<f64>) -> Reduction {
    let text = cells.text(Field::Reduction);
    if text.is_empty() {
        return Reduction::Estimate;
    }
    if QUALITATIVE.contains(&text) {
        return Reduction::QualitativeOnly;
    }
    match cells.quantity(Field::Reduction, Unit::Hours) {
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

#[cfg(test)]
mod tests {
    use super::{has_content, trim_all, trim_cell};

    #[test]
    fn trims_ascii_and_wide_spaces() {
        for (cell, trimmed) in [
            ("市民税課", "市民税課"),
            ("  a ", "a"),
            ("\u{3000}市民税課\u{3000}", "市民税課"),
            ("\u{a0} x\u{3000} ", "x"),
            ("\u{3000}", ""),
            ("", ""),
            ("〇", "〇"),
            ("\u{feff}1", "1"),
            ("\u{feff}", ""),
        ] {
            assert_eq!(trim_cell(cell.as_bytes()), trimmed.as_bytes(), "{cell:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_cell_has_content_when_trimming_leaves_some(cell in "[ \t\u{3000}\u{a0}\u{feff}a〇市アｿĀà\u{80}]{0,6}") {
            proptest::prop_assert_eq!(has_content(cell.as_bytes()), !trim_cell(cell.as_bytes()).is_empty());
        }

        #[test]
        fn cells_are_trimmed_as_the_full_trim_trims_them(cell in "[ \t\u{3000}\u{a0}\u{feff}a〇市アｿĀà\u{80}]{0,6}") {
            proptest::prop_assert_eq!(trim_cell(cell.as_bytes()), trim_all(cell.as_bytes()));
        }
    }
}
