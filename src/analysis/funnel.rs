//! The funnel (see ANALYSES.md, Funnel). PLACEHOLDER: being written.

use crate::error::{Error, Result};
use crate::report::FunnelReport;
use crate::spec::FunnelSpec;
use crate::table::EventTable;

/// Computes a funnel.
pub fn funnel(_table: &EventTable, _spec: &FunnelSpec) -> Result<FunnelReport> {
    Err(Error::spec("funnel: not implemented yet"))
}

/// The user ids that reached step `step` (1-based) but not step `step + 1`.
pub fn dropoff_users(_table: &EventTable, _spec: &FunnelSpec, _step: usize) -> Result<Vec<String>> {
    Err(Error::spec("funnel: not implemented yet"))
}
