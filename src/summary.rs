//! Survey totals and the counts a committee reads first: per priority, per class, per reason.

use crate::analysis::ProcessOutcome;
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

    fn add(&mut self, p: Priority) {
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
    /// Distinct departments; null when there are more than the reader counts exactly.
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

/// Sums up the outcomes of a run.
///
/// Rows the reader did not keep lie below the selection floor: they are counted as excluded
/// below threshold here, so the counts always add up to every row of the file.
pub fn summarize(counts: &Counts, outcomes: &[ProcessOutcome], ranking: &Ranking) -> Summary {
    let mut by_priority = ByPriority::default();
    let mut excluded_by_reason = BTreeMap::new();
    let mut class_sums: BTreeMap<WorkClass, (usize, Sum)> = BTreeMap::new();
    for o in outcomes {
        by_priority.add(o.priority);
        if o.priority == Priority::Excluded
            && let Some(r) = o.reasons.first()
        {
            *excluded_by_reason.entry(r.code()).or_insert(0) += 1;
        }
        if let Some(class) = o.class {
            let (count, hours) = class_sums.entry(class).or_default();
            *count += 1;
            hours.add(o.input.annual_hours);
        }
    }
    let by_class = WorkClass::ALL
        .iter()
        .map(|c| {
            let (count, hours) = class_sums.get(c).copied().unwrap_or_default();
            (
                *c,
                ClassTotals {
                    count,
                    hours: hours.value(),
                },
            )
        })
        .collect();
    let unkept = counts.rows - outcomes.len();
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
