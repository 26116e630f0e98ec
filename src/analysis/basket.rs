//! Market basket: frequent item sets and association rules ("customers who
//! bought X also bought Y").
//!
//! Interpretations, where the issue is silent (also in `docs/analyses-extra.md`):
//! - Rows: the rows of `purchase_event` (name and filters), or every row when it
//!   is `null`. A row with an empty item cell is left out and counted
//!   (`rows_without_item`); with an order column, so is a row with an empty order
//!   cell (`rows_without_order`).
//! - A basket is a user's rows with one order id (the id is read per user, so two
//!   users never share a basket), or without an order column a user's rows on one
//!   local calendar day (the table's zone). A basket is the *set* of its items: an
//!   item bought twice in one basket counts once.
//! - An item set is frequent when `baskets(set) / baskets >= min_support`, i.e.
//!   at least `min_baskets` baskets; sets up to `max_len` items are mined with
//!   Eclat (depth-first intersection of sorted basket lists), which finds exactly
//!   the sets FP-growth finds.
//! - Rules `X → Y`: every split of a frequent set of 2 or more items into two
//!   non-empty parts; support = baskets(X ∪ Y) / baskets, confidence =
//!   baskets(X ∪ Y) / baskets(X), lift = confidence / (baskets(Y) / baskets); kept
//!   when confidence >= `min_confidence`.
//! - Order: rules by lift, confidence, baskets (all descending), then antecedent
//!   and consequent (item text); item sets by baskets (descending), size, items.
//!   `for_item` lists the rules `{item} → {Y}`, by confidence, lift, then Y.

use std::collections::HashMap;

use crate::analysis::funnel::matcher;
use crate::analysis::period::Calendar;
use crate::analysis::select::Selector;
use crate::error::{Error, Result};
use crate::report::{BasketReport, ItemSet, Rule};
use crate::spec::{BasketSpec, PeriodUnit};
use crate::table::{EventTable, PropertyColumn, Role};

