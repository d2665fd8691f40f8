//! Costs and savings of a project year by year, payback year and NPV (MODEL.md section 5).
//!
//! Money is whole yen (`i64`). The one place where hours become yen is [`savings_yen`]:
//! `reduction hours x labour rate x months in service / 12`, rounded down to the yen. Every
//! other amount is a sum of those and of the integer costs, so the cumulative tables are exact
//! (sums saturate at `i64::MAX` rather than overflow, and [`Outcome::saturated`] tells;
//! the analysis refuses such a project instead of reporting a wrong amount).
//! NPV, which needs a discount factor, is rounded to the nearest yen once, at the end.

use serde::Serialize;
use std::sync::Arc;

/// What a project needs to be projected; its costs are held as `C` says: shared by the
/// projects that keep their plans, borrowed by those that are only decided (see
/// `projects::facts`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectPlan<C = Arc<[i64]>> {
    /// Hours saved a year once the tool is fully in service.
    pub reduction_hours: f64,
    /// Year (1-based) the tool goes live.
    pub go_live_year: u32,
    /// Months in service in the go-live year (0-12).
    pub months_in_first_year: u32,
    /// Cost per year, one amount per year of the horizon (shared by projects with equal costs).
    pub costs: C,
}

impl<C> ProjectPlan<C> {
    /// The same plan, its costs held as `hold` makes them.
    pub fn map_costs<D>(self, hold: impl FnOnce(C) -> D) -> ProjectPlan<D> {
        ProjectPlan {
            reduction_hours: self.reduction_hours,
            go_live_year: self.go_live_year,
            months_in_first_year: self.months_in_first_year,
            costs: hold(self.costs),
        }
    }
}

/// The economic assumptions shared by all projects of a scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Economy {
    pub labor_cost_per_hour: i64,
    pub first_fiscal_year: i32,
    pub discount_rate: f64,
}

/// A fiscal year (April-March), shown and written as its era label (`R2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiscalYear(pub i32);

impl std::fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&era_label(self.0))
    }
}

impl Serialize for FiscalYear {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One fiscal year of a project's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearRow {
    /// 1-based year of the horizon.
    pub year: u32,
    /// The fiscal year, written with the Japanese era, e.g. `R2` for 2020.
    pub label: FiscalYear,
    pub cost: i64,
    pub savings: i64,
    pub cumulative_cost: i64,
    pub cumulative_savings: i64,
}

/// A projected project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    pub years: Vec<YearRow>,
    /// First year whose cumulative savings reach the cumulative cost; none within the horizon.
    pub payback_year: Option<u32>,
    /// Net present value of savings minus costs, year 1 undiscounted.
    pub npv: i64,
}

/// Costs from components: the study in year 1, the one-off build in the go-live year, and the
/// running cost every year from go-live to the end of the horizon.
pub fn component_costs(
    study: i64,
    initial: i64,
    annual: i64,
    go_live_year: u32,
    horizon: u32,
) -> Vec<i64> {
    (1..=horizon)
        .map(|y| {
            let study = if y == 1 { study } else { 0 };
            let build = if y == go_live_year { initial } else { 0 };
            let run = if y >= go_live_year { annual } else { 0 };
            study.saturating_add(build).saturating_add(run)
        })
        .collect()
}

/// Savings in yen of `months` in service at `reduction_hours` a year: the one rounding place.
///
/// The product is rounded down to the yen. A product that is mathematically whole but lands a
/// few units in the last place below it (binary fractions such as 0.1 h) is nudged up first, so
/// the result is the floor of the decimal value, not of its binary approximation.
pub fn savings_yen(reduction_hours: f64, labor_cost_per_hour: i64, months: u32) -> i64 {
    let exact = reduction_hours * (labor_cost_per_hour * i64::from(months)) as f64 / 12.0;
    let nudged = exact * (1.0 + 8.0 * f64::EPSILON);
    // Hours, rates and months are never negative, so truncation is the floor (and needs no
    // library call); a negative product, which validation rules out, would floor as well.
    match nudged >= 0.0 {
        true => nudged as i64,
        false => nudged.floor() as i64,
    }
}

/// Projects a plan over its horizon (the length of `plan.costs`).
pub fn project(plan: &ProjectPlan, economy: &Economy) -> Projection {
    let mut years = Vec::with_capacity(plan.costs.len());
    walk(plan, economy, |row| years.push(row));
    let discounts = Discounts::new(economy.discount_rate, plan.costs.len());
    let o = outcome(plan, economy, &discounts);
    Projection {
        years,
        payback_year: o.payback_year,
        npv: o.npv,
    }
}

