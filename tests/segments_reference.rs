//! RFM and value tiers against naive, obviously-correct reference implementations,
//! on random small logs.
//!
//! The references share no code with the engine. They read the contract
//! literally: per user, the purchases at or before the cutoff; recency in whole
//! seconds (`floor(as_of / 1000) − floor(last / 1000)`, the peer's SQL), revenue
//! as integer cents; a score is `1 + floor(5 · (rank − 1) / n)` with `rank` the
//! 1-based position of the first equal value in the sorted list (recency sorted
//! descending); the segment is the first of the contract's rules, written as a
//! list of predicates, that matches. Tiers sort the buyers by value and take the
//! value at position `⌈share · n⌉` (integer arithmetic on tenths) as the boundary.
//!
//! The logs have few distinct instants (same-instant purchases are common),
//! sub-second offsets (recency floors to the second), users without purchases,
//! often fewer than 5 buyers, revenues in cents that tie only when summed exactly
//! (0.1 + 0.2 = 0.3), refunds, missing revenue, and analysis dates before some
//! purchases, as a time or as a plain date.

use proptest::prelude::*;
use tidemark::analysis::segments::{rfm, tiers};
use tidemark::report::{RfmReport, TiersReport};
use tidemark::spec::{EventSpec, RfmSpec, TierBy, TierMetric, TiersSpec};
use tidemark::table::{EventTable, TableBuilder, TableMeta};

/// 2024-03-10T00:00:00Z.
const BASE: i64 = 1_710_028_800_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
const NAMES: [&str; 3] = ["view", "purchase", "refund"];
/// Revenue in cents; `None` = no revenue cell.
const CENTS: [Option<i64>; 9] = [
    None,
    Some(0),
    Some(10),
    Some(20),
    Some(30),
    Some(1999),
    Some(500),
    Some(-500),
    Some(100_000),
];
/// Sub-second offsets: recency is whole seconds.
const MS: [i64; 4] = [0, 400, 999, 1000];

#[derive(Debug, Clone)]
struct Ev {
    user: usize,
    time: i64,
    name: &'static str,
    cents: Option<i64>,
}

/// The analysis date of a case: none, a time, or a plain date.
#[derive(Debug, Clone, Copy)]
enum AsOf {
    DataEnd,
    /// Epoch ms, whole seconds.
    Time(i64),
    /// Days after BASE (a UTC date).
    Date(i64),
}

impl AsOf {
    fn text(self) -> Option<String> {
        match self {
            AsOf::DataEnd => None,
            AsOf::Time(ms) => Some(
                chrono::DateTime::from_timestamp_millis(ms)
                    .unwrap()
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string(),
            ),
            AsOf::Date(d) => Some(
                chrono::DateTime::from_timestamp_millis(BASE + d * DAY)
                    .unwrap()
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
        }
    }

    /// (instant recency is measured to, last counted ms), `None` for an empty log.
    fn resolve(self, events: &[Ev]) -> Option<(i64, i64)> {
        match self {
            AsOf::DataEnd => events.iter().map(|e| e.time).max().map(|t| (t, t)),
            AsOf::Time(ms) => Some((ms, ms)),
            AsOf::Date(d) => {
                let next = BASE + (d + 1) * DAY;
                Some((next, next - 1))
            }
        }
    }
}

fn arb_events() -> impl Strategy<Value = Vec<Ev>> {
    prop::collection::vec(
        (0..8usize, 0..40i64, 0..MS.len(), 0..3usize, 0..CENTS.len()),
        0..40,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .map(|(user, slot, ms, name, cents)| Ev {
                user,
                time: BASE + slot * 5 * HOUR + MS[ms],
                name: NAMES[name],
                cents: CENTS[cents],
            })
            .collect()
    })
}

fn arb_as_of() -> impl Strategy<Value = AsOf> {
    prop_oneof![
        2 => Just(AsOf::DataEnd),
        1 => (0..40i64).prop_map(|slot| AsOf::Time(BASE + slot * 5 * HOUR + 1000)),
        1 => (0..9i64).prop_map(AsOf::Date),
    ]
}

