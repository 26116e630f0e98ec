//! Builds an [`EventTable`] row by row; used by ingest, the demo and the tests.

use super::dict::canonical_number;
use super::ids::{self, RecentIds};
use super::keys::Keys;
use super::packed::UserRows;
use super::recent::Recent;
use super::revenue::Revenue;
use super::{Dict, EventTable, PropertyColumn, Role, TableMeta, UserOrder};

/// Accumulates events, then builds the table and its per-user order.
pub struct TableBuilder {
    pub(super) users: Dict,
    pub(super) user: Vec<u32>,
    pub(super) time: Vec<i64>,
    pub(super) events: Dict,
    pub(super) event: Keys,
    /// Revenue where a row has it ([`Revenue`]).
    pub(super) revenue: Option<Revenue>,
    pub(super) properties: Vec<PropertyColumn>,
    /// Where each user's rows start, when the rows are already in per-user order
    /// ([`TableBuilder::sort_by_user`], [`TableBuilder::finish_merge`]); valid only
    /// while it ends at the row count and has one entry per user and one more.
    pub(super) ordered: Option<Vec<u32>>,
    /// The rows after the first pass of their sort ([`TableBuilder::pack_by_user`]),
    /// the columns emptied meanwhile (their widths kept): the second pass writes
    /// them, into this builder's own columns ([`TableBuilder::sort_by_user`]) or
    /// straight into a merge's ([`TableBuilder::place`]).
    pub(super) packed: Option<UserRows>,
    /// The keys of recent event names (few distinct names: no hashing per row).
    recent_events: Recent,
    /// The keys of recently seen user ids, by their text.
    recent_ids: RecentIds,
    /// The previous row's user id and key (a copy: reading it back from the
    /// dictionary cost two cache misses per row at 55k users).
    last_user: Option<(String, u32)>,
    /// The previous numeric user id's value and key.
    last_number: Option<(u64, u32)>,
}

impl TableBuilder {
    /// A builder with a revenue column or not, and the named property columns.
    pub fn new(has_revenue: bool, properties: &[(String, Role)]) -> Self {
        Self {
            users: Dict::new(),
            user: Vec::new(),
            time: Vec::new(),
            events: Dict::new(),
            event: Keys::new(),
            revenue: has_revenue.then(Revenue::new),
            properties: properties
                .iter()
                .map(|(n, r)| PropertyColumn::new(n.clone(), *r))
                .collect(),
            ordered: None,
            packed: None,
            recent_events: Recent::new(),
            recent_ids: RecentIds::new(),
            last_user: None,
            last_number: None,
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
        self.push_with(user, time_ms, event, revenue, |j| {
            props.get(j).copied().flatten()
        });
    }

    /// Adds one event whose property cells come from `cell(j)` for property column
    /// `j` (`None` or empty = an empty cell): the loader's path, with no per-row
    /// allocation.
    #[inline]
    pub fn push_with<'a>(
        &mut self,
        user: &str,
        time_ms: i64,
        event: &str,
        revenue: Option<f64>,
        cell: impl Fn(usize) -> Option<&'a str>,
    ) {
        self.push_cells(user.as_bytes(), time_ms, event.as_bytes(), revenue, |j| {
            cell(j).map_or(&[][..], str::as_bytes)
        });
    }

