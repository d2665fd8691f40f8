//! Reading an inventory file in byte ranges, each parsed by a worker straight from the file.
//!
//! The block reader ([`super::scan`]) reads its input on one thread and hands each block on:
//! every byte is copied out of the page cache, searched for quotes, validated as UTF-8, and
//! copied again into the parser's buffer, four passes over blocks too large for the cache. A
//! file can instead be read by position: each worker reads its own range, a parser's buffer at
//! a time, and validates, searches and parses each piece while it is still in the cache.
//!
//! A range starts after the first line feed past an even split of the file. That is a record
//! boundary unless it lies inside a quoted field, which only the text before it can tell: it
//! is a guess, checked as the ranges are taken in file order. In regular CSV (see
//! [`is_regular`]) a point after a record boundary lies outside every quoted field exactly when
//! an even number of quotes comes between them; a range with an odd number ends inside a
//! quoted field, and is parsed again to the true end of that record, the next range from
//! there. The names a range counts are counted only once it is taken.
//!
//! What the fast parse cannot settle gives the ranges up, and the file is read again by the
//! block reader, which handles and reports every such case: a record that is not regular, a
//! carriage return that does not end a line, an empty line, a NUL byte, bytes that are not
//! UTF-8, a byte order mark starting a range, an overlong record. Either way the outcome is the
//! same, byte for byte.

use super::distinct::NameBatch;
use super::record::Buffered;
use super::scan::{self, BlockResult, Plan, Records, Scanned};
use super::split::{Marks, is_regular};
use super::{BOM, MAX_RECORD_BYTES};
use crate::error::Problems;
use memchr::{memchr_iter, memchr2_iter, memchr3_iter};
use rayon::iter::{ParallelBridge, ParallelIterator};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

/// The parser's buffer, and the most read from the file at once.
const PIECE: usize = 1 << 16;

/// Where a file's data records lie, and how much of them was already reported as read.
pub(super) struct Data<'f> {
    pub file: &'f File,
    /// The bytes from the first data record to the end of the file.
    pub span: Range<u64>,
    /// Bytes before this offset were reported to the progress bar by whoever read them first.
    pub reported: u64,
}

/// Parses the data records of a file range by range, in parallel; `None` when the ranges are
/// given up (see the module documentation) and the file must be read by the block reader.
/// The problems found are added to `problems` only when the ranges hold.
///
/// The workers parse the guessed ranges in file order as they come free, and a thread of
/// its own takes their results in order, checks each against the true end of the one
/// before, and corrects a range whose end proved to lie inside a quoted field.
pub(super) fn scan(data: &Data, plan: &Plan, problems: &mut Problems) -> Option<Scanned> {
    if !cfg!(any(unix, windows)) {
        return None;
    }
    let size = plan.block_size.max(1) as u64;
    let count = (data.span.end - data.span.start).div_ceil(size).max(1);
    let stop = AtomicBool::new(false);
    let (tx, rx) = channel::<(u64, Attempt)>();
    let blocks = std::thread::scope(|s| {
        let checker = s.spawn(|| {
            let blocks = Checker::new(data, plan).run(rx, count);
            if blocks.is_none() {
                stop.store(true, Ordering::Relaxed);
            }
            blocks
        });
        (0..count).par_bridge().for_each(|k| {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let span = nth_range(data, size, k, count);
            let parsed = span.clone().and_then(|r| parse_range(data, r, plan, true));
            let _ = tx.send((k, Attempt { span, parsed })); // the checker may have given up
            plan.distinct.work();
        });
        drop(tx);
        checker.join().ok().flatten()
    })?;
    Some(scan::merge(blocks, plan, problems))
}

/// A range as a worker guessed and parsed it: `span` is `None` when no line feed was found
/// near its split, `parsed` when its parse gave up.
struct Attempt<'p> {
    span: Option<Range<u64>>,
    parsed: Option<Parsed<'p>>,
}

/// What a range holds: its records' contribution, its names (not yet counted: the range may
/// yet prove not to start on a record), and its number of quotes.
struct Parsed<'p> {
    result: BlockResult,
    names: NameBatch<'p>,
    quotes: usize,
}

