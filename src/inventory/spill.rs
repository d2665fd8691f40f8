//! Kept processes on disk: how an inventory larger than memory is listed in bounded memory.
//!
//! The reader keeps every process a listing may need (see [`super::Keep`]). In a national
//! inventory of a hundred million rows that is millions of processes, more than a run should
//! hold in memory. So once the processes held pass a budget, each further block's processes
//! are written to an unnamed temporary file instead, sorted into rank order as one *run*, and
//! when the scan is done the blocks held so far follow; only the processes' hours (to rank)
//! and id hashes (to find repeated ids) stay in memory. The listing then merges the runs in
//! rank order, reading each a few kilobytes at a time: memory holds one buffer per run and one
//! window of processes, whatever the size of the inventory.
//!
//! Rank order is hours descending, ties in input order. Within a block a process's position
//! stands for its input position, and blocks are in file order, so merging runs by (hours,
//! block, position) gives the ranking exactly; every process read back carries its input
//! index, and the listing checks it against the ranking.
//!
//! A run is a sequence of records: the rank key (`u64`), the position in the block (`u32`) and
//! the length (`u32`) of the process as postcard encodes it, then those bytes. Lines, rows and
//! missing ids are block-relative on disk and made the file's when a process is read back.

use super::ids::KeySpill;
use crate::model::{Blocker, Process, Reduction, Status, Texts, WorkClass};
use crate::pareto::rank_key;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Memory the read buffers of all runs share while they are merged.
const MERGE_BUFFERS: usize = 32 << 20;

/// The fixed part of a record: rank key, position in the block, length of the encoding.
const HEADER: usize = 16;

/// Where a scan's workers put kept processes once those in memory pass the budget.
pub(super) struct Spill {
    /// Bytes of kept processes that may be held in memory.
    budget: usize,
    held: AtomicUsize,
    /// Size of the input, when known, the bytes of it parsed so far, and the bytes of all
    /// processes kept from them: what the processes will come to by the end is projected
    /// from these.
    size: Option<u64>,
    parsed: AtomicU64,
    kept: AtomicU64,
    /// The temporary file, made when the first block goes to disk, and its length.
    file: Mutex<Option<(File, u64)>>,
    /// The first failure to write; the scan reports it.
    failed: Mutex<Option<io::Error>>,
    /// Where the ids' keys go past their budget.
    pub(super) keys: KeySpill,
}

/// The ids' keys may take this fraction of the processes' budget besides it (see
/// [`KeySpill`]): with the default budget, four million keys.
const KEYS_SHARE: usize = 6;

/// A block's processes written to disk: where, and what stays in memory of them.
pub(super) struct OnDisk {
    offset: u64,
    len: u64,
    /// Hours and (with an id column) id hashes of the block's processes, in input order.
    pub hours: Vec<f64>,
    pub id_hashes: Vec<u64>,
}

impl Spill {
    pub(super) fn new(budget: usize, size: Option<u64>) -> Spill {
        Spill {
            budget,
            held: AtomicUsize::new(0),
            size,
            parsed: AtomicU64::new(0),
            kept: AtomicU64::new(0),
            file: Mutex::new(None),
            failed: Mutex::new(None),
            keys: KeySpill::new(budget / KEYS_SHARE),
        }
    }

