//! The funnel, rule by rule (ANALYSES.md, "Funnel"): one named test per rule of
//! the contract, each on a tiny literal event log whose answer can be read off.

use tidemark::analysis::funnel::{dropoff_users, funnel};
use tidemark::report::{FunnelReport, FunnelStep};
use tidemark::spec::{FunnelSpec, Spec};
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

/// One literal event: user, time in ms, event name, `channel`, `price`.
type Ev<'a> = (&'a str, i64, &'a str, Option<&'a str>, Option<&'a str>);

/// A table of literal events, in row order, with property columns `channel`
/// and `price`.
fn table(events: &[Ev]) -> EventTable {
    let props = [
        ("channel".to_string(), Role::Property),
        ("price".to_string(), Role::Property),
    ];
    let mut b = TableBuilder::new(false, &props);
    for &(user, ms, event, channel, price) in events {
        b.push(user, ms, event, None, &[channel, price]);
    }
    b.build(TableMeta::synthetic("t.csv"))
}

/// Events without properties: `(user, seconds, event)`.
fn plain(events: &[(&str, i64, &str)]) -> EventTable {
    let evs: Vec<Ev> = events
        .iter()
        .map(|&(u, s, e)| (u, s * 1000, e, None, None))
        .collect();
    table(&evs)
}

/// A funnel spec from the JSON fields after `"analysis":"funnel"`.
fn spec(fields: &str) -> FunnelSpec {
    match Spec::from_json(&format!(r#"{{"analysis":"funnel",{fields}}}"#)).unwrap() {
        Spec::Funnel(f) => f,
        other => panic!("not a funnel: {other:?}"),
    }
}

/// Users per step.
fn users(report: &FunnelReport) -> Vec<u64> {
    report.steps.iter().map(|s| s.users).collect()
}

fn run(t: &EventTable, fields: &str) -> FunnelReport {
    funnel(t, &spec(fields)).unwrap()
}

/// Milliseconds of an RFC 3339 time.
fn ms(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .timestamp_millis()
}

const AB: &str = r#""steps":[{"event":"a"},{"event":"b"}]"#;
const ABC: &str = r#""steps":[{"event":"a"},{"event":"b"},{"event":"c"}]"#;

#[test]
fn report_fields_conversions_and_labels() {
    let t = table(&[
        ("u1", 0, "a", None, None),
        ("u1", 1000, "b", Some("ads"), None),
        ("u2", 0, "a", None, None),
        ("u3", 0, "a", None, None),
        ("u3", 3000, "b", Some("ads"), None),
        ("u4", 0, "b", Some("ads"), None), // never did step 1: level 0
    ]);
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"b","where":{"price":[1,2],"channel":"ads"}}],"window":"1h""#,
    );
    assert_eq!(r.mode, "ordered");
    assert_eq!(r.window_seconds, 3600.0);
    assert_eq!(r.breakdown, None);
    // The price filter fails (no price cell): nobody reaches step 2.
    assert_eq!(users(&r), [3, 0]);
    assert_eq!(r.steps[1].label, "b (channel = ads, price = 1|2)");
    assert_eq!(r.steps[1].event, "b");

    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"b","where":{"channel":"ads"}}],"window":"1h""#,
    );
    assert_eq!(
        r.steps[0],
        FunnelStep {
            event: "a".into(),
            label: "a".into(),
            users: 3,
            conversion_from_previous: None,
            conversion_from_first: Some(1.0),
            dropoff: 0,
            median_seconds_from_previous: None,
            mean_seconds_from_previous: None,
        }
    );
    assert_eq!(
        r.steps[1],
        FunnelStep {
            event: "b".into(),
            label: "b (channel = ads)".into(),
            users: 2,
            conversion_from_previous: Some(2.0 / 3.0),
            conversion_from_first: Some(2.0 / 3.0),
            dropoff: 1,
            median_seconds_from_previous: Some(2.0),
            mean_seconds_from_previous: Some(2.0),
        }
    );
}