/// Takes the ranges in file order from the offset `at`, a record boundary, onwards.
struct Checker<'d, 'p> {
    data: &'d Data<'d>,
    plan: &'p Plan<'p>,
    at: u64,
    blocks: Vec<BlockResult>,
}

impl<'d, 'p> Checker<'d, 'p> {
    fn new(data: &'d Data<'d>, plan: &'p Plan<'p>) -> Self {
        Checker {
            data,
            plan,
            at: data.span.start,
            blocks: Vec::new(),
        }
    }

    /// Takes the `count` ranges as they come; the blocks they make, in file order, or `None`
    /// to give the ranges up.
    fn run(mut self, rx: Receiver<(u64, Attempt<'p>)>, count: u64) -> Option<Vec<BlockResult>> {
        let mut early = HashMap::new();
        for k in 0..count {
            let attempt = match early.remove(&k) {
                Some(attempt) => attempt,
                None => loop {
                    let (j, attempt) = rx.recv().ok()?;
                    if j == k {
                        break attempt;
                    }
                    early.insert(j, attempt);
                },
            };
            self.take(attempt)?;
        }
        Some(self.blocks)
    }

    /// Takes the next range: as parsed when it starts where the last one taken ended, parsed
    /// again from there when a correction moved that end into it, not at all when it moved
    /// past it. A range that ends inside a quoted field (its quotes are odd in number, or its
    /// parse gave up on the record cut short there) is parsed again to the end of that record.
    fn take(&mut self, attempt: Attempt<'p>) -> Option<()> {
        let span = attempt.span?;
        if span.end <= self.at {
            return Some(());
        }
        let parsed = match attempt.parsed {
            Some(parsed) if span.start == self.at => Some(parsed),
            _ if span.start == self.at => None,
            _ => parse_range(self.data, self.at..span.end, self.plan, false),
        };
        if let Some(parsed) = parsed.filter(|p| p.quotes % 2 == 0) {
            self.keep(parsed, span.end);
            return Some(());
        }
        let end = record_end(self.data, self.at, span.end)?;
        if end == span.end {
            return None; // the range is odd in itself: the block reader's case
        }
        let parsed = parse_range(self.data, self.at..end, self.plan, false)?;
        if parsed.quotes % 2 == 1 {
            return None;
        }
        self.keep(parsed, end);
        Some(())
    }

    /// Keeps a range that ends on a record boundary at `end`, and counts its names.
    fn keep(&mut self, parsed: Parsed<'p>, end: u64) {
        let Parsed {
            mut result, names, ..
        } = parsed;
        names.finish();
        result.seq = self.blocks.len();
        scan::store_keys(&mut result, self.plan);
        self.blocks.push(result);
        self.at = end;
    }
}

/// Bytes `k` of `count` ranges of about `size` bytes: from the record boundary guessed at
/// `k * size` to the one guessed at `(k + 1) * size`. `None` when no line feed is found near
/// a split (a line longer than any record may be), which gives the ranges up.
fn nth_range(data: &Data, size: u64, k: u64, count: u64) -> Option<Range<u64>> {
    let cut = |k: u64| match k {
        0 => Some(data.span.start),
        k if k >= count => Some(data.span.end),
        k => line_after(data, data.span.start + k * size),
    };
    Some(cut(k)?..cut(k + 1)?)
}

/// The offset after the first line feed at or after `at` (the end of the file when there is
/// none before it); `None` when none comes within [`MAX_RECORD_BYTES`].
fn line_after(data: &Data, at: u64) -> Option<u64> {
    let mut buf = vec![0; 4096];
    let mut from = at;
    while from < data.span.end && from - at <= MAX_RECORD_BYTES as u64 {
        let n = read_at(data.file, &mut buf, from).ok()?;
        if n == 0 {
            return None; // the file is shorter than it was
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Some((from + i as u64 + 1).min(data.span.end));
        }
        from += n as u64;
        buf.resize((buf.len() * 2).min(PIECE), 0);
    }
    (from >= data.span.end).then_some(data.span.end)
}

/// The first record boundary at or after `at`, reading from `from`, a record boundary: the
/// offset after the first line feed outside quotes, as regular CSV reads (a quote outside a
/// field opens one, `""` inside one is a quote). `None` when none comes within
/// [`MAX_RECORD_BYTES`] after `at`.
fn record_end(data: &Data, from: u64, at: u64) -> Option<u64> {
    let mut buf = vec![0; PIECE];
    let (mut from, mut quoted, mut escaped) = (from, false, false);
    while from < data.span.end && from.saturating_sub(at) <= MAX_RECORD_BYTES as u64 {
        let n = read_at(data.file, &mut buf, from).ok()?;
        let chunk = &buf[..n];
        let ends_file = from + n as u64 == data.span.end;
        // Where to read on from: a quote at the end of the chunk waits for the byte after it.
        let mut next = n;
        for i in memchr2_iter(b'"', b'\n', chunk) {
            let after = from + i as u64 + 1;
            match (chunk[i], quoted) {
                (b'\n', false) if after >= at => return Some(after),
                (b'\n', _) => {}
                _ if escaped => escaped = false,
                (_, false) => quoted = true,
                (_, true) => match chunk.get(i + 1) {
                    Some(b'"') => escaped = true,
                    Some(_) => quoted = false,
                    None if ends_file => quoted = false,
                    None => {
                        next = i;
                        break;
                    }
                },
            }
        }
        if next == 0 {
            return None; // nothing read, or nothing to go on with
        }
        from += next as u64;
    }
    (from >= data.span.end && !quoted).then_some(data.span.end)
}

/// Parses one range with simd-csv's zero-copy reader, reporting its bytes to the progress bar
/// when `report`; `None` when it is odd (see the module documentation).
///
/// Lines are counted as records come, which is right when the range has no empty line (the
/// parser skips those unseen): its bytes are then exactly its records' and a line ending after
/// each, which is checked at the end.
fn parse_range<'p>(
    data: &Data,
    range: Range<u64>,
    plan: &'p Plan<'p>,
    report: bool,
) -> Option<Parsed<'p>> {
    let len = usize::try_from(range.end - range.start).ok()?;
    let last = range.end == data.span.end;
    let mut out = BlockResult::new(0);
    let seen = RefCell::new(Seen::default());
    let source = Pieces {
        data,
        at: range.start,
        range,
        seen: &seen,
        plan,
        report,
    };
    let mut reader = simd_csv::ZeroCopyReaderBuilder::with_capacity(PIECE)
        .has_headers(false)
        .flexible(true)
        .delimiter(plan.delimiter)
        .from_reader(source);
    let mut batch = Records::new(plan, &mut out, false);
    let mut unescaped = simd_csv::ByteRecord::new();
    // The line of the next record, and the next quote to look at.
    let (mut line, mut next_quote) = (1, 0);
    // Records, the bytes of their fields, and line feeds and CR LF pairs inside them.
    let (mut records, mut in_fields, mut inner_newlines, mut inner_crlfs) = (0, 0, 0, 0);
    loop {
        // Where the record starts, with no empty line before it.
        let start = reader.position();
        // Borrowed where the reader put it: a record moved out of the result is copied through
        // the stack in pieces that the processor cannot forward to the wider loads that read
        // them back, a stall on every record.
        let read = reader.read_byte_record();
        let rec = match &read {
            Ok(Some(rec)) => rec,
            Ok(None) => break,
            Err(_) => return None,
        };
        let slice = rec.as_slice();
        let end = start + slice.len() as u64;
        let quoted = {
            let quotes = &seen.borrow().quotes;
            let first = next_quote;
            while quotes.get(next_quote).is_some_and(|&q| q < end) {
                next_quote += 1;
            }
            next_quote > first
        };
        if quoted {
            if !is_regular(slice, &Marks::of(slice), plan.delimiter) {
                return None;
            }
            scan::unescape_into(rec, &mut unescaped);
            batch.add(&unescaped, line, slice.len());
            let newlines = scan::newlines(slice);
            line += newlines;
            inner_newlines += newlines;
            inner_crlfs += crlfs(slice);
        } else {
            batch.add(&Buffered::new(rec), line, slice.len());
        }
        line += 1;
        records += 1;
        in_fields += slice.len() as u64;
    }
    let names = batch.into_names();
    let seen = seen.into_inner();
    // With no empty line, the range is its records and a line ending after each, but for
    // the file's last record, which may end without one.
    let unterminated = u64::from(last && records > 0 && seen.last != Some(b'\n'));
    let line_feeds = records - unterminated;
    let crlf_endings = seen.crlfs.checked_sub(inner_crlfs)?;
    let no_empty_line = len as u64 == in_fields + line_feeds + crlf_endings;
    if seen.odd || !no_empty_line || out.stopped {
        return None;
    }
    out.newlines = line_feeds + inner_newlines;
    scan::store(&mut out, plan, len);
    Some(Parsed {
        result: out,
        names,
        quotes: seen.quotes.len(),
    })
}

