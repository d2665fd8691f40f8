//! Counting distinct departments and tasks over every row, in memory that does not grow with
//! the file.
//!
//! Names are counted by 64-bit hash (a collision among a million names has a probability of
//! about 3 x 10^-8), exactly up to [`DISTINCT_CAP`] of each; beyond that the count is given up
//! and reported as unknown, so that a national inventory cannot exhaust memory for a line of
//! the survey totals.

use super::record::trim_cell;
use rayon::prelude::*;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How many distinct departments and tasks are counted exactly before the count is given up.
pub const DISTINCT_CAP: usize = 1 << 20;

/// A fixed seed, so counts never depend on the run.
const HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x7472_6961_6765);

/// Distinct departments and tasks over all rows, counted by 64-bit hash up to a cap. Each
/// block sends its names in one batch to a pool, which the reading threads add to the sets
/// [`POOL`] hashes at a time, each pool's sets in parallel; the hashes are split over
/// [`SHARDS`] sets by some of their bits, each behind its own lock, so that threads seldom
/// wait for each other and each name is held once, whatever thread read it. The count is the
/// sum of the sets' sizes; once it passes the cap the sets are dropped and the count is
/// unknown, which happens exactly when the file has more names than the cap, whatever thread
/// read which block.
pub(crate) struct Distinct {
    shards: [Vec<Mutex<HashSet>>; 2],
    /// Hashes sent and not yet added, of each kind.
    pooled: [Mutex<Vec<u64>>; 2],
    /// Full pools waiting for a reading thread to add them (see [`Distinct::work`]), with
    /// their kind.
    full: Mutex<Vec<(usize, Vec<u64>)>>,
    len: [AtomicUsize; 2],
    over: [AtomicBool; 2],
    cap: usize,
}

/// Sets each kind of name is split over.
const SHARDS: usize = 64;

/// Hashes pooled before they are added: many blocks' worth, so that each set's part of them,
/// put in the order of their places in its table (see [`by_shard`]), is dense enough to be
/// added in one sweep over the table, where a block's part alone would touch a cache line of
/// the table with each hash (2 MiB of each kind; at the cap, each kind's sets hold 16 MiB).
const POOL: usize = 1 << 18;

/// The set a hash goes to: bits 40 to 45, away from the low bits that place it in its set's
/// table.
fn shard(hash: u64) -> usize {
    (hash >> 40) as usize % SHARDS
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::with_cap(DISTINCT_CAP)
    }
}

impl Distinct {
    /// A count of names, or none at all (`count` false): every name is then turned away at
    /// once, as when both counts are given up, and the counts are unknown.
    pub(super) fn new(count: bool) -> Distinct {
        let distinct = Distinct::default();
        if !count {
            distinct
                .over
                .iter()
                .for_each(|o| o.store(true, Ordering::Relaxed));
        }
        distinct
    }

    pub(super) fn with_cap(cap: usize) -> Distinct {
        let sets = || (0..SHARDS).map(|_| Mutex::default()).collect();
        Distinct {
            shards: [sets(), sets()],
            pooled: Default::default(),
            full: Mutex::default(),
            len: Default::default(),
            over: Default::default(),
            cap,
        }
    }

