//! Pieces the charts share: the area-size check, rendering to an SVG string,
//! area-to-backend pixel offsets, round axis ticks, axis-label thinning, the
//! empty-state message, dashed lines, hatching and a flowing legend.
//!
//! Everything here works in *area* pixels (the origin at the area's top-left
//! corner) except [`Offset`], which turns them into backend pixels for layouts.

use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::lang::say;
use super::style::{
    self, BACKGROUND, GRID, MUTED, SMALL_SIZE, TEXT, fit_text, format_amount, format_count,
    text_width,
};
use super::tips::HitLayout;
use super::{ChartError, MAX_SIDE, MIN_SIDE, PixelRect};

/// Outer padding of every chart, in pixels.
pub(crate) const PAD: f64 = 12.0;
/// Line height as a multiple of the font size.
pub(crate) const LINE: f64 = 1.25;
/// Legend swatch side, in pixels.
pub(crate) const SWATCH: f64 = 11.0;

/// Checks that both sides lie in `MIN_SIDE..=MAX_SIDE`.
pub(crate) fn check_size(width: u32, height: u32) -> Result<(), ChartError> {
    let ok = |side: u32| (MIN_SIDE..=MAX_SIDE).contains(&side);
    if ok(width) && ok(height) {
        Ok(())
    } else {
        Err(ChartError::AreaSize { width, height })
    }
}

/// Runs `draw` on a fresh SVG document of `width` × `height` pixels and returns
/// the document.
pub(crate) fn svg_string<T>(
    width: u32,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<T, ChartError>,
) -> Result<String, ChartError> {
    check_size(width, height)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw(&root)?;
        root.present()?;
    }
    Ok(svg)
}

/// Where the area sits on its backend: adds the offset to area pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offset {
    x: i32,
    y: i32,
}

impl Offset {
    /// The offset of `area`.
    pub(crate) fn of<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Offset {
        let (x, y) = area.get_base_pixel();
        Offset { x, y }
    }

    /// A rectangle in backend pixels from area pixels.
    pub(crate) fn rect(&self, x0: i32, y0: i32, x1: i32, y1: i32) -> PixelRect {
        PixelRect {
            x0: x0 + self.x,
            y0: y0 + self.y,
            x1: x1 + self.x,
            y1: y1 + self.y,
        }
    }

    /// A point in backend pixels from area pixels.
    pub(crate) fn point(&self, x: i32, y: i32) -> (i32, i32) {
        (x + self.x, y + self.y)
    }
}

/// A round step (1, 2, 2.5 or 5 × 10^n) dividing `span` into about `target` parts;
/// 1 for a span that is not positive and finite.
pub(crate) fn nice_step(span: f64, target: usize) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| raw <= s * (1.0 + 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// A value axis: from `low` to `high` (both multiples of `step`, `low <= 0 <=
/// high`, `low < high`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    /// The bottom of the axis.
    pub(crate) low: f64,
    /// The top of the axis.
    pub(crate) high: f64,
    /// The distance between ticks.
    pub(crate) step: f64,
}

impl Scale {
    /// A scale holding `0`, `min` and `max` in about `target` round steps of at
    /// least `min_step`. Non-finite bounds count as 0.
    pub(crate) fn new(min: f64, max: f64, target: usize, min_step: f64) -> Scale {
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let (min, max) = (finite(min).min(0.0), finite(max).max(0.0));
        let step = nice_step(max - min, target).max(min_step);
        let low = (min / step).floor() * step;
        let mut high = (max / step).ceil() * step;
        if high <= low {
            high = low + step;
        }
        Scale { low, high, step }
    }

    /// The tick values, low to high (at most 200).
    pub(crate) fn ticks(&self) -> Vec<f64> {
        let n = ((self.high - self.low) / self.step).round();
        let n = if n.is_finite() {
            n.clamp(1.0, 200.0)
        } else {
            1.0
        } as usize;
        (0..=n).map(|i| self.low + i as f64 * self.step).collect()
    }

