//! Criterion benches per stage of the pipeline on a deterministic synthetic inventory.
//!
//! Each bench asserts its result inside the timed loop, so a broken stage cannot look fast.
//! Run with `cargo bench --bench stages`; ids read `STAGE/SIZE`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use triage::classify::RuleTable;
use triage::export::{Format, render};
use triage::inventory::read_bytes;
use triage::pareto::Ranking;
use triage::scenario::Scenario;

const PROCESSES: [&str; 6] = [
    "申請書の入力",
    "問い合わせ対応",
    "統計データの集計",
    "台帳の照合",
    "通知書の発送",
    "届出書の審査",
];

/// An inventory of `n` rows with heavy-tailed hours, about 6 % of them at 1,000 h or more as in
/// real surveys (12,000 x u^40 for u uniform from a fixed linear congruential sequence).
fn inventory_csv(n: usize) -> Vec<u8> {
    let mut out = String::from("id,department,task,process,annual_hours\n");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        let tenths = (u.powi(40) * 12_000.0 * 10.0).round() as u64;
        let hours = format!("{}.{}", tenths / 10, tenths % 10);
        out += &format!(
            "{i},課{},業務{},{},{hours}\n",
            i % 997,
            i % 31,
            PROCESSES[i % 6]
        );
    }
    out.into_bytes()
}

fn stages(c: &mut Criterion) {
    stages_at(c, "100k", 100_000);
}

fn stages_at(c: &mut Criterion, label: &str, n: usize) {
    let scenario = Scenario::builtin();
    let rules = RuleTable::builtin();
    {
        let bytes = inventory_csv(n);
        let inventory = read_bytes("bench.csv", &bytes, &Default::default())
            .expect("the bench inventory is valid");
        let hours: Vec<f64> = inventory.processes.iter().map(|p| p.annual_hours).collect();
        let analysis = triage::analyze(inventory.clone(), &scenario, &rules).expect("analysis");
        let selected = analysis.summary.selected;
        assert!(
            selected > n / 25 && selected < n / 10,
            "{selected} of {n} selected"
        );

        let mut group = c.benchmark_group("stages");
        group
            .throughput(Throughput::Elements(n as u64))
            .sample_size(10);
        group.bench_function(BenchmarkId::new("read", label), |b| {
            b.iter(|| {
                assert_eq!(
                    read_bytes("bench.csv", black_box(&bytes), &Default::default())
                        .unwrap()
                        .processes
                        .len(),
                    n
                )
            })
        });
        group.bench_function(BenchmarkId::new("rank-select", label), |b| {
            b.iter(|| {
                assert_eq!(
                    Ranking::new(black_box(&hours), &scenario.pareto).selected,
                    selected
                )
            })
        });
        group.bench_function(BenchmarkId::new("analyze", label), |b| {
            b.iter(|| {
                let a = triage::analyze(black_box(inventory.clone()), &scenario, &rules).unwrap();
                assert_eq!(a.processes.len(), n);
            })
        });
        group.bench_function(BenchmarkId::new("write-csv", label), |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(32 << 20);
                render(black_box(&analysis), Format::Csv, &mut out).unwrap();
                assert!(out.len() > n * 20);
            })
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
