//! The funnel engine against a naive, obviously-correct reference, on random
//! small event logs, in all three modes.
//!
//! The reference reads the contract literally and by brute force: for each user
//! (at most 8 events), it enumerates *every* subset of the user's events (as
//! position lists in the per-user order) and keeps those that form a valid chain:
//! - ordered: the `i`-th event matches step `i`;
//! - strict: the same, and the positions are consecutive;
//! - unordered: some assignment of the events to distinct steps matches
//!   (tried exhaustively);
//!
//! all with the first event in the date range and `last − first <= W`. The level
//! is the longest valid chain; the timing chain is the lexicographically smallest
//! valid chain of that length — the earliest start, then the earliest second
//! event, and so on, which is exactly "earliest-starting, completed greedily
//! with the earliest qualifying events" (for unordered: the earliest window, its
//! events chosen greedily). Timings, breakdown buckets and the per-step figures
//! are then computed from those chains with no shared code.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tidemark::analysis::funnel::{dropoff_users, funnel};
use tidemark::report::{FunnelReport, FunnelStep};
use tidemark::spec::{Duration, FilterValue, FunnelMode, FunnelSpec, StepSpec};
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

/// Event names the logs use; step names also use `d`, which never occurs (a spec
/// error, checked too).
const NAMES: [&str; 3] = ["a", "b", "c"];
/// Values of the one property `p` (None = empty cell).
const VALUES: [Option<&str>; 4] = [None, Some("x"), Some("y"), Some("2")];

/// One generated event, in row order.
#[derive(Debug, Clone)]
struct Ev {
    user: usize,
    time: i64,
    name: &'static str,
    p: Option<&'static str>,
}

/// One generated case: events plus a spec.
#[derive(Debug, Clone)]
struct Case {
    events: Vec<Ev>,
    spec: FunnelSpec,
    /// The date range as ms, for the reference.
    range: (i64, i64),
}

fn arb_filter() -> impl Strategy<Value = Option<FilterValue>> {
    prop_oneof![
        6 => Just(None),
        1 => Just(Some(FilterValue::Text("x".into()))),
        1 => Just(Some(FilterValue::AnyOf(vec![
            FilterValue::Text("x".into()),
            FilterValue::Text("y".into())
        ]))),
        1 => Just(Some(FilterValue::Number(2.0))),
    ]
}

fn arb_step() -> impl Strategy<Value = StepSpec> {
    // Mostly names that occur; now and then `d`, which never does (an error).
    (0..13usize, arb_filter()).prop_map(|(e, f)| StepSpec {
        event: ["a", "b", "c", "d"][(e / 4).min(3)].to_string(),
        filter: f.map(|v| BTreeMap::from([("p".to_string(), v)])),
    })
}

fn arb_event() -> impl Strategy<Value = Ev> {
    // Few distinct times, so that same-instant events are common.
    (0..4usize, 0..6i64, any::<bool>(), 0..3usize, 0..4usize).prop_map(
        |(user, s, half, name, p)| Ev {
            user,
            time: s * 1000 + if half { 500 } else { 0 },
            name: NAMES[name],
            p: VALUES[p],
        },
    )
}

fn arb_case(mode: FunnelMode) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(arb_event(), 0..30),
        prop::collection::vec(arb_step(), 2..=4),
        prop::sample::select(vec![0i64, 500, 1000, 2000, 3000, 5000, 100_000]),
        prop::option::weighted(0.2, 0..6i64),
        prop::option::weighted(0.2, 0..6i64),
        prop::option::weighted(0.5, 1..4usize),
    )
        .prop_map(move |(events, steps, window, from, to, breakdown)| {
            // At most 8 events per user (the reference is exponential).
            let mut per_user = [0usize; 5];
            let events: Vec<Ev> = events
                .into_iter()
                .filter(|e| {
                    per_user[e.user] += 1;
                    per_user[e.user] <= 8
                })
                .collect();
            let (from, to) = match (from, to) {
                (Some(f), Some(t)) if f > t => (Some(t), Some(f)),
                other => other,
            };
            let iso = |s: i64| format!("1970-01-01T00:00:{s:02}Z");
            let spec = FunnelSpec {
                steps,
                window: Duration { millis: window },
                mode,
                breakdown: breakdown.map(|_| "p".to_string()),
                breakdown_limit: breakdown.unwrap_or(10),
                from: from.map(iso),
                to: to.map(iso),
                segment: None,
                segments: Vec::new(),
            };
            Case {
                events,
                spec,
                range: (
                    from.map_or(i64::MIN, |s| s * 1000),
                    to.map_or(i64::MAX, |s| s * 1000),
                ),
            }
        })
}

