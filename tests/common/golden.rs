//! Golden results for determinism: analyses whose numbers involve no
//! transcendental function (so no libm difference between targets) run on the
//! demo log must give byte-identical JSON on every run and on every target —
//! natively (`tests/golden.rs`) and in wasm (`tests/web.rs`). The expected texts
//! live in `tests/data/golden/`; `TIDEMARK_BLESS=1 cargo test --test golden`
//! rewrites them after an intended change.

use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::spec::Spec;

/// (file stem, spec) of every golden result.
pub const SPECS: [(&str, &str); 7] = [
    (
        "funnel",
        r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d","breakdown":"channel"}"#,
    ),
    (
        "retention",
        r#"{"analysis":"retention","period":"week","periods":8}"#,
    ),
    ("lifecycle", r#"{"analysis":"lifecycle","period":"month"}"#),
    ("rfm", r#"{"analysis":"rfm","purchase_event":"purchase"}"#),
    ("tiers", r#"{"analysis":"tiers","metric":"revenue"}"#),
    (
        "segment",
        r#"{"analysis":"segment","rule":"purchases >= 2 and days_since_last < 30","users":true}"#,
    ),
    (
        "funnel_segments",
        r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}],"segment":{"rule":"did(\"page_view\", within = \"90d\")"},"segments":[{"name":"CN","segment":{"rule":"country = \"CN\""}},{"segment":{"rfm":"Champions"}}]}"#,
    ),
];

/// The expected texts, in the order of [`SPECS`].
pub const EXPECTED: [&str; 7] = [
    include_str!("../data/golden/funnel.json"),
    include_str!("../data/golden/retention.json"),
    include_str!("../data/golden/lifecycle.json"),
    include_str!("../data/golden/rfm.json"),
    include_str!("../data/golden/tiers.json"),
    include_str!("../data/golden/segment.json"),
    include_str!("../data/golden/funnel_segments.json"),
];

/// Every golden result computed now, as pretty JSON with a final newline.
pub fn outputs() -> Vec<(&'static str, String)> {
    let csv = tidemark::demo::demo_csv();
    let table = load(
        "demo.csv",
        csv.as_bytes(),
        LoadOptions::default(),
        &mut Silent,
    )
    .expect("the demo loads");
    SPECS
        .iter()
        .map(|(name, json)| {
            let spec = Spec::from_json(json).expect("golden spec parses");
            let report = tidemark::analysis::run(&table, &spec).expect("golden spec runs");
            let text = serde_json::to_string_pretty(&report).expect("serializes");
            (*name, format!("{text}\n"))
        })
        .collect()
}
