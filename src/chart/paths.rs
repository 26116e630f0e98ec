//! The paths Sankey: one column per depth (0 = the anchor), a box per event sized
//! by its users, and bands from each event at depth `d - 1` to each at `d`, as
//! wide as the users they carry. Each column shows its [`MAX_NODES`] largest
//! events; bands to or from the others are left out (the table has them all).
//!
//! Hits: one per drawn box (depth by depth, largest first), then one per drawn
//! band (at its middle), with the users and the share of the anchored users.

use std::collections::HashMap;

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Polygon, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::ChartError;
use super::frame::{LINE, Offset, PAD, check_size, empty_hit_layout, svg_string};
use super::style::{
    self, BACKGROUND, MUTED, OTHER, PALETTE, SMALL_SIZE, TEXT, fit_text, format_count,
    format_percent,
};
use super::tips::{Hit, HitLayout};
use crate::report::PathsReport;

/// Boxes shown per column.
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
        return empty_hit_layout(area, "No user has the anchor event");
    }

    let line_h = SMALL_SIZE * LINE;
    let head = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, true);
    let title = fit_text(
        &format!(
            "Paths {} {} ({} users; step by step, the {MAX_NODES} largest events)",
            report.direction,
            report.anchor,
            format_count(report.users)
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

    // The boxes: per depth, the largest events (the report lists them largest first).
    let mut by_depth: Vec<Vec<(&str, u64)>> = vec![Vec::new(); columns];
    for n in &report.nodes {
        if let Some(col) = by_depth.get_mut(n.depth)
            && col.len() < MAX_NODES
        {
            col.push((n.event.as_str(), n.users));
        }
    }
    let most_boxes = by_depth.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let room = (bottom - top - GAP * (most_boxes as f64 - 1.0)).max(10.0);
    let scale = room / report.users as f64;

    let mut colors: HashMap<&str, RGBColor> = HashMap::new();
    let mut next_color = 0usize;
    let mut placed: HashMap<(usize, &str), Placed> = HashMap::new();
    let mut hits = Vec::new();
    let label = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, false);
    for (d, col) in by_depth.iter().enumerate() {
        let mut y = top;
        let x0 = x_of(d);
        for &(event, users) in col {
            let color = if event == crate::analysis::paths::OTHER {
                OTHER
            } else {
                *colors.entry(event).or_insert_with(|| {
                    let c = PALETTE[next_color % PALETTE.len()];
                    next_color += 1;
                    c
                })
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
            if hgt >= SMALL_SIZE * 0.8 || col.len() <= 3 {
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
                    format!("{event}: {} users (the anchor)", format_count(users))
                } else {
                    format!(
                        "Step {d}: {event} — {} users ({share} of anchored)",
                        format_count(users)
                    )
                },
            });
            placed.insert(
                (d, event),
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

    // The bands, in the report's order (largest first within a depth).
    for l in &report.links {
        let (Some(from), Some(to)) = (
            placed
                .get(&(l.depth - 1, l.from.as_str()))
                .map(|p| p.y0 + p.out_used),
            placed
                .get(&(l.depth, l.to.as_str()))
                .map(|p| (p.y0 + p.in_used, p.color)),
        ) else {
            continue;
        };
        let band = l.users as f64 * scale;
        if let Some(p) = placed.get_mut(&(l.depth - 1, l.from.as_str())) {
            p.out_used += band;
        }
        if let Some(p) = placed.get_mut(&(l.depth, l.to.as_str())) {
            p.in_used += band;
        }
        let (xa, xb) = (x_of(l.depth - 1) + BOX_W, x_of(l.depth));
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
            at: l.depth,
            rect: offset.rect(
                (mx - 6.0).round() as i32,
                (my + band / 2.0 - half).round() as i32,
                (mx + 6.0).round() as i32,
                (my + band / 2.0 + half).round() as i32,
            ),
            tip: format!(
                "{} → {}: {} users ({} of anchored)",
                l.from,
                l.to,
                format_count(l.users),
                format_percent(Some(l.users as f64 / report.users as f64))
            ),
        });
    }
    let muted = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);
    if depths == 0 {
        area.draw_text(
            "No events after the anchor",
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