fn build(events: &[Ev]) -> EventTable {
    let mut b = TableBuilder::new(false, &[("p".to_string(), Role::Property)]);
    for e in events {
        b.push(&format!("user{}", e.user), e.time, e.name, None, &[e.p]);
    }
    b.build(TableMeta::synthetic("random.csv"))
}

// ---------------------------------------------------------------- reference

fn value_matches(v: &FilterValue, cell: &str) -> bool {
    match v {
        FilterValue::Text(t) => t == cell,
        FilterValue::Number(n) => cell.parse::<f64>() == Ok(*n),
        FilterValue::AnyOf(list) => list.iter().any(|v| value_matches(v, cell)),
    }
}

fn step_matches(step: &StepSpec, e: &Ev) -> bool {
    step.event == e.name
        && step.filter.iter().flatten().all(|(col, v)| {
            assert_eq!(col, "p");
            e.p.is_some_and(|cell| value_matches(v, cell))
        })
}

/// True when the events `chosen` can be assigned to distinct steps they match.
fn assignable(steps: &[StepSpec], chosen: &[&Ev], used: &mut Vec<bool>) -> bool {
    let Some((first, rest)) = chosen.split_first() else {
        return true;
    };
    for (k, step) in steps.iter().enumerate() {
        if !used[k] && step_matches(step, first) {
            used[k] = true;
            let ok = assignable(steps, rest, used);
            used[k] = false;
            if ok {
                return true;
            }
        }
    }
    false
}

/// Whether the positions `chain` (ascending) of the user's ordered `log` form a
/// valid chain of the case's mode.
fn valid(case: &Case, log: &[&Ev], chain: &[usize]) -> bool {
    let steps = &case.spec.steps;
    let (Some(&first), Some(&last)) = (chain.first(), chain.last()) else {
        return false;
    };
    let t0 = log[first].time;
    if chain.len() > steps.len()
        || t0 < case.range.0
        || t0 > case.range.1
        || log[last].time - t0 > case.spec.window.millis
    {
        return false;
    }
    match case.spec.mode {
        FunnelMode::Ordered => chain
            .iter()
            .zip(steps)
            .all(|(&i, s)| step_matches(s, log[i])),
        FunnelMode::Strict => {
            chain.windows(2).all(|w| w[1] == w[0] + 1)
                && chain
                    .iter()
                    .zip(steps)
                    .all(|(&i, s)| step_matches(s, log[i]))
        }
        FunnelMode::Unordered => {
            let chosen: Vec<&Ev> = chain.iter().map(|&i| log[i]).collect();
            assignable(steps, &chosen, &mut vec![false; steps.len()])
        }
    }
}

/// A user's level, timing-chain gaps (ms) and breakdown value on `e1`.
struct RefUser {
    id: String,
    level: usize,
    gaps: Vec<i64>,
    value: Option<&'static str>,
}

fn reference_users(case: &Case) -> Vec<RefUser> {
    let mut out = Vec::new();
    for u in 0..5 {
        // The per-user order: by time, then by row (the stable sort keeps rows).
        let mut log: Vec<&Ev> = case.events.iter().filter(|e| e.user == u).collect();
        log.sort_by_key(|e| e.time);
        let mut best: Option<Vec<usize>> = None;
        for bits in 1u32..(1 << log.len()) {
            let chain: Vec<usize> = (0..log.len()).filter(|i| bits & (1 << i) != 0).collect();
            if !valid(case, &log, &chain) {
                continue;
            }
            let better = match &best {
                None => true,
                Some(b) => chain.len() > b.len() || (chain.len() == b.len() && chain < *b),
            };
            if better {
                best = Some(chain);
            }
        }
        if let Some(chain) = best {
            out.push(RefUser {
                id: format!("user{u}"),
                level: chain.len(),
                gaps: chain
                    .windows(2)
                    .map(|w| log[w[1]].time - log[w[0]].time)
                    .collect(),
                value: log[chain[0]].p,
            });
        }
    }
    out
}

