//! The funnel chart: one bar per step, or grouped bars per step with a breakdown.
//!
//! Without a breakdown, each bar's height is its users; above it the user count and
//! the conversion from step 1; a light "ghost" above each later bar shows who
//! dropped off; between two bars the conversion from the previous step and the
//! median time it took. With a breakdown, each step has one bar per bucket, one
//! colour per bucket, and a legend on top. Step labels sit under the baseline,
//! wrapped to two lines and cut with an ellipsis. There is no title: the page has
//! its own.
//!
//! Labels that do not fit their room are left out rather than overlapped (their
//! numbers stay available through [`ChartLayout`] for tooltips).

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Polygon, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{check_size, svg_string};
use super::lang::say;
use super::lang::tr;
use super::style::{
    self, BACKGROUND, BAR, BASELINE, GHOST_OPACITY, MESSAGE_SIZE, MUTED, SMALL_SIZE, TEXT,
    VALUE_SIZE, fit_text, format_compact, format_count, format_duration, format_percent,
    text_width, wrap_text,
};
use super::{BarRect, ChartError, ChartLayout, PixelRect};
use crate::report::{FunnelBucket, FunnelReport, FunnelStep};

/// Outer padding, in pixels.
const PAD: f64 = 12.0;
/// Line height as a multiple of the font size.
const LINE: f64 = 1.25;
/// Lines of a step label under the axis.
const AXIS_LINES: usize = 2;
/// Share of a step's slot taken by its bar (no breakdown); the rest is the gap
/// holding the step-to-step numbers.
const BAR_SHARE: f64 = 0.58;
/// Share of a step's slot taken by its group of bars (breakdown).
const GROUP_SHARE: f64 = 0.8;
/// Legend swatch side, in pixels.
const SWATCH: f64 = 11.0;
/// Font size of labels on the thin bars of a breakdown.
const TINY_SIZE: f64 = 11.0;

/// Renders the funnel as an SVG document of `width` × `height` pixels.
pub fn funnel_svg(report: &FunnelReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_funnel(area, report))
}

