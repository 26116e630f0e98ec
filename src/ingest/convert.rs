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
            parser: TimeParser::new(plan.tz, plan.date_order.0),
            builder: TableBuilder::new(revenue.is_some(), &props),
            skipped: Skipped::default(),
        }
    }

    /// Converts one record (split into `fields`, with the expected count) that
    /// starts on physical line `line`.
    pub fn convert_row(&mut self, record: &str, fields: &Fields, line: u64) {
        let cell = |i: usize| fields.get(record, i);
        let Some(user) = text(cell(self.user)) else {
            self.skipped.add(SkipReason::MissingUser, line, "");
            return;
        };
        let Some(time_text) = text(cell(self.time)) else {
            self.skipped.add(SkipReason::MissingTime, line, "");
            return;
        };
        let Some(time) = self.parser.parse(time_text) else {
            self.skipped
                .add(SkipReason::UnreadableTime, line, time_text);
            return;
        };
        if !(EARLIEST_MS..LATEST_MS).contains(&time) {
            self.skipped
                .add(SkipReason::TimeOutOfRange, line, time_text);
            return;
        }
        let event = match self.event {
            None => ORDER_EVENT,
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
            Some(t) => match parse_number(t) {
                Some(v) => Some(v),
                None => {
                    self.skipped.add(SkipReason::BadRevenue, line, t);
                    return;
                }
            },
        };
        let props = &self.properties;
        self.builder
            .push_with(user, time, event, amount, |j| Some(cell(props[j])));
    }
}

/// The trimmed text of a cell, `None` when it is blank. Borrowed: the hot path
/// allocates nothing per cell.
#[inline]
fn text(cell: &str) -> Option<&str> {
    // Most cells start and end with a printable ASCII byte: nothing to trim.
    let solid = |b: u8| b > b' ' && b < 0x80;
    match cell.as_bytes() {
        [] => None,
        [first, .., last] if solid(*first) && solid(*last) => Some(cell),
        [only] if solid(*only) => Some(cell),
        _ => Some(cell.trim()).filter(|s| !s.is_empty()),
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
            proptest::prop_assert_eq!(text(&cell), want);
        }
    }
}
