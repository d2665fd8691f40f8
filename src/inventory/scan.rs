//! Reading an inventory in blocks, parsed in parallel, merged in file order.
//!
//! One thread reads the input in blocks cut at record boundaries (see [`super::split`]) and
//! hands them through a bounded queue to rayon's workers; at most a few blocks are in memory
//! at once, whatever the size of the file. Each worker validates its block as UTF-8, parses it
//! with one reused `ByteRecord`, checks every cell, sums the hours exactly, and keeps only the
//! processes the caller asked for. The results are merged in block order, and every quantity
//! merged is either order-free (exact sums, distinct sets) or concatenated in order, so the
//! outcome is the same byte for byte with one thread or many, and with any block size.

use super::columns::ColumnMap;
use super::ids::IdKeys;
use super::record::{self, Row};
use super::record::{Fields, Unquoted};
use super::spill::{OnDisk, Runs, Spill};
use super::split::{Marks, is_regular, last_record_end};
use super::{Distinct, Keep, MAX_RECORD_BYTES};
use crate::error::{Problem, Problems};
use crate::model::Process;
use crate::pareto::Sum;
use rayon::iter::{ParallelBridge, ParallelIterator};
use std::io::{self, Read};
use std::sync::mpsc::{channel, sync_channel};

/// A run of whole records and its place in the file.
struct Block {
    seq: usize,
    bytes: Vec<u8>,
    /// Where its quotes, stray carriage returns and NUL bytes are, found by the reader.
    marks: Marks,
    /// The first [`MAX_RECORD_BYTES`] and more of one record that is longer than that; the
    /// reader stops after it.
    overlong: bool,
}

/// What one block contributed; lines and rows are counted from the block's start.
pub(super) struct BlockResult {
    pub(super) seq: usize,
    /// Line feeds in the block.
    pub(super) newlines: u64,
    rows: usize,
    kept: Vec<Box<Process>>,
    /// The block's kept processes, when they went to disk instead of `kept`.
    on_disk: Option<OnDisk>,
    hours: Sum,
    problems: Problems,
    /// Values read with a warning.
    notes: Problems,
    empty_lines: Vec<u64>,
    /// The ids of its valid rows, kept or not.
    ids: IdKeys,
    /// The block ends the reading at an overlong record; nothing after it counts.
    pub(super) stopped: bool,
}

/// Everything read from the data records of a file.
pub(super) struct Scanned {
    pub processes: Vec<Box<Process>>,
    /// With a spill that was used: every block's processes as a run (`processes` is empty).
    pub runs: Option<Runs>,
    pub rows: usize,
    pub hours: Sum,
    pub empty_lines: Vec<u64>,
    /// Values read with a warning, with their places.
    pub notes: Problems,
    /// The ids of every valid row, kept or not.
    pub ids: IdKeys,
    /// The block the reading stopped in, at an overlong record: no row after it counts.
    pub stopped_in: Option<usize>,
}

/// The fixed parts of a scan shared by all workers.
pub(super) struct Plan<'a> {
    pub columns: &'a ColumnMap,
    pub keep: &'a Keep,
    pub distinct: &'a Distinct,
    /// Where kept processes go once those in memory pass its budget.
    pub spill: Option<&'a Spill>,
    pub delimiter: u8,
    /// Line of the first byte of the data (the line after the header).
    pub first_line: u64,
    pub block_size: usize,
    pub progress: &'a (dyn Fn(u64) + Sync),
}

impl Plan<'_> {
    /// Whether the kept processes' ids are hashed, for a spill, to be checked for repeats.
    fn ids_by_kept(&self) -> bool {
        self.columns.index(super::Field::Id).is_some() && self.keep.ids_among_kept()
    }
}

/// Reads data records from `head` (the bytes already read after the header) and then `input`.
pub(super) fn scan(
    head: Vec<u8>,
    input: &mut (dyn Read + Send),
    plan: &Plan,
    problems: &mut Problems,
) -> io::Result<Scanned> {
    let queue = rayon::current_num_threads().max(1) * 2;
    let (tx, rx) = sync_channel::<Block>(queue);
    // Parsed blocks' buffers go back to the reader: a few buffers serve the whole file, and
    // the heap is not left fragmented by thousands of block-sized allocations between the
    // kept processes.
    let (back, recycled) = channel::<Vec<u8>>();
    let (read, mut results) = std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let spare = || recycled.try_recv().ok();
            read_blocks(head, input, plan, spare, |block| tx.send(block).is_ok())
        });
        let results: Vec<BlockResult> = rx
            .into_iter()
            .par_bridge()
            .map(|b| {
                let result = parse_block(&b, plan);
                let _ = back.send(b.bytes); // the reader may have finished: nothing to do
                plan.distinct.work();
                result
            })
            .collect();
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the reader thread failed")));
        (read, results)
    });
    read?;
    results.sort_unstable_by_key(|r| r.seq);
    Ok(merge(results, plan, problems))
}

