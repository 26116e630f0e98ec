//! Cohort retention, rule by rule (ANALYSES.md, "Cohort retention"): one named
//! test per rule, each on a tiny literal event log whose answer can be read off.

use chrono::TimeZone;
use chrono_tz::Tz;
use tidemark::analysis::retention::retention;
use tidemark::report::RetentionReport;
use tidemark::spec::{RetentionSpec, Spec};
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

/// One literal event: user, local wall time `YYYY-MM-DD HH:MM` in the table's
/// zone, event name, revenue, `channel`.
type Ev<'a> = (&'a str, &'a str, &'a str, Option<f64>, Option<&'a str>);

/// A table in zone `tz` with a revenue column and a `channel` property.
fn table_in(tz: Tz, events: &[Ev]) -> EventTable {
    let mut b = TableBuilder::new(true, &[("channel".to_string(), Role::Property)]);
    for &(user, time, event, revenue, channel) in events {
        let naive = chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M").unwrap();
        let t = tz.from_local_datetime(&naive).earliest().unwrap();
        b.push(user, t.timestamp_millis(), event, revenue, &[channel]);
    }
    let mut meta = TableMeta::synthetic("t.csv");
    meta.time_zone = tidemark::zone::Zone::named(tz.name()).expect("zone");
    b.build(meta)
}

/// A UTC table of `(user, time, event)`.
fn plain(events: &[(&str, &str, &str)]) -> EventTable {
    let evs: Vec<Ev> = events
        .iter()
        .map(|&(u, t, e)| (u, t, e, None, None))
        .collect();
    table_in(Tz::UTC, &evs)
}

