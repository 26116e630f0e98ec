//! RFM and value tiers, rule by rule (ANALYSES.md, "Segments"): the (R, F) →
//! name mapping cell by cell, a tiny log worked out by hand with the peer's SQL
//! semantics (`../shared/bench/duckdb_sql.js`, `rfmSql`), the analysis date,
//! exact monetary ties, tiny populations, tier boundaries with ties, and every
//! spec error.

use tidemark::analysis::segments::{Segment, rfm, tiers};
use tidemark::report::{RfmReport, TiersReport};
use tidemark::spec::Spec;
use tidemark::table::{EventTable, TableBuilder, TableMeta};

/// Epoch ms of an ISO 8601 UTC time.
fn at(iso: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(iso)
        .unwrap()
        .timestamp_millis()
}

/// `(user, ISO time, event, revenue)`, in UTC.
fn table(events: &[(&str, &str, &str, Option<f64>)]) -> EventTable {
    table_in(events, chrono_tz::UTC)
}

fn table_in(events: &[(&str, &str, &str, Option<f64>)], tz: chrono_tz::Tz) -> EventTable {
    let mut b = TableBuilder::new(true, &[]);
    for &(user, time, event, revenue) in events {
        b.push(user, at(time), event, revenue, &[]);
    }
    let mut meta = TableMeta::synthetic("t.csv");
    meta.time_zone = tidemark::zone::Zone::named(tz.name()).expect("zone");
    b.build(meta)
}

fn run_rfm(t: &EventTable, fields: &str) -> RfmReport {
    match Spec::from_json(&format!(r#"{{"analysis":"rfm"{fields}}}"#)).unwrap() {
        Spec::Rfm(s) => rfm(t, &s).unwrap(),
        other => panic!("not rfm: {other:?}"),
    }
}

fn run_tiers(t: &EventTable, fields: &str) -> TiersReport {
    match Spec::from_json(&format!(r#"{{"analysis":"tiers"{fields}}}"#)).unwrap() {
        Spec::Tiers(s) => tiers(t, &s).unwrap(),
        other => panic!("not tiers: {other:?}"),
    }
}

fn spec_error(json: &str) -> String {
    Spec::from_json(json).unwrap_err().to_string()
}

/// `(user, r, f, m, segment)` of every buyer.
fn scores(r: &RfmReport) -> Vec<(String, u8, u8, u8, String)> {
    r.users
        .as_ref()
        .unwrap()
        .iter()
        .map(|u| (u.user.clone(), u.r, u.f, u.m, u.segment.clone()))
        .collect()
}

/// The mapping, worked out by hand from the contract's rules: row R = 1..5,
/// column F = 1..5.
const GRID: [[&str; 5]; 5] = [
    ["Lost", "Hibernating", "At risk", "At risk", "Cannot lose"],
    [
        "Hibernating",
        "Hibernating",
        "At risk",
        "At risk",
        "Cannot lose",
    ],
    [
        "About to sleep",
        "About to sleep",
        "Need attention",
        "Loyal",
        "Loyal",
    ],
    [
        "Promising",
        "Potential loyalist",
        "Potential loyalist",
        "Loyal",
        "Loyal",
    ],
    [
        "New",
        "Potential loyalist",
        "Potential loyalist",
        "Champions",
        "Champions",
    ],
];

#[test]
fn every_rf_cell_maps_to_its_segment() {
    for r in 1..=5u8 {
        for f in 1..=5u8 {
            assert_eq!(
                Segment::of(r, f).name(),
                GRID[usize::from(r - 1)][usize::from(f - 1)],
                "R = {r}, F = {f}"
            );
        }
    }
}

#[test]
fn the_report_grid_and_rules_carry_the_mapping() {
    let t = table(&[("a", "2024-03-01T00:00:00Z", "purchase", Some(1.0))]);
    let r = run_rfm(&t, "");
    assert_eq!(r.grid.len(), 25);
    for c in &r.grid {
        assert_eq!(c.segment, GRID[usize::from(c.r - 1)][usize::from(c.f - 1)]);
    }
    assert_eq!((r.grid[0].r, r.grid[0].f), (1, 1));
    assert_eq!((r.grid[1].r, r.grid[1].f), (1, 2));
    let rules: Vec<(&str, &str)> = r
        .rules
        .iter()
        .map(|x| (x.name.as_str(), x.rule.as_str()))
        .collect();
    assert_eq!(rules[0], ("Lost", "R = 1 and F = 1"));
    assert_eq!(rules[10], ("New", "otherwise"));
    let names: Vec<&str> = r.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Champions",
            "Loyal",
            "Potential loyalist",
            "New",
            "Promising",
            "Need attention",
            "About to sleep",
            "Cannot lose",
            "At risk",
            "Hibernating",
            "Lost"
        ]
    );
}

