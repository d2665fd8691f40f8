//! Ids' keys on disk: how an inventory whose ids are not numbered in order is checked for
//! repeats in memory that does not grow with the file.
//!
//! An id that is not part of a run of consecutive numbers takes an 8-byte key (see
//! [`IdKeys`]): a hundred million such rows would hold 800 MB of keys for the check alone.
//! Once the keys held pass a budget, each further block's keys go to disk instead, cut by
//! part of the key space into one temporary file per part, each block's behind its place in
//! the file. The check then reads the parts, as many at once as there are threads, sorts each
//! and finds the keys in it twice: a repeated key is always in one part, the part its value
//! falls in. Numbers are checked against the runs, which stay in memory (two numbers a
//! block), as they are when all keys are held. A reading that stops at an overlong record
//! counts no row after it, and the keys of the blocks after it are left out.

use super::{IdKeys, Repeated, push_span, repeated_by_sorting, twice};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Parts the keys of each kind are cut into: with a hundred million keys, 25 MB a part.
const PARTS: usize = 32;

/// Keys a part gathers before they are written.
const PENDING: usize = 8 << 10;

/// Where the workers put the keys of ids once those in memory pass the budget.
pub(in crate::inventory) struct KeySpill {
    /// Keys that may be held in memory.
    budget: usize,
    held: AtomicUsize,
    /// The numbers' parts, then the hashes'.
    parts: Vec<Mutex<Part>>,
    /// Some block's keys went to disk.
    used: AtomicBool,
    /// The first failure to write; the check reports it.
    failed: Mutex<Option<io::Error>>,
}

/// The keys of one part: those written, and those waiting to be; in both, each block's keys
/// follow its place in the file and their number.
#[derive(Default)]
struct Part {
    file: Option<File>,
    pending: Vec<u64>,
}

impl KeySpill {
    /// A spill that holds up to `budget` bytes of keys in memory.
    pub(in crate::inventory) fn new(budget: usize) -> KeySpill {
        KeySpill {
            budget: budget / size_of::<u64>(),
            held: AtomicUsize::new(0),
            parts: (0..2 * PARTS).map(|_| Mutex::default()).collect(),
            used: AtomicBool::new(false),
            failed: Mutex::new(None),
        }
    }

    /// Leaves the keys of block `seq` in `ids` while the budget allows; otherwise writes them
    /// to disk (the runs stay). Only for a block that will not be parsed again.
    pub(in crate::inventory) fn store(&self, ids: &mut IdKeys, seq: usize) {
        ids.finish();
        let n = ids.numbers.len() + ids.hashes.len();
        if n == 0 || self.held.fetch_add(n, Ordering::Relaxed) + n <= self.budget {
            return;
        }
        self.held.fetch_sub(n, Ordering::Relaxed);
        self.write(&ids.numbers, &ids.hashes, seq);
        (ids.numbers, ids.hashes) = (Vec::new(), Vec::new());
    }

    /// Adds the keys of block `seq` to their parts, writing those that have gathered enough;
    /// after a failure to write, nothing more (the check reports it).
    fn write(&self, numbers: &[u64], hashes: &[u64], seq: usize) {
        self.used.store(true, Ordering::Relaxed);
        if self.failed.lock().is_ok_and(|failed| failed.is_some()) {
            return;
        }
        let mut by_part = vec![Vec::new(); 2 * PARTS];
        numbers
            .iter()
            .for_each(|&n| by_part[number_part(n)].push(n));
        hashes
            .iter()
            .for_each(|&h| by_part[PARTS + hash_part(h)].push(h));
        for (part, keys) in self.parts.iter().zip(by_part) {
            if keys.is_empty() {
                continue;
            }
            let mut part = part.lock().unwrap_or_else(|e| e.into_inner());
            part.pending.extend([seq as u64, keys.len() as u64]);
            part.pending.extend(keys);
            if part.pending.len() >= PENDING
                && let Err(e) = part.flush()
            {
                self.fail(e);
            }
        }
    }

