//! The market basket against the textbook example (Tan, Steinbach & Kumar,
//! *Introduction to Data Mining*, the five bread/milk/diapers/beer transactions,
//! figures worked by hand) and against brute-force item-set enumeration on small
//! random data (every subset of the items counted in every basket).

use std::collections::BTreeMap;

use proptest::prelude::*;
use tidemark::analysis::basket::basket;
use tidemark::report::{BasketReport, ItemSet, Rule};
use tidemark::spec::{BasketSpec, EventSpec, Spec};
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

const DAY: i64 = 86_400_000;

#[derive(Debug, Clone)]
struct Row {
    user: usize,
    time: i64,
    event: &'static str,
    order: Option<String>,
    item: Option<&'static str>,
}

fn build(rows: &[Row]) -> EventTable {
    let mut b = TableBuilder::new(
        false,
        &[
            ("order_id".to_string(), Role::Order),
            ("sku".to_string(), Role::Item),
        ],
    );
    for r in rows {
        b.push(
            &format!("u{}", r.user),
            r.time,
            r.event,
            None,
            &[r.order.as_deref(), r.item],
        );
    }
    b.build(TableMeta::synthetic("baskets.csv"))
}

/// A table with an item column and no order column.
fn build_items_only(rows: &[Row]) -> EventTable {
    let mut b = TableBuilder::new(false, &[("sku".to_string(), Role::Item)]);
    for r in rows {
        b.push(&format!("u{}", r.user), r.time, r.event, None, &[r.item]);
    }
    b.build(TableMeta::synthetic("baskets.csv"))
}

fn spec(min_support: f64, min_confidence: f64) -> BasketSpec {
    BasketSpec {
        purchase_event: None,
        item: None,
        order: None,
        min_support,
        min_confidence,
        max_len: 3,
        for_item: None,
        top: 10_000,
    }
}

