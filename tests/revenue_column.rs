//! The sparse revenue column through the table: a table built from random events
//! whose revenue is none, all, random or in runs, then restricted to random users,
//! reads back what a naive per-user list of `Option<f64>` says — each row's value,
//! the total and its row count, the heap bytes of the column.

use proptest::prelude::*;
use tidemark::table::{EventTable, TableBuilder, TableMeta};

/// Events: (user, time, revenue) with revenue of one of four densities.
fn events() -> impl Strategy<Value = Vec<(u32, i64, Option<f64>)>> {
    (
        0u8..4,
        proptest::collection::vec((0u32..40, 0i64..50, 0u32..1000, any::<bool>()), 0..700),
    )
        .prop_map(|(mode, rows)| {
            let mut on = false;
            rows.into_iter()
                .map(|(u, t, v, flip)| {
                    let has = match mode {
                        0 => false,
                        1 => true,
                        2 => v % 3 == 0,
                        _ => {
                            on ^= flip && v % 17 == 0;
                            on
                        }
                    };
                    (u, t, has.then(|| f64::from(v) / 8.0 - 20.0))
                })
                .collect()
        })
}

fn table(events: &[(u32, i64, Option<f64>)]) -> EventTable {
    let mut b = TableBuilder::new(true, &[]);
    for &(u, t, r) in events {
        b.push(&format!("u{u}"), t, "e", r, &[]);
    }
    b.build(TableMeta::synthetic("r.csv"))
}

/// The naive table: each user's events in first-seen order of users, each
/// user's sorted stably by time.
fn naive(events: &[(u32, i64, Option<f64>)], keep: &dyn Fn(u32) -> bool) -> Vec<Option<f64>> {
    let mut users: Vec<u32> = Vec::new();
    for &(u, _, _) in events {
        if !users.contains(&u) {
            users.push(u);
        }
    }
    let mut out = Vec::new();
    for u in users.into_iter().filter(|&u| keep(u)) {
        let mut mine: Vec<(i64, Option<f64>)> = events
            .iter()
            .filter(|e| e.0 == u)
            .map(|e| (e.1, e.2))
            .collect();
        mine.sort_by_key(|e| e.0);
        out.extend(mine.into_iter().map(|e| e.1));
    }
    out
}

fn bits(v: &[Option<f64>]) -> Vec<Option<u64>> {
    v.iter().map(|v| v.map(f64::to_bits)).collect()
}

fn check(t: &EventTable, want: &[Option<f64>]) -> Result<(), TestCaseError> {
    let got: Vec<Option<f64>> = (0..t.len() as u32).map(|r| t.revenue(r)).collect();
    prop_assert_eq!(bits(&got), bits(want));
    let c = t.revenue_column().expect("a revenue column");
    prop_assert_eq!(bits(&c.iter().collect::<Vec<_>>()), bits(want));
    let (sum, n) = t.revenue_total().expect("a revenue column");
    let naive = want.iter().fold(0.0, |s, v| s + v.unwrap_or(0.0));
    prop_assert_eq!(
        (sum.to_bits(), n),
        (naive.to_bits(), want.iter().flatten().count() as u64)
    );
    // Presence bits and ranks per 64 rows, the values where present: no spare room.
    let present = want.iter().flatten().count();
    prop_assert_eq!(c.heap_bytes(), want.len().div_ceil(64) * 12 + present * 8);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_table_and_its_restrictions_read_the_naive_revenue(
        events in events(),
        keep in proptest::collection::vec(any::<bool>(), 40),
    ) {
        let t = table(&events);
        check(&t, &naive(&events, &|_| true))?;
        // Keys are first-seen order: user `u{k}` is key `t.user_key`.
        let mask: Vec<bool> = (0..t.user_count() as u32)
            .map(|k| keep[t.user_id(k)[1..].parse::<usize>().unwrap_or(0)])
            .collect();
        let r = t.restrict(&mask);
        check(&r, &naive(&events, &|u| keep[u as usize]))?;
    }
}