/// What the pieces of a range held, besides their records.
#[derive(Default)]
struct Seen {
    /// Offsets of the quotes, from the start of the range, in order.
    quotes: Vec<u64>,
    /// Carriage returns followed by a line feed.
    crlfs: u64,
    /// The last byte of the range.
    last: Option<u8>,
    /// Something only the block reader handles: bytes that are not UTF-8, a NUL byte, or a
    /// carriage return that does not end a line.
    odd: bool,
}

impl Seen {
    /// Looks at the next piece of the range, at `offset` in it: false when it is odd.
    fn look(&mut self, piece: &[u8], offset: u64) -> bool {
        if simdutf8::basic::from_utf8(piece).is_err() {
            self.odd = true;
            return false;
        }
        for at in memchr3_iter(b'"', b'\r', 0, piece) {
            match piece[at] {
                b'"' => self.quotes.push(offset + at as u64),
                b'\r' if piece.get(at + 1) == Some(&b'\n') => self.crlfs += 1,
                _ => {
                    self.odd = true;
                    return false;
                }
            }
        }
        self.last = piece.last().copied().or(self.last);
        true
    }
}

/// A range of the file as the parser reads it: in pieces that end on a whole character and
/// never on a carriage return (so the piece shows whether a line feed follows it), each looked
/// at ([`Seen::look`]) as it is read. An odd piece ends the reading.
struct Pieces<'d, 's, 'p> {
    data: &'d Data<'d>,
    range: Range<u64>,
    at: u64,
    seen: &'s RefCell<Seen>,
    plan: &'p Plan<'p>,
    /// Whether to report the bytes read (not when a range is read again).
    report: bool,
}

