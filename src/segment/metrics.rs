//! The per-user values a rule reads, computed in ONE pass over the per-user
//! order, counting only events at or before the analysis date.
//!
//! Definitions (also in `docs/segments.md`); days are `(as-of instant − t) /
//! 86,400,000 ms`, fractional:
//! - `events`: rows of the user; `purchases`: rows of the purchase event;
//!   `revenue`: the sum of the user's revenue cells (any event; a missing cell
//!   adds 0).
//! - `days_since_first` / `days_since_last`: to the first / last event (any
//!   event); `days_since_first_purchase` / `days_since_last_purchase`: to the
//!   first / last purchase — missing for a user with none.
//! - `count("e", within = D)`: rows of event `e` with `as-of instant − D <= t <=
//!   cutoff` (a window of exactly D, both ends in); without `within`, every row of `e` up to the cutoff.
//! - An event-file property: the user's last non-empty value up to the cutoff.

use crate::analysis::segments::buyers::AsOf;
use crate::analysis::select::Selector;
use crate::table::{EventTable, PropertyColumn};

/// Milliseconds in a day.
const DAY_MS: f64 = 86_400_000.0;

/// A numeric user metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Metric {
    Events,
    Purchases,
    Revenue,
    DaysSinceFirst,
    DaysSinceLast,
    DaysSinceFirstPurchase,
    DaysSinceLastPurchase,
}

/// Every metric by its name in rules.
pub(crate) const METRICS: [(&str, Metric); 7] = [
    ("events", Metric::Events),
    ("purchases", Metric::Purchases),
    ("revenue", Metric::Revenue),
    ("days_since_first", Metric::DaysSinceFirst),
    ("days_since_last", Metric::DaysSinceLast),
    ("days_since_first_purchase", Metric::DaysSinceFirstPurchase),
    ("days_since_last_purchase", Metric::DaysSinceLastPurchase),
];

impl Metric {
    /// True when the metric needs the purchase event.
    pub(crate) fn needs_purchases(self) -> bool {
        matches!(
            self,
            Metric::Purchases | Metric::DaysSinceFirstPurchase | Metric::DaysSinceLastPurchase
        )
    }
}

/// One user's values, for the member export (`None` = missing).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricValues {
    /// Rows up to the cutoff.
    pub events: u64,
    /// Purchase rows (`None` when no purchase event was resolved).
    pub purchases: Option<u64>,
    /// Sum of the revenue cells.
    pub revenue: f64,
    /// Days since the first event.
    pub days_since_first: Option<f64>,
    /// Days since the last event.
    pub days_since_last: Option<f64>,
    /// Days since the first purchase.
    pub days_since_first_purchase: Option<f64>,
    /// Days since the last purchase.
    pub days_since_last_purchase: Option<f64>,
}

/// Per user (indexed by user key): the metrics, the event counts of each
/// `did`/`count` call, and the last value of each referenced event property.
#[derive(Debug, Clone)]
pub struct UserMetrics {
    instant: i64,
    events: Vec<u32>,
    purchases: Option<Vec<u32>>,
    revenue: Vec<f64>,
    first: Vec<i64>,
    last: Vec<i64>,
    first_purchase: Vec<i64>,
    last_purchase: Vec<i64>,
    /// Per call, per user.
    pub(crate) counts: Vec<Vec<u32>>,
    /// Per referenced event property, per user: the value's key + 1, 0 = none.
    pub(crate) props: Vec<Vec<u32>>,
}

/// A `did`/`count` call resolved: the event key and the window in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Call {
    pub event: u32,
    pub within_ms: Option<i64>,
}

/// No time.
const NONE: i64 = i64::MIN;

