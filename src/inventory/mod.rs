//! Reading an inventory: bytes in any supported encoding to validated [`Process`] records.
//!
//! The whole file is checked before anything is computed: every bad cell is reported with its
//! line, column and value, and a file with problems yields no result at all. Records that are
//! entirely empty (a common leftover of Excel exports) are skipped and counted, never dropped
//! silently.

mod columns;
mod distinct;
mod encoding;
mod ids;
mod joint;
mod ranges;
mod record;
mod scan;
mod spill;
mod split;
mod workbook;

pub use columns::{ColumnMap, Field};
use distinct::Distinct;
pub use encoding::{TextEncoding, decode};
pub use joint::{Part, names, read_paths};
pub use spill::{RankOrder, Spilled};

use crate::error::{Error, Problem, Problems, Result};
use crate::model::Process;
use crate::provenance::{Fingerprint, Hashing, sha256_hex};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The UTF-8 byte order mark: Excel's "CSV UTF-8" starts with it, and two such exports joined
/// hold one in the middle.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes read and parsed as one unit of parallel work.
pub const BLOCK_SIZE: usize = 4 << 20;

pub use distinct::DISTINCT_CAP;
pub use ids::Repeated;

/// The longest record (one row, quoted line breaks included) an inventory may hold. Real rows
/// are a few hundred bytes; a longer one is almost always a quote left open, and the reading
/// stops there rather than take the rest of the file into memory as one field.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Bytes of kept processes a listing may hold in memory ([`ReadOptions::spill_after`]): about
/// 700,000 processes. Once they pass it, or are on course to by the end of the file, they go
/// to a temporary file; the ranking's 32 bytes a process then stay, so that a hundred million
/// rows fit in 400 MiB.
pub const SPILL_AFTER: usize = 192 << 20;

/// The largest scenario or rule file: thousands of projects fit in a fraction of it.
pub const MAX_TEXT_FILE_BYTES: usize = 1 << 20;

/// A validated inventory and what the reader noticed on the way.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The file name as given (`-` for standard input).
    pub source: String,
    pub encoding: TextEncoding,
    /// The processes kept (all of them unless told otherwise), in input order; empty when
    /// they were spilled. Boxed: they are gathered from every block and taken out in rank
    /// order, and a pointer moves where a record would be copied.
    pub processes: Vec<Box<Process>>,
    /// The processes kept, when there were more than [`ReadOptions::spill_after`] allows in
    /// memory; only a reading that asks for it spills.
    pub spilled: Option<Arc<Spilled>>,
    /// Data rows in the file, kept or not (empty records not counted).
    pub rows: usize,
    /// Hours of all rows, summed exactly.
    pub total_hours: f64,
    /// Distinct departments and (department, task) pairs; `None` beyond [`DISTINCT_CAP`], or
    /// when not counted ([`ReadOptions::names`]).
    pub departments: Option<usize>,
    pub tasks: Option<usize>,
    /// Records with no content at all, skipped.
    pub skipped_empty: usize,
    /// Notes for the user (ignored columns, skipped rows); printed to stderr by the binary.
    pub warnings: Vec<String>,
    /// Size and SHA-256 of the bytes read, when asked for ([`ReadOptions::fingerprint`]).
    pub fingerprint: Option<Fingerprint>,
    /// The inventories read together in a joint run, in the order given; empty for one.
    pub parts: Vec<Part>,
}

/// Which processes to keep in memory as [`Process`] records. The rest are validated and
/// counted (rows, hours, names) but not kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Keep {
    All,
    /// Rows with at least `floor` hours, and rows whose id is in `ids`.
    Listed {
        floor: f64,
        ids: HashSet<String>,
    },
    /// Rows whose id another row has too, found by a first reading; to report each with its
    /// line (see [`ids`]).
    Repeated(Arc<Repeated>),
}

