//! Funnel drivers: the 2×2 counts against a brute-force reference on random
//! logs (a two-step ordered funnel, whose chains are simple enough to find by
//! enumeration), a hand-worked case, and spec errors. The statistics themselves
//! (odds ratio, Woolf interval, Fisher, chi-square) are checked against
//! hand-computed and published values in `analysis::stats`.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tidemark::analysis::funnel_drivers::funnel_drivers;
use tidemark::analysis::stats;
use tidemark::spec::{Duration, FunnelDriversSpec, FunnelMode, FunnelSpec, Spec, StepSpec};

const NAMES: [&str; 4] = ["a", "b", "c", "d"];
const VALUES: [Option<&str>; 3] = [None, Some("x"), Some("y")];

#[path = "common/plain_log.rs"]
mod plain_log;
use plain_log::{Ev, build};

fn spec(window_s: i64, min_group: u64) -> FunnelDriversSpec {
    FunnelDriversSpec {
        funnel: FunnelSpec {
            steps: ["a", "b"]
                .iter()
                .map(|e| StepSpec {
                    event: e.to_string(),
                    filter: None,
                })
                .collect(),
            window: Duration::seconds(window_s),
            mode: FunnelMode::Ordered,
            breakdown: None,
            breakdown_limit: 10,
            from: None,
            to: None,
            segment: None,
            segments: Vec::new(),
        },
        min_group,
        top: 1000,
    }
}

/// Per feature label: (a, b, c, d), plus (entered, converted, hidden).
type Counts = (BTreeMap<String, [u64; 4]>, (u64, u64, u64));

/// The reference: for each user (events sorted by time, then input order), the
/// funnel a → b: converted when some a at i has a b at j > i within the window,
/// the chain being the smallest such i, then the smallest j; else entered with
/// the first a. Features by the documented rules; cells counted directly.
fn reference(events: &[Ev], window_ms: i64, min_group: u64) -> Counts {
    let mut users: BTreeMap<usize, Vec<(i64, usize)>> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        users.entry(e.user).or_default().push((e.time, i));
    }
    // Per user who entered: converted?, feature set.
    let mut entrants: Vec<(bool, BTreeSet<String>)> = Vec::new();
    for log in users.values_mut() {
        log.sort();
        let evs: Vec<&Ev> = log.iter().map(|&(_, i)| &events[i]).collect();
        let Some(first_a) = evs.iter().position(|e| e.name == "a") else {
            continue;
        };
        let chain = (0..evs.len())
            .filter(|&i| evs[i].name == "a")
            .find_map(|i| {
                (i + 1..evs.len())
                    .find(|&j| evs[j].name == "b" && evs[j].time - evs[i].time <= window_ms)
                    .map(|j| (i, j))
            });
        let before: Vec<&Ev> = match chain {
            Some((_, j)) => evs[..j].to_vec(),
            None => {
                let end = evs[first_a].time + window_ms;
                evs.iter().copied().filter(|e| e.time <= end).collect()
            }
        };
        let mut features = BTreeSet::new();
        for e in before {
            if e.name != "a" && e.name != "b" {
                features.insert(format!("event {}", e.name));
            }
            if let Some(v) = e.p {
                features.insert(format!("property p = {v}"));
            }
        }
        entrants.push((chain.is_some(), features));
    }
    let entered = entrants.len() as u64;
    let converted = entrants.iter().filter(|(c, _)| *c).count() as u64;
    let all: BTreeSet<String> = entrants.iter().flat_map(|(_, f)| f.clone()).collect();
    let mut out = BTreeMap::new();
    let mut hidden = 0;
    for f in all {
        let mut cells = [0u64; 4];
        for (conv, fs) in &entrants {
            let idx = match (*conv, fs.contains(&f)) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            cells[idx] += 1;
        }
        let with = cells[0] + cells[2];
        let without = cells[1] + cells[3];
        if with < min_group || without < min_group || without == 0 {
            hidden += 1;
        } else {
            out.insert(f, cells);
        }
    }
    (out, (entered, converted, hidden))
}

