//! Breakdown: users split by a property's value on their timing chain's first
//! event — or by a user attribute's value (an attached attribute file's column) —
//! one funnel per value, the top values listed and the rest merged.

use std::collections::HashMap;

use crate::report::FunnelBucket;
use crate::table::{AttributeColumn, PropertyColumn};

use super::{Path, summarize};

/// What a breakdown splits by.
#[derive(Clone, Copy)]
pub(super) enum By<'t> {
    /// An event property: its value on the chain's first event.
    Event(&'t PropertyColumn),
    /// A user attribute: the user's value.
    User(&'t AttributeColumn),
}

impl<'t> By<'t> {
    fn value(self, p: &Path) -> Option<&'t str> {
        match self {
            By::Event(c) => c.value(p.first_row),
            By::User(c) => c.value_of(p.user),
        }
    }
}

/// The buckets of a breakdown by `column`, over the users in `paths` (all with
/// level >= 1), for a funnel whose step labels are `steps`.
///
/// Order: by step-1 users (= bucket size) descending, ties by value ascending
/// with the missing value (`null`) after every text value. The first `limit`
/// are listed; the rest become one `{value: null, other: true}` bucket, left out
/// when nothing is left over.
pub(super) fn buckets(
    column: By<'_>,
    limit: usize,
    paths: &[Path],
    steps: &[(String, String)],
) -> Vec<FunnelBucket> {
    let mut groups: HashMap<Option<&str>, Vec<&Path>> = HashMap::new();
    for p in paths {
        groups.entry(column.value(p)).or_default().push(p);
    }
    let mut groups: Vec<(Option<&str>, Vec<&Path>)> = groups.into_iter().collect();
    groups.sort_by(|(va, a), (vb, b)| {
        b.len().cmp(&a.len()).then_with(|| match (va, vb) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });
    let rest: Vec<&Path> = groups
        .iter()
        .skip(limit)
        .flat_map(|(_, g)| g.iter().copied())
        .collect();
    let mut out: Vec<FunnelBucket> = groups
        .iter()
        .take(limit)
        .map(|(value, g)| FunnelBucket {
            value: value.map(str::to_owned),
            other: false,
            steps: summarize(steps, g.iter().copied()),
        })
        .collect();
    if !rest.is_empty() {
        out.push(FunnelBucket {
            value: None,
            other: true,
            steps: summarize(steps, rest.into_iter()),
        });
    }
    out
}