    /// The pixel row of `value` on a plot spanning `top..bottom` (values outside
    /// the scale are clamped).
    pub(crate) fn y(&self, value: f64, top: f64, bottom: f64) -> f64 {
        let span = self.high - self.low;
        let t = if span > 0.0 && value.is_finite() {
            ((value - self.low) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        bottom - t * (bottom - top)
    }
}

/// How a tick value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TickFormat {
    /// A count (`1,200`, `-300`, `4.5M`).
    Count,
    /// A fraction as a percentage, with as many decimals as the step needs.
    Percent,
    /// An amount of money (see [`format_amount`]).
    Amount,
    /// A number of days (`0`, `30`, `2.5`).
    Days,
}

/// The label of tick `value` on a scale with this `step`.
pub(crate) fn tick_label(value: f64, step: f64, format: TickFormat) -> String {
    // Snap float noise (0.30000000000000004) to the step's precision.
    let value = if value.abs() < step * 1e-6 {
        0.0
    } else {
        value
    };
    match format {
        TickFormat::Count => {
            let n = value.abs().round();
            let text = if n >= 1e6 {
                style::format_compact(n as u64)
            } else {
                format_count(n as u64)
            };
            if value < 0.0 && n > 0.0 {
                format!("-{text}")
            } else {
                text
            }
        }
        TickFormat::Percent => {
            let decimals = decimals_for(step * 100.0);
            format!("{:.*}%", decimals, value * 100.0)
        }
        // Plain decimals below a thousand, so every tick has the same precision
        // (`0`, `50`, `100`, not `50.0` beside `100`).
        TickFormat::Amount if value.abs() < 999.5 => format!("{:.*}", decimals_for(step), value),
        TickFormat::Amount => format_amount(Some(value)),
        TickFormat::Days => format!("{:.*}", decimals_for(step), value),
    }
}

/// Decimals needed to write multiples of `step` exactly (0 to 3).
fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..=3)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(3)
}

/// Draws horizontal grid lines and right-aligned tick labels left of `x0`;
/// `rows` are `(pixel row, label)`.
pub(crate) fn draw_y_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[(f64, String)],
    x0: f64,
    x1: f64,
) -> Result<(), ChartError> {
    let style = style::text_style(SMALL_SIZE, MUTED, HPos::Right, VPos::Center, false);
    for (y, label) in rows {
        let y = y.round() as i32;
        area.draw(&PathElement::new(
            vec![(x0.round() as i32, y), (x1.round() as i32, y)],
            GRID,
        ))?;
        area.draw_text(label, &style, ((x0 - 6.0).round() as i32, y))?;
    }
    Ok(())
}

/// Every how many slots an axis label may be drawn so that labels `widest`
/// pixels wide do not touch, with slots `slot` pixels apart.
pub(crate) fn label_stride(slot: f64, widest: f64) -> usize {
    if !(slot.is_finite() && slot > 0.0) {
        return usize::MAX;
    }
    let stride = ((widest + 8.0) / slot).ceil();
    if stride.is_finite() && stride >= 1.0 {
        stride.min(1e9) as usize
    } else {
        1
    }
}

/// Draws a centred, muted message (the empty state) fitted to `max_width`.
pub(crate) fn draw_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    center: (f64, f64),
    max_width: f64,
) -> Result<(), ChartError> {
    let text = fit_text(text, style::MESSAGE_SIZE, max_width);
    let style = style::text_style(
        style::MESSAGE_SIZE,
        MUTED,
        HPos::Center,
        VPos::Center,
        false,
    );
    area.draw_text(
        &text,
        &style,
        (center.0.round() as i32, center.1.round() as i32),
    )?;
    Ok(())
}

/// The empty state of a chart with hover targets: `message` centred, and a layout
/// with no marks (the paths, drivers and basket charts).
pub(crate) fn empty_hit_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    message: &str,
) -> Result<HitLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    let (w, h) = (f64::from(width), f64::from(height));
    draw_message(area, message, (w / 2.0, h / 2.0), w - 2.0 * PAD)?;
    let offset = Offset::of(area);
    Ok(HitLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: offset.rect(0, 0, 0, 0),
        hits: Vec::new(),
        empty: true,
    })
}

