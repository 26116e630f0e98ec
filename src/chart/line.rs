//! Line charts over periods `k = 0, 1, …`: the engine behind the average
//! retention curve ([`super::retention::draw_retention_curve`]) and the historical
//! LTV curves ([`super::ltv::draw_ltv`]).
//!
//! A chart is a list of series, each a value (or a gap) per period and whether
//! that period is complete. Complete points are joined by solid lines and drawn
//! as filled dots; a segment leading to an incomplete point is dashed and the
//! point is hollow, so a partial value never reads as a final one. Muted series
//! are drawn first and thin, the highlighted one last and bold, with value
//! labels when they fit. The y axis is a round scale holding 0; x labels are
//! thinned when crowded. An average curve can carry its *bases* (how many
//! cohorts each point rests on): they are written in a row under the period
//! numbers, so a late point resting on one old cohort reads as such.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{
    self, LINE, Offset, PAD, Scale, Swatch, TickFormat, check_size, draw_dashed, draw_legend,
    draw_message, draw_y_ticks, label_stride, tick_label,
};
use super::lang::say;
use super::style::{
    self, BACKGROUND, BASELINE, MUTED, SMALL_SIZE, TEXT, blend, fit_text, text_width,
};
use super::{ChartError, PixelRect};

/// One drawn point of a curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    /// The cohort (index in the report's `cohorts`) of the curve, `None` for the
    /// average curve.
    pub cohort: Option<usize>,
    /// The period `k`.
    pub period: usize,
    /// The value shown (a fraction for retention, an amount per user for LTV).
    pub value: f64,
    /// False when the period was not over at the data end.
    pub complete: bool,
    /// For the average curve, when the chart has them: how many cohorts the
    /// point rests on (`average.cohorts[k]`); `None` for a cohort's own curve.
    pub cohorts_behind: Option<u64>,
    /// Where the point is, in backend pixels.
    pub x: i32,
    /// … and its row.
    pub y: i32,
}

/// Where a line chart put its points, for tooltips and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The plot region (the value axis spans its height), in backend pixels.
    pub plot: PixelRect,
    /// The zero line's row, in backend pixels.
    pub zero_y: i32,
    /// Every point: curve by curve in drawing order (the average last), each by
    /// period.
    pub points: Vec<CurvePoint>,
    /// True when there was nothing to draw and an empty-state message was shown.
    pub empty: bool,
}

impl CurveLayout {
    /// The point nearest to `(x, y)` within `radius` pixels, preferring the
    /// average curve on ties.
    pub fn point_near(&self, x: i32, y: i32, radius: i32) -> Option<&CurvePoint> {
        let d2 = |p: &CurvePoint| {
            let (dx, dy) = (i64::from(p.x - x), i64::from(p.y - y));
            dx * dx + dy * dy
        };
        let r2 = i64::from(radius) * i64::from(radius);
        self.points
            .iter()
            .rev()
            .filter(|p| d2(p) <= r2)
            .min_by_key(|p| d2(p))
    }
}

/// One curve to draw.
pub(crate) struct Series {
    /// The cohort it belongs to (`None`: the average).
    pub(crate) cohort: Option<usize>,
    /// Its colour.
    pub(crate) color: RGBColor,
    /// Bold (last, thick, labelled) or muted (thin, behind).
    pub(crate) bold: bool,
    /// Per period: the value and whether the period is complete; `None` (or a
    /// value that is not finite) is a gap.
    pub(crate) points: Vec<Option<(f64, bool)>>,
}

/// A line chart, read from a report by its caller.
pub(crate) struct LineChart {
    /// The curves, drawn in order (put the bold one last).
    pub(crate) series: Vec<Series>,
    /// The unit of one period, for x labels (`Week`).
    pub(crate) unit: String,
    /// How values are written.
    pub(crate) format: TickFormat,
    /// What the values are, written above the value axis.
    pub(crate) y_title: String,
    /// The legend entries (drawn on top); may be empty.
    pub(crate) legend: Vec<(String, Swatch)>,
    /// What to say when there is no point to draw.
    pub(crate) empty_message: String,
    /// Per period, how many cohorts the average curve's point rests on; written
    /// under the period numbers. Empty: no such row.
    pub(crate) bases: Vec<u64>,
}