fn build(events: &[Ev]) -> EventTable {
    let mut b = TableBuilder::new(true, &[]);
    for e in events {
        b.push(
            &format!("u{}", e.user),
            e.time,
            e.name,
            e.cents.map(|c| c as f64 / 100.0),
            &[],
        );
    }
    b.build(TableMeta::synthetic("t.csv"))
}

/// One reference buyer.
#[derive(Debug, Clone)]
struct RefBuyer {
    user: String,
    purchases: u64,
    cents: i64,
    recency_s: i64,
}

/// The buyers at the cutoff, in order of the user's first event; and the user count.
fn ref_buyers(events: &[Ev], as_of: AsOf) -> (Vec<RefBuyer>, usize) {
    let mut users: Vec<usize> = Vec::new();
    for e in events {
        if !users.contains(&e.user) {
            users.push(e.user);
        }
    }
    let Some((instant, cutoff)) = as_of.resolve(events) else {
        return (Vec::new(), 0);
    };
    let mut buyers = Vec::new();
    for &u in &users {
        let mine: Vec<&Ev> = events
            .iter()
            .filter(|e| e.user == u && e.name == "purchase" && e.time <= cutoff)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let last = mine.iter().map(|e| e.time).max().unwrap();
        buyers.push(RefBuyer {
            user: format!("u{u}"),
            purchases: mine.len() as u64,
            cents: mine.iter().filter_map(|e| e.cents).sum(),
            recency_s: instant.div_euclid(1000) - last.div_euclid(1000),
        });
    }
    (buyers, users.len())
}

/// `1 + floor(5 · (rank − 1) / n)`, rank = 1 + index of the first equal value
/// in `sorted` (sorted in the ranking direction).
fn ref_score<T: PartialEq>(sorted: &[T], v: &T) -> u8 {
    let rank = sorted.iter().position(|x| x == v).unwrap() + 1;
    (1 + 5 * (rank - 1) / sorted.len()) as u8
}

/// A rule of the contract: a name and its condition on (R, F).
type Rule = (&'static str, fn(u8, u8) -> bool);

/// The contract's rules, in order.
fn ref_segment(r: u8, f: u8) -> &'static str {
    let rules: [Rule; 11] = [
        ("Lost", |r, f| r == 1 && f == 1),
        ("Hibernating", |r, f| r <= 2 && f <= 2),
        ("At risk", |r, f| r <= 2 && f <= 4),
        ("Cannot lose", |r, _| r <= 2),
        ("About to sleep", |r, f| r == 3 && f <= 2),
        ("Need attention", |r, f| r == 3 && f == 3),
        ("Loyal", |r, f| r <= 4 && f >= 4),
        ("Champions", |r, f| r == 5 && f >= 4),
        ("Potential loyalist", |_, f| f >= 2),
        ("Promising", |r, _| r == 4),
        ("New", |_, _| true),
    ];
    rules.iter().find(|(_, rule)| rule(r, f)).unwrap().0
}

