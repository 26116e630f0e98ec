//! Predicted CLV: three bar charts from one [`ClvReport`] (the fourth, the
//! frequency × recency heatmap, is in [`super::clv_matrix`]). None reads the
//! per-customer list, so a report without `customers` draws the same.
//!
//! - [`draw_clv_holdout`]: per number of calibration repeat purchases (`0 … 6`,
//!   `7+`), the actual mean purchases per customer in the holdout beside the model's
//!   expectation; the customers under each group. Without a holdout: an empty
//!   state saying how to get one.
//! - [`draw_clv_p_alive`]: customers by P(alive) in the report's bins, with the
//!   at-risk threshold marked.
//! - [`draw_clv_tiers`]: one bar per value tier, its length the tier's total
//!   predicted CLV (or its expected purchases when the report has no CLV), with
//!   the total, the mean, the customers and their share.
//!
//! All return a [`ClvLayout`] of [`ClvMark`]s for tooltips.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::PathElement;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::bar_frame::{BarFrame, LABEL_SIZE};
use super::frame::{
    LINE, Offset, PAD, Swatch, TickFormat, check_size, draw_dashed, draw_legend, draw_message,
    label_stride, svg_string, tick_label,
};
use super::lang::say;
use super::lang::tr;
use super::style::{
    self, BACKGROUND, BAR, BASELINE, MUTED, PALETTE, SMALL_SIZE, TEXT, fit_text, format_amount,
    format_count, format_percent, format_short, text_width,
};
use super::{ChartError, PixelRect};
use crate::report::ClvReport;

/// The colour of the model's expectation (holdout) and of the at-risk marker.
pub(crate) const EXPECTED: RGBColor = PALETTE[1];
/// The at-risk threshold's colour.
const RISK: RGBColor = RGBColor(225, 87, 89);
/// Tier colours, high to low.
const TIER_COLORS: [RGBColor; 3] = [RGBColor(23, 70, 130), BAR, RGBColor(147, 180, 214)];

/// One mark of a CLV chart (a bar or a heatmap cell) and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ClvMark {
    /// Index in the report list the chart reads: `holdout`, `p_alive_histogram`,
    /// `tiers`, or the matrix row (`matrix.frequencies`).
    pub index: usize,
    /// Holdout: 0 actual, 1 expected. Matrix: the recency column. Otherwise 0.
    pub series: usize,
    /// The value the mark shows (mean purchases, customers, CLV, expected
    /// purchases); `None` when there is none.
    pub value: Option<f64>,
    /// The customers behind it.
    pub customers: u64,
    /// Where it is drawn, in backend pixels (empty when nothing was drawn).
    pub rect: PixelRect,
}

/// Where a CLV chart put its marks.
#[derive(Debug, Clone, PartialEq)]
pub struct ClvLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The plot region, in backend pixels.
    pub plot: PixelRect,
    /// Every mark, in report order.
    pub marks: Vec<ClvMark>,
    /// True when there was nothing to draw and an empty-state message was shown.
    pub empty: bool,
}

impl ClvLayout {
    /// The mark under the pixel `(x, y)`, if any.
    pub fn mark_at(&self, x: i32, y: i32) -> Option<&ClvMark> {
        self.marks.iter().find(|m| m.rect.contains(x, y))
    }
}

/// Renders the holdout check as an SVG document of `width` × `height` pixels.
pub fn clv_holdout_svg(report: &ClvReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_clv_holdout(area, report))
}

/// Renders the P(alive) histogram as an SVG document.
pub fn clv_p_alive_svg(report: &ClvReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_clv_p_alive(area, report))
}

/// Renders the CLV tiers as an SVG document.
pub fn clv_tiers_svg(report: &ClvReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_clv_tiers(area, report))
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn whole_area(offset: Offset, width: u32, height: u32) -> PixelRect {
    offset.rect(0, 0, width as i32, height as i32)
}

/// `week` → `weeks`, for captions.
fn units(report: &ClvReport) -> String {
    match report.unit.as_str() {
        "day" => tr("days").to_string(),
        "week" => tr("weeks").to_string(),
        other => format!("{other}s"),
    }
}