impl Keep {
    #[inline(always)]
    fn keeps(&self, hours: f64, id: &[u8]) -> bool {
        match self {
            Keep::All => true,
            Keep::Listed { floor, ids } => {
                hours >= *floor
                    || (!ids.is_empty() && std::str::from_utf8(id).is_ok_and(|id| ids.contains(id)))
            }
            Keep::Repeated(repeated) => repeated.contains(id),
        }
    }

    /// Whether repeated ids are found among the kept processes, which are every valid row or
    /// all that hold an id found repeated; otherwise by the ids noted over every row (see
    /// [`ids`]).
    fn ids_among_kept(&self) -> bool {
        !matches!(self, Keep::Listed { .. })
    }
}

/// How to read an inventory.
pub struct ReadOptions<'a> {
    pub keep: Keep,
    pub block_size: usize,
    /// Called with the number of bytes read, as they are read.
    pub progress: &'a (dyn Fn(u64) + Sync),
    /// Hash the bytes as they are read (about 0.5 s a gigabyte, on the reading thread).
    pub fingerprint: bool,
    /// Count the distinct departments and tasks ([`Inventory::departments`]); a reader whose
    /// output shows no count can skip the work (about 6 % of the time at 10M rows).
    pub names: bool,
    /// The sheet to read from a workbook (default: the first with an inventory header);
    /// CSV files have none.
    pub sheet: Option<String>,
    /// Let kept processes go to a temporary file ([`Inventory::spilled`]) once they take more
    /// than this many bytes, or are on course to by the end of the file; for a reader that
    /// takes them in rank order, as a streamed listing does. Only a single CSV inventory spills.
    pub spill_after: Option<usize>,
}

impl ReadOptions<'_> {
    /// These options for a second reading that keeps what `keep` says, quietly: no progress,
    /// no fingerprint, no count of names (the first reading's stand), no spill (it keeps a
    /// few rows).
    fn again(&self, keep: Keep) -> ReadOptions<'_> {
        ReadOptions {
            keep,
            block_size: self.block_size,
            progress: &|_| {},
            fingerprint: false,
            names: false,
            sheet: self.sheet.clone(),
            spill_after: None,
        }
    }
}

impl Default for ReadOptions<'_> {
    fn default() -> Self {
        ReadOptions {
            keep: Keep::All,
            block_size: BLOCK_SIZE,
            progress: &|_| {},
            fingerprint: false,
            names: true,
            sheet: None,
            spill_after: None,
        }
    }
}

/// Reads an inventory from a path, or from standard input when the path is `-`.
pub fn read_path(path: &str, options: &ReadOptions) -> Result<Inventory> {
    let open_error = |source| Error::Open {
        path: path.to_string(),
        source,
    };
    if path == "-" {
        return reread(
            read_from(path, &mut std::io::stdin(), None, options, None),
            None,
        );
    }
    let read = |options: &ReadOptions| {
        let mut file = std::fs::File::open(path).map_err(open_error)?;
        let size = file.metadata().ok().map(|m| m.len());
        // A second handle on the file, to read its data by position (see [`ranges`]).
        let by_position = file.try_clone().ok();
        read_from(path, &mut file, size, options, by_position.as_ref())
    };
    reread(read(options), Some(&|keep| read(&options.again(keep))))
}

/// Reads an inventory from its raw bytes; `source` names it in messages.
pub fn read_bytes(source: &str, bytes: &[u8], options: &ReadOptions) -> Result<Inventory> {
    let read = |options: &ReadOptions| {
        let size = Some(bytes.len() as u64);
        read_from(source, &mut &bytes[..], size, options, None)
    };
    reread(read(options), Some(&|keep| read(&options.again(keep))))
}