    /// Leaves the processes of a block of `len` bytes in `kept` while the budget allows, now
    /// and as projected to the end of the input; otherwise writes them to disk as one run
    /// (`kept` left empty, without capacity) and returns where.
    ///
    /// Projecting keeps a national inventory's processes out of memory from the first block,
    /// so that the memory they would have taken is never asked of the allocator.
    pub(super) fn store(
        &self,
        kept: &mut Vec<Box<Process>>,
        ids: bool,
        len: usize,
    ) -> Option<OnDisk> {
        let parsed = self.parsed.fetch_add(len as u64, Ordering::Relaxed) + len as u64;
        if kept.is_empty() {
            return None;
        }
        let bytes: usize = kept.iter().map(|p| held_bytes(p)).sum();
        let held = self.held.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let all = self.kept.fetch_add(bytes as u64, Ordering::Relaxed) + bytes as u64;
        let projected = self.size.map_or(0, |size| {
            u128::from(all) * u128::from(size) / u128::from(parsed.max(1))
        });
        if held <= self.budget && projected <= self.budget as u128 {
            return None;
        }
        self.held.fetch_sub(bytes, Ordering::Relaxed);
        let written = self.write(kept, ids);
        *kept = Vec::new(); // its capacity too: thousands of blocks wait for the merge
        written
    }

    /// Writes a block's processes to disk as one run, and returns where; `None` (and the
    /// failure kept for [`Spill::finish`]) if the file cannot be written.
    pub(super) fn write(&self, kept: &[Box<Process>], ids: bool) -> Option<OnDisk> {
        let written = encode_run(kept).and_then(|run| Ok((self.append(&run)?, run.len())));
        let (offset, len) = match written {
            Ok(written) => written,
            Err(e) => {
                let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
                failed.get_or_insert(e);
                return None;
            }
        };
        Some(OnDisk {
            offset,
            len: len as u64,
            hours: kept.iter().map(|p| p.annual_hours).collect(),
            id_hashes: match ids {
                true => kept.iter().map(|p| super::id_hash(p.id())).collect(),
                false => Vec::new(),
            },
        })
    }

    fn append(&self, run: &[u8]) -> io::Result<u64> {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (file, len) = match &mut *file {
            Some(made) => made,
            none => none.insert((tempfile::tempfile()?, 0)),
        };
        file.write_all(run)?;
        let offset = *len;
        *len += run.len() as u64;
        Ok(offset)
    }

    /// The file the runs were written to, if any, and the ids' keys; or the first failure
    /// to write the runs.
    pub(super) fn finish(self) -> io::Result<(Option<File>, KeySpill)> {
        if let Some(e) = self.failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let file = self.file.into_inner().unwrap_or_else(|e| e.into_inner());
        Ok((file.map(|(file, _)| file), self.keys))
    }
}

/// What a kept process takes in memory, about: the record and its texts.
fn held_bytes(p: &Process) -> usize {
    std::mem::size_of::<Process>() + p.texts.len()
}

/// The block's processes as one run: records sorted by rank key and position.
fn encode_run(kept: &[Box<Process>]) -> io::Result<Vec<u8>> {
    let mut order: Vec<(u64, u32)> = (kept.iter().enumerate())
        .map(|(i, p)| (rank_key(p.annual_hours), i as u32))
        .collect();
    order.sort_unstable();
    let mut run = Vec::with_capacity(kept.iter().map(|p| HEADER + 64 + p.texts.len()).sum());
    for (key, i) in order {
        run.extend_from_slice(&key.to_le_bytes());
        run.extend_from_slice(&i.to_le_bytes());
        let at = run.len();
        run.extend_from_slice(&[0; 4]);
        run = postcard::to_extend(&Record::of(&kept[i as usize]), run)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let len = (run.len() - at - 4) as u32;
        run[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }
    Ok(run)
}

/// A process as it is written to disk.
#[derive(Serialize, Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    texts: [&'a str; 9],
    line: u64,
    row: u64,
    hours: f64,
    count: Option<f64>,
    class: Option<WorkClass>,
    reduction: RecordReduction,
    status: Option<Status>,
    feasible: bool,
    blocker: Option<Blocker>,
}

/// [`Reduction`] without the JSON output's shape.
#[derive(Serialize, Deserialize)]
enum RecordReduction {
    Estimate,
    QualitativeOnly,
    Hours(f64),
}

