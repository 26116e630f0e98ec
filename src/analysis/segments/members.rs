//! One segment (`{"analysis": "segment"}`): its size, share of users and of
//! revenue, and on request every member with the rule metrics (the CSV export).
//!
//! Revenue is the rule metric `revenue`: every revenue cell of the user's rows
//! up to the analysis date (any event). The analysis date and purchase event are
//! the rule's, or for an RFM segment or a tier its spec's; for a list of ids the
//! defaults (the data end, the guessed purchase event).

use crate::error::Result;
use crate::report::{SegmentMember, SegmentReport, iso_utc};
use crate::segment::{Rule, RuleOptions, reference};
use crate::spec::{SegmentRef, SegmentSpec};
use crate::table::EventTable;

/// Computes the segment report of `spec` on `table`.
pub fn segment(table: &EventTable, spec: &SegmentSpec) -> Result<SegmentReport> {
    let resolved = reference::resolve(table, &spec.segment)?;
    let rule = match resolved.rule {
        Some(rule) => rule,
        None => {
            let options = match &spec.segment {
                SegmentRef::Rfm { spec, .. } => RuleOptions {
                    as_of: spec.as_of.clone(),
                    purchase_event: spec.purchase_event.clone(),
                },
                SegmentRef::Tier { spec, .. } => RuleOptions {
                    as_of: spec.as_of.clone(),
                    purchase_event: spec.purchase_event.clone(),
                },
                _ => RuleOptions::default(),
            };
            Rule::everyone(table, &options)?
        }
    };
    let mask = resolved.mask;
    let metrics = rule.metrics();
    let total = table.user_count() as u64;
    let users = mask.iter().filter(|&&m| m).count() as u64;
    let (mut revenue, mut all) = (0.0, 0.0);
    for u in 0..table.user_count() as u32 {
        let r = metrics.revenue(u);
        all += r;
        if mask[u as usize] {
            revenue += r;
        }
    }
    let has_revenue = table.has_revenue();
    let members = spec.users.then(|| {
        let mut list: Vec<SegmentMember> = (0..table.user_count() as u32)
            .filter(|&u| mask[u as usize])
            .map(|u| {
                let v = metrics.values(u);
                SegmentMember {
                    user: table.user_id(u).to_string(),
                    events: v.events,
                    purchases: v.purchases,
                    revenue: has_revenue.then_some(v.revenue),
                    days_since_first: v.days_since_first,
                    days_since_last: v.days_since_last,
                    days_since_first_purchase: v.days_since_first_purchase,
                    days_since_last_purchase: v.days_since_last_purchase,
                }
            })
            .collect();
        list.sort_by(|a, b| a.user.cmp(&b.user));
        list
    });
    Ok(SegmentReport {
        name: spec.name.clone().unwrap_or_else(|| spec.segment.label()),
        rule: match &spec.segment {
            SegmentRef::Rule(r) => Some(r.rule.clone()),
            _ => None,
        },
        as_of: rule.as_of_instant().map(iso_utc),
        purchase_event: rule.purchase_event().map(str::to_owned),
        total_users: total,
        users,
        share_users: (total > 0).then(|| users as f64 / total as f64),
        revenue: has_revenue.then_some(revenue),
        share_revenue: (has_revenue && all != 0.0).then(|| revenue / all),
        members,
    })
}
