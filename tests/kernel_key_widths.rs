//! The funnel's and retention's kernels read the event-name key column as stored:
//! one byte per row up to 256 names, two bytes beyond, four beyond 65,536. The same
//! events give the same funnel and retention whatever the width: here with
//! users of filler events only (names no step or selection names, each within
//! the span) added to make the column wider.

use proptest::prelude::*;
use tidemark::analysis::run;
use tidemark::spec::Spec;
use tidemark::table::{EventTable, TableBuilder, TableMeta};

const NAMES: [&str; 4] = ["a", "b", "c", "d"];
const DAY: i64 = 86_400_000;

/// The log `(user, day, hour, name)`, plus users with `fillers` distinct names.
fn table(log: &[(u8, i64, i64, usize)], fillers: usize) -> EventTable {
    let mut b = TableBuilder::new(true, &[]);
    let t0 = 1_735_689_600_000i64;
    for &(user, day, hour, name) in log {
        let revenue = (name == 3).then_some(1.5);
        b.push(
            &format!("u{user}"),
            t0 + day * DAY + hour * 3_600_000,
            NAMES[name],
            revenue,
            &[],
        );
    }
    for f in 0..fillers {
        b.push(
            &format!("filler{}", f % 7),
            t0 + (f as i64 % 40) * DAY,
            &format!("f{f}"),
            None,
            &[],
        );
    }
    b.build(TableMeta::synthetic("widths"))
}

const SPECS: [&str; 5] = [
    r#"{"analysis":"funnel","steps":[{"event":"a"},{"event":"b"},{"event":"c"},{"event":"d"}],"window":"3d","mode":"ordered"}"#,
    r#"{"analysis":"funnel","steps":[{"event":"a"},{"event":"a"},{"event":"b"}],"window":"0","mode":"ordered"}"#,
    r#"{"analysis":"retention","period":"week","periods":3,"start_event":{"event":"a"},"return_event":{"event":"b"}}"#,
    r#"{"analysis":"retention","period":"day","periods":5,"mode":"unbounded","start_event":{"event":"b"},"return_event":{"event":"d"}}"#,
    r#"{"analysis":"retention","period":"month","periods":2,"measure":"revenue","start_event":{"event":"a"},"return_event":{"event":"d"}}"#,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn reports_do_not_depend_on_the_key_width(
        log in proptest::collection::vec((0u8..8, 0i64..40, 0i64..24, 0usize..4), 1..80),
    ) {
        // All four names present, so every spec names existing events, and the
        // span pinned to days 0–39 (the fillers' days), so the data end is the same.
        let mut log = log;
        for (i, _) in NAMES.iter().enumerate() {
            log.push((0, 1, 1, i));
        }
        log.push((9, 0, 0, 2));
        log.push((9, 39, 23, 2));
        let narrow = table(&log, 0);
        for fillers in [300, 70_000] {
            let wide = table(&log, fillers);
            for spec in SPECS {
                let spec = Spec::from_json(spec).expect("spec");
                let a = serde_json::to_string(&run(&narrow, &spec).expect("runs")).expect("json");
                let b = serde_json::to_string(&run(&wide, &spec).expect("runs")).expect("json");
                prop_assert_eq!(a, b);
            }
        }
    }
}