/// Reads an inventory from `input`, of `size` bytes when known; `file`, when given, is
/// `input` itself, a file that can also be read by position.
fn read_from(
    source: &str,
    input: &mut (dyn Read + Send),
    size: Option<u64>,
    options: &ReadOptions,
    file: Option<&File>,
) -> Result<Inventory> {
    if !options.fingerprint {
        return read_input(source, input, size, options, file);
    }
    // The hash needs every byte in order, as the stream gives them.
    let mut hashing = Hashing::new(input);
    let mut inventory = read_input(source, &mut hashing, size, options, None)?;
    inventory.fingerprint = Some(hashing.finish());
    Ok(inventory)
}

fn read_input(
    source: &str,
    input: &mut (dyn Read + Send),
    size: Option<u64>,
    options: &ReadOptions,
    file: Option<&File>,
) -> Result<Inventory> {
    let io_error = |e| Error::Open {
        path: source.to_string(),
        source: e,
    };
    let encoding_error = |message| Error::Encoding {
        path: source.to_string(),
        message,
    };
    let block = options.block_size.max(1);
    // Room for the first block and the start of the next: it becomes the reader's first
    // buffer, read without growing. What is read first is only what the header and the
    // encoding need (see [`settled`]): the workers read the rest, a file's from its start.
    let mut head = Vec::with_capacity(block.saturating_add(block / 8));
    let mut want = block.min(HEAD_PIECE);
    let mut eof = false;
    while !eof && !settled(&head, block) {
        if head.len() > MAX_RECORD_BYTES && !holds_header(&head) {
            let mut problems = Problems::new(source);
            let message = format!(
                "the header row is longer than {} MiB: is this an inventory?",
                MAX_RECORD_BYTES >> 20
            );
            problems.push(Problem::at_line(1, message));
            return Err(Error::Inventory(problems));
        }
        eof = read_up_to(&mut head, input, want).map_err(io_error)?;
        want = match head.len() < block {
            true => block.min(head.len() * 2),
            false => head.len() + block,
        };
    }
    (options.progress)(head.len() as u64);
    if eof && head.iter().all(u8::is_ascii_whitespace) {
        return Err(encoding_error(
            "the file is empty: expected a header row and one row per process".into(),
        ));
    }
    if is_workbook(&head) {
        let read = input.read_to_end(&mut head).map_err(io_error)?;
        (options.progress)(read as u64);
        return workbook::read(source, head, options);
    }
    if let Some(rest) = head.strip_prefix(BOM) {
        let head = rest.to_vec();
        let encoding = TextEncoding::Utf8Bom;
        let input = Input {
            stream: input,
            file,
        };
        return read_text_stream(source, head, input, size, encoding, options);
    }
    // The head is read before any worker starts: checked at SIMD speed.
    let utf8 = match simdutf8::compat::from_utf8(&head) {
        Ok(_) => true,
        Err(e) => !eof && e.error_len().is_none(), // only a character cut by the block end
    };
    if utf8 && !head.starts_with(b"\xFF\xFE") && !head.starts_with(b"\xFE\xFF") {
        let encoding = TextEncoding::Utf8;
        let input = Input {
            stream: input,
            file,
        };
        return read_text_stream(source, head, input, size, encoding, options);
    }
    input.read_to_end(&mut head).map_err(io_error)?;
    let (text, encoding) = decode(&head).map_err(encoding_error)?;
    let text = text.as_bytes().to_vec();
    let size = Some(text.len() as u64);
    let input = Input {
        stream: &mut std::io::empty(),
        file: None,
    };
    read_text_stream(source, text, input, size, encoding, options)
}

/// The rest of a text inventory after its head: a stream, and the file it reads when it
/// reads one.
struct Input<'i, 'f> {
    stream: &'i mut (dyn Read + Send),
    /// The file `stream` reads, as it stands: where the stream is, its cursor is.
    file: Option<&'f File>,
}

/// What is read of a file before its encoding is decided, unless it is all ASCII.
const HEAD_PIECE: usize = 64 << 10;

