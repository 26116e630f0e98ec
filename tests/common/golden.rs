//! Golden results for determinism: every analysis, run on a fixed input, must give
//! byte-identical JSON on every run and on every target — natively
//! (`tests/golden.rs`) and in wasm (`tests/web.rs`). The transcendental functions
//! of the core come from the `libm` crate (`tidemark::analysis::libm_ext`), so
//! repurchase's p-values and the CLV fit agree to the last bit too. The expected
//! texts live in `tests/data/golden/`; `TIDEMARK_BLESS=1 cargo test --test golden`
//! rewrites them after an intended change.

use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::spec::Spec;
use tidemark::table::EventTable;

/// The input of a golden result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The demo event log (`tidemark::demo::demo_csv`).
    Demo,
    /// The CDNOW sample's customers `0001`–`0150` (`tests/data/cdnow_sample.csv`):
    /// a real order file, small enough for a readable CLV golden file.
    Cdnow150,
}

/// (file stem, input, spec) of every golden result.
pub const SPECS: [(&str, Input, &str); 12] = [
    (
        "funnel",
        Input::Demo,
        r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d","breakdown":"channel"}"#,
    ),
    (
        "retention",
        Input::Demo,
        r#"{"analysis":"retention","period":"week","periods":8}"#,
    ),
    (
        "lifecycle",
        Input::Demo,
        r#"{"analysis":"lifecycle","period":"month"}"#,
    ),
    (
        "rfm",
        Input::Demo,
        r#"{"analysis":"rfm","purchase_event":"purchase"}"#,
    ),
    (
        "tiers",
        Input::Demo,
        r#"{"analysis":"tiers","metric":"revenue"}"#,
    ),
    (
        "repurchase",
        Input::Demo,
        r#"{"analysis":"repurchase","purchase_event":"purchase","within_days":[30,60,90],"drivers_within_days":7}"#,
    ),
    (
        "clv",
        Input::Cdnow150,
        r#"{"analysis":"clv","purchase_event":"purchase","unit":"week","calibration_end":"1997-09-30","horizon":39,"discount_rate":0.01}"#,
    ),
    (
        "segment",
        Input::Demo,
        r#"{"analysis":"segment","rule":"purchases >= 2 and days_since_last < 30","users":true}"#,
    ),
    (
        "funnel_segments",
        Input::Demo,
        r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}],"segment":{"rule":"did(\"page_view\", within = \"90d\")"},"segments":[{"name":"CN","segment":{"rule":"country = \"CN\""}},{"segment":{"rfm":"Champions"}}]}"#,
    ),
    (
        "paths",
        Input::Demo,
        r#"{"analysis":"paths","from_funnel":{"steps":[{"event":"page_view","where":{"channel":"ads"}},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d","dropped_after_step":2},"steps":4,"min_share":0.05,"top":10}"#,
    ),
    (
        "funnel_drivers",
        Input::Demo,
        r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"page_view"},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d"},"min_group":20,"top":15}"#,
    ),
    (
        "basket",
        Input::Demo,
        r#"{"analysis":"basket","item":"category","min_support":0.01,"min_confidence":0.05,"top":20,"for_item":"books"}"#,
    ),
];

/// The expected texts, in the order of [`SPECS`].
pub const EXPECTED: [&str; 12] = [
    include_str!("../data/golden/funnel.json"),
    include_str!("../data/golden/retention.json"),
    include_str!("../data/golden/lifecycle.json"),
    include_str!("../data/golden/rfm.json"),
    include_str!("../data/golden/tiers.json"),
    include_str!("../data/golden/repurchase.json"),
    include_str!("../data/golden/clv.json"),
    include_str!("../data/golden/segment.json"),
    include_str!("../data/golden/funnel_segments.json"),
    include_str!("../data/golden/paths.json"),
    include_str!("../data/golden/funnel_drivers.json"),
    include_str!("../data/golden/basket.json"),
];

fn table(input: Input) -> EventTable {
    let (name, csv) = match input {
        Input::Demo => ("demo.csv", tidemark::demo::demo_csv()),
        Input::Cdnow150 => {
            let all = include_str!("../data/cdnow_sample.csv");
            let csv: String = all
                .lines()
                .enumerate()
                .filter(|(i, l)| *i == 0 || l.get(..4).is_some_and(|id| id <= "0150"))
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            ("cdnow_150.csv", csv)
        }
    };
    load(name, csv.as_bytes(), LoadOptions::default(), &mut Silent).expect("golden input loads")
}

/// Every golden result computed now, as pretty JSON with a final newline.
pub fn outputs() -> Vec<(&'static str, String)> {
    let demo = table(Input::Demo);
    let cdnow = table(Input::Cdnow150);
    SPECS
        .iter()
        .map(|(name, input, json)| {
            let table = match input {
                Input::Demo => &demo,
                Input::Cdnow150 => &cdnow,
            };
            let spec = Spec::from_json(json).expect("golden spec parses");
            let report = tidemark::analysis::run(table, &spec).expect("golden spec runs");
            let text = serde_json::to_string_pretty(&report).expect("serializes");
            (*name, format!("{text}\n"))
        })
        .collect()
}

/// Where two texts first differ: the line number and both lines.
pub fn first_difference(got: &str, want: &str) -> String {
    let mut want_lines = want.lines();
    for (i, g) in got.lines().enumerate() {
        let w = want_lines.next().unwrap_or("<end>");
        if g != w {
            return format!("line {}: got `{g}`, want `{w}`", i + 1);
        }
    }
    "the expected text is longer".into()
}
