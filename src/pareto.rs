//! Ranking and Pareto selection (MODEL.md section 3).
//!
//! Processes are ranked by annual hours, descending, ties kept in input order (a stable sort
//! with `total_cmp`). Because the ranking is descending, every selection rule keeps a leading
//! run of it: the result of selection is just the length of that run.

use crate::scenario::ParetoRule;

/// The ranking of an inventory and what the Pareto rule keeps of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Input indices in rank order (rank 1 first).
    pub order: Vec<usize>,
    /// Cumulative hours by rank, summed in rank order.
    pub cumulative_hours: Vec<f64>,
    /// Total hours of the inventory.
    pub total_hours: f64,
    /// How many leading ranks are selected.
    pub selected: usize,
}

impl Ranking {
    /// Ranks `hours` (in input order) and applies `rule`.
    pub fn new(hours: &[f64], rule: &ParetoRule) -> Ranking {
        let mut total = Sum::default();
        hours.iter().for_each(|&h| total.add(h));
        Ranking::with_total(hours, rule, total.value())
    }

    /// Ranks the processes kept in memory when the inventory has more: `total_hours` is that
    /// of all rows. The kept processes must include every one the rule can select (all rows
    /// at or above the selection floor), which is what the reader keeps.
    pub fn with_total(hours: &[f64], rule: &ParetoRule, total_hours: f64) -> Ranking {
        let keyed = keyed_ranking(hours);
        // The hours come back from the keys in rank order: no look-up all over `hours`.
        let cumulative_hours = cumulative_by(&keyed, |&(key, _)| hours_of_key(key));
        // Taken out in place, in the pairs' memory, which is then cut to size: no third
        // array of the kept processes' size exists at once.
        let mut order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
        order.shrink_to_fit();
        Ranking::selecting(order, cumulative_hours, hours, rule, total_hours)
    }

    /// Applies `rule` to an existing ranking `order` of `hours`: cumulative sums and selection.
    pub fn from_order(
        order: Vec<usize>,
        hours: &[f64],
        rule: &ParetoRule,
        total_hours: f64,
    ) -> Ranking {
        let cumulative_hours = cumulative(&order, hours);
        Ranking::selecting(order, cumulative_hours, hours, rule, total_hours)
    }

    /// A ranking with its cumulative hours, and what `rule` selects of it.
    fn selecting(
        order: Vec<usize>,
        cumulative_hours: Vec<f64>,
        hours: &[f64],
        rule: &ParetoRule,
        total_hours: f64,
    ) -> Ranking {
        let selected = select(&order, hours, &cumulative_hours, total_hours, rule);
        Ranking {
            order,
            cumulative_hours,
            total_hours,
            selected,
        }
    }

    /// Share of all hours held by ranks 1..=rank (1-based); 0 when there are no hours.
    pub fn cumulative_share(&self, rank: usize) -> f64 {
        if self.total_hours > 0.0 {
            self.cumulative_hours[rank - 1] / self.total_hours
        } else {
            0.0
        }
    }

    /// How many leading ranks `rule` selects; `hours` in rank order.
    pub fn selected_by(&self, hours_in_rank_order: &[f64], rule: &ParetoRule) -> usize {
        select_ranked(
            hours_in_rank_order,
            &self.cumulative_hours,
            self.total_hours,
            rule,
        )
    }

    /// Hours held by the selected processes.
    pub fn selected_hours(&self) -> f64 {
        match self.selected {
            0 => 0.0,
            n => self.cumulative_hours[n - 1],
        }
    }
}

