//! The event table: one row per event, in input order, plus the per-user order.
//!
//! Users are dictionary-encoded (`u32` keys), event names and every other column
//! too, with keys as narrow as their cardinality allows ([`Keys`]); times are `i64`
//! milliseconds since the Unix epoch (UTC), revenue is `f64` where a row has it
//! ([`Revenue`]: a presence bitmap and the present values). The per-user
//! order (rows sorted by `(user, time, row)`) is built once, here, and shared by all
//! analyses: it is what "before" and "after" mean everywhere.
//!
//! Rows are stored in per-user order — by user (keys in first-seen order), then
//! time, then input row — so a user's events are contiguous and analyses scan
//! the columns sequentially. Row numbers are positions in that order, not input
//! lines.
//!
//! Invariant: the events never change after [`TableBuilder::build`]; only the
//! user-attribute overlay may be attached or replaced.

mod attributes;
mod builder;
mod dict;
mod ids;
mod keys;
mod merge;
mod meta;
mod numbers;
mod order;
mod packed;
mod part;
mod property;
mod recent;
mod restrict;
mod revenue;
mod wire;

pub use attributes::{AttributeColumn, UserAttributes};
pub use builder::TableBuilder;
pub use dict::Dict;
pub use keys::Keys;
pub use merge::{Feed, Placement};
pub use meta::{ColumnInfo, ColumnType, DateOrder, Role, SkipTally, TableMeta};
pub use order::{Rows, UserOrder};
pub use part::PartKeys;
pub use property::PropertyColumn;
pub use revenue::Revenue;
pub use wire::{WireError, WireReader, WireWriter};

/// The loaded events and everything the analyses read.
#[derive(Debug)]
pub struct EventTable {
    pub(crate) meta: TableMeta,
    pub(crate) users: Dict,
    pub(crate) user: Vec<u32>,
    pub(crate) time: Vec<i64>,
    pub(crate) events: Dict,
    pub(crate) event: Keys,
    pub(crate) revenue: Option<Revenue>,
    pub(crate) properties: Vec<PropertyColumn>,
    pub(crate) order: UserOrder,
    /// First and last event time: the observed span (a restricted table keeps
    /// its parent's).
    pub(crate) span: Option<(i64, i64)>,
    /// The user attribute file, when one is attached.
    pub(crate) attributes: Option<UserAttributes>,
}

