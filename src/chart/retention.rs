//! Cohort retention: the cohort × period heatmap and the average retention curve.
//!
//! The heatmap has one row per cohort (its start date and size on the left) and
//! one column per period `k = 0, 1, …` since the cohort's period. A cell's colour
//! is its share of the cohort (users measure) or its revenue per cohort user
//! (revenue measure), on one scale for the whole table; its label is that value
//! when it fits. A cell whose period was not over at the data end is lighter,
//! hatched, and labelled with a trailing `*` (explained under the table), so a
//! partial count never reads as a final percentage. Empty cohorts are muted rows.
//! When there are more cohorts than rows fit, the latest cohorts are shown and a
//! note says how many.
//!
//! The curve ([`draw_retention_curve`]) is the report's size-weighted average over
//! complete cells, in percent, by period.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{
    LINE, Offset, PAD, Swatch, TickFormat, check_size, draw_hatch, draw_legend, draw_message,
    label_stride, svg_string,
};
use super::lang::say;
use super::lang::tr;
use super::line::{CurveLayout, LineChart, Series, draw_lines};
use super::style::{
    self, BACKGROUND, BAR, EMPTY_FILL, MUTED, SMALL_SIZE, TEXT, blend, bucket_color, fit_text,
    format_amount, format_count, format_percent, text_width,
};
use super::{ChartError, PixelRect};
use crate::report::{Cohort, RetentionReport, SegmentPart};

/// The darkest cell colour (the top of the scale).
const DARK: RGBColor = RGBColor(23, 70, 130);
/// Font size of cell labels when the small size does not fit.
const TINY_SIZE: f64 = 11.0;
/// Rows and columns are never taller or wider than this.
const MAX_ROW: f64 = 30.0;
/// … or wider than this.
const MAX_COL: f64 = 84.0;
/// Rows are never thinner than this (more cohorts than fit: the latest are shown).
const MIN_ROW: f64 = 4.0;
/// Columns are never narrower than this (more periods: the first are shown).
const MIN_COL: f64 = 4.0;

/// One cell of the heatmap.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    /// The cohort's index in the report's `cohorts`.
    pub cohort: usize,
    /// The period `k`.
    pub period: usize,
    /// The cohort's size.
    pub size: u64,
    /// `retained[k]` (users measure and revenue measure alike).
    pub retained: u64,
    /// The value the colour shows: the share of the cohort (users measure) or the
    /// revenue per cohort user (revenue measure); `None` for an empty cohort.
    pub value: Option<f64>,
    /// False when the period was not over at the data end (a partial value).
    pub complete: bool,
    /// Where it is drawn, in backend pixels.
    pub rect: PixelRect,
}

/// Where the heatmap put its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The grid of cells, in backend pixels.
    pub plot: PixelRect,
    /// Every drawn cell, row by row (oldest cohort first), each row by period.
    pub cells: Vec<HeatCell>,
    /// How many cohorts have a row (the latest ones when not all fit).
    pub cohorts_shown: usize,
    /// True when there was nothing to draw and an empty-state message was shown.
    pub empty: bool,
}

impl RetentionLayout {
    /// The cell under the pixel `(x, y)`, if any.
    pub fn cell_at(&self, x: i32, y: i32) -> Option<&HeatCell> {
        self.cells.iter().find(|c| c.rect.contains(x, y))
    }
}

/// Renders the heatmap as an SVG document of `width` × `height` pixels.
pub fn retention_svg(
    report: &RetentionReport,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_retention(area, report))
}

/// Renders the average retention curve as an SVG document.
pub fn retention_curve_svg(
    report: &RetentionReport,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_retention_curve(area, report))
}

/// Draws the average retention curve of `report` (percent by period) on `area`;
/// a report with compared segments (`by_segment`) draws one curve per segment
/// instead, each in its palette colour and named in the legend (its points carry
/// the part's index as `cohort`).
///
/// Never panics; a report without any complete cell draws an empty state.
pub fn draw_retention_curve<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RetentionReport,
) -> Result<CurveLayout, ChartError> {
    if let Some(parts) = report.by_segment.as_ref().filter(|p| !p.is_empty()) {
        return draw_compared_curves(area, report, parts);
    }
    let points = report
        .average
        .rate
        .iter()
        .map(|r| r.map(|r| (r, true)))
        .collect();
    let chart = LineChart {
        series: vec![Series {
            cohort: None,
            color: BAR,
            bold: true,
            points,
        }],
        unit: unit_name(&report.period),
        format: TickFormat::Percent,
        y_title: tr("Active users, % of the cohort").to_string(),
        legend: vec![(
            tr("Average over complete periods, weighted by cohort size").to_string(),
            Swatch::Line(BAR, 3),
        )],
        empty_message: tr("No complete period yet").to_string(),
        bases: report.average.cohorts.clone(),
    };
    draw_lines(area, &chart)
}

