//! The built-in demo event log: a made-up shop, the same on every platform.
//!
//! [`demo_csv`] writes about 50,000 events of 5,000 users over the first half of
//! 2026 (`2026-01-01` to `2026-06-30`, UTC), with the columns
//! `user_id,event,timestamp,revenue,channel,device,country,category`, rows in time
//! order like an export.
//!
//! How the shop behaves (so each analysis has something to find):
//! - Users arrive over the six months, a little more in spring and on weekdays,
//!   during the day more than at night. Each user has one channel, device and
//!   country, and a favourite category.
//! - A visit (session) starts with `page_view`s; then maybe `product_view`,
//!   `add_to_cart`, `checkout`, `purchase`, each step losing users. Email and
//!   referral users convert best, social and ads worst; mobile users drop at
//!   checkout. `signup` happens on some first visits.
//! - After a first purchase, about a third of buyers come back within a week;
//!   they are several times as likely to buy again as those who come back later
//!   (the demo's headline insight). Roughly a quarter of buyers buy again.
//!
//! Determinism: a small splitmix64 generator seeded per user (so the first `n`
//! users are the same whatever the total), integer times, and only `+ - × /` and
//! comparisons on `f64` (no `powf`, `ln` or trigonometry, whose last bits may differ
//! between platform maths libraries). The output is the same natively and on
//! wasm32 (checked once by hand: a wasm32 build run in node gave the pinned length
//! and hash); `tests/demo.rs` pins its length and hash.

use std::fmt::Write as _;

/// The header of the demo CSV.
pub const HEADER: &str = "user_id,event,timestamp,revenue,channel,device,country,category";

/// The number of users of [`demo_csv`].
pub const DEMO_USERS: usize = 5_000;

/// The seed of [`demo_csv`].
pub const DEMO_SEED: u64 = 0x7D_2026_0101;

/// Seconds from the Unix epoch to 2026-01-01T00:00:00Z, where the demo starts.
const START: i64 = 1_767_225_600;
/// Days the demo covers: January to June 2026.
const DAYS: u32 = 181;
/// The end of the demo, in seconds after [`START`] (exclusive).
const END: u32 = DAYS * 86_400;

/// The demo event log: about 50,000 events of [`DEMO_USERS`] users.
pub fn demo_csv() -> String {
    demo_csv_with(DEMO_USERS, DEMO_SEED)
}

/// A demo event log of `users` users from `seed`. The same `(users, seed)` always
/// gives the same text, on every platform; user `u00042` behaves the same
/// whatever `users` is (as long as it is there).
pub fn demo_csv_with(users: usize, seed: u64) -> String {
    let days = day_table();
    // About ten events per user; the caps only guard absurd arguments.
    let mut people = Vec::with_capacity(users.min(1 << 20));
    let mut rows = Vec::with_capacity(users.saturating_mul(11).min(1 << 24));
    for index in 0..users {
        let mut rng = Rng::new(seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let person = Person::draw(&mut rng, &days);
        simulate(index as u32, &person, &mut rng, &mut rows);
        people.push(person);
    }
    rows.sort_by_key(|r| (r.time, r.user, r.seq));

    let mut out = String::with_capacity(rows.len() * 72 + HEADER.len() + 1);
    out.push_str(HEADER);
    out.push('\n');
    for row in &rows {
        let person = &people[row.user as usize];
        // Writing to a String cannot fail.
        let _ = write!(out, "u{:05},{},", row.user + 1, row.event.name());
        push_timestamp(&mut out, START + i64::from(row.time));
        out.push(',');
        if let Some(cents) = row.cents {
            let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
        }
        let _ = write!(
            out,
            ",{},{},{},",
            person.channel.name(),
            DEVICES[person.device].0,
            COUNTRIES[person.country].0
        );
        if let Some(c) = row.category {
            out.push_str(CATEGORIES[c].0);
        }
        out.push('\n');
    }
    out
}

/// splitmix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough for a demo.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut rng = Rng(seed);
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, exactly representable (53 bits).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform integer in `lo..=hi`.
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }

    /// An index drawn with these weights.
    fn pick(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.between(0, total.saturating_sub(1));
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// Where a user came from, with how well they convert.
#[derive(Clone, Copy)]
enum Channel {
    Organic,
    Ads,
    Email,
    Social,
    Referral,
}

impl Channel {
    const ALL: [(Channel, u32); 5] = [
        (Channel::Organic, 35),
        (Channel::Ads, 25),
        (Channel::Email, 12),
        (Channel::Social, 18),
        (Channel::Referral, 10),
    ];

    fn name(self) -> &'static str {
        match self {
            Channel::Organic => "organic",
            Channel::Ads => "ads",
            Channel::Email => "email",
            Channel::Social => "social",
            Channel::Referral => "referral",
        }
    }

    /// Multiplies the browse and cart steps.
    fn intent(self) -> f64 {
        match self {
            Channel::Organic => 1.0,
            Channel::Ads => 0.85,
            Channel::Email => 1.3,
            Channel::Social => 0.7,
            Channel::Referral => 1.2,
        }
    }

    /// Multiplies the chance of coming back soon after a first purchase.
    fn loyalty(self) -> f64 {
        match self {
            Channel::Email => 1.35,
            Channel::Referral => 1.15,
            Channel::Social => 0.8,
            _ => 1.0,
        }
    }
}

