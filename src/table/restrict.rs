//! A table restricted to some users: what a segment filter runs the analyses on.
//!
//! The result is the table of a file holding only those users' rows, except
//! that it keeps (1) the event-name dictionary, so an event that only other
//! users have is still known (a step of it counts 0 rather than being a
//! mistyped name), and (2) the observed time range, so "the data end" (the
//! retention, repeat-purchase and RFM cut-offs) is the whole file's: a segment
//! does not shorten the observation window.

use super::keys;
use super::{Dict, EventTable, UserOrder};

impl EventTable {
    /// The table of the users whose `keep[user key]` is true (a missing entry is
    /// false). Users keep their relative order; their rows keep their order.
    pub fn restrict(&self, keep: &[bool]) -> EventTable {
        let kept: Vec<u32> = (0..self.user_count() as u32)
            .filter(|&u| keep.get(u as usize).copied().unwrap_or(false))
            .collect();
        let mut rows: Vec<u32> = Vec::new();
        let mut users = Dict::new();
        let mut user = Vec::new();
        // Kept users in key order, each one's rows in order: the new table is
        // stored user by user too, user `k`'s rows at `offsets[k]..offsets[k + 1]`.
        let mut offsets = Vec::with_capacity(kept.len() + 1);
        offsets.push(0u32);
        for &u in &kept {
            let new = users.intern(self.user_id(u));
            let r = self.order.rows_of(u);
            rows.extend(r);
            user.extend(std::iter::repeat_n(new, r.len()));
            offsets.push(rows.len() as u32);
        }
        let time = keys::permute(&self.time, &rows);
        let order = UserOrder::from_offsets(offsets);
        EventTable {
            meta: self.meta.clone(),
            users,
            user,
            time,
            events: self.events.clone(),
            event: self.event.permuted(&rows),
            revenue: self.revenue.as_ref().map(|r| r.permuted(&rows)),
            properties: self
                .properties
                .iter()
                .map(|p| {
                    let mut p = p.clone();
                    p.permute(&rows);
                    p
                })
                .collect(),
            order,
            span: self.span,
            attributes: self.attributes.as_ref().map(|a| a.select(&kept)),
        }
    }
}
