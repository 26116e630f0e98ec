//! Paths against a brute-force reference on random small logs, plus hand-worked
//! cases (collapse, "(other)", before, from a funnel drop-off) and spec errors.
//!
//! The reference reads the rules of `analysis::paths` literally, sharing no code:
//! sort each user's events by (time, input index); the anchor is the first one
//! matching; map every event name to itself or "(other)" by its share of all rows;
//! walk forward (or backward), skipping a label equal to the previous one when
//! collapsing; keep the first `steps`; then count paths, nodes and links in plain
//! `BTreeMap`s and sort by the documented orders.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tidemark::analysis::funnel::dropoff_users;
use tidemark::analysis::paths::paths;
use tidemark::report::{PathLink, PathNode, PathRow, PathsReport};
use tidemark::spec::{
    Duration, EventSpec, FilterValue, FromFunnel, FunnelMode, FunnelSpec, PathDirection, PathsSpec,
    Spec, StepSpec,
};

/// Two names are the rare-event group's labels: the report must then pick one no
/// event has (`other_label`).
const NAMES: [&str; 5] = ["a", "b", "c", "(other)", "(other events)"];
const VALUES: [Option<&str>; 3] = [None, Some("x"), Some("y")];

#[path = "common/plain_log.rs"]
mod plain_log;
use plain_log::{Ev, build};

fn spec(event: EventSpec, direction: PathDirection, steps: usize, collapse: bool) -> PathsSpec {
    PathsSpec {
        event: Some(event),
        direction,
        steps,
        collapse_repeats: collapse,
        top: 1000,
        min_share: 0.0,
        from_funnel: None,
    }
}