/// Draws the funnel of `report` on `area` (any plotters backend) and returns where
/// its bars landed.
///
/// Never panics: a report with no steps or no users draws an empty-state message;
/// an area smaller than [`super::MIN_SIDE`] (or larger than [`super::MAX_SIDE`]) on either side is
/// an error.
pub fn draw_funnel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &FunnelReport,
) -> Result<ChartLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let base = area.get_base_pixel();
    let series = Series::of(report);
    let steps = series.steps.len();

    area.fill(&BACKGROUND)?;

    // Vertical bands, top to bottom: legend, bar labels, bars, step labels.
    let mut top = PAD;
    if series.grouped {
        top += draw_legend(area, &series.buckets, w, h)? + 8.0;
    }
    let label_room = VALUE_SIZE * LINE + SMALL_SIZE * LINE + 6.0;
    let baseline = (h - PAD - AXIS_LINES as f64 * SMALL_SIZE * LINE - 10.0).max(top);
    let bars_top = (top + label_room).min(baseline);
    let max_bar = baseline - bars_top;
    let (x_start, x_end) = (PAD, w - PAD);
    let slot = (x_end - x_start) / steps.max(1) as f64;

    let max_users = series
        .buckets
        .iter()
        .flat_map(|b| b.users.iter().copied())
        .max()
        .unwrap_or(0);
    let empty = steps == 0 || max_users == 0;

    // Bar geometry, step by step and bucket by bucket.
    let mut bars = Vec::with_capacity(steps * series.buckets.len());
    for k in 0..steps {
        let slot_x = x_start + k as f64 * slot;
        for (j, bucket) in series.buckets.iter().enumerate() {
            let (x0, x1) = if series.grouped {
                let group = slot * GROUP_SHARE;
                let each = group / series.buckets.len() as f64;
                let gap = if each >= 6.0 { 1.0 } else { 0.0 };
                let g0 = slot_x + (slot - group) / 2.0;
                (
                    g0 + j as f64 * each + gap / 2.0,
                    g0 + (j + 1) as f64 * each - gap / 2.0,
                )
            } else {
                let bar = slot * BAR_SHARE;
                let x0 = slot_x + (slot - bar) / 2.0;
                (x0, x0 + bar)
            };
            let users = bucket.users.get(k).copied().unwrap_or(0);
            let bar_h = if max_users == 0 {
                0.0
            } else {
                users as f64 / max_users as f64 * max_bar
            };
            // Round the left edge and the width (not the right edge): equal widths.
            let (x0, x1) = (
                x0.round() as i32,
                x0.round() as i32 + (x1 - x0).round() as i32,
            );
            let y1 = baseline.round() as i32;
            let mut y0 = (baseline - bar_h).round() as i32;
            if users > 0 && y0 == y1 && max_bar >= 1.0 {
                y0 = y1 - 1; // a sliver, so a tiny non-zero bar stays visible
            }
            bars.push(Placed {
                step: k,
                bucket: j,
                users,
                x0,
                y0,
                x1: x1.max(x0 + 1),
                y1,
            });
        }
    }

    // Marks: ghosts, bars, baseline.
    if !series.grouped && !empty {
        let ghost = BAR.mix(GHOST_OPACITY).filled();
        for pair in bars.windows(2) {
            let (prev, bar) = (&pair[0], &pair[1]);
            if prev.y0 < bar.y0 {
                area.draw(&Polygon::new(
                    vec![
                        (bar.x0, prev.y0),
                        (bar.x1, prev.y0),
                        (bar.x1, bar.y0),
                        (bar.x0, bar.y0),
                    ],
                    ghost,
                ))?;
            }
        }
    }
    for bar in &bars {
        if bar.y1 > bar.y0 {
            let color = series.buckets[bar.bucket].color;
            area.draw(&Rectangle::new(
                [(bar.x0, bar.y0), (bar.x1, bar.y1)],
                color.filled(),
            ))?;
        }
    }
    let y_base = baseline.round() as i32;
    area.draw(&PathElement::new(
        vec![
            (x_start.round() as i32, y_base),
            (x_end.round() as i32, y_base),
        ],
        BASELINE,
    ))?;

    // Labels above the bars and, without breakdown, between them.
    if !empty {
        for bar in &bars {
            let bucket = &series.buckets[bar.bucket];
            let from_first = bucket.from_first.get(bar.step).copied().flatten();
            let room = if series.grouped {
                f64::from(bar.x1 - bar.x0) + 2.0
            } else {
                slot - 4.0
            };
            draw_bar_labels(area, bar, from_first, room, series.grouped)?;
        }
        if !series.grouped {
            let mid = baseline - max_bar / 2.0;
            for (pair, step) in bars.windows(2).zip(report.steps.iter().skip(1)) {
                let (x0, x1) = (f64::from(pair[0].x1), f64::from(pair[1].x0));
                draw_step_gap(area, step, (x0 + x1) / 2.0, x1 - x0, mid)?;
            }
        }
    }

    // Step labels under the baseline.
    let label_style = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, false);
    for (k, label) in series.steps.iter().enumerate() {
        let cx = x_start + (k as f64 + 0.5) * slot;
        for (i, line) in wrap_text(label, SMALL_SIZE, slot - 6.0, AXIS_LINES)
            .iter()
            .enumerate()
        {
            let y = baseline + 8.0 + i as f64 * SMALL_SIZE * LINE;
            area.draw_text(line, &label_style, (cx.round() as i32, y.round() as i32))?;
        }
    }

    if empty {
        let message = if steps == 0 {
            tr("No steps to show")
        } else {
            tr("No users reached the first step")
        };
        let text = fit_text(message, MESSAGE_SIZE, w - 2.0 * PAD);
        let style = style::text_style(MESSAGE_SIZE, MUTED, HPos::Center, VPos::Center, false);
        let y = (top + baseline) / 2.0;
        area.draw_text(&text, &style, ((w / 2.0).round() as i32, y.round() as i32))?;
    }

    let shift = |x: i32, y: i32| (x + base.0, y + base.1);
    let rect = |x0: i32, y0: i32, x1: i32, y1: i32| {
        let (x0, y0) = shift(x0, y0);
        let (x1, y1) = shift(x1, y1);
        PixelRect { x0, y0, x1, y1 }
    };
    Ok(ChartLayout {
        area: rect(0, 0, width as i32, height as i32),
        plot: rect(
            x_start.round() as i32,
            bars_top.round() as i32,
            x_end.round() as i32,
            y_base,
        ),
        bars: bars
            .iter()
            .map(|b| BarRect {
                step: b.step,
                bucket: series.grouped.then_some(b.bucket),
                users: b.users,
                rect: rect(b.x0, b.y0, b.x1, b.y1),
            })
            .collect(),
        empty,
    })
}

