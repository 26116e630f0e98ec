//! The spec JSON: any text through `Spec::from_json`, and every spec that parses
//! run on a small fixed event table (every analysis, with revenue, properties and
//! a second purchase). Must never panic; a result must serialize to the same JSON
//! twice.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::spec::Spec;
use tidemark::table::EventTable;

const CSV: &str = "user_id,time,event,revenue,channel\n\
u1,2024-01-01T10:00:00Z,page_view,,ads\n\
u1,2024-01-01T10:05:00Z,add_to_cart,,ads\n\
u1,2024-01-02T09:00:00Z,purchase,20,ads\n\
u1,2024-02-10T09:00:00Z,purchase,35.5,seo\n\
u2,2024-01-03T12:00:00Z,page_view,,seo\n\
u2,2024-01-09T12:00:00Z,purchase,12,seo\n\
u3,2024-01-15T08:00:00Z,page_view,,email\n\
u3,2024-03-01T08:00:00Z,add_to_cart,,email\n\
u4,2024-02-01T08:00:00Z,purchase,99,ads\n\
u4,2024-02-20T08:00:00Z,purchase,1,ads\n\
u4,2024-03-20T08:00:00Z,purchase,5,ads\n";

fn table() -> &'static EventTable {
    static TABLE: OnceLock<EventTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        load("t.csv", CSV.as_bytes(), LoadOptions::default(), &mut Silent)
            .expect("the fixed table loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = Spec::from_json(text) else {
        return;
    };
    if let Ok(report) = tidemark::analysis::run(table(), &spec) {
        let a = serde_json::to_string(&report).expect("serializes");
        let b = serde_json::to_string(&report).expect("serializes");
        assert_eq!(a, b);
    }
});
