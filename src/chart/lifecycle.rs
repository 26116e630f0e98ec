//! Lifecycle: one stacked bar per period, the active users above zero (returning
//! at the bottom, then resurrecting, then new) and the dormant users below zero.
//!
//! The value axis is a round scale holding both extremes, with a zero line; the
//! legend sits on top; the period start dates under the bars are thinned when
//! they would touch. The period still running at the data end is lighter and
//! hatched, its date marked with `*`. The active total is written above each bar
//! and the dormant count under it when they fit.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{
    LINE, Offset, PAD, Scale, Swatch, TickFormat, check_size, draw_hatch, draw_legend,
    draw_message, draw_y_ticks, label_stride, svg_string, tick_label,
};
use super::lang::tr;
use super::style::{
    self, BACKGROUND, MUTED, SMALL_SIZE, TEXT, blend, fit_text, format_compact, text_width,
};
use super::{ChartError, PixelRect};
use crate::report::LifecycleReport;

/// Share of a period's slot taken by its bar.
const BAR_SHARE: f64 = 0.7;
/// Font size of the totals over and under the bars.
const TOTAL_SIZE: f64 = 11.0;

/// The four lifecycle states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleKind {
    /// First activity in this period.
    New,
    /// Active in this and the previous period.
    Returning,
    /// Active in this period, not the previous one, but before.
    Resurrecting,
    /// Active in the previous period, not this one (drawn below zero).
    Dormant,
}

impl LifecycleKind {
    /// In layout and legend order.
    pub const ALL: [LifecycleKind; 4] = [
        LifecycleKind::New,
        LifecycleKind::Returning,
        LifecycleKind::Resurrecting,
        LifecycleKind::Dormant,
    ];

    /// The legend label.
    pub fn label(self) -> &'static str {
        match self {
            LifecycleKind::New => tr("New"),
            LifecycleKind::Returning => tr("Returning"),
            LifecycleKind::Resurrecting => tr("Resurrecting"),
            LifecycleKind::Dormant => tr("Dormant"),
        }
    }

    /// The fill colour.
    pub fn color(self) -> RGBColor {
        match self {
            LifecycleKind::New => RGBColor(89, 161, 79),
            LifecycleKind::Returning => RGBColor(78, 121, 167),
            LifecycleKind::Resurrecting => RGBColor(242, 142, 43),
            LifecycleKind::Dormant => RGBColor(225, 87, 89),
        }
    }
}

/// One segment of a stacked bar.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleBar {
    /// The period's index in the report's `periods`.
    pub period: usize,
    /// Which state.
    pub kind: LifecycleKind,
    /// Its users; dormant ones negative (or 0).
    pub users: i64,
    /// False for the period still running at the data end.
    pub complete: bool,
    /// Where it is drawn, in backend pixels; zero height when `users` is 0.
    pub rect: PixelRect,
}

/// Where the lifecycle chart put its bars.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The plot region, in backend pixels.
    pub plot: PixelRect,
    /// The zero line's row, in backend pixels: active bars end at it from above,
    /// dormant bars start at it going down.
    pub zero_y: i32,
    /// Four segments per period, period by period, in [`LifecycleKind::ALL`] order.
    pub bars: Vec<LifecycleBar>,
    /// True when there was nothing to draw and an empty-state message was shown.
    pub empty: bool,
}

impl LifecycleLayout {
    /// The segment under the pixel `(x, y)`, if any.
    pub fn bar_at(&self, x: i32, y: i32) -> Option<&LifecycleBar> {
        self.bars.iter().find(|b| b.rect.contains(x, y))
    }
}

/// Renders the lifecycle chart as an SVG document of `width` × `height` pixels.
pub fn lifecycle_svg(
    report: &LifecycleReport,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_lifecycle(area, report))
}

