//! Value tiers and churn risk (ANALYSES.md, "Segments" and "Churn risk") from the
//! scored customers.
//!
//! Rules:
//! - The tier metric is the predicted CLV; without a Gamma-Gamma fit (no CLV for
//!   anyone) it is the expected purchases over the horizon, and the report says so.
//!   A customer without a CLV while others have one (Gamma-Gamma `q ≤ 1`) ranks
//!   below everyone with one.
//! - A customer's tier follows from the share of customers with a *strictly
//!   larger* value: `high` when that share is below `high_share`, else `mid` when it
//!   is below `high_share + mid_share`, else `low`. Equal values always share a
//!   tier (one-time buyers of the same day have the same CLV), so a tier's share
//!   can exceed its nominal share by the ties at its boundary.
//! - Churn risk is `1 − P(alive)`; a customer is *at risk* when high value and
//!   `P(alive) < at_risk_below`.

use crate::report::{ClvCustomer, ClvTier};

/// A value tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// The top customers by value.
    High,
    /// The next ones.
    Mid,
    /// The rest.
    Low,
}

impl Tier {
    /// Every tier, high first (the report's order).
    pub const ALL: [Tier; 3] = [Tier::High, Tier::Mid, Tier::Low];

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Tier::High => "high",
            Tier::Mid => "mid",
            Tier::Low => "low",
        }
    }
}

/// What the tiers are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierMetric {
    /// Predicted CLV.
    Clv,
    /// Expected purchases over the horizon (no CLV without Gamma-Gamma).
    ExpectedPurchases,
}

impl TierMetric {
    /// The report's name of the metric (`clv` or `expected_purchases`).
    pub fn name(self) -> &'static str {
        match self {
            TierMetric::Clv => "clv",
            TierMetric::ExpectedPurchases => "expected_purchases",
        }
    }
}

/// The metric for `customers`: CLV when anyone has one.
pub fn metric(customers: &[ClvCustomer]) -> TierMetric {
    if customers.iter().any(|c| c.clv.is_some_and(f64::is_finite)) {
        TierMetric::Clv
    } else {
        TierMetric::ExpectedPurchases
    }
}

/// The ranking value of a customer (`-∞` for a missing or non-finite CLV).
pub fn value(customer: &ClvCustomer, metric: TierMetric) -> f64 {
    let v = match metric {
        TierMetric::Clv => customer.clv,
        TierMetric::ExpectedPurchases => Some(customer.expected_purchases),
    };
    v.filter(|v| v.is_finite()).unwrap_or(f64::NEG_INFINITY)
}

/// The tier of every customer (in input order), by `metric` and the shares.
pub fn assign(
    customers: &[ClvCustomer],
    metric: TierMetric,
    high_share: f64,
    mid_share: f64,
) -> Vec<Tier> {
    let n = customers.len() as f64;
    // (value, index), descending by value: customers with a strictly larger value
    // are the ones before the first of a run of ties. One sort and a walk (a
    // binary search per customer was a cache miss per step at a million).
    let mut order: Vec<(f64, u32)> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| (value(c, metric), i as u32))
        .collect();
    // Values are never NaN (see `value`).
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut tiers = vec![Tier::Low; customers.len()];
    let mut larger = 0usize;
    for (pos, &(v, i)) in order.iter().enumerate() {
        if pos > 0 && order[pos - 1].0 != v {
            larger = pos;
        }
        let larger = larger as f64;
        tiers[i as usize] = if larger < high_share * n {
            Tier::High
        } else if larger < (high_share + mid_share) * n {
            Tier::Mid
        } else {
            Tier::Low
        };
    }
    tiers
}

/// True when a customer of `tier` with this `p_alive` is at risk.
pub fn at_risk(tier: Tier, p_alive: f64, at_risk_below: f64) -> bool {
    tier == Tier::High && p_alive < at_risk_below
}

/// The summary of every tier, high first, from customers whose `tier` and
/// `at_risk` are set.
pub fn summarise(customers: &[ClvCustomer]) -> Vec<ClvTier> {
    let n = customers.len();
    Tier::ALL
        .iter()
        .map(|tier| {
            let members: Vec<&ClvCustomer> =
                customers.iter().filter(|c| c.tier == tier.name()).collect();
            let count = members.len();
            let clvs: Vec<f64> = members
                .iter()
                .filter_map(|c| c.clv.filter(|v| v.is_finite()))
                .collect();
            let clv_total = (!clvs.is_empty()).then(|| clvs.iter().sum::<f64>());
            let mean = |f: &dyn Fn(&ClvCustomer) -> f64| {
                (count > 0).then(|| members.iter().map(|c| f(c)).sum::<f64>() / count as f64)
            };
            ClvTier {
                name: tier.name().to_string(),
                customers: count as u64,
                share: if n > 0 { count as f64 / n as f64 } else { 0.0 },
                clv_total,
                clv_mean: clv_total.map(|t| t / clvs.len() as f64),
                expected_purchases_mean: mean(&|c| c.expected_purchases),
                p_alive_mean: mean(&|c| c.p_alive),
                at_risk: members.iter().filter(|c| c.at_risk).count() as u64,
            }
        })
        .collect()
}
