//! Criterion benchmarks of the engine on the shared synthetic event log
//! (`benches/data/gen_events.py`, seed 42). `scripts/bench` generates the files
//! into `target/bench/` and runs this; results go to BENCHMARKS.md by hand, with the
//! machine and the date.
//!
//! - `load/<file>`: CSV bytes in memory → EventTable (throughput in bytes).
//! - `parse/<file>`: the same bytes pushed through a `Loader` in 1 MiB chunks
//!   without `finish` (no per-user order, no permutation): the parse alone, which
//!   parts of a parallel load divide between workers.
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
//!
//! Segments: `rule3/<file>`, a 3-clause rule segment (`RULE`: purchases, days
//! since the last event, a property) compiled and evaluated into a mask; and
//! `users_1m/…`, a synthetic table of exactly 1,000,000 users (`synthetic_users`,
//! about 3.5M events, deterministic) with RFM, the same rule, and a funnel filtered
//! by it.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidemark::ingest::{LoadOptions, Loader, load};
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

/// The 3-clause rule of the segment benchmarks.
const RULE: &str = r#"purchases >= 2 and days_since_last < 30 and country = "CN""#;

/// One million users, 1 to 6 events each over 180 days (page_view, add_to_cart,
/// purchase with revenue), a country each; a fixed linear congruential sequence.
fn synthetic_users() -> tidemark::EventTable {
    use tidemark::table::{Role, TableBuilder, TableMeta};
    const USERS: u64 = 1_000_000;
    const EVENTS: [&str; 3] = ["page_view", "add_to_cart", "purchase"];
    const COUNTRIES: [&str; 5] = ["US", "CN", "DE", "GB", "BR"];
    let mut x: u64 = 42;
    let mut next = move || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    let mut b = TableBuilder::new(true, &[("country".to_string(), Role::Property)]);
    let t0: i64 = 1_735_689_600_000;
    for u in 0..USERS {
        let id = format!("u{u}");
        let country = COUNTRIES[(next() % 5) as usize];
        let mut t = t0 + (next() % (150 * 86_400)) as i64 * 1000;
        for _ in 0..1 + next() % 6 {
            let e = EVENTS[(next() % 3) as usize];
            let revenue = (e == "purchase").then(|| (next() % 20_000) as f64 / 100.0);
            b.push(&id, t, e, revenue, &[Some(country)]);
            t += (next() % (10 * 86_400)) as i64 * 1000;
        }
    }
    b.build(TableMeta::synthetic("users_1m"))
}

fn segment_benches(c: &mut Criterion) {
    use tidemark::segment::{Rule, RuleOptions};
    let table = synthetic_users();
    assert_eq!(table.user_count(), 1_000_000);
    let rfm = Spec::from_json(r#"{"analysis":"rfm","purchase_event":"purchase"}"#).expect("parses");
    let funnel = Spec::from_json(&format!(
        r#"{{"analysis":"funnel","steps":[{{"event":"page_view"}},{{"event":"add_to_cart"}},{{"event":"purchase"}}],"window":"7d","segment":{{"rule":{}}}}}"#,
        serde_json::to_string(RULE).expect("text")
    ))
    .expect("parses");
    let mut g = c.benchmark_group("users_1m");
    g.sample_size(10);
    g.bench_function("rfm", |b| {
        b.iter(|| tidemark::analysis::run(black_box(&table), &rfm).expect("runs"))
    });
    g.bench_function("rule3", |b| {
        b.iter(|| {
            Rule::compile(black_box(&table), RULE, &RuleOptions::default())
                .expect("compiles")
                .mask(&table)
        })
    });
    g.bench_function("funnel_filtered_by_rule3", |b| {
        b.iter(|| tidemark::analysis::run(black_box(&table), &funnel).expect("runs"))
    });
    g.finish();
}
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
        let mut g = c.benchmark_group("parse");
        g.sample_size(10);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(&name, |b| {
            b.iter(|| {
                let mut loader = Loader::new(&name, LoadOptions::default()).expect("loader");
                loader.expect_bytes(bytes.len() as u64).expect("fits");
                for chunk in black_box(&bytes).chunks(1 << 20) {
                    loader.push(chunk).expect("parses");
                }
                loader.rows_read()
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
        let mut g = c.benchmark_group("rule3");
        g.sample_size(10);
        g.bench_function(&name, |b| {
            b.iter(|| {
                tidemark::segment::Rule::compile(
                    black_box(&table),
                    RULE,
                    &tidemark::segment::RuleOptions::default(),
                )
                .expect("compiles")
                .mask(&table)
            })
        });
        g.finish();
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

criterion_group!(engine, benches, segment_benches, basket_bench);
criterion_main!(engine);