/// A retention spec from the JSON fields after `"analysis":"retention"`.
fn spec(fields: &str) -> RetentionSpec {
    let sep = if fields.is_empty() { "" } else { "," };
    match Spec::from_json(&format!(r#"{{"analysis":"retention"{sep}{fields}}}"#)).unwrap() {
        Spec::Retention(r) => r,
        other => panic!("not retention: {other:?}"),
    }
}

fn run(t: &EventTable, fields: &str) -> RetentionReport {
    retention(t, &spec(fields)).unwrap()
}

/// `(start, size, retained, complete)` per cohort.
fn rows(r: &RetentionReport) -> Vec<(String, u64, Vec<u64>, Vec<bool>)> {
    r.cohorts
        .iter()
        .map(|c| {
            (
                c.start.clone(),
                c.size,
                c.retained.clone(),
                c.complete.clone(),
            )
        })
        .collect()
}

fn row(
    start: &str,
    size: u64,
    retained: &[u64],
    complete: &[bool],
) -> (String, u64, Vec<u64>, Vec<bool>) {
    (
        start.to_string(),
        size,
        retained.to_vec(),
        complete.to_vec(),
    )
}

#[test]
fn cohort_is_the_period_of_the_first_start_event_one_per_user() {
    // Daily. u1 starts day 1 and returns on days 2 and 4; u2 starts day 2.
    let t = plain(&[
        ("u1", "2024-01-01 10:00", "visit"),
        ("u1", "2024-01-01 11:00", "visit"), // same period: not a return
        ("u1", "2024-01-02 09:00", "visit"),
        ("u1", "2024-01-04 09:00", "visit"),
        ("u2", "2024-01-02 23:59", "visit"),
        ("u2", "2024-01-03 00:00", "visit"),
        ("u3", "2024-01-05 12:00", "visit"), // holds the data end
    ]);
    let r = run(&t, r#""period":"day","periods":3"#);
    assert_eq!(
        rows(&r),
        [
            row("2024-01-01", 1, &[1, 1, 0, 1], &[true; 4]),
            row("2024-01-02", 1, &[1, 1, 0, 0], &[true, true, true, false]),
            row("2024-01-03", 0, &[0, 0, 0], &[true, true, false]),
            row("2024-01-04", 0, &[0, 0], &[true, false]),
            row("2024-01-05", 1, &[1], &[false]),
        ]
    );
    assert_eq!(
        r.cohorts[0].retained_rate,
        [Some(1.0), Some(1.0), Some(0.0), Some(1.0)]
    );
    assert_eq!(r.cohorts[2].retained_rate, [None, None, None]);
    assert_eq!(r.data_end.as_deref(), Some("2024-01-05T12:00:00Z"));
}

#[test]
fn empty_cohorts_are_listed_with_size_zero() {
    let t = plain(&[
        ("a", "2024-01-01 00:00", "x"),
        ("b", "2024-03-15 00:00", "x"),
        ("b", "2024-04-02 00:00", "x"),
    ]);
    let r = run(&t, r#""period":"month""#);
    let starts: Vec<&str> = r.cohorts.iter().map(|c| c.start.as_str()).collect();
    assert_eq!(starts, ["2024-01-01", "2024-02-01", "2024-03-01"]);
    assert_eq!(r.cohorts[1].size, 0);
    assert_eq!(r.cohorts[1].retained, [0, 0, 0]);
    assert_eq!(r.cohorts[2].retained, [1, 1]);
    assert_eq!(r.cohorts[2].complete, [true, false]);
}

#[test]
fn cells_run_to_periods_or_the_data_end_whichever_is_first() {
    let mut evs = vec![("u", "2024-01-01 00:00", "x")];
    let days: Vec<String> = (2..=20).map(|d| format!("2024-01-{d:02} 00:00")).collect();
    evs.extend(days.iter().map(|d| ("u", d.as_str(), "x")));
    let t = plain(&evs);
    // periods = 5 stops first: k = 0..=5, all complete.
    let r = run(&t, r#""period":"day","periods":5"#);
    assert_eq!(r.cohorts[0].retained, [1; 6]);
    assert_eq!(r.cohorts[0].complete, [true; 6]);
    // periods = 30: the data end (day 20, k = 19) stops first, and is incomplete.
    let r = run(&t, r#""period":"day","periods":30"#);
    assert_eq!(r.cohorts[0].retained.len(), 20);
    assert_eq!(r.cohorts[0].complete.iter().filter(|c| !**c).count(), 1);
    assert!(!r.cohorts[0].complete[19]);
}

#[test]
fn the_period_holding_the_data_end_is_incomplete_even_at_its_first_instant() {
    // The data end is Monday 00:00: the new week has begun, so the previous week is
    // complete and the new one is not.
    let t = plain(&[
        ("u", "2024-01-01 00:00", "x"),
        ("v", "2024-01-08 00:00", "x"),
    ]);
    let r = run(&t, r#""period":"week""#);
    assert_eq!(
        rows(&r),
        [
            row("2024-01-01", 1, &[1, 0], &[true, false]),
            row("2024-01-08", 1, &[1], &[false]),
        ]
    );
    // The average uses complete cells only: k = 1 has no complete cell.
    assert_eq!(r.average.users, [1, 0]);
    assert_eq!(r.average.rate, [Some(1.0), None]);
}

#[test]
fn unbounded_counts_a_return_in_c_plus_k_or_later() {
    let t = plain(&[
        ("u", "2024-01-01 00:00", "x"),
        ("u", "2024-01-04 00:00", "x"), // k = 3 only
        ("v", "2024-01-01 00:00", "x"),
        ("v", "2024-01-02 00:00", "x"), // k = 1
        ("w", "2024-01-01 00:00", "x"),
        ("w", "2024-01-09 00:00", "x"), // k = 8, beyond periods = 4
    ]);
    let bounded = run(&t, r#""period":"day","periods":4,"mode":"bounded""#);
    assert_eq!(bounded.cohorts[0].retained, [3, 1, 0, 1, 0]);
    let unbounded = run(&t, r#""period":"day","periods":4,"mode":"unbounded""#);
    assert_eq!(unbounded.mode, "unbounded");
    assert_eq!(unbounded.cohorts[0].retained, [3, 3, 2, 2, 1]);
}

#[test]
fn start_and_return_events_with_filters() {
    let t = table_in(
        Tz::UTC,
        &[
            ("u", "2024-01-01 00:00", "visit", None, None),
            ("u", "2024-01-08 00:00", "purchase", None, Some("ads")), // cohort week 2
            ("u", "2024-01-15 00:00", "visit", None, None),           // not a return
            ("u", "2024-01-22 00:00", "purchase", None, Some("mail")), // filter fails
            ("u", "2024-01-29 00:00", "purchase", None, Some("ads")), // k = 3
            ("v", "2024-01-01 00:00", "visit", None, None),           // never starts: no cohort
            ("v", "2024-02-05 00:00", "visit", None, None),
        ],
    );
    let r = run(
        &t,
        r#""period":"week","start_event":"purchase","return_event":{"event":"purchase","where":{"channel":"ads"}}"#,
    );
    assert_eq!(r.start_event.as_deref(), Some("purchase"));
    assert_eq!(r.return_event.as_deref(), Some("purchase (channel = ads)"));
    assert_eq!(
        rows(&r),
        [row(
            "2024-01-08",
            1,
            &[1, 0, 0, 1, 0],
            &[true, true, true, true, false]
        )]
    );
}

#[test]
fn start_event_not_in_the_data_errored() {
    let t = plain(&[("u", "2024-01-01 00:00", "visit")]);
    let e = retention(&t, &spec(r#""start_event":"purchase""#)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad spec: retention start_event: no event \"purchase\" in the data (events: \"visit\")"
    );
    let e = retention(
        &t,
        &spec(r#""return_event":{"event":"visit","where":{"nope":"x"}}"#),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("retention return_event: no column \"nope\""),
        "{e}"
    );
}

#[test]
fn revenue_measure_per_user_and_cumulative_ltv() {
    let t = table_in(
        Tz::UTC,
        &[
            ("u", "2024-01-01 08:00", "visit", Some(100.0), None), // before the start: left out
            ("u", "2024-01-01 09:00", "purchase", Some(10.0), None),
            ("u", "2024-01-02 09:00", "purchase", Some(5.0), None),
            ("u", "2024-01-02 10:00", "purchase", None, None), // no number: adds nothing
            ("v", "2024-01-01 09:00", "purchase", Some(20.0), None),
            ("v", "2024-01-03 09:00", "purchase", Some(7.0), None),
            ("w", "2024-01-04 09:00", "purchase", Some(1.0), None),
        ],
    );
    let r = run(
        &t,
        r#""period":"day","start_event":"purchase","measure":"revenue""#,
    );
    assert_eq!(r.measure, "revenue");
    let c = &r.cohorts[0];
    assert_eq!(c.size, 2);
    assert_eq!(c.retained, [2, 1, 1, 0]);
    assert_eq!(c.revenue.as_deref(), Some(&[30.0, 5.0, 7.0, 0.0][..]));
    assert_eq!(
        c.revenue_per_user.as_deref(),
        Some(&[Some(15.0), Some(2.5), Some(3.5), Some(0.0)][..])
    );
    assert_eq!(
        c.cumulative_revenue_per_user.as_deref(),
        Some(&[Some(15.0), Some(17.5), Some(21.0), Some(21.0)][..])
    );
    // Empty cohorts have zero revenue and no per-user value.
    assert_eq!(r.cohorts[1].revenue.as_deref(), Some(&[0.0, 0.0, 0.0][..]));
    assert_eq!(
        r.cohorts[1].cumulative_revenue_per_user.as_deref(),
        Some(&[None, None, None][..])
    );
    // Average over complete cells: k = 0..=2 from cohort 1 only (cohort 4 holds the end).
    assert_eq!(
        r.average.cumulative_revenue_per_user.as_deref(),
        Some(&[Some(15.0), Some(17.5), Some(21.0), None][..])
    );
    // The users measure leaves the revenue fields out of the JSON.
    let users = run(&t, r#""period":"day","start_event":"purchase""#);
    let json = serde_json::to_value(tidemark::report::Report::Retention(users)).unwrap();
    assert!(json["cohorts"][0].get("revenue").is_none());
    assert_eq!(json["analysis"], "retention");
}

/// Regression (issue 3): the average LTV curve went down when the cohorts left
/// at large `k` (the older ones) had spent less early on. It is now the running
/// sum of the per-period averages, each over the cohorts complete in that period.
#[test]
fn average_ltv_is_a_running_sum_of_per_period_averages_and_never_falls() {
    let t = table_in(
        Tz::UTC,
        &[
            ("a", "2024-01-01 09:00", "purchase", Some(1.0), None),
            ("b", "2024-01-02 09:00", "purchase", Some(100.0), None),
            ("z", "2024-01-04 09:00", "purchase", Some(7.0), None), // holds the end
        ],
    );
    let r = run(&t, r#""period":"day","measure":"revenue""#);
    // k = 0 rests on cohorts 1 and 2, k = 1 too, k = 2 on cohort 1 only.
    assert_eq!(r.average.cohorts, [2, 2, 1, 0]);
    assert_eq!(r.average.users, [2, 2, 1, 0]);
    assert_eq!(
        r.average.revenue_per_user.as_deref(),
        Some(&[Some(50.5), Some(0.0), Some(0.0), None][..])
    );
    // Averaging each cohort's cumulative value would give 50.5, 50.5, 1.0.
    assert_eq!(
        r.average.cumulative_revenue_per_user.as_deref(),
        Some(&[Some(50.5), Some(50.5), Some(50.5), None][..])
    );
}

#[test]
fn revenue_measure_without_a_revenue_column_errored() {
    let mut b = TableBuilder::new(false, &[]);
    b.push("u", 0, "x", None, &[]);
    let t = b.build(TableMeta::synthetic("t.csv"));
    let e = retention(&t, &spec(r#""measure":"revenue""#)).unwrap_err();
    assert!(e.to_string().contains("needs a revenue column"), "{e}");
}

#[test]
fn average_curve_is_size_weighted_over_complete_cells() {
    // Day cohorts: day 1 has 2 users (1 returns on day 2), day 2 has 1 user who
    // returns on day 3; the data end is on day 4.
    let t = plain(&[
        ("a", "2024-01-01 00:00", "x"),
        ("a", "2024-01-02 00:00", "x"),
        ("b", "2024-01-01 00:00", "x"),
        ("c", "2024-01-02 00:00", "x"),
        ("c", "2024-01-03 00:00", "x"),
        ("d", "2024-01-04 00:00", "x"),
    ]);
    let r = run(&t, r#""period":"day","periods":2"#);
    // k = 0 and k = 1: cohorts day 1 (1 of 2 returns) and day 2 (1 of 1): 2 / 3,
    // not (0.5 + 1) / 2. k = 2: only day 1 (day 2's k = 2 is day 4, which holds
    // the data end); day 3 is empty and day 4 is incomplete at k = 0.
    assert_eq!(r.average.cohorts, [2, 2, 1]);
    assert_eq!(r.average.users, [3, 3, 2]);
    assert_eq!(r.average.retained, [3, 2, 0]);
    assert_eq!(r.average.rate, [Some(1.0), Some(2.0 / 3.0), Some(0.0)]);
}

#[test]
fn weeks_are_cut_in_the_table_zone_across_dst() {
    // New York, fall back on Sunday 2024-11-03. Sunday 23:30 local is Monday
    // 04:30 UTC: still the week of 2024-10-28 in New York.
    let t = table_in(
        chrono_tz::America::New_York,
        &[
            ("u", "2024-10-28 00:00", "x", None, None),
            ("u", "2024-11-03 23:30", "x", None, None), // same week
            ("v", "2024-11-04 00:00", "x", None, None), // next week
            ("v", "2024-11-10 23:59", "x", None, None),
            ("w", "2024-11-11 00:00", "x", None, None),
        ],
    );
    let r = run(&t, r#""period":"week""#);
    assert_eq!(
        rows(&r),
        [
            row("2024-10-28", 1, &[1, 0, 0], &[true, true, false]),
            row("2024-11-04", 1, &[1, 0], &[true, false]),
            row("2024-11-11", 1, &[1], &[false]),
        ]
    );
    // Berlin days across the spring shift (a 23-hour day).
    let t = table_in(
        chrono_tz::Europe::Berlin,
        &[
            ("u", "2024-03-30 23:30", "x", None, None),
            ("u", "2024-03-31 00:30", "x", None, None), // k = 1
            ("u", "2024-03-31 23:30", "x", None, None), // still k = 1
            ("u", "2024-04-01 00:00", "x", None, None), // k = 2
        ],
    );
    let r = run(&t, r#""period":"day""#);
    assert_eq!(
        rows(&r),
        [row("2024-03-30", 1, &[1, 1, 1], &[true, true, false])]
    );
}

#[test]
fn iso_week_53_and_month_ends() {
    let t = plain(&[
        ("u", "2020-12-28 00:00", "x"), // Monday of 2020-W53
        ("u", "2021-01-03 23:59", "x"), // Sunday of 2020-W53: same week
        ("u", "2021-01-04 00:00", "x"), // 2021-W01: k = 1
        ("v", "2021-01-31 23:59", "x"),
        ("v", "2021-02-01 00:00", "x"),
    ]);
    let r = run(&t, r#""period":"week""#);
    assert_eq!(r.cohorts[0].start, "2020-12-28");
    assert_eq!(r.cohorts[0].retained[..2], [1, 1]);
    assert_eq!(r.cohorts[1].start, "2021-01-04");
    let r = run(&t, r#""period":"month""#);
    assert_eq!(
        rows(&r),
        [
            row("2020-12-01", 1, &[1, 1, 0], &[true, true, false]),
            row("2021-01-01", 1, &[1, 1], &[true, false]),
        ]
    );
}

#[test]
fn empty_table_has_no_cohorts() {
    let t = TableBuilder::new(false, &[]).build(TableMeta::synthetic("t.csv"));
    let r = run(&t, "");
    assert!(r.cohorts.is_empty());
    assert!(r.average.rate.is_empty());
    assert_eq!(r.data_end, None);
}

#[test]
fn spec_fields_defaults_and_errors() {
    let s = spec("");
    assert_eq!(s.periods, 12);
    assert_eq!(s.period, tidemark::spec::PeriodUnit::Week);
    let bad = |fields: &str| {
        Spec::from_json(&format!(r#"{{"analysis":"retention",{fields}}}"#))
            .unwrap_err()
            .to_string()
    };
    assert!(bad(r#""periods":0"#).contains("periods must be between 1 and 1000"));
    assert!(bad(r#""period":"year""#).contains("unknown variant `year`"));
    assert!(bad(r#""mode":"rolling""#).contains("unknown variant `rolling`"));
    assert!(bad(r#""perods":3"#).contains("unknown field `perods`"));
}