/// Cuts the input into blocks of whole records of about `size` bytes and passes them on,
/// until the input ends or `send` refuses. `spare` offers buffers to reuse.
fn read_blocks(
    mut carry: Vec<u8>,
    input: &mut (dyn Read + Send),
    plan: &Plan,
    mut spare: impl FnMut() -> Option<Vec<u8>>,
    mut send: impl FnMut(Block) -> bool,
) -> io::Result<()> {
    let size = plan.block_size;
    let mut seq = 0;
    let mut eof = false;
    let mut want = size;
    let mut marks = Marks::default();
    while !eof || !carry.is_empty() {
        if !eof {
            let before = carry.len();
            eof = super::read_up_to(&mut carry, input, want)?;
            (plan.progress)((carry.len() - before) as u64);
        }
        marks.find(&carry);
        let cut = if eof {
            Some(carry.len())
        } else {
            last_record_end(&carry, &marks.quotes, plan.delimiter).filter(|&c| c > 0)
        };
        let Some(cut) = cut else {
            if carry.len() > MAX_RECORD_BYTES {
                // No row is this long: most likely a quote left open. Reading on would only
                // fill memory with the rest of the file.
                let bytes = std::mem::take(&mut carry);
                let overlong = true;
                send(Block {
                    seq,
                    bytes,
                    marks,
                    overlong,
                });
                return Ok(());
            }
            want = carry.len() + size; // one record longer than a block: read on
            continue;
        };
        let mut rest = spare().unwrap_or_else(|| Vec::with_capacity(size + size / 8));
        rest.clear();
        rest.extend_from_slice(&carry[cut..]);
        carry.truncate(cut);
        let bytes = std::mem::replace(&mut carry, rest);
        want = size;
        marks.truncate(cut);
        if !send(Block {
            seq,
            bytes,
            marks: std::mem::take(&mut marks),
            overlong: false,
        }) {
            break;
        }
        seq += 1;
    }
    Ok(())
}

impl BlockResult {
    /// Nothing yet from block `seq`.
    pub(super) fn new(seq: usize) -> BlockResult {
        BlockResult {
            seq,
            newlines: 0,
            rows: 0,
            kept: Vec::new(),
            on_disk: None,
            hours: Sum::default(),
            problems: Problems::new(""),
            notes: Problems::new(""),
            empty_lines: Vec::new(),
            ids: IdKeys::default(),
            stopped: false,
        }
    }
}

fn parse_block(block: &Block, plan: &Plan) -> BlockResult {
    let bytes = &block.bytes;
    let mut out = BlockResult::new(block.seq);
    if block.overlong {
        out.problems.push(Problem::at_line(0, overlong_message()));
        out.stopped = true;
        lines_from_offsets(&mut out, bytes);
        return out;
    }
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        let at = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        let message = format!(
            "byte 0x{:02X} is not valid UTF-8 (the file reads as UTF-8 up to there)",
            bytes[at]
        );
        out.problems.push(Problem::at_line(at as u64, message));
        lines_from_offsets(&mut out, bytes);
        return out;
    };
    // The block's quotes say whether it is regular CSV (see [`is_regular`]), safe for the
    // zero-copy parser, and which of its records hold none. That parser drops a byte order
    // mark at the start of a block (two exports joined), which would put the places of the
    // quotes after it off by its length.
    let marks = &block.marks;
    let fast = is_regular(bytes, marks, plan.delimiter) && !bytes.starts_with(super::BOM);
    if !(fast && parse_regular(text, marks, plan, &mut out)) {
        parse_any(text, marks.first_nul.is_some(), plan, &mut out);
        lines_from_offsets(&mut out, bytes);
    }
    store(&mut out, plan, bytes.len());
    store_keys(&mut out, plan);
    out
}

