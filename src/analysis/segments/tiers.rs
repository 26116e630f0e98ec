//! Value tiers (ANALYSES.md, "Segments"): buyers cut into high / mid / low by a
//! metric (total revenue or number of purchases).
//!
//! By share, `high` is the top share of buyers and `mid` the top share reaching
//! down to the end of the mid tier: with the defaults 0.2 and 0.5, the top 20%
//! are high, the next 30% mid, the rest low. The boundary is the value of the
//! buyer at position `⌈share · n⌉` from the top, and everyone with that value or
//! more is in the tier, so ties at a boundary stay together in the upper tier
//! (a tier can hold more than its share; the shares reported are the actual
//! ones). A share of 0 makes the tier empty. By value, a buyer is high at or
//! above `high`, else mid at or above `mid`, else low. Revenue compares with the
//! exact sums (see `money`).

use super::buyers::{Buyer, Buyers};
use super::money::{Scale, Sum};
use super::rfm::share;
use crate::error::Result;
use crate::report::{Tier, TierThresholds, TierUser, TiersReport, iso_utc};
use crate::spec::{TierBy, TierMetric, TiersSpec};
use crate::table::EventTable;

/// The tier names, in report order.
pub const TIER_NAMES: [&str; 3] = ["high", "mid", "low"];

/// A metric: an exact key for ranking, and its value.
type Metric = (i128, f64);

/// A buyer's metric.
fn metric(metric: TierMetric, scale: Scale, b: &Buyer) -> Metric {
    match metric {
        TierMetric::Revenue => (scale.key(b.revenue), scale.value(b.revenue)),
        TierMetric::Purchases => (i128::from(b.purchases), b.purchases as f64),
    }
}

/// The position `⌈share · n⌉` (1-based) from the top, `None` for 0; a hair of
/// tolerance so that `0.3 · 10` is 3, not 4.
fn boundary(share: f64, n: usize) -> Option<usize> {
    let k = (share * n as f64 - 1e-9).ceil().max(0.0) as usize;
    (k > 0).then_some(k.min(n))
}

/// Computes the value tiers of `spec` on `table`.
pub fn tiers(table: &EventTable, spec: &TiersSpec) -> Result<TiersReport> {
    let (high_given, mid_given) = spec.thresholds()?;
    let buyers = Buyers::collect(
        table,
        spec.purchase_event.as_ref(),
        spec.as_of.as_deref(),
        "tiers",
    )?;
    let scale = buyers.scale;
    let list = &buyers.list;
    let values: Vec<Metric> = list.iter().map(|b| metric(spec.metric, scale, b)).collect();
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by(|&a, &b| values[b].0.cmp(&values[a].0).then(a.cmp(&b)));

    // Each tier as a test on (key, value); the thresholds as values.
    let (high_t, mid_t): (Option<Metric>, Option<Metric>) = match spec.by {
        TierBy::Share => {
            let at = |share: f64| boundary(share, list.len()).map(|k| values[order[k - 1]]);
            (at(high_given), at(mid_given))
        }
        TierBy::Value => (None, None),
    };
    let tier_of = |(key, value): Metric| -> usize {
        match spec.by {
            TierBy::Share => {
                if high_t.is_some_and(|t| key >= t.0) {
                    0
                } else if mid_t.is_some_and(|t| key >= t.0) {
                    1
                } else {
                    2
                }
            }
            TierBy::Value => {
                if value >= high_given {
                    0
                } else if value >= mid_given {
                    1
                } else {
                    2
                }
            }
        }
    };

    #[derive(Default, Clone, Copy)]
    struct Acc {
        users: u64,
        purchases: u64,
        revenue: Sum,
        min: Option<f64>,
        max: Option<f64>,
    }
    let mut acc = [Acc::default(); 3];
    let tier: Vec<usize> = values.iter().map(|&v| tier_of(v)).collect();
    for (i, b) in list.iter().enumerate() {
        let a = &mut acc[tier[i]];
        let v = values[i].1;
        a.users += 1;
        a.purchases += b.purchases;
        a.revenue = scale.plus(a.revenue, b.revenue);
        a.min = Some(a.min.map_or(v, |m| m.min(v)));
        a.max = Some(a.max.map_or(v, |m| m.max(v)));
    }
    let total = buyers.total();
    let n = list.len() as u64;
    let tiers = TIER_NAMES
        .iter()
        .zip(acc)
        .map(|(name, a)| Tier {
            name: name.to_string(),
            users: a.users,
            share_users: (n > 0).then(|| a.users as f64 / n as f64),
            revenue: scale.value(a.revenue),
            share_revenue: share(scale, a.revenue, total),
            purchases: a.purchases,
            min: a.min,
            max: a.max,
        })
        .collect();
    let thresholds = match spec.by {
        TierBy::Share => TierThresholds {
            high_given,
            mid_given,
            high: high_t.map(|t| t.1),
            mid: mid_t.map(|t| t.1),
        },
        TierBy::Value => TierThresholds {
            high_given,
            mid_given,
            high: Some(high_given),
            mid: Some(mid_given),
        },
    };
    let users = spec.users.then(|| {
        order
            .iter()
            .map(|&i| {
                let b = &list[i];
                TierUser {
                    user: table.user_id(b.user).to_string(),
                    value: values[i].1,
                    purchases: b.purchases,
                    revenue: scale.value(b.revenue),
                    tier: TIER_NAMES[tier[i]].to_string(),
                }
            })
            .collect()
    });
    Ok(TiersReport {
        purchase_event: buyers.label.clone(),
        purchase_event_guessed: buyers.guessed,
        metric: spec.metric.name().to_string(),
        by: spec.by.name().to_string(),
        as_of: buyers.as_of.map(|a| iso_utc(a.instant)),
        buyers: n,
        non_buyers: buyers.non_buyers,
        revenue: scale.value(total),
        thresholds,
        tiers,
        users,
    })
}
