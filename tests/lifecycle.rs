//! Lifecycle, rule by rule (ANALYSES.md, "Segments → Lifecycle"): new, returning,
//! resurrecting and dormant users per period, on tiny literal logs.

use chrono::TimeZone;
use chrono_tz::Tz;
use tidemark::analysis::lifecycle::lifecycle;
use tidemark::report::LifecycleReport;
use tidemark::spec::{LifecycleSpec, Spec};
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

/// `(user, local time YYYY-MM-DD HH:MM, event, channel)` in zone `tz`.
fn table_in(tz: Tz, events: &[(&str, &str, &str, Option<&str>)]) -> EventTable {
    let mut b = TableBuilder::new(false, &[("channel".to_string(), Role::Property)]);
    for &(user, time, event, channel) in events {
        let naive = chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M").unwrap();
        let t = tz.from_local_datetime(&naive).earliest().unwrap();
        b.push(user, t.timestamp_millis(), event, None, &[channel]);
    }
    let mut meta = TableMeta::synthetic("t.csv");
    meta.time_zone = tidemark::zone::Zone::named(tz.name()).expect("zone");
    b.build(meta)
}

fn plain(events: &[(&str, &str, &str)]) -> EventTable {
    let evs: Vec<_> = events.iter().map(|&(u, t, e)| (u, t, e, None)).collect();
    table_in(Tz::UTC, &evs)
}

fn spec(fields: &str) -> LifecycleSpec {
    let sep = if fields.is_empty() { "" } else { "," };
    match Spec::from_json(&format!(r#"{{"analysis":"lifecycle"{sep}{fields}}}"#)).unwrap() {
        Spec::Lifecycle(l) => l,
        other => panic!("not lifecycle: {other:?}"),
    }
}

/// `(start, new, returning, resurrecting, dormant)` per period.
fn rows(r: &LifecycleReport) -> Vec<(&str, u64, u64, u64, i64)> {
    r.periods
        .iter()
        .map(|p| {
            (
                p.start.as_str(),
                p.new,
                p.returning,
                p.resurrecting,
                p.dormant,
            )
        })
        .collect()
}

#[test]
fn new_returning_resurrecting_dormant() {
    // Daily. a: days 1, 2, 4. b: days 2, 3. c: day 5 (holds the data end).
    let t = plain(&[
        ("a", "2024-01-01 10:00", "x"),
        ("a", "2024-01-01 11:00", "x"),
        ("a", "2024-01-02 10:00", "x"),
        ("a", "2024-01-04 10:00", "x"),
        ("b", "2024-01-02 10:00", "x"),
        ("b", "2024-01-03 10:00", "x"),
        ("c", "2024-01-05 10:00", "x"),
    ]);
    let r = lifecycle(&t, &spec(r#""period":"day""#)).unwrap();
    assert_eq!(
        rows(&r),
        [
            ("2024-01-01", 1, 0, 0, 0),
            ("2024-01-02", 1, 1, 0, 0),  // b new, a returning
            ("2024-01-03", 0, 1, 0, -1), // b returning, a dormant
            ("2024-01-04", 0, 0, 1, -1), // a resurrecting, b dormant
            ("2024-01-05", 1, 0, 0, -1), // c new, a dormant
        ]
    );
    assert_eq!(r.periods[1].active, 2);
    assert!(r.periods[3].complete);
    assert!(!r.periods[4].complete);
}

#[test]
fn empty_periods_are_listed_and_run_to_the_data_end() {
    // Activity filter: only "buy" counts; the data end is a later "view".
    let t = plain(&[
        ("a", "2024-01-01 00:00", "buy"),
        ("a", "2024-01-22 00:00", "buy"),
        ("b", "2024-02-12 00:00", "view"),
    ]);
    let r = lifecycle(&t, &spec(r#""period":"week","event":"buy""#)).unwrap();
    assert_eq!(r.event.as_deref(), Some("buy"));
    assert_eq!(
        rows(&r),
        [
            ("2024-01-01", 1, 0, 0, 0),
            ("2024-01-08", 0, 0, 0, -1),
            ("2024-01-15", 0, 0, 0, 0),
            ("2024-01-22", 0, 0, 1, 0),
            ("2024-01-29", 0, 0, 0, -1),
            ("2024-02-05", 0, 0, 0, 0),
            ("2024-02-12", 0, 0, 0, 0),
        ]
    );
}

#[test]
fn with_a_filter_new_is_the_period_of_the_first_matching_event() {
    let t = table_in(
        Tz::UTC,
        &[
            ("a", "2024-01-01 00:00", "buy", Some("mail")), // filtered out
            ("a", "2024-02-01 00:00", "view", None),
            ("a", "2024-03-01 00:00", "buy", Some("ads")), // new in March
            ("b", "2024-02-01 00:00", "buy", Some("ads")), // new in February
            ("b", "2024-03-01 00:00", "buy", Some("ads")), // returning
        ],
    );
    let r = lifecycle(
        &t,
        &spec(r#""period":"month","event":{"event":"buy","where":{"channel":"ads"}}"#),
    )
    .unwrap();
    assert_eq!(r.event.as_deref(), Some("buy (channel = ads)"));
    assert_eq!(
        rows(&r),
        [("2024-02-01", 1, 0, 0, 0), ("2024-03-01", 1, 1, 0, 0)]
    );
    // Without the filter, a is active in January, February and March: new, then
    // returning twice.
    let r = lifecycle(&t, &spec(r#""period":"month""#)).unwrap();
    assert_eq!(
        rows(&r),
        [
            ("2024-01-01", 1, 0, 0, 0),
            ("2024-02-01", 1, 1, 0, 0),
            ("2024-03-01", 0, 2, 0, 0),
        ]
    );
}

#[test]
fn periods_follow_the_zone_across_dst() {
    // Berlin: Sunday 2024-10-27 has 25 hours; 23:30 that Sunday is still the week
    // of 2024-10-21, although it is Sunday 22:30 UTC.
    let berlin = chrono_tz::Europe::Berlin;
    let t = table_in(
        berlin,
        &[
            ("a", "2024-10-21 00:00", "x", None),
            ("a", "2024-10-27 23:30", "x", None),
            ("a", "2024-10-28 00:00", "x", None), // next week: returning
            ("b", "2024-10-28 00:30", "x", None),
        ],
    );
    let r = lifecycle(&t, &spec(r#""period":"week""#)).unwrap();
    assert_eq!(
        rows(&r),
        [("2024-10-21", 1, 0, 0, 0), ("2024-10-28", 1, 1, 0, 0)]
    );
    // Daily: a is new on the 21st, resurrecting on the 27th (the 25-hour day) and
    // returning on the 28th.
    let r = lifecycle(&t, &spec(r#""period":"day""#)).unwrap();
    assert_eq!(r.periods.len(), 8);
    assert_eq!(r.periods[6].start, "2024-10-27");
    assert_eq!(r.periods[6].resurrecting, 1);
    assert_eq!(r.periods[7].returning, 1);
}

#[test]
fn unknown_event_errored_and_empty_table() {
    let t = plain(&[("a", "2024-01-01 00:00", "view")]);
    let e = lifecycle(&t, &spec(r#""event":"buy""#)).unwrap_err();
    assert!(
        e.to_string()
            .contains("lifecycle event: no event \"buy\" in the data (events: \"view\")"),
        "{e}"
    );
    let empty = TableBuilder::new(false, &[]).build(TableMeta::synthetic("t.csv"));
    assert!(lifecycle(&empty, &spec("")).unwrap().periods.is_empty());
}
