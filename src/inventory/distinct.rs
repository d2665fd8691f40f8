//! Counting distinct departments and tasks over every row, in memory that does not grow with
//! the file.
//!
//! Names are counted by 64-bit hash (a collision among a million names has a probability of
//! about 3 x 10^-8), exactly up to [`DISTINCT_CAP`] of each; beyond that the count is given up
//! and reported as unknown, so that a national inventory cannot exhaust memory for a line of
//! the survey totals.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How many distinct departments and tasks are counted exactly before the count is given up.
pub const DISTINCT_CAP: usize = 1 << 20;

type HashSetU64 = HashSet<u64, BuildHasherDefault<IdHasher>>;

/// A fixed seed, so counts never depend on the run.
const HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x7472_6961_6765);

/// Distinct departments and tasks over all rows, counted by 64-bit hash up to a cap. Each
/// block sends its names in one batch; the hashes are split over [`SHARDS`] sets by some of
/// their bits, each behind its own lock, so that threads seldom wait for each other and each
/// name is held once, whatever thread read it. The count is the sum of the sets' sizes; once
/// it passes the cap the sets are dropped and the count is unknown, which happens exactly when
/// the file has more names than the cap, whatever thread read which block.
pub(crate) struct Distinct {
    shards: [Vec<Mutex<HashSetU64>>; 2],
    len: [AtomicUsize; 2],
    over: [AtomicBool; 2],
    cap: usize,
}

/// Sets each kind of name is split over.
const SHARDS: usize = 64;

/// The set a hash goes to: bits 40 to 45, away from the low bits that place it in its set's
/// table and the top seven that the table keeps as its tag.
fn shard(hash: u64) -> usize {
    (hash >> 40) as usize % SHARDS
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::with_cap(DISTINCT_CAP)
    }
}

impl Distinct {
    pub(super) fn with_cap(cap: usize) -> Distinct {
        let sets = || (0..SHARDS).map(|_| Mutex::default()).collect();
        Distinct {
            shards: [sets(), sets()],
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

    pub(super) fn counts(&self) -> (Option<usize>, Option<usize>) {
        let count = |k: usize| {
            let over = self.over[k].load(Ordering::Relaxed);
            (!over).then(|| self.len[k].load(Ordering::Relaxed))
        };
        (count(0), count(1))
    }

    /// Adds hashes of kind `k`, ordered by [`shard`] with `starts[s]` where shard `s` begins.
    fn add(&self, k: usize, hashes: &[u64], starts: &[usize; SHARDS + 1]) {
        let mut added = 0;
        for (s, set) in self.shards[k].iter().enumerate() {
            let part = &hashes[starts[s]..starts[s + 1]];
            if part.is_empty() {
                continue;
            }
            let mut set = set.lock().unwrap_or_else(|e| e.into_inner());
            let before = set.len();
            set.extend(part);
            added += set.len() - before;
        }
        if self.len[k].fetch_add(added, Ordering::Relaxed) + added > self.cap {
            self.over[k].store(true, Ordering::Relaxed);
            for set in &self.shards[k] {
                *set.lock().unwrap_or_else(|e| e.into_inner()) = HashSetU64::default();
            }
        }
    }
}

/// `hashes` ordered by [`shard`] (a counting sort), and where each shard's part starts.
fn by_shard(hashes: &[u64]) -> (Vec<u64>, [usize; SHARDS + 1]) {
    let mut starts = [0; SHARDS + 1];
    for &h in hashes {
        starts[shard(h) + 1] += 1;
    }
    for s in 0..SHARDS {
        starts[s + 1] += starts[s];
    }
    let mut next = starts;
    let mut sorted = vec![0; hashes.len()];
    for &h in hashes {
        let s = shard(h);
        sorted[next[s]] = h;
        next[s] += 1;
    }
    (sorted, starts)
}

/// Hashes are already uniform; the set needs no second hash.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One block's names: hashed as they come, merged at the end. Rows of one department come
/// together in a survey, so a department is hashed once per run of rows, and a task is hashed
/// with its department's hash rather than its name.
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
    pub(super) fn add(&mut self, department: &[u8], task: &[u8]) {
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
            if !self.owner.over[k].load(Ordering::Relaxed) {
                let (hashes, starts) = by_shard(hashes);
                self.owner.add(k, &hashes, &starts);
            }
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
}