/// The reference: the report of `spec` on `events`, by brute force.
fn reference(events: &[Ev], spec: &PathsSpec) -> PathsReport {
    let (name, filter) = match spec.event.as_ref().unwrap() {
        EventSpec::Name(n) => (n.clone(), None),
        EventSpec::Filtered(s) => (
            s.event.clone(),
            s.filter.as_ref().and_then(|f| f.get("p").cloned()),
        ),
    };
    let anchor_label = match &filter {
        Some(FilterValue::Text(t)) => format!("{name} (p = {t})"),
        _ => name.clone(),
    };
    let mut per_name: BTreeMap<&str, u64> = BTreeMap::new();
    for e in events {
        *per_name.entry(e.name).or_default() += 1;
    }
    let total = events.len() as f64;
    let other_label = ["(other)".to_string(), "(other events)".to_string()]
        .into_iter()
        .chain((2..).map(|k| format!("(other events {k})")))
        .find(|c| !per_name.contains_key(c.as_str()))
        .unwrap();
    let rare = |n: &str| (per_name[n] as f64) < spec.min_share * total;
    let label = |n: &str| -> String {
        if rare(n) {
            other_label.clone()
        } else {
            n.to_string()
        }
    };
    let mut users: BTreeMap<usize, Vec<(i64, usize)>> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        users.entry(e.user).or_default().push((e.time, i));
    }
    let mut by_path: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    let mut nodes: BTreeMap<(usize, String), u64> = BTreeMap::new();
    let mut links: BTreeMap<(usize, String, String), u64> = BTreeMap::new();
    let mut anchored = 0u64;
    for log in users.values_mut() {
        log.sort();
        let evs: Vec<&Ev> = log.iter().map(|&(_, i)| &events[i]).collect();
        let Some(pos) = evs.iter().position(|e| {
            e.name == name
                && match &filter {
                    None => true,
                    Some(FilterValue::Text(t)) => e.p == Some(t.as_str()),
                    Some(_) => unreachable!(),
                }
        }) else {
            continue;
        };
        anchored += 1;
        let rest: Vec<&Ev> = match spec.direction {
            PathDirection::After => evs[pos + 1..].to_vec(),
            PathDirection::Before => evs[..pos].iter().rev().copied().collect(),
        };
        let mut seq: Vec<String> = Vec::new();
        let mut prev = label(evs[pos].name);
        for e in rest {
            let l = label(e.name);
            if spec.collapse_repeats && l == prev {
                continue;
            }
            if seq.len() < spec.steps {
                seq.push(l.clone());
            }
            prev = l;
        }
        let mut from = anchor_label.clone();
        for (d, l) in seq.iter().enumerate() {
            *nodes.entry((d + 1, l.clone())).or_default() += 1;
            *links.entry((d + 1, from.clone(), l.clone())).or_default() += 1;
            from = l.clone();
        }
        *by_path.entry(seq).or_default() += 1;
    }
    let mut rows: Vec<PathRow> = by_path
        .into_iter()
        .map(|(events, users)| PathRow { events, users })
        .collect();
    rows.sort_by(|a, b| b.users.cmp(&a.users).then(a.events.cmp(&b.events)));
    let distinct = rows.len() as u64;
    let listed: u64 = rows.iter().take(spec.top).map(|r| r.users).sum();
    rows.truncate(spec.top);
    let mut node_rows: Vec<PathNode> = nodes
        .into_iter()
        .map(|((depth, event), users)| PathNode {
            depth,
            event,
            users,
        })
        .collect();
    if anchored > 0 {
        node_rows.push(PathNode {
            depth: 0,
            event: anchor_label.clone(),
            users: anchored,
        });
    }
    node_rows.sort_by(|a, b| {
        a.depth
            .cmp(&b.depth)
            .then(b.users.cmp(&a.users))
            .then(a.event.cmp(&b.event))
    });
    let mut link_rows: Vec<PathLink> = links
        .into_iter()
        .map(|((depth, from, to), users)| PathLink {
            depth,
            from,
            to,
            users,
        })
        .collect();
    link_rows.sort_by(|a, b| {
        a.depth
            .cmp(&b.depth)
            .then(b.users.cmp(&a.users))
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    let mut other: Vec<String> = per_name
        .keys()
        .filter(|n| rare(n))
        .map(|n| n.to_string())
        .collect();
    other.sort();
    PathsReport {
        anchor: anchor_label,
        direction: spec.direction.name().into(),
        steps: spec.steps,
        collapse_repeats: spec.collapse_repeats,
        users: anchored,
        other_label,
        other_events: other,
        distinct_paths: distinct,
        paths: rows,
        other_paths_users: anchored - listed,
        nodes: node_rows,
        links: link_rows,
    }
}

fn arb_event() -> impl Strategy<Value = Ev> {
    (0..5usize, 0..8i64, 0..5usize, 0..3usize).prop_map(|(user, t, name, p)| Ev {
        user,
        time: t * 1000,
        name: NAMES[name],
        p: VALUES[p],
    })
}

fn arb_spec() -> impl Strategy<Value = PathsSpec> {
    (
        0..3usize,
        any::<bool>(),
        1..=10usize,
        any::<bool>(),
        1..6usize,
        prop::sample::select(vec![0.0, 0.05, 0.1, 0.2, 0.3]),
        0..3usize,
    )
        .prop_map(|(e, before, steps, collapse, top, min_share, filter)| {
            let event = match filter {
                0 => EventSpec::Name(NAMES[e].into()),
                f => EventSpec::Filtered(StepSpec {
                    event: NAMES[e].into(),
                    filter: Some(BTreeMap::from([(
                        "p".to_string(),
                        FilterValue::Text(["x", "y"][f - 1].into()),
                    )])),
                }),
            };
            let dir = if before {
                PathDirection::Before
            } else {
                PathDirection::After
            };
            let mut s = spec(event, dir, steps, collapse);
            s.top = top;
            s.min_share = min_share;
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn paths_match_the_brute_force_reference(
        events in prop::collection::vec(arb_event(), 1..40),
        spec in arb_spec(),
    ) {
        let table = build(&events);
        let name = spec.event.as_ref().unwrap().event().to_string();
        match paths(&table, &spec) {
            Ok(got) => prop_assert_eq!(got, reference(&events, &spec)),
            Err(e) => {
                // Only an anchor event no row has is an error.
                prop_assert!(!events.iter().any(|ev| ev.name == name), "{}", e);
                prop_assert!(e.to_string().contains("no event"), "{}", e);
            }
        }
    }

    #[test]
    fn funnel_dropoff_paths_anchor_exactly_the_dropped_users(
        events in prop::collection::vec(arb_event(), 1..40),
        k in 1..3usize,
    ) {
        let funnel = FunnelSpec {
            steps: ["a", "b", "c"].iter().map(|e| StepSpec { event: e.to_string(), filter: None }).collect(),
            window: Duration::seconds(4),
            mode: FunnelMode::Ordered,
            breakdown: None,
            breakdown_limit: 10,
            from: None,
            to: None,
            segment: None,
            segments: Vec::new(),
        };
        let table = build(&events);
        let Ok(dropped) = dropoff_users(&table, &funnel, k) else {
            return Ok(()); // a step event missing from this log
        };
        let spec = PathsSpec {
            event: None,
            direction: PathDirection::After,
            steps: 10,
            collapse_repeats: false,
            top: 1000,
            min_share: 0.0,
            from_funnel: Some(FromFunnel { funnel, dropped_after_step: k }),
        };
        let got = paths(&table, &spec).unwrap();
        prop_assert_eq!(got.users, dropped.len() as u64);
        let total: u64 = got.paths.iter().map(|p| p.users).sum();
        prop_assert_eq!(total, got.users);
    }
}

fn ev(user: usize, t: i64, name: &'static str) -> Ev {
    Ev {
        user,
        time: t * 1000,
        name,
        p: None,
    }
}

#[test]
fn collapse_other_and_before_by_hand() {
    // user0: a a b b c a ; user1: b a c c ; user2: c c (no a).
    let events = vec![
        ev(0, 1, "a"),
        ev(0, 2, "a"),
        ev(0, 3, "b"),
        ev(0, 4, "b"),
        ev(0, 5, "c"),
        ev(0, 6, "a"),
        ev(1, 1, "b"),
        ev(1, 2, "a"),
        ev(1, 3, "c"),
        ev(1, 4, "c"),
        ev(2, 1, "c"),
        ev(2, 2, "c"),
    ];
    let table = build(&events);
    let mut s = spec(EventSpec::Name("a".into()), PathDirection::After, 2, true);
    let r = paths(&table, &s).unwrap();
    assert_eq!(r.users, 2);
    // user0 from its first a: (a) b b c a -> b c; user1: c c -> c.
    let got: Vec<(Vec<&str>, u64)> = r
        .paths
        .iter()
        .map(|p| (p.events.iter().map(String::as_str).collect(), p.users))
        .collect();
    assert_eq!(got, vec![(vec!["b", "c"], 1), (vec!["c"], 1)]);
    // Depth 1: b (1), c (1); depth 2: c (1).
    assert_eq!(r.nodes.len(), 4);
    assert_eq!((r.nodes[0].depth, r.nodes[0].users), (0, 2));
    // Without collapsing: a b / c c.
    s.collapse_repeats = false;
    let r = paths(&table, &s).unwrap();
    let got: Vec<Vec<&str>> = r
        .paths
        .iter()
        .map(|p| p.events.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(got, vec![vec!["a", "b"], vec!["c", "c"]]);
    // Of 12 rows, "a" has 4, "b" 3, "c" 5: with min_share 0.34 (4.08 rows) a and
    // b are "(other)", the anchor a too: user0's a b b collapse into it, then c a
    // reads c (other); user1 reads c.
    s.collapse_repeats = true;
    s.min_share = 0.34;
    let r = paths(&table, &s).unwrap();
    assert_eq!(r.other_events, vec!["a", "b"]);
    let got: Vec<Vec<&str>> = r
        .paths
        .iter()
        .map(|p| p.events.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(got, vec![vec!["c"], vec!["c", "(other)"]]);
    // With 0.5 every event is "(other)", and collapsing leaves nothing after the
    // anchor (itself "(other)").
    s.min_share = 0.5;
    let r = paths(&table, &s).unwrap();
    assert_eq!(r.other_events, vec!["a", "b", "c"]);
    assert!(r.paths.iter().all(|p| p.events.is_empty()));
    // Before c, nearest first: user0 (first c at 5): b a (collapsed), user1: a b,
    // user2: nothing.
    s.min_share = 0.0;
    s.direction = PathDirection::Before;
    s.event = Some(EventSpec::Name("c".into()));
    s.steps = 10;
    let r = paths(&table, &s).unwrap();
    let got: Vec<(Vec<&str>, u64)> = r
        .paths
        .iter()
        .map(|p| (p.events.iter().map(String::as_str).collect(), p.users))
        .collect();
    assert_eq!(
        got,
        vec![(vec![], 1), (vec!["a", "b"], 1), (vec!["b", "a"], 1)]
    );
}

#[test]
fn an_event_named_other_is_not_the_rare_group() {
    // 20 rows: "(other)" is a real event (5 rows), "r" and "s" are rare (1 row each
    // < 10%). user0: a (other) r s b; the rare group must read "(other events)", so
    // the path is "(other)" then the group, never one merged "(other)".
    let mut events = vec![
        ev(0, 1, "a"),
        ev(0, 2, "(other)"),
        ev(0, 3, "r"),
        ev(0, 4, "s"),
        ev(0, 5, "b"),
    ];
    for t in 0..4 {
        events.push(ev(1, t, "(other)"));
    }
    for t in 0..6 {
        events.push(ev(2, t, "a"));
        events.push(ev(3, t, "b"));
    }
    assert_eq!(events.len(), 21);
    let table = build(&events);
    let mut s = spec(EventSpec::Name("a".into()), PathDirection::After, 5, true);
    s.min_share = 0.1;
    let r = paths(&table, &s).unwrap();
    assert_eq!(r.other_label, "(other events)");
    assert_eq!(r.other_events, vec!["r", "s"]);
    // user0's path; user2's a a a … collapses into the anchor (an empty path).
    let got: Vec<&Vec<String>> = r.paths.iter().map(|p| &p.events).collect();
    assert_eq!(
        got,
        vec![
            &vec![],
            &vec!["(other)".to_string(), "(other events)".into(), "b".into()]
        ]
    );
    assert!(r.nodes.iter().any(|n| n.depth == 1 && n.event == "(other)"));
    assert!(
        r.nodes
            .iter()
            .any(|n| n.depth == 2 && n.event == "(other events)")
    );
    // With "(other events)" taken too, the next free label.
    events.push(ev(4, 1, "(other events)"));
    let r = paths(&build(&events), &s).unwrap();
    assert_eq!(r.other_label, "(other events 2)");
    // Without such an event the label stays "(other)".
    let plain = vec![ev(0, 1, "a"), ev(0, 2, "r"), ev(1, 1, "a"), ev(1, 2, "b")];
    let mut s2 = s.clone();
    s2.min_share = 0.3;
    assert_eq!(paths(&build(&plain), &s2).unwrap().other_label, "(other)");
}

#[test]
fn dropoff_paths_start_at_the_step_event_by_hand() {
    // Funnel a → b → c within 10 s. user0: a b x y (drops after b at t=2: path x y);
    // user1: a z (drops after a: not anchored for k = 2); user2: a b c (converts).
    let events = vec![
        ev(0, 1, "a"),
        ev(0, 2, "b"),
        ev(0, 3, "x"),
        ev(0, 4, "y"),
        ev(1, 1, "a"),
        ev(1, 2, "z"),
        ev(2, 1, "a"),
        ev(2, 2, "b"),
        ev(2, 3, "c"),
    ];
    let table = build(&events);
    let json = r#"{"analysis":"paths","from_funnel":{"steps":[{"event":"a"},{"event":"b"},{"event":"c"}],"window":"10s","dropped_after_step":2},"steps":3,"min_share":0}"#;
    let Spec::Paths(s) = Spec::from_json(json).unwrap() else {
        panic!("not a paths spec")
    };
    let r = paths(&table, &s).unwrap();
    assert_eq!(r.users, 1);
    assert_eq!(r.anchor, "dropped after b");
    assert_eq!(r.paths[0].events, vec!["x", "y"]);
}

#[test]
fn paths_spec_errored() {
    let err = |json: &str| Spec::from_json(json).unwrap_err().to_string();
    assert!(err(r#"{"analysis":"paths"}"#).contains("give the anchor"));
    assert!(err(r#"{"analysis":"paths","event":"a","steps":11}"#).contains("1 to 10"));
    assert!(err(r#"{"analysis":"paths","event":"a","min_share":2}"#).contains("min_share"));
    assert!(err(r#"{"analysis":"paths","event":"a","stepz":2}"#).contains("unknown field `stepz`"));
    assert!(
        err(r#"{"analysis":"paths","from_funnel":{"steps":[{"event":"a"},{"event":"b"}],"dropped_after_step":2}}"#)
            .contains("dropped_after_step 2 is not between 1 and 1")
    );
    assert!(
        err(r#"{"analysis":"paths","from_funnel":{"steps":[{"event":"a"},{"event":"b"}],"windw":"1d","dropped_after_step":1}}"#)
            .contains("unknown field `windw`")
    );
    let table = build(&[ev(0, 1, "a")]);
    let s = spec(EventSpec::Name("zz".into()), PathDirection::After, 3, true);
    let e = paths(&table, &s).unwrap_err().to_string();
    assert!(e.contains("no event \"zz\""), "{e}");
}

#[test]
fn paths_drivers_and_basket_json_is_deterministic_on_the_demo() {
    // Every run builds its hash maps with a fresh random seed: equal JSON means the
    // results never depend on iteration order.
    use tidemark::ingest::{LoadOptions, load};
    use tidemark::progress::Silent;
    let csv = tidemark::demo::demo_csv();
    let table = load(
        "demo.csv",
        csv.as_bytes(),
        LoadOptions::default(),
        &mut Silent,
    )
    .unwrap();
    for json in [
        r#"{"analysis":"paths","event":"product_view","steps":4,"min_share":0.05}"#,
        r#"{"analysis":"paths","event":"purchase","direction":"before","steps":3,"collapse_repeats":false}"#,
        r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}]},"min_group":5}"#,
        r#"{"analysis":"basket","item":"category","purchase_event":"add_to_cart","min_support":0.0005,"min_confidence":0}"#,
    ] {
        let spec = Spec::from_json(json).unwrap();
        let run =
            || serde_json::to_string(&tidemark::analysis::run(&table, &spec).unwrap()).unwrap();
        let first = run();
        for _ in 0..3 {
            assert_eq!(run(), first, "{json}");
        }
    }
}
