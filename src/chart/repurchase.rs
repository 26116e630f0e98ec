//! Repeat purchase: three charts from one [`RepurchaseReport`].
//!
//! - [`draw_gap_histogram`]: repeat buyers by days between their first and
//!   second purchase, bars over the report's bins, with the median marked by a
//!   dashed line.
//! - [`draw_repeat_by_month`]: the repeat rate (within the report's outcome
//!   window) of the buyers whose first purchase fell in each month, one bar per
//!   month, the eligible count under the month. A month with nobody eligible
//!   yet has no bar and a `–`.
//! - [`draw_repeat_rates`]: the rates within each `within_days`, as horizontal
//!   bars with `repeaters of eligible` and the buyers not yet eligible.
//!
//! All three return a [`RepurchaseLayout`] of [`ValueBar`]s for tooltips.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::bar_frame::{BarFrame, LABEL_SIZE};
use super::frame::{
    LINE, Offset, PAD, Scale, TickFormat, check_size, draw_dashed, draw_message, label_stride,
    svg_string, tick_label,
};
use super::lang::say;
use super::lang::tr;
use super::style::{
    self, BACKGROUND, BAR, BASELINE, GRID, MUTED, SMALL_SIZE, TEXT, fit_text, format_count,
    format_percent, format_short, text_width,
};
use super::{ChartError, PixelRect};
use crate::report::RepurchaseReport;

/// The median marker's colour.
const MEDIAN: RGBColor = RGBColor(225, 87, 89);

/// One bar of a repeat-purchase chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueBar {
    /// Index in the report list the chart reads (`gap_histogram`,
    /// `by_first_month` or `rates`).
    pub index: usize,
    /// The value the bar's length shows: repeat buyers in the bin (histogram) or
    /// the repeat rate (`None`: nobody eligible, no bar).
    pub value: Option<f64>,
    /// The users behind it: repeat buyers in the bin, or the eligible buyers.
    pub users: u64,
    /// Where it is drawn, in backend pixels (empty when there is no bar).
    pub rect: PixelRect,
}

/// Where a repeat-purchase chart put its bars.
#[derive(Debug, Clone, PartialEq)]
pub struct RepurchaseLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The plot region, in backend pixels (bars grow from its bottom, or from its
    /// left for the horizontal rates).
    pub plot: PixelRect,
    /// Every bar in report order.
    pub bars: Vec<ValueBar>,
    /// The histogram's median line (backend pixel column), when drawn.
    pub median_x: Option<i32>,
    /// True when there was nothing to draw and an empty-state message was shown.
    pub empty: bool,
}

impl RepurchaseLayout {
    /// The bar under the pixel `(x, y)`, if any.
    pub fn bar_at(&self, x: i32, y: i32) -> Option<&ValueBar> {
        self.bars.iter().find(|b| b.rect.contains(x, y))
    }
}

/// Renders the gap histogram as an SVG document of `width` × `height` pixels.
pub fn gap_histogram_svg(
    report: &RepurchaseReport,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_gap_histogram(area, report))
}

/// Renders the repeat rate by first-purchase month as an SVG document.
pub fn repeat_by_month_svg(
    report: &RepurchaseReport,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_repeat_by_month(area, report))
}

/// Renders the repeat rates within each number of days as an SVG document.
pub fn repeat_rates_svg(
    report: &RepurchaseReport,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_repeat_rates(area, report))
}