fn ref_median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Expected `(users, median, mean)` per step for a group of users.
fn ref_steps(n: usize, users: &[&RefUser]) -> Vec<(u64, Option<f64>, Option<f64>)> {
    (1..=n)
        .map(|k| {
            let reached: Vec<&&RefUser> = users.iter().filter(|u| u.level >= k).collect();
            let gaps: Vec<f64> = if k == 1 {
                Vec::new()
            } else {
                reached
                    .iter()
                    .map(|u| u.gaps[k - 2] as f64 / 1000.0)
                    .collect()
            };
            let mean = (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64);
            (reached.len() as u64, ref_median(gaps), mean)
        })
        .collect()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * (1.0 + x.abs()),
        _ => false,
    }
}

/// Asserts the engine's steps equal the expected per-step figures, and that the
/// derived fields (conversions, drop-off) follow from the user counts.
fn check_steps(got: &[FunnelStep], want: &[(u64, Option<f64>, Option<f64>)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    let counts: Vec<u64> = got.iter().map(|s| s.users).collect();
    let want_counts: Vec<u64> = want.iter().map(|w| w.0).collect();
    assert_eq!(counts, want_counts, "{what}: users per step");
    for (k, (s, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(s.median_seconds_from_previous, w.1),
            "{what}: step {} median {:?} vs {:?}",
            k + 1,
            s.median_seconds_from_previous,
            w.1
        );
        assert!(
            close(s.mean_seconds_from_previous, w.2),
            "{what}: step {} mean {:?} vs {:?}",
            k + 1,
            s.mean_seconds_from_previous,
            w.2
        );
        let first = want[0].0;
        let prev = if k == 0 { None } else { Some(want[k - 1].0) };
        let ratio = |d: u64| (d > 0).then(|| w.0 as f64 / d as f64);
        assert!(close(s.conversion_from_first, ratio(first)), "{what}");
        assert!(
            close(s.conversion_from_previous, prev.and_then(ratio)),
            "{what}"
        );
        assert_eq!(s.dropoff, prev.map_or(0, |p| p - w.0), "{what}");
    }
}

fn check(case: &Case) {
    let table = build(&case.events);
    // A step whose event no row has is a spec error naming the first such step.
    let absent = case
        .spec
        .steps
        .iter()
        .position(|s| !case.events.iter().any(|e| e.name == s.event));
    if let Some(i) = absent {
        let want = format!(
            "funnel step {}: no event \"{}\" in the data",
            i + 1,
            case.spec.steps[i].event
        );
        let e = funnel(&table, &case.spec).unwrap_err().to_string();
        assert!(e.contains(&want), "{e}");
        let e = dropoff_users(&table, &case.spec, 1)
            .unwrap_err()
            .to_string();
        assert!(e.contains(&want), "{e}");
        return;
    }
    let report: FunnelReport = funnel(&table, &case.spec).unwrap();
    let n = case.spec.steps.len();
    let users = reference_users(case);
    let all: Vec<&RefUser> = users.iter().collect();
    check_steps(&report.steps, &ref_steps(n, &all), "all users");

    // Drop-off users at every step.
    for step in 1..n {
        let mut want: Vec<String> = users
            .iter()
            .filter(|u| u.level == step)
            .map(|u| u.id.clone())
            .collect();
        want.sort();
        assert_eq!(dropoff_users(&table, &case.spec, step).unwrap(), want);
    }

    // Breakdown: group, order by size desc then value asc (null last), merge.
    let Some(_) = &case.spec.breakdown else {
        assert_eq!(report.breakdown, None);
        return;
    };
    let mut groups: BTreeMap<(bool, Option<&str>), Vec<&RefUser>> = BTreeMap::new();
    for u in &users {
        // The key (is_null, value) sorts text values ascending, then null.
        groups
            .entry((u.value.is_none(), u.value))
            .or_default()
            .push(u);
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by_key(|(_, g)| std::cmp::Reverse(g.len())); // stable: keeps value order
    let got = report.breakdown.as_ref().unwrap();
    let limit = case.spec.breakdown_limit;
    let listed = groups.len().min(limit);
    let has_other = groups.len() > limit;
    assert_eq!(got.len(), listed + usize::from(has_other), "bucket count");
    for (bucket, ((_, value), g)) in got.iter().zip(&groups).take(listed) {
        assert_eq!(bucket.value.as_deref(), *value);
        assert!(!bucket.other);
        check_steps(
            &bucket.steps,
            &ref_steps(n, g),
            &format!("bucket {value:?}"),
        );
    }
    if has_other {
        let rest: Vec<&RefUser> = groups[limit..]
            .iter()
            .flat_map(|(_, g)| g.clone())
            .collect();
        let other = &got[listed];
        assert_eq!((other.value.as_deref(), other.other), (None, true));
        check_steps(&other.steps, &ref_steps(n, &rest), "other");
    }
}

proptest! {
    // 2,000 cases per mode (well under a second in debug: the logs are tiny);
    // failures are reported with the shrunk case in the output rather than
    // persisted (proptest looks for a lib.rs next to the test file).
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn ordered_matches_reference(case in arb_case(FunnelMode::Ordered)) {
        check(&case);
    }

    #[test]
    fn strict_matches_reference(case in arb_case(FunnelMode::Strict)) {
        check(&case);
    }

    #[test]
    fn unordered_matches_reference(case in arb_case(FunnelMode::Unordered)) {
        check(&case);
    }
}

/// The reference itself, on the contract's own examples (a wrong reference
/// would make the property tests meaningless).
#[test]
fn reference_sanity() {
    let ev = |user, s: i64, name, p| Ev {
        user,
        time: s * 1000,
        name,
        p,
    };
    let step = |e: &str| StepSpec {
        event: e.into(),
        filter: None,
    };
    let case = |events, mode| Case {
        events,
        spec: FunnelSpec {
            steps: vec![step("a"), step("b"), step("c")],
            window: Duration { millis: 10_000 },
            mode,
            breakdown: None,
            breakdown_limit: 10,
            from: None,
            to: None,
            segment: None,
            segments: Vec::new(),
        },
        range: (i64::MIN, i64::MAX),
    };
    // a(0) b(5) c(100) a(200) b(203) c(207): level 3 via the restart.
    let log = vec![
        ev(0, 0, "a", None),
        ev(0, 5, "b", None),
        ev(0, 100, "c", None),
        ev(0, 200, "a", None),
        ev(0, 203, "b", None),
        ev(0, 207, "c", None),
    ];
    let u = reference_users(&case(log.clone(), FunnelMode::Ordered));
    assert_eq!((u[0].level, u[0].gaps.clone()), (3, vec![3000, 4000]));
    // Strict: a x b breaks.
    let u = reference_users(&case(
        vec![
            ev(0, 0, "a", None),
            ev(0, 1, "x", None),
            ev(0, 2, "b", None),
        ],
        FunnelMode::Strict,
    ));
    assert_eq!(u[0].level, 1);
    // Unordered: c b a converts fully, gaps between consecutive events.
    let u = reference_users(&case(
        vec![
            ev(0, 0, "c", None),
            ev(0, 1, "b", None),
            ev(0, 3, "a", None),
        ],
        FunnelMode::Unordered,
    ));
    assert_eq!((u[0].level, u[0].gaps.clone()), (3, vec![1000, 2000]));
    assert_eq!(check_all_modes(&log), 3);
}

/// Runs `check` on one fixed log in every mode; returns how many ran.
fn check_all_modes(events: &[Ev]) -> usize {
    let modes = [
        FunnelMode::Ordered,
        FunnelMode::Strict,
        FunnelMode::Unordered,
    ];
    for mode in modes {
        check(&Case {
            events: events.to_vec(),
            spec: FunnelSpec {
                steps: vec![
                    StepSpec {
                        event: "a".into(),
                        filter: None,
                    },
                    StepSpec {
                        event: "c".into(),
                        filter: None,
                    },
                ],
                window: Duration { millis: 10_000 },
                mode,
                breakdown: Some("p".into()),
                breakdown_limit: 1,
                from: None,
                to: None,
                segment: None,
                segments: Vec::new(),
            },
            range: (i64::MIN, i64::MAX),
        });
    }
    modes.len()
}
