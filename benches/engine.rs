//! Criterion benchmarks of the engine on the shared synthetic event log
//! (`benches/data/gen_events.py`, seed 42). `scripts/bench` generates the files
//! into `target/bench/` and runs this; results go to BENCHMARKS.md by hand, with the
//! machine and the date.
//!
//! - `load/<file>`: CSV bytes in memory → EventTable (throughput in bytes).
//! - `<analysis>/<file>` on the loaded table: the 4-step ordered funnel (7-day
//!   window), weekly retention (12 weeks), RFM, the 30-day repeat rate (the four
//!   the browser benchmark compares with DuckDB-WASM), the weekly lifecycle, and
//!   monthly revenue retention (historical LTV).
//!
//! Also paths (5 events after the first add_to_cart), funnel drivers (the same
//! funnel) and the basket of purchase categories per user-day on the event logs,
//! and `basket/baskets_100k` (100,000 orders with order ids, when
//! `target/bench/baskets_100k.csv` exists: `benches/data/gen_baskets.py`).
//!
//! `events_10m.csv` is included when present (`scripts/bench-browser 10m` makes it).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::spec::Spec;

const SPECS: [(&str, &str); 9] = [
    (
        "funnel",
        r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"product_view"},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d","mode":"ordered"}"#,
    ),
    (
        "retention",
        r#"{"analysis":"retention","period":"week","periods":12}"#,
    ),
    ("rfm", r#"{"analysis":"rfm","purchase_event":"purchase"}"#),
    (
        "repurchase",
        r#"{"analysis":"repurchase","purchase_event":"purchase","within_days":[30]}"#,
    ),
    ("lifecycle", r#"{"analysis":"lifecycle","period":"week"}"#),
    (
        "ltv",
        r#"{"analysis":"retention","period":"month","periods":12,"measure":"revenue"}"#,
    ),
    (
        "paths",
        r#"{"analysis":"paths","event":"add_to_cart","direction":"after","steps":5}"#,
    ),
    (
        "funnel_drivers",
        r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"page_view"},{"event":"product_view"},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d"}}"#,
    ),
    (
        "basket_category",
        r#"{"analysis":"basket","item":"category","purchase_event":"purchase","min_support":0.001}"#,
    ),
];

/// The market basket on `baskets_100k.csv` (`benches/data/gen_baskets.py --seed 42`):
/// 100,000 orders, 1,000 SKUs.
const BASKET_SPEC: &str =
    r#"{"analysis":"basket","min_support":0.001,"min_confidence":0.1,"max_len":3}"#;

fn files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    ["events_100k.csv", "events_1m.csv", "events_10m.csv"]
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| p.exists())
        .collect()
}

fn benches(c: &mut Criterion) {
    let specs: Vec<(&str, Spec)> = SPECS
        .iter()
        .map(|(name, json)| (*name, Spec::from_json(json).expect("bench spec parses")))
        .collect();
    let paths = files();
    assert!(
        !paths.is_empty(),
        "run scripts/bench: it generates target/bench/events_*.csv"
    );
    for path in paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).expect("bench file readable");
        let mut g = c.benchmark_group("load");
        g.sample_size(10);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(&name, |b| {
            b.iter(|| {
                load(
                    &name,
                    black_box(&bytes),
                    LoadOptions::default(),
                    &mut Silent,
                )
                .expect("loads")
            })
        });
        g.finish();
        let table = load(&name, &bytes, LoadOptions::default(), &mut Silent).expect("loads");
        for (analysis, spec) in &specs {
            let mut g = c.benchmark_group(*analysis);
            g.sample_size(10);
            g.bench_function(&name, |b| {
                b.iter(|| tidemark::analysis::run(black_box(&table), spec).expect("runs"))
            });
            g.finish();
        }
    }
}

fn basket_bench(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench/baskets_100k.csv");
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    let table = load("baskets_100k", &bytes, LoadOptions::default(), &mut Silent).expect("loads");
    let spec = Spec::from_json(BASKET_SPEC).expect("bench spec parses");
    let mut g = c.benchmark_group("basket");
    g.sample_size(10);
    g.bench_function("baskets_100k", |b| {
        b.iter(|| tidemark::analysis::run(black_box(&table), &spec).expect("runs"))
    });
    g.finish();
}

criterion_group!(engine, benches, basket_bench);
criterion_main!(engine);