    pub(super) fn batch(&self) -> NameBatch<'_> {
        NameBatch {
            owner: self,
            hashes: [Vec::new(), Vec::new()],
            department: Vec::new(),
            department_hash: None,
            task_hash: None,
        }
    }

    /// The counts, once every block has sent its names. What is left in the pools is added
    /// after the read, the two kinds side by side and each kind's sets in parallel: at a
    /// million rows, each kind can have a quarter of a million names left.
    pub(super) fn counts(&self) -> (Option<usize>, Option<usize>) {
        let full = std::mem::take(&mut *self.full.lock().unwrap_or_else(|e| e.into_inner()));
        let count = |k: usize| {
            let mut rest =
                std::mem::take(&mut *self.pooled[k].lock().unwrap_or_else(|e| e.into_inner()));
            (full.iter().filter(|(kind, _)| *kind == k)).for_each(|(_, f)| rest.extend(f));
            self.add_all(k, &rest);
            let over = self.over[k].load(Ordering::Relaxed);
            (!over).then(|| self.len[k].load(Ordering::Relaxed))
        };
        rayon::join(|| count(0), || count(1))
    }

    /// Pools a block's hashes of kind `k`; a pool that is full waits for [`Distinct::work`].
    fn send(&self, k: usize, hashes: &[u64]) {
        if self.over[k].load(Ordering::Relaxed) {
            return;
        }
        let mut pooled = self.pooled[k].lock().unwrap_or_else(|e| e.into_inner());
        pooled.extend_from_slice(hashes);
        if pooled.len() >= POOL {
            let full = std::mem::take(&mut *pooled);
            drop(pooled);
            (self.full.lock().unwrap_or_else(|e| e.into_inner())).push((k, full));
        }
    }

    /// Adds the full pools sent so far. The reading threads call it between blocks: names
    /// are sent by whoever settles a block's place in the file, which for a file read in
    /// ranges is a thread of its own, and a pool it added itself would hold back the end
    /// of the read, where the threads that read have nothing left to do.
    pub(super) fn work(&self) {
        loop {
            let next = self.full.lock().unwrap_or_else(|e| e.into_inner()).pop();
            match next {
                Some((k, pool)) => self.add_all(k, &pool),
                None => return,
            }
        }
    }

    /// Adds hashes of kind `k`, in any order.
    fn add_all(&self, k: usize, hashes: &[u64]) {
        if !hashes.is_empty() && !self.over[k].load(Ordering::Relaxed) {
            let (hashes, starts) = by_shard(hashes);
            self.add(k, &hashes, &starts);
        }
    }

    /// Adds hashes of kind `k`, ordered by [`shard`] with `starts[s]` where shard `s` begins,
    /// the sets in parallel.
    fn add(&self, k: usize, hashes: &[u64], starts: &[usize; SHARDS + 1]) {
        let added: usize = (self.shards[k].par_iter().enumerate())
            .map(|(s, set)| match &hashes[starts[s]..starts[s + 1]] {
                [] => 0,
                part => set.lock().unwrap_or_else(|e| e.into_inner()).extend(part),
            })
            .sum();
        if self.len[k].fetch_add(added, Ordering::Relaxed) + added > self.cap {
            self.over[k].store(true, Ordering::Relaxed);
            for set in &self.shards[k] {
                *set.lock().unwrap_or_else(|e| e.into_inner()) = HashSet::default();
            }
        }
    }
}

/// `hashes` ordered by [`shard`] and, within a shard, by bits 8 to 15, with where each
/// shard's part starts. A set places a hash in its table by the hash's low bits, so a part in
/// this order goes through the table from start to end, each hash within 256 slots (2 KiB,
/// which the cache holds) of the one before; in the order of the file each would land at a
/// random place, a cache miss each. Two counting sorts, the second keeping the first's order.
fn by_shard(hashes: &[u64]) -> (Vec<u64>, [usize; SHARDS + 1]) {
    let (mut sorted, mut spare) = (vec![0; hashes.len()], vec![0; hashes.len()]);
    sort_by_digit::<256>(hashes, &mut spare, |h| usize::from((h >> 8) as u8));
    let starts = sort_by_digit::<SHARDS>(&spare, &mut sorted, shard);
    let mut bounds = [hashes.len(); SHARDS + 1];
    bounds[..SHARDS].copy_from_slice(&starts);
    (sorted, bounds)
}

/// Moves `from` into `to` ordered by `digit` (below `N`), equal digits in the order they came
/// in; returns where each digit's part starts.
fn sort_by_digit<const N: usize>(
    from: &[u64],
    to: &mut [u64],
    digit: impl Fn(u64) -> usize,
) -> [usize; N] {
    let mut starts = [0; N];
    for &h in from {
        starts[digit(h)] += 1;
    }
    let mut sum = 0;
    for start in &mut starts {
        (*start, sum) = (sum, sum + *start);
    }
    let mut next = starts;
    for &h in from {
        let d = digit(h);
        to[next[d]] = h;
        next[d] += 1;
    }
    starts
}

/// A set of hashes, each placed by its low bits in a table at most three quarters full, or in
/// the next free slot when that one is taken (open addressing, linear probing). Hashes are
/// already uniform, and a pool comes in the order of their places (see [`by_shard`]), so
/// adding it is one sweep over the table. In a profile at 1M rows, counting names took 11 % of
/// the CPU time with the standard library's set and each block's names added on their own,
/// and 5 % pooled into this one.
#[derive(Default)]
struct HashSet {
    /// 0 marks a free slot; the hash 0 is held by `zero`.
    slots: Vec<u64>,
    filled: usize,
    zero: bool,
}

