//! Priority with reasons (MODEL.md section 6): the first rule that applies decides.
//!
//! Rules 1-3 look at each process (selection, status, feasibility); a process they exclude
//! takes part in no project. Rules 4-7 look at the project the process belongs to, and its
//! processes inherit the project's priority and reasons. Every reason carries a stable code and
//! a sentence with the figures behind it.

use crate::format::{hours, percent, yen};
use crate::model::{Blocker, Priority, Process};
use serde::Serialize;

/// Stable reason codes, as written in JSON and CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    BelowThreshold,
    AlreadyAddressed,
    NotFeasible,
    QualitativeOnly,
    NoEstimate,
    Blocker,
    PaybackWithin,
    LatePayback,
    NoPayback,
}

impl ReasonCode {
    pub fn key(self) -> &'static str {
        match self {
            ReasonCode::BelowThreshold => "below-threshold",
            ReasonCode::AlreadyAddressed => "already-addressed",
            ReasonCode::NotFeasible => "not-feasible",
            ReasonCode::QualitativeOnly => "qualitative-only",
            ReasonCode::NoEstimate => "no-estimate",
            ReasonCode::Blocker => "blocker",
            ReasonCode::PaybackWithin => "payback-within",
            ReasonCode::LatePayback => "late-payback",
            ReasonCode::NoPayback => "no-payback",
        }
    }
}

/// A reason for a priority: a code and a sentence a committee can check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

impl Reason {
    fn new(code: ReasonCode, message: String) -> Reason {
        Reason { code, message }
    }
}

/// What the Pareto step said about a process, for rule 1's sentence.
#[derive(Debug, Clone, Copy)]
pub struct SelectionContext {
    pub min_hours: Option<f64>,
    pub cover: Option<f64>,
    pub rank: usize,
    pub selected_count: usize,
}

/// Rules 1-3: the exclusion that applies to a process, if any.
pub fn process_exclusion(p: &Process, selected: bool, ctx: &SelectionContext) -> Option<Reason> {
    if !selected {
        return Some(below_threshold(p, ctx));
    }
    if let Some(status) = p.status {
        let message = format!(
            "{}: no new tool is needed now (status {}).",
            cap(status.phrase()),
            status.key()
        );
        return Some(Reason::new(ReasonCode::AlreadyAddressed, message));
    }
    if !p.feasible {
        let message = "Judged not feasible with current tools (feasible = no).".to_string();
        return Some(Reason::new(ReasonCode::NotFeasible, message));
    }
    None
}

fn below_threshold(p: &Process, ctx: &SelectionContext) -> Reason {
    let mut rule = Vec::new();
    if let Some(min) = ctx.min_hours {
        rule.push(format!("below the {} h threshold", hours(min)));
    }
    if let Some(cover) = ctx.cover {
        rule.push(format!(
            "outside the top {} processes holding {}",
            ctx.selected_count,
            percent(cover)
        ));
    }
    let message = format!(
        "{} h a year, rank {}: {}.",
        hours(p.annual_hours),
        ctx.rank,
        rule.join(" and ")
    );
    Reason::new(ReasonCode::BelowThreshold, message)
}

/// What is known about a project's effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// Hours saved a year.
    Hours(f64),
    /// The inventory says only a qualitative effect can be stated.
    QualitativeOnly,
    /// No estimate in the inventory and no reduction rate for the class.
    NoEstimate,
}

/// The inputs of rules 4-7 for one project.
#[derive(Debug, Clone, Copy)]
pub struct ProjectFacts {
    pub effect: Effect,
    pub blocker: Option<Blocker>,
    pub payback_year: Option<u32>,
    pub horizon_years: u32,
    pub high_payback_within: u32,
    pub npv: i64,
}

/// Rules 4-7: a project's priority and its reasons, the deciding reason first.
pub fn project_priority(f: &ProjectFacts) -> (Priority, Vec<Reason>) {
    match f.effect {
        Effect::QualitativeOnly => {
            let message = "Only a qualitative effect can be stated: study other cities' results and measure first.";
            return (
                Priority::Low,
                vec![Reason::new(ReasonCode::QualitativeOnly, message.into())],
            );
        }
        Effect::NoEstimate => {
            let message = "No estimate of hours saved and no reduction rate for its class: \
                           classify it or give an estimate.";
            return (
                Priority::Low,
                vec![Reason::new(ReasonCode::NoEstimate, message.into())],
            );
        }
        Effect::Hours(_) => {}
    }
    let payback = payback_reason(f);
    if let Some(blocker) = f.blocker {
        let message = format!(
            "{}: decide after that (blocker {}).",
            cap(blocker.phrase()),
            blocker.key()
        );
        return (
            Priority::Medium,
            vec![Reason::new(ReasonCode::Blocker, message), payback],
        );
    }
    let priority = if payback.code == ReasonCode::PaybackWithin {
        Priority::High
    } else {
        Priority::Medium
    };
    (priority, vec![payback])
}