    fn fail(&self, e: io::Error) {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed.get_or_insert(e);
    }

    /// The ids noted more than once: those in `rest` (the keys held in memory, and every
    /// run) together with those on disk of the blocks up to `through` (all when `None`).
    pub(in crate::inventory) fn repeated(
        self,
        mut rest: IdKeys,
        through: Option<usize>,
    ) -> io::Result<Repeated> {
        rest.finish();
        if !self.used.load(Ordering::Relaxed) {
            return Ok(rest.repeated());
        }
        // The keys held are those of the blocks that count.
        self.write(&rest.numbers, &rest.hashes, 0);
        if let Some(e) = self.failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let mut runs = rest.runs;
        runs.par_sort_unstable();
        // Every number some run covers, as spans: a number among them is used again.
        let mut covered = Vec::new();
        runs.iter().for_each(|&run| push_span(&mut covered, run));
        let parts: Vec<Part> = (self.parts.into_iter())
            .map(|p| p.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect();
        let found = (parts.into_par_iter().enumerate())
            .map(|(i, part)| {
                let keys = part.read(through.unwrap_or(usize::MAX))?;
                Ok(match i < PARTS {
                    true => repeated_numbers(keys, &covered),
                    false => repeated_keys(keys),
                })
            })
            .collect::<io::Result<Vec<Vec<u64>>>>()?;
        let (numbers, hashes) = found.split_at(PARTS);
        let mut spans = repeated_by_sorting(runs, Vec::new());
        spans.extend(numbers.iter().flatten().map(|&n| (n, n)));
        spans.sort_unstable();
        let mut repeated = Vec::new();
        spans.into_iter().for_each(|s| push_span(&mut repeated, s));
        let mut hashes = hashes.concat();
        hashes.sort_unstable();
        Ok(Repeated {
            numbers: repeated,
            hashes,
        })
    }
}

impl Part {
    fn flush(&mut self) -> io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            none => none.insert(tempfile::tempfile()?),
        };
        let bytes: Vec<u8> = self.pending.iter().flat_map(|k| k.to_le_bytes()).collect();
        self.pending.clear();
        file.write_all(&bytes)
    }

    /// The part's keys of the blocks up to `through`, those written and those pending.
    fn read(self, through: usize) -> io::Result<Vec<u64>> {
        let mut words = Vec::new();
        if let Some(mut file) = self.file {
            let len = file.seek(SeekFrom::End(0))?;
            file.seek(SeekFrom::Start(0))?;
            words.reserve(len as usize / size_of::<u64>());
            let mut reader = BufReader::with_capacity(1 << 20, file);
            let mut word = [0; size_of::<u64>()];
            loop {
                match reader.read_exact(&mut word) {
                    Ok(()) => words.push(u64::from_le_bytes(word)),
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e),
                }
            }
        }
        words.extend(self.pending);
        Ok(blocks_through(words, through))
    }
}

/// The keys of `words` (blocks' places, their numbers of keys, and their keys) of the blocks
/// up to `through`, moved to the front in place.
fn blocks_through(mut words: Vec<u64>, through: usize) -> Vec<u64> {
    let (mut at, mut kept) = (0, 0);
    while let [seq, n, ..] = words[at..] {
        let (start, end) = (at + 2, (at + 2).saturating_add(n as usize).min(words.len()));
        if seq <= through as u64 {
            words.copy_within(start..end, kept);
            kept += end - start;
        }
        at = end;
    }
    words.truncate(kept);
    words
}

/// The part of the numbers a number falls in: its bits mixed, so that numbers close together
/// spread over all parts.
fn number_part(n: u64) -> usize {
    (n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 59) as usize % PARTS
}

/// The part of the hashes a hash falls in: its top bits.
fn hash_part(h: u64) -> usize {
    (h >> 59) as usize % PARTS
}

