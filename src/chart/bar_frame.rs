//! The frame shared by the vertical bar charts (repeat purchase, CLV): a caption
//! on top, a value axis on the left, label lines under the plot, bars from the
//! baseline.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::ChartError;
use super::PixelRect;
use super::frame::{LINE, Offset, PAD, Scale, TickFormat, draw_y_ticks, tick_label};
use super::style::{self, BASELINE, MUTED, SMALL_SIZE, fit_text, text_width};

/// Font size of labels on and under bars.
pub(crate) const LABEL_SIZE: f64 = 11.0;

/// The frame of a vertical bar chart: a caption on top, a value axis on the
/// left, `lines` lines of labels and a legend row under the plot.
pub(crate) struct BarFrame {
    /// Left edge of the plot (right of the value axis).
    pub(crate) x0: f64,
    /// Right edge of the plot.
    pub(crate) x1: f64,
    /// Top of the plot.
    pub(crate) top: f64,
    /// The baseline (value 0).
    pub(crate) bottom: f64,
    scale: Scale,
}

impl BarFrame {
    /// Lays out and draws the caption and the value axis.
    pub(crate) fn draw<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        max: f64,
        format: TickFormat,
        lines: usize,
    ) -> Result<BarFrame, ChartError> {
        let (width, height) = area.dim_in_pixel();
        let (w, h) = (f64::from(width), f64::from(height));
        let caption = fit_text(caption, SMALL_SIZE, w - 2.0 * PAD);
        let cs = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Top, false);
        area.draw_text(&caption, &cs, (PAD.round() as i32, PAD.round() as i32))?;
        let min_step = if format == TickFormat::Count {
            1.0
        } else {
            0.001
        };
        let scale = Scale::new(0.0, max, 5, min_step);
        let ticks: Vec<(f64, String)> = scale
            .ticks()
            .into_iter()
            .map(|v| (v, tick_label(v, scale.step, format)))
            .collect();
        let label_w = ticks
            .iter()
            .map(|(_, l)| text_width(l, SMALL_SIZE))
            .fold(0.0, f64::max);
        let x0 = (PAD + label_w + 8.0).min(w / 3.0);
        let x1 = (w - PAD).max(x0 + 1.0);
        let top = (PAD + SMALL_SIZE * LINE + 4.0 + LABEL_SIZE * LINE).min(h);
        let bottom = (h - PAD - lines as f64 * SMALL_SIZE * LINE - 6.0).max(top + 1.0);
        let frame = BarFrame {
            x0,
            x1,
            top,
            bottom,
            scale,
        };
        let rows: Vec<(f64, String)> = ticks
            .iter()
            .map(|(v, l)| (frame.y(*v), l.clone()))
            .collect();
        draw_y_ticks(area, &rows, x0, x1)?;
        Ok(frame)
    }

    /// The pixel row of a value.
    pub(crate) fn y(&self, v: f64) -> f64 {
        self.scale.y(v, self.top, self.bottom)
    }

    /// Draws a bar from the baseline to `value` between `bx0..bx1`; returns its
    /// rectangle in area pixels (empty when the value is 0 or missing).
    pub(crate) fn bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        (bx0, bx1): (i32, i32),
        value: Option<f64>,
        color: RGBColor,
    ) -> Result<(i32, i32, i32, i32), ChartError> {
        let y1 = self.bottom.round() as i32;
        let mut y0 = value.map_or(y1, |v| self.y(v).round() as i32);
        if value.is_some_and(|v| v > 0.0) && y0 == y1 {
            y0 = y1 - 1;
        }
        if y0 < y1 {
            area.draw(&Rectangle::new([(bx0, y0), (bx1, y1)], color.filled()))?;
        }
        Ok((bx0, y0, bx1, y1))
    }

    /// Draws the baseline across the plot.
    pub(crate) fn baseline<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let y = self.bottom.round() as i32;
        area.draw(&PathElement::new(
            vec![(self.x0.round() as i32, y), (self.x1.round() as i32, y)],
            BASELINE,
        ))?;
        Ok(())
    }

    /// The plot rectangle, in backend pixels.
    pub(crate) fn plot(&self, offset: Offset) -> PixelRect {
        offset.rect(
            self.x0.round() as i32,
            self.top.round() as i32,
            self.x1.round() as i32,
            self.bottom.round() as i32,
        )
    }
}
