//! The load in parts (`ingest::parallel`, what the page does with several Web
//! Workers) against the sequential load of the same bytes: the input's first byte
//! says how many cuts (0–3), the next bytes where (fractions of the file), the rest
//! is the file. Must never panic, and must give exactly the sequential load's table
//! (every dictionary in key order, every cell, the summary and skipped rows) or
//! exactly its error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidemark::ingest::parallel::load_in_parts;
use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;

#[path = "../../tests/common/table_dump.rs"]
mod table_dump;

fuzz_target!(|data: &[u8]| {
    let (cuts, bytes) = table_dump::parts_input(data);
    let options = LoadOptions::default();
    let parts = table_dump::outcome(load_in_parts("f.csv", bytes, &options, &cuts));
    let sequential = table_dump::outcome(load("f.csv", bytes, options, &mut Silent));
    assert_eq!(parts, sequential, "cuts {cuts:?}");
});