/// Draws the holdout check of `report` on `area`: actual and expected mean
/// purchases in the holdout per calibration frequency.
///
/// Never panics; without a holdout (or with no customers in it) an empty state
/// is drawn.
pub fn draw_clv_holdout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ClvReport,
) -> Result<ClvLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let w = f64::from(width);
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let rows = report.holdout.as_deref().unwrap_or(&[]);
    let value = |v: f64| finite(v).map(|v| v.max(0.0));
    let max = rows
        .iter()
        .flat_map(|r| [value(r.actual_mean), value(r.predicted_mean)])
        .flatten()
        .fold(0.0, f64::max);
    let empty = rows.iter().all(|r| r.customers == 0);
    let caption = match report.holdout_length.filter(|h| h.is_finite()) {
        Some(h) => say!(
            "Purchases per customer in the {} {} after {}: actual vs expected, by repeat purchases before it",
            "{2} 之后 {0} {1}内每位客户的购买次数：实际与预期，按此前的复购次数",
            format_short(h),
            units(report),
            report.calibration_end
        ),
        None => {
            tr("Holdout check: actual vs expected purchases after the calibration end").to_string()
        }
    };
    let frame = BarFrame::draw(area, &caption, max, TickFormat::Days, 3)?;
    let n = rows.len();
    let slot = (frame.x1 - frame.x0) / n.max(1) as f64;
    let pair_w = (slot * 0.7).max(2.0);
    let bar_w = pair_w / 2.0;
    let label_style = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, false);
    let n_style = style::text_style(LABEL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    let value_style = style::text_style(LABEL_SIZE, TEXT, HPos::Center, VPos::Bottom, false);
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            if r.and_more {
                format!("{}+", r.frequency)
            } else {
                r.frequency.to_string()
            }
        })
        .collect();
    let mut marks = Vec::with_capacity(2 * n);
    for (i, r) in rows.iter().enumerate() {
        let left = frame.x0 + i as f64 * slot + (slot - pair_w) / 2.0;
        for (series, v, color) in [
            (0, value(r.actual_mean), BAR),
            (1, value(r.predicted_mean), EXPECTED),
        ] {
            let bx0 = (left + series as f64 * bar_w).round() as i32;
            let bx1 = ((left + (series + 1) as f64 * bar_w).round() as i32).max(bx0 + 1);
            let rect = frame.bar(area, (bx0, bx1), v, color)?;
            let text = v.map_or("–".to_string(), |v| format!("{v:.2}"));
            if text_width(&text, LABEL_SIZE) <= bar_w + 4.0 {
                area.draw_text(&text, &value_style, ((bx0 + bx1) / 2, rect.1 - 2))?;
            }
            marks.push(ClvMark {
                index: i,
                series,
                value: v,
                customers: r.customers,
                rect: offset.rect(rect.0, rect.1, rect.2, rect.3),
            });
        }
        let cx = (frame.x0 + (i as f64 + 0.5) * slot).round() as i32;
        let y = (frame.bottom + 5.0).round() as i32;
        area.draw_text(
            &fit_text(&labels[i], SMALL_SIZE, slot),
            &label_style,
            (cx, y),
        )?;
        let count = format!("n = {}", format_count(r.customers));
        if text_width(&count, LABEL_SIZE) <= slot - 4.0 {
            let y = (frame.bottom + 5.0 + SMALL_SIZE * LINE).round() as i32;
            area.draw_text(&count, &n_style, (cx, y))?;
        }
    }
    frame.baseline(area)?;
    let legend_y = frame.bottom + 8.0 + SMALL_SIZE * LINE + LABEL_SIZE * LINE;
    if !empty {
        draw_legend(
            area,
            &[
                (
                    tr("actual (mean per customer)").to_string(),
                    Swatch::Fill(BAR),
                ),
                (tr("expected by BG/NBD").to_string(), Swatch::Fill(EXPECTED)),
            ],
            (frame.x0, legend_y),
            frame.x1 - frame.x0,
            1,
        )?;
    } else {
        let message = if report.holdout.is_none() {
            tr("No holdout: choose a calibration end before the data end")
        } else {
            tr("No customers in the holdout check")
        };
        draw_message(
            area,
            message,
            (w / 2.0, (frame.top + frame.bottom) / 2.0),
            w - 2.0 * PAD,
        )?;
    }
    Ok(ClvLayout {
        area: whole_area(offset, width, height),
        plot: frame.plot(offset),
        marks,
        empty,
    })
}

