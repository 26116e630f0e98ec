//! Repeat purchase (ANALYSES.md, "Repurchase"): repeat rates within N days, the
//! time to the second purchase, the rate by first-purchase month, and the
//! behaviour drivers (`drivers.rs`).
//!
//! Data flow: the purchase event is resolved (given, or guessed in `guess.rs`);
//! each user's rows, in the per-user order, give a [`Buyer`]: the first purchase
//! and the next one. Everything else is counted from the buyers.
//!
//! Interpretations of the contract, where it is silent:
//! - N days are N × 86,400 s exactly (the contract's `d`), not calendar days.
//!   Eligible: `first + N days <= data end`; a repeater: eligible, and the next
//!   purchase in the per-user order (a later row at the same instant counts, with
//!   a gap of 0) at most N days after the first.
//! - The data end is the last event time in the whole table (any event).
//! - The gap statistics (median, mean, histogram) are over every buyer with a
//!   second purchase, whatever their eligibility: they describe the gaps seen.
//!   The histogram has equal bins from 0 of 1, 2, 7, 14, 30, 60, 90, 180 or 365
//!   days, the narrowest giving at most 30 bins (wider for longer gaps).
//! - By first-purchase month (in the table's time zone): the first `within_days`
//!   value is the window; every month from the first to the last first purchase
//!   is listed, empty ones with zeros.
//! - A purchase event given with property filters selects purchases by them; the
//!   drivers still leave out every event of that name.

pub(crate) mod drivers;
pub mod guess;

use std::collections::BTreeMap;

use crate::analysis::period::{Calendar, DAY_MS};
use crate::analysis::select::Selector;
use crate::analysis::stats;
use crate::error::Result;
use crate::report::{GapBin, MonthRate, RepeatRate, RepurchaseReport, iso_utc};
use crate::segment::scope;
use crate::spec::{EventSpec, PeriodUnit, RepurchaseSpec};
use crate::table::EventTable;

/// One user with at least one purchase.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Buyer {
    /// The user key.
    user: u32,
    /// Position of the first purchase in the user's ordered rows.
    first_pos: usize,
    /// Time of the first purchase (ms).
    first: i64,
    /// Time of the next purchase, if any (ms).
    second: Option<i64>,
}

impl Buyer {
    /// True when the first purchase is at least `window_ms` before the data end.
    fn eligible(&self, window_ms: i64, data_end: i64) -> bool {
        self.first.saturating_add(window_ms) <= data_end
    }
    /// True when the next purchase is at most `window_ms` after the first.
    fn repeats_within(&self, window_ms: i64) -> bool {
        self.second.is_some_and(|s| s - self.first <= window_ms)
    }
}

/// Computes the repeat-purchase report of `spec` on `table`: over the members of
/// its segment filter, and per named segment (`by_segment`) when asked.
pub fn repurchase(table: &EventTable, spec: &RepurchaseSpec) -> Result<RepurchaseReport> {
    let s = scope::run(table, spec.segment.as_ref(), &spec.segments, |t| {
        repurchase_all(t, spec)
    })?;
    Ok(RepurchaseReport {
        segment: s.segment,
        by_segment: s.by_segment,
        ..s.result
    })
}

/// The repeat-purchase report over every user of `table`.
fn repurchase_all(table: &EventTable, spec: &RepurchaseSpec) -> Result<RepurchaseReport> {
    let (event_spec, guessed) = match &spec.purchase_event {
        Some(e) => (e.clone(), false),
        None => (EventSpec::Name(guess::purchase_event(table)?), true),
    };
    let purchase = Selector::compile(table, Some(&event_spec), "repurchase purchase_event")?;
    let outcome_days = spec.within_days.first().copied().unwrap_or(30);
    let data_end = table.time_range().map_or(i64::MIN, |(_, end)| end);

    // Every table is stored in per-user order: only the purchase rows are visited.
    let buyers = buyers_from_rows(table, &purchase.rows(table));

    let rates = spec
        .within_days
        .iter()
        .map(|&days| rate(&buyers, days, data_end))
        .collect();
    let mut gaps: Vec<f64> = buyers
        .iter()
        .filter_map(|b| b.second.map(|s| (s - b.first) as f64 / DAY_MS as f64))
        .collect();
    let mean_gap_days = stats::mean(&gaps);
    let median_gap_days = stats::median(&mut gaps);
    let cal = Calendar::new(table.meta().time_zone.clone(), PeriodUnit::Month);
    let by_first_month = by_month(&cal, &buyers, outcome_days, data_end);
    let found = drivers::drivers(
        table,
        &buyers,
        purchase.event_key(),
        outcome_days,
        spec.drivers_within_days,
        spec.min_group,
        data_end,
    );
    Ok(RepurchaseReport {
        purchase_event: purchase.label().unwrap_or_default(),
        purchase_event_guessed: guessed,
        buyers: buyers.len() as u64,
        repeat_buyers: gaps.len() as u64,
        data_end: table.time_range().map(|(_, end)| iso_utc(end)),
        rates,
        median_gap_days,
        mean_gap_days,
        gap_histogram: histogram(&gaps),
        by_first_month,
        outcome_days,
        drivers_within_days: spec.drivers_within_days,
        min_group: spec.min_group,
        drivers: found.rows,
        hidden_small_groups: found.hidden,
        segment: None,
        by_segment: None,
    })
}