impl UserMetrics {
    /// Computes everything in one pass over the per-user order. `as_of` `None`
    /// (an empty table) counts nothing.
    pub(crate) fn compute(
        table: &EventTable,
        as_of: Option<AsOf>,
        purchase: Option<&Selector>,
        calls: &[Call],
        props: &[&PropertyColumn],
    ) -> UserMetrics {
        let n = table.user_count();
        let (instant, cutoff) = as_of.map_or((0, i64::MIN), |a| (a.instant, a.cutoff));
        let mut m = UserMetrics {
            instant,
            events: vec![0; n],
            purchases: purchase.map(|_| vec![0; n]),
            revenue: vec![0.0; n],
            first: vec![NONE; n],
            last: vec![NONE; n],
            first_purchase: vec![NONE; n],
            last_purchase: vec![NONE; n],
            counts: vec![vec![0; n]; calls.len()],
            props: vec![vec![0; n]; props.len()],
        };
        let since: Vec<i64> = calls
            .iter()
            .map(|c| c.within_ms.map_or(i64::MIN, |w| instant.saturating_sub(w)))
            .collect();
        for (user, rows) in table.order().iter() {
            let u = user as usize;
            let mut revenue = 0.0;
            for row in rows {
                let t = table.time(row);
                if t > cutoff {
                    // Rows are in time order: the rest are later.
                    break;
                }
                m.events[u] += 1;
                if m.first[u] == NONE {
                    m.first[u] = t;
                }
                m.last[u] = t;
                if let Some(v) = table.revenue(row) {
                    revenue += v;
                }
                if let (Some(sel), Some(p)) = (purchase, m.purchases.as_mut())
                    && sel.matches(table, row)
                {
                    p[u] += 1;
                    if m.first_purchase[u] == NONE {
                        m.first_purchase[u] = t;
                    }
                    m.last_purchase[u] = t;
                }
                if !calls.is_empty() {
                    let e = table.event(row);
                    for (i, c) in calls.iter().enumerate() {
                        if c.event == e && t >= since[i] {
                            m.counts[i][u] += 1;
                        }
                    }
                }
                for (i, col) in props.iter().enumerate() {
                    if let Some(k) = col.key(row) {
                        m.props[i][u] = k + 1;
                    }
                }
            }
            m.revenue[u] = revenue;
        }
        m
    }

    fn days(&self, t: i64) -> f64 {
        if t == NONE {
            f64::NAN
        } else {
            (self.instant - t) as f64 / DAY_MS
        }
    }

    /// A metric of a user; NaN when missing.
    pub(crate) fn metric(&self, metric: Metric, user: usize) -> f64 {
        match metric {
            Metric::Events => f64::from(self.events[user]),
            Metric::Purchases => self
                .purchases
                .as_ref()
                .map_or(f64::NAN, |p| f64::from(p[user])),
            Metric::Revenue => self.revenue[user],
            Metric::DaysSinceFirst => self.days(self.first[user]),
            Metric::DaysSinceLast => self.days(self.last[user]),
            Metric::DaysSinceFirstPurchase => self.days(self.first_purchase[user]),
            Metric::DaysSinceLastPurchase => self.days(self.last_purchase[user]),
        }
    }

    /// Every metric of a user, for the member export.
    pub fn values(&self, user: u32) -> MetricValues {
        let u = user as usize;
        let opt = |v: f64| (!v.is_nan()).then_some(v);
        MetricValues {
            events: u64::from(self.events[u]),
            purchases: self.purchases.as_ref().map(|p| u64::from(p[u])),
            revenue: self.revenue[u],
            days_since_first: opt(self.metric(Metric::DaysSinceFirst, u)),
            days_since_last: opt(self.metric(Metric::DaysSinceLast, u)),
            days_since_first_purchase: opt(self.metric(Metric::DaysSinceFirstPurchase, u)),
            days_since_last_purchase: opt(self.metric(Metric::DaysSinceLastPurchase, u)),
        }
    }

    /// The revenue of a user (for shares of revenue).
    pub fn revenue(&self, user: u32) -> f64 {
        self.revenue[user as usize]
    }
}
