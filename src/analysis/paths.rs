//! Paths: from (or to) an anchor event, the sequences of the next (or previous)
//! `steps` events, counted per user, with the per-depth totals a Sankey draws.
//!
//! Interpretations, where the issue is silent (also in `docs/analyses-extra.md`):
//! - The anchor is each user's **first** event matching `event` (name and filters)
//!   in the per-user order `(time, row)`; a user counts once, on one path. With
//!   `from_funnel`, the anchored users are those whose funnel level is exactly
//!   `dropped_after_step` (as `dropoff`), anchored on the event of their timing
//!   chain that filled that step.
//! - A path is the events strictly after the anchor (or strictly before it, read
//!   backwards: nearest first) in the per-user order, at most `steps` of them; a
//!   user with fewer events has a shorter path, maybe empty.
//! - Rare events: an event name holding less than `min_share` of all loaded rows
//!   is shown as `(other)` (a fixed rule from the table, so a path never depends on
//!   the other users' paths). Several rare events in a row are then repeats of
//!   `(other)`. The label is the report's `other_label`: `(other)`, or, when an
//!   event of the table has that very name, the first of `(other events)`,
//!   `(other events 2)`, … that none has ([`other_label`]), so a label in a path
//!   is never both an event and the group.
//! - `collapse_repeats` merges consecutive equal labels (after the rare events are
//!   grouped), starting from the anchor's own event: `view view cart` after an
//!   anchor `view` reads `cart`.
//! - Depth 0 is the anchor (one node, every anchored user). A node at depth `d`
//!   counts the users whose path has an event at `d`; a link counts those going
//!   from their event at `d - 1` (the anchor for `d = 1`) to the one at `d`.
//! - Order: paths by users (descending), ties by their events (text order, a
//!   shorter prefix first); nodes by depth, users (descending), event; links by
//!   depth, users (descending), from, to.

use std::collections::{HashMap, HashSet};

use crate::analysis::funnel;
use crate::analysis::select::Selector;
use crate::error::Result;
use crate::report::{PathLink, PathNode, PathRow, PathsReport};
use crate::spec::{PathDirection, PathsSpec};
use crate::table::EventTable;

/// The label rare events are shown as, unless an event has that name.
pub const OTHER: &str = "(other)";

/// The label of the rare-event group for a table whose event names are `names`:
/// [`OTHER`], or the first of `(other events)`, `(other events 2)`, … that is not
/// one of them (there is one: the names are finitely many).
pub fn other_label<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: HashSet<&str> = names.collect();
    if !names.contains(OTHER) {
        return OTHER.to_string();
    }
    (1u64..)
        .map(|k| match k {
            1 => "(other events)".to_string(),
            k => format!("(other events {k})"),
        })
        .find(|label| !names.contains(label.as_str()))
        .unwrap_or_else(|| OTHER.to_string())
}

/// Label ids: an event key, [`OTHER_ID`] for rare events, [`ANCHOR_ID`] at depth 0.
const OTHER_ID: u32 = u32::MAX - 1;
const ANCHOR_ID: u32 = u32::MAX;