/// True when `head` is enough to go on with: it holds the header row, and it tells the
/// encoding, which takes a byte that is not ASCII (valid UTF-8 or not) before its last three,
/// which may be a character cut short, or, when the file starts with ASCII only, a whole
/// block of `block` bytes: an inventory in Shift_JIS shows it in its first Japanese name,
/// which a Japanese header or first row holds.
fn settled(head: &[u8], block: usize) -> bool {
    let told = !head[..head.len().saturating_sub(3)].is_ascii();
    holds_header(head) && (head.len() >= block || told)
}

/// True when `head` holds the whole header row: a record end after any BOM and whitespace
/// (so a file of whitespace alone is read to its end and found empty, whatever the block size).
fn holds_header(head: &[u8]) -> bool {
    let text = head.strip_prefix(BOM).unwrap_or(head);
    let blank = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let text = &text[blank..];
    let quotes = split::Marks::of(text).quotes;
    split::last_record_end(text, &quotes, b',').is_some_and(|c| c > 0)
}

/// Tells a workbook by its first bytes: a ZIP archive (`.xlsx`, `.xlsm`, `.ods`) or an OLE
/// compound file (`.xls`).
fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

/// Reads until `buf` holds `want` bytes or the input ends; true at the end.
pub(crate) fn read_up_to(
    buf: &mut Vec<u8>,
    input: &mut (dyn Read + Send),
    want: usize,
) -> std::io::Result<bool> {
    while buf.len() < want {
        let n = (&mut *input)
            .take((want - buf.len()) as u64)
            .read_to_end(buf)?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads UTF-8 text: `head` (starting with the header row), then the rest of `input`; `size`
/// is that of the whole, when known.
fn read_text_stream(
    source: &str,
    head: Vec<u8>,
    input: Input,
    size: Option<u64>,
    encoding: TextEncoding,
    options: &ReadOptions,
) -> Result<Inventory> {
    let mut problems = Problems::new(source);
    let delimiter = sniff_delimiter(&head);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(head.as_slice());
    let mut header = csv::StringRecord::new();
    match reader.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            return Err(Error::Encoding {
                path: source.into(),
                message: "the file has no header row".into(),
            });
        }
        Err(e) => {
            problems.push(Problem::at_line(1, format!("unreadable header: {e}")));
            return Err(Error::Inventory(problems));
        }
    }
    let header_end = reader.position().byte() as usize;
    let mut lines = LineCounter::new(&head);
    let header_line = lines.line_at(header.position().map_or(0, |p| p.byte()));
    let header_cells: Vec<&str> = header.iter().collect();
    if header_cells.iter().any(|cell| cell.contains('\0')) {
        problems.push(Problem::at_line(header_line, binary_message()));
        return Err(Error::Inventory(problems));
    }
    let columns = ColumnMap::from_header(&header_cells, header_line, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Inventory(problems));
    }
    let keep = fallback_keep(&options.keep, &columns);
    // The count of names and the spill are each reading's own (see [`scan_records`]).
    let plan = scan::Plan {
        columns: &columns,
        keep: &keep,
        distinct: &Distinct::default(),
        spill: None,
        delimiter,
        first_line: 1 + memchr::memchr_iter(b'\n', &head[..header_end]).count() as u64,
        block_size: options.block_size.max(1),
        progress: options.progress,
    };
    let mut data = head;
    data.drain(..header_end);
    let (scanned, distinct, spill) = scan_records(data, input, size, &plan, options, &mut problems)
        .map_err(|e| Error::Open {
            path: source.to_string(),
            source: e,
        })?;
    let spill_error = |e| Error::Spill { source: e };
    let finished = spill.map(spill::Spill::finish).transpose();
    let (file, keys) = finished.map_err(spill_error)?.unzip();
    let no_ids = columns.index(Field::Id).is_none();
    let mut spilled = match (file.flatten(), scanned.runs) {
        (Some(file), Some(runs)) => Some(runs.finish(file, no_ids)),
        _ => None,
    };
    // The names' last pools are counted while the ids are checked.
    let (checked, (departments, tasks)) = rayon::join(
        || match keep.ids_among_kept() {
            true => check_unique_ids(
                &scanned.processes,
                spilled.as_mut(),
                &columns,
                &mut problems,
            )
            .map(|()| None),
            false => match keys {
                Some(keys) => keys.repeated(scanned.ids, scanned.stopped_in),
                None => Ok(scanned.ids.repeated()),
            }
            .map(|r| Some(r).filter(|r| !r.is_empty())),
        },
        || distinct.counts(),
    );
    let repeated = checked.map_err(spill_error)?;
    if scanned.rows == 0 && problems.is_empty() {
        problems.push(Problem::at_line(
            header_line,
            "the file has a header but no processes",
        ));
    }
    let recheck = |first| match repeated {
        Some(repeated) => Err(Error::Recheck(Box::new(Recheck {
            repeated: Arc::new(repeated),
            first,
        }))),
        None => first,
    };
    if !problems.is_empty() {
        return recheck(Err(Error::Inventory(problems)));
    }
    let mut inventory = Inventory {
        source: source.to_string(),
        encoding,
        processes: scanned.processes,
        spilled: spilled.map(Arc::new),
        rows: scanned.rows,
        total_hours: scanned.hours.value(),
        departments,
        tasks,
        skipped_empty: scanned.empty_lines.len(),
        warnings: Vec::new(),
        fingerprint: None,
        parts: Vec::new(),
    };
    if !columns.ignored.is_empty() {
        let names = columns.ignored.join(", ");
        inventory
            .warnings
            .push(format!("{source}: columns not used: {names}"));
    }
    if let Some(first) = scanned.notes.list.first() {
        let (n, (column, header)) = (
            scanned.notes.total,
            first.column.clone().unwrap_or_default(),
        );
        inventory.warnings.push(format!(
            "{source}: {n} estimate(s) taken as given, first at line {}, column {column} ({header}): {}",
            first.line, first.message
        ));
    }
    if let Some(first) = scanned.empty_lines.first() {
        let n = scanned.empty_lines.len();
        inventory.warnings.push(format!(
            "{source}: skipped {n} empty record(s), first at line {first}"
        ));
    }
    recheck(Ok(inventory))
}