impl EventTable {
    /// How the table was read: file, encoding, columns and roles, skipped rows.
    pub fn meta(&self) -> &TableMeta {
        &self.meta
    }
    /// Number of events (rows loaded).
    pub fn len(&self) -> usize {
        self.time.len()
    }
    /// True when no event was loaded.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }
    /// Number of distinct users.
    pub fn user_count(&self) -> usize {
        self.users.len()
    }
    /// The user id text of a user key.
    pub fn user_id(&self, user: u32) -> &str {
        self.users.get(user)
    }
    /// The user key of a row.
    pub fn user(&self, row: u32) -> u32 {
        self.user[row as usize]
    }
    /// Event time of a row, in milliseconds since the epoch (UTC).
    pub fn time(&self, row: u32) -> i64 {
        self.time[row as usize]
    }
    /// Event-name key of a row.
    pub fn event(&self, row: u32) -> u32 {
        self.event.get(row as usize)
    }
    /// Every row's time (ms), in row order: a user's rows are one contiguous run
    /// of it ([`UserOrder`]), which the analyses' kernels read as a slice.
    pub fn times(&self) -> &[i64] {
        &self.time
    }
    /// Every row's event-name key, in row order (as narrow as the dictionary).
    pub fn event_keys(&self) -> &Keys {
        &self.event
    }
    /// The rows of one event-name key, ascending.
    pub fn rows_with_event(&self, key: u32) -> Vec<u32> {
        self.event.positions(key)
    }
    /// The event names, indexed by key.
    pub fn event_names(&self) -> &Dict {
        &self.events
    }
    /// The key of an event name, if any row has it.
    pub fn event_key(&self, name: &str) -> Option<u32> {
        self.events.key(name)
    }
    /// Number of rows of each event key.
    pub fn event_counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.events.len()];
        for e in self.event.iter() {
            counts[e as usize] += 1;
        }
        counts
    }
    /// Revenue of a row, when the table has a revenue column and the cell held a number.
    pub fn revenue(&self, row: u32) -> Option<f64> {
        self.revenue.as_ref()?.get(row as usize)
    }
    /// Total revenue: the sum of the revenue cells that hold a number, over every
    /// loaded row (any event), and how many rows those are; `None` without a
    /// revenue column.
    pub fn revenue_total(&self) -> Option<(f64, u64)> {
        let values = self.revenue.as_ref()?.values();
        // Summed from 0.0 in row order, as ever (`Sum` starts from -0.0).
        Some((
            values.iter().fold(0.0, |sum, v| sum + v),
            values.len() as u64,
        ))
    }
    /// The revenue column, when one was mapped: the rows' values where present,
    /// in row order.
    pub fn revenue_column(&self) -> Option<&Revenue> {
        self.revenue.as_ref()
    }
    /// True when a revenue column was mapped.
    pub fn has_revenue(&self) -> bool {
        self.revenue.is_some()
    }
    /// The property columns (every column that is not user, time, event or revenue).
    pub fn properties(&self) -> &[PropertyColumn] {
        &self.properties
    }
    /// A property column by its header name.
    pub fn property(&self, name: &str) -> Option<&PropertyColumn> {
        self.properties.iter().find(|p| p.name() == name)
    }
    /// The per-user order: for each user key, its rows sorted by `(time, row)`.
    pub fn order(&self) -> &UserOrder {
        &self.order
    }
    /// Bytes the table holds on the heap: every column, the dictionaries and the
    /// per-user order (what "memory per event" in BENCHMARKS.md divides).
    pub fn heap_bytes(&self) -> usize {
        self.users.heap_bytes()
            + self.user.capacity() * 4
            + self.time.capacity() * 8
            + self.events.heap_bytes()
            + self.event.heap_bytes()
            + self.revenue.as_ref().map_or(0, Revenue::heap_bytes)
            + self
                .properties
                .iter()
                .map(PropertyColumn::heap_bytes)
                .sum::<usize>()
            + self.order.heap_bytes()
            + self
                .attributes
                .as_ref()
                .map_or(0, UserAttributes::heap_bytes)
    }
    /// Earliest and latest event time (ms), `None` when empty: the observed span,
    /// whose end is "the data end" of the analyses. A table restricted to some
    /// users keeps its parent's ([`EventTable::restrict`]).
    pub fn time_range(&self) -> Option<(i64, i64)> {
        self.span
    }
    /// The same table observed over `span` (first, last time in ms) instead of
    /// its own first and last event: what a file pre-filtered to some users
    /// needs to compare with a segment filter on the whole file.
    pub fn with_time_range(mut self, span: Option<(i64, i64)>) -> Self {
        self.span = span;
        self
    }
    /// The user id's key, if the table has that user.
    pub fn user_key(&self, id: &str) -> Option<u32> {
        self.users.key(id)
    }
    /// The attached user attributes, if any.
    pub fn attributes(&self) -> Option<&UserAttributes> {
        self.attributes.as_ref()
    }
    /// The same table with user attributes attached (replacing any before).
    pub fn with_attributes(mut self, attributes: UserAttributes) -> Self {
        self.attributes = Some(attributes);
        self
    }
    /// Attaches (or with `None` removes) user attributes in place: the one change
    /// a built table accepts, an overlay keyed by user; the events never change.
    pub fn set_attributes(&mut self, attributes: Option<UserAttributes>) {
        self.attributes = attributes;
    }
}