impl Read for Pieces<'_, '_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.range.end - self.at).unwrap_or(usize::MAX);
        let want = left.min(buf.len());
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(self.data.file, &mut buf[..want], self.at)?;
        let ends_range = n == left;
        let len = match ends_range {
            true => n,
            false => whole(&buf[..n]),
        };
        let offset = self.at - self.range.start;
        // The parser would drop a byte order mark starting the range, and the places of
        // the quotes after it would be off by its length.
        let bom = offset == 0 && buf[..n].starts_with(BOM);
        if n == 0 || bom || !self.seen.borrow_mut().look(&buf[..len], offset) {
            self.seen.borrow_mut().odd = true; // also a file shorter than it was
            return Ok(0);
        }
        let from = self.at.max(self.data.reported);
        self.at += len as u64;
        if self.report && self.at > from {
            (self.plan.progress)(self.at - from);
        }
        Ok(len)
    }
}

/// CR LF pairs in `bytes`.
fn crlfs(bytes: &[u8]) -> u64 {
    memchr_iter(b'\r', bytes)
        .filter(|&at| bytes.get(at + 1) == Some(&b'\n'))
        .count() as u64
}

/// The length of `piece` without a character cut off at its end, nor a carriage return
/// there; all of it when that would leave nothing.
fn whole(piece: &[u8]) -> usize {
    let n = piece.len();
    let lead = (n.saturating_sub(4)..n)
        .rev()
        .find(|&i| piece[i] & 0xC0 != 0x80);
    let cut = match lead.map(|i| (i, piece[i].leading_ones() as usize)) {
        Some((i, width)) if width >= 2 && i + width > n => i,
        _ => n,
    };
    let cut = match cut.checked_sub(1).map(|i| piece[i]) {
        Some(b'\r') => cut - 1,
        _ => cut,
    };
    if cut == 0 { n } else { cut }
}

