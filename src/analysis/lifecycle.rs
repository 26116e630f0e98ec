//! Lifecycle (ANALYSES.md, "Segments → Lifecycle", PostHog-style): per period,
//! how many active users are new, returning or resurrecting, and how many of the
//! previous period's active users went dormant.
//!
//! Data flow: each user's rows give the sorted set of periods in which they were
//! active (had a selected event); each active period is then classified against
//! the previous one and the first, and each end of a run of active periods adds
//! one dormant user to the next period.
//!
//! Interpretations of the contract, where it is silent:
//! - With an event filter, only matching events are activity: "new" is the period
//!   of the first matching event, and returning/resurrecting/dormant look only at
//!   matching events too.
//! - The periods run from the first period with any activity to the period holding
//!   the data end (the last event time in the whole table, matching or not);
//!   empty periods in between are listed with zeros. The last period is still
//!   running and is marked `complete: false`.
//! - The first listed period has no previous period: its active users are all new
//!   and nobody is dormant.

use std::collections::BTreeMap;

use crate::analysis::period::Calendar;
use crate::analysis::select::Selector;
use crate::error::Result;
use crate::report::{LifecyclePeriod, LifecycleReport, iso_utc};
use crate::spec::LifecycleSpec;
use crate::table::EventTable;

/// Counts of one period, while users are walked.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    new: u64,
    returning: u64,
    resurrecting: u64,
    dormant: u64,
}

/// Computes the lifecycle of `spec` on `table`.
pub fn lifecycle(table: &EventTable, spec: &LifecycleSpec) -> Result<LifecycleReport> {
    let select = Selector::compile(table, spec.event.as_ref(), "lifecycle event")?;
    let cal = Calendar::new(table.meta().time_zone.clone(), spec.period);
    let data_end = table.time_range().map(|(_, end)| end);
    let end_period = data_end.map(|t| cal.index(t));

    let mut counts: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut active: Vec<i64> = Vec::new();
    for (_, rows) in table.order().iter() {
        active.clear();
        active.extend(
            rows.iter()
                .filter(|&r| select.matches(table, r))
                .map(|r| cal.index(table.time(r))),
        );
        active.sort_unstable();
        active.dedup();
        for (i, &p) in active.iter().enumerate() {
            let c = counts.entry(p).or_default();
            match i.checked_sub(1).map(|j| active[j]) {
                None => c.new += 1,
                Some(prev) if prev == p - 1 => c.returning += 1,
                Some(_) => c.resurrecting += 1,
            }
            let next_active = active.get(i + 1) == Some(&(p + 1));
            if !next_active && end_period.is_some_and(|end| p < end) {
                counts.entry(p + 1).or_default().dormant += 1;
            }
        }
    }

    let mut periods = Vec::new();
    if let (Some((&first, _)), Some(end)) = (counts.first_key_value(), end_period) {
        for p in first..=end {
            let c = counts.get(&p).copied().unwrap_or_default();
            periods.push(LifecyclePeriod {
                start: cal.start_iso(p),
                new: c.new,
                returning: c.returning,
                resurrecting: c.resurrecting,
                dormant: -(c.dormant as i64),
                active: c.new + c.returning + c.resurrecting,
                complete: p < end,
            });
        }
    }
    Ok(LifecycleReport {
        period: spec.period.name().to_string(),
        event: select.label(),
        data_end: data_end.map(iso_utc),
        periods,
    })
}
