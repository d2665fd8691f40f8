//! Survey totals and the counts a committee reads first: per priority, per class, per reason.

use crate::analysis::{Listing, ProcessOutcome};
use crate::model::{Priority, WorkClass};
use crate::pareto::{Ranking, Sum};
use crate::priority::ReasonCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Processes per priority; all four always present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByPriority {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub excluded: usize,
}

impl ByPriority {
    pub fn get(&self, p: Priority) -> usize {
        match p {
            Priority::High => self.high,
            Priority::Medium => self.medium,
            Priority::Low => self.low,
            Priority::Excluded => self.excluded,
        }
    }

    fn merge(&mut self, other: &ByPriority) {
        self.high += other.high;
        self.medium += other.medium;
        self.low += other.low;
        self.excluded += other.excluded;
    }

    pub fn add(&mut self, p: Priority) {
        match p {
            Priority::High => self.high += 1,
            Priority::Medium => self.medium += 1,
            Priority::Low => self.low += 1,
            Priority::Excluded => self.excluded += 1,
        }
    }
}

/// Selected processes of one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassTotals {
    pub count: usize,
    pub hours: f64,
}

/// What the reader counted over every row of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub rows: usize,
    pub departments: Option<usize>,
    pub tasks: Option<usize>,
    pub skipped_empty: usize,
}

/// Totals of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub processes: usize,
    /// Distinct departments; null when there are more than the reader counts exactly, or when
    /// they were not counted (a streamed CSV listing, which shows no summary, skips them).
    pub departments: Option<usize>,
    /// Distinct (department, task) pairs; null likewise.
    pub tasks: Option<usize>,
    pub total_hours: f64,
    pub selected: usize,
    pub selected_hours: f64,
    pub selected_share: f64,
    pub by_priority: ByPriority,
    /// Excluded processes per reason (below-threshold, already-addressed, not-feasible).
    pub excluded_by_reason: BTreeMap<ReasonCode, usize>,
    /// Selected processes per class; every class present.
    pub by_class: BTreeMap<WorkClass, ClassTotals>,
    /// Records with no content, skipped by the reader.
    pub skipped_empty_rows: usize,
}

impl Summary {
    /// One sentence that accounts for every row of the inventory, for a listing that carries
    /// no summary of its own (CSV): how many processes it lists and how many it leaves out,
    /// what the selection holds, the priorities, and the empty records skipped.
    pub fn account(&self, listing: Listing) -> String {
        use crate::format::{grouped, hours, percent};
        let n = |count: usize| grouped(count as i64);
        let held = format!(
            "{} of {} h",
            percent(self.selected_share),
            hours(self.total_hours)
        );
        let listed = match listing {
            Listing::All => format!(
                "listed all {} processes; {} selected, holding {held}",
                n(self.processes),
                n(self.selected)
            ),
            Listing::Selected => format!(
                "listed the {} selected of {} processes, holding {held}; the other {} are not listed",
                n(self.selected),
                n(self.processes),
                n(self.processes.saturating_sub(self.selected))
            ),
        };
        let p = &self.by_priority;
        let mut sentence = format!(
            "{listed}; high {}, medium {}, low {}, excluded {}",
            n(p.high),
            n(p.medium),
            n(p.low),
            n(p.excluded)
        );
        if self.skipped_empty_rows > 0 {
            let records = n(self.skipped_empty_rows);
            sentence.push_str(&format!("; {records} empty record(s) skipped"));
        }
        sentence.push('.');
        sentence
    }
}

/// What decided processes add to the summary; tallies of parts merge in any order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    decided: usize,
    by_priority: ByPriority,
    excluded_by_reason: BTreeMap<ReasonCode, usize>,
    classes: BTreeMap<WorkClass, (usize, Sum)>,
}

impl Tally {
    pub fn add(&mut self, o: &ProcessOutcome) {
        self.decided += 1;
        self.by_priority.add(o.priority);
        if o.priority == Priority::Excluded
            && let Some(r) = o.reasons.first()
        {
            *self.excluded_by_reason.entry(r.code()).or_insert(0) += 1;
        }
        if let Some(class) = o.class {
            let (count, hours) = self.classes.entry(class).or_default();
            *count += 1;
            hours.add(o.input.annual_hours);
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.decided += other.decided;
        self.by_priority.merge(&other.by_priority);
        for (code, n) in &other.excluded_by_reason {
            *self.excluded_by_reason.entry(*code).or_insert(0) += n;
        }
        for (class, (n, hours)) in &other.classes {
            let (count, sum) = self.classes.entry(*class).or_default();
            *count += n;
            sum.merge(hours);
        }
    }
}

/// Sums up a run from the tally of its decided processes.
///
/// Rows not decided (not kept by the reader, or not listed) lie below the selection: they are
/// counted as excluded below threshold here, so the counts always add up to every row.
pub fn summarize(counts: &Counts, tally: &Tally, ranking: &Ranking) -> Summary {
    let mut by_priority = tally.by_priority;
    let mut excluded_by_reason = tally.excluded_by_reason.clone();
    let by_class = WorkClass::ALL
        .iter()
        .map(|c| {
            let (count, hours) = tally.classes.get(c).copied().unwrap_or_default();
            (
                *c,
                ClassTotals {
                    count,
                    hours: hours.value(),
                },
            )
        })
        .collect();
    let unkept = counts.rows - tally.decided;
    if unkept > 0 {
        by_priority.excluded += unkept;
        *excluded_by_reason
            .entry(ReasonCode::BelowThreshold)
            .or_insert(0) += unkept;
    }
    let total_hours = ranking.total_hours;
    Summary {
        processes: counts.rows,
        departments: counts.departments,
        tasks: counts.tasks,
        total_hours,
        selected: ranking.selected,
        selected_hours: ranking.selected_hours(),
        selected_share: if total_hours > 0.0 {
            ranking.selected_hours() / total_hours
        } else {
            0.0
        },
        by_priority,
        excluded_by_reason,
        by_class,
        skipped_empty_rows: counts.skipped_empty,
    }
}