/// Per buyer: (user, recency_s, purchases, cents, r, f, m, segment).
type RefUser = (String, i64, u64, i64, u8, u8, u8, &'static str);

fn ref_rfm(buyers: &[RefBuyer]) -> Vec<RefUser> {
    let mut rec: Vec<i64> = buyers.iter().map(|b| b.recency_s).collect();
    rec.sort_by(|a, b| b.cmp(a)); // descending: the oldest rank first, score 1
    let mut freq: Vec<u64> = buyers.iter().map(|b| b.purchases).collect();
    freq.sort();
    let mut money: Vec<i64> = buyers.iter().map(|b| b.cents).collect();
    money.sort();
    buyers
        .iter()
        .map(|b| {
            let (r, f, m) = (
                ref_score(&rec, &b.recency_s),
                ref_score(&freq, &b.purchases),
                ref_score(&money, &b.cents),
            );
            (
                b.user.clone(),
                b.recency_s,
                b.purchases,
                b.cents,
                r,
                f,
                m,
                ref_segment(r, f),
            )
        })
        .collect()
}

fn cents(x: f64) -> i64 {
    let c = (x * 100.0).round();
    assert_eq!(
        x,
        c / 100.0,
        "{x} is not the nearest double of a cent amount"
    );
    c as i64
}

fn check_rfm(events: &[Ev], as_of: AsOf) -> Result<(), TestCaseError> {
    let table = build(events);
    let spec = RfmSpec {
        purchase_event: Some(EventSpec::Name("purchase".into())),
        as_of: as_of.text(),
        users: true,
    };
    let got = rfm(&table, &spec);
    if !events.iter().any(|e| e.name == "purchase") {
        prop_assert!(got.is_err());
        return Ok(());
    }
    let got: RfmReport = got.unwrap();
    let (buyers, users) = ref_buyers(events, as_of);
    let want = ref_rfm(&buyers);
    prop_assert_eq!(got.buyers, buyers.len() as u64);
    prop_assert_eq!(got.non_buyers, (users - buyers.len()) as u64);

    // Per user, in user order.
    let got_users: Vec<RefUser> = got
        .users
        .clone()
        .unwrap()
        .into_iter()
        .map(|u| {
            let seg = ref_segment(u.r, u.f);
            prop_assert_eq!(u.segment.as_str(), seg);
            prop_assert_eq!(u.recency_days, u.recency_seconds as f64 / 86_400.0);
            Ok((
                u.user,
                u.recency_seconds,
                u.frequency,
                cents(u.monetary),
                u.r,
                u.f,
                u.m,
                seg,
            ))
        })
        .collect::<Result<_, TestCaseError>>()?;
    prop_assert_eq!(&got_users, &want);

    // Cells: one per non-empty (r, f, m), sorted.
    let mut want_cells: Vec<(u8, u8, u8, u64, i64, &str)> = Vec::new();
    for u in &want {
        match want_cells
            .iter_mut()
            .find(|c| (c.0, c.1, c.2) == (u.4, u.5, u.6))
        {
            Some(c) => {
                c.3 += 1;
                c.4 += u.3;
            }
            None => want_cells.push((u.4, u.5, u.6, 1, u.3, u.7)),
        }
    }
    want_cells.sort();
    let got_cells: Vec<(u8, u8, u8, u64, i64, &str)> = got
        .cells
        .iter()
        .map(|c| (c.r, c.f, c.m, c.users, cents(c.revenue), c.segment.as_str()))
        .collect();
    prop_assert_eq!(got_cells, want_cells);

    // Segments: all 11, sizes, revenue, purchases, mean days since last.
    prop_assert_eq!(got.segments.len(), 11);
    for s in &got.segments {
        let mine: Vec<&RefUser> = want.iter().filter(|u| u.7 == s.name).collect();
        prop_assert_eq!(s.users, mine.len() as u64, "{}", s.name);
        prop_assert_eq!(cents(s.revenue), mine.iter().map(|u| u.3).sum::<i64>());
        prop_assert_eq!(s.purchases, mine.iter().map(|u| u.2).sum::<u64>());
        if mine.is_empty() {
            prop_assert_eq!(s.days_since_last, None);
        } else {
            let mean = mine.iter().map(|u| u.1).sum::<i64>() as f64 / mine.len() as f64 / 86_400.0;
            prop_assert!((s.days_since_last.unwrap() - mean).abs() < 1e-9);
        }
    }
    // The grid: 25 cells, their users sum to the buyers.
    prop_assert_eq!(got.grid.len(), 25);
    prop_assert_eq!(
        got.grid.iter().map(|c| c.users).sum::<u64>(),
        buyers.len() as u64
    );
    for c in &got.grid {
        prop_assert_eq!(c.segment.as_str(), ref_segment(c.r, c.f));
        let n = want.iter().filter(|u| (u.4, u.5) == (c.r, c.f)).count() as u64;
        prop_assert_eq!(c.users, n);
    }
    Ok(())
}

/// (user, value in cents or purchases, tier) for a tiers spec by share in tenths.
fn ref_tiers(
    buyers: &[RefBuyer],
    metric: TierMetric,
    by: TierBy,
    high: i64,
    mid: i64,
) -> Vec<(String, i64, &'static str)> {
    let value = |b: &RefBuyer| match metric {
        TierMetric::Revenue => b.cents,
        TierMetric::Purchases => b.purchases as i64,
    };
    let mut sorted: Vec<i64> = buyers.iter().map(value).collect();
    sorted.sort_by(|a, b| b.cmp(a));
    let n = sorted.len() as i64;
    // By share: tenths; the value at position ceil(tenths · n / 10), if any.
    let boundary = |tenths: i64| {
        let k = (tenths * n + 9) / 10;
        (k > 0).then(|| sorted[(k - 1) as usize])
    };
    let (high_v, mid_v) = match by {
        TierBy::Share => (boundary(high), boundary(mid)),
        // By value: in cents (revenue) or purchases ×100 given as hundredths.
        TierBy::Value => (Some(high), Some(mid)),
    };
    let scale = |v: i64| match (by, metric) {
        (TierBy::Value, TierMetric::Purchases) => v * 100,
        _ => v,
    };
    buyers
        .iter()
        .map(|b| {
            let v = scale(value(b));
            let tier = if high_v.is_some_and(|h| v >= h) {
                "high"
            } else if mid_v.is_some_and(|m| v >= m) {
                "mid"
            } else {
                "low"
            };
            (b.user.clone(), value(b), tier)
        })
        .collect()
}

fn check_tiers(
    events: &[Ev],
    as_of: AsOf,
    metric: TierMetric,
    by: TierBy,
    a: i64,
    b: i64,
) -> Result<(), TestCaseError> {
    let table = build(events);
    let (lo, hi) = (a.min(b), a.max(b));
    // By share: high ≤ mid (tenths). By value: high ≥ mid (hundredths).
    let (high, mid) = match by {
        TierBy::Share => (lo, hi),
        TierBy::Value => (hi, lo),
    };
    let spec = TiersSpec {
        purchase_event: Some(EventSpec::Name("purchase".into())),
        metric,
        by,
        high: Some(match by {
            TierBy::Share => high as f64 / 10.0,
            TierBy::Value => high as f64 / 100.0,
        }),
        mid: Some(match by {
            TierBy::Share => mid as f64 / 10.0,
            TierBy::Value => mid as f64 / 100.0,
        }),
        as_of: as_of.text(),
        users: true,
    };
    let got = tiers(&table, &spec);
    if !events.iter().any(|e| e.name == "purchase") {
        prop_assert!(got.is_err());
        return Ok(());
    }
    let got: TiersReport = got.unwrap();
    let (buyers, _) = ref_buyers(events, as_of);
    let mut want = ref_tiers(&buyers, metric, by, high, mid);
    want.sort();
    let mut got_users: Vec<(String, i64, &str)> = got
        .users
        .as_ref()
        .unwrap()
        .iter()
        .map(|u| {
            let v = match metric {
                TierMetric::Revenue => cents(u.value),
                TierMetric::Purchases => u.value as i64,
            };
            (u.user.clone(), v, u.tier.as_str())
        })
        .collect();
    got_users.sort();
    prop_assert_eq!(&got_users, &want);
    // Listed highest value first.
    let values: Vec<f64> = got
        .users
        .as_ref()
        .unwrap()
        .iter()
        .map(|u| u.value)
        .collect();
    prop_assert!(values.windows(2).all(|w| w[0] >= w[1]));
    for t in &got.tiers {
        let mine: Vec<&(String, i64, &str)> = want.iter().filter(|u| u.2 == t.name).collect();
        prop_assert_eq!(t.users, mine.len() as u64);
        let revenue: i64 = buyers
            .iter()
            .filter(|b| mine.iter().any(|u| u.0 == b.user))
            .map(|b| b.cents)
            .sum();
        prop_assert_eq!(cents(t.revenue), revenue);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn rfm_matches_reference(events in arb_events(), as_of in arb_as_of()) {
        check_rfm(&events, as_of)?;
    }

    #[test]
    fn tiers_match_reference(
        events in arb_events(),
        as_of in arb_as_of(),
        purchases in any::<bool>(),
        by_value in any::<bool>(),
        a in 0..=10i64,
        b in 0..=10i64,
        va in prop::sample::select(vec![-500i64, 0, 10, 30, 100, 500, 2029, 100_000]),
        vb in prop::sample::select(vec![-500i64, 0, 10, 30, 100, 500, 2029, 100_000]),
    ) {
        let metric = if purchases { TierMetric::Purchases } else { TierMetric::Revenue };
        if by_value {
            check_tiers(&events, as_of, metric, TierBy::Value, va, vb)?;
        } else {
            check_tiers(&events, as_of, metric, TierBy::Share, a, b)?;
        }
    }
}
