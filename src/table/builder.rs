//! Builds an [`EventTable`] row by row; used by ingest, the demo and the tests.

use arrow_array::builder::StringDictionaryBuilder;
use arrow_array::types::Int32Type;

use super::{Dict, EventTable, PropertyColumn, Role, TableMeta, UserOrder};

/// Accumulates events, then builds the table and its per-user order.
pub struct TableBuilder {
    users: Dict,
    user: Vec<u32>,
    time: Vec<i64>,
    events: Dict,
    event: Vec<u32>,
    revenue: Option<Vec<f64>>,
    properties: Vec<(String, Role, StringDictionaryBuilder<Int32Type>)>,
}

impl TableBuilder {
    /// A builder with a revenue column or not, and the named property columns.
    pub fn new(has_revenue: bool, properties: &[(String, Role)]) -> Self {
        Self {
            users: Dict::new(),
            user: Vec::new(),
            time: Vec::new(),
            events: Dict::new(),
            event: Vec::new(),
            revenue: has_revenue.then(Vec::new),
            properties: properties
                .iter()
                .map(|(n, r)| (n.clone(), *r, StringDictionaryBuilder::new()))
                .collect(),
        }
    }

    /// Adds one event. `props` holds one cell per property column (missing
    /// trailing cells are empty); `revenue` is ignored without a revenue column.
    pub fn push(
        &mut self,
        user: &str,
        time_ms: i64,
        event: &str,
        revenue: Option<f64>,
        props: &[Option<&str>],
    ) {
        self.user.push(self.users.intern(user));
        self.time.push(time_ms);
        self.event.push(self.events.intern(event));
        if let Some(col) = self.revenue.as_mut() {
            col.push(revenue.unwrap_or(f64::NAN));
        }
        for (i, (_, _, b)) in self.properties.iter_mut().enumerate() {
            match props.get(i).copied().flatten() {
                Some(v) if !v.is_empty() => {
                    b.append_value(v);
                }
                _ => b.append_null(),
            }
        }
    }

    /// Number of events pushed so far.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// True when nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Finishes the table: property arrays and the per-user order.
    pub fn build(self, mut meta: TableMeta) -> EventTable {
        let order = UserOrder::build(&self.user, &self.time, self.users.len());
        if meta.rows_read == 0 {
            meta.rows_read = self.time.len() as u64;
        }
        EventTable {
            meta,
            users: self.users,
            user: self.user,
            time: self.time,
            events: self.events,
            event: self.event,
            revenue: self.revenue,
            properties: self
                .properties
                .into_iter()
                .map(|(n, r, mut b)| PropertyColumn::new(n, r, b.finish()))
                .collect(),
            order,
        }
    }
}