/// Draws a dashed line from `a` to `b` (dashes of `dash`, gaps of `gap` pixels).
pub(crate) fn draw_dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (f64, f64),
    b: (f64, f64),
    color: RGBColor,
    width: u32,
    (dash, gap): (f64, f64),
) -> Result<(), ChartError> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = (dx * dx + dy * dy).sqrt();
    if !length.is_finite() || length < 0.5 {
        return Ok(());
    }
    let period = (dash + gap).max(1.0);
    let style = color.stroke_width(width);
    let at = |d: f64| {
        let t = (d / length).min(1.0);
        ((a.0 + t * dx).round() as i32, (a.1 + t * dy).round() as i32)
    };
    let mut d = 0.0;
    // Bounded: a line across the largest area has at most 16,384·√2 / 1 dashes.
    while d < length {
        area.draw(&PathElement::new(vec![at(d), at(d + dash)], style))?;
        d += period;
    }
    Ok(())
}

/// Draws diagonal hatching (lines rising to the right, `spacing` pixels apart)
/// inside the rectangle `x0..x1 × y0..y1`, in `color` at `opacity` (so it shows
/// on light and dark fills alike).
pub(crate) fn draw_hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0, x1, y1): (i32, i32, i32, i32),
    color: RGBColor,
    opacity: f64,
    spacing: i32,
) -> Result<(), ChartError> {
    let style = color.mix(opacity);
    let (w, h) = (x1 - x0, y1 - y0);
    if w < 2 || h < 2 {
        return Ok(());
    }
    let spacing = spacing.max(2);
    let mut d = -h + spacing / 2;
    while d < w {
        // The line through (x0 + d, y1) and (x0 + d + h, y0), clipped to the box.
        let (mut ax, mut ay) = (x0 + d, y1);
        if ax < x0 {
            ay -= x0 - ax;
            ax = x0;
        }
        let (mut bx, mut by) = (x0 + d + h, y0);
        if bx > x1 {
            by += bx - x1;
            bx = x1;
        }
        if bx > ax {
            area.draw(&PathElement::new(vec![(ax, ay), (bx, by)], style))?;
        }
        d += spacing;
    }
    Ok(())
}

/// What a legend entry shows left of its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Swatch {
    /// A filled square.
    Fill(RGBColor),
    /// A light square with hatching and an outline (a partial value).
    Hatch(RGBColor),
    /// A short line of this width.
    Line(RGBColor, u32),
    /// A short dashed line ending in a hollow point (a partial value on a curve).
    Partial(RGBColor),
}

/// Draws `items` left to right from `(x, y)` (the top of the first row), wrapping
/// within `max_width` pixels, at most `max_rows` rows (the rest is dropped behind
/// `+N more`); returns the height used.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(String, Swatch)],
    (x, y): (f64, f64),
    max_width: f64,
    max_rows: usize,
) -> Result<f64, ChartError> {
    if items.is_empty() || max_rows == 0 {
        return Ok(0.0);
    }
    let row_h = SMALL_SIZE * LINE + 4.0;
    let right = x + max_width;
    let text = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, false);
    let muted = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);
    let (mut cx, mut row) = (x, 0usize);
    for (i, (label, swatch)) in items.iter().enumerate() {
        let sw = match swatch {
            Swatch::Line(..) | Swatch::Partial(_) => 22.0,
            _ => SWATCH,
        };
        let label = fit_text(label, SMALL_SIZE, (max_width - sw - 6.0).max(0.0));
        let item = sw + 5.0 + text_width(&label, SMALL_SIZE) + 16.0;
        let later = items.len() - i - 1;
        let more_w = if later > 0 {
            text_width(&say!("+{later} more", "另有 {later} 项"), SMALL_SIZE)
        } else {
            0.0
        };
        if cx > x && cx + item > right {
            row += 1;
            cx = x;
        }
        let last_row = row + 1 >= max_rows;
        if row >= max_rows || (last_row && later > 0 && cx > x && cx + item + more_w > right) {
            let row = row.min(max_rows - 1);
            let cy = (y + row as f64 * row_h + row_h / 2.0).round() as i32;
            let more = say!("+{} more", "另有 {} 项", items.len() - i);
            area.draw_text(&more, &muted, (cx.round() as i32, cy))?;
            return Ok(max_rows as f64 * row_h);
        }
        let cy = (y + row as f64 * row_h + row_h / 2.0).round() as i32;
        draw_swatch(area, *swatch, cx.round() as i32, cy, sw as i32)?;
        area.draw_text(&label, &text, ((cx + sw + 5.0).round() as i32, cy))?;
        cx += item;
    }
    Ok((row + 1) as f64 * row_h)
}