/// What a project's table adds up to, without the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub payback_year: Option<u32>,
    pub npv: i64,
    /// Cost over the whole horizon.
    pub cost: i64,
    /// Savings over the whole horizon.
    pub savings: i64,
    /// An amount reached the `i64` limit and is not exact.
    pub saturated: bool,
}

/// Payback year and NPV of a plan, without keeping the yearly rows (a national inventory has
/// hundreds of thousands of projects).
pub fn outcome<C: AsRef<[i64]>>(
    plan: &ProjectPlan<C>,
    economy: &Economy,
    discounts: &Discounts,
) -> Outcome {
    let mut result = Outcome {
        payback_year: None,
        npv: 0,
        cost: 0,
        savings: 0,
        saturated: false,
    };
    let mut npv = 0.0f64;
    walk(plan, economy, |row| {
        let amounts = [
            row.cost,
            row.savings,
            row.cumulative_cost,
            row.cumulative_savings,
        ];
        result.saturated |= amounts.contains(&i64::MAX);
        let paid_back = row.cumulative_savings > 0 && row.cumulative_savings >= row.cumulative_cost;
        if result.payback_year.is_none() && paid_back {
            result.payback_year = Some(row.year);
        }
        npv += discounts.present_value(row.savings as f64 - row.cost as f64, row.year);
        (result.cost, result.savings) = (row.cumulative_cost, row.cumulative_savings);
    });
    result.npv = npv.round() as i64;
    result
}

/// What a year's net amount is divided by to bring it back to the first year: (1 + discount
/// rate)^(year - 1), computed once per scenario for its horizon, since every project of a
/// national inventory needs the same few.
#[derive(Debug, Clone, PartialEq)]
pub struct Discounts {
    rate: f64,
    factors: Vec<f64>,
}

impl Discounts {
    /// The factors of years 1 to `years` at `rate`.
    pub fn new(rate: f64, years: usize) -> Discounts {
        let base = 1.0 + rate;
        let factors = (0..years).map(|k| base.powi(k as i32)).collect();
        Discounts { rate, factors }
    }

    /// `net` of year `year` (1-based) in first-year yen; as given when the rate is 0.
    #[inline]
    fn present_value(&self, net: f64, year: u32) -> f64 {
        if self.rate == 0.0 {
            return net;
        }
        let k = year.saturating_sub(1) as usize;
        match self.factors.get(k) {
            Some(factor) => net / factor,
            None => net / (1.0 + self.rate).powi(k as i32),
        }
    }
}

/// Calls `visit` with each year's row, in order.
fn walk<C: AsRef<[i64]>>(plan: &ProjectPlan<C>, economy: &Economy, mut visit: impl FnMut(YearRow)) {
    let (mut cumulative_cost, mut cumulative_savings) = (0i64, 0i64);
    // Only two amounts of savings occur: the go-live year's and a full year's.
    let saving = |months| savings_yen(plan.reduction_hours, economy.labor_cost_per_hour, months);
    let (first, full) = (saving(plan.months_in_first_year), saving(12));
    for (i, &cost) in plan.costs.as_ref().iter().enumerate() {
        let year = i as u32 + 1;
        let savings = match months_in_service(year, plan) {
            0 => 0,
            12 => full,
            _ => first,
        };
        cumulative_cost = cumulative_cost.saturating_add(cost);
        cumulative_savings = cumulative_savings.saturating_add(savings);
        visit(YearRow {
            year,
            label: FiscalYear(economy.first_fiscal_year + i as i32),
            cost,
            savings,
            cumulative_cost,
            cumulative_savings,
        });
    }
}

fn months_in_service<C>(year: u32, plan: &ProjectPlan<C>) -> u32 {
    use std::cmp::Ordering;
    match year.cmp(&plan.go_live_year) {
        Ordering::Less => 0,
        Ordering::Equal => plan.months_in_first_year,
        Ordering::Greater => 12,
    }
}

