//! Segments as filters and breakdowns of the other analyses (funnel, retention,
//! repeat purchase): the analysis runs on the table restricted to the members
//! ([`EventTable::restrict`], which keeps the whole file's data end), once for the
//! filter and once per named segment of a breakdown.
//!
//! With both a filter and a breakdown, each part holds the users in both; the
//! segments are resolved on the whole table (RFM scores rank every buyer), then
//! intersected.

use super::{Mask, reference};
use crate::error::{Error, ErrorKind, Result};
use crate::report::{SegmentPart, SegmentSize};
use crate::spec::{NamedSegment, SegmentRef};
use crate::table::EventTable;

/// An analysis' result with its segment filter and breakdown.
pub struct Scoped<R> {
    /// The result over the filter's members (everyone without a filter).
    pub result: R,
    /// The filter's size, when there is a filter.
    pub segment: Option<SegmentSize>,
    /// One result per named segment, when asked for.
    pub by_segment: Option<Vec<SegmentPart<R>>>,
}

/// The size of the members of `mask` in `table`; revenue over all their rows.
pub fn size(table: &EventTable, mask: &[bool], name: String) -> SegmentSize {
    let users = mask.iter().filter(|&&m| m).count() as u64;
    let total = table.user_count() as u64;
    let revenue = table.has_revenue().then(|| {
        (0..table.len() as u32)
            .filter(|&r| mask.get(table.user(r) as usize).copied().unwrap_or(false))
            .filter_map(|r| table.revenue(r))
            .sum::<f64>()
    });
    let all = table.revenue_total().map(|(sum, _)| sum);
    SegmentSize {
        name,
        users,
        share_users: (total > 0).then(|| users as f64 / total as f64),
        revenue,
        share_revenue: match (revenue, all) {
            (Some(r), Some(a)) if a != 0.0 => Some(r / a),
            _ => None,
        },
    }
}

/// Names the breakdown part in a rule error (its column is in that part's rule).
fn in_part(e: Error, name: &str) -> Error {
    match e.kind {
        ErrorKind::BadRule { column, message } => Error {
            kind: ErrorKind::BadRule {
                column,
                message: format!("{message} (in the segment \"{name}\")"),
            },
            ..e
        },
        _ => e,
    }
}

/// Runs `analysis` on the members of `segment` (everyone when `None`) and once
/// per segment of `segments`.
pub fn run<R>(
    table: &EventTable,
    segment: Option<&SegmentRef>,
    segments: &[NamedSegment],
    analysis: impl Fn(&EventTable) -> Result<R>,
) -> Result<Scoped<R>> {
    let filter: Option<(Mask, SegmentSize)> = segment
        .map(|s| {
            let mask = reference::mask(table, s)?;
            let size = size(table, &mask, s.label());
            Ok::<_, Error>((mask, size))
        })
        .transpose()?;
    let result = match &filter {
        Some((mask, _)) => analysis(&table.restrict(mask))?,
        None => analysis(table)?,
    };
    let by_segment = if segments.is_empty() {
        None
    } else {
        let mut parts = Vec::with_capacity(segments.len());
        for named in segments {
            let mut mask = reference::mask(table, &named.segment)
                .map_err(|e| in_part(e, &named.display_name()))?;
            if let Some((f, _)) = &filter {
                for (m, keep) in mask.iter_mut().zip(f) {
                    *m &= *keep;
                }
            }
            parts.push(SegmentPart {
                segment: size(table, &mask, named.display_name()),
                result: analysis(&table.restrict(&mask))?,
            });
        }
        Some(parts)
    };
    Ok(Scoped {
        result,
        segment: filter.map(|(_, s)| s),
        by_segment,
    })
}
