//! The analyses. Each reads only the [`EventTable`] and a spec, and returns a report.
//!
//! - [`funnel`]: conversion through ordered, strict or unordered steps.
//! - [`retention`]: cohort retention, users or revenue (historical LTV).
//! - [`repurchase`]: repeat-purchase rates, time to the second purchase, drivers.
//! - [`lifecycle`]: new / returning / resurrecting / dormant users per period.
//! - [`clv`]: predicted lifetime value (BG/NBD, Gamma-Gamma, P(alive), holdout check).
//! - [`segments`]: RFM scores and named segments, value tiers.
//! - [`basket`]: frequent item sets and association rules (market basket).
//! - [`funnel_drivers`]: events and property values over- or under-represented
//!   among a funnel's converters (odds ratios).
//! - [`paths`]: the top event sequences after or before an anchor event.
//! - [`period`]: calendar periods in the table's time zone; [`stats`]: shared
//!   statistics; [`warm_up`]: the analyses once on a small table, before a file.

pub mod basket;
pub mod clv;
pub mod funnel;
pub mod funnel_drivers;
pub mod libm_ext;
pub mod lifecycle;
pub mod paths;
pub mod period;
pub mod repurchase;
pub mod retention;
pub mod segments;
pub(crate) mod select;
pub mod stats;
pub mod warm_up;

use crate::error::Result;
use crate::progress::Progress;
use crate::report::Report;
use crate::spec::Spec;
use crate::table::EventTable;

/// Runs any spec on a table.
pub fn run(table: &EventTable, spec: &Spec) -> Result<Report> {
    match spec {
        Spec::Funnel(f) => funnel::funnel(table, f).map(Report::Funnel),
        Spec::Retention(r) => retention::retention(table, r).map(Report::Retention),
        Spec::Repurchase(r) => repurchase::repurchase(table, r).map(Report::Repurchase),
        Spec::Lifecycle(l) => lifecycle::lifecycle(table, l).map(Report::Lifecycle),
        Spec::Clv(c) => clv::clv(table, c).map(|r| Report::Clv(Box::new(r))),
        Spec::Rfm(r) => segments::rfm(table, r).map(Report::Rfm),
        Spec::Tiers(t) => segments::tiers(table, t).map(Report::Tiers),
        Spec::Segment(s) => segments::segment(table, s).map(Report::Segment),
        Spec::Paths(p) => paths::paths(table, p).map(Report::Paths),
        Spec::Basket(b) => basket::basket(table, b).map(Report::Basket),
        Spec::FunnelDrivers(d) => {
            funnel_drivers::funnel_drivers(table, d).map(Report::FunnelDrivers)
        }
    }
}

/// Runs any spec on a table, reporting progress and honouring cancellation where
/// the analysis is long (the CLV fit); the others run as [`run`].
pub fn run_with_progress(
    table: &EventTable,
    spec: &Spec,
    progress: &mut dyn Progress,
) -> Result<Report> {
    match spec {
        Spec::Clv(c) => {
            clv::clv_with_progress(table, c, progress).map(|r| Report::Clv(Box::new(r)))
        }
        other => run(table, other),
    }
}