/// A reading that kept only some rows and found ids used more than once among all of them:
/// what it read, and the ids, for [`reread`].
#[derive(Debug)]
pub struct Recheck {
    repeated: Arc<Repeated>,
    first: Result<Inventory>,
}

/// Settles a first reading: when it found repeated ids among rows it did not keep, `again`
/// reads the input once more keeping the rows with those ids, and reports them as a reading
/// that keeps every row does. Without a way to read again (standard input), the repeat is
/// reported without its lines.
fn reread(
    first: Result<Inventory>,
    again: Option<&dyn Fn(Keep) -> Result<Inventory>>,
) -> Result<Inventory> {
    let Err(Error::Recheck(recheck)) = first else {
        return first;
    };
    let Recheck { repeated, first } = *recheck;
    match again {
        // Ids that share only a hash read again without a problem: the first reading stands.
        Some(again) => again(Keep::Repeated(repeated)).and(first),
        None => {
            let mut problems = match first {
                Ok(inventory) => Problems::new(&inventory.source),
                Err(Error::Inventory(problems)) => problems,
                Err(other) => return Err(other),
            };
            problems.push(Problem::at_line(
                0,
                "ids are used more than once among the rows not listed; read the inventory \
                 from a file rather than standard input to see where",
            ));
            Err(Error::Inventory(problems))
        }
    }
}

