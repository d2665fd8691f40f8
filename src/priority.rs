//! Priority with reasons (MODEL.md section 6): the first rule that applies decides.
//!
//! Rules 1-3 look at each process (selection, status, feasibility); a process they exclude
//! takes part in no project. Rules 4-7 look at the project the process belongs to, and its
//! processes inherit the project's priority and reasons. A [`Reason`] is data, the rule and the
//! figures behind it; its stable code and its sentence are derived from it when written, so
//! deciding for a million processes formats no text.

use crate::format::{Yen, hours, percent};
use crate::model::{Blocker, Priority, Process, Status};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

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

/// Why a process or project got its priority, with the figures a reader needs to check it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// Rule 1: not selected by the Pareto rule.
    BelowThreshold {
        hours: f64,
        rank: usize,
        selection: SelectionContext,
    },
    /// Rule 2: a status says it is dealt with.
    AlreadyAddressed(Status),
    /// Rule 3: the inventory says no current tool can do it.
    NotFeasible,
    /// Rule 4: the inventory says only a qualitative effect can be stated.
    QualitativeOnly,
    /// Rule 4: no estimate and no reduction rate for the class.
    NoEstimate,
    /// Rule 5: something must happen first.
    Blocker(Blocker),
    /// Rule 6: pays back within the high-priority limit.
    PaybackWithin {
        year: u32,
        within: u32,
        horizon: u32,
        npv: i64,
    },
    /// Rule 7: pays back, but later.
    LatePayback { year: u32, within: u32, npv: i64 },
    /// Rule 7: no payback within the horizon.
    NoPayback { horizon: u32, npv: i64 },
}

impl Reason {
    pub fn code(&self) -> ReasonCode {
        match self {
            Reason::BelowThreshold { .. } => ReasonCode::BelowThreshold,
            Reason::AlreadyAddressed(_) => ReasonCode::AlreadyAddressed,
            Reason::NotFeasible => ReasonCode::NotFeasible,
            Reason::QualitativeOnly => ReasonCode::QualitativeOnly,
            Reason::NoEstimate => ReasonCode::NoEstimate,
            Reason::Blocker(_) => ReasonCode::Blocker,
            Reason::PaybackWithin { .. } => ReasonCode::PaybackWithin,
            Reason::LatePayback { .. } => ReasonCode::LatePayback,
            Reason::NoPayback { .. } => ReasonCode::NoPayback,
        }
    }

    /// The sentence a committee reads.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// The sentence, as [`Reason::write_to`] writes it.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl Reason {
    /// Writes the sentence straight into `out`: no intermediate strings for the common
    /// reasons, which a national inventory writes hundreds of thousands of times, and, into a
    /// `String`, none of the formatting machinery's indirect calls for each part.
    #[rustfmt::skip]
    pub fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match *self {
            Reason::BelowThreshold { hours, rank, selection } => below_threshold(out, hours, rank, &selection),
            Reason::AlreadyAddressed(status) => {
                write!(out, "{}: no new tool is needed now (status {}).", cap(status.phrase()), status.key())
            }
            Reason::NotFeasible => out.write_str("Judged not feasible with current tools (feasible = no)."),
            Reason::QualitativeOnly => {
                out.write_str("Only a qualitative effect can be stated: study other cities' results and measure first.")
            }
            Reason::NoEstimate => out.write_str(
                "No estimate of hours saved and no reduction rate for its class: classify it or give an estimate.",
            ),
            Reason::Blocker(b) => write!(out, "{}: decide after that (blocker {}).", cap(b.phrase()), b.key()),
            Reason::PaybackWithin { year, within, horizon, npv } => sentence(out, &[
                Text("Pays back in year "), Count(year), Text(", within "), Count(within),
                Text(" years; NPV "), Money(npv), Text(" over "), Count(horizon), Text(" years."),
            ]),
            Reason::LatePayback { year, within, npv } => sentence(out, &[
                Text("Pays back only in year "), Count(year), Text(", later than year "), Count(within),
                Text("; NPV "), Money(npv), Text(": consider bundling or joint procurement."),
            ]),
            Reason::NoPayback { horizon, npv } => sentence(out, &[
                Text("Does not pay back within "), Count(horizon), Text(" years; NPV "), Money(npv),
                Text(": consider bundling with other processes or joint procurement."),
            ]),
        }
    }
}

/// A part of a sentence: see [`sentence`].
enum Part<'a> {
    Text(&'a str),
    Count(u32),
    Money(i64),
}
use Part::{Count, Money, Text};

/// Writes a sentence part by part. The payback sentences are written for nearly every process
/// of a listing, and `write!` costs several times as much for each number in them.
fn sentence(out: &mut impl fmt::Write, parts: &[Part]) -> fmt::Result {
    parts.iter().try_for_each(|part| match *part {
        Text(text) => out.write_str(text),
        Count(n) => out.write_str(itoa::Buffer::new().format(n)),
        Money(yen) => Yen(yen).write_to(out),
    })
}

