//! Everything observable of an [`EventTable`] as one string, to compare two loads of
//! the same bytes: the summary as JSON, the dictionaries in key order, every row's
//! keys, time and revenue bits, every property cell; or the error's sentence.
//! Shared by `tests/parallel_load.rs`, `tests/fuzz_regressions.rs` and the fuzz
//! target `csv_parts` (which includes it by path).
#![allow(dead_code)]

use tidemark::report::Summary;
use tidemark::table::EventTable;

/// The table, all of it, as text.
pub fn dump(t: &EventTable) -> String {
    let mut out = serde_json::to_string_pretty(&Summary::of(t)).expect("summary serializes");
    let users: Vec<&str> = (0..t.user_count() as u32).map(|u| t.user_id(u)).collect();
    let events: Vec<&str> = t.event_names().iter().collect();
    out.push_str(&format!("\nusers {users:?}\nevents {events:?}\n"));
    for p in t.properties() {
        let values: Vec<&str> = p.dictionary().iter().collect();
        out.push_str(&format!("{} {:?} {values:?}\n", p.name(), p.role()));
    }
    // The revenue column's own view: its rows and present values, in row order.
    if let Some(c) = t.revenue_column() {
        let values: Vec<u64> = c.values().iter().map(|v| v.to_bits()).collect();
        out.push_str(&format!("revenue {} rows, present {values:?}\n", c.len()));
    }
    for r in 0..t.len() as u32 {
        let props: Vec<Option<u32>> = t.properties().iter().map(|p| p.key(r)).collect();
        out.push_str(&format!(
            "{} {} {} {:?} {props:?}\n",
            t.user(r),
            t.time(r),
            t.event(r),
            t.revenue(r).map(f64::to_bits)
        ));
    }
    out
}

/// A load's outcome: the table's dump, or `error: ` and the message.
pub fn outcome(r: Result<EventTable, tidemark::Error>) -> String {
    match r {
        Ok(t) => dump(&t),
        Err(e) => format!("error: {e}"),
    }
}

/// The fuzz target `csv_parts`'s reading of its input: the first byte's low two
/// bits are the number of cuts (0–3), the next that many bytes place each cut at
/// that fraction (/256) of the file, the rest is the file.
pub fn parts_input(data: &[u8]) -> (Vec<u64>, &[u8]) {
    let n = data.first().map_or(0, |b| usize::from(b & 3));
    let fractions = data.get(1..1 + n).unwrap_or(&[]);
    let bytes = data.get(1 + n..).unwrap_or(&[]);
    let len = bytes.len() as u64;
    let cuts = fractions
        .iter()
        .map(|&f| len * u64::from(f) / 256)
        .collect();
    (cuts, bytes)
}