/// A bar in area pixels, before the area's offset is added.
struct Placed {
    step: usize,
    bucket: usize,
    users: u64,
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

/// What the chart shows, read defensively from the report.
struct Series {
    /// The step labels.
    steps: Vec<String>,
    /// True with a breakdown (grouped bars and a legend).
    grouped: bool,
    /// One bucket without breakdown ("all users").
    buckets: Vec<Bucket>,
}

/// One series of bars.
struct Bucket {
    label: String,
    color: RGBColor,
    /// Users per step (missing steps are 0).
    users: Vec<u64>,
    /// Conversion from step 1 per step.
    from_first: Vec<Option<f64>>,
}

impl Series {
    fn of(report: &FunnelReport) -> Series {
        let steps = report
            .steps
            .iter()
            .map(|s| {
                if s.label.trim().is_empty() {
                    s.event.clone()
                } else {
                    s.label.clone()
                }
            })
            .collect();
        let bucket = |label: String, color: RGBColor, steps: &[FunnelStep]| Bucket {
            label,
            color,
            users: steps.iter().map(|s| s.users).collect(),
            from_first: steps.iter().map(|s| s.conversion_from_first).collect(),
        };
        match report.breakdown.as_deref() {
            Some(buckets) if !buckets.is_empty() => Series {
                steps,
                grouped: true,
                buckets: buckets
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        bucket(bucket_label(b), style::bucket_color(i, b.other), &b.steps)
                    })
                    .collect(),
            },
            _ => Series {
                steps,
                grouped: false,
                buckets: vec![bucket(tr("All users").to_string(), BAR, &report.steps)],
            },
        }
    }
}

/// The legend text of a bucket: its value, `Other` for the merged rest, `(none)`
/// for a missing value, `(empty)` for an empty one.
pub fn bucket_label(bucket: &FunnelBucket) -> String {
    match (&bucket.value, bucket.other) {
        (_, true) => tr("Other").to_string(),
        (None, false) => tr("(none)").to_string(),
        (Some(v), false) if v.trim().is_empty() => tr("(empty)").to_string(),
        (Some(v), false) => v.clone(),
    }
}