/// Sends a block's kept processes to disk when the spill says so; `len`: its bytes.
pub(super) fn store(out: &mut BlockResult, plan: &Plan, len: usize) {
    if let Some(spill) = plan.spill {
        out.on_disk = spill.store(&mut out.kept, plan.ids_by_kept(), len);
    }
}

/// Sends a block's id keys to disk when the spill says so: only once the block is sure to
/// count (a range may yet be parsed again).
pub(super) fn store_keys(out: &mut BlockResult, plan: &Plan) {
    if let Some(spill) = plan.spill {
        spill.keys.store(&mut out.ids, out.seq);
    }
}

/// Parses a regular block with simd-csv's zero-copy reader; false (and `out` untouched) if the
/// reader reports an error, for the csv crate to read the block instead.
///
/// Places are counted in lines as the records come, not found from byte offsets afterwards:
/// between two records of a regular block there are only line endings, and only a quoted
/// record can hold a line feed.
fn parse_regular(text: &str, marks: &Marks, plan: &Plan, out: &mut BlockResult) -> bool {
    let (bytes, quotes, nul) = (text.as_bytes(), &marks.quotes, marks.first_nul.is_some());
    let mut reader = simd_csv::ZeroCopyReaderBuilder::with_capacity(1 << 16)
        .has_headers(false)
        .flexible(true)
        .delimiter(plan.delimiter)
        .from_reader(bytes);
    let mut records = Records::new(plan, out, nul);
    let mut next_quote = 0;
    // The fields of a record with quotes, unescaped; reused from one such record to the next.
    let mut unescaped = simd_csv::ByteRecord::new();
    // The line of the byte at `seen`, the end of the last record.
    let (mut line, mut seen) = (1, 0);
    #[cfg(debug_assertions)]
    let mut check = super::LineCounter::new(bytes);
    loop {
        let after_last = reader.position() as usize;
        match reader.read_byte_record() {
            Ok(Some(rec)) => {
                let start = record_start(bytes, after_last);
                let end = start + rec.as_slice().len();
                line += line_feeds(&bytes[seen..start]);
                #[cfg(debug_assertions)]
                debug_assert_eq!(line, check.line_at(start as u64));
                seen = end;
                while quotes.get(next_quote).is_some_and(|&q| q < start) {
                    next_quote += 1;
                }
                let len = end - start;
                if quotes.get(next_quote).is_some_and(|&q| q < end) {
                    unescape_into(&rec, &mut unescaped);
                    records.add(&unescaped, line, len);
                    line += newlines(&bytes[start..end]);
                } else {
                    debug_assert_eq!(bytes.get(start..end), Some(rec.as_slice()));
                    records.add(
                        &Unquoted {
                            record: &rec,
                            block: text,
                            start,
                        },
                        line,
                        len,
                    );
                }
            }
            Ok(None) => break,
            Err(_) => {
                records.abandon();
                return false;
            }
        }
    }
    records.finish();
    out.newlines = line - 1 + newlines(&bytes[seen..]);
    debug_assert_eq!(out.newlines, newlines(bytes));
    true
}

/// The fields of `rec` with their quotes taken off and doubled quotes undone, into `into`.
pub(super) fn unescape_into(rec: &simd_csv::ZeroCopyByteRecord, into: &mut simd_csv::ByteRecord) {
    into.clear();
    for i in 0..rec.len() {
        into.push_field(&rec.unescape(i).unwrap_or_default());
    }
}

