//! Segments as filters and breakdowns (ANALYSES.md, "Segments": "usable as
//! breakdowns and filters in the other analyses"), on random logs:
//! - a funnel, retention or repeat-purchase report with a segment filter equals
//!   the report on the CSV pre-filtered to the segment's users (observed over the
//!   same span: the data end stays the whole file's, see `table/restrict.rs`);
//! - each part of a breakdown by segments equals the filter by that segment.

use proptest::prelude::*;
use serde_json::Value;
use tidemark::analysis;
use tidemark::ingest::{self, LoadOptions};
use tidemark::progress::Silent;
use tidemark::segment::reference;
use tidemark::spec::{SegmentRef, Spec};
use tidemark::table::EventTable;

/// One event: user, day, minute of the day, event index, revenue in cents,
/// country index.
type Ev = (u8, u8, u16, u8, u16, u8);

const EVENTS: [&str; 3] = ["page_view", "add_to_cart", "purchase"];
const COUNTRIES: [&str; 4] = ["CN", "US", "FR", ""];

fn line(e: &Ev) -> String {
    let (user, day, minute, event, cents, country) = *e;
    let time = chrono::DateTime::from_timestamp(
        1_704_067_200 + i64::from(day) * 86_400 + i64::from(minute) * 60,
        0,
    )
    .unwrap()
    .format("%Y-%m-%dT%H:%M:%SZ");
    let ev = EVENTS[event as usize % 3];
    let revenue = if ev == "purchase" {
        format!("{}.{:02}", cents / 100, cents % 100)
    } else {
        String::new()
    };
    let country = COUNTRIES[country as usize % 4];
    format!("u{user},{time},{ev},{revenue},{country}\n")
}

fn csv<'a>(events: impl Iterator<Item = &'a Ev>) -> String {
    let mut s = String::from("user,time,event,revenue,country\n");
    for e in events {
        s.push_str(&line(e));
    }
    s
}

fn load(text: &str) -> tidemark::error::Result<EventTable> {
    let options = LoadOptions::from_value(serde_json::json!({
        "roles": {"user": "user", "time": "time", "event": "event", "revenue": "revenue"}
    }))?;
    ingest::load("t.csv", text.as_bytes(), options, &mut Silent)
}

fn run(table: &EventTable, spec: &Value) -> tidemark::error::Result<Value> {
    let spec = Spec::from_value(spec.clone())?;
    let report = analysis::run(table, &spec)?;
    Ok(serde_json::to_value(report).unwrap())
}

fn with(spec: &Value, key: &str, value: Value) -> Value {
    let mut s = spec.clone();
    s.as_object_mut().unwrap().insert(key.into(), value);
    s
}

/// The report without its filter's size and its `analysis` tag (a breakdown
/// part's result has none).
fn without_segment(mut report: Value) -> Value {
    report.as_object_mut().unwrap().remove("segment");
    report.as_object_mut().unwrap().remove("analysis");
    report
}

/// The specs compared: every mode of the funnel, retention in users and
/// revenue, repeat purchase.
fn specs() -> Vec<Value> {
    let steps = serde_json::json!([{"event": "page_view"}, {"event": "add_to_cart"}, {"event": "purchase"}]);
    vec![
        serde_json::json!({"analysis": "funnel", "steps": steps, "window": "10d"}),
        serde_json::json!({"analysis": "funnel", "steps": steps, "window": "3d", "mode": "strict", "breakdown": "country"}),
        serde_json::json!({"analysis": "funnel", "steps": steps, "window": "20d", "mode": "unordered"}),
        serde_json::json!({"analysis": "retention", "period": "week", "periods": 4}),
        serde_json::json!({"analysis": "retention", "period": "day", "periods": 6, "measure": "revenue", "start_event": "purchase"}),
        serde_json::json!({"analysis": "repurchase", "purchase_event": "purchase", "within_days": [3, 7, 30], "min_group": 1}),
    ]
}

fn arb_events() -> impl Strategy<Value = Vec<Ev>> {
    prop::collection::vec(
        (0..12u8, 0..40u8, 0..1440u16, 0..3u8, 1..20_000u16, 0..4u8),
        1..70,
    )
}

/// A rule from pieces: each with a value drawn at random.
fn arb_rule() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        (0..4u8).prop_map(|k| format!("purchases >= {k}")),
        (1..6u8).prop_map(|k| format!("events < {k}")),
        (0..3u8).prop_map(|c| format!("country = \"{}\"", COUNTRIES[c as usize])),
        (1..30u8).prop_map(|d| format!("did(\"add_to_cart\", within = \"{d}d\")")),
        (0..40u8).prop_map(|d| format!("days_since_last < {d}")),
        (0..100u16).prop_map(|r| format!("revenue > {r}")),
    ];
    atom.prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn arb_segment() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => arb_rule().prop_map(|r| serde_json::json!({"rule": r})),
        1 => prop::collection::btree_set(0..12u8, 1..6)
            .prop_map(|ids| serde_json::json!({"ids": ids.iter().map(|i| format!("u{i}")).collect::<Vec<_>>()})),
        1 => prop_oneof![Just("high"), Just("mid"), Just("low")]
            .prop_map(|t| serde_json::json!({"tier": t, "purchase_event": "purchase"})),
        1 => prop_oneof![Just("Champions"), Just("New"), Just("Lost"), Just("Potential loyalist")]
            .prop_map(|s| serde_json::json!({"rfm": s, "purchase_event": "purchase"})),
    ]
}

