//! Behaviour drivers: for each candidate behaviour `B`, the repeat rate of the
//! buyers who did `B` within D days after their first purchase vs those who did
//! not, with the lift, a 95% interval and a p-value.
//!
//! Interpretations of the contract, where it is silent:
//! - The population is the buyers eligible for the *first* `within_days` window
//!   (N1), and the outcome is "repeats within N1 days", so every buyer compared
//!   had the same time to repeat.
//! - A behaviour is an event name, or an event name with one property value
//!   (property and item columns; order ids are left out: one per order, they never
//!   group). It counts when an event lies strictly after the first purchase in
//!   the per-user order (a later row at the same instant counts) and at most D days
//!   (D × 86,400 s) after it. The purchase event itself is never a candidate (it
//!   would be the outcome). A behaviour done after the repeat purchase still counts:
//!   this is association, not cause, and the table says "did within D days".
//! - Groups: "with" = eligible buyers who did `B`, "without" = the other eligible
//!   buyers. A candidate where either group has fewer than `min_group` buyers is
//!   hidden and counted in `hidden_small_groups`; an empty group (nobody without
//!   it) has no rate and is hidden even when `min_group` is 0.
//! - Statistics (`stats::two_proportions`): lift = with_rate / without_rate
//!   (`null` when without_rate is 0); the 95% Wald interval of the difference
//!   `with_rate − without_rate`; the pooled two-sided two-proportion z-test.
//! - Order, "by impact": `|with_rate − without_rate| × with_users` (how many
//!   repeaters more — or fewer — the with-group has than its size at the
//!   without-rate would give), descending; ties by p-value, then behaviour label.

use foldhash::fast::FixedState;
use hashbrown::{HashMap, HashSet};

use crate::analysis::period::DAY_MS;
use crate::analysis::stats;
use crate::report::Driver;
use crate::table::{EventTable, Role};

use super::Buyer;

/// A candidate behaviour: an event key, and optionally a property column index
/// with a dictionary key of its value.
type Behaviour = (u32, Option<(usize, u32)>);

/// The drivers found: visible rows by impact, and how many were hidden.
pub(super) struct Drivers {
    pub(super) rows: Vec<Driver>,
    pub(super) hidden: u64,
}

/// The drivers among `buyers`; `purchase` is the purchase event key (excluded).
pub(super) fn drivers(
    table: &EventTable,
    buyers: &[Buyer],
    purchase: Option<u32>,
    outcome_days: u32,
    within_days: u32,
    min_group: u64,
    data_end: i64,
) -> Drivers {
    if within_days == 0 {
        return Drivers {
            rows: Vec::new(),
            hidden: 0,
        };
    }
    let outcome = outcome_days as i64 * DAY_MS;
    let within = within_days as i64 * DAY_MS;
    let columns: Vec<usize> = table
        .properties()
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.role(), Role::Property | Role::Item))
        .map(|(i, _)| i)
        .collect();

    // Per behaviour: (buyers who did it, of whom repeaters).
    // foldhash: SipHash was a third of this analysis (the order never matters: the
    // rows are sorted below with a total order).
    let mut groups: HashMap<Behaviour, (u64, u64), FixedState> = HashMap::default();
    let (mut total, mut total_repeaters) = (0u64, 0u64);
    let mut seen: HashSet<Behaviour, FixedState> = HashSet::default();
    for b in buyers.iter().filter(|b| b.eligible(outcome, data_end)) {
        let repeats = b.repeats_within(outcome);
        total += 1;
        total_repeaters += u64::from(repeats);
        seen.clear();
        let rows = table.order().rows_of(b.user);
        for row in rows.from(b.first_pos + 1) {
            if table.time(row) - b.first > within {
                break;
            }
            let event = table.event(row);
            if Some(event) == purchase {
                continue;
            }
            seen.insert((event, None));
            for &c in &columns {
                if let Some(k) = table.properties()[c].key(row) {
                    seen.insert((event, Some((c, k))));
                }
            }
        }
        for &behaviour in &seen {
            let g = groups.entry(behaviour).or_default();
            g.0 += 1;
            g.1 += u64::from(repeats);
        }
    }

    let mut hidden = 0;
    let mut rows: Vec<(f64, Driver)> = Vec::new();
    for ((event, prop), (n1, x1)) in groups {
        let (n0, x0) = (total - n1, total_repeaters - x1);
        if n1 < min_group || n0 < min_group {
            hidden += 1;
            continue;
        }
        let Some(t) = stats::two_proportions(x1, n1, x0, n0) else {
            hidden += 1;
            continue;
        };
        let event_name = table.event_names().get(event).to_string();
        let (property, value) = match prop {
            Some((c, k)) => {
                let col = &table.properties()[c];
                (
                    Some(col.name().to_string()),
                    Some(col.dictionary().get(k).to_string()),
                )
            }
            None => (None, None),
        };
        let behaviour = match (&property, &value) {
            (Some(p), Some(v)) => format!("{event_name} ({p} = {v})"),
            _ => event_name.clone(),
        };
        let sentence = format!(
            "Buyers who did {behaviour} within {within_days} day{} repeat {} vs {} (n = {} vs {})",
            if within_days == 1 { "" } else { "s" },
            percent(t.p1),
            percent(t.p0),
            thousands(n1),
            thousands(n0)
        );
        let impact = (t.p1 - t.p0).abs() * n1 as f64;
        rows.push((
            impact,
            Driver {
                behaviour,
                event: event_name,
                property,
                value,
                with_users: n1,
                with_rate: t.p1,
                without_users: n0,
                without_rate: t.p0,
                lift: (t.p0 > 0.0).then(|| t.p1 / t.p0),
                ci_low: t.ci_low,
                ci_high: t.ci_high,
                p_value: t.p_value,
                sentence,
            },
        ));
    }
    rows.sort_by(|(ia, a), (ib, b)| {
        ib.total_cmp(ia)
            .then_with(|| a.p_value.total_cmp(&b.p_value))
            .then_with(|| a.behaviour.cmp(&b.behaviour))
    });
    Drivers {
        rows: rows.into_iter().map(|(_, d)| d).collect(),
        hidden,
    }
}

/// A share as a whole percentage (`31%`); `<1%` for a share above 0 that would
/// round to 0, and `>99%` for one below 1 that would round to 100.
pub(crate) fn percent(p: f64) -> String {
    let r = (p * 100.0).round();
    if r == 0.0 && p > 0.0 {
        "<1%".into()
    } else if r == 100.0 && p < 1.0 {
        ">99%".into()
    } else {
        format!("{r:.0}%")
    }
}

/// A count with thousands separators: `2,400`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_numbers() {
        assert_eq!(thousands(2400), "2,400");
        assert_eq!(thousands(120), "120");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(0.31), "31%");
        assert_eq!(percent(0.0625), "6%");
        assert_eq!(percent(0.004), "<1%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.996), ">99%");
        assert_eq!(percent(1.0), "100%");
    }
}
