//! Turns tokenized batches (every column as Arrow text) into events: picks the role
//! columns, parses times and revenue, and skips — with a counted reason — any row
//! that cannot be an event.

use super::fields::Fields;
use super::number::parse_number;
use super::skipped::{SkipReason, Skipped};
use super::sniff::Plan;
use super::timestamp::{EARLIEST_MS, LATEST_MS, TimeParser};
use crate::table::{Role, TableBuilder};

/// The event name of every row of a file without an event column.
pub const ORDER_EVENT: &str = "purchase";

/// Column positions by role, and the builder being filled.
pub struct Converter {
    user: usize,
    time: usize,
    event: Option<usize>,
    revenue: Option<usize>,
    properties: Vec<usize>,
    parser: TimeParser,
    /// The table being built.
    pub builder: TableBuilder,
    /// Rows skipped so far.
    pub skipped: Skipped,
}

impl Converter {
    /// A converter following the plan's roles.
    pub fn new(plan: &Plan) -> Self {
        let find = |role: Role| plan.columns.iter().position(|c| c.role == role);
        let properties: Vec<usize> = plan
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.role, Role::Property | Role::Order | Role::Item))
            .map(|(i, _)| i)
            .collect();
        let props: Vec<(String, Role)> = properties
            .iter()
            .map(|&i| (plan.columns[i].name.clone(), plan.columns[i].role))
            .collect();
        let revenue = find(Role::Revenue);
        Self {
            user: find(Role::User).unwrap_or(0),
            time: find(Role::Time).unwrap_or(0),
            event: find(Role::Event),
            revenue,
            properties,
            parser: TimeParser::new(plan.tz.clone(), plan.date_order.0),
            builder: TableBuilder::new(revenue.is_some(), &props),
            skipped: Skipped::default(),
        }
    }

    /// Converts one record (split into `fields`, with the expected count) that
    /// starts on physical line `line`.
    pub fn convert_row(&mut self, record: &str, fields: &Fields, line: u64) {
        self.convert_cells(|i| fields.get(record, i).as_bytes(), line);
    }

    /// Converts one record whose cell `i` is `cell(i)` (UTF-8 text cut at
    /// delimiters, so at character boundaries) that starts on physical line `line`:
    /// the loader's path, on bytes, so that a cell costs no character-boundary
    /// checks ([`super::fields::Marked`]).
    #[inline]
    pub fn convert_cells<'a>(&mut self, cell: impl Fn(usize) -> &'a [u8], line: u64) {
        let Some(user) = text(cell(self.user)) else {
            self.skipped.add(SkipReason::MissingUser, line, "");
            return;
        };
        let Some(time_text) = text(cell(self.time)) else {
            self.skipped.add(SkipReason::MissingTime, line, "");
            return;
        };
        let Some(time) = self.parser.parse_bytes(time_text) else {
            self.skipped
                .add(SkipReason::UnreadableTime, line, as_text(time_text));
            return;
        };
        if !(EARLIEST_MS..LATEST_MS).contains(&time) {
            self.skipped
                .add(SkipReason::TimeOutOfRange, line, as_text(time_text));
            return;
        }
        let event = match self.event {
            None => ORDER_EVENT.as_bytes(),
            Some(e) => match text(cell(e)) {
                Some(name) => name,
                None => {
                    self.skipped.add(SkipReason::MissingEvent, line, "");
                    return;
                }
            },
        };
        let amount = match self.revenue.and_then(|a| text(cell(a))) {
            None => None,
            Some(t) => match parse_number(as_text(t)) {
                Some(v) => Some(v),
                None => {
                    self.skipped.add(SkipReason::BadRevenue, line, as_text(t));
                    return;
                }
            },
        };
        let props = &self.properties;
        self.builder
            .push_cells(user, time, event, amount, |j| cell(props[j]));
    }
}

/// A cell's bytes as text: they are (the decoder validated the text, and cells are
/// cut at ASCII delimiters), so this never gives the empty fallback.
#[inline]
fn as_text(cell: &[u8]) -> &str {
    std::str::from_utf8(cell).unwrap_or_default()
}

/// The trimmed text of a cell, `None` when it is blank. Borrowed: the hot path
/// allocates nothing per cell.
#[inline]
fn text(cell: &[u8]) -> Option<&[u8]> {
    // Most cells start and end with a printable ASCII byte: nothing to trim.
    let solid = |b: u8| b > b' ' && b < 0x80;
    match cell {
        [] => None,
        [first, .., last] if solid(*first) && solid(*last) => Some(cell),
        [only] if solid(*only) => Some(cell),
        _ => Some(as_text(cell).trim().as_bytes()).filter(|s| !s.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    proptest::proptest! {
        /// The cell text equals `str::trim` with blanks as `None`, on cells of ASCII
        /// and Unicode whitespace, control bytes and multi-byte characters.
        #[test]
        fn text_is_the_trimmed_cell(
            parts in proptest::collection::vec(proptest::sample::select(
                vec!["a", " ", "\t", "\u{b}", "\u{c}", "\r", "\n", "\u{1}", "\u{7f}", "\u{a0}", "\u{3000}", "é", "x y"]), 0..6),
        ) {
            let cell: String = parts.concat();
            let want = Some(cell.trim()).filter(|s| !s.is_empty());
            proptest::prop_assert_eq!(text(cell.as_bytes()), want.map(str::as_bytes));
        }
    }
}
