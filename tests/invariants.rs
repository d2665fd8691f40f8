//! Properties of the whole pipeline on random inventories, through the library.

use proptest::prelude::*;
use triage::classify::RuleTable;
use triage::inventory::read_bytes;
use triage::model::Priority;
use triage::scenario::{ParetoRule, Scenario};

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

        for o in &a.processes {
            prop_assert!(!o.reasons.is_empty());
            prop_assert_eq!(o.project.is_some(), o.priority != Priority::Excluded);
            if let Some(name) = &o.project {
                let owners = a.projects.iter().filter(|p| p.processes.iter().any(|id| id == o.input.id())).count();
                prop_assert_eq!(owners, 1);
                let project = a.projects.iter().find(|p| &p.name == name).unwrap();
                prop_assert_eq!(project.priority, o.priority);
            }
        }
    }
}
