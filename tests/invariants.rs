//! Properties of the whole pipeline on random inventories, through the library.

use proptest::prelude::*;
use std::sync::Arc;
use triage::classify::RuleTable;
use triage::export::{Format, render, stream_csv};
use triage::inventory::{ReadOptions, read_bytes};
use triage::model::Priority;
use triage::projection::{Discounts, Economy, ProjectPlan, outcome, project, savings_yen};
use triage::scenario::{ParetoRule, Scenario};
use triage::{Listing, Ranked, Release};

const STATUSES: [&str; 3] = ["", "outsourced", "検討中"];
const FEASIBLE: [&str; 3] = ["", "yes", "不可"];
const BLOCKERS: [&str; 2] = ["", "標準化"];
const REDUCTIONS: [&str; 3] = ["", "-", "5"];
const PROCESSES: [&str; 4] = ["申請書の入力", "問い合わせ対応", "集計", "保管"];

/// One random row: hours in tenths, and indices into the flag tables.
fn rows() -> impl Strategy<Value = Vec<(u32, usize, usize, usize, usize, usize)>> {
    prop::collection::vec(
        (
            0u32..30_000,
            0..3usize,
            0..3usize,
            0..2usize,
            0..3usize,
            0..4usize,
        ),
        1..120,
    )
}

fn csv_of(rows: &[(u32, usize, usize, usize, usize, usize)]) -> String {
    let mut text = String::from(
        "id,department,task,process,annual_hours,status,feasible,blocker,reduction_hours\n",
    );
    for (i, &(tenths, s, f, b, r, p)) in rows.iter().enumerate() {
        let hours = format!("{}.{}", tenths / 10, tenths % 10);
        let reduction = if REDUCTIONS[r] == "5" && tenths < 50 {
            ""
        } else {
            REDUCTIONS[r]
        };
        text += &format!(
            "P{i},課{},業務,{},{hours},{},{},{},{reduction}\n",
            i % 7,
            PROCESSES[p],
            STATUSES[s],
            FEASIBLE[f],
            BLOCKERS[b]
        );
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_row_is_accounted_for_once(rows in rows(), min in 0.0f64..3000.0, cover in prop::option::of(0.05f64..1.0)) {
        let inventory = read_bytes("p.csv", csv_of(&rows).as_bytes(), &Default::default()).unwrap();
        let mut scenario = Scenario::builtin();
        scenario.set_pareto(ParetoRule { min_hours: Some(min), cover }).unwrap();
        let a = triage::analyze(inventory, &scenario, &RuleTable::builtin()).unwrap();
        let n = rows.len();

        let mut seen: Vec<usize> = a.processes.iter().map(|o| o.input_index).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..n).collect::<Vec<_>>());
        let b = a.summary.by_priority;
        prop_assert_eq!(b.high + b.medium + b.low + b.excluded, n);

        let unselected: f64 = a.processes.iter().filter(|o| !o.selected).map(|o| o.input.annual_hours).sum();
        let total = a.summary.total_hours;
        prop_assert!((a.summary.selected_hours + unselected - total).abs() <= 1e-9 * total.max(1.0));
        let shares: Vec<f64> = a.processes.iter().map(|o| o.cumulative_share).collect();
        prop_assert!(shares.windows(2).all(|w| w[0] <= w[1]));
        if total > 0.0 {
            prop_assert!((shares[n - 1] - 1.0).abs() < 1e-12);
        }

        let mut ranks: Vec<usize> = a.processes.iter().map(|o| o.rank).collect();
        prop_assert!(a.processes.windows(2).all(|w| {
            let (x, y) = (&w[0], &w[1]);
            x.input.annual_hours > y.input.annual_hours
                || (x.input.annual_hours == y.input.annual_hours && x.input_index < y.input_index)
        }), "ranked by hours, ties in input order");
        ranks.sort_unstable();
        prop_assert_eq!(ranks, (1..=n).collect::<Vec<_>>(), "the ranking is a permutation");

        for o in &a.processes {
            prop_assert!(!o.reasons.is_empty());
            prop_assert_eq!(o.project.is_some(), o.priority != Priority::Excluded);
            if let Some(name) = o.project_name() {
                let owners = a.projects.iter().filter(|p| p.processes.iter().any(|id| id == o.input.id())).count();
                prop_assert_eq!(owners, 1);
                let project = a.projects.iter().find(|p| *p.name == *name).unwrap();
                prop_assert_eq!(project.priority, o.priority);
            }
        }
    }
}

