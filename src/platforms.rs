//! Shared platforms: one tool bought once and used by many projects (one RPA licence, one
//! AI-OCR contract), its cost shared among the projects that use it.
//!
//! A platform serves every project of its classes. Its cost in each year is shared among those
//! projects in proportion to the hours a year each saves, and each project carries its share
//! on top of its own costs (the class's, or its own keys: the per-process build). The rounding
//! happens once, here: project `p`'s share of year `y` is `floor(cost_y × m_p / M)`, with `m_p`
//! the project's hours saved in micro-hours and `M` the sum over the platform's projects, in
//! integer arithmetic. The yen the flooring leaves over (fewer than the number of projects, per
//! year) are reported as the platform's `unallocated` amount and are in no project's figures.
//! A project with no quantitative effect saves no hours and carries no share.

use crate::model::WorkClass;
use crate::priority::Effect;
use crate::projection;
use crate::scenario::{MAX_YEN, Scenario};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A platform as written in the scenario's `[[platforms]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSpec {
    pub name: String,
    /// The classes whose projects use it; a class is served by one platform at most.
    pub classes: Vec<WorkClass>,
    /// Cost per year, one amount per year of the horizon; or give the components.
    pub costs: Option<Vec<i64>>,
    #[serde(default)]
    pub study_cost: i64,
    #[serde(default)]
    pub initial_cost: i64,
    #[serde(default)]
    pub annual_cost: i64,
    /// Year its initial cost falls in and its running cost starts (default: the earliest
    /// go-live year of its classes).
    pub go_live_year: Option<u32>,
}

impl PlatformSpec {
    /// The platform's cost in each year of the horizon.
    pub fn yearly_costs(&self, scenario: &Scenario) -> Vec<i64> {
        if let Some(costs) = &self.costs {
            return costs.clone();
        }
        projection::component_costs(
            self.study_cost,
            self.initial_cost,
            self.annual_cost,
            self.go_live_year(scenario),
            scenario.horizon_years,
        )
    }

    /// Its go-live year: its own, else the earliest of its classes'.
    pub fn go_live_year(&self, scenario: &Scenario) -> u32 {
        self.go_live_year.unwrap_or_else(|| {
            (self.classes.iter())
                .map(|&c| scenario.class(c).go_live_year)
                .min()
                .unwrap_or(1)
        })
    }

    /// Checks the platform at `key` (`platforms[i]`) against the horizon; `taken[class]`
    /// names the platform already serving a class.
    pub fn check(
        &self,
        key: &str,
        horizon_years: u32,
        taken: &mut [Option<String>; 5],
    ) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err(format!("{key}.name is empty"));
        }
        if self.classes.is_empty() {
            return Err(format!(
                "{key}.classes is empty: list the work classes whose projects use \"{}\"",
                self.name
            ));
        }
        for &class in &self.classes {
            if let Some(other) = &taken[class as usize] {
                return Err(format!(
                    "{key}.classes: class {class} is already served by platform \"{other}\" \
                     (one platform per class, so no hour is counted twice)"
                ));
            }
            taken[class as usize] = Some(self.name.clone());
        }
        if let Some(costs) = &self.costs {
            crate::scenario::check_costs(&format!("{key}.costs"), costs, horizon_years)?;
            if self.study_cost != 0 || self.initial_cost != 0 || self.annual_cost != 0 {
                return Err(format!(
                    "{key}: give either costs or study_cost/initial_cost/annual_cost, not both"
                ));
            }
        }
        for (name, v) in [
            ("study_cost", self.study_cost),
            ("initial_cost", self.initial_cost),
            ("annual_cost", self.annual_cost),
        ] {
            if !(0..=MAX_YEN).contains(&v) {
                return Err(format!(
                    "{key}.{name} = {v}: must be between 0 and {MAX_YEN}"
                ));
            }
        }
        match self.go_live_year {
            Some(g) if !(1..=horizon_years).contains(&g) => Err(format!(
                "{key}.go_live_year = {g}: must be between 1 and horizon_years = {horizon_years}"
            )),
            _ => Ok(()),
        }
    }
}

/// The hours a year saved by each class's projects together, in micro-hours: what a
/// platform's cost is shared by. Sums of parts merge in any order to the same total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassHours([i128; 5]);

impl ClassHours {
    /// Counts a project of `class` with `effect`.
    pub fn add(&mut self, class: WorkClass, effect: &Effect) {
        self.0[class as usize] += micro(effect);
    }

    pub fn merge(mut self, other: ClassHours) -> ClassHours {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a += b);
        self
    }
}

/// A project's hours saved in micro-hours; none without a quantitative effect.
fn micro(effect: &Effect) -> i128 {
    match effect {
        Effect::Hours(h) => i128::from(crate::pareto::micro_hours(*h).max(0)),
        _ => 0,
    }
}

/// Each class's platform, with its yearly costs and the hours its projects save together.
#[derive(Debug, Clone, Default)]
pub struct Sharing {
    by_class: [Option<Shared>; 5],
}

#[derive(Debug, Clone)]
struct Shared {
    platform: usize,
    costs: Arc<[i64]>,
    micro_hours: i128,
}

/// A project's part of a platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// Index of the platform in the scenario's `platforms`.
    pub platform: usize,
    /// The project's share over the whole horizon, in yen.
    pub total: i64,
}