impl HashSet {
    /// Adds `hashes`; returns how many were new.
    fn extend(&mut self, hashes: &[u64]) -> usize {
        let needed = (self.filled + hashes.len()) * 4;
        if needed > self.slots.len() * 3 {
            self.grow(needed.div_ceil(3).next_power_of_two());
        }
        let before = self.filled + usize::from(self.zero);
        for &h in hashes {
            match h {
                0 => self.zero = true,
                h => self.insert(h),
            }
        }
        self.filled + usize::from(self.zero) - before
    }

    /// Adds a hash other than 0, with room for it.
    fn insert(&mut self, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = hash;
                    self.filled += 1;
                    return;
                }
                held if held == hash => return,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Moves the hashes into a table of `size` slots, in the order of their old places, which
    /// is nearly the order of their new ones. The table is cleared in one pass as it is made:
    /// memory that is only zeroed by the system as each page is first touched costs two faults
    /// a page, at random places in the table.
    #[expect(
        clippy::slow_vector_initialization,
        reason = "vec![0; n] asks for memory the system zeroes page by page on first touch"
    )]
    fn grow(&mut self, size: usize) {
        let mut slots = Vec::with_capacity(size);
        slots.resize(size, 0);
        let old = std::mem::replace(&mut self.slots, slots);
        self.filled = 0;
        old.into_iter()
            .filter(|&h| h != 0)
            .for_each(|h| self.insert(h));
    }
}

/// One block's names: hashed as they come, sent to the pool at the end. Rows of one
/// department come together in a survey, so a department is hashed once per run of rows, and
/// a task is hashed with its department's hash rather than its name.
pub(crate) struct NameBatch<'a> {
    owner: &'a Distinct,
    hashes: [Vec<u64>; 2],
    /// The last department and its hash.
    department: Vec<u8>,
    department_hash: Option<u64>,
    /// The hash of the last department and task.
    task_hash: Option<u64>,
}