/// The peer's `rfmSql` on this log, by hand. as_of = the last event time of the
/// table (f's view), floored to the second: 2024-03-10T06:00:00. Recency (s):
/// a 64,800, b 453,600, c 684,000, d 194,400, e 21,600 → R (rank by recency
/// descending, n = 5): c 1, b 2, d 3, a 4, e 5. Frequency: a 2, b 2 (two rows at
/// one instant), c 1, d 3, e 1 → F: c, e 1 (rank 1); a, b 3 (rank 3); d 5.
/// Money: a 15.50, b 0.10 + 0.20 = 0.30, c 0.30, d 60.00, e 0 (no revenue) →
/// M: e 1; b, c 2 (rank 2: an exact tie); a 4; d 5.
#[test]
fn a_tiny_log_gives_the_peers_cells() {
    let t = table(&[
        ("a", "2024-03-01T10:00:00Z", "purchase", Some(10.0)),
        ("a", "2024-03-09T12:00:00.600Z", "purchase", Some(5.5)),
        ("b", "2024-03-05T00:00:00Z", "purchase", Some(0.1)),
        ("b", "2024-03-05T00:00:00Z", "purchase", Some(0.2)),
        ("c", "2024-03-02T08:00:00Z", "purchase", Some(0.3)),
        ("d", "2024-03-01T00:00:00Z", "purchase", Some(20.0)),
        ("d", "2024-03-03T00:00:00Z", "purchase", Some(20.0)),
        ("d", "2024-03-08T00:00:00Z", "purchase", Some(20.0)),
        ("e", "2024-03-10T00:00:00Z", "purchase", None),
        ("e", "2024-03-10T01:00:00Z", "view", None),
        ("f", "2024-03-10T06:00:00.900Z", "view", None),
    ]);
    let r = run_rfm(
        &t,
        r#","purchase_event":"purchase","as_of":null,"users":true"#,
    );
    assert_eq!(r.as_of.as_deref(), Some("2024-03-10T06:00:00.900Z"));
    assert_eq!((r.buyers, r.non_buyers, r.purchases), (5, 1, 9));
    assert_eq!(r.revenue, 76.1);
    assert_eq!(r.revenue_decimals, Some(1)); // 5.5, 0.1, …
    // rfmSql's rows: r, f, m, users, revenue_cents, segment.
    let cells: Vec<(u8, u8, u8, u64, i64, &str)> = r
        .cells
        .iter()
        .map(|c| {
            (
                c.r,
                c.f,
                c.m,
                c.users,
                (c.revenue * 100.0).round() as i64,
                c.segment.as_str(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            (1, 1, 2, 1, 30, "Lost"),
            (2, 3, 2, 1, 30, "At risk"),
            (3, 5, 5, 1, 6000, "Loyal"),
            (4, 3, 4, 1, 1550, "Potential loyalist"),
            (5, 1, 1, 1, 0, "New"),
        ]
    );
    let users = r.users.as_ref().unwrap();
    let rec: Vec<(&str, i64)> = users
        .iter()
        .map(|u| (u.user.as_str(), u.recency_seconds))
        .collect();
    assert_eq!(
        rec,
        [
            ("a", 64_800),
            ("b", 453_600),
            ("c", 684_000),
            ("d", 194_400),
            ("e", 21_600)
        ]
    );
    assert_eq!(users[1].monetary, 0.3);
    assert_eq!(users[1].recency_days, 5.25);
    // Segment figures.
    let loyal = r.segments.iter().find(|s| s.name == "Loyal").unwrap();
    assert_eq!((loyal.users, loyal.revenue, loyal.purchases), (1, 60.0, 3));
    assert_eq!(loyal.avg_order_value, Some(20.0));
    assert_eq!(loyal.days_since_last, Some(2.25));
    assert_eq!(loyal.share_users, Some(0.2));
    assert_eq!(loyal.share_revenue, Some(60.0 / 76.1));
    let champions = r.segments.iter().find(|s| s.name == "Champions").unwrap();
    assert_eq!(
        (
            champions.users,
            champions.share_users,
            champions.avg_order_value,
            champions.days_since_last
        ),
        (0, Some(0.0), None, None)
    );
    // The score ranges: R = 1 holds c alone, 684,000 s = 7.9166… days.
    assert_eq!(r.scores.recency_days[0].users, 1);
    assert_eq!(r.scores.recency_days[0].min, Some(684_000.0 / 86_400.0));
    assert_eq!(r.scores.frequency[0].users, 2);
    assert_eq!(r.scores.frequency[1].users, 0);
    assert_eq!(r.scores.frequency[1].min, None);
    assert_eq!(r.scores.monetary[1].max, Some(0.3));
}

#[test]
fn a_single_buyer_scores_one_everywhere_and_is_lost() {
    // n = 1: rank 1 → 1 + floor(0) = 1 on every score.
    let t = table(&[
        ("solo", "2024-03-01T00:00:00Z", "purchase", Some(99.0)),
        ("other", "2024-03-02T00:00:00Z", "view", None),
    ]);
    let r = run_rfm(&t, r#","users":true"#);
    assert_eq!(scores(&r), [("solo".into(), 1, 1, 1, "Lost".into())]);
    assert_eq!(r.non_buyers, 1);
    assert!(r.purchase_event_guessed);
}

#[test]
fn identical_buyers_tie_on_every_score() {
    let t = table(&[
        ("a", "2024-03-01T00:00:00Z", "purchase", Some(5.0)),
        ("b", "2024-03-01T00:00:00.999Z", "purchase", Some(5.0)), // same second
        ("c", "2024-03-01T00:00:00Z", "purchase", Some(5.0)),
    ]);
    let r = run_rfm(&t, r#","users":true"#);
    assert!(scores(&r).iter().all(|s| (s.1, s.2, s.3) == (1, 1, 1)));
}

#[test]
fn as_of_a_date_counts_that_whole_local_day() {
    // Berlin is UTC+1 in early March: the day 2024-03-09 ends at 23:00 UTC.
    let t = table_in(
        &[
            ("early", "2024-03-01T00:00:00Z", "purchase", Some(1.0)),
            ("late", "2024-03-09T22:30:00Z", "purchase", Some(1.0)), // 23:30 local
            ("late", "2024-03-09T23:30:00Z", "purchase", Some(1.0)), // next local day
            ("after", "2024-03-10T12:00:00Z", "purchase", Some(1.0)),
        ],
        chrono_tz::Europe::Berlin,
    );
    let r = run_rfm(&t, r#","as_of":"2024-03-09","users":true"#);
    assert_eq!(r.as_of.as_deref(), Some("2024-03-09T23:00:00Z"));
    assert_eq!((r.buyers, r.non_buyers, r.purchases), (2, 1, 2));
    let users = r.users.unwrap();
    assert_eq!(users[1].user, "late");
    assert_eq!(users[1].recency_seconds, 1_800);
    assert_eq!(users[1].frequency, 1);
}

#[test]
fn as_of_a_time_counts_purchases_up_to_that_instant() {
    let t = table(&[
        ("a", "2024-03-01T00:00:00Z", "purchase", Some(1.0)),
        ("a", "2024-03-05T00:00:00Z", "purchase", Some(2.0)), // exactly as_of
        ("a", "2024-03-05T00:00:00.001Z", "purchase", Some(4.0)), // after
    ]);
    let r = run_rfm(&t, r#","as_of":"2024-03-05T00:00:00Z","users":true"#);
    let u = &r.users.unwrap()[0];
    assert_eq!((u.frequency, u.monetary, u.recency_seconds), (2, 3.0, 0));
}

#[test]
fn cents_tie_exactly_and_long_decimals_fall_back_to_floats() {
    let t = table(&[
        ("x", "2024-03-01T00:00:00Z", "purchase", Some(0.1)),
        ("x", "2024-03-02T00:00:00Z", "purchase", Some(0.2)),
        ("y", "2024-03-01T00:00:00Z", "purchase", Some(0.3)),
        ("y", "2024-03-02T00:00:00Z", "purchase", Some(0.0)),
    ]);
    let r = run_rfm(&t, r#","users":true"#);
    let m: Vec<(u8, f64)> = r.users.unwrap().iter().map(|u| (u.m, u.monetary)).collect();
    assert_eq!(m, [(1, 0.3), (1, 0.3)]);
    let t = table(&[("x", "2024-03-01T00:00:00Z", "purchase", Some(0.1234567))]);
    assert_eq!(run_rfm(&t, "").revenue_decimals, None);
}

#[test]
fn rfm_errored() {
    let t = table(&[("a", "2024-03-01T00:00:00Z", "view", None)]);
    let spec = |j: &str| match Spec::from_json(j).unwrap() {
        Spec::Rfm(s) => s,
        other => panic!("{other:?}"),
    };
    let e = rfm(&t, &spec(r#"{"analysis":"rfm"}"#))
        .unwrap_err()
        .to_string();
    assert!(e.contains("rfm: no purchase event found"), "{e}");
    assert!(e.contains("\"view\""), "{e}");
    let e = rfm(&t, &spec(r#"{"analysis":"rfm","purchase_event":"buy"}"#))
        .unwrap_err()
        .to_string();
    assert!(e.contains("rfm purchase_event: no event \"buy\""), "{e}");
    let e = rfm(
        &t,
        &spec(r#"{"analysis":"rfm","purchase_event":"view","as_of":"soon"}"#),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("rfm \"as_of\": \"soon\" is not a date or time"),
        "{e}"
    );
    let e = spec_error(r#"{"analysis":"rfm","asof":null}"#);
    assert!(e.contains("rfm: unknown field `asof`"), "{e}");
}

/// Revenues 100, 100, 100, 50, 10 (tied at the top).
fn tied() -> EventTable {
    table(&[
        ("a", "2024-03-01T00:00:00Z", "purchase", Some(100.0)),
        ("b", "2024-03-01T00:00:00Z", "purchase", Some(60.0)),
        ("b", "2024-03-02T00:00:00Z", "purchase", Some(40.0)),
        ("c", "2024-03-01T00:00:00Z", "purchase", Some(100.0)),
        ("d", "2024-03-01T00:00:00Z", "purchase", Some(50.0)),
        ("e", "2024-03-01T00:00:00Z", "purchase", Some(10.0)),
        ("f", "2024-03-01T00:00:00Z", "view", None),
    ])
}

/// `(name, users, revenue)` per tier.
fn tier_sizes(r: &TiersReport) -> Vec<(&str, u64, f64)> {
    r.tiers
        .iter()
        .map(|t| (t.name.as_str(), t.users, t.revenue))
        .collect()
}

#[test]
fn tiers_by_share_keep_ties_together_in_the_upper_tier() {
    // Top 20% of 5 = position 1 (100): all three at 100 are high; top 60% =
    // position 3 (100 again): mid is empty; the rest are low.
    let r = run_tiers(&tied(), r#","high":0.2,"mid":0.6"#);
    assert_eq!(
        tier_sizes(&r),
        [("high", 3, 300.0), ("mid", 0, 0.0), ("low", 2, 60.0)]
    );
    assert_eq!(r.thresholds.high, Some(100.0));
    assert_eq!(r.thresholds.mid, Some(100.0));
    assert_eq!((r.buyers, r.non_buyers, r.revenue), (5, 1, 360.0));
    assert_eq!(r.tiers[0].share_users, Some(0.6));
    assert_eq!(r.tiers[0].share_revenue, Some(300.0 / 360.0));
    // Defaults 0.2 and 0.5: mid reaches position ⌈2.5⌉ = 3.
    let r = run_tiers(&tied(), "");
    assert_eq!(
        (r.thresholds.high_given, r.thresholds.mid_given),
        (0.2, 0.5)
    );
    // Top 80% = position 4 (50): d is mid.
    let r = run_tiers(&tied(), r#","high":0.2,"mid":0.8,"users":true"#);
    assert_eq!(
        tier_sizes(&r),
        [("high", 3, 300.0), ("mid", 1, 50.0), ("low", 1, 10.0)]
    );
    let users: Vec<(&str, f64, &str)> = r
        .users
        .as_ref()
        .unwrap()
        .iter()
        .map(|u| (u.user.as_str(), u.value, u.tier.as_str()))
        .collect();
    assert_eq!(
        users,
        [
            ("a", 100.0, "high"),
            ("b", 100.0, "high"),
            ("c", 100.0, "high"),
            ("d", 50.0, "mid"),
            ("e", 10.0, "low")
        ]
    );
    assert_eq!((r.tiers[1].min, r.tiers[1].max), (Some(50.0), Some(50.0)));
}

#[test]
fn a_share_of_zero_leaves_the_tier_empty() {
    let r = run_tiers(&tied(), r#","high":0,"mid":0"#);
    assert_eq!(
        tier_sizes(&r),
        [("high", 0, 0.0), ("mid", 0, 0.0), ("low", 5, 360.0)]
    );
    assert_eq!((r.thresholds.high, r.thresholds.mid), (None, None));
    assert_eq!(r.tiers[0].min, None);
}

#[test]
fn tiers_by_value_include_the_threshold() {
    let r = run_tiers(&tied(), r#","by":"value","high":100,"mid":50"#);
    assert_eq!(
        tier_sizes(&r),
        [("high", 3, 300.0), ("mid", 1, 50.0), ("low", 1, 10.0)]
    );
    assert_eq!(
        (r.thresholds.high, r.thresholds.mid),
        (Some(100.0), Some(50.0))
    );
    // By purchases: b has 2.
    let r = run_tiers(
        &tied(),
        r#","metric":"purchases","by":"value","high":2,"mid":1"#,
    );
    assert_eq!(
        tier_sizes(&r),
        [("high", 1, 100.0), ("mid", 4, 260.0), ("low", 0, 0.0)]
    );
    assert_eq!(r.metric, "purchases");
}

#[test]
fn tiers_errored() {
    let e = spec_error(r#"{"analysis":"tiers","high":1.5}"#);
    assert!(
        e.contains("\"high\" is a share of the buyers between 0 and 1"),
        "{e}"
    );
    let e = spec_error(r#"{"analysis":"tiers","high":0.6,"mid":0.5}"#);
    assert!(e.contains("cannot be below \"high\""), "{e}");
    let e = spec_error(r#"{"analysis":"tiers","by":"value","high":100}"#);
    assert!(
        e.contains("give both \"high\" and \"mid\" as revenue values"),
        "{e}"
    );
    let e = spec_error(r#"{"analysis":"tiers","by":"value","high":10,"mid":100}"#);
    assert!(e.contains("must be a number at least \"mid\""), "{e}");
    let e = spec_error(r#"{"analysis":"tiers","metric":"clv"}"#);
    assert!(e.contains("tiers: unknown variant `clv`"), "{e}");
    let e = spec_error(r#"{"analysis":"tiers","by":"rank"}"#);
    assert!(e.contains("unknown variant `rank`"), "{e}");
}
