//! Event selection for the analyses that take "an event" (retention's start and
//! return events, the purchase event, lifecycle's activity filter): any event, an
//! event name, or a name with property filters — compiled once with the funnel's
//! step matcher, then matched per row by integer compares.
//!
//! Interpretation: an event named here that no row has is a spec error listing the
//! event names there are: an empty cohort table or lifecycle is never what was
//! meant, and a mistyped name must say so. Funnel steps follow the same rule
//! (`funnel::Plan::new`).

use crate::analysis::funnel::matcher::{self, StepSet};
use crate::error::{Error, Result};
use crate::spec::EventSpec;
use crate::table::EventTable;

/// A compiled event selection.
pub(crate) struct Selector<'t> {
    /// `None` selects every event.
    step: Option<(u32, StepSet<'t>, bool)>,
    label: Option<String>,
}

impl<'t> Selector<'t> {
    /// Compiles `spec` (`None` = any event); `what` names the spec field in errors.
    pub(crate) fn compile(
        table: &'t EventTable,
        spec: Option<&EventSpec>,
        what: &str,
    ) -> Result<Self> {
        let Some(spec) = spec else {
            return Ok(Self {
                step: None,
                label: None,
            });
        };
        let step = spec.to_step();
        let key = table
            .event_key(&step.event)
            .ok_or_else(|| unknown_event(table, what, &step.event))?;
        for col in step.filter.iter().flat_map(|f| f.keys()) {
            matcher::property(table, col, what)?;
        }
        let filtered = step.filter.as_ref().is_some_and(|f| !f.is_empty());
        let set = StepSet::compile(table, std::slice::from_ref(&step))?;
        Ok(Self {
            step: Some((key, set, filtered)),
            label: Some(matcher::label(&step)),
        })
    }

    /// True when `row` is a selected event.
    pub(crate) fn matches(&self, table: &EventTable, row: u32) -> bool {
        match &self.step {
            None => true,
            Some((key, set, filtered)) => {
                table.event(row) == *key && (!*filtered || set.mask(table, row) != 0)
            }
        }
    }

    /// Per event-name key (`events` keys), whether its rows are selected, when no
    /// property filter needs the row itself; `None` when one does.
    pub(crate) fn by_event(&self, events: usize) -> Option<Vec<bool>> {
        match &self.step {
            None => Some(vec![true; events]),
            Some((_, _, true)) => None,
            Some((key, _, false)) => {
                let mut selected = vec![false; events];
                if let Some(s) = selected.get_mut(*key as usize) {
                    *s = true;
                }
                Some(selected)
            }
        }
    }

    /// Every selected row, ascending (the same rows as [`Selector::matches`], found
    /// from the event column's positions of the name rather than row by row).
    pub(crate) fn rows(&self, table: &EventTable) -> Vec<u32> {
        match &self.step {
            None => (0..table.len() as u32).collect(),
            Some((key, set, filtered)) => {
                let mut rows = table.rows_with_event(*key);
                if *filtered {
                    rows.retain(|&r| set.mask(table, r) != 0);
                }
                rows
            }
        }
    }

    /// The event key of a named selection (`None` for any event).
    pub(crate) fn event_key(&self) -> Option<u32> {
        self.step.as_ref().map(|(k, _, _)| *k)
    }

    /// The readable label (`purchase (channel = ads)`), `None` for any event.
    pub(crate) fn label(&self) -> Option<String> {
        self.label.clone()
    }
}

/// The error for an event name no row has, listing the names there are.
pub(crate) fn unknown_event(table: &EventTable, what: &str, name: &str) -> Error {
    Error::spec(format!(
        "{what}: no event \"{name}\" in the data (events: {})",
        event_list(table)
    ))
}

/// The event names, most frequent first (at most 20, then "…").
pub(crate) fn event_list(table: &EventTable) -> String {
    let counts = table.event_counts();
    let mut names: Vec<(&str, u64)> = table.event_names().iter().zip(counts).collect();
    if names.is_empty() {
        return "none: the table is empty".into();
    }
    names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut list: Vec<String> = names
        .iter()
        .take(20)
        .map(|(n, _)| format!("\"{n}\""))
        .collect();
    if names.len() > 20 {
        list.push(format!("… {} more", names.len() - 20));
    }
    list.join(", ")
}

/// A key of a dictionary-encoded column as it is stored (`u8`, `u16`, `u32`,
/// see [`crate::table::Keys`]): the analyses' kernels are generic over it, so a
/// row's key is read from a plain slice, with no match on the width per row.
pub(crate) trait StoredKey: Copy {
    /// The key as an index.
    fn index(self) -> usize;
}

/// `per_key[key of row]` — a row's entry in a table indexed by its stored key
/// (`T::default()` for a row or key out of range).
#[inline]
pub(crate) fn per_key<K: StoredKey, T: Copy + Default>(keys: &[K], per_key: &[T], row: usize) -> T {
    keys.get(row)
        .and_then(|k| per_key.get(k.index()))
        .copied()
        .unwrap_or_default()
}

impl StoredKey for u8 {
    #[inline]
    fn index(self) -> usize {
        self as usize
    }
}

impl StoredKey for u16 {
    #[inline]
    fn index(self) -> usize {
        self as usize
    }
}

impl StoredKey for u32 {
    #[inline]
    fn index(self) -> usize {
        self as usize
    }
}
