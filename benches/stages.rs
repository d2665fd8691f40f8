//! Criterion benches, one per stage of the pipeline, at 100k and 1M generated rows.
//!
//! Each bench asserts its result inside the timed loop, so a broken stage cannot look fast;
//! throughput is in rows. Ids read `STAGE/SIZE`. Run: `cargo bench --bench stages`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use triage::classify::RuleTable;
use triage::export::{Format, render};
use triage::inventory::{Inventory, Keep, ReadOptions, read_bytes};
use triage::model::{Priority, WorkClass};
use triage::pareto::{Ranking, rank};
use triage::priority::{Effect, ProjectFacts, project_priority};
use triage::projection::{Discounts, Economy, ProjectPlan, component_costs, outcome};
use triage::scenario::Scenario;
use triage::{Listing, Ranked, Release, analyze_listing};

/// One generated inventory and what the stages need from it.
struct Fixture {
    label: &'static str,
    rows: usize,
    bytes: Vec<u8>,
    inventory: Inventory,
    hours: Vec<f64>,
    selected: usize,
}

fn fixture(label: &'static str, rows: usize) -> Fixture {
    let mut bytes = Vec::new();
    triage::generate::write_inventory(rows as u64, 42, &mut bytes).expect("generate");
    let inventory = read_bytes("bench.csv", &bytes, &listed()).expect("a valid inventory");
    let hours = inventory.processes.iter().map(|p| p.annual_hours).collect();
    let selected = inventory.processes.len();
    assert!(
        selected > rows / 25 && selected < rows / 10,
        "{selected} of {rows} at 1,000 h or more"
    );
    Fixture {
        label,
        rows,
        bytes,
        inventory,
        hours,
        selected,
    }
}

fn listed() -> ReadOptions<'static> {
    ReadOptions {
        keep: Keep::Listed {
            floor: 1000.0,
            ids: Default::default(),
        },
        ..Default::default()
    }
}

fn stages(c: &mut Criterion) {
    for f in [fixture("100k", 100_000), fixture("1m", 1_000_000)] {
        let mut group = c.benchmark_group("stages");
        group
            .throughput(Throughput::Elements(f.rows as u64))
            .sample_size(10);
        read(&mut group, &f);
        rank_and_select(&mut group, &f);
        classify(&mut group, &f);
        project_and_prioritise(&mut group, &f);
        write(&mut group, &f);
        list(&mut group, &f);
        group.finish();
    }
}

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

fn read(group: &mut Group, f: &Fixture) {
    group.bench_function(BenchmarkId::new("read", f.label), |b| {
        b.iter(|| {
            let inventory = read_bytes("bench.csv", black_box(&f.bytes), &listed()).unwrap();
            assert_eq!(
                (inventory.rows, inventory.processes.len()),
                (f.rows, f.selected)
            );
        })
    });
}

fn rank_and_select(group: &mut Group, f: &Fixture) {
    group.bench_function(BenchmarkId::new("rank", f.label), |b| {
        b.iter(|| assert_eq!(rank(black_box(&f.hours)).len(), f.selected))
    });
    let rule = Scenario::builtin().pareto;
    let order = rank(&f.hours);
    group.bench_function(BenchmarkId::new("select", f.label), |b| {
        b.iter(|| {
            let r = Ranking::from_order(
                order.clone(),
                black_box(&f.hours),
                &rule,
                f.inventory.total_hours,
            );
            assert_eq!(r.selected, f.selected);
        })
    });
}

fn classify(group: &mut Group, f: &Fixture) {
    let rules = RuleTable::builtin();
    group.bench_function(BenchmarkId::new("classify", f.label), |b| {
        b.iter(|| {
            let other = f
                .inventory
                .processes
                .iter()
                .filter(|p| rules.classify(p).0 == WorkClass::Other)
                .count();
            assert!(other < f.selected);
        })
    });
}

fn project_and_prioritise(group: &mut Group, f: &Fixture) {
    let economy = Economy {
        labor_cost_per_hour: 2566,
        first_fiscal_year: 2020,
        discount_rate: 0.0,
    };
    let discounts = Discounts::new(economy.discount_rate, 8);
    let costs: std::sync::Arc<[i64]> =
        component_costs(2_684_000, 3_297_800, 2_750_000, 2, 8).into();
    let plans: Vec<ProjectPlan> = f
        .hours
        .iter()
        .map(|&h| ProjectPlan {
            reduction_hours: h * 0.5,
            go_live_year: 2,
            months_in_first_year: 8,
            costs: costs.clone(),
        })
        .collect();
    let paying = plans
        .iter()
        .filter(|p| outcome(p, &economy, &discounts).payback_year.is_some())
        .count();
    assert!(paying > 0);
    group.bench_function(BenchmarkId::new("project", f.label), |b| {
        b.iter(|| {
            let n = plans
                .iter()
                .map(|p| outcome(black_box(p), &economy, &discounts))
                .filter(|o| o.payback_year.is_some())
                .count();
            assert_eq!(n, paying);
        })
    });
    let facts: Vec<ProjectFacts> = plans
        .iter()
        .map(|p| {
            let o = outcome(p, &economy, &discounts);
            ProjectFacts {
                effect: Effect::Hours(p.reduction_hours),
                blocker: None,
                payback_year: o.payback_year,
                horizon_years: 8,
                high_payback_within: 4,
                npv: o.npv,
            }
        })
        .collect();
    group.bench_function(BenchmarkId::new("prioritise", f.label), |b| {
        b.iter(|| {
            let high = facts
                .iter()
                .filter(|x| project_priority(black_box(x)).0 == Priority::High)
                .count();
            assert!(high > 0 && high <= f.selected);
        })
    });
}

fn write(group: &mut Group, f: &Fixture) {
    let analysis = analyze_listing(
        f.inventory.clone(),
        &Scenario::builtin(),
        &RuleTable::builtin(),
        Listing::Selected,
    )
    .unwrap();
    let mut first = Vec::new();
    render(&analysis, Format::Csv(Default::default()), &mut first).unwrap();
    assert!(first.len() > f.selected * 100);
    group.bench_function(BenchmarkId::new("write-csv", f.label), |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(first.len());
            render(
                black_box(&analysis),
                Format::Csv(Default::default()),
                &mut out,
            )
            .unwrap();
            assert_eq!(out.len(), first.len());
        })
    });
}

/// The listing as `triage run --only-selected -f csv` makes it once the file is read: rank,
/// select, classify, project, prioritise and write each selected process, as it goes.
fn list(group: &mut Group, f: &Fixture) {
    let (scenario, rules) = (Scenario::builtin(), RuleTable::builtin());
    let listing = |inventory: Inventory| {
        let ranked = Ranked::new(inventory, &scenario, &rules).unwrap();
        let mut out = Vec::new();
        let (listing, release, dialect) = (Listing::Selected, Release::Free, Default::default());
        let streamed =
            triage::export::stream_csv(ranked, listing, release, &mut out, dialect, &mut |_| {})
                .unwrap();
        (streamed.summary.unwrap(), out.len())
    };
    let (summary, bytes) = listing(f.inventory.clone());
    assert_eq!((summary.processes, summary.selected), (f.rows, f.selected));
    group.bench_function(BenchmarkId::new("list-csv", f.label), |b| {
        b.iter_batched(
            || f.inventory.clone(),
            |inventory| assert_eq!(listing(black_box(inventory)), (summary.clone(), bytes)),
            criterion::BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