/// Draws the histogram of days from the first to the second purchase, with the
/// median marked, on `area`.
///
/// Never panics: bins that are not finite or not increasing are skipped; without
/// any repeat buyer an empty state is drawn.
pub fn draw_gap_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RepurchaseReport,
) -> Result<RepurchaseLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let w = f64::from(width);
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let bins: Vec<(usize, f64, f64, u64)> = report
        .gap_histogram
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            b.from_days.is_finite() && b.to_days.is_finite() && b.to_days > b.from_days
        })
        .map(|(i, b)| (i, b.from_days, b.to_days, b.users))
        .collect();
    let max_users = bins.iter().map(|b| b.3).max().unwrap_or(0);
    let empty = max_users == 0;
    let frame = BarFrame::draw(
        area,
        tr("Repeat buyers by days from the first to the second purchase"),
        max_users as f64,
        TickFormat::Count,
        2,
    )?;
    let lo = bins.iter().map(|b| b.1).fold(f64::INFINITY, f64::min);
    let hi = bins.iter().map(|b| b.2).fold(f64::NEG_INFINITY, f64::max);
    let span = hi - lo;
    let x_of = |d: f64| {
        if span > 0.0 && span.is_finite() {
            frame.x0 + (d - lo) / span * (frame.x1 - frame.x0)
        } else {
            frame.x0
        }
    };

    let mut bars = Vec::with_capacity(bins.len());
    for &(index, from, to, users) in &bins {
        let bx0 = x_of(from).round() as i32;
        let bx1 = x_of(to).round() as i32;
        let gap = i32::from(bx1 - bx0 >= 4);
        let y1 = frame.bottom.round() as i32;
        let mut y0 = frame.y(users as f64).round() as i32;
        if users > 0 && y0 == y1 {
            y0 = y1 - 1;
        }
        let rect = (bx0 + gap, y0, bx1.max(bx0 + gap + 1), y1);
        if users > 0 {
            area.draw(&Rectangle::new(
                [(rect.0, rect.1), (rect.2, rect.3)],
                BAR.filled(),
            ))?;
        }
        bars.push(ValueBar {
            index,
            value: Some(users as f64),
            users,
            rect: offset.rect(rect.0, rect.1, rect.2, rect.3),
        });
    }
    frame.baseline(area)?;

    // Day ticks on bin edges (every m-th edge, so labels keep apart), then the
    // axis title.
    if span > 0.0 && span.is_finite() {
        let px_per_day = (frame.x1 - frame.x0) / span;
        let bin = bins.iter().map(|b| b.2 - b.1).fold(f64::INFINITY, f64::min);
        let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
            .into_iter()
            .map(|m| m * bin)
            .find(|s| s * px_per_day >= 44.0)
            .unwrap_or(span);
        let scale = Scale {
            low: lo,
            high: hi,
            step,
        };
        let ts = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
        for v in scale.ticks().into_iter().filter(|v| *v <= hi + step * 1e-9) {
            let x = x_of(v).round() as i32;
            let y = frame.bottom.round() as i32;
            area.draw(&PathElement::new(vec![(x, y), (x, y + 4)], BASELINE))?;
            let label = tick_label(v, scale.step, TickFormat::Days);
            area.draw_text(&label, &ts, (x, y + 6))?;
        }
        let title = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, false);
        let y = (frame.bottom + 8.0 + SMALL_SIZE * LINE).round() as i32;
        area.draw_text(
            &fit_text(tr("days"), SMALL_SIZE, frame.x1 - frame.x0),
            &title,
            (((frame.x0 + frame.x1) / 2.0).round() as i32, y),
        )?;
    }

    // The median: a dashed line over the plot, labelled on the side with room.
    let mut median_x = None;
    if let Some(median) = report.median_gap_days.filter(|m| m.is_finite() && !empty)
        && median >= lo
        && median <= hi
    {
        let x = x_of(median);
        draw_dashed(
            area,
            (x, frame.top - 4.0),
            (x, frame.bottom),
            MEDIAN,
            2,
            (6.0, 4.0),
        )?;
        let label = say!("median {} d", "中位数 {} 天", format_short(median));
        let lw = text_width(&label, SMALL_SIZE);
        let (hpos, lx) = if x + 6.0 + lw <= frame.x1 {
            (HPos::Left, x + 6.0)
        } else {
            (HPos::Right, x - 6.0)
        };
        let ls = style::text_style(SMALL_SIZE, MEDIAN, hpos, VPos::Top, true);
        area.draw_text(
            &label,
            &ls,
            (lx.round() as i32, (frame.top - 4.0).round() as i32),
        )?;
        median_x = Some(offset.point(x.round() as i32, 0).0);
    }

    if empty {
        draw_message(
            area,
            tr("No repeat buyers yet"),
            (w / 2.0, (frame.top + frame.bottom) / 2.0),
            w - 2.0 * PAD,
        )?;
    }
    Ok(RepurchaseLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: frame.plot(offset),
        bars,
        median_x,
        empty,
    })
}