/// Draws the distribution of P(alive) of `report` on `area`, the at-risk
/// threshold dashed.
///
/// Never panics; without customers an empty state is drawn.
pub fn draw_clv_p_alive<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ClvReport,
) -> Result<ClvLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let w = f64::from(width);
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let bins: Vec<(usize, f64, f64, u64)> = report
        .p_alive_histogram
        .iter()
        .enumerate()
        .filter(|(_, b)| b.from.is_finite() && b.to.is_finite() && b.to > b.from)
        .map(|(i, b)| (i, b.from.clamp(0.0, 1.0), b.to.clamp(0.0, 1.0), b.customers))
        .collect();
    let max = bins.iter().map(|b| b.3).max().unwrap_or(0);
    let empty = max == 0;
    let caption = say!(
        "Customers by probability of being alive at {} (churn risk = 1 − P(alive))",
        "截至 {} 按存活概率的客户分布（流失风险 = 1 − P(alive)）",
        report.calibration_end
    );
    let frame = BarFrame::draw(area, &caption, max as f64, TickFormat::Count, 2)?;
    let x_of = |p: f64| frame.x0 + p * (frame.x1 - frame.x0);
    let mut marks = Vec::with_capacity(bins.len());
    for &(index, from, to, customers) in &bins {
        let bx0 = x_of(from).round() as i32;
        let bx1 = x_of(to).round() as i32;
        let gap = i32::from(bx1 - bx0 >= 4);
        let rect = frame.bar(
            area,
            (bx0 + gap, bx1.max(bx0 + gap + 1)),
            Some(customers as f64),
            BAR,
        )?;
        marks.push(ClvMark {
            index,
            series: 0,
            value: Some(customers as f64),
            customers,
            rect: offset.rect(rect.0, rect.1, rect.2, rect.3),
        });
    }
    frame.baseline(area)?;
    // Ticks every 10% or 25%, as room allows, then the axis title.
    let step: f64 = if (frame.x1 - frame.x0) / 10.0 >= 44.0 {
        0.1
    } else {
        0.25
    };
    let ts = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    let ts_last = style::text_style(SMALL_SIZE, MUTED, HPos::Right, VPos::Top, false);
    let ticks = (1.0 / step).round() as usize;
    let y = frame.bottom.round() as i32;
    for k in 0..=ticks {
        let p = k as f64 * step;
        let x = x_of(p).round() as i32;
        area.draw(&PathElement::new(vec![(x, y), (x, y + 4)], BASELINE))?;
        // The last label ends at the axis end, so it is not cut off.
        let style = if k == ticks { &ts_last } else { &ts };
        area.draw_text(&tick_label(p, step, TickFormat::Percent), style, (x, y + 6))?;
    }
    let title = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, false);
    area.draw_text(
        &fit_text("P(alive)", SMALL_SIZE, frame.x1 - frame.x0),
        &title,
        (
            ((frame.x0 + frame.x1) / 2.0).round() as i32,
            (frame.bottom + 8.0 + SMALL_SIZE * LINE).round() as i32,
        ),
    )?;
    let threshold = report.at_risk_below;
    if !empty && threshold.is_finite() && threshold > 0.0 && threshold < 1.0 {
        let x = x_of(threshold);
        draw_dashed(
            area,
            (x, frame.top - 4.0),
            (x, frame.bottom),
            RISK,
            2,
            (6.0, 4.0),
        )?;
        let label = say!(
            "← {} high-value customers at risk",
            "← {} 位高价值客户有流失风险",
            format_count(report.at_risk)
        );
        let lw = text_width(&label, SMALL_SIZE);
        let (hpos, lx, label) = if x - 6.0 - lw >= frame.x0 {
            (HPos::Right, x - 6.0, label)
        } else {
            (
                HPos::Left,
                x + 6.0,
                say!(
                    "{} high-value at risk",
                    "{} 位高价值客户有风险",
                    format_count(report.at_risk)
                ),
            )
        };
        let ls = style::text_style(SMALL_SIZE, RISK, hpos, VPos::Top, true);
        area.draw_text(
            &fit_text(&label, SMALL_SIZE, (frame.x1 - frame.x0) / 2.0),
            &ls,
            (lx.round() as i32, (frame.top - 4.0).round() as i32),
        )?;
    }
    if empty {
        draw_message(
            area,
            tr("No customers to show"),
            (w / 2.0, (frame.top + frame.bottom) / 2.0),
            w - 2.0 * PAD,
        )?;
    }
    Ok(ClvLayout {
        area: whole_area(offset, width, height),
        plot: frame.plot(offset),
        marks,
        empty,
    })
}