impl<'a> Record<'a> {
    fn of(p: &'a Process) -> Record<'a> {
        Record {
            texts: p.texts.all(),
            line: p.line,
            row: p.row as u64,
            hours: p.annual_hours,
            count: p.annual_count,
            class: p.class,
            reduction: match p.reduction {
                Reduction::Estimate => RecordReduction::Estimate,
                Reduction::QualitativeOnly => RecordReduction::QualitativeOnly,
                Reduction::Hours(h) => RecordReduction::Hours(h),
            },
            status: p.status,
            feasible: p.feasible,
            blocker: p.blocker,
        }
    }

    fn process(self) -> Process {
        Process {
            texts: Texts::new(self.texts),
            line: self.line,
            row: self.row as usize,
            annual_hours: self.hours,
            annual_count: self.count,
            class: self.class,
            reduction: match self.reduction {
                RecordReduction::Estimate => Reduction::Estimate,
                RecordReduction::QualitativeOnly => Reduction::QualitativeOnly,
                RecordReduction::Hours(h) => Reduction::Hours(h),
            },
            status: self.status,
            feasible: self.feasible,
            blocker: self.blocker,
            inventory: None,
        }
    }
}

/// The kept processes of an inventory read with a spill: on disk, each block's a run in rank
/// order.
pub struct Spilled {
    file: File,
    runs: Vec<Run>,
    /// Hours of every kept process, in input order: what the ranking needs.
    pub hours: Vec<f64>,
    /// Hashes of the kept processes' ids, in input order (empty without an id column).
    pub(super) id_hashes: Vec<u64>,
    /// Without an id column, a process's id is its row number.
    fill_ids: bool,
}

impl std::fmt::Debug for Spilled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spilled")
            .field("processes", &self.hours.len())
            .field("runs", &self.runs.len())
            .finish()
    }
}

/// One block's processes, on disk.
struct Run {
    /// Input index of the block's first kept process.
    first: usize,
    /// What makes the block's lines and rows the file's.
    line_base: u64,
    row_base: usize,
    /// Where the run is in the temporary file, and its length.
    offset: u64,
    len: u64,
}

/// Builds [`Spilled`] from the blocks of a scan, in file order.
#[derive(Default)]
pub(super) struct Runs {
    runs: Vec<Run>,
    hours: Vec<f64>,
    id_hashes: Vec<u64>,
}

impl Runs {
    /// Adds a block whose processes went to disk.
    pub(super) fn push(&mut self, on_disk: OnDisk, line_base: u64, row_base: usize) {
        let first = self.hours.len();
        self.hours.extend_from_slice(&on_disk.hours);
        self.id_hashes.extend_from_slice(&on_disk.id_hashes);
        self.runs.push(Run {
            first,
            line_base,
            row_base,
            offset: on_disk.offset,
            len: on_disk.len,
        });
    }

    pub(super) fn finish(self, file: File, fill_ids: bool) -> Spilled {
        Spilled {
            file,
            runs: self.runs,
            hours: self.hours,
            id_hashes: self.id_hashes,
            fill_ids,
        }
    }
}

impl Spilled {
    /// The kept processes in rank order, each with its input index.
    pub fn rank_order(&self) -> RankOrder<'_> {
        let chunk = (MERGE_BUFFERS / self.runs.len().max(1)).clamp(4 << 10, 1 << 20);
        let mut order = RankOrder {
            spilled: self,
            cursors: (self.runs.iter())
                .map(|r| Cursor::new(r.offset, r.len, chunk))
                .collect(),
            heads: BinaryHeap::with_capacity(self.runs.len()),
            error: None,
        };
        for r in 0..self.runs.len() {
            if let Err(e) = order.advance(r) {
                order.error = Some(e);
                break;
            }
        }
        order
    }

    /// Decodes a process of `run` and makes its line, row and id the file's.
    fn restore(&self, run: &Run, bytes: &[u8]) -> io::Result<Process> {
        let record: Record = postcard::from_bytes(bytes)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut p = record.process();
        p.line += run.line_base;
        p.row += run.row_base;
        if self.fill_ids {
            p.set_id(&p.row.to_string());
        }
        Ok(p)
    }
}