/// Reads the data records after the header (`data`, then the rest of `input`) as `plan`
/// says, with a count of distinct names and a spill of its own: by ranges of the file when
/// it can (see [`ranges`]), otherwise, or when the ranges are given up, by blocks.
fn scan_records(
    data: Vec<u8>,
    input: Input,
    size: Option<u64>,
    plan: &scan::Plan,
    options: &ReadOptions,
    problems: &mut Problems,
) -> std::io::Result<(scan::Scanned, Distinct, Option<spill::Spill>)> {
    let new_spill = || (options.spill_after).map(|budget| spill::Spill::new(budget, size));
    let positioned = input.file.zip(size).and_then(|(file, size)| {
        let cursor = (&*file).stream_position().ok()?;
        let start = cursor.checked_sub(data.len() as u64)?;
        let span = start..size;
        (start < size).then_some((
            cursor,
            ranges::Data {
                file,
                span,
                reported: cursor,
            },
        ))
    });
    // Bytes the ranges reported to the progress bar, which the blocks do not report again.
    let reported = AtomicU64::new(0);
    if let Some((cursor, positioned)) = positioned {
        let (distinct, spill) = (Distinct::new(options.names), new_spill());
        let progress = |n| {
            reported.fetch_add(n, Ordering::Relaxed);
            (options.progress)(n)
        };
        let plan = scan::Plan {
            distinct: &distinct,
            spill: spill.as_ref(),
            progress: &progress,
            ..*plan
        };
        if let Some(scanned) = ranges::scan(&positioned, &plan, problems) {
            return Ok((scanned, distinct, spill));
        }
        let mut file = positioned.file;
        file.seek(SeekFrom::Start(cursor))?;
    }
    let (distinct, spill) = (Distinct::new(options.names), new_spill());
    let (skip, streamed) = (reported.into_inner(), AtomicU64::new(0));
    let progress = |n| {
        let after = streamed.fetch_add(n, Ordering::Relaxed) + n;
        let new = after.saturating_sub(skip) - (after - n).saturating_sub(skip);
        if new > 0 {
            (options.progress)(new);
        }
    };
    let plan = scan::Plan {
        distinct: &distinct,
        spill: spill.as_ref(),
        progress: &progress,
        ..*plan
    };
    let scanned = scan::scan(data, input.stream, &plan, problems)?;
    Ok((scanned, distinct, spill))
}

/// Without an id column a process's id is its row number, which a block cannot know; rows a
/// scenario names by id are then found by keeping every row.
fn fallback_keep(keep: &Keep, columns: &ColumnMap) -> Keep {
    match keep {
        Keep::Listed { ids, .. } if !ids.is_empty() && columns.index(Field::Id).is_none() => {
            Keep::All
        }
        other => other.clone(),
    }
}

/// Reads a small text file (scenario, rules) in UTF-8 or Shift_JIS, as Notepad may save it;
/// returns the text and the SHA-256 of the file's bytes. A file that cannot be opened is
/// [`Error::Open`]; undecodable content goes through `error`.
pub fn read_text(path: &str, error: impl FnOnce(String) -> Error) -> Result<(String, String)> {
    let open_error = |source| Error::Open {
        path: path.to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(open_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXT_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(open_error)?;
    if bytes.len() > MAX_TEXT_FILE_BYTES {
        return Err(error(format!(
            "the file is larger than {} MiB, the most a scenario or rule file may be",
            MAX_TEXT_FILE_BYTES >> 20
        )));
    }
    match decode(&bytes) {
        Ok((text, _)) => Ok((text.into_owned(), sha256_hex(&bytes))),
        Err(message) => Err(error(message)),
    }
}

/// Line numbers from byte offsets, counted in the decoded text.
///
/// The csv crate's own line numbers count a CRLF line ending as no line and skip blank lines
/// without counting them, so Excel's CRLF exports would be misreported; counting `\n` up to
/// each record's first byte gives the line an editor shows. Records arrive in order, so the
/// count resumes where it stopped and the whole file is scanned once.
pub(crate) struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            byte: 0,
            line: 1,
        }
    }

    /// The 1-based line holding byte `at`; `at` must not go backwards between calls.
    pub(crate) fn line_at(&mut self, at: u64) -> u64 {
        let mut at = (at as usize).clamp(self.byte, self.text.len());
        // With CRLF endings the crate's offset can point at the `\n` ending the previous line;
        // no record starts with a line ending, so step over any to reach the record itself.
        while at < self.text.len() && matches!(self.text[at], b'\r' | b'\n') {
            at += 1;
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.byte..at]).count() as u64;
        self.byte = at;
        self.line
    }
}