/// Computes frequent item sets and rules for a spec.
pub fn basket(table: &EventTable, spec: &BasketSpec) -> Result<BasketReport> {
    spec.validate()?;
    let item_col = column(table, spec.item.as_deref(), Role::Item, "item")?.ok_or_else(|| {
        Error::spec(format!(
            "basket: the table has no item column; name one with \"item\" ({})",
            columns_hint(table)
        ))
    })?;
    let order_col = column(table, spec.order.as_deref(), Role::Order, "order")?;
    let selector = Selector::compile(table, spec.purchase_event.as_ref(), "basket purchase_event")?;
    let for_item = match &spec.for_item {
        Some(name) => Some(item_col.dictionary().key(name).ok_or_else(|| {
            Error::spec(format!(
                "basket: no item \"{name}\" in the column \"{}\"",
                item_col.name()
            ))
        })?),
        None => None,
    };

    let found = baskets(table, &selector, item_col, order_col);
    let n = found.baskets.len() as u64;
    let min_baskets = min_count(spec.min_support, n);
    let sets = eclat(
        &found.baskets,
        item_col.dictionary().len(),
        min_baskets,
        spec.max_len,
    );

    let name = |k: u32| item_col.dictionary().get(k).to_string();
    let names = |ks: &[u32]| -> Vec<String> {
        let mut v: Vec<String> = ks.iter().map(|&k| name(k)).collect();
        v.sort();
        v
    };
    let share = |c: u64| c as f64 / n as f64;

    let mut rules: Vec<(Vec<u32>, Vec<u32>, Rule)> = Vec::new();
    for (set, &both) in sets.iter().filter(|(s, _)| s.len() >= 2) {
        let len = set.len();
        for mask in 1..(1u32 << len) - 1 {
            let (x, y): (Vec<u32>, Vec<u32>) = {
                let mut x = Vec::new();
                let mut y = Vec::new();
                for (i, &k) in set.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        x.push(k);
                    } else {
                        y.push(k);
                    }
                }
                (x, y)
            };
            let (Some(&cx), Some(&cy)) = (sets.get(&x), sets.get(&y)) else {
                continue; // never: subsets of a frequent set are frequent
            };
            let confidence = both as f64 / cx as f64;
            if confidence < spec.min_confidence {
                continue;
            }
            let lift = confidence / share(cy);
            let rule = Rule {
                antecedent: names(&x),
                consequent: names(&y),
                baskets: both,
                support: share(both),
                confidence,
                lift,
            };
            rules.push((x, y, rule));
        }
    }
    let also_bought = for_item.map(|item| {
        let mut list: Vec<Rule> = rules
            .iter()
            .filter(|(x, y, _)| x.as_slice() == [item] && y.len() == 1)
            .map(|(_, _, r)| r.clone())
            .collect();
        list.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then_with(|| b.lift.total_cmp(&a.lift))
                .then_with(|| a.consequent.cmp(&b.consequent))
        });
        list.truncate(spec.top);
        list
    });
    let mut rules: Vec<Rule> = rules.into_iter().map(|(_, _, r)| r).collect();
    rules.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then_with(|| b.confidence.total_cmp(&a.confidence))
            .then_with(|| b.baskets.cmp(&a.baskets))
            .then_with(|| a.antecedent.cmp(&b.antecedent))
            .then_with(|| a.consequent.cmp(&b.consequent))
    });
    let rules_total = rules.len() as u64;
    rules.truncate(spec.top);

    let mut itemsets: Vec<ItemSet> = sets
        .iter()
        .filter(|(s, _)| s.len() >= 2)
        .map(|(s, &c)| ItemSet {
            items: names(s),
            baskets: c,
            support: share(c),
        })
        .collect();
    itemsets.sort_by(|a, b| {
        b.baskets
            .cmp(&a.baskets)
            .then_with(|| a.items.len().cmp(&b.items.len()))
            .then_with(|| a.items.cmp(&b.items))
    });
    let itemsets_total = itemsets.len() as u64;
    itemsets.truncate(spec.top);

    Ok(BasketReport {
        item_column: item_col.name().to_string(),
        basket_by: order_col.map_or_else(|| "user_day".to_string(), |c| c.name().to_string()),
        baskets: n,
        items: found.items,
        rows: found.rows,
        rows_without_item: found.rows_without_item,
        rows_without_order: found.rows_without_order,
        min_baskets,
        itemsets,
        itemsets_total,
        rules,
        rules_total,
        for_item: spec.for_item.clone(),
        also_bought,
    })
}

/// The smallest basket count `c` with `c / n >= min_support` (at least 1).
fn min_count(min_support: f64, n: u64) -> u64 {
    let ok = |c: u64| c as f64 / n as f64 >= min_support;
    let mut c = (min_support * n as f64).ceil().max(1.0) as u64;
    while c > 1 && ok(c - 1) {
        c -= 1;
    }
    while c <= n && !ok(c) {
        c += 1;
    }
    c
}

/// A named column, or the one with `role`; `None` when unnamed and none has it.
fn column<'t>(
    table: &'t EventTable,
    name: Option<&str>,
    role: Role,
    what: &str,
) -> Result<Option<&'t PropertyColumn>> {
    match name {
        Some(n) => matcher::property(table, n, &format!("basket {what}")).map(Some),
        None => Ok(table.properties().iter().find(|p| p.role() == role)),
    }
}

fn columns_hint(table: &EventTable) -> String {
    let names: Vec<&str> = table.properties().iter().map(|p| p.name()).collect();
    if names.is_empty() {
        "the table has no property columns".into()
    } else {
        format!("columns: {}", names.join(", "))
    }
}

/// The baskets read from the table and what was left out.
struct Found {
    /// Per basket, its distinct item keys, sorted.
    baskets: Vec<Vec<u32>>,
    items: u64,
    rows: u64,
    rows_without_item: u64,
    rows_without_order: u64,
}