/// Renders the analysis of `csv` as JSON, and streams its CSV listing, on a pool of `threads`
/// threads, reading in blocks of `block` bytes.
fn outputs(csv: &str, threads: usize, block: usize) -> (Vec<u8>, Vec<u8>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        let options = ReadOptions {
            block_size: block,
            ..Default::default()
        };
        let (scenario, rules) = (Scenario::builtin(), RuleTable::builtin());
        let read = || read_bytes("p.csv", csv.as_bytes(), &options).unwrap();
        let analysis = triage::analyze(read(), &scenario, &rules).unwrap();
        let mut json = Vec::new();
        render(&analysis, Format::Json, &mut json).unwrap();
        let mut listing = Vec::new();
        let ranked = Ranked::new(read(), &scenario, &rules).unwrap();
        stream_csv(
            ranked,
            Listing::All,
            Release::Free,
            &mut listing,
            Default::default(),
            &mut |_| {},
        )
        .unwrap()
        .summary
        .unwrap();
        (json, listing)
    })
}

/// The inventory columns of a JSON report's processes, as a CSV inventory in input order.
fn inventory_of(report: &serde_json::Value) -> String {
    let mut processes: Vec<&serde_json::Value> =
        report["processes"].as_array().unwrap().iter().collect();
    processes.sort_by_key(|p| p["line"].as_u64());
    let mut text = String::from("id,department,section,task,process,annual_hours\n");
    for p in processes {
        let cells: Vec<String> = ["id", "department", "section", "task", "process"]
            .iter()
            .map(|k| p[k].as_str().unwrap().to_string())
            .collect();
        text += &format!("{},{}\n", cells.join(","), p["annual_hours"]);
    }
    text
}

fn plan(reduction_hours: f64, costs: Vec<i64>, go_live_year: u32, months: u32) -> ProjectPlan {
    ProjectPlan {
        reduction_hours,
        go_live_year,
        months_in_first_year: months,
        costs: Arc::from(costs),
    }
}

fn economy(labor_cost_per_hour: i64) -> Economy {
    Economy {
        labor_cost_per_hour,
        first_fiscal_year: 2020,
        discount_rate: 0.02,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn threads_and_blocks_do_not_change_the_output(rows in rows(), block in 16usize..400) {
        let csv = csv_of(&rows);
        let one = outputs(&csv, 1, 1 << 20);
        let many = outputs(&csv, 3, block);
        prop_assert!(one.0 == many.0, "JSON differs between 1 and 3 threads");
        prop_assert!(one.1 == many.1, "CSV listing differs between 1 and 3 threads");
    }

    #[test]
    fn a_csv_json_csv_round_trip_gives_the_same_result(rows in rows()) {
        let csv = csv_of(&rows);
        let run = |text: &str| {
            let inventory = read_bytes("p.csv", text.as_bytes(), &Default::default()).unwrap();
            let analysis = triage::analyze(inventory, &Scenario::builtin(), &RuleTable::builtin()).unwrap();
            let mut json = Vec::new();
            render(&analysis, Format::Json, &mut json).unwrap();
            serde_json::from_slice::<serde_json::Value>(&json).unwrap()
        };
        // Only the columns a JSON report carries: status, feasibility and the like are not in it.
        let plain: String = csv.lines().map(|l| l.splitn(6, ',').take(5).collect::<Vec<_>>().join(",") + "\n").collect();
        let first = run(&plain);
        let again = run(&inventory_of(&first));
        prop_assert_eq!(&first["summary"], &again["summary"]);
        prop_assert_eq!(&first["processes"], &again["processes"]);
        prop_assert_eq!(&first["projects"], &again["projects"]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn savings_rise_with_hours_and_labour_rate(
        h in 0.0f64..1e7, more_h in 0.0f64..1e6,
        rate in 0i64..100_000, more_rate in 0i64..10_000,
        months in 0u32..=12,
    ) {
        prop_assert!(savings_yen(h, rate, months) <= savings_yen(h + more_h, rate, months));
        prop_assert!(savings_yen(h, rate, months) <= savings_yen(h, rate + more_rate, months));
        prop_assert!(savings_yen(h, rate, months) >= 0);
    }

    #[test]
    fn payback_is_never_earlier_with_higher_costs(
        hours in 0.0f64..50_000.0,
        costs in prop::collection::vec(0i64..50_000_000, 1..12),
        extra in prop::collection::vec(0i64..20_000_000, 12),
        go_live in 1u32..4, months in 0u32..=12, rate in 1000i64..5000,
    ) {
        let go_live = go_live.min(costs.len() as u32);
        let higher: Vec<i64> = costs.iter().zip(&extra).map(|(c, e)| c + e).collect();
        let discounts = Discounts::new(economy(rate).discount_rate, costs.len());
        let cheap = outcome(&plan(hours, costs.clone(), go_live, months), &economy(rate), &discounts);
        let dear = outcome(&plan(hours, higher, go_live, months), &economy(rate), &discounts);
        let year = |o: &triage::projection::Outcome| o.payback_year.unwrap_or(u32::MAX);
        prop_assert!(year(&dear) >= year(&cheap), "{:?} paid back before {:?}", dear, cheap);
        prop_assert!(dear.npv <= cheap.npv);
        let table = project(&plan(hours, costs, go_live, months), &economy(rate));
        prop_assert!(table.years.windows(2).all(|w| w[0].cumulative_savings <= w[1].cumulative_savings));
    }
}