/// Every buyer's first and second purchase, walking each user's rows: the
/// reference `buyers_from_rows` is tested against.
#[cfg(test)]
fn buyers_by_user(table: &EventTable, purchase: &Selector<'_>) -> Vec<Buyer> {
    table
        .order()
        .iter()
        .filter_map(|(user, rows)| {
            let mut purchases = rows
                .iter()
                .enumerate()
                .filter(|&(_, r)| purchase.matches(table, r));
            let (first_pos, first_row) = purchases.next()?;
            Some(Buyer {
                user,
                first_pos,
                first: table.time(first_row),
                second: purchases.next().map(|(_, r)| table.time(r)),
            })
        })
        .collect()
}

/// The same buyers from the purchase rows alone, on a table stored in per-user
/// order (rows ascending = users in key order, each user's purchases in time
/// order): only the purchases are visited, not every event.
fn buyers_from_rows(table: &EventTable, purchases: &[u32]) -> Vec<Buyer> {
    let order = table.order();
    let mut buyers = Vec::new();
    let mut i = 0;
    while let Some(&first_row) = purchases.get(i) {
        let user = table.user(first_row);
        let mut end = i + 1;
        while purchases.get(end).is_some_and(|&r| table.user(r) == user) {
            end += 1;
        }
        buyers.push(Buyer {
            user,
            first_pos: (first_row - order.first_row(user)) as usize,
            first: table.time(first_row),
            second: purchases[i + 1..end].first().map(|&r| table.time(r)),
        });
        i = end;
    }
    buyers
}

/// The repeat rate within `days`.
fn rate(buyers: &[Buyer], days: u32, data_end: i64) -> RepeatRate {
    let window = days as i64 * DAY_MS;
    let eligible = buyers.iter().filter(|b| b.eligible(window, data_end));
    let (n, x) = eligible.fold((0u64, 0u64), |(n, x), b| {
        (n + 1, x + u64::from(b.repeats_within(window)))
    });
    RepeatRate {
        days,
        eligible: n,
        repeaters: x,
        rate: (n > 0).then(|| x as f64 / n as f64),
        not_yet_eligible: buyers.len() as u64 - n,
    }
}

/// Rates by the month of the first purchase, every month from the first to the last.
fn by_month(cal: &Calendar, buyers: &[Buyer], days: u32, data_end: i64) -> Vec<MonthRate> {
    let window = days as i64 * DAY_MS;
    let mut months: BTreeMap<i64, [u64; 3]> = BTreeMap::new();
    for b in buyers {
        let m = months.entry(cal.index(b.first)).or_default();
        m[0] += 1;
        if b.eligible(window, data_end) {
            m[1] += 1;
            m[2] += u64::from(b.repeats_within(window));
        }
    }
    let (Some((&first, _)), Some((&last, _))) = (months.first_key_value(), months.last_key_value())
    else {
        return Vec::new();
    };
    (first..=last)
        .map(|m| {
            let [buyers, eligible, repeaters] = months.get(&m).copied().unwrap_or_default();
            MonthRate {
                month: cal.start_iso(m).chars().take(7).collect(),
                buyers,
                eligible,
                repeaters,
                rate: (eligible > 0).then(|| repeaters as f64 / eligible as f64),
            }
        })
        .collect()
}

/// Equal bins from 0 over the gaps (days): the narrowest usual width giving at
/// most 30 bins.
fn histogram(gaps: &[f64]) -> Vec<GapBin> {
    let Some(max) = gaps.iter().copied().reduce(f64::max) else {
        return Vec::new();
    };
    let bins_for = |w: f64| (max / w).floor() as usize + 1;
    let width = [1.0, 2.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0]
        .into_iter()
        .find(|&w| bins_for(w) <= 30)
        .unwrap_or_else(|| (max / 29.0 / 365.0).ceil() * 365.0);
    let mut counts = vec![0u64; bins_for(width)];
    for &g in gaps {
        let i = ((g / width).floor() as usize).min(counts.len() - 1);
        counts[i] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, users)| GapBin {
            from_days: i as f64 * width,
            to_days: (i + 1) as f64 * width,
            users,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{LoadOptions, load};
    use crate::progress::Silent;

    /// The purchase-rows path (tables in per-user order) finds exactly the buyers
    /// the row-by-row walk finds, purchase filters included.
    #[test]
    fn buyers_from_purchase_rows_equal_the_walk_over_every_row() {
        let csv = crate::demo::demo_csv_with(400, 7);
        let table = load(
            "demo.csv",
            csv.as_bytes(),
            LoadOptions::default(),
            &mut Silent,
        )
        .expect("the demo loads");
        for spec in [
            EventSpec::Name("purchase".into()),
            EventSpec::Name("page_view".into()),
        ] {
            let select = Selector::compile(&table, Some(&spec), "test").expect("compiles");
            let fast = buyers_from_rows(&table, &select.rows(&table));
            assert!(!fast.is_empty());
            assert_eq!(fast, buyers_by_user(&table, &select));
        }
    }
}
