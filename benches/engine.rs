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
//! `events_10m.csv` is included when present (`scripts/bench-browser 10m` makes it).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::spec::Spec;

const SPECS: [(&str, &str); 6] = [
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
];

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

criterion_group!(engine, benches);
criterion_main!(engine);
