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
use std::sync::atomic::{AtomicBool, Ordering};

/// How many distinct departments and tasks are counted exactly before the count is given up.
pub const DISTINCT_CAP: usize = 1 << 20;

type HashSetU64 = HashSet<u64, BuildHasherDefault<IdHasher>>;

/// A fixed seed, so counts never depend on the run.
const HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x7472_6961_6765);

/// Distinct departments and tasks over all rows, counted by 64-bit hash up to a cap. Each
/// block sends its names in one batch to the sets of the thread that read it (one pair per
/// worker, so threads never wait for each other); the counts are those of the union. A set
/// that passes the cap is dropped and the count is unknown; as the union is at least as large
/// as any part, that too is the same whatever thread read which block.
pub(crate) struct Distinct {
    sets: Vec<Mutex<[Option<HashSetU64>; 2]>>,
    over: [AtomicBool; 2],
    cap: usize,
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::with_cap(DISTINCT_CAP)
    }
}

impl Distinct {
    pub(super) fn with_cap(cap: usize) -> Distinct {
        // One pair per worker of the current pool, and one for any other thread.
        let threads = rayon::current_num_threads() + 1;
        Distinct {
            sets: (0..threads).map(|_| Mutex::default()).collect(),
            over: Default::default(),
            cap,
        }
    }

    pub(super) fn batch(&self) -> NameBatch<'_> {
        NameBatch {
            owner: self,
            hashes: [Vec::new(), Vec::new()],
            last: [None, None],
        }
    }

    pub(super) fn counts(&self) -> (Option<usize>, Option<usize>) {
        let sets: Vec<_> = (self.sets.iter())
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()))
            .collect();
        let count = |k: usize| {
            if self.over[k].load(Ordering::Relaxed) {
                return None;
            }
            let parts: Vec<&HashSetU64> = sets.iter().filter_map(|s| s[k].as_ref()).collect();
            let largest = parts.iter().copied().max_by_key(|s| s.len());
            let Some(largest) = largest else {
                return Some(0);
            };
            let others = parts.iter().filter(|s| !std::ptr::eq(**s, largest));
            let extra: HashSetU64 = others
                .flat_map(|s| s.iter())
                .filter(|h| !largest.contains(h))
                .copied()
                .collect();
            Some(largest.len() + extra.len()).filter(|&n| n <= self.cap)
        };
        (count(0), count(1))
    }

    /// The sets of the calling thread.
    fn own_sets(&self) -> std::sync::MutexGuard<'_, [Option<HashSetU64>; 2]> {
        let k = rayon::current_thread_index().map_or(0, |i| i + 1);
        let k = k.min(self.sets.len() - 1);
        self.sets[k].lock().unwrap_or_else(|e| e.into_inner())
    }
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

/// One block's names: hashed as they come (a run of equal names hashes once), merged at the end.
pub(crate) struct NameBatch<'a> {
    owner: &'a Distinct,
    hashes: [Vec<u64>; 2],
    last: [Option<u64>; 2],
}

impl NameBatch<'_> {
    pub(super) fn add(&mut self, department: &[u8], task: &[u8]) {
        self.note(0, department, b"");
        self.note(1, department, task);
    }

    /// Hashes the name made of `a` and `b` unless it repeats the previous one (rows of one
    /// department come together in a survey, so most repeat).
    fn note(&mut self, k: usize, a: &[u8], b: &[u8]) {
        if self.owner.over[k].load(Ordering::Relaxed) {
            return;
        }
        let mut hasher = HASH.build_hasher();
        hasher.write(a);
        hasher.write_u8(0x1f);
        hasher.write(b);
        let hash = hasher.finish();
        if self.last[k] != Some(hash) {
            self.last[k] = Some(hash);
            self.hashes[k].push(hash);
        }
    }

    pub(super) fn finish(self) {
        let mut sets = self.owner.own_sets();
        for (k, hashes) in self.hashes.into_iter().enumerate() {
            if self.owner.over[k].load(Ordering::Relaxed) {
                continue;
            }
            let set = sets[k].get_or_insert_with(HashSet::default);
            if set.len() + hashes.len() > set.capacity() && set.capacity() >= 1 << 16 {
                set.reserve(self.owner.cap + 1 - set.len()); // grow once to the cap, not by doubling
            }
            set.extend(hashes);
            if set.len() > self.owner.cap {
                sets[k] = None;
                self.owner.over[k].store(true, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