/// Draws one legend swatch `width` pixels wide, vertically centred on `cy`.
fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    x: i32,
    cy: i32,
    width: i32,
) -> Result<(), ChartError> {
    let half = (SWATCH / 2.0).round() as i32;
    let s = SWATCH as i32;
    match swatch {
        Swatch::Fill(color) => {
            area.draw(&Rectangle::new(
                [(x, cy - half), (x + s, cy - half + s)],
                color.filled(),
            ))?;
        }
        Swatch::Hatch(color) => {
            let rect = (x, cy - half, x + s, cy - half + s);
            area.draw(&Rectangle::new(
                [(rect.0, rect.1), (rect.2, rect.3)],
                color.mix(0.35).filled(),
            ))?;
            draw_hatch(area, rect, color, 0.7, 4)?;
        }
        Swatch::Line(color, w) => {
            area.draw(&PathElement::new(
                vec![(x, cy), (x + width, cy)],
                color.stroke_width(w),
            ))?;
        }
        Swatch::Partial(color) => {
            draw_dashed(
                area,
                (f64::from(x), f64::from(cy)),
                (f64::from(x + width - 5), f64::from(cy)),
                color,
                2,
                (4.0, 3.0),
            )?;
            area.draw(&Circle::new((x + width - 3, cy), 3, BACKGROUND.filled()))?;
            area.draw(&Circle::new((x + width - 3, cy), 3, color.stroke_width(2)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_steps() {
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(0.45, 5), 0.1);
        assert_eq!(nice_step(12.0, 4), 5.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
        assert_eq!(nice_step(f64::NAN, 5), 1.0);
        assert_eq!(nice_step(1_000.0, 4), 250.0);
    }

    #[test]
    fn scales_hold_zero_and_the_extremes() {
        let s = Scale::new(0.0, 0.43, 5, 0.0);
        assert_eq!((s.low, s.step), (0.0, 0.1));
        assert!((s.high - 0.5).abs() < 1e-12);
        let s = Scale::new(-120.0, 480.0, 6, 1.0);
        assert_eq!((s.low, s.high, s.step), (-200.0, 500.0, 100.0));
        let s = Scale::new(0.0, 0.0, 5, 1.0);
        assert_eq!((s.low, s.high), (0.0, 1.0));
        let s = Scale::new(f64::NAN, f64::INFINITY, 5, 1.0);
        assert_eq!((s.low, s.high), (0.0, 1.0));
        let s = Scale::new(0.0, u64::MAX as f64, 5, 1.0);
        assert!(s.high >= u64::MAX as f64 && s.ticks().len() <= 201);
        assert_eq!(s.y(s.high, 10.0, 110.0), 10.0);
        assert_eq!(s.y(f64::NAN, 10.0, 110.0), 110.0);
    }

    #[test]
    fn tick_labels() {
        assert_eq!(tick_label(0.2, 0.1, TickFormat::Percent), "20%");
        assert_eq!(tick_label(0.025, 0.025, TickFormat::Percent), "2.5%");
        assert_eq!(tick_label(0.005, 0.005, TickFormat::Percent), "0.5%");
        assert_eq!(tick_label(-200.0, 100.0, TickFormat::Count), "-200");
        assert_eq!(tick_label(1_500.0, 500.0, TickFormat::Count), "1,500");
        assert_eq!(tick_label(3e9, 1e9, TickFormat::Count), "3.0B");
        assert_eq!(tick_label(2.5, 2.5, TickFormat::Days), "2.5");
        assert_eq!(tick_label(30.0, 10.0, TickFormat::Days), "30");
        assert_eq!(tick_label(1e-17, 0.1, TickFormat::Percent), "0%");
        assert_eq!(tick_label(50.0, 50.0, TickFormat::Amount), "50");
        assert_eq!(tick_label(0.5, 0.25, TickFormat::Amount), "0.50");
        assert_eq!(tick_label(2_000.0, 500.0, TickFormat::Amount), "2.0k");
    }

    #[test]
    fn strides() {
        assert_eq!(label_stride(100.0, 60.0), 1);
        assert_eq!(label_stride(20.0, 60.0), 4);
        assert_eq!(label_stride(0.0, 60.0), usize::MAX);
    }
}