/// Reads into `buf` from offset `at` of `file`, without moving any cursor the reading relies
/// on.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

/// Reads into `buf` from offset `at` of `file`. This moves the file's cursor, which the
/// block reader puts back before it reads.
#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<usize> {
    Err(io::Error::other(
        "reading by position is not supported here",
    ))
}

#[cfg(test)]
mod tests {
    use super::whole;

    #[test]
    fn pieces_end_on_whole_characters_and_not_on_a_carriage_return() {
        assert_eq!(whole(b"abc"), 3);
        assert_eq!(whole("aあ".as_bytes()), 4);
        assert_eq!(whole(&"aあ".as_bytes()[..3]), 1, "あ cut after two bytes");
        assert_eq!(whole(&"aあ".as_bytes()[..2]), 1, "あ cut after one byte");
        assert_eq!(whole(b"ab\r"), 2);
        assert_eq!(whole(b"\r"), 1, "nothing would be left");
        assert_eq!(
            whole(&"\r\u{1F600}".as_bytes()[..3]),
            3,
            "nothing would be left"
        );
    }
}

#[cfg(test)]
mod reading {
    use super::super::columns::ColumnMap;
    use super::super::{Distinct, Keep};
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    const HEADER: &str = "id,department,task,process,annual_hours\n";

    /// A file holding `HEADER` then `body`, read by ranges of about `size` bytes and by
    /// blocks of that size: what each gives, the ranges' `None` when they gave up.
    fn both(body: &[u8], size: usize) -> (Option<(Scanned, Problems)>, (Scanned, Problems)) {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(HEADER.as_bytes()).unwrap();
        file.write_all(body).unwrap();
        let headers: Vec<&str> = HEADER.trim_end().split(',').collect();
        let columns = ColumnMap::from_header(&headers, 1, &mut Problems::new(""));
        let plan = |distinct| Plan {
            columns: &columns,
            keep: &Keep::All,
            distinct,
            spill: None,
            delimiter: b',',
            first_line: 2,
            block_size: size,
            progress: &|_| {},
        };
        let start = HEADER.len() as u64;
        let data = Data {
            file: &file,
            span: start..start + body.len() as u64,
            reported: start,
        };
        let distinct = Distinct::default();
        let mut problems = Problems::new("");
        let ranged = scan(&data, &plan(&distinct), &mut problems).map(|s| (s, problems));
        let distinct = Distinct::default();
        let mut problems = Problems::new("");
        let mut empty: &[u8] = &[];
        let blocks = scan::scan(body.to_vec(), &mut empty, &plan(&distinct), &mut problems);
        (ranged, (blocks.unwrap(), problems))
    }

    fn assert_same(ranged: &(Scanned, Problems), blocks: &(Scanned, Problems), size: usize) {
        let ((r, rp), (b, bp)) = (ranged, blocks);
        assert_eq!(r.rows, b.rows, "rows, size {size}");
        assert_eq!(r.hours, b.hours, "hours, size {size}");
        assert_eq!(r.empty_lines, b.empty_lines, "empty lines, size {size}");
        assert_eq!(r.notes, b.notes, "notes, size {size}");
        assert_eq!(rp, bp, "problems, size {size}");
        assert_eq!(r.processes, b.processes, "processes, size {size}");
    }

    /// Rows whose quoted names hold line feeds, commas and escaped quotes, with LF and CR LF
    /// endings: read in ranges of a few bytes, most guessed cuts fall inside a record, many
    /// inside a quoted field.
    fn quoted_rows(n: usize) -> String {
        (0..n)
            .map(|i| match i % 5 {
                0 => format!("{i},税務課,\"賦課\n事務\",入力,{i}.5\n"),
                1 => format!("{i},\"市民,課\",受付,\"\"\"至急\"\"の確認\",1{i}\r\n"),
                2 => format!("{i},税務課,\"\",\"照合\r\n（繁忙期）\",2\n"),
                3 => format!("{i},福祉課,審査,\"\n\n一\n二\",0.25\r\n"),
                _ => format!("{i},福祉課,審査,決裁,{i}\n"),
            })
            .collect()
    }