/// Written as `{"code": ..., "message": ...}`.
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Reason", 2)?;
        s.serialize_field("code", &self.code())?;
        s.serialize_field("message", &self.message())?;
        s.end()
    }
}

/// The reasons of one decision, the deciding one first. Most decisions have one, held in
/// place: a million processes are decided without an allocation or a shared count each.
#[derive(Debug, Clone, PartialEq)]
pub enum Reasons {
    /// Not decided yet: a process waiting for its project.
    Undecided,
    One(Reason),
    Many(Arc<[Reason]>),
}

impl std::ops::Deref for Reasons {
    type Target = [Reason];

    fn deref(&self) -> &[Reason] {
        match self {
            Reasons::Undecided => &[],
            Reasons::One(reason) => std::slice::from_ref(reason),
            Reasons::Many(reasons) => reasons,
        }
    }
}

/// What the Pareto step said about the inventory, for rule 1's sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelectionContext {
    pub min_hours: Option<f64>,
    pub cover: Option<f64>,
    pub selected_count: usize,
}

/// Rules 1-3: the exclusion that applies to a process, if any.
pub fn process_exclusion(
    p: &Process,
    selected: bool,
    rank: usize,
    ctx: &SelectionContext,
) -> Option<Reason> {
    if !selected {
        return Some(Reason::BelowThreshold {
            hours: p.annual_hours,
            rank,
            selection: *ctx,
        });
    }
    if let Some(status) = p.status {
        return Some(Reason::AlreadyAddressed(status));
    }
    if !p.feasible {
        return Some(Reason::NotFeasible);
    }
    None
}

fn below_threshold(
    f: &mut impl fmt::Write,
    h: f64,
    rank: usize,
    ctx: &SelectionContext,
) -> fmt::Result {
    write!(f, "{} h a year, rank {rank}: ", hours(h))?;
    if let Some(min) = ctx.min_hours {
        write!(f, "below the {} h threshold", hours(min))?;
    }
    if let Some(cover) = ctx.cover {
        let and = if ctx.min_hours.is_some() { " and " } else { "" };
        write!(
            f,
            "{and}outside the top {} processes holding {}",
            ctx.selected_count,
            percent(cover)
        )?;
    }
    f.write_str(".")
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
pub fn project_priority(f: &ProjectFacts) -> (Priority, Reasons) {
    (decide(f), project_reasons(f))
}

/// Rules 4-7: a project's priority alone, without writing its reasons down (what a scenario
/// sweep needs a million times).
pub fn decide(f: &ProjectFacts) -> Priority {
    match f.effect {
        Effect::QualitativeOnly | Effect::NoEstimate => Priority::Low,
        Effect::Hours(_) if f.blocker.is_some() => Priority::Medium,
        Effect::Hours(_) => match f.payback_year {
            Some(year) if year <= f.high_payback_within => Priority::High,
            _ => Priority::Medium,
        },
    }
}

/// Rules 4-7: the reasons of a project's priority, the deciding one first.
pub fn project_reasons(f: &ProjectFacts) -> Reasons {
    match f.effect {
        Effect::QualitativeOnly => return Reasons::One(Reason::QualitativeOnly),
        Effect::NoEstimate => return Reasons::One(Reason::NoEstimate),
        Effect::Hours(_) => {}
    }
    let payback = payback_reason(f);
    match f.blocker {
        Some(blocker) => Reasons::Many(Arc::new([Reason::Blocker(blocker), payback])),
        None => Reasons::One(payback),
    }
}

fn payback_reason(f: &ProjectFacts) -> Reason {
    let (within, horizon, npv) = (f.high_payback_within, f.horizon_years, f.npv);
    match f.payback_year {
        Some(year) if year <= within => Reason::PaybackWithin {
            year,
            within,
            horizon,
            npv,
        },
        Some(year) => Reason::LatePayback { year, within, npv },
        None => Reason::NoPayback { horizon, npv },
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
            selected_count: 36,
        }
    }

    #[test]
    fn process_rules_in_order() {
        let mut p = Process::new("1", "課", "業務", "処理", 900.0);
        let code = |p: &Process, sel| process_exclusion(p, sel, 40, &ctx()).map(|r| r.code());
        assert_eq!(code(&p, false), Some(ReasonCode::BelowThreshold));
        assert_eq!(code(&p, true), None);
        p.feasible = false;
        assert_eq!(code(&p, true), Some(ReasonCode::NotFeasible));
        p.status = Some(Status::Outsourced);
        assert_eq!(code(&p, true), Some(ReasonCode::AlreadyAddressed));
        assert_eq!(code(&p, false), Some(ReasonCode::BelowThreshold));
        let message = process_exclusion(&p, false, 40, &ctx()).unwrap().message();
        assert_eq!(
            message,
            "900 h a year, rank 40: below the 1,000 h threshold."
        );
    }

    #[test]
    fn project_rules_in_order() {
        let decide = |f: ProjectFacts| {
            let (p, reasons) = project_priority(&f);
            (p, reasons[0].code())
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