/// Draws the legend along the top; returns its height.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    buckets: &[Bucket],
    w: f64,
    h: f64,
) -> Result<f64, ChartError> {
    let row_h = SMALL_SIZE * LINE + 4.0;
    let max_rows = ((h * 0.25 / row_h).floor() as usize).max(1);
    let max_label = (w / 2.5).min(180.0);
    let right = w - PAD;
    let style = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, false);
    let muted = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);
    let row_y = |row: usize| PAD + row as f64 * row_h + row_h / 2.0;
    let (mut x, mut row) = (PAD, 0usize);
    for (i, bucket) in buckets.iter().enumerate() {
        let label = fit_text(&bucket.label, SMALL_SIZE, max_label);
        let item = SWATCH + 5.0 + text_width(&label, SMALL_SIZE) + 16.0;
        let more = say!("+{} more", "另有 {} 项", buckets.len() - i);
        let mut out_of_room = false;
        if x > PAD && x + item > right {
            if row + 1 < max_rows {
                row += 1;
                x = PAD;
            } else {
                out_of_room = true;
            }
        }
        // On the last row, an item must leave room for "+N more" after it.
        let later = buckets.len() - i - 1;
        if row + 1 == max_rows
            && later > 0
            && x > PAD
            && x + item + text_width(&say!("+{later} more", "另有 {later} 项"), SMALL_SIZE) > right
        {
            out_of_room = true;
        }
        let y = row_y(row).round() as i32;
        if out_of_room {
            area.draw_text(&more, &muted, (x.round() as i32, y))?;
            break;
        }
        let (sx, sy) = (x.round() as i32, y - (SWATCH / 2.0).round() as i32);
        area.draw(&Rectangle::new(
            [(sx, sy), (sx + SWATCH as i32, sy + SWATCH as i32)],
            bucket.color.filled(),
        ))?;
        let tx = (x + SWATCH + 5.0).round() as i32;
        area.draw_text(&label, &style, (tx, y))?;
        x += item;
    }
    Ok((row + 1) as f64 * row_h)
}

/// Draws the user count and the conversion from step 1 above a bar, each only if
/// it fits in `room` pixels.
fn draw_bar_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bar: &Placed,
    from_first: Option<f64>,
    room: f64,
    grouped: bool,
) -> Result<(), ChartError> {
    let (count_size, pct_size) = if grouped {
        (TINY_SIZE, TINY_SIZE)
    } else {
        (VALUE_SIZE, SMALL_SIZE)
    };
    let cx = (bar.x0 + bar.x1) / 2;
    let pct = format_percent(from_first);
    let pct_y = bar.y0 - 3;
    if text_width(&pct, pct_size) <= room {
        let style = style::text_style(pct_size, MUTED, HPos::Center, VPos::Bottom, false);
        area.draw_text(&pct, &style, (cx, pct_y))?;
    }
    let count = [format_count(bar.users), format_compact(bar.users)]
        .into_iter()
        .find(|t| text_width(t, count_size) <= room);
    if let Some(count) = count {
        let y = pct_y - (pct_size * LINE).round() as i32;
        let style = style::text_style(count_size, TEXT, HPos::Center, VPos::Bottom, !grouped);
        area.draw_text(&count, &style, (cx, y))?;
    }
    Ok(())
}

/// Draws, in the gap between two bars centred at `cx`, the conversion from the
/// previous step, an arrow, and the median time from the previous step.
fn draw_step_gap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    step: &FunnelStep,
    cx: f64,
    gap: f64,
    mid: f64,
) -> Result<(), ChartError> {
    let room = gap - 4.0;
    let (x, y) = (cx.round() as i32, mid.round() as i32);
    let conversion = format_percent(step.conversion_from_previous);
    if text_width(&conversion, SMALL_SIZE) <= room {
        let style = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Bottom, false);
        area.draw_text(&conversion, &style, (x, y - 4))?;
    }
    let half = ((room / 2.0).min(10.0)).floor() as i32;
    if half >= 4 {
        let arrow = MUTED.stroke_width(1);
        area.draw(&PathElement::new(vec![(x - half, y), (x + half, y)], arrow))?;
        area.draw(&PathElement::new(
            vec![(x + half - 4, y - 3), (x + half, y), (x + half - 4, y + 3)],
            arrow,
        ))?;
    }
    if step.median_seconds_from_previous.is_some() {
        let time = format_duration(step.median_seconds_from_previous);
        if text_width(&time, SMALL_SIZE) <= room {
            let style = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
            area.draw_text(&time, &style, (x, y + 5))?;
        }
    }
    Ok(())
}