/// Device name, share, and multipliers for browsing and for checking out.
const DEVICES: [(&str, u32, f64, f64); 3] = [
    ("desktop", 45, 1.0, 1.15),
    ("mobile", 45, 1.05, 0.75),
    ("tablet", 10, 0.95, 1.0),
];

/// Country code and share.
const COUNTRIES: [(&str, u32); 7] = [
    ("US", 28),
    ("CN", 18),
    ("DE", 12),
    ("GB", 12),
    ("FR", 10),
    ("JP", 10),
    ("BR", 10),
];

/// Category, share, and the price range of a basket in cents.
const CATEGORIES: [(&str, u32, u32, u32); 6] = [
    ("electronics", 18, 4_900, 89_900),
    ("fashion", 24, 1_900, 18_900),
    ("home", 18, 1_500, 29_900),
    ("beauty", 14, 900, 9_900),
    ("sports", 14, 1_900, 24_900),
    ("books", 12, 700, 4_900),
];

/// Relative arrivals by month (January..June): a mild spring rise.
const MONTH_WEIGHT: [u32; 6] = [92, 88, 100, 104, 112, 116];
/// Days in each month of 2026, January..June.
const MONTH_DAYS: [u32; 6] = [31, 28, 31, 30, 31, 30];
/// Relative arrivals by weekday, Monday..Sunday.
const WEEKDAY_WEIGHT: [u32; 7] = [105, 106, 104, 102, 96, 90, 97];
/// Relative activity by hour of day (UTC).
const HOUR_WEIGHT: [u32; 24] = [
    12, 8, 6, 5, 5, 7, 12, 22, 34, 42, 46, 50, 56, 54, 48, 46, 47, 52, 60, 68, 70, 62, 42, 24,
];

/// The weight of each day of the demo, for drawing arrival days.
fn day_table() -> Vec<u32> {
    let mut weights = Vec::with_capacity(DAYS as usize);
    for (month, &len) in MONTH_DAYS.iter().enumerate() {
        for _ in 0..len {
            // 2026-01-01 is a Thursday (weekday index 3, Monday = 0).
            let weekday = (weights.len() + 3) % 7;
            weights.push(MONTH_WEIGHT[month] * WEEKDAY_WEIGHT[weekday]);
        }
    }
    weights
}

/// One made-up user.
struct Person {
    channel: Channel,
    device: usize,
    country: usize,
    favourite: usize,
    /// First visit, seconds after [`START`].
    arrival: u32,
}

