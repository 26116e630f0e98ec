//! Step matching: which steps each row matches, as a bitmask.
//!
//! A step is compiled once into an event-name key and, per filtered column, a
//! boolean per dictionary value (the filter is evaluated once per distinct cell
//! text, then looked up by key per row). Matching a row is then integer
//! comparisons only, never string compares.

use crate::error::{Error, Result};
use crate::spec::{FilterValue, StepSpec};
use crate::table::{EventTable, PropertyColumn};

/// One compiled step.
struct StepMatcher<'t> {
    /// The event-name key; `None` when no row has that name (the step matches
    /// nothing; the analyses refuse such a name before compiling, see
    /// `select::unknown_event`).
    event: Option<u32>,
    /// Filtered columns with, per dictionary key, whether the value passes.
    filters: Vec<(&'t PropertyColumn, Vec<bool>)>,
}

impl StepMatcher<'_> {
    fn matches(&self, table: &EventTable, row: u32) -> bool {
        self.event == Some(table.event(row))
            && self.filters.iter().all(|(col, pass)| {
                // A missing cell never matches a filter.
                col.key(row)
                    .is_some_and(|k| pass.get(k as usize).copied().unwrap_or(false))
            })
    }
}

/// All steps of a funnel, compiled against one table.
pub(crate) struct StepSet<'t> {
    /// Per event-name key, the steps without filters that name it (a mask): most
    /// rows are matched by one lookup.
    by_event: Vec<u16>,
    /// The steps with filters, with their bit.
    filtered: Vec<(u16, StepMatcher<'t>)>,
}

impl<'t> StepSet<'t> {
    /// Compiles the steps; a filter naming a column the table lacks is an error.
    pub(crate) fn compile(table: &'t EventTable, steps: &[StepSpec]) -> Result<Self> {
        let mut by_event = vec![0u16; table.event_names().len()];
        let mut filtered = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let mut filters = Vec::new();
            for (col, value) in step.filter.iter().flatten() {
                let column = property(table, col, &format!("funnel step {}", i + 1))?;
                filters.push((column, column.keys_where(|cell| value.matches(cell))));
            }
            let matcher = StepMatcher {
                event: table.event_key(&step.event),
                filters,
            };
            let bit = 1u16 << i;
            match matcher.event {
                _ if !matcher.filters.is_empty() => filtered.push((bit, matcher)),
                Some(key) => {
                    if let Some(m) = by_event.get_mut(key as usize) {
                        *m |= bit;
                    }
                }
                None => {}
            }
        }
        Ok(Self { by_event, filtered })
    }

    /// Per event-name key, the steps it matches, when no step has a filter (a
    /// row's mask is then its key's entry); `None` when some step has one.
    pub(crate) fn by_event(&self) -> Option<&[u16]> {
        self.filtered.is_empty().then_some(&self.by_event[..])
    }

    /// The steps `row` matches: bit `k` set when it matches step `k + 1`.
    #[inline]
    pub(crate) fn mask(&self, table: &EventTable, row: u32) -> u16 {
        let quick = self
            .by_event
            .get(table.event(row) as usize)
            .copied()
            .unwrap_or(0);
        self.filtered
            .iter()
            .filter(|(_, s)| s.matches(table, row))
            .fold(quick, |m, (bit, _)| m | bit)
    }
}

/// A property column by name, or a spec error naming `what` and listing the
/// property columns there are.
pub(crate) fn property<'t>(
    table: &'t EventTable,
    name: &str,
    what: &str,
) -> Result<&'t PropertyColumn> {
    table.property(name).ok_or_else(|| {
        let names: Vec<&str> = table.properties().iter().map(|p| p.name()).collect();
        // Interpretation: with no property column at all, say so instead of
        // printing an empty list.
        if names.is_empty() {
            Error::spec(format!(
                "{what}: no column \"{name}\" (the table has no property columns)"
            ))
        } else {
            Error::spec(format!(
                "{what}: no column \"{name}\" (columns: {})",
                names.join(", ")
            ))
        }
    })
}

/// The readable label of a step: `purchase (channel = ads, plan = a|b)`.
/// Filters come in column-name order (the spec keeps them in a sorted map).
pub(crate) fn label(step: &StepSpec) -> String {
    let filters: Vec<String> = step
        .filter
        .iter()
        .flatten()
        .map(|(col, value)| format!("{col} = {}", value_text(value)))
        .collect();
    if filters.is_empty() {
        step.event.clone()
    } else {
        format!("{} ({})", step.event, filters.join(", "))
    }
}

/// A filter value as text: numbers in their shortest form (`5`, `2.5`), lists
/// joined with `|`.
fn value_text(value: &FilterValue) -> String {
    match value {
        FilterValue::Text(t) => t.clone(),
        FilterValue::Number(n) => n.to_string(),
        FilterValue::AnyOf(list) => list.iter().map(value_text).collect::<Vec<_>>().join("|"),
    }
}
