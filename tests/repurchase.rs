//! Repeat purchase, rule by rule (ANALYSES.md, "Repurchase"): eligibility,
//! not-yet-eligible counts, same-instant repeats, the gap statistics, rates by
//! first-purchase month, the purchase-event guess, and the behaviour drivers
//! checked against statistics computed by hand.

use tidemark::analysis::repurchase::repurchase;
use tidemark::report::{Driver, RepurchaseReport};
use tidemark::spec::{RepurchaseSpec, Spec};
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

const DAY: i64 = 86_400_000;
/// 2024-01-01T00:00:00Z.
const JAN1: i64 = 1_704_067_200_000;
/// 2024-03-01T00:00:00Z = JAN1 + 60 days (2024 is a leap year).
const MAR1: i64 = JAN1 + 60 * DAY;

/// `(user, epoch ms, event, stars)`: a table with a `stars` property.
fn table(events: &[(&str, i64, &str, Option<&str>)]) -> EventTable {
    let mut b = TableBuilder::new(false, &[("stars".to_string(), Role::Property)]);
    for &(user, ms, event, stars) in events {
        b.push(user, ms, event, None, &[stars]);
    }
    b.build(TableMeta::synthetic("t.csv"))
}

fn spec(fields: &str) -> RepurchaseSpec {
    let sep = if fields.is_empty() { "" } else { "," };
    match Spec::from_json(&format!(r#"{{"analysis":"repurchase"{sep}{fields}}}"#)).unwrap() {
        Spec::Repurchase(r) => r,
        other => panic!("not repurchase: {other:?}"),
    }
}

fn run(t: &EventTable, fields: &str) -> RepurchaseReport {
    repurchase(t, &spec(fields)).unwrap()
}

/// `(days, eligible, repeaters, rate, not_yet_eligible)` per window.
fn rates(r: &RepurchaseReport) -> Vec<(u32, u64, u64, Option<f64>, u64)> {
    r.rates
        .iter()
        .map(|x| (x.days, x.eligible, x.repeaters, x.rate, x.not_yet_eligible))
        .collect()
}

#[test]
fn eligibility_cut_off_is_exactly_n_days_before_the_data_end() {
    let t = table(&[
        ("exact", MAR1 - 30 * DAY, "purchase", None), // first + 30 d = data end
        ("exact", MAR1 - 1, "purchase", None),
        ("late", MAR1 - 30 * DAY + 1, "purchase", None), // 1 ms short
        ("late", MAR1 - 2, "purchase", None),
        ("end", MAR1, "visit", None), // the data end (any event)
    ]);
    let r = run(&t, r#""within_days":[30]"#);
    assert_eq!(rates(&r), [(30, 1, 1, Some(1.0), 1)]);
    assert_eq!(r.buyers, 2);
    assert_eq!(r.repeat_buyers, 2);
    assert_eq!(r.data_end.as_deref(), Some("2024-03-01T00:00:00Z"));
}

#[test]
fn repeat_within_n_days_is_inclusive_and_uses_the_next_purchase() {
    let t = table(&[
        ("on_time", JAN1, "purchase", None),
        ("on_time", JAN1 + 30 * DAY, "purchase", None), // exactly 30 days: repeats
        ("too_late", JAN1, "purchase", None),
        ("too_late", JAN1 + 30 * DAY + 1, "purchase", None),
        ("too_late", JAN1 + 31 * DAY, "purchase", None),
        ("same_instant", JAN1, "purchase", None),
        ("same_instant", JAN1, "purchase", None), // a later row at the same instant
        ("once", JAN1, "purchase", None),
        ("once", JAN1 + DAY, "view", None),
        ("end", JAN1 + 100 * DAY, "view", None),
    ]);
    let r = run(&t, r#""within_days":[30, 0]"#);
    assert_eq!(
        rates(&r),
        [(30, 4, 2, Some(0.5), 0), (0, 4, 1, Some(0.25), 0)]
    );
    // Gaps: 30, 30 days + 1 ms, 0 → median 30, mean (60 d + 1 ms) / 3.
    assert_eq!(r.median_gap_days, Some(30.0));
    assert_eq!(r.repeat_buyers, 3);
}

#[test]
fn not_yet_eligible_buyers_are_counted_per_window() {
    let t = table(&[
        ("a", JAN1, "purchase", None),
        ("a", JAN1 + 5 * DAY, "purchase", None),
        ("b", JAN1 + 40 * DAY, "purchase", None),
        ("c", JAN1 + 70 * DAY, "purchase", None),
        ("c", JAN1 + 71 * DAY, "purchase", None),
        ("end", JAN1 + 80 * DAY, "view", None),
    ]);
    let r = run(&t, "");
    assert_eq!(
        rates(&r),
        [
            (30, 2, 1, Some(0.5), 1),
            (60, 1, 1, Some(1.0), 2),
            (90, 0, 0, None, 3)
        ]
    );
}

/// The drivers table: ten buyers whose first purchase is 2024-01-01, a data end
/// on 2024-03-01; outcome window 30 days, behaviours within 7 days.
fn drivers_table() -> EventTable {
    table(&[
        // p1: review (5 stars) after 1 day, repeats after 10 days.
        ("p1", JAN1, "purchase", None),
        ("p1", JAN1 + DAY, "review", Some("5")),
        ("p1", JAN1 + 10 * DAY, "purchase", None),
        // p2: review exactly 7 days later (counts), repeats exactly 30 days later.
        ("p2", JAN1, "purchase", None),
        ("p2", JAN1 + 7 * DAY, "review", Some("5")),
        ("p2", JAN1 + 30 * DAY, "purchase", None),
        // p3: repeats at the same instant (a later row), reviews after 3 days.
        ("p3", JAN1, "purchase", None),
        ("p3", JAN1, "purchase", None),
        ("p3", JAN1 + 3 * DAY, "review", Some("5")),
        // p4: review (1 star) at the same instant, a later row: counts. No repeat.
        ("p4", JAN1, "purchase", None),
        ("p4", JAN1, "review", Some("1")),
        // p5, p6: share; p6 repeats after 31 days (not within 30).
        ("p5", JAN1, "purchase", None),
        ("p5", JAN1 + DAY, "share", None),
        ("p6", JAN1, "purchase", None),
        ("p6", JAN1 + 2 * DAY, "share", None),
        ("p6", JAN1 + 31 * DAY, "purchase", None),
        // p7: review 7 days + 1 minute later (too late to count); repeats after 5 days.
        ("p7", JAN1, "purchase", None),
        ("p7", JAN1 + 5 * DAY, "purchase", None),
        ("p7", JAN1 + 7 * DAY + 60_000, "review", Some("5")),
        // p8: review before the first purchase: does not count.
        ("p8", JAN1 - DAY, "review", Some("5")),
        ("p8", JAN1, "purchase", None),
        // p9: review at the same instant but an earlier row: not after.
        ("p9", JAN1, "review", Some("5")),
        ("p9", JAN1, "purchase", None),
        // p10: one purchase.
        ("p10", JAN1, "purchase", None),
        // late: first purchase 10 days before the end: not eligible for 30 days.
        ("late", MAR1 - 10 * DAY, "purchase", None),
        ("late", MAR1 - 8 * DAY, "purchase", None),
        ("late", MAR1 - 9 * DAY, "review", Some("5")),
        // z: the data end.
        ("z", MAR1, "visit", None),
    ])
}

#[test]
fn rates_gaps_histogram_and_months_of_the_drivers_table() {
    let r = run(&drivers_table(), r#""min_group":2"#);
    assert_eq!(r.purchase_event, "purchase");
    assert!(r.purchase_event_guessed);
    // 30 d: p1, p2, p3, p7 of p1..p10 (late is not yet eligible).
    // 60 d: first + 60 d = data end exactly, so p1..p10 are eligible; p6 joins.
    assert_eq!(
        rates(&r),
        [
            (30, 10, 4, Some(0.4), 1),
            (60, 10, 5, Some(0.5), 1),
            (90, 0, 0, None, 11)
        ]
    );
    // Gaps (days): p1 10, p2 30, p3 0, p6 31, p7 5, late 2 → sorted 0 2 5 10 30 31:
    // median (5 + 10) / 2 = 7.5, mean 78 / 6 = 13.
    assert_eq!(r.median_gap_days, Some(7.5));
    assert_eq!(r.mean_gap_days, Some(13.0));
    // 1-day bins would need 32 bins (> 30): 2-day bins, 16 of them.
    assert_eq!(r.gap_histogram.len(), 16);
    let nonzero: Vec<(f64, f64, u64)> = r
        .gap_histogram
        .iter()
        .filter(|b| b.users > 0)
        .map(|b| (b.from_days, b.to_days, b.users))
        .collect();
    assert_eq!(
        nonzero,
        [
            (0.0, 2.0, 1),
            (2.0, 4.0, 1),
            (4.0, 6.0, 1),
            (10.0, 12.0, 1),
            (30.0, 32.0, 2)
        ]
    );
    let months: Vec<(&str, u64, u64, u64, Option<f64>)> = r
        .by_first_month
        .iter()
        .map(|m| (m.month.as_str(), m.buyers, m.eligible, m.repeaters, m.rate))
        .collect();
    assert_eq!(
        months,
        [
            ("2024-01", 10, 10, 4, Some(0.4)),
            ("2024-02", 1, 0, 0, None)
        ]
    );
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn check(d: &Driver, want: [f64; 6]) {
    let [with_rate, without_rate, ci_low, ci_high, p_value, lift] = want;
    assert!(close(d.with_rate, with_rate), "{d:?}");
    assert!(close(d.without_rate, without_rate), "{d:?}");
    assert!(close(d.ci_low, ci_low), "{d:?}");
    assert!(close(d.ci_high, ci_high), "{d:?}");
    assert!((d.p_value - p_value).abs() < 1e-12, "{d:?}");
    assert!(close(d.lift.unwrap(), lift), "{d:?}");
}

#[test]
fn drivers_checked_by_hand() {
    let r = run(&drivers_table(), r#""min_group":2"#);
    assert_eq!(r.outcome_days, 30);
    // Candidates: review, review (stars = 5), review (stars = 1), share. The
    // purchase event is never one; p7's, p8's and p9's reviews do not count.
    // review (stars = 1) has one buyer (p4) < min_group 2: hidden.
    assert_eq!(r.hidden_small_groups, 1);
    let order: Vec<&str> = r.drivers.iter().map(|d| d.behaviour.as_str()).collect();
    // Impact |with − without| × with_users: 6/7 × 3 = 2.571 > 7/12 × 4 = 2.333 >
    // 1/2 × 2 = 1.
    assert_eq!(order, ["review (stars = 5)", "review", "share"]);

    // review (stars = 5): with p1 p2 p3, all repeat: 3/3 = 1; without p4..p10,
    // only p7 repeats: 1/7. diff = 6/7 = 0.857143; lift = 7.
    // Wald se = sqrt(1·0/3 + (1/7)(6/7)/7) = sqrt(6/343) = 0.1322600;
    // 95% CI = 0.857143 ± 1.959964 × 0.1322600 = [0.5979180, 1.1163677].
    // Pooled p = 4/10; se0 = sqrt(0.4 · 0.6 · (1/3 + 1/7)) = 0.3380617;
    // z = 0.857143 / 0.3380617 = 2.5354628; p = erfc(z/√2) = 0.0112299.
    let d = &r.drivers[0];
    assert_eq!(
        (d.event.as_str(), d.property.as_deref(), d.value.as_deref()),
        ("review", Some("stars"), Some("5"))
    );
    assert_eq!((d.with_users, d.without_users), (3, 7));
    check(
        d,
        [
            1.0,
            1.0 / 7.0,
            0.597_917_992_611_788_6,
            1.116_367_721_673_925_8,
            0.011_229_886_652_916_667,
            7.0,
        ],
    );

    // review: with p1 p2 p3 p4: 3/4 = 0.75; without p5..p10: p7 only, 1/6.
    // diff = 0.583333; lift = 0.75 / (1/6) = 4.5.
    // Wald se = sqrt(0.75 · 0.25/4 + (1/6)(5/6)/6) = sqrt(0.0700231) = 0.2646189;
    // CI = 0.583333 ± 1.959964 × 0.2646189 = [0.0646899, 1.1019768].
    // Pooled p = 4/10; se0 = sqrt(0.24 · (1/4 + 1/6)) = sqrt(0.1) = 0.3162278;
    // z = 1.8446620; p = erfc(1.8446620/√2) = 0.0650867.
    let d = &r.drivers[1];
    assert_eq!((d.property.as_deref(), d.value.as_deref()), (None, None));
    assert_eq!((d.with_users, d.without_users), (4, 6));
    check(
        d,
        [
            0.75,
            1.0 / 6.0,
            0.064_689_871_881_754_68,
            1.101_976_794_784_912_2,
            0.065_086_726_492_766_8,
            4.5,
        ],
    );
    assert_eq!(
        d.sentence,
        "Buyers who did review within 7 days repeat 75% vs 17% (n = 4 vs 6)"
    );

    // share: with p5 p6: 0/2; without: 4/8 = 0.5. diff = −0.5; lift = 0.
    // Wald se = sqrt(0 + 0.25/8) = 0.1767767; CI = −0.5 ± 0.3464760 =
    // [−0.8464760, −0.1535240]. se0 = sqrt(0.24 · (1/2 + 1/8)) = sqrt(0.15) =
    // 0.3872983; z = −1.2909944; p = 0.1967056.
    let d = &r.drivers[2];
    check(
        d,
        [
            0.0,
            0.5,
            -0.846_475_956_087_419_5,
            -0.153_524_043_912_580_5,
            0.196_705_602_458_946_92,
            0.0,
        ],
    );
    assert_eq!(
        d.sentence,
        "Buyers who did share within 7 days repeat 0% vs 50% (n = 2 vs 8)"
    );
}

#[test]
fn small_groups_are_hidden_on_either_side() {
    // min_group 5: review has 4 with (hidden), review (5) has 3, share 2; all hidden.
    let r = run(&drivers_table(), r#""min_group":5"#);
    assert!(r.drivers.is_empty());
    assert_eq!(r.hidden_small_groups, 4);
    // min_group 7: every "with" group is small, and so is review's "without" (6).
    let r = run(&drivers_table(), r#""min_group":7"#);
    assert_eq!(r.hidden_small_groups, 4);
    // A longer behaviour window lets p7's late review count: review becomes 5 vs 5.
    let r = run(&drivers_table(), r#""min_group":5,"drivers_within_days":8"#);
    let review: Vec<&Driver> = r
        .drivers
        .iter()
        .filter(|d| d.behaviour == "review")
        .collect();
    assert_eq!(review.len(), 1);
    assert_eq!((review[0].with_users, review[0].without_users), (5, 5));
    assert_eq!(
        review[0].sentence,
        "Buyers who did review within 8 days repeat 80% vs 0% (n = 5 vs 5)"
    );
    assert_eq!(review[0].lift, None); // the without-rate is 0
}

#[test]
fn zero_driver_days_means_no_drivers_and_the_same_rates() {
    let with = run(&drivers_table(), r#""min_group":1"#);
    assert!(!with.drivers.is_empty());
    let none = run(&drivers_table(), r#""min_group":1,"drivers_within_days":0"#);
    assert!(none.drivers.is_empty());
    assert_eq!(none.hidden_small_groups, 0);
    assert_eq!(none.rates, with.rates);
    assert_eq!(none.median_gap_days, with.median_gap_days);
}

#[test]
fn purchase_event_is_guessed_or_named_and_errors_list_the_events() {
    let t = table(&[
        ("a", JAN1, "view", None),
        ("a", JAN1 + DAY, "Order Completed", None),
        ("a", JAN1 + 2 * DAY, "Order Completed", None),
    ]);
    let r = run(&t, "");
    assert_eq!(r.purchase_event, "Order Completed");
    assert_eq!(r.repeat_buyers, 1);
    let t = table(&[("a", JAN1, "浏览", None), ("a", JAN1 + DAY, "支付", None)]);
    assert_eq!(run(&t, "").purchase_event, "支付");
    // Named explicitly (also with a filter).
    let t = table(&[
        ("a", JAN1, "buy", Some("1")),
        ("a", JAN1 + DAY, "buy", Some("5")),
    ]);
    let r = run(
        &t,
        r#""purchase_event":{"event":"buy","where":{"stars":"5"}}"#,
    );
    assert_eq!(r.purchase_event, "buy (stars = 5)");
    assert_eq!((r.buyers, r.repeat_buyers), (1, 0));
    assert!(!r.purchase_event_guessed);
    // Nothing fits: the message names the events there are.
    let t = table(&[("a", JAN1, "view", None), ("a", JAN1, "click", None)]);
    let e = repurchase(&t, &spec("")).unwrap_err().to_string();
    assert!(e.contains("no purchase event found"), "{e}");
    assert!(
        e.contains("set \"purchase_event\" to one of the events: \"click\", \"view\""),
        "{e}"
    );
    let e = repurchase(&t, &spec(r#""purchase_event":"buy""#))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "repurchase purchase_event: no event \"buy\" in the data (events: \"click\", \"view\")"
        ),
        "{e}"
    );
}

#[test]
fn spec_defaults_and_errors() {
    let s = spec("");
    assert_eq!(s.within_days, [30, 60, 90]);
    assert_eq!((s.drivers_within_days, s.min_group), (7, 30));
    assert_eq!(s.purchase_event, None);
    let e = Spec::from_json(r#"{"analysis":"repurchase","within_days":[]}"#).unwrap_err();
    assert!(
        e.to_string().contains("within_days needs at least one"),
        "{e}"
    );
    let e = Spec::from_json(r#"{"analysis":"repurchase","within":[30]}"#).unwrap_err();
    assert!(e.to_string().contains("unknown field `within`"), "{e}");
}

/// The CDNOW 1/10 sample (an order file: every row is a `purchase`), loaded as the
/// CLI loads it. Figures cross-checked once with an independent script.
#[test]
fn cdnow_sample_repeat_rates_are_sane() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow_sample.csv");
    let bytes = std::fs::read(path).unwrap();
    let t = tidemark::ingest::load(
        "cdnow_sample.csv",
        &bytes,
        tidemark::LoadOptions::default(),
        &mut tidemark::progress::Silent,
    )
    .unwrap();
    assert!(t.meta().order_file);
    let r = run(&t, r#""within_days":[30,60,90],"min_group":30"#);
    assert_eq!(r.purchase_event, "purchase");
    assert_eq!(r.buyers, 2357);
    let r90 = &r.rates[2];
    // Every customer's first purchase is in 1997-01..03 and the data end is
    // 1998-06-30: all are eligible for 90 days.
    assert_eq!(
        (r90.days, r90.eligible, r90.not_yet_eligible),
        (90, 2357, 0)
    );
    // 30 / 60 / 90 days: 436, 621, 705 of 2,357 (18.5%, 26.3%, 29.9%); 1,152
    // customers ever repeat (33 of them on their first day), median gap 53 days.
    let repeaters: Vec<u64> = r.rates.iter().map(|x| x.repeaters).collect();
    assert_eq!(repeaters, [436, 621, 705]);
    assert_eq!(r.repeat_buyers, 1152);
    assert_eq!(r.median_gap_days, Some(53.0));
    let rate = r90.rate.unwrap();
    assert!((0.2..0.5).contains(&rate), "{rate}");
    assert!(r.rates.windows(2).all(|w| w[0].rate <= w[1].rate));
    assert!(r.drivers.is_empty(), "an order file has no other behaviour");
    assert_eq!(r.by_first_month.len(), 3);
}