/// The merge of all runs: kept processes in rank order, with their input indices.
pub struct RankOrder<'a> {
    spilled: &'a Spilled,
    cursors: Vec<Cursor>,
    /// Each unfinished run's next process: (rank key, input index, run).
    heads: BinaryHeap<Reverse<(u64, usize, usize)>>,
    /// A failure to read, reported once, after which the merge ends.
    error: Option<io::Error>,
}

/// Where the merge is in one run.
struct Cursor {
    /// File position of the next bytes to read, and the run's end.
    at: u64,
    end: u64,
    /// Bytes read at a time.
    chunk: usize,
    buf: Vec<u8>,
    pos: usize,
    /// The encoding of the run's next process, read ahead.
    next: Vec<u8>,
}

impl Cursor {
    fn new(offset: u64, len: u64, chunk: usize) -> Cursor {
        Cursor {
            at: offset,
            end: offset + len,
            chunk,
            buf: Vec::new(),
            pos: 0,
            next: Vec::new(),
        }
    }

    /// Reads the next record into `next`; returns its rank key and position in the block, or
    /// `None` at the end of the run.
    fn next_record(&mut self, file: &File) -> io::Result<Option<(u64, u32)>> {
        if !self.fill(file, HEADER)? {
            return Ok(None);
        }
        let header = &self.buf[self.pos..self.pos + HEADER];
        let word = |at: usize| u32::from_le_bytes([0, 1, 2, 3].map(|k| header[at + k]));
        let key = u64::from(word(0)) | (u64::from(word(4)) << 32);
        let (local, len) = (word(8), word(12) as usize);
        self.pos += HEADER;
        if !self.fill(file, len)? {
            let cut = "a kept process was cut short in the temporary file";
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, cut));
        }
        self.next.clear();
        self.next
            .extend_from_slice(&self.buf[self.pos..self.pos + len]);
        self.pos += len;
        Ok(Some((key, local)))
    }

    /// Makes `n` unread bytes available in the buffer; false if the run has fewer left.
    fn fill(&mut self, file: &File, n: usize) -> io::Result<bool> {
        if self.buf.len() - self.pos >= n {
            return Ok(true);
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        let want = (n - self.buf.len()).max(self.chunk) as u64;
        let take = want.min(self.end - self.at) as usize;
        if self.buf.len() + take < n {
            return Ok(false);
        }
        let mut reader = file;
        reader.seek(SeekFrom::Start(self.at))?;
        let start = self.buf.len();
        self.buf.resize(start + take, 0);
        reader.read_exact(&mut self.buf[start..])?;
        self.at += take as u64;
        Ok(true)
    }
}

impl RankOrder<'_> {
    /// Reads run `r`'s next process ahead and puts it among the heads.
    fn advance(&mut self, r: usize) -> io::Result<()> {
        let first = self.spilled.runs[r].first;
        if let Some((key, local)) = self.cursors[r].next_record(&self.spilled.file)? {
            self.heads.push(Reverse((key, first + local as usize, r)));
        }
        Ok(())
    }
}

