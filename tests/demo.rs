//! The built-in demo log: its format, its size, and the shop's behaviour, checked
//! with naive counts straight from the CSV text (no engine involved).
//!
//! The demo is pinned by its length and FNV-1a hash. When a change to
//! `src/demo.rs` is *meant* to change the data, re-bless: run
//! `cargo test --test demo pinned`, and copy the two values the failure prints
//! into `PINNED_LEN` and `PINNED_FNV` below (say so in the commit message; saved
//! reports and screenshots of the demo change with it).

use std::collections::{BTreeMap, BTreeSet};

use tidemark::demo::{HEADER, demo_csv, demo_csv_with};

const PINNED_LEN: usize = 2_971_831;
const PINNED_FNV: u64 = 0xeef8_bdd9_cbc6_7f47;

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// One parsed row.
struct Row<'a> {
    user: &'a str,
    event: &'a str,
    time: &'a str,
    revenue: &'a str,
    channel: &'a str,
    device: &'a str,
    country: &'a str,
    category: &'a str,
}

fn rows(text: &str) -> Vec<Row<'_>> {
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 8, "{line}");
            Row {
                user: f[0],
                event: f[1],
                time: f[2],
                revenue: f[3],
                channel: f[4],
                device: f[5],
                country: f[6],
                category: f[7],
            }
        })
        .collect()
}

/// Each user's events in order (the CSV is in time order; ties keep row order).
fn by_user<'a>(rows: &'a [Row<'a>]) -> BTreeMap<&'a str, Vec<&'a Row<'a>>> {
    let mut map: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        map.entry(r.user).or_default().push(r);
    }
    map
}

/// Seconds since 2026-01-01 of `2026-MM-DDTHH:MM:SSZ` (naive, for the demo's months).
fn seconds(time: &str) -> i64 {
    let n = |a: usize, b: usize| time[a..b].parse::<i64>().unwrap();
    let before = [0, 31, 59, 90, 120, 151, 181];
    let day = before[(n(5, 7) - 1) as usize] + n(8, 10) - 1;
    day * 86_400 + n(11, 13) * 3_600 + n(14, 16) * 60 + n(17, 19)
}

const FUNNEL: [&str; 5] = [
    "page_view",
    "product_view",
    "add_to_cart",
    "checkout",
    "purchase",
];

/// How far a user got through [`FUNNEL`] in order (no window).
fn level(events: &[&Row]) -> usize {
    let mut k = 0;
    for e in events {
        if k < FUNNEL.len() && e.event == FUNNEL[k] {
            k += 1;
        }
    }
    k
}

#[test]
fn deterministic_and_pinned() {
    let a = demo_csv();
    assert_eq!(a, demo_csv(), "two calls give the same text");
    assert_eq!(
        (a.len(), fnv1a(&a)),
        (PINNED_LEN, PINNED_FNV),
        "the demo data changed; if intended, re-bless (see the top of tests/demo.rs): \
         PINNED_LEN = {}, PINNED_FNV = {:#018x}",
        a.len(),
        fnv1a(&a)
    );
    assert_ne!(
        demo_csv_with(100, 1),
        demo_csv_with(100, 2),
        "the seed matters"
    );
}

#[test]
fn format() {
    let text = demo_csv();
    assert_eq!(text.lines().next(), Some(HEADER));
    assert_eq!(
        HEADER,
        "user_id,event,timestamp,revenue,channel,device,country,category"
    );
    assert!(text.ends_with('\n'));
    let rows = rows(&text);
    assert!(
        (45_000..=60_000).contains(&rows.len()),
        "{} rows",
        rows.len()
    );
    let users = by_user(&rows);
    assert!(
        (4_500..=5_500).contains(&users.len()),
        "{} users",
        users.len()
    );

    let events: BTreeSet<&str> = rows.iter().map(|r| r.event).collect();
    let expected = [
        "add_to_cart",
        "checkout",
        "page_view",
        "product_view",
        "purchase",
        "signup",
    ];
    assert_eq!(events.into_iter().collect::<Vec<_>>(), expected);
    let channels: BTreeSet<&str> = rows.iter().map(|r| r.channel).collect();
    assert_eq!(
        channels,
        ["ads", "email", "organic", "referral", "social"].into()
    );
    let devices: BTreeSet<&str> = rows.iter().map(|r| r.device).collect();
    assert_eq!(devices, ["desktop", "mobile", "tablet"].into());
    let countries: BTreeSet<&str> = rows.iter().map(|r| r.country).collect();
    assert_eq!(countries, ["BR", "CN", "DE", "FR", "GB", "JP", "US"].into());

    let mut last = "";
    for r in &rows {
        assert!(r.user.len() == 6 && r.user.starts_with('u'), "{}", r.user);
        assert!(r.user[1..].bytes().all(|b| b.is_ascii_digit()));
        // 2026-01-01T00:00:00Z .. 2026-06-30T23:59:59Z, in time order.
        assert_eq!(r.time.len(), 20, "{}", r.time);
        assert!(r.time.starts_with("2026-0") && r.time.ends_with('Z'));
        assert!(("2026-01-01T00:00:00Z".."2026-07-01T00:00:00Z").contains(&r.time));
        assert!(r.time >= last, "rows in time order: {last} then {}", r.time);
        last = r.time;
        if r.event == "purchase" {
            let (whole, cents) = r.revenue.split_once('.').expect("two decimals");
            assert_eq!(cents.len(), 2, "{}", r.revenue);
            assert!(whole.parse::<u32>().unwrap() > 0, "{}", r.revenue);
        } else {
            assert_eq!(r.revenue, "", "{} has no revenue", r.event);
        }
        let has_category = matches!(r.event, "product_view" | "add_to_cart" | "purchase");
        assert_eq!(
            !r.category.is_empty(),
            has_category,
            "{} {}",
            r.event,
            r.category
        );
    }
    // One channel, device and country per user.
    for (user, events) in &users {
        let first = events[0];
        assert!(
            events.iter().all(|e| (e.channel, e.device, e.country)
                == (first.channel, first.device, first.country)),
            "{user}"
        );
    }
}