/// One average curve per compared segment, on one chart.
fn draw_compared_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RetentionReport,
    parts: &[SegmentPart<RetentionReport>],
) -> Result<CurveLayout, ChartError> {
    let series = parts
        .iter()
        .enumerate()
        .map(|(i, part)| Series {
            cohort: Some(i),
            color: bucket_color(i, false),
            bold: true,
            points: part
                .result
                .average
                .rate
                .iter()
                .map(|r| r.map(|r| (r, true)))
                .collect(),
        })
        .collect();
    let legend = parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            (
                part.segment.name.clone(),
                Swatch::Line(bucket_color(i, false), 3),
            )
        })
        .collect();
    let chart = LineChart {
        series,
        unit: unit_name(&report.period),
        format: TickFormat::Percent,
        y_title: tr("Active users, % of the cohort").to_string(),
        legend,
        empty_message: tr("No complete period yet").to_string(),
        bases: Vec::new(),
    };
    draw_lines(area, &chart)
}

/// `Week` for `week`: the unit of one period, capitalised.
pub(crate) fn unit_name(period: &str) -> String {
    match period {
        "day" => tr("Day"),
        "week" => tr("Week"),
        "month" => tr("Month"),
        _ => tr("Period"),
    }
    .to_string()
}

/// One cohort's row, read defensively.
struct Row<'a> {
    index: usize,
    cohort: &'a Cohort,
    /// Per period: value, retained, complete.
    cells: Vec<(Option<f64>, u64, bool)>,
}