/// Draws the repeat rate by first-purchase month on `area`: one bar per month,
/// its rate above and its eligible buyers under the month.
///
/// Never panics; when no month has an eligible buyer an empty state is drawn.
pub fn draw_repeat_by_month<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RepurchaseReport,
) -> Result<RepurchaseLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let w = f64::from(width);
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let months = &report.by_first_month;
    let rate = |i: usize| months[i].rate.filter(|r| r.is_finite());
    let max_rate = (0..months.len()).filter_map(rate).fold(0.0, f64::max);
    let empty = (0..months.len()).all(|i| rate(i).is_none());
    let caption = say!(
        "Repeat rate within {} days, by month of first purchase (n = eligible buyers)",
        "{} 天内复购率，按首购月份（n = 合格买家）",
        report.outcome_days
    );
    let frame = BarFrame::draw(area, &caption, max_rate, TickFormat::Percent, 2)?;
    let n = months.len();
    let slot = (frame.x1 - frame.x0) / n.max(1) as f64;
    let month_w = months
        .iter()
        .map(|m| text_width(&m.month, SMALL_SIZE))
        .fold(0.0, f64::max);
    let stride = label_stride(slot, month_w);
    let y1 = frame.bottom.round() as i32;
    let month_style = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, false);
    let n_style = style::text_style(LABEL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    let value_style = style::text_style(LABEL_SIZE, TEXT, HPos::Center, VPos::Bottom, false);

    let mut bars = Vec::with_capacity(n);
    for (i, m) in months.iter().enumerate() {
        let bar_w = (slot * 0.62).max(1.0);
        let bx0 = (frame.x0 + i as f64 * slot + (slot - bar_w) / 2.0).round() as i32;
        let bx1 = bx0 + (bar_w.round() as i32).max(1);
        let cx = (bx0 + bx1) / 2;
        let value = rate(i);
        let mut y0 = value.map_or(y1, |r| frame.y(r).round() as i32);
        if value.is_some_and(|r| r > 0.0) && y0 == y1 {
            y0 = y1 - 1;
        }
        if y0 < y1 {
            area.draw(&Rectangle::new([(bx0, y0), (bx1, y1)], BAR.filled()))?;
        }
        let label = format_percent(value);
        if !empty && text_width(&label, LABEL_SIZE) <= slot - 2.0 {
            area.draw_text(&label, &value_style, (cx, y0 - 2))?;
        }
        if i % stride.max(1) == 0 && stride < usize::MAX {
            let month = fit_text(&m.month, SMALL_SIZE, slot * stride as f64 - 6.0);
            area.draw_text(&month, &month_style, (cx, y1 + 5))?;
            let eligible = format!("n = {}", format_count(m.eligible));
            if text_width(&eligible, LABEL_SIZE) <= slot * stride as f64 - 6.0 {
                let y = (frame.bottom + 5.0 + SMALL_SIZE * LINE).round() as i32;
                area.draw_text(&eligible, &n_style, (cx, y))?;
            }
        }
        bars.push(ValueBar {
            index: i,
            value,
            users: m.eligible,
            rect: offset.rect(bx0, y0, bx1, y1),
        });
    }
    frame.baseline(area)?;

    if empty {
        let message = if n == 0 {
            tr("No first purchases to show").to_string()
        } else {
            say!(
                "No buyer has had {} days to come back yet",
                "尚无买家满 {} 天可回购",
                report.outcome_days
            )
        };
        draw_message(
            area,
            &message,
            (w / 2.0, (frame.top + frame.bottom) / 2.0),
            w - 2.0 * PAD,
        )?;
    }
    Ok(RepurchaseLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: frame.plot(offset),
        bars,
        median_x: None,
        empty,
    })
}