/// Japanese-era label of a fiscal year (April-March), by the era in force for most of the
/// year, as government documents name them: 2019 = R1 (令和元年度), 2020 = R2, 1988 = S63,
/// 1926 = T15; before 1868 the plain year.
pub fn era_label(fiscal_year: i32) -> String {
    match fiscal_year {
        y if y >= 2019 => format!("R{}", y - 2018),
        y if y >= 1989 => format!("H{}", y - 1988),
        y if y >= 1927 => format!("S{}", y - 1925),
        y if y >= 1912 => format!("T{}", y - 1911),
        y if y >= 1868 => format!("M{}", y - 1867),
        y => y.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KAGOSHIMA: Economy = Economy {
        labor_cost_per_hour: 2566,
        first_fiscal_year: 2020,
        discount_rate: 0.0,
    };

    fn project_one() -> ProjectPlan {
        ProjectPlan {
            reduction_hours: 2186.0,
            go_live_year: 2,
            months_in_first_year: 8,
            costs: [
                2_684_000, 6_047_800, 2_750_000, 2_750_000, 2_750_000, 2_750_000, 2_750_000,
                2_750_000,
            ]
            .into(),
        }
    }

    #[test]
    fn reproduces_the_reports_project_one_to_the_yen() {
        let p = project(&project_one(), &KAGOSHIMA);
        let cost: Vec<i64> = p.years.iter().map(|y| y.cumulative_cost).collect();
        let savings: Vec<i64> = p.years.iter().map(|y| y.cumulative_savings).collect();
        assert_eq!(
            cost,
            [
                2_684_000, 8_731_800, 11_481_800, 14_231_800, 16_981_800, 19_731_800, 22_481_800,
                25_231_800
            ]
        );
        assert_eq!(
            savings,
            [
                0, 3_739_517, 9_348_793, 14_958_069, 20_567_345, 26_176_621, 31_785_897, 37_395_173
            ]
        );
        assert_eq!(p.payback_year, Some(4));
        assert_eq!(p.years[3].label.to_string(), "R5");
        assert_eq!(p.npv, 37_395_173 - 25_231_800);
    }

    #[test]
    fn components_give_the_same_costs_as_the_report() {
        assert_eq!(
            component_costs(2_684_000, 3_297_800, 2_750_000, 2, 8),
            project_one().costs.to_vec()
        );
        assert_eq!(component_costs(1, 10, 100, 1, 2), vec![111, 100]);
    }

    #[test]
    fn rounding_is_down_and_decimal() {
        assert_eq!(savings_yen(2186.0, 2566, 8), 3_739_517);
        assert_eq!(savings_yen(0.1, 3000, 12), 300);
        assert_eq!(savings_yen(0.7, 3000, 12), 2100);
        assert_eq!(savings_yen(1.0, 1, 11), 0);
    }

    #[test]
    fn era_labels() {
        assert_eq!(era_label(2020), "R2");
        assert_eq!(era_label(2019), "R1");
        assert_eq!(era_label(2018), "H30");
        assert_eq!(era_label(1988), "S63");
        assert_eq!(era_label(1927), "S2");
        assert_eq!(era_label(1926), "T15");
        assert_eq!(era_label(1912), "T1");
        assert_eq!(era_label(1900), "M33");
    }

    #[test]
    fn discounting_lowers_npv() {
        let econ = Economy {
            discount_rate: 0.035,
            ..KAGOSHIMA
        };
        assert!(project(&project_one(), &econ).npv < project(&project_one(), &KAGOSHIMA).npv);
    }

    proptest! {
        #[test]
        fn discounts_are_each_years_power_of_the_rate(rate in 0.0f64..0.2, years in 0usize..12,
                                                      net in -1e12f64..1e12, year in 1u32..20) {
            let expected = match rate {
                0.0 => net,
                _ => net / (1.0 + rate).powi(year as i32 - 1),
            };
            let got = Discounts::new(rate, years).present_value(net, year);
            prop_assert_eq!(got.to_bits(), expected.to_bits());
        }
    }

    proptest! {
        #[test]
        fn savings_rise_with_hours_and_rate(h in 0.0f64..100_000.0, extra in 0.0f64..1000.0,
                                            rate in 0i64..10_000, more in 0i64..1000, m in 0u32..=12) {
            prop_assert!(savings_yen(h + extra, rate, m) >= savings_yen(h, rate, m));
            prop_assert!(savings_yen(h, rate + more, m) >= savings_yen(h, rate, m));
        }

        #[test]
        fn payback_never_earlier_with_higher_costs(h in 0.0f64..10_000.0, extra in 0i64..5_000_000,
                                                   year in 0usize..8) {
            let mut plan = project_one();
            plan.reduction_hours = h;
            let before = project(&plan, &KAGOSHIMA).payback_year.unwrap_or(u32::MAX);
            let mut costs = plan.costs.to_vec();
            costs[year] += extra;
            plan.costs = costs.into();
            let after = project(&plan, &KAGOSHIMA).payback_year.unwrap_or(u32::MAX);
            prop_assert!(after >= before);
        }
    }
}
