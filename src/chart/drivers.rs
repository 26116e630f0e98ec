//! The funnel drivers forest plot: one row per listed driver (at most
//! [`MAX_ROWS`], in report order), its odds ratio as a dot and its 95% interval
//! as a line, on a log scale with a line at 1 (no association). Dots right of 1
//! convert more often than the rest, left of 1 less.
//!
//! Hits: one per row (its full width), with the driver's sentence, interval and
//! p-value.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::ChartError;
use super::frame::{LINE, Offset, PAD, check_size, empty_hit_layout, svg_string};
use super::lang::{say, tr, zh};
use super::style::{
    self, BACKGROUND, BASELINE, GRID, MUTED, SMALL_SIZE, TEXT, fit_text, format_count,
    format_percent, text_width,
};
use super::tips::{Hit, HitLayout};
use crate::report::FunnelDriversReport;

/// Rows drawn.
pub const MAX_ROWS: usize = 15;
/// Dots of drivers that raise conversion.
const UP: RGBColor = RGBColor(37, 120, 80);
/// Dots of drivers that lower it.
const DOWN: RGBColor = RGBColor(190, 60, 50);

/// Renders the forest plot as an SVG document of `width` × `height` pixels.
pub fn drivers_svg(
    report: &FunnelDriversReport,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_drivers(area, report))
}

/// Draws the forest plot of `report` on `area`. Never panics; without a
/// listed driver it draws an empty state.
pub fn draw_drivers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &FunnelDriversReport,
) -> Result<HitLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;
    let whole = offset.rect(0, 0, width as i32, height as i32);
    let rows: Vec<_> = report
        .drivers
        .iter()
        .filter(|d| d.odds_ratio.is_finite() && d.odds_ratio > 0.0)
        .take(MAX_ROWS)
        .collect();
    if rows.is_empty() {
        return empty_hit_layout(area, tr("No driver with groups large enough to compare"));
    }
    let line_h = SMALL_SIZE * LINE;
    let head = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, true);
    let title = fit_text(
        tr("Odds ratio of converting, with vs without (95% interval, log scale)"),
        SMALL_SIZE,
        w - 2.0 * PAD,
    );
    area.draw_text(&title, &head, (PAD as i32, (PAD + line_h / 2.0) as i32))?;

    let label_w = rows
        .iter()
        .map(|d| text_width(&d.feature, SMALL_SIZE))
        .fold(0.0, f64::max)
        .min(w * 0.35)
        + 8.0;
    let x0 = PAD + label_w;
    let x1 = w - PAD - 10.0;
    let top = PAD + line_h + 8.0;
    let axis_h = line_h + 6.0;
    let bottom = h - PAD - axis_h;
    let row_h = ((bottom - top) / rows.len() as f64).min(34.0);
    // The log-scale range covers every interval (clamped to 1e-3..1e3) and 1.
    let clamp = |v: f64| v.clamp(1e-3, 1e3).ln();
    let lo = rows.iter().map(|d| clamp(d.ci_low)).fold(0.0f64, f64::min) - 0.1;
    let hi = rows.iter().map(|d| clamp(d.ci_high)).fold(0.0f64, f64::max) + 0.1;
    let x_of = |v: f64| x0 + (clamp(v) - lo) / (hi - lo) * (x1 - x0);

    // Ticks at powers of 10 and 2, 5 between, when inside.
    let mut ticks: Vec<f64> = Vec::new();
    for e in -3..=3 {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(e);
            let l = v.ln();
            if l >= lo && l <= hi {
                ticks.push(v);
            }
        }
    }
    if ticks.len() > 9 {
        ticks.retain(|v| (v.log10() - v.log10().round()).abs() < 1e-9);
    }
    let tick_style = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    let rows_bottom = top + row_h * rows.len() as f64;
    for &v in &ticks {
        let x = x_of(v).round() as i32;
        area.draw(&PathElement::new(
            vec![(x, top as i32), (x, rows_bottom as i32)],
            GRID.stroke_width(1),
        ))?;
        area.draw_text(&or_text(v), &tick_style, (x, (rows_bottom + 4.0) as i32))?;
    }
    let one = x_of(1.0).round() as i32;
    area.draw(&PathElement::new(
        vec![(one, top as i32), (one, rows_bottom as i32)],
        BASELINE.stroke_width(2),
    ))?;

    let label = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, false);
    let mut hits = Vec::with_capacity(rows.len());
    for (i, d) in rows.iter().enumerate() {
        let y = top + (i as f64 + 0.5) * row_h;
        let yi = y.round() as i32;
        if i % 2 == 1 {
            area.draw(&Rectangle::new(
                [
                    (PAD as i32, (y - row_h / 2.0) as i32),
                    (w as i32 - PAD as i32, (y + row_h / 2.0) as i32),
                ],
                GRID.mix(0.4).filled(),
            ))?;
        }
        area.draw_text(
            &fit_text(&d.feature, SMALL_SIZE, label_w - 8.0),
            &label,
            (PAD as i32, yi),
        )?;
        let color = if d.odds_ratio >= 1.0 { UP } else { DOWN };
        area.draw(&PathElement::new(
            vec![
                (x_of(d.ci_low).round() as i32, yi),
                (x_of(d.ci_high).round() as i32, yi),
            ],
            color.stroke_width(2),
        ))?;
        area.draw(&Circle::new(
            (x_of(d.odds_ratio).round() as i32, yi),
            4,
            color.filled(),
        ))?;
        hits.push(Hit {
            cohort: None,
            at: i,
            rect: offset.rect(
                PAD as i32,
                (y - row_h / 2.0).round() as i32,
                (w - PAD) as i32,
                (y + row_h / 2.0).round() as i32,
            ),
            tip: say!(
                "{}. 95% interval {}–{}, p = {} ({})",
                "{}。95% 区间 {}–{}，p = {}（{}）",
                sentence(d),
                or_text(d.ci_low),
                or_text(d.ci_high),
                p_text(d.p_value),
                if d.test == "fisher" {
                    tr("Fisher exact")
                } else {
                    tr("chi-square")
                }
            ),
        });
    }
    Ok(HitLayout {
        area: whole,
        plot: offset.rect(x0 as i32, top as i32, x1 as i32, rows_bottom as i32),
        hits,
        empty: false,
    })
}

/// The driver's plain-language sentence: the report's (English) one, or the same
/// facts in Chinese.
fn sentence(d: &crate::report::FunnelDriver) -> String {
    if !zh() {
        return d.sentence.clone();
    }
    let with = d.converters_with + d.dropped_with;
    let without = d.converters_without + d.dropped_without;
    let who = if d.kind == "event" {
        format!("做过 {} 的用户", d.feature)
    } else {
        format!("{} 的用户", d.feature)
    };
    format!(
        "{who}在转化或流失之前的转化率为 {}，没有的为 {}（优势比 {}；n = {} 对 {}）",
        format_percent(Some(d.with_rate)),
        format_percent(Some(d.without_rate)),
        or_text(d.odds_ratio),
        format_count(with),
        format_count(without)
    )
}

/// An odds ratio for a label: `250`, `3.4`, `1.25`, `0.052` (two significant
/// digits below 1).
pub fn or_text(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let text = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else if v > 0.0 {
        let decimals = (-v.log10().floor()) as usize + 1;
        format!("{v:.decimals$}")
    } else {
        "0".to_string()
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A p-value in two significant figures, `< 0.0001` below that.
pub fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".to_string()
    } else {
        let decimals = if p < 0.01 { 4 } else { 2 };
        format!("{p:.decimals$}")
    }
}