/// Checks the filter by `segment` against the pre-filtered file, for every spec.
fn check_filter(events: &[Ev], segment: &Value) -> Result<(), TestCaseError> {
    let full = load(&csv(events.iter())).unwrap();
    let seg = SegmentRef::from_value(segment.clone(), "segment").unwrap();
    // Ids the log does not have, or a purchase metric, RFM segment or tier
    // without any purchase in the log, are errors, as they should be.
    let mask = match reference::mask(&full, &seg) {
        Ok(m) => m,
        Err(e) => {
            prop_assert!(
                ["no user", "no event", "needs the purchase event"]
                    .iter()
                    .any(|w| e.to_string().contains(w)),
                "{e}"
            );
            return Ok(());
        }
    };
    let kept: Vec<&Ev> = events
        .iter()
        .filter(|e| {
            full.user_key(&format!("u{}", e.0))
                .is_some_and(|k| mask[k as usize])
        })
        .collect();
    let pre = if kept.is_empty() {
        None
    } else {
        Some(
            load(&csv(kept.into_iter()))
                .unwrap()
                .with_time_range(full.time_range()),
        )
    };
    for spec in specs() {
        let filtered = run(&full, &with(&spec, "segment", segment.clone()));
        let Some(pre) = &pre else {
            // Nobody: the report is empty, never an error about the data.
            if let Err(e) = &filtered {
                prop_assert!(e.to_string().contains("no event"), "{spec}: {e}");
            }
            continue;
        };
        match (filtered, run(pre, &spec)) {
            (Ok(got), Ok(want)) => {
                prop_assert_eq!(
                    &got["segment"]["users"],
                    &Value::from(mask.iter().filter(|&&m| m).count() as u64)
                );
                prop_assert_eq!(without_segment(got), without_segment(want), "{}", spec);
            }
            // The pre-filtered file may lack an event the whole file has: a
            // name it does not know. The filter still knows it (and counts 0).
            (Ok(_), Err(e)) => prop_assert!(e.to_string().contains("no event"), "{spec}: {e}"),
            (Err(a), Err(b)) => {
                let (a, b) = (a.to_string(), b.to_string());
                prop_assert!(
                    a == b || (a.contains("no event") && b.contains("no event")),
                    "{a} / {b}"
                );
            }
            (Err(a), Ok(_)) => prop_assert!(false, "{spec}: filter failed: {a}"),
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_segment_filter_equals_the_pre_filtered_file(events in arb_events(), segment in arb_segment()) {
        check_filter(&events, &segment)?;
    }

    #[test]
    fn each_breakdown_part_equals_the_filter_by_it(
        events in arb_events(),
        a in arb_segment(),
        b in arb_segment(),
        filter in proptest::option::of(arb_rule()),
    ) {
        let full = load(&csv(events.iter())).unwrap();
        for spec in specs() {
            let spec = match &filter {
                Some(r) => with(&spec, "segment", serde_json::json!({"rule": r})),
                None => spec,
            };
            let parts = serde_json::json!([{"name": "A", "segment": a}, {"segment": b}]);
            let got = match run(&full, &with(&spec, "segments", parts)) {
                Ok(got) => got,
                Err(e) => {
                    // A segment that cannot be resolved (unknown ids, no purchase
                    // event): the plain filter by it fails the same way.
                    let alone = [&a, &b]
                        .into_iter()
                        .any(|seg| run(&full, &with(&spec, "segment", seg.clone())).is_err());
                    prop_assert!(alone || run(&full, &spec).is_err(), "{spec}: {e}");
                    continue;
                }
            };
            let by = got["by_segment"].as_array().unwrap();
            prop_assert_eq!(by.len(), 2);
            prop_assert_eq!(&by[0]["segment"]["name"], &Value::from("A"));
            for (part, seg) in by.iter().zip([&a, &b]) {
                // Part = filter by (filter and segment): with no filter, by the segment.
                if filter.is_none() {
                    let alone = run(&full, &with(&spec, "segment", seg.clone())).unwrap();
                    prop_assert_eq!(&part["result"], &without_segment(alone));
                    prop_assert_eq!(&part["segment"]["users"], &got_users(&full, seg));
                }
            }
            // Without a breakdown the rest of the report is unchanged.
            let mut plain = got.clone();
            plain.as_object_mut().unwrap().remove("by_segment");
            prop_assert_eq!(plain, run(&full, &spec).unwrap());
        }
    }
}

fn got_users(full: &EventTable, seg: &Value) -> Value {
    let seg = SegmentRef::from_value(seg.clone(), "segment").unwrap();
    let mask = reference::mask(full, &seg).unwrap();
    Value::from(mask.iter().filter(|&&m| m).count() as u64)
}

#[test]
fn a_filter_with_a_breakdown_intersects_them() {
    let events: Vec<Ev> = (0..40u8)
        .map(|i| (i % 8, i, 600, i % 3, 1000 + u16::from(i), i % 4))
        .collect();
    let full = load(&csv(events.iter())).unwrap();
    let spec = serde_json::json!({
        "analysis": "repurchase", "purchase_event": "purchase", "min_group": 1,
        "segment": {"rule": "events >= 5"},
        "segments": [{"name": "cn", "segment": {"rule": "country = \"CN\""}}]
    });
    let got = run(&full, &spec).unwrap();
    let both = run(
        &full,
        &serde_json::json!({
            "analysis": "repurchase", "purchase_event": "purchase", "min_group": 1,
            "segment": {"rule": "events >= 5 and country = \"CN\""}
        }),
    )
    .unwrap();
    assert_eq!(
        got["by_segment"][0]["result"],
        without_segment(both.clone())
    );
    assert!(got["by_segment"][0]["segment"]["users"].as_u64().unwrap() > 0);
    assert_eq!(
        got["by_segment"][0]["segment"]["users"],
        both["segment"]["users"]
    );
}
