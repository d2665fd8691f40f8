//! Ids used more than once, over every row of an inventory, in memory that does not grow with
//! the file when its ids are numbered in order.
//!
//! A reading that keeps only the rows it lists cannot find a repeated id among the kept
//! processes alone: the two rows may be any two of the file. So every valid row's id is noted
//! as it is read ([`IdKeys`]): a run of consecutive whole numbers, the usual numbering of a
//! survey, as its two ends; any other id as one 8-byte key, its number or the hash of its
//! text. Once all rows are read, runs and keys are sorted and compared
//! ([`IdKeys::repeated`]); numbers outside runs that lie close together, as in a survey sorted
//! by some other column, are marked in a bitmap of their range instead of sorted. The ids
//! found more than once ([`Repeated`]) are few, and a second reading keeps exactly the rows
//! that hold them, to report each with its line as a reading that keeps every row does.
//! Keys past a budget wait on disk ([`KeySpill`]), so that ids in no order do not make a
//! national inventory's check outgrow its memory.

use rayon::prelude::*;

mod disk;
pub(super) use disk::KeySpill;

/// The ids of the valid rows read so far, by block, in the order read.
#[derive(Debug, Default)]
pub(super) struct IdKeys {
    /// Runs of two or more consecutive numbers, first and last.
    runs: Vec<(u64, u64)>,
    /// Numbers outside runs.
    numbers: Vec<u64>,
    /// Hashes of the ids that are not numbers (see [`number`]).
    hashes: Vec<u64>,
    /// The run being read.
    open: Option<(u64, u64)>,
}

impl IdKeys {
    /// Notes the id of a valid row (its trimmed cell).
    #[inline(always)]
    pub(super) fn add(&mut self, id: &[u8]) {
        match number(id) {
            Some(n) => self.add_number(n),
            None => self.hashes.push(hash(id)),
        }
    }

    #[inline(always)]
    fn add_number(&mut self, n: u64) {
        match &mut self.open {
            Some((_, last)) if last.checked_add(1) == Some(n) => *last = n,
            open => {
                if let Some(run) = open.replace((n, n)) {
                    self.close(run);
                }
            }
        }
    }

    fn close(&mut self, (first, last): (u64, u64)) {
        match first == last {
            true => self.numbers.push(first),
            false => self.runs.push((first, last)),
        }
    }

    fn finish(&mut self) {
        if let Some(run) = self.open.take() {
            self.close(run);
        }
    }

    /// Adds the ids of the rows read after these.
    pub(super) fn append(&mut self, mut later: IdKeys) {
        self.finish();
        later.finish();
        self.runs.append(&mut later.runs);
        self.numbers.append(&mut later.numbers);
        self.hashes.append(&mut later.hashes);
    }

    /// The ids noted more than once.
    pub(super) fn repeated(mut self) -> Repeated {
        self.finish();
        let (mut runs, numbers, mut hashes) = (self.runs, self.numbers, self.hashes);
        runs.par_sort_unstable();
        hashes.par_sort_unstable();
        let numbers = match Seen::for_numbers(&numbers) {
            Some(seen) => repeated_by_marking(seen, runs, &numbers),
            None => repeated_by_sorting(runs, numbers),
        };
        let hashes = twice(&hashes);
        Repeated { numbers, hashes }
    }
}

/// The keys found more than once in `sorted`, each once.
fn twice(sorted: &[u64]) -> Vec<u64> {
    let mut found: Vec<u64> = (sorted.windows(2))
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    found.dedup();
    found
}

/// The numbers in more than one of `runs` (sorted) and `numbers`, as spans: all of them
/// sorted together, and each compared with the furthest reach of those before it.
fn repeated_by_sorting(runs: Vec<(u64, u64)>, mut numbers: Vec<u64>) -> Vec<(u64, u64)> {
    numbers.par_sort_unstable();
    let spans = merged(runs.into_iter(), numbers.into_iter().map(|n| (n, n)));
    let mut repeated = Vec::new();
    let mut reach: Option<u64> = None;
    for (first, last) in spans {
        if let Some(reach) = reach.filter(|&r| r >= first) {
            push_span(&mut repeated, (first, last.min(reach)));
        }
        reach = Some(reach.map_or(last, |r| r.max(last)));
    }
    repeated
}