/// Draws the repeat rate within each number of days as horizontal bars on
/// `area`, each with `repeaters of eligible` and the buyers not yet eligible.
///
/// Never panics; when nobody is eligible for any window an empty state is drawn.
pub fn draw_repeat_rates<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RepurchaseReport,
) -> Result<RepurchaseLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let rates = &report.rates;
    let rate = |i: usize| rates[i].rate.filter(|r| r.is_finite());
    let empty = (0..rates.len()).all(|i| rate(i).is_none());
    let labels: Vec<String> = rates
        .iter()
        .map(|r| say!("within {} days", "{} 天内", r.days))
        .collect();
    let label_w = labels
        .iter()
        .map(|l| text_width(l, SMALL_SIZE))
        .fold(0.0, f64::max)
        .min(w / 3.0);
    let x0 = PAD + label_w + 10.0;
    let details: Vec<String> = rates
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut text = say!(
                "{} · {} of {}",
                "{} · {}/{}",
                format_percent(rate(i)),
                format_count(r.repeaters),
                format_count(r.eligible)
            );
            if r.not_yet_eligible > 0 {
                text.push_str(&say!(
                    " · {} not yet eligible",
                    " · {} 位尚不合格",
                    format_count(r.not_yet_eligible)
                ));
            }
            text
        })
        .collect();
    let detail_w = details
        .iter()
        .map(|d| text_width(d, LABEL_SIZE))
        .fold(0.0, f64::max);
    // Bars take what the details leave, at least half the room.
    let room = (w - PAD - x0).max(1.0);
    let bar_room = (room - detail_w - 8.0).max(room / 2.0);
    let top = PAD;
    let n = rates.len();
    // A row per rate, then a line of percentage ticks.
    let row_h = ((h - 2.0 * PAD - SMALL_SIZE * LINE - 6.0) / n.max(1) as f64).min(44.0);
    let bar_h = (row_h * 0.55).max(1.0);
    let rows_bottom = top + row_h * n as f64;
    // Rates share one round scale from 0, so bars compare; gridlines mark it.
    let max_rate = (0..n).filter_map(rate).fold(0.0, f64::max);
    let scale = Scale::new(0.0, max_rate.min(1.0), 4, 0.001);
    let x_of = |v: f64| x0 + (v - scale.low) / (scale.high - scale.low) * bar_room;
    let tick_style = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    if !empty {
        for v in scale.ticks() {
            let x = x_of(v).round() as i32;
            area.draw(&PathElement::new(
                vec![(x, top.round() as i32), (x, rows_bottom.round() as i32)],
                GRID,
            ))?;
            let label = tick_label(v, scale.step, TickFormat::Percent);
            area.draw_text(&label, &tick_style, (x, (rows_bottom + 4.0).round() as i32))?;
        }
    }
    let ls = style::text_style(SMALL_SIZE, TEXT, HPos::Right, VPos::Center, false);
    let ds = style::text_style(LABEL_SIZE, MUTED, HPos::Left, VPos::Center, false);

    let mut bars = Vec::with_capacity(n);
    for (i, r) in rates.iter().enumerate() {
        let cy = top + (i as f64 + 0.5) * row_h;
        let y0 = (cy - bar_h / 2.0).round() as i32;
        let y1 = (y0 + bar_h.round() as i32).max(y0 + 1);
        let bx0 = x0.round() as i32;
        let value = rate(i);
        let length = value.map_or(0.0, |v| x_of(v.clamp(0.0, scale.high)) - x0);
        let mut bx1 = bx0 + length.round() as i32;
        if value.is_some_and(|v| v > 0.0) && bx1 == bx0 {
            bx1 = bx0 + 1;
        }
        if row_h >= SMALL_SIZE * 0.95 {
            let label = fit_text(&labels[i], SMALL_SIZE, label_w);
            area.draw_text(&label, &ls, ((x0 - 10.0).round() as i32, cy.round() as i32))?;
        }
        if bx1 > bx0 {
            area.draw(&Rectangle::new([(bx0, y0), (bx1, y1)], BAR.filled()))?;
        }
        let dx = f64::from(bx1) + 6.0;
        let detail = fit_text(&details[i], LABEL_SIZE, (w - PAD - dx).max(0.0));
        if row_h >= LABEL_SIZE * 0.95 {
            area.draw_text(&detail, &ds, (dx.round() as i32, cy.round() as i32))?;
        }
        bars.push(ValueBar {
            index: i,
            value,
            users: r.eligible,
            rect: offset.rect(bx0, y0, bx1, y1),
        });
    }
    if empty {
        let message = if n == 0 {
            tr("No repeat windows asked for")
        } else {
            tr("Nobody has been a buyer long enough yet")
        };
        draw_message(area, message, (w / 2.0, h / 2.0), w - 2.0 * PAD)?;
    }
    Ok(RepurchaseLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: offset.rect(
            x0.round() as i32,
            top.round() as i32,
            (x0 + bar_room).round() as i32,
            rows_bottom.round() as i32,
        ),
        bars,
        median_x: None,
        empty,
    })
}