    /// [`TableBuilder::push_with`] with the cells as bytes (UTF-8: the loader's
    /// cells, cut at delimiters), the property cells untrimmed (empty = an empty
    /// cell).
    #[inline]
    pub fn push_cells<'a>(
        &mut self,
        user: &[u8],
        time_ms: i64,
        event: &[u8],
        revenue: Option<f64>,
        cell: impl Fn(usize) -> &'a [u8],
    ) {
        let key = self.user_key(user);
        self.user.push(key);
        self.time.push(time_ms);
        self.event
            .push(self.recent_events.intern_bytes(&mut self.events, event));
        if let Some(col) = self.revenue.as_mut() {
            col.push(revenue);
        }
        for (j, col) in self.properties.iter_mut().enumerate() {
            col.push_bytes(cell(j));
        }
    }

    /// The key of a row's user id (UTF-8 bytes). An id of up to 16 bytes is first
    /// looked for by its text among the recently seen ones ([`RecentIds`]: no
    /// parsing, no dictionary lookup); else, and to fill that cache, the
    /// dictionary's path ([`TableBuilder::user_key_of`]).
    #[inline]
    fn user_key(&mut self, user: &[u8]) -> u32 {
        if !ids::cacheable(user) {
            return self.user_key_of(user);
        }
        if let Some(key) = self.recent_ids.get(user) {
            return key;
        }
        let key = self.user_key_of(user);
        self.recent_ids.put(user, key);
        key
    }

    /// The dictionary's key of a row's user id. A user's events often follow each
    /// other: the previous row's user is tried first — for a numeric id by value
    /// (no copy of the id per row), else by its text.
    #[inline(never)]
    fn user_key_of(&mut self, user: &[u8]) -> u32 {
        if let Some(n) = canonical_number(user) {
            if let Some((last, key)) = self.last_number
                && last == n
            {
                return key;
            }
            let key = self.users.intern_number(n, user);
            self.last_number = Some((n, key));
            return key;
        }
        let user = String::from_utf8_lossy(user);
        match &mut self.last_user {
            Some((last, key)) if last.as_str() == user => *key,
            Some((last, key)) => {
                *key = self.users.intern(&user);
                last.clear();
                last.push_str(&user);
                *key
            }
            None => {
                let key = self.users.intern(&user);
                self.last_user = Some((user.into_owned(), key));
                key
            }
        }
    }

    /// Makes room for `rows` more events in every column (a load that knows its
    /// size calls this once, so the columns never grow by doubling).
    pub fn reserve(&mut self, rows: usize) {
        self.user.reserve_exact(rows);
        self.time.reserve_exact(rows);
        self.event.reserve_exact(rows);
        if let Some(r) = self.revenue.as_mut() {
            r.reserve_exact(rows);
        }
        for p in &mut self.properties {
            p.reserve_exact(rows);
        }
    }

    /// Bytes per row of the columns at their current widths: user and time,
    /// the event key, revenue, every property key (for the load's memory estimate).
    pub fn row_bytes(&self) -> usize {
        4 + 8
            + self.event.width()
            + self.revenue.as_ref().map_or(0, |_| 8)
            + self
                .properties
                .iter()
                .map(PropertyColumn::key_width)
                .sum::<usize>()
    }

    /// Bytes the dictionaries take so far: user ids, event names, property values.
    pub fn dictionary_bytes(&self) -> usize {
        self.users.used_bytes()
            + self.events.used_bytes()
            + self
                .properties
                .iter()
                .map(PropertyColumn::dictionary_bytes)
                .sum::<usize>()
    }

    /// Number of events pushed so far (packed or not).
    pub fn len(&self) -> usize {
        match &self.packed {
            Some(rows) => rows.rows(),
            None => self.time.len(),
        }
    }

    /// True when nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when `offsets` (one per user and the row count last) describe this
    /// builder's rows as they are now.
    pub(super) fn is_ordered_by(&self, offsets: &[u32]) -> bool {
        offsets.len() == self.users.len() + 1 && offsets.last().copied() == Some(self.len() as u32)
    }

    /// The key widths of the event column and then of each property column, and
    /// whether there is revenue; then every column is freed (its rows are packed
    /// by now: [`TableBuilder::rows_by_user`]), so that the columns written next
    /// reuse their memory instead of fresh pages, which cost a fault each on first
    /// touch. For the sort and a part's encode.
    pub(super) fn release_columns(&mut self) -> (Vec<usize>, bool) {
        let widths = std::iter::once(self.event.width())
            .chain(self.properties.iter().map(|p| p.keys().width()))
            .collect();
        let had_revenue = self.revenue.is_some();
        self.time = Vec::new();
        self.user = Vec::new();
        self.revenue = None;
        self.event = Keys::default();
        for p in &mut self.properties {
            *p.parts_mut().0 = Keys::default();
        }
        (widths, had_revenue)
    }

    /// The first pass of the sort into per-user order ([`TableBuilder::sort_by_user`])
    /// now, the rows kept packed and the columns freed: the first part of a load in
    /// parts, while the engine waits for the other parts' keys. The second pass
    /// writes the rows straight into the merge's columns ([`TableBuilder::place`]),
    /// or into this builder's own ([`TableBuilder::sort_by_user`],
    /// [`TableBuilder::build`]); no row may be pushed before.
    pub fn pack_by_user(&mut self) {
        if self.packed.is_some() || self.ordered.as_ref().is_some_and(|o| self.is_ordered_by(o)) {
            return;
        }
        let rows = self.rows_by_user();
        // Emptied at the widths they had: the merge's columns, the memory
        // estimates and the revenue check still read them.
        let (widths, had_revenue) = self.release_columns();
        let empty = |w: usize| match w {
            1 => Keys::U8(Vec::new()),
            2 => Keys::U16(Vec::new()),
            _ => Keys::U32(Vec::new()),
        };
        self.revenue = had_revenue.then(Revenue::new);
        let mut widths = widths.into_iter();
        self.event = empty(widths.next().unwrap_or(1));
        for (p, w) in self.properties.iter_mut().zip(widths) {
            *p.parts_mut().0 = empty(w);
        }
        self.ordered = None;
        self.packed = Some(rows);
    }

    /// Rows packed by [`TableBuilder::pack_by_user`] written back into this
    /// builder's columns (in per-user order), so that rows can be pushed again;
    /// nothing when none are packed.
    pub fn unpack(&mut self) {
        if self.packed.is_some() {
            self.sort_by_user();
        }
    }

    /// Puts the rows in per-user order — user key, time, input row — now instead
    /// of at [`TableBuilder::build`] (after [`TableBuilder::pack_by_user`]: its
    /// second pass).
    pub fn sort_by_user(&mut self) {
        if self.packed.is_none() && self.ordered.as_ref().is_some_and(|o| self.is_ordered_by(o)) {
            return;
        }
        // Whole rows moved at once (`packed`): one memory access per row, not
        // one per column; each column appended block by block from cache.
        let n = self.len();
        let order = match self.packed.take() {
            Some(rows) => rows,
            None => self.rows_by_user(),
        };
        // The new columns are appended in order, never zero-filled first.
        let (widths, had_revenue) = self.release_columns();
        let mut time = Vec::with_capacity(n);
        let mut revenue = had_revenue.then(|| {
            let mut r = Revenue::new();
            r.reserve_exact(n);
            r
        });
        let mut keys: Vec<Keys> = widths
            .iter()
            .map(|&w| match w {
                1 => Keys::U8(Vec::with_capacity(n)),
                2 => Keys::U16(Vec::with_capacity(n)),
                _ => Keys::U32(Vec::with_capacity(n)),
            })
            .collect();
        let mut order = order;
        order.each_block(|_, block| {
            time.extend(block.times());
            if let Some(r) = revenue.as_mut() {
                block.revenue_bits().for_each(|b| r.push_bits(b));
            }
            for (c, k) in keys.iter_mut().enumerate() {
                block.append_keys(c, k);
            }
        });
        let rows = order;
        self.time = time;
        // Its values grew as they came: no spare room kept.
        if let Some(r) = revenue.as_mut() {
            r.shrink_to_fit();
        }
        self.revenue = revenue;
        let mut keys = keys.into_iter();
        self.event = keys.next().unwrap_or_default();
        for (p, k) in self.properties.iter_mut().zip(keys) {
            *p.parts_mut().0 = k;
        }
        let mut user = Vec::with_capacity(n);
        for (u, w) in rows.offsets.windows(2).enumerate() {
            user.extend(std::iter::repeat_n(u as u32, (w[1] - w[0]) as usize));
        }
        self.user = user;
        self.ordered = Some(rows.offsets);
    }

    /// Finishes the table: spare capacity released, and the per-user order.
    pub fn build(mut self, mut meta: TableMeta) -> EventTable {
        self.users.shrink_to_fit();
        self.user.shrink_to_fit();
        self.time.shrink_to_fit();
        self.events.shrink_to_fit();
        self.event.shrink_to_fit();
        if let Some(r) = self.revenue.as_mut() {
            r.shrink_to_fit();
        }
        for p in &mut self.properties {
            p.shrink_to_fit();
        }
        // The rows are stored in per-user order, `(user, time, input row)`: every
        // analysis walks users one by one, and with the rows of a user contiguous
        // that walk reads each column sequentially instead of jumping across it
        // (at 10M events the jumps were most of an analysis' time). Ties keep input
        // order, so "row order" within a user still means input order.
        // Sorted whole rows at a time (`packed`), as a part of a load in parts is:
        // one memory access per row instead of one per column of a permutation's
        // gathers (10M rows natively: the sequential load 2.17–2.36 → 2.07–2.20 s).
        if self.packed.is_some() || !self.ordered.as_ref().is_some_and(|o| self.is_ordered_by(o)) {
            self.sort_by_user();
        }
        let order = UserOrder::from_offsets(self.ordered.take().unwrap_or_default());
        if meta.rows_read == 0 {
            meta.rows_read = self.time.len() as u64;
        }
        // First and last time in one pass over the column (was two).
        let span = (!self.time.is_empty()).then(|| {
            self.time
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)))
        });
        EventTable {
            meta,
            users: self.users,
            user: self.user,
            time: self.time,
            events: self.events,
            event: self.event,
            revenue: self.revenue,
            properties: self.properties,
            order,
            span,
            attributes: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// The user keys (by the previous numeric value or text, the numeric table,
        /// the dictionary) and the event and property keys equal a plain first-seen
        /// map's, pushed as text or as the loader's bytes, on ids of 1–20 digits with
        /// leading zeros and text ids interleaved, repeated and alternating.
        #[test]
        fn keys_equal_a_first_seen_map(
            picks in proptest::collection::vec((0usize..40, 0usize..6, proptest::bool::ANY), 1..400),
        ) {
            let pool: Vec<String> = (0..40u64)
                .map(|i| match i % 8 {
                    0 => format!("{}", 3_006_369_229 + i),
                    1 => format!("0{}", 3_006_369_229 + i),
                    2 => format!("{}", 9_999_999_999_999_999_990 + i % 10),
                    3 => format!("1844674407370955{:04}", i),
                    4 => format!("user-{i}"),
                    5 => format!("{}", i % 3),
                    6 => format!("{}", 123_456_789_012_345_600 + i),
                    _ => format!("{}", 10_000_000_000_000_000 + i),
                })
                .collect();
            let events = ["page_view", "add_to_cart", "purchase", "a", "ab", "checkout_started_x"];
            let props = [("p".to_string(), Role::Property)];
            let (mut text, mut bytes) = (TableBuilder::new(false, &props), TableBuilder::new(false, &props));
            let (mut users, mut names) = (HashMap::new(), HashMap::new());
            let (mut want_users, mut want_events) = (Vec::new(), Vec::new());
            for (row, &(u, e, empty)) in picks.iter().enumerate() {
                let (user, event) = (&pool[u], events[e]);
                let cell = if empty { "" } else { event };
                text.push(user, row as i64, event, None, &[Some(cell)]);
                bytes.push_cells(user.as_bytes(), row as i64, event.as_bytes(), None, |_| cell.as_bytes());
                let next = users.len() as u32;
                want_users.push(*users.entry(user.clone()).or_insert(next));
                let next = names.len() as u32;
                want_events.push(*names.entry(event).or_insert(next));
            }
            for b in [&text, &bytes] {
                proptest::prop_assert_eq!(&b.user, &want_users);
                let got: Vec<u32> = (0..b.len()).map(|i| b.event.get(i)).collect();
                proptest::prop_assert_eq!(&got, &want_events);
                for (k, name) in b.users.iter().enumerate() {
                    proptest::prop_assert_eq!(users[name], k as u32);
                }
            }
            let cells = |b: &TableBuilder| (0..b.len()).map(|i| b.properties[0].value(i as u32).map(str::to_string)).collect::<Vec<_>>();
            proptest::prop_assert_eq!(cells(&text), cells(&bytes));
        }
    }
}