/// Computes the paths of a spec (validated by `Spec::from_json`).
pub fn paths(table: &EventTable, spec: &PathsSpec) -> Result<PathsReport> {
    spec.validate()?;
    let (anchor, anchors) = anchors(table, spec)?;

    let counts = table.event_counts();
    let total: u64 = counts.iter().sum();
    let rare: Vec<bool> = counts
        .iter()
        .map(|&c| (c as f64) < spec.min_share * total as f64)
        .collect();
    let label_of = |event: u32| {
        if rare[event as usize] {
            OTHER_ID
        } else {
            event
        }
    };

    let mut by_path: HashMap<Vec<u32>, u64> = HashMap::new();
    let mut nodes: HashMap<(usize, u32), u64> = HashMap::new();
    let mut links: HashMap<(usize, u32, u32), u64> = HashMap::new();
    let mut seq: Vec<u32> = Vec::with_capacity(spec.steps);
    for &(user, pos) in &anchors {
        let rows = table.order().rows_of(user);
        let Some(start) = rows.get(pos) else {
            continue;
        };
        let rest: Box<dyn Iterator<Item = u32>> = match spec.direction {
            PathDirection::After => Box::new(rows.from(pos + 1).iter()),
            PathDirection::Before => Box::new(rows.before(pos).iter().rev()),
        };
        seq.clear();
        let mut prev = label_of(table.event(start));
        for row in rest {
            let l = label_of(table.event(row));
            if spec.collapse_repeats && l == prev {
                continue;
            }
            seq.push(l);
            prev = l;
            if seq.len() == spec.steps {
                break;
            }
        }
        let mut from = ANCHOR_ID;
        for (i, &l) in seq.iter().enumerate() {
            *nodes.entry((i + 1, l)).or_default() += 1;
            *links.entry((i + 1, from, l)).or_default() += 1;
            from = l;
        }
        match by_path.get_mut(seq.as_slice()) {
            Some(n) => *n += 1,
            None => {
                by_path.insert(seq.clone(), 1);
            }
        }
    }

    let other = other_label(table.event_names().iter());
    let name = |l: u32| -> String {
        match l {
            ANCHOR_ID => anchor.clone(),
            OTHER_ID => other.clone(),
            e => table.event_names().get(e).to_string(),
        }
    };
    let users = anchors.len() as u64;
    let mut rows: Vec<PathRow> = by_path
        .into_iter()
        .map(|(p, users)| PathRow {
            events: p.into_iter().map(name).collect(),
            users,
        })
        .collect();
    rows.sort_by(|a, b| b.users.cmp(&a.users).then_with(|| a.events.cmp(&b.events)));
    let distinct_paths = rows.len() as u64;
    let listed: u64 = rows.iter().take(spec.top).map(|r| r.users).sum();
    rows.truncate(spec.top);

    let mut node_rows: Vec<PathNode> = nodes
        .into_iter()
        .map(|((depth, l), users)| PathNode {
            depth,
            event: name(l),
            users,
        })
        .collect();
    if users > 0 {
        node_rows.push(PathNode {
            depth: 0,
            event: anchor.clone(),
            users,
        });
    }
    node_rows.sort_by(|a, b| (a.depth, b.users, &a.event).cmp(&(b.depth, a.users, &b.event)));
    let mut link_rows: Vec<PathLink> = links
        .into_iter()
        .map(|((depth, f, t), users)| PathLink {
            depth,
            from: name(f),
            to: name(t),
            users,
        })
        .collect();
    link_rows.sort_by(|a, b| {
        (a.depth, b.users, &a.from, &a.to).cmp(&(b.depth, a.users, &b.from, &b.to))
    });
    let mut other_events: Vec<String> = rare
        .iter()
        .enumerate()
        .filter(|(_, r)| **r)
        .map(|(e, _)| table.event_names().get(e as u32).to_string())
        .collect();
    other_events.sort();

    Ok(PathsReport {
        anchor,
        direction: spec.direction.name().to_string(),
        steps: spec.steps,
        collapse_repeats: spec.collapse_repeats,
        users,
        other_label: other.clone(),
        other_events,
        distinct_paths,
        paths: rows,
        other_paths_users: users - listed,
        nodes: node_rows,
        links: link_rows,
    })
}

/// The anchor's label and, per anchored user, the position of the anchor in the
/// user's ordered rows.
fn anchors(table: &EventTable, spec: &PathsSpec) -> Result<(String, Vec<(u32, usize)>)> {
    if let Some(from) = &spec.from_funnel {
        let step = from.dropped_after_step;
        let (labels, _, ends) = funnel::chain_ends(table, &from.funnel)?;
        let label = labels.get(step - 1).cloned().unwrap_or_default();
        let anchors = ends
            .iter()
            .filter(|c| c.level == step)
            .filter_map(|c| {
                let rows = table.order().rows_of(c.user);
                rows.iter()
                    .position(|r| r == c.last_row)
                    .map(|pos| (c.user, pos))
            })
            .collect();
        return Ok((format!("dropped after {label}"), anchors));
    }
    let selector = Selector::compile(table, spec.event.as_ref(), "paths event")?;
    let label = selector.label().unwrap_or_default();
    let anchors = table
        .order()
        .iter()
        .filter_map(|(user, rows)| {
            rows.iter()
                .position(|r| selector.matches(table, r))
                .map(|pos| (user, pos))
        })
        .collect();
    Ok((label, anchors))
}