impl NameBatch<'_> {
    /// Counts a row's names, given as they stand in the record: they are trimmed only when
    /// counted.
    #[inline]
    pub(super) fn add(&mut self, department: &[u8], task: &[u8]) {
        let over = &self.owner.over;
        if over[0].load(Ordering::Relaxed) && over[1].load(Ordering::Relaxed) {
            // Both counts are given up, or not asked for: nothing of this row's names is
            // needed.
            return;
        }
        self.hash(department, task);
    }

    /// [`NameBatch::add`] of a row whose names are counted; out of line, so that the test
    /// above stays inline in the reader's loop.
    #[inline(never)]
    fn hash(&mut self, department: &[u8], task: &[u8]) {
        let (department, task) = (trim_cell(department), trim_cell(task));
        let department_hash = match self.department_hash {
            Some(hash) if self.department == department => hash,
            _ => {
                let hash = HASH.hash_one(department);
                self.department.clear();
                self.department.extend_from_slice(department);
                self.department_hash = Some(hash);
                self.note(0, hash);
                hash
            }
        };
        if self.owner.over[1].load(Ordering::Relaxed) {
            return;
        }
        let mut hasher = HASH.build_hasher();
        hasher.write_u64(department_hash);
        hasher.write(task);
        let hash = hasher.finish();
        if self.task_hash != Some(hash) {
            self.task_hash = Some(hash);
            self.note(1, hash);
        }
    }

    /// Keeps a name's hash of kind `k` unless that count has been given up.
    fn note(&mut self, k: usize, hash: u64) {
        if !self.owner.over[k].load(Ordering::Relaxed) {
            self.hashes[k].push(hash);
        }
    }

    pub(super) fn finish(self) {
        for (k, hashes) in self.hashes.iter().enumerate() {
            self.owner.send(k, hashes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_applies_to_the_union_of_the_batches() {
        let send = |distinct: &Distinct, names: &[&str]| {
            let mut batch = distinct.batch();
            names.iter().for_each(|d| batch.add(d.as_bytes(), b""));
            batch.finish();
        };
        for (cap, expected) in [(4, Some(4)), (3, None)] {
            let distinct = Distinct::with_cap(cap);
            send(&distinct, &["a", "b", "c"]);
            send(&distinct, &["b", "c", "d", "a"]);
            assert_eq!(distinct.counts().0, expected, "cap {cap}");
        }
        let (sorted, starts) = by_shard(&[u64::MAX, 0, 1 << 40, 3 << 40]);
        assert_eq!(sorted, [0, 1 << 40, 3 << 40, u64::MAX]);
        assert_eq!(
            (starts[1], starts[2], starts[4], starts[SHARDS]),
            (1, 2, 3, 4)
        );
    }

    #[test]
    fn batches_are_ordered_by_shard_then_by_place_in_the_table() {
        let hashes: Vec<u64> = (0..5000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17))
            .collect();
        let (sorted, starts) = by_shard(&hashes);
        let (mut expected, mut got) = (hashes.clone(), sorted.clone());
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected, "the same hashes");
        for s in 0..SHARDS {
            let part = &sorted[starts[s]..starts[s + 1]];
            assert!(part.iter().all(|&h| shard(h) == s), "shard {s}");
            let place = |h: &u64| (h >> 8) as u8;
            assert!(part.is_sorted_by_key(place), "shard {s} in table order");
        }
        assert_eq!(starts[SHARDS], hashes.len());
    }

    #[test]
    fn the_set_counts_each_hash_once_through_growth_zero_included() {
        let mut set = HashSet::default();
        let mut reference = std::collections::HashSet::new();
        let mut x = 1u64;
        for round in 0..40 {
            let batch: Vec<u64> = (0..round * 37)
                .map(|i| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    // Repeats, near neighbours in the table, and 0.
                    [x, x >> 50, x & !0xFFFF, 0][i % 4]
                })
                .collect();
            let new = batch.iter().filter(|&&h| reference.insert(h)).count();
            assert_eq!(set.extend(&batch), new, "round {round}");
        }
        assert!(set.filled * 4 <= set.slots.len() * 3);
    }

    #[test]
    fn a_count_not_asked_for_holds_no_name_and_is_unknown() {
        for count in [true, false] {
            let distinct = Distinct::new(count);
            let mut batch = distinct.batch();
            (0..1000).for_each(|i| batch.add(format!("d{i}").as_bytes(), b"t"));
            batch.finish();
            distinct.work();
            let pooled: usize = distinct
                .pooled
                .iter()
                .map(|p| p.lock().unwrap().len())
                .sum();
            let expected = match count {
                true => (Some(1000), Some(1000), 2000),
                false => (None, None, 0),
            };
            let (departments, tasks) = distinct.counts();
            assert_eq!((departments, tasks, pooled), expected);
        }
    }

    #[test]
    fn full_pools_count_the_same_added_by_the_readers_or_left_to_the_end() {
        let counted = |work: bool| {
            let distinct = Distinct::default();
            for block in 0..6 {
                let mut batch = distinct.batch();
                // 60,000 names a block, a third of them seen in the block before.
                for i in block * 40_000..block * 40_000 + 60_000 {
                    batch.add(format!("d{}", i / 2).as_bytes(), format!("t{i}").as_bytes());
                }
                batch.finish();
                if work {
                    distinct.work();
                }
            }
            let waiting = distinct.full.lock().unwrap().len();
            (distinct.counts(), waiting)
        };
        let expected = (Some(130_000), Some(260_000));
        assert_eq!(counted(true), (expected, 0), "added as they filled");
        let (counts, waiting) = counted(false);
        assert_eq!(counts, expected, "added at the end");
        assert!(waiting > 0, "pools filled and waited");
    }

    #[test]
    fn counts_exactly_up_to_the_cap_in_any_order() {
        let distinct = Distinct::with_cap(5);
        for names in [
            &[("a", "x"), ("a", "x"), ("a", "y")][..],
            &[("b", "x"), ("a", "y")],
        ] {
            let mut batch = distinct.batch();
            names
                .iter()
                .for_each(|(d, t)| batch.add(d.as_bytes(), t.as_bytes()));
            batch.finish();
        }
        assert_eq!(distinct.counts(), (Some(2), Some(3)));
        let mut batch = distinct.batch();
        ["c", "d", "e"]
            .iter()
            .for_each(|d| batch.add(d.as_bytes(), b"z"));
        batch.finish();
        assert_eq!(
            distinct.counts(),
            (Some(5), None),
            "6 tasks pass the cap of 5"
        );
    }

    #[test]
    fn names_are_not_hashed_once_both_counts_are_given_up() {
        let distinct = Distinct::with_cap(2);
        let mut batch = distinct.batch();
        ["a", "b", "c"]
            .iter()
            .for_each(|d| batch.add(d.as_bytes(), b"z"));
        batch.finish();
        assert_eq!(distinct.counts(), (None, None));
        let mut batch = distinct.batch();
        batch.add(b"d", b"w");
        assert!(batch.hashes.iter().all(Vec::is_empty), "nothing noted");
        assert_eq!(batch.department_hash, None, "nothing hashed");
        batch.finish();
        assert_eq!(distinct.counts(), (None, None));
    }
}
