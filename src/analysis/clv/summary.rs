//! Per-customer calibration summaries (ANALYSES.md, "Customer lifetime value"):
//! purchase *days* in the table's time zone, frequency, recency, age, repeat spend
//! and holdout purchases.
//!
//! Rules, for each user with a purchase on or before the calibration end date:
//! - purchases are grouped by local calendar day (several on one day are one
//!   purchase day; their revenue is summed over the cells that hold a number);
//! - `x` = calibration purchase days − 1; recency = last − first purchase day;
//!   age = calibration end date − first purchase day (whole days; the caller
//!   divides by the time unit);
//! - spend (for Gamma-Gamma): the mean revenue of the *repeat* calibration
//!   purchase days (the first excluded) whose revenue is positive. A repeat day
//!   whose revenue is zero, negative (refunds) or missing is kept for BG/NBD and
//!   left out of the spend mean; such days are counted. A customer whose repeat days
//!   all lack a positive value has no spend and is left out of Gamma-Gamma;
//! - holdout purchases: purchase days after the calibration end date.
//!
//! Users whose first purchase is after the calibration end are not customers of
//! the calibration period; they are counted.

use crate::analysis::period::Calendar;
use crate::analysis::select::Selector;
use crate::table::EventTable;

/// One customer's calibration summary, in whole days.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerDays {
    /// The user key.
    pub user: u32,
    /// Repeat purchase days in calibration (`x`).
    pub x: u32,
    /// Last − first calibration purchase day.
    pub recency_days: i64,
    /// Calibration end date − first purchase day.
    pub age_days: i64,
    /// Repeat calibration days with a positive revenue.
    pub valued_repeat_days: u32,
    /// The mean revenue of those days (`None` when there are none).
    pub spend: Option<f64>,
    /// Purchase days after the calibration end date.
    pub holdout: u32,
}

/// The summaries and what was counted on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Customers of the calibration period, in user-key order.
    pub customers: Vec<CustomerDays>,
    /// Users whose first purchase is after the calibration end.
    pub after_calibration: u64,
    /// Repeat calibration purchase days left out of the spend: revenue ≤ 0 or missing.
    pub zero_value_days: u64,
    /// Of them, days with a negative revenue.
    pub negative_value_days: u64,
}

/// Summarises every user's purchases; `calendar` cuts local days, `end_day` is
/// the calibration end date's day index (inclusive). Revenue is read when
/// `revenue` is true and the table has a revenue column.
pub(crate) fn summarise(
    table: &EventTable,
    purchase: &Selector<'_>,
    calendar: &Calendar,
    end_day: i64,
    revenue: bool,
) -> Summary {
    let revenue = revenue && table.has_revenue();
    let mut out = Summary::default();
    // (day, summed revenue, any revenue cell) of one user's purchases.
    let mut days: Vec<(i64, f64, bool)> = Vec::new();
    for (user, rows) in table.order().iter() {
        days.clear();
        for row in rows {
            if !purchase.matches(table, row) {
                continue;
            }
            let day = calendar.index(table.time(row));
            let value = if revenue { table.revenue(row) } else { None };
            days.push((day, value.unwrap_or(0.0), value.is_some()));
        }
        if days.is_empty() {
            continue;
        }
        // Rows are in time order, so days are too, except in the rare zones whose
        // clocks fall back across midnight: sort then (stable).
        if days.windows(2).any(|w| w[0].0 > w[1].0) {
            days.sort_by_key(|d| d.0);
        }
        let mut merged: Vec<(i64, f64, bool)> = Vec::with_capacity(days.len());
        for &(day, v, known) in &days {
            match merged.last_mut() {
                Some(last) if last.0 == day => {
                    last.1 += v;
                    last.2 |= known;
                }
                _ => merged.push((day, v, known)),
            }
        }
        let first = merged[0].0;
        if first > end_day {
            out.after_calibration += 1;
            continue;
        }
        let calibration = merged.iter().take_while(|d| d.0 <= end_day).count();
        let last = merged[calibration - 1].0;
        let (mut valued, mut total) = (0u32, 0.0);
        for &(_, v, known) in &merged[1..calibration] {
            if known && v > 0.0 {
                valued += 1;
                total += v;
            } else {
                out.zero_value_days += 1;
                if v < 0.0 {
                    out.negative_value_days += 1;
                }
            }
        }
        out.customers.push(CustomerDays {
            user,
            x: (calibration - 1) as u32,
            recency_days: last - first,
            age_days: end_day - first,
            valued_repeat_days: valued,
            spend: (valued > 0).then(|| total / f64::from(valued)),
            holdout: (merged.len() - calibration) as u32,
        });
    }
    if !revenue {
        out.zero_value_days = 0;
    }
    out
}
