//! Turns tokenized batches (every column as Arrow text) into events: picks the role
//! columns, parses times and revenue, and skips — with a counted reason — any row
//! that cannot be an event.

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch, StringArray};

use super::number::parse_number;
use super::skipped::{SkipReason, Skipped};
use super::sniff::Plan;
use super::timestamp::TimeParser;
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

    /// Converts one batch whose rows start on the given physical lines.
    pub fn convert(&mut self, batch: &RecordBatch, lines: &[u64]) {
        let col = |i: usize| -> &StringArray { batch.column(i).as_string::<i32>() };
        let users = col(self.user);
        let times = col(self.time);
        let events = self.event.map(col);
        let revenue = self.revenue.map(col);
        let props: Vec<&StringArray> = self.properties.iter().map(|&i| col(i)).collect();
        let mut cells: Vec<Option<&str>> = Vec::with_capacity(props.len());
        for r in 0..batch.num_rows() {
            let line = lines.get(r).copied().unwrap_or(0);
            let Some(user) = text(users, r) else {
                self.skipped.add(SkipReason::MissingUser, line, "");
                continue;
            };
            let Some(time_text) = text(times, r) else {
                self.skipped.add(SkipReason::MissingTime, line, "");
                continue;
            };
            let Some(time) = self.parser.parse(time_text) else {
                self.skipped
                    .add(SkipReason::UnreadableTime, line, time_text);
                continue;
            };
            let event = match events {
                None => ORDER_EVENT,
                Some(e) => match text(e, r) {
                    Some(name) => name,
                    None => {
                        self.skipped.add(SkipReason::MissingEvent, line, "");
                        continue;
                    }
                },
            };
            let amount = match revenue.and_then(|a| text(a, r)) {
                None => None,
                Some(t) => match parse_number(t) {
                    Some(v) => Some(v),
                    None => {
                        self.skipped.add(SkipReason::BadRevenue, line, t);
                        continue;
                    }
                },
            };
            cells.clear();
            cells.extend(props.iter().map(|a| (!a.is_null(r)).then(|| a.value(r))));
            self.builder.push(user, time, event, amount, &cells);
        }
    }
}

/// The trimmed text of a cell, `None` when it is null or blank. Borrowed: the hot
/// path allocates nothing per cell.
fn text(a: &StringArray, r: usize) -> Option<&str> {
    if a.is_null(r) {
        return None;
    }
    Some(a.value(r).trim()).filter(|s| !s.is_empty())
}