impl Person {
    fn draw(rng: &mut Rng, days: &[u32]) -> Person {
        let channel = Channel::ALL[rng.pick(&Channel::ALL.map(|c| c.1))].0;
        let device = rng.pick(&DEVICES.map(|d| d.1));
        let country = rng.pick(&COUNTRIES.map(|c| c.1));
        let favourite = rng.pick(&CATEGORIES.map(|c| c.1));
        let day = rng.pick(days) as u32;
        let arrival = day * 86_400 + time_of_day(rng);
        Person {
            channel,
            device,
            country,
            favourite,
            arrival,
        }
    }
}

/// A time of day in seconds, busier in the day and evening.
fn time_of_day(rng: &mut Rng) -> u32 {
    rng.pick(&HOUR_WEIGHT) as u32 * 3_600 + rng.between(0, 3_599)
}

/// The event names of the demo.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Event {
    Signup,
    PageView,
    ProductView,
    AddToCart,
    Checkout,
    Purchase,
}

impl Event {
    fn name(self) -> &'static str {
        match self {
            Event::Signup => "signup",
            Event::PageView => "page_view",
            Event::ProductView => "product_view",
            Event::AddToCart => "add_to_cart",
            Event::Checkout => "checkout",
            Event::Purchase => "purchase",
        }
    }
}

/// One event before formatting.
struct Row {
    /// Seconds after [`START`].
    time: u32,
    user: u32,
    /// The event's number within its user, so equal times keep their order.
    seq: u32,
    event: Event,
    cents: Option<u32>,
    category: Option<usize>,
}

/// Appends a user's events while keeping their times strictly increasing.
struct Recorder<'a> {
    user: u32,
    seq: u32,
    rows: &'a mut Vec<Row>,
}

impl Recorder<'_> {
    /// Records an event at `time` unless it falls past the end of the demo.
    fn push(&mut self, time: u32, event: Event, category: Option<usize>, cents: Option<u32>) {
        if time < END {
            self.rows.push(Row {
                time,
                user: self.user,
                seq: self.seq,
                event,
                cents,
                category,
            });
            self.seq += 1;
        }
    }
}

/// The state of a user between visits.
#[derive(Clone, Copy, PartialEq)]
enum Mood {
    /// Has not bought yet.
    Browsing,
    /// Came back within a week of the first purchase: keen.
    Keen,
    /// Bought before, came back later: lukewarm.
    Lukewarm,
}

/// All the visits of one user.
fn simulate(user: u32, person: &Person, rng: &mut Rng, rows: &mut Vec<Row>) {
    let mut rec = Recorder { user, seq: 0, rows };
    let mut time = person.arrival;
    let mut visits_left = 1 + extra_visits(rng);
    let mut mood = Mood::Browsing;
    let mut purchases = 0u32;
    let mut first = true;
    while time < END && visits_left > 0 {
        let (end, bought) = visit(&mut rec, person, rng, time, first, mood);
        first = false;
        visits_left -= 1;
        purchases += u32::from(bought);
        let gap_days = if bought && purchases == 1 {
            // The moment that decides repeat buying: back within a week, or later.
            let soon = (0.3 * person.channel.loyalty()).min(0.9);
            if rng.chance(soon) {
                mood = Mood::Keen;
                visits_left = visits_left.max(2);
                rng.between(1, 6)
            } else {
                mood = Mood::Lukewarm;
                visits_left = visits_left.max(1);
                rng.between(8, 60)
            }
        } else {
            // Mostly a few days, sometimes weeks.
            if rng.chance(0.7) {
                rng.between(1, 9)
            } else {
                rng.between(10, 45)
            }
        };
        time = end + gap_days * 86_400 + rng.between(0, 86_399) / 2;
    }
}

/// Visits after the first: 0 to 6, about 1.5 on average.
fn extra_visits(rng: &mut Rng) -> u32 {
    let mut n = 0;
    while n < 6 && rng.chance(0.7) {
        n += 1;
    }
    n
}

