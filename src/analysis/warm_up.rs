//! The analyses run once on a small table, for a wasm engine that compiles code
//! in tiers: V8 runs a wasm function in its quick baseline tier until it has run
//! long enough, and a call under way stays in that tier, so the first funnel on 10
//! million events took ≈ 1.5× the next ones (BENCHMARKS.md). The page's engine
//! worker runs [`inputs`]' specs once it is ready, long before a file is dropped,
//! and the first analysis of a loaded file runs optimised code.

use crate::demo::demo_csv_with;
use crate::error::Result;
use crate::ingest::{self, LoadOptions};
use crate::progress::Silent;
use crate::spec::Spec;
use crate::table::EventTable;

/// The page's analyses with their usual options, on the demo's event names.
const SPECS: [&str; 7] = [
    r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"product_view"},{"event":"add_to_cart"},{"event":"purchase"}],"window":"7d","mode":"ordered"}"#,
    r#"{"analysis":"retention","period":"week","periods":12,"mode":"bounded"}"#,
    r#"{"analysis":"retention","period":"month","periods":12,"measure":"revenue"}"#,
    r#"{"analysis":"rfm","purchase_event":"purchase"}"#,
    r#"{"analysis":"repurchase","purchase_event":"purchase","within_days":[30],"drivers_within_days":0}"#,
    r#"{"analysis":"repurchase","purchase_event":"purchase","within_days":[30,60,90],"drivers_within_days":7}"#,
    r#"{"analysis":"lifecycle","period":"week"}"#,
];

/// Users of the warm-up table (about ten events each).
const USERS: usize = 2_000;

/// The warm-up's table — a small demo log, read by the sequential load (which is
/// warmed up too) — and the specs to run on it.
pub fn inputs() -> Result<(EventTable, Vec<Spec>)> {
    let csv = demo_csv_with(USERS, 7);
    let table = ingest::load(
        "warm-up.csv",
        csv.as_bytes(),
        LoadOptions::default(),
        &mut Silent,
    )?;
    let specs = SPECS
        .iter()
        .map(|s| Spec::from_json(s))
        .collect::<Result<Vec<_>>>()?;
    Ok((table, specs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;

    #[test]
    fn every_warm_up_spec_runs_on_its_table_with_real_results() {
        let (table, specs) = inputs().unwrap();
        assert!(table.len() > 10_000, "{} events", table.len());
        assert_eq!(specs.len(), SPECS.len());
        for spec in &specs {
            let report = crate::analysis::run(&table, spec).unwrap();
            if let Report::Funnel(f) = &report {
                let users: Vec<u64> = f.steps.iter().map(|s| s.users).collect();
                assert!(users[0] > 1_000 && users[3] > 0, "{users:?}");
            }
        }
    }
}