/// Draws the lifecycle of `report` on `area` and returns where its bars landed.
///
/// Never panics: a report with no period or no activity draws an empty state; an
/// area smaller than [`super::MIN_SIDE`] (or larger than [`super::MAX_SIDE`]) is
/// an error.
pub fn draw_lifecycle<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &LifecycleReport,
) -> Result<LifecycleLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    // Per period, the signed values in ALL order (as f64: sums never overflow).
    let values: Vec<[i64; 4]> = report
        .periods
        .iter()
        .map(|p| {
            let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            [
                clamp(p.new),
                clamp(p.returning),
                clamp(p.resurrecting),
                -clamp(p.dormant.unsigned_abs()),
            ]
        })
        .collect();
    let n = values.len();
    let top_value = values
        .iter()
        .map(|v| v[..3].iter().map(|&x| x as f64).sum::<f64>())
        .fold(0.0, f64::max);
    let bottom_value = values.iter().map(|v| v[3] as f64).fold(0.0, f64::min);
    let empty = n == 0 || (top_value == 0.0 && bottom_value == 0.0);
    let scale = Scale::new(bottom_value, top_value, 6, 1.0);
    let ticks: Vec<(f64, String)> = scale
        .ticks()
        .into_iter()
        .map(|v| (v, tick_label(v, scale.step, TickFormat::Count)))
        .collect();

    // Bands: legend, totals, bars, dates.
    let partial = report.periods.iter().any(|p| !p.complete);
    let mut legend: Vec<(String, Swatch)> = LifecycleKind::ALL
        .iter()
        .map(|k| (k.label().to_string(), Swatch::Fill(k.color())))
        .collect();
    if partial && !empty {
        legend.push((
            tr("* period not over yet").to_string(),
            Swatch::Hatch(RGBColor(120, 120, 120)),
        ));
    }
    let top = PAD + draw_legend(area, &legend, (PAD, PAD), w - 2.0 * PAD, 2)? + 6.0;
    let label_w = ticks
        .iter()
        .map(|(_, l)| text_width(l, SMALL_SIZE))
        .fold(0.0, f64::max);
    let x0 = (PAD + label_w + 8.0).min(w / 3.0);
    let x1 = (w - PAD).max(x0 + 1.0);
    let plot_top = (top + TOTAL_SIZE * LINE).min(h);
    let bottom = (h - PAD - SMALL_SIZE * LINE - 6.0 - TOTAL_SIZE * LINE).max(plot_top + 1.0);
    let y_of = |v: f64| scale.y(v, plot_top, bottom);
    let rows: Vec<(f64, String)> = ticks.iter().map(|(v, l)| (y_of(*v), l.clone())).collect();
    draw_y_ticks(area, &rows, x0, x1)?;

    let slot = (x1 - x0) / n.max(1) as f64;
    let mut bars = Vec::with_capacity(n * 4);
    for (i, (v, period)) in values.iter().zip(&report.periods).enumerate() {
        let bar_w = (slot * BAR_SHARE).max(1.0);
        let bx0 = (x0 + i as f64 * slot + (slot - bar_w) / 2.0).round() as i32;
        let bx1 = bx0 + (bar_w.round() as i32).max(1);
        // Stack order from zero up: returning, resurrecting, new; dormant down.
        let mut placed = [(0, 0); 4];
        let mut level = 0.0;
        for kind in [1usize, 2, 0] {
            let next = level + v[kind] as f64;
            placed[kind] = (y_of(next).round() as i32, y_of(level).round() as i32);
            level = next;
        }
        placed[3] = (y_of(0.0).round() as i32, y_of(v[3] as f64).round() as i32);
        for (kind, &(y0, y1)) in LifecycleKind::ALL.iter().zip(&placed) {
            let users = v[*kind as usize];
            if users != 0 && y1 > y0 {
                let full = kind.color();
                let fill = if period.complete {
                    full
                } else {
                    blend(full, 0.5)
                };
                area.draw(&Rectangle::new([(bx0, y0), (bx1, y1)], fill.filled()))?;
                if !period.complete {
                    draw_hatch(area, (bx0, y0, bx1, y1), full, 0.8, 5)?;
                }
            }
            bars.push(LifecycleBar {
                period: i,
                kind: *kind,
                users,
                complete: period.complete,
                rect: offset.rect(bx0, y0, bx1, y1.max(y0)),
            });
        }
        // Totals: active above, dormant below, when they fit.
        let room = slot - 2.0;
        let active: f64 = v[..3].iter().map(|&x| x as f64).sum();
        let above = format_compact(active as u64);
        if !empty && text_width(&above, TOTAL_SIZE) <= room {
            let ts = style::text_style(TOTAL_SIZE, TEXT, HPos::Center, VPos::Bottom, false);
            area.draw_text(&above, &ts, ((bx0 + bx1) / 2, placed[0].0 - 2))?;
        }
        let below = format!("-{}", format_compact(v[3].unsigned_abs()));
        if v[3] != 0 && text_width(&below, TOTAL_SIZE) <= room {
            let ts = style::text_style(TOTAL_SIZE, MUTED, HPos::Center, VPos::Top, false);
            area.draw_text(&below, &ts, ((bx0 + bx1) / 2, placed[3].1 + 2))?;
        }
    }
    let zero = y_of(0.0).round() as i32;
    area.draw(&PathElement::new(
        vec![(x0.round() as i32, zero), (x1.round() as i32, zero)],
        TEXT.stroke_width(1),
    ))?;

    // Period dates under the plot, thinned.
    let dates: Vec<String> = report
        .periods
        .iter()
        .map(|p| {
            if p.complete {
                p.start.clone()
            } else {
                format!("{}*", p.start)
            }
        })
        .collect();
    let widest = dates
        .iter()
        .map(|d| text_width(d, SMALL_SIZE))
        .fold(0.0, f64::max)
        .min(w / 2.0);
    let stride = label_stride(slot, widest);
    let ds = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Top, false);
    let date_y = (bottom + TOTAL_SIZE * LINE + 4.0).round() as i32;
    // Thinned from the right, so the latest period always keeps its label; a
    // label is kept inside the area, and dropped if it would then touch the
    // label to its right.
    let mut i = n;
    let mut limit = w - 2.0;
    while i > 0 && stride < usize::MAX {
        i -= 1;
        let date = fit_text(&dates[i], SMALL_SIZE, (slot * stride as f64 - 8.0).max(0.0));
        let half = text_width(&date, SMALL_SIZE) / 2.0;
        let cx = (x0 + (i as f64 + 0.5) * slot)
            .min(w - 2.0 - half)
            .max(half + 2.0);
        if cx + half <= limit {
            area.draw_text(&date, &ds, (cx.round() as i32, date_y))?;
            limit = cx - half - 8.0;
        }
        i = i.saturating_sub(stride - 1);
    }

    if empty {
        let message = if n == 0 {
            tr("No periods to show")
        } else {
            tr("No activity in any period")
        };
        draw_message(
            area,
            message,
            ((x0 + x1) / 2.0, (plot_top + bottom) / 2.0),
            w - 2.0 * PAD,
        )?;
    }

    Ok(LifecycleLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: offset.rect(
            x0.round() as i32,
            plot_top.round() as i32,
            x1.round() as i32,
            bottom.round() as i32,
        ),
        zero_y: offset.point(0, zero).1,
        bars,
        empty,
    })
}