/// One visit starting at `start`; returns when it ended and whether it ended in a
/// purchase.
fn visit(
    rec: &mut Recorder<'_>,
    person: &Person,
    rng: &mut Rng,
    start: u32,
    first: bool,
    mood: Mood,
) -> (u32, bool) {
    let (_, _, browse, pay) = DEVICES[person.device];
    let intent = person.channel.intent();
    let boost = match mood {
        Mood::Browsing => 1.0,
        Mood::Keen => 1.45,
        Mood::Lukewarm => 0.75,
    };
    let mut t = start;
    rec.push(t, Event::PageView, None, None);
    if first && rng.chance(0.3 * intent) {
        t += rng.between(15, 240);
        rec.push(t, Event::Signup, None, None);
    }
    for _ in 0..rng.pick(&[34, 36, 30]) {
        t += rng.between(8, 150);
        rec.push(t, Event::PageView, None, None);
    }
    if !rng.chance(cap(0.58 * intent * browse * boost)) {
        return (t, false);
    }
    let mut category = person.favourite;
    for _ in 0..1 + rng.pick(&[45, 35, 20]) {
        category = if rng.chance(0.6) {
            person.favourite
        } else {
            rng.pick(&CATEGORIES.map(|c| c.1))
        };
        t += rng.between(10, 300);
        rec.push(t, Event::ProductView, Some(category), None);
    }
    if !rng.chance(cap(0.4 * intent * boost)) {
        return (t, false);
    }
    t += rng.between(20, 600);
    rec.push(t, Event::AddToCart, Some(category), None);
    if !rng.chance(cap(0.6 * pay)) {
        return (t, false);
    }
    // Sometimes checkout waits for a later hour.
    t += if rng.chance(0.15) {
        rng.between(1_800, 20_000)
    } else {
        rng.between(30, 900)
    };
    rec.push(t, Event::Checkout, None, None);
    if !rng.chance(cap(0.78 * pay)) {
        return (t, false);
    }
    let (_, _, lo, hi) = CATEGORIES[category];
    // Skewed towards the cheap end: lo + (hi - lo) · u².
    let u = rng.unit();
    let cents = lo + (f64::from(hi - lo) * u * u) as u32;
    t += rng.between(20, 240);
    rec.push(t, Event::Purchase, Some(category), Some(cents));
    (t, t < END)
}

/// Keeps a probability below certainty.
fn cap(p: f64) -> f64 {
    p.min(0.95)
}

/// Appends `secs` (Unix seconds) as `2026-01-03T09:15:27Z`.
fn push_timestamp(out: &mut String, secs: i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    );
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01), after
/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_chrono() {
        for secs in [
            0,
            START,
            START + 86_399,
            START + i64::from(END) - 1,
            951_782_400,
        ] {
            let mut ours = String::new();
            push_timestamp(&mut ours, secs);
            let theirs = chrono::DateTime::from_timestamp(secs, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            assert_eq!(ours, theirs);
        }
        let mut first = String::new();
        push_timestamp(&mut first, START);
        assert_eq!(first, "2026-01-01T00:00:00Z");
    }

    #[test]
    fn the_calendar_tables_agree() {
        assert_eq!(MONTH_DAYS.iter().sum::<u32>(), DAYS);
        assert_eq!(day_table().len(), DAYS as usize);
        let mut end = String::new();
        push_timestamp(&mut end, START + i64::from(END));
        assert_eq!(end, "2026-07-01T00:00:00Z");
    }

    #[test]
    fn users_do_not_depend_on_the_total() {
        let small = demo_csv_with(50, 7);
        let big = demo_csv_with(80, 7);
        let of = |text: &str, user: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.starts_with(user))
                .map(str::to_string)
                .collect()
        };
        assert!(!of(&small, "u00042,").is_empty());
        assert_eq!(of(&small, "u00042,"), of(&big, "u00042,"));
        assert_eq!(demo_csv_with(0, 1), format!("{HEADER}\n"));
    }
}