/// Draws the value tiers of `report` on `area`: one bar per tier, its total
/// predicted CLV (or expected purchases), with mean, customers and share.
///
/// Never panics; without customers an empty state is drawn.
pub fn draw_clv_tiers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ClvReport,
) -> Result<ClvLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let w = f64::from(width);
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let by_clv = report.tier_metric == "clv";
    let tiers = &report.tiers;
    // Bar length: the tier's total CLV, or its total expected purchases.
    let total = |i: usize| {
        let t = &tiers[i];
        if by_clv {
            t.clv_total.and_then(finite)
        } else {
            t.expected_purchases_mean
                .and_then(finite)
                .map(|m| m * t.customers as f64)
        }
    };
    let max = (0..tiers.len())
        .filter_map(total)
        .fold(0.0, |a: f64, b| a.max(b));
    let empty = tiers.iter().all(|t| t.customers == 0);
    let unit = units(report);
    let caption = if by_clv {
        say!(
            "Predicted CLV over {} {} by value tier (total; mean per customer)",
            "未来 {} {}各价值层级的预测 CLV（合计；每客户均值）",
            report.horizon,
            unit
        )
    } else {
        say!(
            "Expected purchases over {} {} by value tier (no CLV without spend)",
            "未来 {} {}各价值层级的预期购买次数（无消费额则无 CLV）",
            report.horizon,
            unit
        )
    };
    let format = if by_clv {
        TickFormat::Amount
    } else {
        TickFormat::Count
    };
    let frame = BarFrame::draw(area, &caption, max, format, 2)?;
    let n = tiers.len();
    let slot = (frame.x1 - frame.x0) / n.max(1) as f64;
    let bar_w = (slot * 0.55).max(1.0);
    let name_style = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, true);
    let n_style = style::text_style(LABEL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    let value_style = style::text_style(LABEL_SIZE, TEXT, HPos::Center, VPos::Bottom, false);
    let stride = label_stride(slot, 0.0);
    let mut marks = Vec::with_capacity(n);
    for (i, t) in tiers.iter().enumerate() {
        let bx0 = (frame.x0 + i as f64 * slot + (slot - bar_w) / 2.0).round() as i32;
        let bx1 = bx0 + (bar_w.round() as i32).max(1);
        let cx = (bx0 + bx1) / 2;
        let v = total(i);
        let rect = frame.bar(area, (bx0, bx1), v, TIER_COLORS[i.min(2)])?;
        let above = if by_clv {
            say!(
                "{} · mean {}",
                "{} · 均值 {}",
                format_amount(v),
                format_amount(t.clv_mean.and_then(finite))
            )
        } else {
            say!(
                "{:.1} · mean {:.2}",
                "{:.1} · 均值 {:.2}",
                v.unwrap_or(0.0),
                t.expected_purchases_mean.unwrap_or(0.0)
            )
        };
        let above = fit_text(&above, LABEL_SIZE, slot - 4.0);
        if !empty {
            area.draw_text(&above, &value_style, (cx, rect.1 - 2))?;
        }
        if stride < usize::MAX {
            let name = fit_text(&tier_title(&t.name), SMALL_SIZE, slot - 4.0);
            area.draw_text(
                &name,
                &name_style,
                (cx, (frame.bottom + 5.0).round() as i32),
            )?;
            let detail = say!(
                "{} customers ({})",
                "{} 位客户（{}）",
                format_count(t.customers),
                format_percent(finite(t.share))
            );
            let detail = fit_text(&detail, LABEL_SIZE, slot - 4.0);
            let y = (frame.bottom + 5.0 + SMALL_SIZE * LINE).round() as i32;
            area.draw_text(&detail, &n_style, (cx, y))?;
        }
        marks.push(ClvMark {
            index: i,
            series: 0,
            value: v,
            customers: t.customers,
            rect: offset.rect(rect.0, rect.1, rect.2, rect.3),
        });
    }
    frame.baseline(area)?;
    if empty {
        draw_message(
            area,
            tr("No customers to show"),
            (w / 2.0, (frame.top + frame.bottom) / 2.0),
            w - 2.0 * PAD,
        )?;
    }
    Ok(ClvLayout {
        area: whole_area(offset, width, height),
        plot: frame.plot(offset),
        marks,
        empty,
    })
}

/// `High value`, `Mid value`, `Low value`.
fn tier_title(name: &str) -> String {
    match (super::lang::zh(), name) {
        (true, "high") => return "高价值".to_string(),
        (true, "mid") => return "中价值".to_string(),
        (true, "low") => return "低价值".to_string(),
        _ => {}
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{}{} value", first.to_uppercase(), chars.as_str()),
        None => "value".to_string(),
    }
}