/// Why text with a NUL byte is refused: no survey sheet has one, binary files do.
pub(crate) fn binary_message() -> String {
    "byte 0x00 is not text: is this a binary file rather than a CSV export?".into()
}

/// Why a record has the wrong number of fields, with the likely cause when there is one.
pub(crate) fn ragged_message(rec: &impl record::Fields, expected: usize) -> String {
    let mut message = format!(
        "the record has {} fields but the header has {expected}",
        rec.len()
    );
    if (0..rec.len()).any(|i| rec.get(i).is_some_and(|cell| cell.contains(&b'\n'))) {
        message.push_str(" (a quoted field runs over several lines: is a quote left open?)");
    } else if rec.len() > expected {
        message.push_str(" (a number with an unquoted thousands separator, such as 64,562?)");
    }
    message
}

/// Tab when the header line has tabs and no commas (UTF-16 "Unicode text" exports), semicolon
/// when it has semicolons and neither, else comma.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let end = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let first = &text[..end];
    match (
        first.contains(&b','),
        first.contains(&b'\t'),
        first.contains(&b';'),
    ) {
        (false, true, _) => b'\t',
        (false, false, true) => b';', // Excel's CSV where the decimal mark is a comma
        _ => b',',
    }
}

/// The hash ids are compared by first: a fixed seed, so that messages never depend on the run.
pub(crate) fn id_hash(id: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6964).hash_one(id)
}

/// Reports every id used again, at the later row, naming the first. The ids' hashes (made in
/// the scan, for spilled processes) are sorted to find the values that occur more than once;
/// only processes with those are looked at again. A national inventory keeps millions of
/// processes, and this takes 8 bytes each, once.
fn check_unique_ids(
    processes: &[Box<Process>],
    mut spilled: Option<&mut Spilled>,
    columns: &ColumnMap,
    problems: &mut Problems,
) -> std::io::Result<()> {
    let Some(index) = columns.index(Field::Id) else {
        return Ok(());
    };
    let mut hashes: Vec<u64> = match &mut spilled {
        Some(s) => std::mem::take(&mut s.id_hashes), // not needed again
        None => processes.par_iter().map(|p| id_hash(p.id())).collect(),
    };
    hashes.par_sort_unstable();
    let repeated: HashSet<u64> = (hashes.windows(2))
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    drop(hashes);
    if repeated.is_empty() {
        return Ok(());
    }
    // (input index, id, line) of every process with a repeated hash, in input order.
    let suspect = |p: &Process| repeated.contains(&id_hash(p.id()));
    let mut suspects: Vec<(usize, String, u64)> = match spilled {
        Some(s) => (s.rank_order())
            .filter(|read| read.as_ref().map_or(true, |(_, p)| suspect(p)))
            .map(|read| read.map(|(i, p)| (i, p.id().to_string(), p.line)))
            .collect::<std::io::Result<_>>()?,
        None => (processes.iter().enumerate())
            .filter(|(_, p)| suspect(p))
            .map(|(i, p)| (i, p.id().to_string(), p.line))
            .collect(),
    };
    suspects.sort_unstable_by_key(|s| s.0);
    let mut first: HashMap<&str, u64> = HashMap::new();
    for (_, id, line) in &suspects {
        match first.get(id.as_str()) {
            Some(first) => {
                let message = format!("id \"{id}\" is used again (first at line {first})");
                problems.push(Problem::at_cell(
                    *line,
                    index,
                    columns.header(index),
                    message,
                ));
            }
            None => {
                first.insert(id, *line);
            }
        }
    }
    Ok(())
}