/// The five transactions, one order each (two of them by the same user).
fn textbook() -> Vec<Row> {
    let t: [&[&'static str]; 5] = [
        &["Bread", "Milk"],
        &["Bread", "Diapers", "Beer", "Eggs"],
        &["Milk", "Diapers", "Beer", "Cola"],
        &["Bread", "Milk", "Diapers", "Beer"],
        &["Bread", "Milk", "Diapers", "Cola"],
    ];
    let mut rows = Vec::new();
    for (i, items) in t.iter().enumerate() {
        for item in items.iter() {
            rows.push(Row {
                user: i.min(3),
                time: i as i64 * 1000,
                event: "purchase",
                order: Some(format!("T{}", i + 1)),
                item: Some(item),
            });
        }
    }
    rows
}

fn rule<'r>(r: &'r BasketReport, x: &[&str], y: &[&str]) -> &'r Rule {
    r.rules
        .iter()
        .find(|rule| rule.antecedent == x && rule.consequent == y)
        .unwrap_or_else(|| panic!("no rule {x:?} -> {y:?}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn textbook_rules_by_hand() {
    // min support 0.4 (2 of 5 baskets), min confidence 0.5: the book's rules from
    // {Beer, Diapers, Milk} (support 0.4) have confidence 0.67, 1.0, 0.67, 0.67,
    // 0.5, 0.5; support(Beer) = 0.6, support(Milk) = 0.8, support(Diapers) = 0.8.
    let table = build(&textbook());
    let r = basket(&table, &spec(0.4, 0.5)).unwrap();
    assert_eq!((r.baskets, r.items, r.rows, r.min_baskets), (5, 6, 18, 2));
    assert_eq!(r.basket_by, "order_id");
    assert_eq!(r.item_column, "sku");
    let cases: [(&[&str], &[&str], f64, f64); 6] = [
        (
            &["Beer", "Diapers"],
            &["Milk"],
            2.0 / 3.0,
            (2.0 / 3.0) / 0.8,
        ),
        (&["Beer", "Milk"], &["Diapers"], 1.0, 1.0 / 0.8),
        (
            &["Diapers", "Milk"],
            &["Beer"],
            2.0 / 3.0,
            (2.0 / 3.0) / 0.6,
        ),
        (
            &["Beer"],
            &["Diapers", "Milk"],
            2.0 / 3.0,
            (2.0 / 3.0) / 0.6,
        ),
        (&["Diapers"], &["Beer", "Milk"], 0.5, 0.5 / 0.4),
        (&["Milk"], &["Beer", "Diapers"], 0.5, 0.5 / 0.6),
    ];
    for (x, y, conf, lift) in cases {
        let got = rule(&r, x, y);
        assert_eq!(got.baskets, 2);
        assert!(close(got.support, 0.4));
        assert!(
            close(got.confidence, conf),
            "{x:?}->{y:?}: {}",
            got.confidence
        );
        assert!(close(got.lift, lift), "{x:?}->{y:?}: {}", got.lift);
    }
    // {Diapers} → {Beer}: support 3/5, confidence 3/4, lift 0.75 / 0.6 = 1.25;
    // {Beer} → {Diapers}: confidence 3/3, lift 1 / 0.8 = 1.25.
    let d_b = rule(&r, &["Diapers"], &["Beer"]);
    assert!(close(d_b.support, 0.6) && close(d_b.confidence, 0.75) && close(d_b.lift, 1.25));
    let b_d = rule(&r, &["Beer"], &["Diapers"]);
    assert!(close(b_d.confidence, 1.0) && close(b_d.lift, 1.25));
    // Frequent pairs at 0.4: Bread-Milk 3, Bread-Diapers 3, Milk-Diapers 3,
    // Beer-Diapers 3, Bread-Beer 2, Milk-Beer 2, Milk-Cola 2, Diapers-Cola 2;
    // triples: Bread-Milk-Diapers 2, Milk-Diapers-Beer 2, Bread-Diapers-Beer 2,
    // Milk-Diapers-Cola 2.
    assert_eq!(r.itemsets_total, 12);
    assert_eq!(r.itemsets[0].baskets, 3);
    // "Customers who bought Beer also bought": Diapers (1.0), Milk (2/3), Bread (2/3).
    let mut s = spec(0.4, 0.5);
    s.for_item = Some("Beer".into());
    let r = basket(&table, &s).unwrap();
    let also: Vec<(&str, f64)> = r
        .also_bought
        .as_ref()
        .unwrap()
        .iter()
        .map(|x| (x.consequent[0].as_str(), x.confidence))
        .collect();
    assert_eq!(also.len(), 3);
    assert_eq!(also[0], ("Diapers", 1.0));
    // Bread and Milk tie on confidence 2/3 and lift (2/3) / 0.8: by name.
    assert_eq!(also[1].0, "Bread");
    assert_eq!(also[2].0, "Milk");
}

#[test]
fn baskets_by_user_and_day_without_an_order_column() {
    // Without order ids: u0 buys a, b on day 0 and a, c on day 1; u1 buys a, b on
    // day 0 (another basket: another user). Baskets {a,b} {a,c} {a,b}.
    let rows: Vec<Row> = [
        (0, 0, "a"),
        (0, 0, "b"),
        (0, 1, "a"),
        (0, 1, "c"),
        (1, 0, "a"),
        (1, 0, "b"),
        (1, 0, "b"),
    ]
    .iter()
    .map(|&(user, day, item)| Row {
        user,
        time: day * DAY + 3_600_000,
        event: "purchase",
        order: None,
        item: Some(item),
    })
    .collect();
    let table = build_items_only(&rows);
    let r = basket(&table, &spec(0.5, 0.0)).unwrap();
    assert_eq!(r.basket_by, "user_day");
    assert_eq!((r.baskets, r.rows, r.rows_without_order), (3, 7, 0));
    // {a, b} is in 2 of 3 baskets: a → b confidence 2/3, lift (2/3)/(2/3) = 1.
    let a_b = rule(&r, &["a"], &["b"]);
    assert_eq!(a_b.baskets, 2);
    assert!(close(a_b.confidence, 2.0 / 3.0) && close(a_b.lift, 1.0));
}

#[test]
fn basket_errored() {
    let table = build(&textbook());
    let mut s = spec(0.4, 0.5);
    s.for_item = Some("Wine".into());
    let e = basket(&table, &s).unwrap_err().to_string();
    assert!(e.contains("no item \"Wine\" in the column \"sku\""), "{e}");
    s.for_item = None;
    s.item = Some("colour".into());
    let e = basket(&table, &s).unwrap_err().to_string();
    assert!(e.contains("no column \"colour\""), "{e}");
    s.item = None;
    s.purchase_event = Some(EventSpec::Name("buy".into()));
    let e = basket(&table, &s).unwrap_err().to_string();
    assert!(e.contains("no event \"buy\""), "{e}");
    let err = |json: &str| Spec::from_json(json).unwrap_err().to_string();
    assert!(err(r#"{"analysis":"basket","min_support":0}"#).contains("above 0"));
    assert!(err(r#"{"analysis":"basket","max_len":6}"#).contains("2 to 5"));
    assert!(err(r#"{"analysis":"basket","min_confidence":1.5}"#).contains("min_confidence"));
    assert!(err(r#"{"analysis":"basket","minsupport":0.1}"#).contains("unknown field"));
    // A table without an item column says so.
    let mut b = TableBuilder::new(false, &[]);
    b.push("u", 0, "purchase", None, &[]);
    let bare = b.build(TableMeta::synthetic("bare.csv"));
    let e = basket(&bare, &spec(0.1, 0.1)).unwrap_err().to_string();
    assert!(e.contains("no item column"), "{e}");
}

// ------------------------------------------------------------------ reference

/// The report by brute force: baskets as `BTreeMap`s, every subset of the items
/// counted by scanning every basket.
fn reference(rows: &[Row], spec: &BasketSpec, by_order: bool) -> BasketReport {
    let mut baskets: BTreeMap<(usize, String), Vec<&str>> = BTreeMap::new();
    let (mut n_rows, mut no_item, mut no_order) = (0, 0, 0);
    for r in rows {
        if let Some(EventSpec::Name(e)) = &spec.purchase_event
            && r.event != e
        {
            continue;
        }
        let Some(item) = r.item else {
            no_item += 1;
            continue;
        };
        let key = if by_order {
            match &r.order {
                Some(o) => o.clone(),
                None => {
                    no_order += 1;
                    continue;
                }
            }
        } else {
            (r.time.div_euclid(DAY)).to_string()
        };
        n_rows += 1;
        baskets.entry((r.user, key)).or_default().push(item);
    }
    let baskets: Vec<Vec<&str>> = baskets
        .into_values()
        .map(|mut b| {
            b.sort();
            b.dedup();
            b
        })
        .collect();
    let n = baskets.len() as u64;
    let mut items: Vec<&str> = baskets.iter().flatten().copied().collect();
    items.sort();
    items.dedup();
    let count = |set: &[&str]| -> u64 {
        baskets
            .iter()
            .filter(|b| set.iter().all(|i| b.contains(i)))
            .count() as u64
    };
    let frequent = |c: u64| c as f64 / n as f64 >= spec.min_support;
    let mut sets: BTreeMap<Vec<&str>, u64> = BTreeMap::new();
    for mask in 1u32..(1 << items.len()) {
        if mask.count_ones() as usize > spec.max_len {
            continue;
        }
        let set: Vec<&str> = (0..items.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| items[i])
            .collect();
        let c = count(&set);
        if frequent(c) {
            sets.insert(set, c);
        }
    }
    let share = |c: u64| c as f64 / n as f64;
    let mut rules = Vec::new();
    for (set, &both) in sets.iter().filter(|(s, _)| s.len() >= 2) {
        for mask in 1u32..(1 << set.len()) - 1 {
            let x: Vec<&str> = (0..set.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| set[i])
                .collect();
            let y: Vec<&str> = (0..set.len())
                .filter(|i| mask & (1 << i) == 0)
                .map(|i| set[i])
                .collect();
            let confidence = both as f64 / count(&x) as f64;
            if confidence < spec.min_confidence {
                continue;
            }
            rules.push(Rule {
                antecedent: x.iter().map(|s| s.to_string()).collect(),
                consequent: y.iter().map(|s| s.to_string()).collect(),
                baskets: both,
                support: share(both),
                confidence,
                lift: confidence / share(count(&y)),
            });
        }
    }
    rules.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(b.baskets.cmp(&a.baskets))
            .then(a.antecedent.cmp(&b.antecedent))
            .then(a.consequent.cmp(&b.consequent))
    });
    let mut itemsets: Vec<ItemSet> = sets
        .iter()
        .filter(|(s, _)| s.len() >= 2)
        .map(|(s, &c)| ItemSet {
            items: s.iter().map(|x| x.to_string()).collect(),
            baskets: c,
            support: share(c),
        })
        .collect();
    itemsets.sort_by(|a, b| {
        b.baskets
            .cmp(&a.baskets)
            .then(a.items.len().cmp(&b.items.len()))
            .then(a.items.cmp(&b.items))
    });
    let min_baskets = (1..=n.max(1)).find(|&c| frequent(c)).unwrap_or(n + 1);
    let also_bought = spec.for_item.as_ref().map(|item| {
        let mut list: Vec<Rule> = rules
            .iter()
            .filter(|r| r.antecedent == [item.clone()] && r.consequent.len() == 1)
            .cloned()
            .collect();
        list.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(b.lift.total_cmp(&a.lift))
                .then(a.consequent.cmp(&b.consequent))
        });
        list
    });
    BasketReport {
        item_column: "sku".into(),
        basket_by: if by_order {
            "order_id".into()
        } else {
            "user_day".into()
        },
        baskets: n,
        items: items.len() as u64,
        rows: n_rows,
        rows_without_item: no_item,
        rows_without_order: no_order,
        min_baskets,
        itemsets_total: itemsets.len() as u64,
        itemsets,
        rules_total: rules.len() as u64,
        rules,
        for_item: spec.for_item.clone(),
        also_bought,
    }
}

const ITEMS: [&str; 6] = ["p", "q", "r", "s", "t", "u"];

fn arb_row() -> impl Strategy<Value = Row> {
    (
        0..4usize,
        0..3i64,
        0..6usize,
        0..8usize,
        0..4usize,
        any::<bool>(),
    )
        .prop_map(|(user, day, item, item_roll, order, view)| Row {
            user,
            time: day * DAY + 1000,
            event: if view { "view" } else { "purchase" },
            order: (order > 0).then(|| format!("o{order}")),
            item: (item_roll > 0).then_some(ITEMS[item]),
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn basket_matches_brute_force_enumeration(
        rows in prop::collection::vec(arb_row(), 1..40),
        min_support in prop::sample::select(vec![0.05, 0.1, 0.2, 0.25, 0.3, 1.0 / 3.0, 0.5]),
        min_confidence in prop::sample::select(vec![0.0, 0.3, 0.5, 2.0 / 3.0, 1.0]),
        max_len in 2..=5usize,
        by_order in any::<bool>(),
        only_purchases in any::<bool>(),
        for_item in prop::option::of(0..6usize),
    ) {
        // Without an order column the table must not have one: drop the ids.
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|mut r| {
                if !by_order {
                    r.order = None;
                }
                r
            })
            .collect();
        let table = if by_order {
            build(&rows)
        } else {
            build_items_only(&rows)
        };
        let mut s = spec(min_support, min_confidence);
        s.max_len = max_len;
        if only_purchases {
            s.purchase_event = Some(EventSpec::Name("purchase".into()));
        }
        s.for_item = for_item.map(|i| ITEMS[i].to_string());
        match basket(&table, &s) {
            Ok(got) => prop_assert_eq!(got, reference(&rows, &s, by_order)),
            Err(e) => {
                let msg = e.to_string();
                let missing_item = for_item.is_some_and(|i| !rows.iter().any(|r| r.item == Some(ITEMS[i])));
                let missing_event = only_purchases && !rows.iter().any(|r| r.event == "purchase");
                prop_assert!(missing_item || missing_event, "{}", msg);
            }
        }
    }
}