fn payback_reason(f: &ProjectFacts) -> Reason {
    let npv = yen(f.npv);
    match f.payback_year {
        Some(y) if y <= f.high_payback_within => Reason::new(
            ReasonCode::PaybackWithin,
            format!(
                "Pays back in year {y}, within {} years; NPV {npv} over {} years.",
                f.high_payback_within, f.horizon_years
            ),
        ),
        Some(y) => Reason::new(
            ReasonCode::LatePayback,
            format!(
                "Pays back only in year {y}, later than year {}; NPV {npv}: consider bundling or joint procurement.",
                f.high_payback_within
            ),
        ),
        None => Reason::new(
            ReasonCode::NoPayback,
            format!(
                "Does not pay back within {} years; NPV {npv}: consider bundling with other processes or joint procurement.",
                f.horizon_years
            ),
        ),
    }
}

fn cap(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn facts(effect: Effect, blocker: Option<Blocker>, payback_year: Option<u32>) -> ProjectFacts {
        ProjectFacts {
            effect,
            blocker,
            payback_year,
            horizon_years: 8,
            high_payback_within: 4,
            npv: 0,
        }
    }

    fn ctx() -> SelectionContext {
        SelectionContext {
            min_hours: Some(1000.0),
            cover: None,
            rank: 40,
            selected_count: 36,
        }
    }

    #[test]
    fn process_rules_in_order() {
        let mut p = Process::new("1", "課", "業務", "処理", 900.0);
        let code = |p: &Process, sel| process_exclusion(p, sel, &ctx()).map(|r| r.code);
        assert_eq!(code(&p, false), Some(ReasonCode::BelowThreshold));
        assert_eq!(code(&p, true), None);
        p.feasible = false;
        assert_eq!(code(&p, true), Some(ReasonCode::NotFeasible));
        p.status = Some(Status::Outsourced);
        assert_eq!(code(&p, true), Some(ReasonCode::AlreadyAddressed));
        assert_eq!(code(&p, false), Some(ReasonCode::BelowThreshold));
        let message = process_exclusion(&p, false, &ctx()).unwrap().message;
        assert_eq!(
            message,
            "900 h a year, rank 40: below the 1,000 h threshold."
        );
    }

    #[test]
    fn project_rules_in_order() {
        let decide = |f: ProjectFacts| {
            let (p, reasons) = project_priority(&f);
            (p, reasons[0].code)
        };
        let h = Effect::Hours(2186.0);
        assert_eq!(
            decide(facts(
                Effect::QualitativeOnly,
                Some(Blocker::PolicyChange),
                Some(2)
            )),
            (Priority::Low, ReasonCode::QualitativeOnly)
        );
        assert_eq!(
            decide(facts(Effect::NoEstimate, None, None)),
            (Priority::Low, ReasonCode::NoEstimate)
        );
        assert_eq!(
            decide(facts(h, Some(Blocker::Standardization), Some(2))),
            (Priority::Medium, ReasonCode::Blocker)
        );
        assert_eq!(
            decide(facts(h, None, Some(4))),
            (Priority::High, ReasonCode::PaybackWithin)
        );
        assert_eq!(
            decide(facts(h, None, Some(5))),
            (Priority::Medium, ReasonCode::LatePayback)
        );
        assert_eq!(
            decide(facts(h, None, None)),
            (Priority::Medium, ReasonCode::NoPayback)
        );
    }

    fn rank_of(p: Priority) -> u8 {
        match p {
            Priority::High => 3,
            Priority::Medium => 2,
            Priority::Low => 1,
            Priority::Excluded => 0,
        }
    }

    fn effect_strategy() -> impl proptest::strategy::Strategy<Value = Effect> {
        use proptest::prelude::*;
        prop_oneof![
            (0.0f64..10_000.0).prop_map(Effect::Hours),
            Just(Effect::QualitativeOnly),
            Just(Effect::NoEstimate),
        ]
    }

    proptest::proptest! {
        #[test]
        fn a_blocker_never_raises_and_an_earlier_payback_never_lowers(
            effect in effect_strategy(),
            payback in proptest::option::of(1u32..=8),
            earlier in 0u32..8,
            within in 1u32..=8,
        ) {
            let decide = |blocker, payback_year| {
                let f = ProjectFacts { effect, blocker, payback_year, horizon_years: 8, high_payback_within: within, npv: 0 };
                rank_of(project_priority(&f).0)
            };
            proptest::prop_assert!(decide(Some(Blocker::Standardization), payback) <= decide(None, payback));
            let sooner = match payback {
                Some(y) => Some(y.saturating_sub(earlier).max(1)),
                None => Some(8u32.saturating_sub(earlier).max(1)),
            };
            proptest::prop_assert!(decide(None, sooner) >= decide(None, payback));
            let high = decide(None, payback) == 3;
            let expected = matches!(effect, Effect::Hours(_)) && payback.is_some_and(|y| y <= within);
            proptest::prop_assert_eq!(high, expected);
        }
    }
}