fn baskets(
    table: &EventTable,
    selector: &Selector<'_>,
    item_col: &PropertyColumn,
    order_col: Option<&PropertyColumn>,
) -> Found {
    let days = Calendar::new(table.meta().time_zone.clone(), PeriodUnit::Day);
    let mut found = Found {
        baskets: Vec::new(),
        items: 0,
        rows: 0,
        rows_without_item: 0,
        rows_without_order: 0,
    };
    let mut index: HashMap<i64, usize> = HashMap::new();
    for (_, rows) in table.order().iter() {
        index.clear();
        for row in rows {
            if !selector.matches(table, row) {
                continue;
            }
            let Some(item) = item_col.key(row) else {
                found.rows_without_item += 1;
                continue;
            };
            let key = match order_col {
                Some(col) => match col.key(row) {
                    Some(k) => i64::from(k),
                    None => {
                        found.rows_without_order += 1;
                        continue;
                    }
                },
                None => days.index(table.time(row)),
            };
            found.rows += 1;
            let next = found.baskets.len();
            let b = *index.entry(key).or_insert(next);
            if b == next {
                found.baskets.push(Vec::new());
            }
            found.baskets[b].push(item);
        }
    }
    let mut seen = vec![false; item_col.dictionary().len()];
    for b in &mut found.baskets {
        b.sort_unstable();
        b.dedup();
        for &k in b.iter() {
            seen[k as usize] = true;
        }
    }
    found.items = seen.iter().filter(|s| **s).count() as u64;
    found
}

/// Every item set (sorted item keys) of at most `max_len` items in at least
/// `min` baskets, with its basket count: Eclat over sorted basket lists.
fn eclat(baskets: &[Vec<u32>], items: usize, min: u64, max_len: usize) -> HashMap<Vec<u32>, u64> {
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); items];
    for (b, basket) in baskets.iter().enumerate() {
        for &k in basket {
            lists[k as usize].push(b as u32);
        }
    }
    let frequent: Vec<(u32, Vec<u32>)> = lists
        .into_iter()
        .enumerate()
        .filter(|(_, l)| l.len() as u64 >= min)
        .map(|(k, l)| (k as u32, l))
        .collect();
    let mut out = HashMap::new();
    let mut prefix = Vec::new();
    grow(&frequent, &mut prefix, min, max_len, &mut out);
    out
}

/// Records each candidate (prefix + item) and extends it with the later ones.
fn grow(
    candidates: &[(u32, Vec<u32>)],
    prefix: &mut Vec<u32>,
    min: u64,
    max_len: usize,
    out: &mut HashMap<Vec<u32>, u64>,
) {
    for (i, (k, list)) in candidates.iter().enumerate() {
        prefix.push(*k);
        let mut set = prefix.clone();
        set.sort_unstable();
        out.insert(set, list.len() as u64);
        if prefix.len() < max_len {
            let next: Vec<(u32, Vec<u32>)> = candidates[i + 1..]
                .iter()
                .filter_map(|(k2, l2)| {
                    let both = intersect(list, l2);
                    (both.len() as u64 >= min).then_some((*k2, both))
                })
                .collect();
            if !next.is_empty() {
                grow(&next, prefix, min, max_len, out);
            }
        }
        prefix.pop();
    }
}

/// The common elements of two sorted lists.
fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_count_is_exact_at_the_boundary() {
        // 0.4 · 5 = 2.0000000000000004 in floating point: still 2 baskets.
        assert_eq!(min_count(0.4, 5), 2);
        assert_eq!(min_count(0.6, 5), 3);
        assert_eq!(min_count(0.01, 1000), 10);
        assert_eq!(min_count(0.011, 1000), 11);
        assert_eq!(min_count(1.0, 3), 3);
        assert_eq!(min_count(0.5, 0), 1);
    }
}
