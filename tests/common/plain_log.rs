//! A plain event log for the reference tests of paths and funnel drivers: events
//! with a user number, a time, a name and one property `p`, built into a table.
#![allow(dead_code)]

use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

/// One event of a test log.
#[derive(Debug, Clone)]
pub struct Ev {
    /// User number (the id is `user{n}`).
    pub user: usize,
    /// Time (ms).
    pub time: i64,
    /// Event name.
    pub name: &'static str,
    /// The property `p`.
    pub p: Option<&'static str>,
}

/// The table of `events`, with property `p` and no revenue.
pub fn build(events: &[Ev]) -> EventTable {
    let mut b = TableBuilder::new(false, &[("p".to_string(), Role::Property)]);
    for e in events {
        b.push(&format!("user{}", e.user), e.time, e.name, None, &[e.p]);
    }
    b.build(TableMeta::synthetic("random.csv"))
}