#[test]
fn window_boundary_is_inclusive() {
    let t = table(&[
        ("exact", 0, "a", None, None),
        ("exact", 10_000, "b", None, None),
        ("late", 0, "a", None, None),
        ("late", 10_001, "b", None, None),
    ]);
    let r = run(&t, &format!(r#"{AB},"window":"10s""#));
    assert_eq!(users(&r), [2, 1]);
    assert_eq!(
        dropoff_users(&t, &spec(&format!(r#"{AB},"window":10"#)), 1).unwrap(),
        ["late"]
    );
    // The window spans step 1 to the *last* step, not step to step.
    let t = plain(&[("u", 0, "a"), ("u", 6, "b"), ("u", 12, "c")]);
    assert_eq!(users(&run(&t, &format!(r#"{ABC},"window":10"#))), [1, 1, 0]);
    assert_eq!(users(&run(&t, &format!(r#"{ABC},"window":12"#))), [1, 1, 1]);
}

#[test]
fn same_instant_later_row_counts_earlier_row_does_not() {
    let t = plain(&[
        ("later", 5, "a"),
        ("later", 5, "b"), // same instant, later row: after
        ("earlier", 5, "b"),
        ("earlier", 5, "a"), // b's row is earlier: not after
    ]);
    for mode in ["ordered", "strict"] {
        let r = run(&t, &format!(r#"{AB},"window":0,"mode":"{mode}""#));
        assert_eq!(users(&r), [2, 1], "{mode}");
        assert_eq!(r.steps[1].median_seconds_from_previous, Some(0.0));
    }
    // Unordered: order does not matter, both convert.
    assert_eq!(
        users(&run(&t, &format!(r#"{AB},"window":0,"mode":"unordered""#))),
        [2, 2]
    );
}

#[test]
fn time_order_beats_row_order() {
    // Rows out of time order: the per-user order is by time first.
    let t = plain(&[("u", 9, "b"), ("u", 1, "a")]);
    assert_eq!(users(&run(&t, AB)), [1, 1]);
    let t = plain(&[("u", 1, "b"), ("u", 9, "a")]);
    assert_eq!(users(&run(&t, AB)), [1, 0]);
}

#[test]
fn repeated_funnel_timing_uses_earliest_start_reaching_the_level() {
    // Two attempts reach step 2; timings come from the earliest-starting one (8 s),
    // not the fastest (1 s).
    let t = plain(&[("u", 0, "a"), ("u", 8, "b"), ("u", 20, "a"), ("u", 21, "b")]);
    let r = run(&t, &format!(r#"{AB},"window":10"#));
    assert_eq!(users(&r), [1, 1]);
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(8.0));
}

#[test]
fn restarted_funnel_where_a_later_start_reaches_further() {
    // The first attempt stops at b (c is too late); the restart at 200 s completes.
    let t = plain(&[
        ("u", 0, "a"),
        ("u", 5, "b"),
        ("u", 100, "c"),
        ("u", 200, "a"),
        ("u", 203, "b"),
        ("u", 207, "c"),
    ]);
    let r = run(&t, &format!(r#"{ABC},"window":10"#));
    assert_eq!(users(&r), [1, 1, 1]);
    // Timings are those of the chain reaching level 3 (3 s and 4 s), not 5 s.
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(3.0));
    assert_eq!(r.steps[2].mean_seconds_from_previous, Some(4.0));
    // A later step-1 event restarts the chain even between b and c: ordered
    // chains may skip events, so a, a, b, c within the window converts.
    let t = plain(&[
        ("u", 0, "a"),
        ("u", 20, "a"),
        ("u", 25, "b"),
        ("u", 28, "c"),
    ]);
    let r = run(&t, &format!(r#"{ABC},"window":10"#));
    assert_eq!(users(&r), [1, 1, 1]);
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(5.0));
}

#[test]
fn chain_is_completed_with_the_earliest_qualifying_events() {
    let t = plain(&[("u", 0, "a"), ("u", 2, "b"), ("u", 5, "b"), ("u", 6, "c")]);
    let r = run(&t, &format!(r#"{ABC},"window":60"#));
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(2.0));
    assert_eq!(r.steps[2].median_seconds_from_previous, Some(4.0));
}

#[test]
fn one_event_cannot_fill_two_steps() {
    let t = plain(&[("once", 0, "a"), ("twice", 0, "a"), ("twice", 0, "a")]);
    let steps = r#""steps":[{"event":"a"},{"event":"a"}],"window":0"#;
    for mode in ["ordered", "strict", "unordered"] {
        let r = run(&t, &format!(r#"{steps},"mode":"{mode}""#));
        assert_eq!(users(&r), [2, 1], "{mode}");
    }
    // An event matching two different steps still fills only one (unordered).
    let t = table(&[
        ("one", 0, "a", Some("ads"), None),
        ("two", 0, "a", Some("ads"), None),
        ("two", 1, "a", Some("seo"), None),
    ]);
    let r = run(
        &t,
        r#""steps":[{"event":"a","where":{"channel":"ads"}},{"event":"a"}],"mode":"unordered""#,
    );
    assert_eq!(users(&r), [2, 1]);
}

#[test]
fn strict_is_broken_by_another_event() {
    let t = plain(&[("u", 0, "a"), ("u", 1, "x"), ("u", 2, "b")]);
    assert_eq!(users(&run(&t, &format!(r#"{AB},"mode":"strict""#))), [1, 0]);
    assert_eq!(
        users(&run(&t, &format!(r#"{AB},"mode":"ordered""#))),
        [1, 1]
    );
    // A fresh start after the interruption converts.
    let t = plain(&[("u", 0, "a"), ("u", 1, "x"), ("u", 2, "a"), ("u", 3, "b")]);
    let r = run(&t, &format!(r#"{AB},"mode":"strict""#));
    assert_eq!(users(&r), [1, 1]);
    assert_eq!(r.mode, "strict");
}

#[test]
fn strict_is_broken_by_a_same_name_event_failing_the_filter() {
    let steps = r#""steps":[{"event":"a"},{"event":"b","where":{"channel":"ads"}}]"#;
    let t = table(&[
        ("broken", 0, "a", None, None),
        ("broken", 1, "b", Some("seo"), None),
        ("broken", 2, "b", Some("ads"), None),
        ("ok", 0, "a", None, None),
        ("ok", 1, "b", Some("ads"), None),
    ]);
    let r = run(&t, &format!(r#"{steps},"mode":"strict""#));
    assert_eq!(users(&r), [2, 1]);
    assert_eq!(
        dropoff_users(&t, &spec(&format!(r#"{steps},"mode":"strict""#)), 1).unwrap(),
        ["broken"]
    );
    assert_eq!(users(&run(&t, steps)), [2, 2]);
}

#[test]
fn strict_window_still_applies() {
    let t = plain(&[("u", 0, "a"), ("u", 11, "b")]);
    assert_eq!(
        users(&run(&t, &format!(r#"{AB},"mode":"strict","window":10"#))),
        [1, 0]
    );
}

#[test]
fn unordered_any_order() {
    let t = plain(&[("u", 0, "c"), ("u", 1, "b"), ("u", 2, "a"), ("v", 0, "b")]);
    let r = run(&t, &format!(r#"{ABC},"mode":"unordered","window":10"#));
    // Step k reads "completed at least k steps": v did one (b).
    assert_eq!(users(&r), [2, 1, 1]);
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(1.0));
    assert_eq!(r.mode, "unordered");
}

#[test]
fn unordered_needs_distinct_events_for_distinct_steps() {
    // Steps a, a, a: three distinct events are needed; u has two, v three.
    let t = plain(&[
        ("u", 0, "a"),
        ("u", 1, "a"),
        ("v", 0, "a"),
        ("v", 1, "a"),
        ("v", 2, "a"),
    ]);
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"a"},{"event":"a"}],"mode":"unordered","window":10"#,
    );
    assert_eq!(users(&r), [2, 2, 1]);
    // An event matching two steps is re-assigned when that lets the matching
    // grow: a(ads) first takes step 1, then moves to step 2 for the plain `a`.
    let t = table(&[("u", 0, "a", Some("ads"), None), ("u", 1, "a", None, None)]);
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"a","where":{"channel":"ads"}}],"mode":"unordered","window":10"#,
    );
    assert_eq!(users(&r), [1, 1]);
}

#[test]
fn unordered_window_and_its_timing_chain() {
    // c,a fit in 10 s, a,b fit in 10 s, but not all three.
    let t = plain(&[("u", 0, "c"), ("u", 5, "a"), ("u", 11, "b")]);
    let r = run(&t, &format!(r#"{ABC},"mode":"unordered","window":10"#));
    assert_eq!(users(&r), [1, 1, 0]);
    // The earliest window reaching level 2 starts at c: the gap is c → a.
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(5.0));
    let r = run(&t, &format!(r#"{ABC},"mode":"unordered","window":11"#));
    assert_eq!(users(&r), [1, 1, 1]);
    assert_eq!(r.steps[2].median_seconds_from_previous, Some(6.0));
}

#[test]
fn breakdown_buckets_other_and_tie_order() {
    let t = table(&[
        // ads: 3 users, one converts.
        ("u1", 0, "a", Some("ads"), None),
        ("u1", 1, "b", None, None),
        ("u2", 0, "a", Some("ads"), None),
        ("u3", 0, "a", Some("ads"), None),
        // seo and mail tie on 1 user each: mail comes first (ascending).
        ("u4", 0, "a", Some("seo"), None),
        ("u4", 1, "b", None, None),
        ("u5", 0, "a", Some("mail"), None),
        // no channel: the null bucket, 1 user, after text values in ties.
        ("u6", 0, "a", None, None),
        ("u6", 1, "b", Some("ads"), None),
        // never did step 1: in no bucket.
        ("u7", 0, "b", Some("zzz"), None),
    ]);
    let all = run(&t, &format!(r#"{AB},"breakdown":"channel""#));
    let b = all.breakdown.as_ref().unwrap();
    let got: Vec<(Option<&str>, bool, Vec<u64>)> = b
        .iter()
        .map(|k| {
            (
                k.value.as_deref(),
                k.other,
                k.steps.iter().map(|s| s.users).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("ads"), false, vec![3, 1]),
            (Some("mail"), false, vec![1, 0]),
            (Some("seo"), false, vec![1, 1]),
            (None, false, vec![1, 1]),
        ]
    );
    assert_eq!(b[0].steps[1].conversion_from_first, Some(1.0 / 3.0));

    // Limit 2: ads and mail listed, seo and null merged into one "other".
    let r = run(
        &t,
        &format!(r#"{AB},"breakdown":"channel","breakdown_limit":2"#),
    );
    let b = r.breakdown.unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!((b[2].value.as_deref(), b[2].other), (None, true));
    assert_eq!(
        b[2].steps.iter().map(|s| s.users).collect::<Vec<_>>(),
        [2, 2]
    );
    assert_eq!(b[2].steps[1].label, "b");
    // The totals do not depend on the breakdown.
    assert_eq!(users(&all), [6, 3]);
    assert_eq!(r.steps, all.steps);

    // Nothing left over: no "other" bucket.
    let r = run(
        &t,
        &format!(r#"{AB},"breakdown":"channel","breakdown_limit":4"#),
    );
    assert!(r.breakdown.unwrap().iter().all(|k| !k.other));
}

#[test]
fn breakdown_value_comes_from_the_timing_chain_first_event() {
    // The user's first `a` (seo) does not convert; the chain's `a` (ads) does.
    let t = table(&[
        ("u", 0, "a", Some("seo"), None),
        ("u", 100_000, "a", Some("ads"), None),
        ("u", 101_000, "b", None, None),
    ]);
    let r = run(&t, &format!(r#"{AB},"window":10,"breakdown":"channel""#));
    let b = r.breakdown.unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].value.as_deref(), Some("ads"));
    assert_eq!(b[0].steps[1].users, 1);
}

#[test]
fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
    let t = plain(&[
        ("u1", 0, "a"),
        ("u1", 1, "b"),
        ("u2", 0, "a"),
        ("u2", 2, "b"),
        ("u3", 0, "a"),
        ("u3", 4, "b"),
        ("u4", 0, "a"),
        ("u4", 10, "b"),
    ]);
    let r = run(&t, AB);
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(3.0));
    assert_eq!(r.steps[1].mean_seconds_from_previous, Some(4.25));
}

#[test]
fn mean_and_median_are_per_step_over_users_reaching_it() {
    // Step 3 timings only count the user who reached step 3.
    let t = plain(&[
        ("u1", 0, "a"),
        ("u1", 10, "b"),
        ("u1", 13, "c"),
        ("u2", 0, "a"),
        ("u2", 20, "b"),
        ("u3", 0, "a"),
        ("u3", 30, "b"),
    ]);
    let r = run(&t, ABC);
    assert_eq!(r.steps[1].mean_seconds_from_previous, Some(20.0));
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(20.0));
    assert_eq!(r.steps[2].mean_seconds_from_previous, Some(3.0));
    // Sub-second gaps are kept.
    let t = table(&[("u", 0, "a", None, None), ("u", 1500, "b", None, None)]);
    assert_eq!(run(&t, AB).steps[1].mean_seconds_from_previous, Some(1.5));
}

#[test]
fn date_range_restricts_the_first_step_only() {
    let t = table(&[
        // Before `from`: no.
        ("early", ms("2024-02-29T23:59:59Z"), "a", None, None),
        ("early", ms("2024-03-01T01:00:00Z"), "b", None, None),
        // Last millisecond of the `to` day (a plain date includes the whole day);
        // step 2 past `to` still counts within the window.
        ("edge", ms("2024-03-02T23:59:59.999Z"), "a", None, None),
        ("edge", ms("2024-03-03T04:59:59.999Z"), "b", None, None),
        // After `to`: no.
        ("late", ms("2024-03-03T00:00:00Z"), "a", None, None),
        ("late", ms("2024-03-03T00:00:01Z"), "b", None, None),
        // A first `a` before the range, a second inside it: the second starts.
        ("again", ms("2024-02-20T00:00:00Z"), "a", None, None),
        ("again", ms("2024-03-01T00:00:00Z"), "a", None, None),
        ("again", ms("2024-03-01T00:00:09Z"), "b", None, None),
    ]);
    let range = r#""from":"2024-03-01","to":"2024-03-02","window":"1d""#;
    for mode in ["ordered", "strict"] {
        let r = run(&t, &format!(r#"{AB},{range},"mode":"{mode}""#));
        assert_eq!(users(&r), [2, 2], "{mode}");
    }
    // Unordered: the chain's first event may match any step, so "early" (whose
    // `b` lies in the range) completes one step.
    let r = run(&t, &format!(r#"{AB},{range},"mode":"unordered""#));
    assert_eq!(users(&r), [3, 2]);
    let r = run(&t, &format!(r#"{AB},{range}"#));
    assert_eq!(
        r.steps[1].median_seconds_from_previous,
        Some((5.0 * 3600.0 + 9.0) / 2.0)
    );
    // Times with an offset.
    let r = run(
        &t,
        &format!(r#"{AB},"from":"2024-03-01T00:00:00+00:00","to":"2024-03-01T00:00:00Z""#),
    );
    assert_eq!(users(&r), [1, 1]);
}

#[test]
fn date_range_errored() {
    let t = plain(&[("u", 0, "a"), ("u", 1, "b")]);
    let e = funnel(&t, &spec(&format!(r#"{AB},"from":"yesterday""#))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel \"from\": \"yesterday\" is not a date or time (write e.g. 2024-03-01 or 2024-03-01T09:00:00Z)"
    );
    let e = funnel(&t, &spec(&format!(r#"{AB},"to":"2024-13-01""#))).unwrap_err();
    assert!(
        e.to_string().starts_with("bad spec: funnel \"to\": "),
        "{e}"
    );
    let e = funnel(
        &t,
        &spec(&format!(r#"{AB},"from":"2024-03-02","to":"2024-03-01""#)),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel: \"from\" (2024-03-02) is after \"to\" (2024-03-01)"
    );
}

#[test]
fn filters_with_numbers_and_lists() {
    let t = table(&[
        ("five", 0, "a", None, None),
        ("five", 1, "buy", Some("ads"), Some("5.0")),
        ("list", 0, "a", None, None),
        ("list", 1, "buy", Some("seo"), Some("7")),
        ("text", 0, "a", None, None),
        ("text", 1, "buy", Some("mail"), Some("five")),
        ("none", 0, "a", None, None),
        ("none", 1, "buy", Some("ads"), None),
    ]);
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"buy","where":{"price":5}}]"#,
    );
    assert_eq!(
        dropoff_users(
            &t,
            &spec(r#""steps":[{"event":"a"},{"event":"buy","where":{"price":5}}]"#),
            1
        )
        .unwrap(),
        ["list", "none", "text"]
    );
    assert_eq!(users(&r), [4, 1]);
    assert_eq!(r.steps[1].label, "buy (price = 5)");
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"buy","where":{"price":[5, 7]}}]"#,
    );
    assert_eq!(users(&r), [4, 2]);
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"buy","where":{"channel":["ads","seo"]}}]"#,
    );
    assert_eq!(users(&r), [4, 3]);
    // A text filter compares the raw text: "5" does not equal "5.0".
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"buy","where":{"price":"5"}}]"#,
    );
    assert_eq!(users(&r), [4, 0]);
    // All filters of a step must hold.
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"buy","where":{"channel":"seo","price":[5, 7]}}]"#,
    );
    assert_eq!(users(&r), [4, 1]);
    assert_eq!(r.steps[1].label, "buy (channel = seo, price = 5|7)");
}

#[test]
fn unknown_column_errored() {
    let t = plain(&[("u", 0, "a"), ("u", 1, "b")]);
    let e = funnel(
        &t,
        &spec(r#""steps":[{"event":"a"},{"event":"b","where":{"chanel":"ads"}}]"#),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel step 2: no column \"chanel\" (columns: channel, price)"
    );
    let e = funnel(&t, &spec(&format!(r#"{AB},"breakdown":"chanel""#))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel breakdown: no column \"chanel\" (columns: channel, price)"
    );
    // A role column (here the event name) is not a property to filter on.
    let e = funnel(
        &t,
        &spec(r#""steps":[{"event":"a","where":{"event":"a"}},{"event":"b"}]"#),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel step 1: no column \"event\" (columns: channel, price)"
    );
    // With both an unknown event and an unknown column, the event is named
    // first (as in retention and the other analyses).
    let e = dropoff_users(
        &t,
        &spec(r#""steps":[{"event":"zzz","where":{"x":1}},{"event":"b"}]"#),
        1,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("funnel step 1: no event \"zzz\""),
        "{e}"
    );
}

#[test]
fn dropoff_users_are_sorted_and_step_checked() {
    let t = plain(&[
        ("zed", 0, "a"),
        ("amy", 0, "a"),
        ("amy", 1, "b"),
        ("bob", 0, "a"),
        ("cat", 0, "a"),
        ("cat", 1, "b"),
        ("cat", 2, "c"),
        ("dan", 0, "b"),
    ]);
    let s = spec(ABC);
    assert_eq!(dropoff_users(&t, &s, 1).unwrap(), ["bob", "zed"]);
    assert_eq!(dropoff_users(&t, &s, 2).unwrap(), ["amy"]);
    for bad in [0, 3, 4] {
        let e = dropoff_users(&t, &s, bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "bad spec: funnel drop-off: step {bad} is not between 1 and 2 (steps are numbered \
                 from 1; nobody drops off after the last step, 3)"
            )
        );
    }
}

#[test]
fn step_with_a_filter_matching_nothing_has_zero_users() {
    // The event exists; only the filter matches nothing: 0 users, not an error.
    let t = table(&[
        ("u", 0, "a", Some("ads"), None),
        ("u", 1000, "b", Some("ads"), None),
    ]);
    let r = run(
        &t,
        r#""steps":[{"event":"a"},{"event":"b","where":{"channel":"seo"}},{"event":"b"}]"#,
    );
    assert_eq!(users(&r), [1, 0, 0]);
    assert_eq!(r.steps[1].conversion_from_previous, Some(0.0));
    assert_eq!(r.steps[2].conversion_from_previous, None);
    assert_eq!(r.steps[2].conversion_from_first, Some(0.0));
    assert_eq!(r.steps[1].median_seconds_from_previous, None);
    let r = run(
        &t,
        r#""steps":[{"event":"a","where":{"channel":"seo"}},{"event":"b"}]"#,
    );
    assert_eq!(users(&r), [0, 0]);
    assert_eq!(r.steps[0].conversion_from_first, None);
    assert_eq!(r.steps[1].conversion_from_first, None);
}

/// Regression (issue 3): a mistyped step event read as "0 users" in a funnel
/// while retention, repurchase and lifecycle refused it; now all refuse it alike.
#[test]
fn step_with_an_event_absent_from_the_data_errored() {
    let t = plain(&[("u", 0, "a"), ("u", 1, "b"), ("v", 2, "b")]);
    let e = funnel(
        &t,
        &spec(r#""steps":[{"event":"a"},{"event":"nope"},{"event":"b"}]"#),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel step 2: no event \"nope\" in the data (events: \"b\", \"a\")"
    );
    let e = dropoff_users(&t, &spec(r#""steps":[{"event":"A"},{"event":"b"}]"#), 1).unwrap_err();
    assert!(
        e.to_string().contains("funnel step 1: no event \"A\""),
        "{e}"
    );
}

#[test]
fn empty_table_errored_listing_no_events() {
    let t = plain(&[]);
    let e = funnel(&t, &spec(&format!(r#"{AB},"breakdown":"channel""#))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel step 1: no event \"a\" in the data (events: none: the table is empty)"
    );
}

#[test]
fn step_count_checked_for_specs_built_in_code() {
    let t = plain(&[("u", 0, "a")]);
    let mut s = spec(AB);
    s.steps.truncate(1);
    let e = funnel(&t, &s).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: funnel: a funnel has 2 to 10 steps, this one has 1"
    );
    let mut s = spec(AB);
    s.breakdown_limit = 0;
    assert!(
        funnel(&t, &s)
            .unwrap_err()
            .to_string()
            .contains("breakdown_limit")
    );
}

#[test]
fn ten_steps_in_every_mode() {
    let names = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"];
    let events: Vec<(&str, i64, &str)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ("u", i as i64, *n))
        .collect();
    let t = plain(&events);
    let steps: Vec<String> = names
        .iter()
        .map(|n| format!(r#"{{"event":"{n}"}}"#))
        .collect();
    for mode in ["ordered", "strict", "unordered"] {
        let r = run(
            &t,
            &format!(r#""steps":[{}],"mode":"{mode}""#, steps.join(",")),
        );
        assert_eq!(users(&r), [1; 10], "{mode}");
    }
}
