//! The paths Sankey: one column per depth (0 = the anchor), a box per event sized
//! by its users, and bands from each event at depth `d - 1` to each at `d`, as
//! wide as the users they carry. A column with more than [`MAX_NODES`] events shows
//! its `MAX_NODES - 1` largest and one grey box for the rest together ("k more
//! events"), so every column and every band adds up to the users of the report;
//! the hover of that box names the events in it. The rare-event group of the
//! report (`other_label`) is grey too.
//!
//! Hits: one per drawn box (depth by depth, largest first, the aggregated box
//! last), then one per drawn band (at its middle), with the users and the share of
//! the anchored users.

use std::collections::HashMap;

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Polygon, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::ChartError;
use super::frame::{LINE, Offset, PAD, check_size, empty_hit_layout, svg_string};
use super::lang::{say, tr};
use super::style::{
    self, BACKGROUND, MUTED, OTHER, PALETTE, SMALL_SIZE, TEXT, fit_text, format_count,
    format_percent,
};
use super::tips::{Hit, HitLayout};
use crate::report::PathsReport;

/// Boxes shown per column (the last one aggregates the rest when there are more).
pub const MAX_NODES: usize = 8;
/// Box width, in pixels.
const BOX_W: f64 = 12.0;
/// Vertical gap between boxes, in pixels.
const GAP: f64 = 8.0;
/// Band opacity.
const BAND_OPACITY: f64 = 0.35;

/// Renders the Sankey as an SVG document of `width` × `height` pixels.
pub fn paths_svg(report: &PathsReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_paths(area, report))
}

/// A box of a column: one event, or the events beyond the largest together.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    /// One event (or the report's rare-event group).
    Event(&'a str),
    /// The events not shown on their own at this depth.
    Rest,
}

/// One column's boxes, largest first: `(key, users)`, and the events of the
/// aggregated box (empty when every event has its own).
struct Column<'a> {
    boxes: Vec<(Key<'a>, u64)>,
    rest: Vec<&'a str>,
}

/// The columns of `report` (nodes are listed largest first within a depth): up to
/// [`MAX_NODES`] events each, or `MAX_NODES - 1` and the rest as one box.
fn column_boxes(report: &PathsReport, columns: usize) -> Vec<Column<'_>> {
    let mut cols: Vec<Column<'_>> = (0..columns)
        .map(|_| Column {
            boxes: Vec::new(),
            rest: Vec::new(),
        })
        .collect();
    for (d, col) in cols.iter_mut().enumerate() {
        let nodes: Vec<_> = report.nodes.iter().filter(|n| n.depth == d).collect();
        let keep = if nodes.len() > MAX_NODES {
            MAX_NODES - 1
        } else {
            nodes.len()
        };
        for n in &nodes[..keep] {
            col.boxes.push((Key::Event(n.event.as_str()), n.users));
        }
        if keep < nodes.len() {
            let rest = &nodes[keep..];
            col.rest = rest.iter().map(|n| n.event.as_str()).collect();
            col.boxes
                .push((Key::Rest, rest.iter().map(|n| n.users).sum()));
        }
    }
    cols
}

/// A drawn box: its column, event and vertical span (area pixels).
struct Placed {
    y0: f64,
    /// How far down the box its outgoing and incoming bands have reached.
    out_used: f64,
    in_used: f64,
    color: RGBColor,
}