/// Draws `chart` on `area`.
pub(crate) fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
) -> Result<CurveLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let finite = |p: &Option<(f64, bool)>| p.filter(|(v, _)| v.is_finite());
    let periods = chart
        .series
        .iter()
        .map(|s| s.points.len())
        .max()
        .unwrap_or(0);
    let values = || {
        chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().filter_map(finite).map(|(v, _)| v))
    };
    let empty = values().next().is_none();
    let (min, max) = values().fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let min_step = match chart.format {
        TickFormat::Count => 1.0,
        TickFormat::Percent => 0.001,
        _ => 0.0,
    };
    let scale = Scale::new(min, max, 5, min_step);
    let ticks: Vec<(f64, String)> = scale
        .ticks()
        .into_iter()
        .map(|v| (v, tick_label(v, scale.step, chart.format)))
        .collect();

    // Bands: legend, plot, x labels, x title.
    let mut top = PAD;
    if !chart.legend.is_empty() {
        top += draw_legend(area, &chart.legend, (PAD, PAD), w - 2.0 * PAD, 2)? + 6.0;
    }
    if !chart.y_title.is_empty() {
        let title = fit_text(&chart.y_title, SMALL_SIZE, w - 2.0 * PAD);
        let ts = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Top, false);
        area.draw_text(&title, &ts, (PAD.round() as i32, top.round() as i32))?;
        top += SMALL_SIZE * LINE + 4.0;
    }
    let label_w = ticks
        .iter()
        .map(|(_, l)| text_width(l, SMALL_SIZE))
        .fold(0.0, f64::max);
    let x0 = (PAD + label_w + 8.0).min(w / 3.0);
    let x1 = (w - PAD - 8.0).max(x0 + 1.0);
    let x_lines = if chart.bases.is_empty() { 2.0 } else { 3.0 };
    let bottom = (h - PAD - x_lines * SMALL_SIZE * LINE - 8.0).max(top + 1.0);
    let plot_top = (top + SMALL_SIZE).min(bottom);
    let inner = 8.0f64.min((x1 - x0) / 4.0);
    let step_x = if periods > 1 {
        (x1 - x0 - 2.0 * inner) / (periods - 1) as f64
    } else {
        0.0
    };
    let x_of = |k: usize| {
        if periods > 1 {
            x0 + inner + k as f64 * step_x
        } else {
            (x0 + x1) / 2.0
        }
    };
    let y_of = |v: f64| scale.y(v, plot_top, bottom);

    let rows: Vec<(f64, String)> = ticks.iter().map(|(v, l)| (y_of(*v), l.clone())).collect();
    draw_y_ticks(area, &rows, x0, x1)?;
    let zero = y_of(0.0).round() as i32;
    area.draw(&PathElement::new(
        vec![(x0.round() as i32, zero), (x1.round() as i32, zero)],
        BASELINE,
    ))?;

    // X labels: the period numbers, thinned; the unit under them.
    let xs = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    if periods > 0 {
        let widest = text_width(&periods.saturating_sub(1).to_string(), SMALL_SIZE);
        let slot = if periods > 1 { step_x } else { x1 - x0 };
        let stride = label_stride(slot, widest);
        for k in (0..periods).step_by(stride.max(1)) {
            let x = x_of(k).round() as i32;
            area.draw_text(&k.to_string(), &xs, (x, (bottom + 6.0).round() as i32))?;
        }
        let mut title = say!(
            "{}s since the cohort's first period (k)",
            "距同期群首{0}的{0}数 (k)",
            chart.unit
        );
        let mut title_y = bottom + 8.0 + SMALL_SIZE * LINE;
        if !chart.bases.is_empty() {
            // The bases row: thinned like the numbers, by its own widest count.
            let widest = chart
                .bases
                .iter()
                .map(|b| text_width(&b.to_string(), SMALL_SIZE))
                .fold(0.0, f64::max);
            let stride = label_stride(slot, widest).max(stride);
            let bs = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
            for (k, b) in chart
                .bases
                .iter()
                .enumerate()
                .take(periods)
                .step_by(stride.max(1))
            {
                let x = x_of(k).round() as i32;
                area.draw_text(&b.to_string(), &bs, (x, title_y.round() as i32))?;
            }
            title_y += SMALL_SIZE * LINE;
            title.push_str(if super::lang::zh() {
                "，每个 k 下方为参与平均的同期群数"
            } else {
                ", and under each k the cohorts averaged"
            });
        }
        let title = fit_text(&title, SMALL_SIZE, x1 - x0);
        let ts = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, false);
        let y = title_y.round() as i32;
        area.draw_text(&title, &ts, (((x0 + x1) / 2.0).round() as i32, y))?;
    }

    // Curves, muted ones first (the caller orders them).
    let marker_room = step_x >= 7.0 || periods == 1;
    let mut points = Vec::new();
    for series in &chart.series {
        let (line_w, radius) = if series.bold { (3, 4) } else { (1, 2) };
        let color = if series.bold {
            series.color
        } else {
            blend(series.color, 0.55)
        };
        let placed: Vec<Option<(f64, f64, f64, bool)>> = series
            .points
            .iter()
            .enumerate()
            .map(|(k, p)| finite(p).map(|(v, c)| (x_of(k), y_of(v), v, c)))
            .collect();
        for pair in placed.windows(2) {
            if let [Some(a), Some(b)] = pair {
                let ends = ((a.0, a.1), (b.0, b.1));
                if b.3 && a.3 {
                    area.draw(&PathElement::new(
                        vec![round(ends.0), round(ends.1)],
                        color.stroke_width(line_w),
                    ))?;
                } else {
                    draw_dashed(area, ends.0, ends.1, color, line_w, (5.0, 4.0))?;
                }
            }
        }
        for (k, p) in placed.iter().enumerate() {
            let Some((x, y, value, complete)) = *p else {
                continue;
            };
            let at = round((x, y));
            let lone = placed.get(k.wrapping_sub(1)).is_none_or(|q| q.is_none())
                && placed.get(k + 1).is_none_or(|q| q.is_none());
            if marker_room || series.bold || lone || !complete {
                if complete {
                    area.draw(&Circle::new(at, radius, color.filled()))?;
                } else {
                    area.draw(&Circle::new(at, radius + 1, BACKGROUND.filled()))?;
                    area.draw(&Circle::new(at, radius + 1, color.stroke_width(2)))?;
                }
            }
            let (px, py) = offset.point(at.0, at.1);
            points.push(CurvePoint {
                cohort: series.cohort,
                period: k,
                value,
                complete,
                cohorts_behind: if series.cohort.is_none() {
                    chart.bases.get(k).copied()
                } else {
                    None
                },
                x: px,
                y: py,
            });
        }
    }

    // Value labels on the bold curve, when there is room for all of them.
    if let Some(bold) = chart.series.iter().rev().find(|s| s.bold) {
        let labels: Vec<(usize, String, bool)> = bold
            .points
            .iter()
            .enumerate()
            .filter_map(|(k, p)| finite(p).map(|(v, c)| (k, v, c)))
            .map(|(k, v, c)| (k, value_label(v, chart.format, c), c))
            .collect();
        let widest = labels
            .iter()
            .map(|(_, l, _)| text_width(l, SMALL_SIZE))
            .fold(0.0, f64::max);
        let slot = if periods > 1 { step_x } else { x1 - x0 };
        if widest + 4.0 <= slot {
            let ls = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Bottom, false);
            for (k, label, _) in labels {
                let v = finite(&bold.points[k]).map_or(0.0, |(v, _)| v);
                let (x, y) = round((x_of(k), y_of(v) - 7.0));
                area.draw_text(&label, &ls, (x, y.max((SMALL_SIZE * LINE) as i32)))?;
            }
        }
    }

    if empty {
        draw_message(
            area,
            &chart.empty_message,
            ((x0 + x1) / 2.0, (plot_top + bottom) / 2.0),
            w - 2.0 * PAD,
        )?;
    }

    Ok(CurveLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: offset.rect(
            x0.round() as i32,
            plot_top.round() as i32,
            x1.round() as i32,
            bottom.round() as i32,
        ),
        zero_y: offset.point(0, zero).1,
        points,
        empty,
    })
}

/// A point's label: the value, with a trailing `*` when its period is not over.
fn value_label(value: f64, format: TickFormat, complete: bool) -> String {
    let text = match format {
        TickFormat::Percent => style::format_percent(Some(value)),
        TickFormat::Amount => style::format_amount(Some(value)),
        TickFormat::Count | TickFormat::Days => frame::tick_label(value, 1.0, format),
    };
    if complete { text } else { format!("{text}*") }
}

fn round((x, y): (f64, f64)) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}