/// The keys found more than once, each once.
fn repeated_keys(mut keys: Vec<u64>) -> Vec<u64> {
    keys.sort_unstable();
    twice(&keys)
}

/// The numbers found more than once, or found once inside a run (`covered`: the numbers the
/// runs cover, as sorted spans), each once and in order.
fn repeated_numbers(mut numbers: Vec<u64>, covered: &[(u64, u64)]) -> Vec<u64> {
    numbers.sort_unstable();
    let in_run = |n: u64| {
        let at = covered.partition_point(|&(_, last)| last < n);
        covered.get(at).is_some_and(|&(first, _)| first <= n)
    };
    (numbers.chunk_by(|a, b| a == b))
        .filter(|same| same.len() > 1 || in_run(same[0]))
        .map(|same| same[0])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The blocks' keys with some or all of them on disk (`budget` bytes held in memory),
    /// those of the blocks up to `through` counted, as a reading that stopped there counts.
    fn spilled(blocks: &[Vec<String>], budget: usize, through: Option<usize>) -> Repeated {
        let spill = KeySpill::new(budget);
        let mut rest = IdKeys::default();
        for (seq, block) in blocks.iter().enumerate() {
            let mut keys = IdKeys::default();
            block.iter().for_each(|id| keys.add(id.as_bytes()));
            spill.store(&mut keys, seq);
            if through.is_none_or(|through| seq <= through) {
                rest.append(keys);
            }
        }
        spill.repeated(rest, through).unwrap()
    }

    fn in_memory(blocks: &[Vec<String>]) -> Repeated {
        spilled(blocks, usize::MAX, None)
    }

    #[test]
    fn keys_past_the_budget_go_to_disk_and_are_found_there() {
        let blocks = [
            vec!["1", "2", "3", "A-1", "9", "40"],
            vec!["A-2", "7", "40", "2"],
            vec!["A-1", "5", "6", "7", "8"],
        ]
        .map(|b| b.into_iter().map(String::from).collect::<Vec<_>>());
        let spill = KeySpill::new(0);
        let mut keys = IdKeys::default();
        blocks[0].iter().for_each(|id| keys.add(id.as_bytes()));
        spill.store(&mut keys, 0);
        let on_disk = keys.numbers.is_empty() && keys.hashes.is_empty();
        assert!(on_disk, "all went to disk");
        assert_eq!(keys.runs, vec![(1, 3)], "runs stay in memory");
        let r = spilled(&blocks, 0, None);
        assert_eq!(r, in_memory(&blocks));
        assert_eq!(r.numbers, vec![(2, 2), (7, 7), (40, 40)]);
        assert!(r.contains(b"A-1") && !r.contains(b"A-2"));
        // A reading that stopped in the second block counts none of the third's ids.
        let r = spilled(&blocks, 0, Some(1));
        assert_eq!(r.numbers, vec![(2, 2), (40, 40)]);
        assert!(!r.contains(b"A-1"));
    }

    proptest! {
        /// Whatever the budget and wherever the reading stopped, the keys on disk give the
        /// repeats the keys in memory give.
        #[test]
        fn keys_on_disk_give_the_repeats_keys_in_memory_give(
            blocks in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![
                        (0u64..60).prop_map(|n| n.to_string()),
                        (0u64..60).prop_map(|n| format!("0{n}")),
                        (0u64..30).prop_map(|n| (n << 50).to_string()),
                        "[A-D]{1,2}",
                    ],
                    0..40,
                ),
                1..6,
            ),
            budget in prop_oneof![Just(0usize), 0usize..400],
            through in prop::option::of(0usize..6),
        ) {
            let counted = through.map_or(blocks.len(), |t| (t + 1).min(blocks.len()));
            prop_assert_eq!(spilled(&blocks, budget, through), in_memory(&blocks[..counted]));
        }
    }
}