/// An exact, order-free sum of hours, kept in micro-hours.
///
/// Survey hours are decimals with one or two places, which binary floating point cannot hold
/// exactly: a plain `f64` sum of Kagoshima's 497 processes gives `256399.9999999999` where the
/// survey says 256,400. Each value is therefore added as `round(h x 10^6)` to an `i128`: for
/// any hours below 4.5 x 10^9 with at most six decimals that integer is exactly the decimal
/// value, so the sum is exact, and the same in whatever order or grouping the terms arrive
/// (rank order, file order, one thread or many). [`Sum::value`] rounds once, to the nearest
/// `f64`. Values with more than six decimals are summed to the nearest micro-hour.
/// `round(h x 10^6)`, ties away from zero, as `f64::round` gives it. Below 2^52 the fraction
/// of `x` is exact, so comparing it with one half rounds exactly without the library call
/// (x86-64's baseline has no rounding instruction); beyond, `x` is already an integer or out
/// of `i64`, and the conversion saturates as `as` does.
pub(crate) fn micro_hours(hours: f64) -> i64 {
    let x = hours * 1e6;
    if x.abs() < 4_503_599_627_370_496.0 {
        let whole = x as i64; // truncates toward zero
        let fraction = x - whole as f64;
        whole + i64::from(fraction >= 0.5) - i64::from(fraction <= -0.5)
    } else {
        x.round() as i64
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sum {
    micro_hours: i128,
}

impl Sum {
    pub fn add(&mut self, hours: f64) {
        self.micro_hours += i128::from(micro_hours(hours));
    }

    pub fn merge(&mut self, other: &Sum) {
        self.micro_hours += other.micro_hours;
    }

    pub fn value(&self) -> f64 {
        // The same nearest double either way; from an `i64` in one instruction.
        match i64::try_from(self.micro_hours) {
            Ok(micro_hours) => micro_hours as f64 / 1e6,
            Err(_) => wide_value(self.micro_hours),
        }
    }
}

/// [`Sum::value`] beyond `i64`: a library call, kept out of line, or the compiler, seeing that
/// both conversions give the same double, makes every value take the call.
#[cold]
#[inline(never)]
fn wide_value(micro_hours: i128) -> f64 {
    micro_hours as f64 / 1e6
}

/// The exact running sums of `hours` taken in `order`, each rounded once (see [`Sum`]).
///
/// Computed in parallel: each stretch of ranks is summed, the sums before each stretch are
/// added up, and each stretch then runs on from its own start. The sums are exact, so the
/// values are those of one pass from the first rank, whatever the stretches.
fn cumulative(order: &[usize], hours: &[f64]) -> Vec<f64> {
    cumulative_by(order, |&i| hours[i])
}

/// [`cumulative`] of the hours `hours_of` gives for each of `ranked`, in that order.
fn cumulative_by<T: Sync>(ranked: &[T], hours_of: impl Fn(&T) -> f64 + Sync) -> Vec<f64> {
    use rayon::prelude::*;
    const STRETCH: usize = 1 << 15;
    let sum_of = |ranks: &[T]| {
        let mut sum = Sum::default();
        ranks.iter().for_each(|r| sum.add(hours_of(r)));
        sum
    };
    let sums: Vec<Sum> = ranked.par_chunks(STRETCH).map(sum_of).collect();
    let starts = sums.iter().scan(Sum::default(), |before, sum| {
        let start = *before;
        before.merge(sum);
        Some(start)
    });
    let starts: Vec<Sum> = starts.collect();
    let mut cumulative = vec![0.0; ranked.len()];
    (cumulative.par_chunks_mut(STRETCH))
        .zip(ranked.par_chunks(STRETCH))
        .zip(starts)
        .for_each(|((out, ranks), mut sum)| {
            for (c, r) in out.iter_mut().zip(ranks) {
                sum.add(hours_of(r));
                *c = sum.value();
            }
        });
    cumulative
}

/// Input indices sorted by hours descending, ties in input order.
///
/// Sorted as (key, index) pairs, the key ordering hours as [`f64::total_cmp`] does, descending:
/// every pair is distinct, so an unstable sort gives the stable order, and the sort reads
/// only the pairs, not the hours through the indices.
pub fn rank(hours: &[f64]) -> Vec<usize> {
    use rayon::prelude::*;
    keyed_ranking(hours)
        .into_par_iter()
        .map(|(_, i)| i)
        .collect()
}

/// The (key, index) pairs of [`rank`], sorted: the ranking with each process's hours in the
/// key ([`hours_of_key`] gives them back).
fn keyed_ranking(hours: &[f64]) -> Vec<(u64, usize)> {
    use rayon::prelude::*;
    let mut keyed: Vec<(u64, usize)> = (hours.par_iter().enumerate())
        .map(|(i, &h)| (rank_key(h), i))
        .collect();
    keyed.par_sort_unstable();
    keyed
}

/// A key that sorts hours into rank order, ascending: the highest hours first, in the order of
/// [`f64::total_cmp`] reversed. With the input position as a second key, it gives the ranking.
pub fn rank_key(hours: f64) -> u64 {
    !total_order_key(hours)
}

/// The hours whose [`rank_key`] is `key`, bit for bit.
fn hours_of_key(key: u64) -> f64 {
    // The flip of [`total_order_key`] leaves the sign bit alone, so it undoes itself.
    let flipped = ((!key) ^ (1 << 63)) as i64;
    let bits = flipped ^ ((((flipped >> 63) as u64) >> 1) as i64);
    f64::from_bits(bits as u64)
}

/// An unsigned key that orders hours as [`f64::total_cmp`] does (the same bit flip, with the
/// sign bit turned so that unsigned comparison agrees).
fn total_order_key(h: f64) -> u64 {
    let bits = h.to_bits() as i64;
    let flipped = bits ^ ((((bits >> 63) as u64) >> 1) as i64);
    (flipped as u64) ^ (1 << 63)
}

/// Length of the leading run of the ranking that `rule` selects.
fn select(
    order: &[usize],
    hours: &[f64],
    cumulative: &[f64],
    total: f64,
    rule: &ParetoRule,
) -> usize {
    let by_hours = rule
        .min_hours
        .map_or(0, |min| order.partition_point(|&i| hours[i] >= min));
    by_hours.max(by_share(cumulative, total, rule))
}

/// [`select`] for hours already in rank order.
fn select_ranked(hours: &[f64], cumulative: &[f64], total: f64, rule: &ParetoRule) -> usize {
    let by_hours = rule
        .min_hours
        .map_or(0, |min| hours.partition_point(|&h| h >= min));
    by_hours.max(by_share(cumulative, total, rule))
}

/// Length of the smallest leading run holding `rule.cover` of all hours (0 without it).
fn by_share(cumulative: &[f64], total: f64, rule: &ParetoRule) -> usize {
    rule.cover.filter(|_| total > 0.0).map_or(0, |share| {
        let target = share * total;
        match cumulative.partition_point(|&c| c < target) {
            n if n < cumulative.len() => n + 1,
            n => n,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn running_sums_in_stretches_are_those_of_one_pass() {
        let n = 100_003; // several stretches, the last one short
        let hours: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 10_007) as f64 / 10.0)
            .collect();
        let order: Vec<usize> = (0..n).map(|k| (k * 65_537) % n).collect();
        let mut sum = Sum::default();
        let one_pass: Vec<f64> = (order.iter())
            .map(|&i| {
                sum.add(hours[i]);
                sum.micro_hours as f64 / 1e6
            })
            .collect();
        assert_eq!(cumulative(&order, &hours), one_pass);
        assert_eq!(
            Sum {
                micro_hours: i128::MAX / 3
            }
            .value(),
            (i128::MAX / 3) as f64 / 1e6
        );
    }

    proptest! {
        #[test]
        fn micro_hours_round_as_the_library_does(h in -1e10f64..1e10, k in 0u32..7) {
            let h = (h * 10f64.powi(k as i32)).round() / 10f64.powi(k as i32) + (h.fract() / 3.0);
            prop_assert_eq!(micro_hours(h), (h * 1e6).round() as i64);
        }

        #[test]
        fn values_near_halves_round_as_the_library_does(n in -1_000_000_000i64..1_000_000_000) {
            let h = (n as f64 + 0.5) / 1e6;
            prop_assert_eq!(micro_hours(h), (h * 1e6).round() as i64);
        }
    }

    fn rule(min_hours: Option<f64>, cover: Option<f64>) -> ParetoRule {
        ParetoRule { min_hours, cover }
    }

    #[test]
    fn ties_keep_input_order_and_threshold_is_inclusive() {
        let hours = [500.0, 1000.0, 3000.0, 1000.0, 999.9];
        let r = Ranking::new(&hours, &rule(Some(1000.0), None));
        assert_eq!(r.order, vec![2, 1, 3, 4, 0]);
        assert_eq!(r.selected, 3);
        assert_eq!(r.selected_hours(), 5000.0);
    }

    #[test]
    fn cover_keeps_the_smallest_prefix_reaching_the_share() {
        let hours = [10.0, 50.0, 30.0, 10.0];
        assert_eq!(Ranking::new(&hours, &rule(None, Some(0.8))).selected, 2);
        assert_eq!(Ranking::new(&hours, &rule(None, Some(0.81))).selected, 3);
        assert_eq!(Ranking::new(&hours, &rule(None, Some(1.0))).selected, 4);
        assert_eq!(
            Ranking::new(&hours, &rule(Some(40.0), Some(0.9))).selected,
            3
        );
    }

    #[test]
    fn sums_of_survey_decimals_are_exact() {
        let hours: Vec<f64> = (0..4970)
            .map(|i| [0.1, 0.2, 0.3, 12.7, 948.5][i % 5])
            .collect();
        let r = Ranking::new(&hours, &rule(Some(1000.0), None));
        let naive: f64 = r.order.iter().map(|&i| hours[i]).sum();
        assert_ne!(naive, 956_029.2, "a plain sum drifts (956029.1999999306)");
        assert_eq!(r.total_hours, 956_029.2);
    }

    #[test]
    fn nothing_to_rank() {
        let r = Ranking::new(&[], &rule(Some(1000.0), Some(0.8)));
        assert_eq!((r.selected, r.total_hours), (0, 0.0));
    }

    proptest! {
        #[test]
        fn ranking_is_a_sorted_permutation(hours in prop::collection::vec(0.0f64..5000.0, 0..200)) {
            let order = rank(&hours);
            let mut seen = order.clone();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..hours.len()).collect::<Vec<_>>());
            for w in order.windows(2) {
                let (a, b) = (w[0], w[1]);
                prop_assert!(hours[a] > hours[b] || (hours[a] == hours[b] && a < b));
            }
        }

        #[test]
        fn ranking_by_the_keys_is_ranking_by_the_order(
            tenths in prop::collection::vec(0u32..50_000, 0..300),
            min in 0.0f64..5000.0,
            share in 0.01f64..1.0,
        ) {
            let hours: Vec<f64> = tenths.iter().map(|&t| f64::from(t) / 10.0).collect();
            let total = Ranking::new(&hours, &rule(None, None)).total_hours;
            for r in [rule(Some(min), None), rule(None, Some(share)), rule(Some(min), Some(share))] {
                prop_assert_eq!(
                    Ranking::with_total(&hours, &r, total),
                    Ranking::from_order(rank(&hours), &hours, &r, total)
                );
            }
        }

        #[test]
        fn the_key_gives_the_hours_back(bits in any::<u64>()) {
            let h = f64::from_bits(bits);
            prop_assert_eq!(hours_of_key(rank_key(h)).to_bits(), bits);
        }

        #[test]
        fn the_key_orders_as_total_cmp(a in any::<u64>(), b in any::<u64>()) {
            let (a, b) = (f64::from_bits(a), f64::from_bits(b));
            prop_assert_eq!(total_order_key(a).cmp(&total_order_key(b)), a.total_cmp(&b));
            for x in [a, -0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN] {
                prop_assert_eq!(total_order_key(a).cmp(&total_order_key(x)), a.total_cmp(&x));
            }
        }

        #[test]
        fn ranking_is_the_stable_sort(hours in prop::collection::vec(0u8..20, 0..300)) {
            let hours: Vec<f64> = hours.iter().map(|&h| f64::from(h) * 100.0).collect();
            let mut stable: Vec<usize> = (0..hours.len()).collect();
            stable.sort_by(|&a, &b| hours[b].total_cmp(&hours[a]));
            prop_assert_eq!(rank(&hours), stable);
        }

        #[test]
        fn selection_meets_its_rule(
            hours in prop::collection::vec(0.0f64..5000.0, 1..200),
            min in 0.0f64..5000.0,
            share in 0.01f64..1.0,
        ) {
            let r = Ranking::new(&hours, &rule(Some(min), None));
            for (k, &i) in r.order.iter().enumerate() {
                prop_assert_eq!(k < r.selected, hours[i] >= min);
            }
            let r = Ranking::new(&hours, &rule(None, Some(share)));
            if r.total_hours > 0.0 {
                prop_assert!(r.selected_hours() >= share * r.total_hours);
                if r.selected > 1 {
                    prop_assert!(r.cumulative_hours[r.selected - 2] < share * r.total_hours);
                }
            }
            let shares: Vec<f64> = (1..=hours.len()).map(|k| r.cumulative_share(k)).collect();
            prop_assert!(shares.windows(2).all(|w| w[0] <= w[1]));
        }
    }
}