pub(super) fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// [`newlines`] for the line ending or two between records, too short for memchr to pay.
#[inline]
fn line_feeds(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Where the record read after offset `after_last` starts: the zero-copy reader's position
/// can stand before the line ending of the record before, and it skips empty lines, while no
/// record of a regular block starts with a line ending (a field holding one is quoted).
fn record_start(bytes: &[u8], after_last: usize) -> usize {
    let skipped = bytes.get(after_last..).unwrap_or_default();
    after_last
        + skipped
            .iter()
            .take_while(|&&b| matches!(b, b'\r' | b'\n'))
            .count()
}

/// Parses any block with the csv crate, the reference for what a record is.
fn parse_any(text: &str, nul: bool, plan: &Plan, out: &mut BlockResult) {
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(plan.delimiter)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut records = Records::new(plan, out, nul);
    while let Ok(true) = reader.read_byte_record(&mut rec) {
        let start = rec.position().map_or(0, |p| p.byte());
        let len = reader.position().byte() - start;
        records.add(&rec, start, len as usize);
    }
    records.finish();
}

/// What a block's records add up to, whichever parser read them.
///
/// A record's place is its block-relative line from the zero-copy parser, which counts them as
/// it goes; from the csv crate it is the record's byte offset in the block until the block is
/// done, when [`lines_from_offsets`] turns the offsets of the records that need one into lines.
pub(super) struct Records<'p, 'o> {
    plan: &'p Plan<'p>,
    out: &'o mut BlockResult,
    names: super::distinct::NameBatch<'p>,
    /// The block has a NUL byte somewhere: look for it in each record.
    nul: bool,
    /// The file has an id column and repeats are not looked for among the kept rows (see
    /// [`Keep::ids_among_kept`]): note each row's id (see [`IdKeys`]).
    ids: bool,
    /// Reused by [`record::parse`] for each kept row.
    scratch: Vec<u8>,
}

impl<'p, 'o> Records<'p, 'o> {
    /// `nul`: the block has a NUL byte.
    pub(super) fn new(plan: &'p Plan<'p>, out: &'o mut BlockResult, nul: bool) -> Self {
        Records {
            plan,
            out,
            names: plan.distinct.batch(),
            nul,
            ids: plan.columns.index(super::Field::Id).is_some() && !plan.keep.ids_among_kept(),
            scratch: Vec::new(),
        }
    }

    /// Adds one record of `len` bytes at `place`; none after an overlong record.
    pub(super) fn add(&mut self, rec: &impl Fields, place: u64, len: usize) {
        let (plan, out) = (self.plan, &mut *self.out);
        if out.stopped {
            return;
        }
        if len > MAX_RECORD_BYTES {
            out.problems
                .push(Problem::at_line(place, overlong_message()));
            out.stopped = true;
            return;
        }
        if self.nul && (0..rec.len()).any(|i| rec.get(i).is_some_and(|f| f.contains(&0))) {
            out.rows += 1;
            out.problems
                .push(Problem::at_line(place, super::binary_message()));
            return;
        }
        if record::is_blank(rec) {
            out.empty_lines.push(place);
            return;
        }
        out.rows += 1;
        if rec.len() != plan.columns.headers.len() {
            let message = super::ragged_message(rec, plan.columns.headers.len());
            out.problems.push(Problem::at_line(place, message));
            return;
        }
        let keep = |hours: f64, id: &[u8]| plan.keep.keeps(hours, id);
        let Some(Row {
            hours,
            id,
            department,
            task,
            process,
        }) = record::parse(
            rec,
            place,
            plan.columns,
            plan.delimiter == b',',
            &keep,
            record::Sink {
                problems: &mut out.problems,
                notes: &mut out.notes,
                scratch: &mut self.scratch,
            },
        )
        else {
            return;
        };
        out.hours.add(hours);
        if self.ids {
            out.ids.add(id);
        }
        self.names.add(department, task);
        if let Some(mut p) = process {
            p.row = out.rows;
            out.kept.push(p);
        }
    }

    /// Sends the names seen to the shared count.
    pub(super) fn finish(self) {
        self.names.finish();
    }

    /// The names seen, for the caller to send once it knows the records are the file's.
    pub(super) fn into_names(self) -> super::distinct::NameBatch<'p> {
        self.names
    }

    /// Forgets everything this parser added, names included.
    fn abandon(self) {
        let out = self.out;
        out.rows = 0;
        out.kept.clear();
        out.hours = Sum::default();
        out.problems = Problems::new("");
        out.notes = Problems::new("");
        out.empty_lines.clear();
        out.ids = IdKeys::default();
        out.stopped = false;
    }
}

/// Why the reading stops at a record longer than [`MAX_RECORD_BYTES`].
fn overlong_message() -> String {
    format!(
        "the record is longer than {} MiB, the most one row may hold (is a quote left open?); \
         reading stops here",
        MAX_RECORD_BYTES >> 20
    )
}

/// Turns the byte offsets held in `line` fields into block-relative line numbers, and counts
/// the block's lines; the kept processes' count goes on to the end, so the block is scanned
/// for line ends once.
fn lines_from_offsets(out: &mut BlockResult, bytes: &[u8]) {
    let mut lines = super::LineCounter::new(bytes);
    out.problems
        .list
        .iter_mut()
        .for_each(|p| p.line = lines.line_at(p.line));
    let mut lines = super::LineCounter::new(bytes);
    out.notes
        .list
        .iter_mut()
        .for_each(|p| p.line = lines.line_at(p.line));
    let mut lines = super::LineCounter::new(bytes);
    out.empty_lines
        .iter_mut()
        .for_each(|l| *l = lines.line_at(*l));
    let mut lines = super::LineCounter::new(bytes);
    out.kept
        .iter_mut()
        .for_each(|p| p.line = lines.line_at(p.line));
    out.newlines = lines.line_at(bytes.len() as u64) - 1;
}