/// Draws the Sankey of `report` on `area`. Never panics; a report without
/// anchored users draws an empty state.
pub fn draw_paths<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &PathsReport,
) -> Result<HitLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;
    let whole = offset.rect(0, 0, width as i32, height as i32);
    let depths = report.nodes.iter().map(|n| n.depth).max().unwrap_or(0);
    if report.users == 0 {
        return empty_hit_layout(area, tr("No user has the anchor event"));
    }

    let line_h = SMALL_SIZE * LINE;
    let head = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, true);
    let direction = if report.direction == "before" {
        tr("before")
    } else {
        tr("after")
    };
    let title = fit_text(
        &say!(
            "Paths {} {} ({} users; per step up to {} events, beyond that the {} largest and the rest as one)",
            "{1}{0}的路径（{2} 位用户；每步最多 {3} 个事件，更多时显示最大的 {4} 个，其余合并为一个）",
            direction,
            report.anchor,
            format_count(report.users),
            MAX_NODES,
            MAX_NODES - 1
        ),
        SMALL_SIZE,
        w - 2.0 * PAD,
    );
    area.draw_text(&title, &head, (PAD as i32, (PAD + line_h / 2.0) as i32))?;

    let top = PAD + line_h + 8.0;
    let bottom = h - PAD;
    let left = PAD;
    let right = w - PAD;
    let columns = depths + 1;
    let col_w = (right - left) / columns as f64;
    let x_of = |d: usize| left + d as f64 * col_w;

    // The boxes: per depth, the largest events, the rest as one.
    let by_depth = column_boxes(report, columns);
    let most_boxes = by_depth
        .iter()
        .map(|c| c.boxes.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let room = (bottom - top - GAP * (most_boxes as f64 - 1.0)).max(10.0);
    let scale = room / report.users as f64;

    let mut colors: HashMap<&str, RGBColor> = HashMap::new();
    let mut next_color = 0usize;
    let mut placed: HashMap<(usize, Key<'_>), Placed> = HashMap::new();
    let mut hits = Vec::new();
    let label = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, false);
    for (d, col) in by_depth.iter().enumerate() {
        let mut y = top;
        let x0 = x_of(d);
        for &(key, users) in &col.boxes {
            let color = match key {
                Key::Event(e) if d > 0 && e == report.other_label => OTHER,
                Key::Rest => OTHER,
                Key::Event(e) => *colors.entry(e).or_insert_with(|| {
                    let c = PALETTE[next_color % PALETTE.len()];
                    next_color += 1;
                    c
                }),
            };
            let event = match key {
                Key::Event(e) => e.to_string(),
                Key::Rest => say!(
                    "{} more events",
                    "其余 {} 个事件",
                    format_count(col.rest.len() as u64)
                ),
            };
            let hgt = (users as f64 * scale).max(2.0);
            area.draw(&Rectangle::new(
                [
                    (x0.round() as i32, y.round() as i32),
                    ((x0 + BOX_W).round() as i32, (y + hgt).round() as i32),
                ],
                color.filled(),
            ))?;
            let text = fit_text(
                &format!("{event} {}", format_count(users)),
                SMALL_SIZE,
                (col_w - BOX_W - 8.0).max(0.0),
            );
            if hgt >= SMALL_SIZE * 0.8 || col.boxes.len() <= 3 {
                area.draw_text(
                    &text,
                    &label,
                    (
                        (x0 + BOX_W + 4.0).round() as i32,
                        (y + hgt / 2.0).round() as i32,
                    ),
                )?;
            }
            let share = format_percent(Some(users as f64 / report.users as f64));
            hits.push(Hit {
                cohort: None,
                at: d,
                rect: offset.rect(
                    x0.round() as i32,
                    y.round() as i32,
                    (x0 + BOX_W).round() as i32 + 1,
                    (y + hgt).round() as i32 + 1,
                ),
                tip: if d == 0 {
                    say!(
                        "{}: {} users (the anchor)",
                        "{}：{} 位用户（起点）",
                        event,
                        format_count(users)
                    )
                } else if key == Key::Rest {
                    say!(
                        "Step {}: {} together ({}) — {} users ({} of anchored)",
                        "第 {} 步：{}合计（{}）— {} 位用户（占起点用户的 {}）",
                        d,
                        event,
                        col.rest.join(", "),
                        format_count(users),
                        share
                    )
                } else if event == report.other_label {
                    say!(
                        "Step {}: {} (rare events together) — {} users ({} of anchored)",
                        "第 {} 步：{}（少见事件合计）— {} 位用户（占起点用户的 {}）",
                        d,
                        event,
                        format_count(users),
                        share
                    )
                } else {
                    say!(
                        "Step {}: {} — {} users ({} of anchored)",
                        "第 {} 步：{} — {} 位用户（占起点用户的 {}）",
                        d,
                        event,
                        format_count(users),
                        share
                    )
                },
            });
            placed.insert(
                (d, key),
                Placed {
                    y0: y,
                    out_used: 0.0,
                    in_used: 0.0,
                    color,
                },
            );
            y += hgt + GAP;
        }
    }

    // The bands, in the report's order (largest first within a depth); bands to or
    // from the aggregated boxes are merged, in the order of their largest part.
    fn key_at<'a>(cols: &[Column<'a>], d: usize, event: &'a str) -> Option<Key<'a>> {
        let col = cols.get(d)?;
        if col.rest.contains(&event) {
            Some(Key::Rest)
        } else {
            Some(Key::Event(event))
        }
    }
    let mut bands: Vec<(usize, Key<'_>, Key<'_>, u64)> = Vec::new();
    let mut band_at: HashMap<(usize, Key<'_>, Key<'_>), usize> = HashMap::new();
    for l in &report.links {
        let (Some(f), Some(t)) = (
            key_at(&by_depth, l.depth - 1, l.from.as_str()),
            key_at(&by_depth, l.depth, l.to.as_str()),
        ) else {
            continue;
        };
        match band_at.get(&(l.depth, f, t)) {
            Some(&i) => bands[i].3 += l.users,
            None => {
                band_at.insert((l.depth, f, t), bands.len());
                bands.push((l.depth, f, t, l.users));
            }
        }
    }
    let name = |d: usize, k: Key<'_>| -> String {
        match k {
            Key::Event(e) => e.to_string(),
            Key::Rest => say!(
                "{} more events",
                "其余 {} 个事件",
                format_count(by_depth[d].rest.len() as u64)
            ),
        }
    };
    for &(depth, f, t, users) in &bands {
        let (Some(from), Some(to)) = (
            placed.get(&(depth - 1, f)).map(|p| p.y0 + p.out_used),
            placed.get(&(depth, t)).map(|p| (p.y0 + p.in_used, p.color)),
        ) else {
            continue;
        };
        let band = users as f64 * scale;
        if let Some(p) = placed.get_mut(&(depth - 1, f)) {
            p.out_used += band;
        }
        if let Some(p) = placed.get_mut(&(depth, t)) {
            p.in_used += band;
        }
        let (xa, xb) = (x_of(depth - 1) + BOX_W, x_of(depth));
        let (ya, yb) = (from, to.0);
        let steps = 16;
        let curve = |t: f64, y_a: f64, y_b: f64| {
            let s = t * t * (3.0 - 2.0 * t);
            (xa + (xb - xa) * t, y_a + (y_b - y_a) * s)
        };
        let mut points: Vec<(i32, i32)> = Vec::with_capacity(2 * steps + 2);
        for i in 0..=steps {
            let (x, y) = curve(i as f64 / steps as f64, ya, yb);
            points.push((x.round() as i32, y.round() as i32));
        }
        for i in (0..=steps).rev() {
            let (x, y) = curve(i as f64 / steps as f64, ya + band, yb + band);
            points.push((x.round() as i32, y.round() as i32));
        }
        area.draw(&Polygon::new(points, to.1.mix(BAND_OPACITY).filled()))?;
        let (mx, my) = curve(0.5, ya, yb);
        let half = (band / 2.0).max(3.0);
        hits.push(Hit {
            cohort: None,
            at: depth,
            rect: offset.rect(
                (mx - 6.0).round() as i32,
                (my + band / 2.0 - half).round() as i32,
                (mx + 6.0).round() as i32,
                (my + band / 2.0 + half).round() as i32,
            ),
            tip: say!(
                "{} → {}: {} users ({} of anchored)",
                "{} → {}：{} 位用户（占起点用户的 {}）",
                name(depth - 1, f),
                name(depth, t),
                format_count(users),
                format_percent(Some(users as f64 / report.users as f64))
            ),
        });
    }
    let muted = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);
    if depths == 0 {
        area.draw_text(
            tr("No events after the anchor"),
            &muted,
            ((x_of(0) + col_w / 2.0) as i32, (h / 2.0) as i32),
        )?;
    }
    Ok(HitLayout {
        area: whole,
        plot: offset.rect(left as i32, top as i32, right as i32, bottom as i32),
        hits,
        empty: false,
    })
}