    #[test]
    fn cuts_inside_quoted_fields_are_corrected() {
        let body = quoted_rows(200);
        for size in [1, 5, 16, 61, 100, 4096] {
            let (ranged, blocks) = both(body.as_bytes(), size);
            let ranged = ranged.unwrap_or_else(|| panic!("ranges given up, size {size}"));
            assert_same(&ranged, &blocks, size);
            assert_eq!(ranged.0.rows, 200);
        }
    }

    #[test]
    fn what_the_ranges_cannot_settle_gives_them_up() {
        let regular = quoted_rows(20);
        for (odd, why) in [
            ("1,a,b,c,2\n\n2,a,b,c,3\n", "an empty line"),
            ("1,a,b,c,2\n\r\n", "an empty line at the end"),
            ("1,a\"b,c,d,2\n", "a quote inside an unquoted field"),
            ("1,a,b,c\r2,d\n", "a carriage return inside a line"),
            ("1,a,b\0,c,2\n", "a NUL byte"),
            ("1,a,b,\"c,2\n", "a quote left open"),
        ] {
            let body = format!("{regular}{odd}{regular}");
            for size in [7, 4096] {
                let (ranged, _) = both(body.as_bytes(), size);
                assert!(ranged.is_none(), "{why}, size {size}");
            }
        }
        let mut body = regular.clone().into_bytes();
        body.extend_from_slice(b"1,a,\xff,c,2\n");
        assert!(both(&body, 64).0.is_none(), "bytes that are not UTF-8");
    }

    #[test]
    fn a_file_that_ends_without_a_line_feed_is_read_to_its_end() {
        for body in [
            "1,a,b,c,2",
            "1,a,b,c,2\n2,a,\"b\nc\",d,3",
            "1,a,b,c,2\r\n2,a,b,c,3",
        ] {
            for size in [3, 4096] {
                let (ranged, blocks) = both(body.as_bytes(), size);
                assert_same(&ranged.expect("read by ranges"), &blocks, size);
            }
        }
    }

    /// A body of regular CSV from pieces that make quotes, escapes, line endings, multibyte
    /// characters and bad cells meet the cuts; with `odd`, also what gives the ranges up.
    fn body(odd: bool) -> impl Strategy<Value = Vec<u8>> {
        let regular = prop_oneof![
            8 => Just("1,税務課,賦課,入力,12.5\n"),
            4 => Just("2,\"市民,課\",受付,\"a\nb\",3\r\n"),
            2 => Just("2,課,\"\n\n\",\"x\ny\r\nz\",3\n"),
            2 => Just("3,課,\"\"\"q\"\"\",照合,0\n"),
            1 => Just("4,課,,処理,1\n"),
            1 => Just(",,,,\n"),
            1 => Just("6,課,務,処理,約1,000\n"),
            1 => Just("7,課,務,処理,約1000\n"),
            1 => Just("\u{feff}8,課,務,処理,8\n"),
            1 => Just("9,課,務,処理,abc\n"),
        ];
        let piece = match odd {
            false => regular.boxed(),
            true => prop_oneof![
                8 => regular,
                1 => Just("\n"),
                1 => Just("5,課,務,\"x"),
                1 => Just("9,課\r務,処理,1\n"),
            ]
            .boxed(),
        };
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat().into_bytes())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn ranges_read_regular_csv_as_blocks_read_it(body in body(false), size in 1usize..200) {
            let (ranged, blocks) = both(&body, size);
            // A byte order mark starting a range is the one regular thing given up.
            let bom = body.windows(3).any(|w| w == "\u{feff}".as_bytes());
            match ranged {
                Some(ranged) => assert_same(&ranged, &blocks, size),
                None => prop_assert!(bom, "ranges given up"),
            }
        }

        #[test]
        fn ranges_read_what_blocks_read_or_give_up(body in body(true), size in 1usize..200) {
            let (ranged, blocks) = both(&body, size);
            if let Some(ranged) = ranged {
                assert_same(&ranged, &blocks, size);
            }
        }
    }
}