fn arb_event() -> impl Strategy<Value = Ev> {
    (0..6usize, 0..8i64, 0..4usize, 0..3usize).prop_map(|(user, t, name, p)| Ev {
        user,
        time: t * 1000,
        name: NAMES[name],
        p: VALUES[p],
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn two_by_two_counts_match_the_reference(
        events in prop::collection::vec(arb_event(), 1..40),
        window_s in 0..6i64,
        min_group in 0..3u64,
    ) {
        let table = build(&events);
        let s = spec(window_s, min_group);
        let has = |n: &str| events.iter().any(|e| e.name == n);
        let got = match funnel_drivers(&table, &s) {
            Ok(r) => r,
            Err(e) => {
                prop_assert!(!has("a") || !has("b"), "{}", e);
                return Ok(());
            }
        };
        let (want, (entered, converted, hidden)) = reference(&events, window_s * 1000, min_group);
        prop_assert_eq!((got.entered, got.converted, got.hidden_small_groups), (entered, converted, hidden));
        prop_assert_eq!(got.dropped, entered - converted);
        let got_cells: BTreeMap<String, [u64; 4]> = got
            .drivers
            .iter()
            .map(|d| {
                (
                    format!("{} {}", d.kind, d.feature),
                    [d.converters_with, d.converters_without, d.dropped_with, d.dropped_without],
                )
            })
            .collect();
        prop_assert_eq!(&got_cells, &want);
        for d in &got.drivers {
            let [a, b, c, dd] = [d.converters_with, d.converters_without, d.dropped_with, d.dropped_without];
            let or = stats::odds_ratio(a, b, c, dd);
            prop_assert_eq!((d.odds_ratio, d.ci_low, d.ci_high), (or.odds_ratio, or.ci_low, or.ci_high));
            let fisher = stats::min_expected(a, b, c, dd) < 5.0;
            prop_assert_eq!(d.test.as_str(), if fisher { "fisher" } else { "chi_square" });
            prop_assert!((d.support - (a + c) as f64 / entered as f64).abs() < 1e-15);
        }
        // Sorted by impact, |ln OR| × support, descending.
        let impact: Vec<f64> = got.drivers.iter().map(|d| d.odds_ratio.ln().abs() * d.support).collect();
        prop_assert!(impact.windows(2).all(|w| w[0] >= w[1]), "{:?}", impact);
    }
}

fn ev(user: usize, t: i64, name: &'static str, p: Option<&'static str>) -> Ev {
    Ev {
        user,
        time: t * 1000,
        name,
        p,
    }
}

#[test]
fn a_driver_by_hand() {
    // Funnel a → b within 10 s. Users 0–3 do c before b and convert; user 4 does c
    // and never b; users 5–6 convert without c; users 7–9 drop off without c.
    // For "c": a = 4, b = 2, c = 1, d = 3; OR = 12 / 2 = 6; expected cells
    // 6·5/10 = 3 < 5, so Fisher: P(X >= 4 | margins) two-sided = 0.5238.
    let mut events = Vec::new();
    for u in 0..4 {
        events.extend([
            ev(u, 0, "a", None),
            ev(u, 1, "c", None),
            ev(u, 2, "b", None),
        ]);
    }
    events.extend([ev(4, 0, "a", None), ev(4, 1, "c", None)]);
    for u in 5..7 {
        events.extend([ev(u, 0, "a", None), ev(u, 2, "b", None)]);
    }
    for u in 7..10 {
        // A c after the window does not count.
        events.extend([ev(u, 0, "a", None), ev(u, 11, "c", None)]);
    }
    let table = build(&events);
    let r = funnel_drivers(&table, &spec(10, 1)).unwrap();
    assert_eq!((r.entered, r.converted, r.dropped), (10, 6, 4));
    assert_eq!(r.drivers.len(), 1);
    let d = &r.drivers[0];
    assert_eq!(d.feature, "c");
    assert_eq!(
        [
            d.converters_with,
            d.converters_without,
            d.dropped_with,
            d.dropped_without
        ],
        [4, 2, 1, 3]
    );
    assert!((d.odds_ratio - 6.0).abs() < 1e-12);
    assert_eq!(d.test, "fisher");
    // Hypergeometric, 5 with c, 6 converters of 10: P(x) = C(5,x) C(5,6-x) / C(10,6)
    // = 5, 50, 100, 50, 5 (/210) for x = 1..5; P(4) = 50/210; tables no more
    // likely: x = 1, 2, 4, 5 → 110/210 = 0.5238.
    assert!((d.p_value - 110.0 / 210.0).abs() < 1e-12, "{}", d.p_value);
    assert!((d.with_rate - 0.8).abs() < 1e-12 && (d.without_rate - 0.4).abs() < 1e-12);
    assert!(
        d.sentence
            .starts_with("Users who did c before converting or dropping off converted 80% vs 40%"),
        "{}",
        d.sentence
    );
    // min_group 6 hides it (5 users with c).
    let r = funnel_drivers(&table, &spec(10, 6)).unwrap();
    assert_eq!((r.drivers.len(), r.hidden_small_groups), (0, 1));
}

#[test]
fn funnel_drivers_spec_errored() {
    let err = |json: &str| Spec::from_json(json).unwrap_err().to_string();
    assert!(err(r#"{"analysis":"funnel_drivers"}"#).contains("missing field `funnel`"));
    assert!(
        err(r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"a"}]}}"#)
            .contains("2 to 10 steps")
    );
    assert!(
        err(r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"a"},{"event":"b"}]},"min_grup":3}"#)
            .contains("unknown field `min_grup`")
    );
    // A segment filter inside the funnel would be ignored: refused instead.
    assert_eq!(
        err(
            r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"a"},{"event":"b"}],"segment":{"rule":"purchases >= 1"}}}"#
        ),
        "bad spec: funnel_drivers: the funnel here takes no \"segment\" or \"segments\" (not supported yet)"
    );
    assert!(
        err(r#"{"analysis":"paths","from_funnel":{"steps":[{"event":"a"},{"event":"b"}],"dropped_after_step":1,"segments":[{"segment":{"rfm":"Champions"}}]}}"#)
            .contains("paths from_funnel: the funnel here takes no \"segment\"")
    );
    let table = build(&[ev(0, 0, "a", None)]);
    let e = funnel_drivers(&table, &spec(10, 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no event \"b\""), "{e}");
}
