//! The analyses. Each reads only the [`EventTable`] and a spec, and returns a report.

pub mod funnel;
pub mod stats;

use crate::error::Result;
use crate::report::Report;
use crate::spec::Spec;
use crate::table::EventTable;

/// Runs any spec on a table.
pub fn run(table: &EventTable, spec: &Spec) -> Result<Report> {
    match spec {
        Spec::Funnel(f) => funnel::funnel(table, f).map(Report::Funnel),
    }
}
