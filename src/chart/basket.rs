//! The basket rule matrix: antecedents (rows) × consequents (columns) of the
//! listed rules, at most [`MAX_SIDE_ITEMS`] of each (in the order they first
//! appear among the rules, i.e. by lift); a cell's colour is the rule's lift
//! (green above 1, red below, white at 1) and its label the lift.
//!
//! Hits: one per drawn cell, row by row, with support, confidence and lift.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::ChartError;
use super::frame::{LINE, Offset, PAD, check_size, empty_hit_layout, svg_string};
use super::lang::{say, tr};
use super::style::{
    self, BACKGROUND, EMPTY_FILL, MUTED, SMALL_SIZE, TEXT, blend, fit_text, format_count,
    format_percent, text_width,
};
use super::tips::{Hit, HitLayout};
use crate::report::BasketReport;

/// Rows and columns drawn at most.
pub const MAX_SIDE_ITEMS: usize = 12;
/// Lift above 1.
const HIGH: RGBColor = RGBColor(37, 120, 80);
/// Lift below 1.
const LOW: RGBColor = RGBColor(190, 60, 50);

/// Renders the matrix as an SVG document of `width` × `height` pixels.
pub fn basket_svg(report: &BasketReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_basket(area, report))
}

/// The label of an item list: `bread + milk`.
fn side(items: &[String]) -> String {
    items.join(" + ")
}

/// Draws the rule matrix of `report` on `area`. Never panics; without rules it
/// draws an empty state.
pub fn draw_basket<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &BasketReport,
) -> Result<HitLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;
    let whole = offset.rect(0, 0, width as i32, height as i32);
    let mut rows: Vec<String> = Vec::new();
    let mut cols: Vec<String> = Vec::new();
    for r in &report.rules {
        let (a, c) = (side(&r.antecedent), side(&r.consequent));
        if !rows.contains(&a) && rows.len() < MAX_SIDE_ITEMS {
            rows.push(a);
        }
        if !cols.contains(&c) && cols.len() < MAX_SIDE_ITEMS {
            cols.push(c);
        }
    }
    if rows.is_empty() {
        return empty_hit_layout(
            area,
            tr("No rule passes the support and confidence thresholds"),
        );
    }
    let line_h = SMALL_SIZE * LINE;
    let head = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, true);
    let title = fit_text(
        &say!(
            "Bought (rows) → also bought (columns): lift; {} baskets",
            "购买（行）→ 同时购买（列）：提升度；{} 个购物篮",
            format_count(report.baskets)
        ),
        SMALL_SIZE,
        w - 2.0 * PAD,
    );
    area.draw_text(&title, &head, (PAD as i32, (PAD + line_h / 2.0) as i32))?;
    let label_w = rows
        .iter()
        .map(|r| text_width(r, SMALL_SIZE))
        .fold(0.0, f64::max)
        .min(w * 0.3)
        + 8.0;
    let x0 = PAD + label_w;
    let top = PAD + 2.0 * line_h + 10.0;
    let col_w = ((w - PAD - x0) / cols.len() as f64).min(110.0);
    let row_h = ((h - PAD - top) / rows.len() as f64).min(36.0);
    let max_lift = report
        .rules
        .iter()
        .map(|r| r.lift)
        .filter(|l| l.is_finite())
        .fold(1.0f64, f64::max);
    let min_lift = report
        .rules
        .iter()
        .map(|r| r.lift)
        .filter(|l| l.is_finite() && *l > 0.0)
        .fold(1.0f64, f64::min);

    let col_style = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Center, false);
    for (j, c) in cols.iter().enumerate() {
        let x = x0 + (j as f64 + 0.5) * col_w;
        area.draw_text(
            &fit_text(c, SMALL_SIZE, col_w - 4.0),
            &col_style,
            (x.round() as i32, (top - line_h / 2.0 - 2.0).round() as i32),
        )?;
    }
    let row_style = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, false);
    let mut hits = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let y0 = top + i as f64 * row_h;
        area.draw_text(
            &fit_text(r, SMALL_SIZE, label_w - 8.0),
            &row_style,
            (PAD as i32, (y0 + row_h / 2.0).round() as i32),
        )?;
        for (j, c) in cols.iter().enumerate() {
            let x = x0 + j as f64 * col_w;
            let rect = [
                (x.round() as i32, y0.round() as i32),
                (
                    (x + col_w - 2.0).round() as i32,
                    (y0 + row_h - 2.0).round() as i32,
                ),
            ];
            let rule = report
                .rules
                .iter()
                .find(|rule| side(&rule.antecedent) == *r && side(&rule.consequent) == *c);
            let Some(rule) = rule else {
                area.draw(&Rectangle::new(rect, EMPTY_FILL.filled()))?;
                continue;
            };
            // One scale for both sides: |ln lift| over the largest |ln lift| drawn.
            let span = max_lift.ln().max(-min_lift.ln()).max(1e-9);
            let t = (rule.lift.ln().abs() / span).clamp(0.0, 1.0);
            let fill = blend(if rule.lift >= 1.0 { HIGH } else { LOW }, 0.1 + 0.9 * t);
            area.draw(&Rectangle::new(rect, fill.filled()))?;
            let color = if t > 0.55 { BACKGROUND } else { TEXT };
            let text = style::text_style(SMALL_SIZE, color, HPos::Center, VPos::Center, false);
            area.draw_text(
                &fit_text(&format!("{:.2}", rule.lift), SMALL_SIZE, col_w - 4.0),
                &text,
                (
                    (x + col_w / 2.0).round() as i32,
                    (y0 + row_h / 2.0).round() as i32,
                ),
            )?;
            hits.push(Hit {
                cohort: None,
                at: i * cols.len() + j,
                rect: offset.rect(rect[0].0, rect[0].1, rect[1].0 + 2, rect[1].1 + 2),
                tip: say!(
                    "Bought {} → also bought {}: {} baskets (support {}), confidence {}, lift {:.2}",
                    "购买 {} → 同时购买 {}：{} 个购物篮（支持度 {}），置信度 {}，提升度 {:.2}",
                    r,
                    c,
                    format_count(rule.baskets),
                    format_percent(Some(rule.support)),
                    format_percent(Some(rule.confidence)),
                    rule.lift
                ),
            });
        }
    }
    let bottom = top + rows.len() as f64 * row_h;
    Ok(HitLayout {
        area: whole,
        plot: offset.rect(
            x0 as i32,
            top as i32,
            (x0 + cols.len() as f64 * col_w) as i32,
            bottom as i32,
        ),
        hits,
        empty: false,
    })
}