#[test]
fn the_funnel_narrows_step_by_step() {
    let text = demo_csv();
    let rows = rows(&text);
    let users = by_user(&rows);
    let mut reached = [0usize; 5];
    for events in users.values() {
        for r in reached.iter_mut().take(level(events)) {
            *r += 1;
        }
    }
    eprintln!("reached {reached:?}");
    for k in 1..FUNNEL.len() {
        assert!(reached[k] < reached[k - 1], "{FUNNEL:?}: {reached:?}");
    }
    assert_eq!(reached[0], users.len(), "everyone starts with a page_view");
    // The breakdowns differ: email beats social, desktop beats mobile.
    let rate = |keep: &dyn Fn(&Row) -> bool| {
        let group: Vec<_> = users.values().filter(|e| keep(e[0])).collect();
        let buyers = group.iter().filter(|e| level(e) == FUNNEL.len()).count();
        buyers as f64 / group.len() as f64
    };
    let (email, social) = (
        rate(&|r| r.channel == "email"),
        rate(&|r| r.channel == "social"),
    );
    assert!(email > 1.4 * social, "email {email} vs social {social}");
    let (desktop, mobile) = (
        rate(&|r| r.device == "desktop"),
        rate(&|r| r.device == "mobile"),
    );
    assert!(
        desktop > 1.2 * mobile,
        "desktop {desktop} vs mobile {mobile}"
    );
}

#[test]
fn repeat_buyers_and_the_seven_day_insight() {
    let text = demo_csv();
    let rows = rows(&text);
    let users = by_user(&rows);
    let end = seconds("2026-07-01T00:00:00Z");
    let (mut buyers, mut repeaters) = (0, 0);
    // Among buyers with 60 days of data after their first purchase: repeat rate
    // of those with any event within 7 days after it vs those without.
    let (mut soon, mut soon_rep, mut late, mut late_rep) = (0, 0, 0, 0);
    for events in users.values() {
        let purchases: Vec<usize> = (0..events.len())
            .filter(|&i| events[i].event == "purchase")
            .collect();
        let Some(&first) = purchases.first() else {
            continue;
        };
        buyers += 1;
        let repeat = purchases.len() >= 2;
        repeaters += usize::from(repeat);
        let t0 = seconds(events[first].time);
        if t0 + 60 * 86_400 > end {
            continue;
        }
        let back = events[first + 1..]
            .iter()
            .any(|e| seconds(e.time) - t0 <= 7 * 86_400);
        if back {
            soon += 1;
            soon_rep += usize::from(repeat);
        } else {
            late += 1;
            late_rep += usize::from(repeat);
        }
    }
    let share = repeaters as f64 / buyers as f64;
    eprintln!(
        "rows {} users {} buyers {buyers} repeaters {repeaters} soon {soon_rep}/{soon} late {late_rep}/{late}",
        rows.len(),
        users.len()
    );
    assert!(
        (0.15..=0.40).contains(&share),
        "{repeaters} of {buyers} buyers repeat: {share}"
    );
    let soon_rate = soon_rep as f64 / soon as f64;
    let late_rate = late_rep as f64 / late as f64;
    assert!(soon > 100 && late > 100, "{soon} back soon, {late} later");
    assert!(
        soon_rate > 2.0 * late_rate,
        "back within 7 days: {soon_rate:.3} ({soon}); later: {late_rate:.3} ({late})"
    );
}