impl Iterator for RankOrder<'_> {
    type Item = io::Result<(usize, Process)>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.error.take() {
            self.heads.clear();
            return Some(Err(e));
        }
        let Reverse((_, index, r)) = self.heads.pop()?;
        let run = &self.spilled.runs[r];
        let read = (self.spilled.restore(run, &self.cursors[r].next))
            .and_then(|p| self.advance(r).map(|()| p));
        match read {
            Ok(p) => Some(Ok((index, p))),
            Err(e) => {
                self.heads.clear();
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(id: &str, hours: f64, line: u64) -> Box<Process> {
        let mut p = Process::new(id, "市民課", "住民票", "入力", hours);
        p.line = line;
        p.row = line as usize - 1;
        Box::new(p)
    }

    #[test]
    fn a_process_comes_back_as_it_went() {
        let mut p = process("A-1", 1234.5, 7);
        p.texts = Texts::new([
            "A-1", "局", "部", "課", "係", "事務", "業務", "処理", "説明",
        ]);
        p.annual_count = Some(12.0);
        p.class = Some(WorkClass::Input);
        p.reduction = Reduction::Hours(99.25);
        p.status = Some(Status::UnderReview);
        p.feasible = false;
        p.blocker = Some(Blocker::PolicyChange);
        let spill = Spill::new(0, None);
        let on_disk = spill.write(std::slice::from_ref(&p), true).unwrap();
        let mut runs = Runs::default();
        runs.push(on_disk, 100, 1000);
        let spilled = runs.finish(spill.finish().unwrap().0.unwrap(), false);
        let back: Vec<_> = spilled.rank_order().map(Result::unwrap).collect();
        let mut expected = p.clone();
        (expected.line, expected.row) = (107, 1006);
        assert_eq!(back, vec![(0, *expected)]);
    }

    #[test]
    fn runs_merge_into_the_ranking() {
        // Two blocks; equal hours keep input order across them.
        let blocks = [
            vec![
                process("a", 5.0, 2),
                process("b", 10.0, 3),
                process("c", 5.0, 4),
            ],
            vec![process("d", 10.0, 2), process("e", 7.5, 3)],
        ];
        let spill = Spill::new(0, None);
        let mut runs = Runs::default();
        for (k, block) in blocks.iter().enumerate() {
            let mut kept = block.clone();
            let on_disk = spill.store(&mut kept, true, 1).expect("spilled");
            assert!(kept.is_empty() && kept.capacity() == 0);
            runs.push(on_disk, 10 * k as u64, 3 * k);
        }
        let spilled = runs.finish(spill.finish().unwrap().0.unwrap(), true);
        let ranked: Vec<(usize, String, u64)> = (spilled.rank_order())
            .map(|read| read.map(|(i, p)| (i, p.id().to_string(), p.line)).unwrap())
            .collect();
        let ids: Vec<&str> = ranked.iter().map(|(_, id, _)| id.as_str()).collect();
        // Without an id column the ids are the rows: b, d, e, a, c -> rows 2, 4, 5, 1, 3.
        assert_eq!(ids, ["2", "4", "5", "1", "3"]);
        let indices: Vec<usize> = ranked.iter().map(|(i, ..)| *i).collect();
        assert_eq!(indices, [1, 3, 4, 0, 2]);
        assert_eq!(ranked[1].2, 12, "the second block's lines follow its base");
        assert_eq!(spilled.hours, [5.0, 10.0, 5.0, 10.0, 7.5]);
        assert_eq!(spilled.id_hashes.len(), 5);
    }

    #[test]
    fn processes_on_course_to_pass_the_budget_go_to_disk_at_once() {
        let held = held_bytes(&process("a", 5.0, 2));
        // 1 KiB of a 1 MiB input keeps one process: a thousand by the end.
        let spill = Spill::new(100 * held, Some(1 << 20));
        let mut kept = vec![process("a", 5.0, 2)];
        assert!(spill.store(&mut kept, true, 1 << 10).is_some());
        assert!(kept.is_empty());
        // Without a size, only what is held counts.
        let spill = Spill::new(100 * held, None);
        let mut kept = vec![process("a", 5.0, 2)];
        assert!(spill.store(&mut kept, true, 1 << 10).is_none());
    }

    #[test]
    fn processes_stay_in_memory_within_the_budget() {
        let spill = Spill::new(1 << 20, Some(1 << 20));
        let mut kept = vec![process("a", 5.0, 2)];
        assert!(spill.store(&mut kept, true, 1 << 19).is_none());
        assert_eq!(kept.len(), 1);
        assert!(spill.finish().unwrap().0.is_none(), "no file was made");
    }
}