/// Joins block results in file order, turning block-relative lines and rows into the file's.
/// When some blocks' processes went to disk, those held in memory follow them, so that every
/// block's are a run of [`Runs`] and memory is free for the ranking.
pub(super) fn merge(
    mut results: Vec<BlockResult>,
    plan: &Plan,
    problems: &mut Problems,
) -> Scanned {
    let spilled = results.iter().any(|r| r.on_disk.is_some());
    let ids = plan.columns.index(super::Field::Id).is_some();
    let kept = match spilled {
        true => 0,
        false => results.iter().map(|r| r.kept.len()).sum(),
    };
    if !spilled {
        place_kept(&mut results, plan.first_line - 1, ids);
    }
    let mut out = Scanned {
        processes: Vec::with_capacity(kept),
        runs: spilled.then(Runs::default),
        rows: 0,
        hours: Sum::default(),
        empty_lines: Vec::new(),
        notes: Problems::new(""),
        ids: IdKeys::default(),
        stopped_in: None,
    };
    let mut line_base = plan.first_line - 1;
    for r in results {
        let unlisted = r.problems.total - r.problems.list.len();
        for mut p in r.problems.list {
            p.line += line_base;
            problems.push(p);
        }
        problems.total += unlisted;
        let unlisted = r.notes.total - r.notes.list.len();
        for mut p in r.notes.list {
            p.line += line_base;
            out.notes.push(p);
        }
        out.notes.total += unlisted;
        out.empty_lines
            .extend(r.empty_lines.iter().map(|l| l + line_base));
        let row_base = out.rows;
        match &mut out.runs {
            Some(runs) => {
                let on_disk =
                    (r.on_disk).or_else(|| plan.spill?.write(&r.kept, plan.ids_by_kept()));
                // Without it the spill failed, and the scan with it.
                if let Some(on_disk) = on_disk {
                    runs.push(on_disk, line_base, row_base);
                }
            }
            None => out.processes.extend(r.kept),
        }
        out.rows += r.rows;
        out.hours.merge(&r.hours);
        out.ids.append(r.ids);
        line_base += r.newlines;
        if r.stopped {
            out.stopped_in = Some(r.seq);
            break;
        }
    }
    out
}

/// Turns the block-relative lines and rows of the blocks' kept processes into the file's, the
/// blocks side by side: each process is somewhere else in memory, and one thread would wait
/// for each in turn. Without an id column, a process's id is its row.
fn place_kept(results: &mut [BlockResult], line_base: u64, ids: bool) {
    use rayon::prelude::*;
    let bases: Vec<(u64, usize)> = (results.iter())
        .scan((line_base, 0), |(line, row), r| {
            let base = (*line, *row);
            (*line, *row) = (*line + r.newlines, *row + r.rows);
            Some(base)
        })
        .collect();
    (results.par_iter_mut().zip(bases)).for_each(|(r, (line_base, row_base))| {
        for p in &mut r.kept {
            p.line += line_base;
            p.row += row_base;
            if !ids {
                p.set_id(&p.row.to_string());
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_hold_whole_records_and_cover_the_input() {
        let text = b"a,\"x\ny\"\nb,c\nd,e\n";
        let mut blocks = Vec::new();
        let columns = ColumnMap::from_header(&["a", "b"], 1, &mut Problems::new(""));
        let plan = Plan {
            columns: &columns,
            keep: &Keep::All,
            distinct: &Distinct::default(),
            spill: None,
            delimiter: b',',
            first_line: 2,
            block_size: 4,
            progress: &|_| {},
        };
        read_blocks(
            text[..3].to_vec(),
            &mut &text[3..],
            &plan,
            || None,
            |b| {
                assert!(!b.overlong);
                blocks.push(b.bytes);
                true
            },
        )
        .unwrap();
        assert_eq!(blocks.concat(), text.to_vec());
        assert_eq!(blocks[0], b"a,\"x\ny\"\n".to_vec());
    }
}