/// [`repeated_by_sorting`] for numbers that lie close together, as the numbering of a survey
/// sorted by some other column does: each number is marked in a bitmap of their range, one
/// pass and a few bits each, where sorting them would move eight bytes each many times.
/// `seen` covers `numbers`, and `runs` are sorted.
fn repeated_by_marking(mut seen: Seen, runs: Vec<(u64, u64)>, numbers: &[u64]) -> Vec<(u64, u64)> {
    // Repeats are marked too, not listed: a file with one id on every row lists one span.
    let mut again = seen.none_marked();
    for &n in numbers {
        if seen.mark(n) {
            again.mark(n);
        }
    }
    // A number in a run is repeated if it was also marked; runs among themselves as sorted.
    for &(first, last) in &runs {
        seen.marked_within(first, last, |n| {
            again.mark(n);
        });
    }
    let mut spans = Vec::new();
    again.marked_within(0, u64::MAX, |n| push_span(&mut spans, (n, n)));
    spans.extend(repeated_by_sorting(runs, Vec::new()));
    spans.sort_unstable();
    let mut repeated = Vec::new();
    spans
        .into_iter()
        .for_each(|span| push_span(&mut repeated, span));
    repeated
}

/// Which numbers of a range were noted: one bit each.
struct Seen {
    low: u64,
    bits: Vec<u64>,
}

impl Seen {
    /// Numbers too few to be worth it are sorted.
    const FEWEST: usize = 1 << 16;
    /// A bitmap of the numbers' range takes at most this many bits a number: the two that
    /// mark them and their repeats take half the eight bytes each already takes.
    const BITS_A_NUMBER: u64 = 16;

    /// Nothing marked yet, over the range of `numbers`, if they are many and close enough
    /// together to be marked.
    fn for_numbers(numbers: &[u64]) -> Option<Seen> {
        if numbers.len() < Self::FEWEST {
            return None;
        }
        let (low, high) = (numbers.par_iter().min()?, numbers.par_iter().max()?);
        let span = high - low;
        if span / Self::BITS_A_NUMBER >= numbers.len() as u64 {
            return None;
        }
        Some(Seen {
            low: *low,
            bits: vec![0; (span / 64) as usize + 1],
        })
    }

    /// A bitmap of the same range with nothing marked.
    fn none_marked(&self) -> Seen {
        Seen {
            low: self.low,
            bits: vec![0; self.bits.len()],
        }
    }

    /// Marks `n` (within the range); true if it was marked before.
    #[inline]
    fn mark(&mut self, n: u64) -> bool {
        let at = n - self.low;
        let (word, bit) = ((at / 64) as usize, 1u64 << (at % 64));
        let before = self.bits[word] & bit != 0;
        self.bits[word] |= bit;
        before
    }

    /// Calls `found` with every marked number from `first` to `last`, in order.
    fn marked_within(&self, first: u64, last: u64, mut found: impl FnMut(u64)) {
        let high = (self.low).saturating_add(self.bits.len() as u64 * 64 - 1);
        let (first, last) = (first.max(self.low), last.min(high));
        if first > last {
            return;
        }
        let (from, to) = (first - self.low, last - self.low);
        for word in (from / 64)..=(to / 64) {
            let mut bits = self.bits[word as usize];
            while bits != 0 {
                let at = word * 64 + u64::from(bits.trailing_zeros());
                bits &= bits - 1;
                if (from..=to).contains(&at) {
                    found(self.low + at);
                }
            }
        }
    }
}

/// Ids found more than once: spans of numbers and hashes of other ids, each sorted. A hash may
/// be shared by two different ids (for a hundred million ids, about one chance in 4,000): a
/// reading that keeps the rows these ids match compares their texts before it reports.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Repeated {
    numbers: Vec<(u64, u64)>,
    hashes: Vec<u64>,
}

impl Repeated {
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty() && self.hashes.is_empty()
    }

    /// Whether a row with this id (its trimmed cell) holds one of these ids.
    pub fn contains(&self, id: &[u8]) -> bool {
        match number(id) {
            Some(n) => {
                let at = self.numbers.partition_point(|&(_, last)| last < n);
                self.numbers.get(at).is_some_and(|&(first, _)| first <= n)
            }
            None => self.hashes.binary_search(&hash(id)).is_ok(),
        }
    }
}

/// Adds a span of repeated numbers, joined with the last one when they touch or overlap.
fn push_span(spans: &mut Vec<(u64, u64)>, (first, last): (u64, u64)) {
    match spans.last_mut() {
        Some((_, end)) if end.saturating_add(1) >= first => *end = (*end).max(last),
        _ => spans.push((first, last)),
    }
}

