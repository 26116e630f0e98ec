//! The built-in demo: a deterministic e-commerce event log of about 50k events by
//! 5k users over six months (2026-01-01 .. 2026-06-30), for trying the page in one
//! click and for tests.
//!
//! Columns `user_id,event,timestamp,revenue,channel,device,country,category`; events
//! `signup`, `page_view`, `product_view`, `add_to_cart`, `checkout`, `purchase`
//! (revenue only on purchases). The behaviour is made to be worth analysing:
//! conversion at each step differs by channel and device (email converts best,
//! mobile loses people at checkout), about a quarter of buyers buy again, and buyers
//! who come back within 7 days of their first purchase repeat far more often than
//! those who do not — the kind of finding the product exists to surface.
//!
//! Determinism: a splitmix64 generator and integer arithmetic only (no `ln`, no
//! trigonometry, whose last bits may differ between platforms), so native and wasm
//! builds produce the same bytes.

use std::fmt::Write;

/// Users in the default demo.
pub const DEMO_USERS: usize = 5_000;
/// Seed of the default demo.
pub const DEMO_SEED: u64 = 20_260_101;

/// 2026-01-01T00:00:00Z in Unix seconds.
const START: i64 = 1_767_225_600;
/// Six months: 2026-01-01 .. 2026-06-30 inclusive, 181 days.
const DAYS: i64 = 181;
const DAY: i64 = 86_400;

const CHANNELS: [(&str, u64); 5] = [
    ("organic", 35),
    ("ads", 25),
    ("email", 15),
    ("social", 15),
    ("referral", 10),
];
const DEVICES: [(&str, u64); 3] = [("desktop", 45), ("mobile", 45), ("tablet", 10)];
const COUNTRIES: [(&str, u64); 8] = [
    ("US", 30),
    ("CN", 20),
    ("DE", 10),
    ("GB", 10),
    ("FR", 8),
    ("JP", 8),
    ("BR", 8),
    ("IN", 6),
];
/// Category, weight, and price range in cents.
const CATEGORIES: [(&str, u64, u64, u64); 6] = [
    ("electronics", 15, 4_000, 60_000),
    ("books", 25, 800, 4_000),
    ("fashion", 20, 1_500, 12_000),
    ("home", 15, 1_200, 20_000),
    ("beauty", 15, 900, 6_000),
    ("toys", 10, 1_000, 8_000),
];

/// The default demo log as CSV text.
pub fn demo_csv() -> String {
    demo_csv_with(DEMO_USERS, DEMO_SEED)
}

/// A demo log with `users` users from `seed`, as CSV text.
pub fn demo_csv_with(users: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut events: Vec<Event> = Vec::with_capacity(users * 11);
    for u in 0..users {
        simulate_user(&mut rng, u, &mut events);
    }
    // A visit that starts on the last evening may run past the end: cut it there,
    // as an export would.
    events.retain(|e| e.time < START + DAYS * DAY);
    events.sort_by_key(|e| (e.time, e.seq));
    let mut out = String::with_capacity(events.len() * 72);
    out.push_str("user_id,event,timestamp,revenue,channel,device,country,category\n");
    for e in &events {
        let _ = write!(out, "u{:05},{},{},", e.user, e.name, iso(e.time));
        if let Some(cents) = e.revenue_cents {
            let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
        }
        let _ = writeln!(
            out,
            ",{},{},{},{}",
            e.channel,
            e.device,
            e.country,
            e.category.unwrap_or("")
        );
    }
    out
}

struct Event {
    time: i64,
    seq: usize,
    user: usize,
    name: &'static str,
    revenue_cents: Option<u64>,
    channel: &'static str,
    device: &'static str,
    country: &'static str,
    category: Option<&'static str>,
}

/// splitmix64: tiny, well-distributed, identical everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, weighted: &[(T, u64)]) -> T {
        let total: u64 = weighted.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (v, w) in weighted {
            if r < *w {
                return *v;
            }
            r -= w;
        }
        weighted[0].0
    }
}

struct User {
    id: usize,
    channel: &'static str,
    device: &'static str,
    country: &'static str,
    /// Favourite category index.
    taste: usize,
}

fn simulate_user(rng: &mut Rng, id: usize, out: &mut Vec<Event>) {
    let user = User {
        id,
        channel: rng.pick(&CHANNELS),
        device: rng.pick(&DEVICES),
        country: rng.pick(&COUNTRIES),
        taste: rng.pick(
            &CATEGORIES
                .map(|(_, w, _, _)| w)
                .iter()
                .copied()
                .enumerate()
                .collect::<Vec<_>>(),
        ),
    };
    // Sign-ups grow through the half year: a later day is a little more likely.
    let day =
        (rng.below(DAYS as u64) + rng.below(DAYS as u64)).max(rng.below(DAYS as u64)) % DAYS as u64;
    let mut t = START + day as i64 * DAY + 7 * 3600 + rng.below(15 * 3600) as i64;
    let end = START + DAYS * DAY;
    let mut first_purchase: Option<i64> = None;
    let mut repeat_propensity = 0;
    let mut sessions = 0;
    while t < end && sessions < 40 {
        let signup = sessions == 0;
        let bought = session(rng, &user, t, signup, out);
        sessions += 1;
        let gap_days: i64 = match (first_purchase, bought) {
            (None, true) => {
                first_purchase = Some(t);
                // The headline insight: those who come back within a week repeat.
                if rng.chance(35) {
                    repeat_propensity = 55;
                    1 + rng.below(6) as i64
                } else {
                    repeat_propensity = 6;
                    8 + rng.below(60) as i64
                }
            }
            (Some(_), _) => {
                if !rng.chance(repeat_propensity) {
                    break;
                }
                3 + rng.below(40) as i64
            }
            (None, false) => {
                if !rng.chance(58) {
                    break;
                }
                1 + rng.below(20) as i64
            }
        };
        t += gap_days * DAY + rng.below(10 * 3600) as i64 - 5 * 3600;
    }
}

