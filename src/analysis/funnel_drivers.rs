//! Funnel drivers: which events and property values, before converting or
//! dropping off, are over- or under-represented among a funnel's converters.
//!
//! Interpretations, where the issue is silent (also in `docs/analyses-extra.md`):
//! - Population: the users who entered step 1 (funnel level >= 1, with the
//!   funnel's own chains, window, mode and date range). Converters reached the
//!   last step; the others dropped off.
//! - What counts as "before": for a converter, every event of theirs strictly
//!   before the event that filled the last step in the per-user order; for a
//!   drop-off, every event up to the time of their step-1 event plus the window
//!   (inclusive): all they did while they still could have converted. Both
//!   include the events before step 1.
//! - Features: "did event E" for every event name that is not one of the
//!   funnel's step events (those would be the outcome), and "P = v" for every
//!   property and item column value on any of those events (step events
//!   included; order ids are left out: one per order, they never group).
//! - The 2×2 table: a = converters with the feature, b = converters without,
//!   c = drop-offs with, d = drop-offs without. Odds ratio `a·d / (b·c)` with 0.5
//!   added to every cell when one is 0 (Haldane), Woolf 95% interval. The
//!   p-value is Fisher's exact two-sided test when an expected cell is below 5,
//!   else Pearson's chi-square with 1 degree of freedom (no continuity
//!   correction; the pooled two-proportion z-test, squared).
//! - Features whose with- or without-group has fewer than `min_group` users are
//!   hidden and counted (`hidden_small_groups`); so is one nobody lacks.
//! - Order, "by impact": `|ln OR| × support` (descending), then p-value, then
//!   the feature's label; `top` rows are listed, the rest counted (`not_listed`).

use crate::analysis::libm_ext::LibmExt;
use std::collections::{HashMap, HashSet};

use crate::analysis::funnel;
use crate::analysis::repurchase::drivers::{percent, thousands};
use crate::analysis::stats;
use crate::error::Result;
use crate::report::{FunnelDriver, FunnelDriversReport};
use crate::spec::FunnelDriversSpec;
use crate::table::{EventTable, Role};

/// A feature: an event key, or a property column index with a value key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Feature {
    Event(u32),
    Value(usize, u32),
}

/// Computes the drivers of a funnel (spec validated by `Spec::from_json`).
pub fn funnel_drivers(table: &EventTable, spec: &FunnelDriversSpec) -> Result<FunnelDriversReport> {
    spec.validate()?;
    let (labels, window_ms, ends) = funnel::chain_ends(table, &spec.funnel)?;
    let n_steps = labels.len();
    let step_events: HashSet<u32> = spec
        .funnel
        .steps
        .iter()
        .filter_map(|s| table.event_key(&s.event))
        .collect();
    let columns: Vec<usize> = table
        .properties()
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.role(), Role::Property | Role::Item))
        .map(|(i, _)| i)
        .collect();

    // Per feature: (users with it, converters with it).
    let mut counts: HashMap<Feature, (u64, u64)> = HashMap::new();
    let mut seen: HashSet<Feature> = HashSet::new();
    let (mut entered, mut converted) = (0u64, 0u64);
    for c in &ends {
        let rows = table.order().rows_of(c.user);
        let is_converter = c.level == n_steps;
        entered += 1;
        converted += u64::from(is_converter);
        let before = if is_converter {
            let pos = rows.iter().position(|r| r == c.last_row).unwrap_or(0);
            rows.before(pos)
        } else {
            let end = table.time(c.first_row).saturating_add(window_ms);
            rows.before(rows.partition_point(|r| table.time(r) <= end))
        };
        seen.clear();
        for row in before {
            let e = table.event(row);
            if !step_events.contains(&e) {
                seen.insert(Feature::Event(e));
            }
            for &col in &columns {
                if let Some(k) = table.properties()[col].key(row) {
                    seen.insert(Feature::Value(col, k));
                }
            }
        }
        for &f in &seen {
            let entry = counts.entry(f).or_default();
            entry.0 += 1;
            entry.1 += u64::from(is_converter);
        }
    }

    let dropped = entered - converted;
    let mut hidden = 0u64;
    let mut rows: Vec<(f64, FunnelDriver)> = Vec::new();
    for (feature, (with, a)) in counts {
        let without = entered - with;
        if with < spec.min_group || without < spec.min_group || without == 0 {
            hidden += 1;
            continue;
        }
        let (b, c) = (converted - a, with - a);
        let d = dropped - c;
        let or = stats::odds_ratio(a, b, c, d);
        let (p_value, test) = if stats::min_expected(a, b, c, d) < 5.0 {
            (stats::fisher_exact(a, b, c, d), "fisher")
        } else {
            let p = stats::two_proportions(a, with, b, without).map_or(1.0, |t| t.p_value);
            (p, "chi_square")
        };
        let (kind, event, property, value, label) = match feature {
            Feature::Event(e) => {
                let name = table.event_names().get(e).to_string();
                ("event", Some(name.clone()), None, None, name)
            }
            Feature::Value(col, k) => {
                let column = &table.properties()[col];
                let (p, v) = (
                    column.name().to_string(),
                    column.dictionary().get(k).to_string(),
                );
                let label = format!("{p} = {v}");
                ("property", None, Some(p), Some(v), label)
            }
        };
        let with_rate = a as f64 / with as f64;
        let without_rate = b as f64 / without as f64;
        let support = with as f64 / entered as f64;
        let who = match kind {
            "event" => format!("Users who did {label}"),
            _ => format!("Users with {label}"),
        };
        let sentence = format!(
            "{who} before converting or dropping off converted {} vs {} without (odds ratio {}; n = {} vs {})",
            percent(with_rate),
            percent(without_rate),
            ratio_text(or.odds_ratio),
            thousands(with),
            thousands(without)
        );
        let impact = or.odds_ratio.libm_ln().abs() * support;
        rows.push((
            impact,
            FunnelDriver {
                feature: label,
                kind: kind.to_string(),
                event,
                property,
                value,
                converters_with: a,
                converters_without: b,
                dropped_with: c,
                dropped_without: d,
                with_rate,
                without_rate,
                support,
                odds_ratio: or.odds_ratio,
                ci_low: or.ci_low,
                ci_high: or.ci_high,
                p_value,
                test: test.to_string(),
                sentence,
            },
        ));
    }
    rows.sort_by(|(ia, a), (ib, b)| {
        ib.total_cmp(ia)
            .then_with(|| a.p_value.total_cmp(&b.p_value))
            .then_with(|| a.feature.cmp(&b.feature))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    let not_listed = rows.len().saturating_sub(spec.top) as u64;
    rows.truncate(spec.top);
    Ok(FunnelDriversReport {
        steps: labels,
        entered,
        converted,
        dropped,
        min_group: spec.min_group,
        drivers: rows.into_iter().map(|(_, d)| d).collect(),
        not_listed,
        hidden_small_groups: hidden,
    })
}

/// An odds ratio in two significant figures: `3.4`, `0.52`, `12`.
fn ratio_text(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}