impl Sharing {
    /// The scenario's platforms shared by `hours`, the hours each class's projects save.
    pub fn new(scenario: &Scenario, hours: &ClassHours) -> Sharing {
        let mut sharing = Sharing::default();
        for (i, platform) in scenario.platforms.iter().enumerate() {
            let costs: Arc<[i64]> = platform.yearly_costs(scenario).into();
            let micro_hours = (platform.classes.iter())
                .map(|&c| hours.0[c as usize])
                .sum();
            for &class in &platform.classes {
                sharing.by_class[class as usize] = Some(Shared {
                    platform: i,
                    costs: costs.clone(),
                    micro_hours,
                });
            }
        }
        sharing
    }

    /// A copy with its own reference counts, for one thread's work.
    pub fn own_copy(&self) -> Sharing {
        Sharing {
            by_class: self.by_class.clone().map(|s| {
                s.map(|s| Shared {
                    costs: Arc::from(&s.costs[..]),
                    ..s
                })
            }),
        }
    }

    /// Adds to `costs` (a project's own, per year) its share of its class's platform; returns
    /// the share, or `None` when no platform serves the class.
    pub fn add_share(&self, class: WorkClass, effect: &Effect, costs: &mut [i64]) -> Option<Share> {
        let shared = self.by_class[class as usize].as_ref()?;
        let mine = micro(effect);
        let mut total = 0;
        if mine > 0 && shared.micro_hours > 0 {
            for (own, &c) in costs.iter_mut().zip(shared.costs.iter()) {
                // The one rounding of the allocation: floored, in integers (see the module).
                let share = (i128::from(c) * mine / shared.micro_hours) as i64;
                *own = own.saturating_add(share);
                total += share;
            }
        }
        Some(Share {
            platform: shared.platform,
            total,
        })
    }

    /// True when some platform serves `class`.
    pub fn serves(&self, class: WorkClass) -> bool {
        self.by_class[class as usize].is_some()
    }

    /// True when the scenario has no platform.
    pub fn is_empty(&self) -> bool {
        self.by_class.iter().all(Option::is_none)
    }
}

/// A platform in a report: its cost, the projects that share it, and what the flooring left.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformOutcome {
    pub name: String,
    pub classes: Vec<WorkClass>,
    /// Projects with a quantitative effect that share it.
    pub projects: usize,
    /// Hours a year those projects save together.
    pub reduction_hours: f64,
    /// Its cost over the horizon.
    pub cost: i64,
    /// The sum of the projects' shares.
    pub allocated: i64,
    /// `cost - allocated`: the yen the flooring left over, or the whole cost when no project
    /// with an effect uses it.
    pub unallocated: i64,
}

impl PlatformOutcome {
    /// The platforms of `scenario`, from the shares of the projects that carry them (each
    /// project's hours saved, and its share).
    pub fn all<'a>(
        scenario: &Scenario,
        shares: impl Iterator<Item = (f64, Share)> + 'a,
    ) -> Vec<PlatformOutcome> {
        let mut out: Vec<PlatformOutcome> = (scenario.platforms.iter())
            .map(|p| {
                let cost = p.yearly_costs(scenario).iter().sum();
                PlatformOutcome {
                    name: p.name.clone(),
                    classes: p.classes.clone(),
                    projects: 0,
                    reduction_hours: 0.0,
                    cost,
                    allocated: 0,
                    unallocated: cost,
                }
            })
            .collect();
        let mut hours = vec![crate::pareto::Sum::default(); out.len()];
        for (h, share) in shares {
            let p = &mut out[share.platform];
            if h > 0.0 {
                p.projects += 1;
                hours[share.platform].add(h);
            }
            p.allocated += share.total;
            p.unallocated -= share.total;
        }
        for (p, h) in out.iter_mut().zip(hours) {
            p.reduction_hours = h.value();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(text: &str) -> Scenario {
        Scenario::from_toml("t.toml", text).expect("a valid scenario")
    }

    #[test]
    fn shares_follow_hours_and_are_floored_once() {
        let s = scenario(
            "horizon_years = 2\n[classes.automation]\ngo_live_year = 1\n\
             [[platforms]]\nname = \"RPA\"\nclasses = [\"automation\"]\ncosts = [100, 10]\n",
        );
        let mut hours = ClassHours::default();
        for h in [1.0, 1.0, 1.0] {
            hours.add(WorkClass::Automation, &Effect::Hours(h));
        }
        let sharing = Sharing::new(&s, &hours);
        let mut costs = [5, 5];
        let share = sharing.add_share(WorkClass::Automation, &Effect::Hours(1.0), &mut costs);
        // 100/3 and 10/3, floored: 33 and 3; one yen of each year is left over.
        assert_eq!(costs, [38, 8]);
        assert_eq!(
            share,
            Some(Share {
                platform: 0,
                total: 36
            })
        );
        let outcomes = PlatformOutcome::all(&s, (0..3).map(|_| (1.0, share.expect("a share"))));
        assert_eq!(outcomes[0].cost, 110);
        assert_eq!((outcomes[0].allocated, outcomes[0].unallocated), (108, 2));
        assert_eq!(outcomes[0].projects, 3);
        // No platform serves input; a project without an effect carries nothing.
        assert_eq!(
            sharing.add_share(WorkClass::Input, &Effect::Hours(1.0), &mut costs),
            None
        );
        let none = sharing.add_share(WorkClass::Automation, &Effect::NoEstimate, &mut costs);
        assert_eq!(none.map(|s| s.total), Some(0));
    }

    #[test]
    fn a_class_has_one_platform_at_most() {
        let text = "[[platforms]]\nname = \"A\"\nclasses = [\"input\"]\n\
                    [[platforms]]\nname = \"B\"\nclasses = [\"automation\", \"input\"]\n";
        let e = Scenario::from_toml("t.toml", text).expect_err("refused");
        assert!(
            e.to_string().contains("already served by platform \"A\""),
            "{e}"
        );
    }
}