/// Two sequences of spans sorted by their first number, merged into one.
fn merged(
    a: impl Iterator<Item = (u64, u64)>,
    b: impl Iterator<Item = (u64, u64)>,
) -> impl Iterator<Item = (u64, u64)> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

/// An id that is a whole number written as such: digits only, no leading zero, at most 19 of
/// them. `007` is not `7`: ids are compared as texts, and such ids are hashed as texts. Read
/// eight digits at a time: it is done for every row.
#[inline(always)]
fn number(id: &[u8]) -> Option<u64> {
    let leading_zero = id.first() == Some(&b'0') && id.len() > 1;
    match id.len() {
        _ if leading_zero => None,
        1..=8 => eight(id),
        9..=16 => {
            let (high, low) = id.split_at(id.len() - 8);
            Some(eight(high)? * 100_000_000 + eight(low)?)
        }
        17..=19 => id.iter().try_fold(0u64, |n, &b| {
            let digit = b.wrapping_sub(b'0');
            (digit < 10).then(|| n * 10 + u64::from(digit))
        }),
        _ => None,
    }
}

/// Up to eight ASCII digits as their number; `None` if any byte is not a digit. The digits,
/// padded with leading zeros, are one word, first digit lowest: each step joins neighbouring
/// lanes, the higher-order one times its weight.
#[inline(always)]
fn eight(digits: &[u8]) -> Option<u64> {
    let word = word(digits)?;
    // Each byte is 0x30..=0x3F, and adding 6 keeps it below 0x40: 0x30..=0x39.
    let digits_only = word & (0xF0 * LANES) == 0x30 * LANES
        && word.wrapping_add(0x06 * LANES) & (0xF0 * LANES) == 0x30 * LANES;
    if !digits_only {
        return None;
    }
    let v = word - 0x30 * LANES;
    let v = (v * 10 + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v * 100 + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((v * 10_000 + (v >> 32)) & 0xFFFF_FFFF)
}

/// One in each byte of a word.
const LANES: u64 = 0x0101_0101_0101_0101;

/// Up to eight bytes as one word, first byte lowest, with `0` bytes before them: from four
/// bytes on, two loads of four that may overlap (the bytes they share are the same).
#[inline(always)]
fn word(bytes: &[u8]) -> Option<u64> {
    let n = bytes.len();
    let big_endian = match n {
        4..=8 => {
            let high = u64::from(u32::from_be_bytes(*bytes.first_chunk::<4>()?));
            let low = u64::from(u32::from_be_bytes(*bytes.last_chunk::<4>()?));
            (high << (8 * (n - 4))) | low
        }
        _ => bytes.iter().fold(0, |word, &b| (word << 8) | u64::from(b)),
    };
    let zeros = (0x30 * LANES).checked_shl(8 * n as u32).unwrap_or(0);
    Some((big_endian | zeros).swap_bytes())
}

/// The hash of an id that is not a number; a fixed seed, so that readings agree.
fn hash(id: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x6964_7332).hash_one(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(blocks: &[&[&str]]) -> IdKeys {
        let mut all = IdKeys::default();
        for block in blocks {
            let mut keys = IdKeys::default();
            block.iter().for_each(|id| keys.add(id.as_bytes()));
            all.append(keys);
        }
        all
    }

    #[test]
    fn numbered_rows_take_one_run_a_block() {
        let mut k = keys(&[&["1", "2", "3"], &["4", "5"]]);
        k.finish();
        assert_eq!(k.runs, vec![(1, 3), (4, 5)]);
        assert!(k.numbers.is_empty() && k.hashes.is_empty());
        assert!(k.repeated().is_empty());
    }

    #[test]
    fn a_number_used_again_is_found_across_blocks_and_runs() {
        let r = keys(&[&["1", "2", "3"], &["10", "2"], &["3", "4"]]).repeated();
        assert_eq!(r.numbers, vec![(2, 3)]);
        assert!(r.contains(b"2") && r.contains(b"3"));
        assert!(!r.contains(b"1") && !r.contains(b"4") && !r.contains(b"10"));
    }

    #[test]
    fn texts_are_ids_as_written() {
        let r = keys(&[&["007", "7", "A-1", "a-1"]]).repeated();
        assert!(r.is_empty(), "{r:?}");
        let r = keys(&[&["A-1", "7"], &["B", "A-1"]]).repeated();
        assert!(r.contains(b"A-1") && !r.contains(b"B") && !r.contains(b"7"));
    }

    #[test]
    fn the_largest_numbers_do_not_overflow() {
        let big = u64::MAX.to_string();
        assert_eq!(number(big.as_bytes()), None, "20 digits are a text");
        let r = keys(&[&["9999999999999999999", "9999999999999999999"]]).repeated();
        assert!(r.contains(b"9999999999999999999"));
    }

    /// A [`Seen`] over `numbers` whatever their count: the reading uses one only for many.
    fn seen_over(numbers: &[u64]) -> Seen {
        let low = numbers.iter().min().copied().unwrap_or(0);
        let high = numbers.iter().max().copied().unwrap_or(0);
        Seen {
            low,
            bits: vec![0; ((high - low) / 64) as usize + 1],
        }
    }

    #[test]
    fn close_numbers_are_marked_and_far_ones_sorted() {
        let shuffled: Vec<u64> = (0..Seen::FEWEST as u64)
            .map(|n| n * 7919 % 65_537)
            .collect();
        assert!(Seen::for_numbers(&shuffled).is_some());
        assert!(Seen::for_numbers(&shuffled[..100]).is_none(), "too few");
        let spread: Vec<u64> = shuffled.iter().map(|n| n * 1000).collect();
        assert!(Seen::for_numbers(&spread).is_none(), "too far apart");
    }

    #[test]
    fn one_number_on_every_row_is_one_span() {
        let numbers = vec![42; Seen::FEWEST];
        let seen = Seen::for_numbers(&numbers).expect("one number is close together");
        assert_eq!(
            repeated_by_marking(seen, vec![(40, 41)], &numbers),
            vec![(42, 42)]
        );
    }

    #[test]
    fn marking_finds_numbers_at_the_ends_of_the_largest_range() {
        let top = 9_999_999_999_999_999_999;
        let numbers = [top, top - 64, top, top - 64, top - 1];
        let runs = [(0, 3), (top - 1, top)];
        let marked = repeated_by_marking(seen_over(&numbers), runs.to_vec(), &numbers);
        assert_eq!(marked, vec![(top - 64, top - 64), (top - 1, top)]);
        assert_eq!(marked, repeated_by_sorting(runs.to_vec(), numbers.to_vec()));
    }

    proptest! {
        /// Marking numbers in a bitmap finds the repeats that sorting them finds.
        #[test]
        fn marking_finds_what_sorting_finds(
            numbers in prop::collection::vec(0u64..300, 1..200),
            runs in prop::collection::vec((0u64..320, 1u64..40), 0..6),
            base in prop_oneof![Just(0u64), Just(1u64 << 40)],
        ) {
            let numbers: Vec<u64> = numbers.iter().map(|n| n + base).collect();
            let mut runs: Vec<(u64, u64)> =
                runs.iter().map(|&(first, len)| (first + base, first + base + len)).collect();
            runs.sort_unstable();
            let marked = repeated_by_marking(seen_over(&numbers), runs.clone(), &numbers);
            prop_assert_eq!(marked, repeated_by_sorting(runs, numbers));
        }

        /// A number is what the standard parse reads from digits alone, without a leading zero.
        #[test]
        fn numbers_are_read_as_the_standard_parse_reads_them(id in "[0-9]{0,21}|[0-9/:a ]{0,12}") {
            let canonical = id.bytes().all(|b| b.is_ascii_digit())
                && !(id.starts_with('0') && id.len() > 1)
                && id.len() <= 19;
            let expected = canonical.then(|| id.parse::<u64>().ok()).flatten();
            prop_assert_eq!(number(id.as_bytes()), expected);
        }

        /// The repeated ids are exactly those a count of every id finds more than once.
        #[test]
        fn repeated_ids_are_those_counted_twice(
            blocks in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![
                        (0u64..40).prop_map(|n| n.to_string()),
                        (0u64..40).prop_map(|n| format!("0{n}")),
                        "[A-C]{1,2}",
                    ],
                    0..30,
                ),
                1..5,
            )
        ) {
            let mut counts = std::collections::HashMap::new();
            blocks.iter().flatten().for_each(|id| *counts.entry(id.clone()).or_insert(0) += 1);
            let block_refs: Vec<Vec<&str>> =
                blocks.iter().map(|b| b.iter().map(String::as_str).collect()).collect();
            let slices: Vec<&[&str]> = block_refs.iter().map(Vec::as_slice).collect();
            let repeated = keys(&slices).repeated();
            for (id, n) in counts {
                prop_assert_eq!(repeated.contains(id.as_bytes()), n > 1, "{}", id);
            }
        }
    }
}