impl<'a> Row<'a> {
    fn of(index: usize, cohort: &'a Cohort, revenue: bool) -> Row<'a> {
        let len = cohort.retained.len().max(if revenue {
            cohort.revenue_per_user.as_ref().map_or(0, Vec::len)
        } else {
            cohort.retained_rate.len()
        });
        let cells = (0..len)
            .map(|k| {
                let retained = cohort.retained.get(k).copied().unwrap_or(0);
                // A missing flag is read as "not over": never overstate a value.
                let complete = cohort.complete.get(k).copied().unwrap_or(false);
                let value = if cohort.size == 0 {
                    None
                } else if revenue {
                    cohort
                        .revenue_per_user
                        .as_ref()
                        .and_then(|v| v.get(k).copied().flatten())
                } else {
                    cohort
                        .retained_rate
                        .get(k)
                        .copied()
                        .flatten()
                        .or(Some(retained as f64 / cohort.size as f64))
                };
                (value.filter(|v| v.is_finite()), retained, complete)
            })
            .collect();
        Row {
            index,
            cohort,
            cells,
        }
    }
}

/// Draws the cohort heatmap of `report` on `area` and returns where its cells
/// landed.
///
/// Never panics: a report without cohorts, or with only empty cohorts, draws an
/// empty-state message; an area smaller than [`super::MIN_SIDE`] (or larger than
/// [`super::MAX_SIDE`]) is an error.
pub fn draw_retention<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RetentionReport,
) -> Result<RetentionLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let revenue = report.measure == "revenue";
    let rows: Vec<Row> = report
        .cohorts
        .iter()
        .enumerate()
        .map(|(i, c)| Row::of(i, c, revenue))
        .collect();
    let empty = rows.iter().all(|r| r.cohort.size == 0);
    let line_h = SMALL_SIZE * LINE;

    // Vertical bands: unit title, period numbers, grid, note, legend.
    let header_h = 2.0 * line_h + 4.0;
    let footer_h = 2.0 * (line_h + 4.0) + 6.0;
    let grid_top = PAD + header_h;
    let room_h = (h - PAD - footer_h - grid_top).max(0.0);
    let fit_rows = ((room_h / MIN_ROW).floor() as usize).max(1);
    let shown = rows.len().min(fit_rows);
    let rows = &rows[rows.len() - shown..];

    // Horizontal bands: cohort date, size, grid.
    let dates: Vec<String> = rows.iter().map(|r| r.cohort.start.clone()).collect();
    let sizes: Vec<String> = rows.iter().map(|r| format_count(r.cohort.size)).collect();
    let widest = |texts: &[String], header: &str| {
        texts
            .iter()
            .map(|t| text_width(t, SMALL_SIZE))
            .fold(text_width(header, SMALL_SIZE), f64::max)
    };
    let date_w = widest(&dates, tr("Cohort")).min(w * 0.25);
    let size_w = widest(&sizes, tr("Users")).min(w * 0.15);
    let grid_x0 = PAD + date_w + 10.0 + size_w + 10.0;
    let room_w = (w - PAD - grid_x0).max(0.0);
    let periods = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let fit_cols = ((room_w / MIN_COL).floor() as usize).max(1);
    let cols = periods.min(fit_cols);
    let col_w = if cols > 0 {
        (room_w / cols as f64).min(MAX_COL)
    } else {
        0.0
    };
    let row_h = if shown > 0 {
        (room_h / shown as f64).min(MAX_ROW)
    } else {
        0.0
    };
    let grid_y1 = grid_top + row_h * shown as f64;
    let grid_x1 = grid_x0 + col_w * cols as f64;

    // The colour scale: the largest value past k = 0 (k = 0 is the whole cohort,
    // or its first-period revenue, and would wash every later cell out; it
    // takes the darkest colour), else of any cell.
    let largest = |from: usize| {
        rows.iter()
            .flat_map(|r| r.cells.iter().skip(from))
            .filter_map(|c| c.0)
            .fold(0.0f64, f64::max)
    };
    let scale_max = [largest(1), largest(0), 1.0]
        .into_iter()
        .find(|&v| v > 0.0)
        .unwrap_or(1.0);

    if empty {
        let message = if report.cohorts.is_empty() {
            tr("No cohorts to show")
        } else {
            tr("No users in any cohort")
        };
        draw_message(area, message, (w / 2.0, h / 2.0), w - 2.0 * PAD)?;
        return Ok(RetentionLayout {
            area: offset.rect(0, 0, width as i32, height as i32),
            plot: offset.rect(
                grid_x0.round() as i32,
                grid_top.round() as i32,
                grid_x0.round() as i32,
                grid_top.round() as i32,
            ),
            cells: Vec::new(),
            cohorts_shown: 0,
            empty: true,
        });
    }

    // Header: unit title over the period numbers, column titles on the left.
    let head = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, true);
    let head_right = style::text_style(SMALL_SIZE, TEXT, HPos::Right, VPos::Center, true);
    let numbers_y = (grid_top - line_h / 2.0 - 2.0).round() as i32;
    area.draw_text(tr("Cohort"), &head, (PAD.round() as i32, numbers_y))?;
    let size_right = (PAD + date_w + 10.0 + size_w).round() as i32;
    area.draw_text(tr("Users"), &head_right, (size_right, numbers_y))?;
    let what = if revenue {
        tr("revenue per cohort user")
    } else {
        tr("% of the cohort active")
    };
    let title = fit_text(
        &say!(
            "{}s since the cohort's first period (k) · {what}",
            "距同期群首{0}的{0}数 (k) · {what}",
            unit_name(&report.period)
        ),
        SMALL_SIZE,
        (w - PAD - grid_x0).max(0.0),
    );
    let muted_left = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);
    area.draw_text(
        &title,
        &muted_left,
        (grid_x0.round() as i32, (PAD + line_h / 2.0).round() as i32),
    )?;
    let numbers = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Center, false);
    let stride = label_stride(col_w, text_width(&cols.to_string(), SMALL_SIZE) - 6.0);
    for k in (0..cols).step_by(stride.max(1)) {
        let x = (grid_x0 + (k as f64 + 0.5) * col_w).round() as i32;
        area.draw_text(&k.to_string(), &numbers, (x, numbers_y))?;
    }

    // Rows: labels, then cells.
    let date_style = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, false);
    let muted_right = style::text_style(SMALL_SIZE, MUTED, HPos::Right, VPos::Center, false);
    let muted_date = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);
    let labels_fit = row_h >= SMALL_SIZE * 0.95;
    let gap = if col_w >= 8.0 && row_h >= 8.0 { 1 } else { 0 };
    let mut cells = Vec::new();
    let mut any_partial = false;
    for (r, row) in rows.iter().enumerate() {
        let y0 = (grid_top + r as f64 * row_h).round() as i32;
        let y1 = (grid_top + (r + 1) as f64 * row_h).round() as i32;
        let cy = (y0 + y1) / 2;
        let is_empty = row.cohort.size == 0;
        if labels_fit {
            let date = fit_text(&dates[r], SMALL_SIZE, date_w);
            let ds = if is_empty { &muted_date } else { &date_style };
            area.draw_text(&date, ds, (PAD.round() as i32, cy))?;
            let size = fit_text(&sizes[r], SMALL_SIZE, size_w);
            area.draw_text(&size, &muted_right, (size_right, cy))?;
        }
        for (k, &(value, retained, complete)) in row.cells.iter().enumerate().take(cols) {
            let x0 = (grid_x0 + k as f64 * col_w).round() as i32;
            let x1 = (grid_x0 + (k + 1) as f64 * col_w).round() as i32;
            let (cx0, cy0, cx1, cy1) = (x0, y0, (x1 - gap).max(x0 + 1), (y1 - gap).max(y0 + 1));
            let t = value.map_or(0.0, |v| (v / scale_max).clamp(0.0, 1.0));
            let full = ramp(t);
            let fill = if is_empty {
                EMPTY_FILL
            } else if complete {
                full
            } else {
                blend(full, 0.3)
            };
            area.draw(&Rectangle::new([(cx0, cy0), (cx1, cy1)], fill.filled()))?;
            if !complete && !is_empty {
                any_partial = true;
                draw_hatch(area, (cx0, cy0, cx1, cy1), DARK, 0.3, 6)?;
            }
            let label = if is_empty {
                "–".to_string()
            } else {
                let text = if revenue {
                    format_amount(value)
                } else {
                    format_percent(value)
                };
                if complete { text } else { format!("{text}*") }
            };
            let room = f64::from(cx1 - cx0) - 4.0;
            let tall = f64::from(cy1 - cy0);
            let size = [SMALL_SIZE, TINY_SIZE]
                .into_iter()
                .find(|&s| text_width(&label, s) <= room && tall >= s * 0.95);
            if let Some(size) = size {
                let color = if is_empty {
                    MUTED
                } else if !complete {
                    TEXT
                } else if t > 0.5 {
                    BACKGROUND
                } else {
                    TEXT
                };
                let ls = style::text_style(size, color, HPos::Center, VPos::Center, false);
                area.draw_text(&label, &ls, ((cx0 + cx1) / 2, (cy0 + cy1) / 2))?;
            }
            cells.push(HeatCell {
                cohort: row.index,
                period: k,
                size: row.cohort.size,
                retained,
                value,
                complete,
                rect: offset.rect(cx0, cy0, cx1, cy1),
            });
        }
    }

    // Footer: what was left out, the partial-period mark, the colour scale.
    let mut y = grid_y1 + 8.0;
    let mut notes = Vec::new();
    if shown < report.cohorts.len() {
        notes.push(say!(
            "Showing the latest {} of {} cohorts",
            "显示最近 {} 个同期群（共 {} 个）",
            format_count(shown as u64),
            format_count(report.cohorts.len() as u64)
        ));
    }
    if cols < periods {
        notes.push(say!(
            "periods 0–{} of 0–{}",
            "周期 0–{}（共 0–{}）",
            cols - 1,
            periods - 1
        ));
    }
    if !notes.is_empty() {
        let note = fit_text(&notes.join("; "), SMALL_SIZE, w - 2.0 * PAD);
        area.draw_text(
            &note,
            &muted_left,
            (PAD.round() as i32, (y + line_h / 2.0).round() as i32),
        )?;
        y += line_h + 4.0;
    }
    let low = if revenue {
        format_amount(Some(0.0))
    } else {
        "0%".to_string()
    };
    let high = if revenue {
        format_amount(Some(scale_max))
    } else {
        format_percent(Some(scale_max))
    };
    let mut legend = vec![
        (low, Swatch::Fill(ramp(0.0))),
        (
            say!("{high} or more", "{high} 及以上"),
            Swatch::Fill(ramp(1.0)),
        ),
    ];
    if any_partial {
        legend.push((
            tr("* period not over yet (partial count)").to_string(),
            Swatch::Hatch(DARK),
        ));
    }
    if rows.iter().any(|r| r.cohort.size == 0) {
        legend.push((tr("empty cohort").to_string(), Swatch::Fill(EMPTY_FILL)));
    }
    draw_legend(area, &legend, (PAD, y), w - 2.0 * PAD, 2)?;

    Ok(RetentionLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: offset.rect(
            grid_x0.round() as i32,
            grid_top.round() as i32,
            grid_x1.round() as i32,
            grid_y1.round() as i32,
        ),
        cells,
        cohorts_shown: shown,
        empty: false,
    })
}

/// The cell colour at `t` in `0..=1` on the scale (very light to [`DARK`]).
fn ramp(t: f64) -> RGBColor {
    blend(DARK, 0.06 + 0.94 * t.clamp(0.0, 1.0))
}