/// One visit; returns whether it ended in a purchase.
fn session(rng: &mut Rng, u: &User, start: i64, signup: bool, out: &mut Vec<Event>) -> bool {
    let mut t = start;
    let mut push = |t: i64, name: &'static str, cat: Option<&'static str>, rev: Option<u64>| {
        let seq = out.len();
        out.push(Event {
            time: t,
            seq,
            user: u.id,
            name,
            revenue_cents: rev,
            channel: u.channel,
            device: u.device,
            country: u.country,
            category: cat,
        });
    };
    if signup {
        push(t, "signup", None, None);
        t += 20 + rng.below(120) as i64;
    }
    for _ in 0..1 + rng.below(3) {
        push(t, "page_view", None, None);
        t += 5 + rng.below(90) as i64;
    }
    let (view, cart, checkout, buy) = rates(u);
    if !rng.chance(view) {
        return false;
    }
    let cat_index = if rng.chance(60) {
        u.taste
    } else {
        rng.below(CATEGORIES.len() as u64) as usize
    };
    let (category, _, low, high) = CATEGORIES[cat_index];
    for _ in 0..1 + rng.below(3) {
        push(t, "product_view", Some(category), None);
        t += 15 + rng.below(240) as i64;
    }
    if !rng.chance(cart) {
        return false;
    }
    push(t, "add_to_cart", Some(category), None);
    t += 30 + rng.below(1800) as i64;
    if !rng.chance(checkout) {
        return false;
    }
    push(t, "checkout", Some(category), None);
    t += 30 + rng.below(600) as i64;
    if !rng.chance(buy) {
        return false;
    }
    let price = low + (rng.below(high - low) + rng.below(high - low)) / 2;
    push(t, "purchase", Some(category), Some(price));
    true
}

/// Step probabilities (percent): product view, cart, checkout, purchase.
fn rates(u: &User) -> (u64, u64, u64, u64) {
    let (mut view, mut cart, mut checkout, mut buy): (u64, u64, u64, u64) = match u.channel {
        "email" => (80, 55, 75, 85),
        "ads" => (85, 35, 60, 70),
        "referral" => (75, 50, 70, 80),
        "social" => (70, 30, 55, 65),
        _ => (75, 40, 65, 78),
    };
    match u.device {
        "mobile" => {
            checkout -= 20;
            buy -= 10;
        }
        "tablet" => cart -= 5,
        _ => {
            view += 5;
            cart += 5;
        }
    }
    if u.country == "CN" {
        buy += 5;
    }
    view = view.min(95);
    (view, cart, checkout, buy)
}

fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn deterministic() {
        assert_eq!(demo_csv_with(300, 7), demo_csv_with(300, 7));
        assert_ne!(demo_csv_with(300, 7), demo_csv_with(300, 8));
    }

    #[test]
    fn shape_of_the_default_demo() {
        let csv = demo_csv();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("user_id,event,timestamp,revenue,channel,device,country,category")
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert!(
            (45_000..=60_000).contains(&rows.len()),
            "{} rows",
            rows.len()
        );
        let users: BTreeSet<&str> = rows.iter().map(|r| r[0]).collect();
        assert!(
            (4_500..=5_500).contains(&users.len()),
            "{} users",
            users.len()
        );
        let mut last = "";
        let mut steps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut purchases: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &rows {
            assert_eq!(r.len(), 8);
            assert!(r[2] >= "2026-01-01" && r[2] < "2026-07-01", "{}", r[2]);
            assert!(r[2] >= last, "rows are in time order");
            last = r[2];
            assert_eq!(
                r[1] == "purchase",
                !r[3].is_empty(),
                "revenue only on purchases: {r:?}"
            );
            steps.entry(r[1]).or_default().insert(r[0]);
            if r[1] == "purchase" {
                *purchases.entry(r[0]).or_default() += 1;
            }
        }
        let funnel = [
            "page_view",
            "product_view",
            "add_to_cart",
            "checkout",
            "purchase",
        ];
        for w in funnel.windows(2) {
            assert!(steps[w[1]].len() < steps[w[0]].len(), "{} < {}", w[1], w[0]);
        }
        let repeaters =
            purchases.values().filter(|&&n| n >= 2).count() as f64 / purchases.len() as f64;
        assert!(
            (0.15..=0.40).contains(&repeaters),
            "repeat share {repeaters}"
        );
    }
}
