//! Predicted CLV: the frequency × recency heatmap of a [`ClvReport`]'s `matrix`.
//!
//! One row per frequency (repeat purchases, 0 at the top), one column per recency
//! bin (time of the last purchase since the first, in the report's unit). A
//! cell's colour is the model's expected purchases over the horizon for a customer
//! of that frequency and recency observed for the longest age (one scale for the
//! whole grid, darkest at the largest value); its label is that number when it
//! fits. Cells where no actual customer falls are drawn lighter, so the grid also
//! shows where the customers are. Returns a [`ClvLayout`] whose marks are the
//! cells (`index` = row, `series` = column).

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::ChartError;
use super::clv::{ClvLayout, ClvMark};
use super::frame::{
    LINE, Offset, PAD, Swatch, check_size, draw_legend, draw_message, label_stride, svg_string,
};
use super::lang::say;
use super::lang::tr;
use super::style::{
    self, BACKGROUND, MUTED, SMALL_SIZE, TEXT, blend, fit_text, format_short, text_width,
};
use crate::report::ClvReport;

/// The darkest cell colour.
const DARK: RGBColor = RGBColor(23, 70, 130);
/// Font size of cell labels.
const CELL_SIZE: f64 = 10.0;
/// Cells are never wider than this.
const MAX_COL: f64 = 60.0;
/// … or taller than this.
const MAX_ROW: f64 = 26.0;

/// Renders the frequency × recency heatmap as an SVG document.
pub fn clv_matrix_svg(report: &ClvReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_clv_matrix(area, report))
}

/// Draws the frequency × recency heatmap of `report` on `area`.
///
/// Never panics: rows shorter than the columns are read as missing cells; an
/// empty matrix draws an empty state.
pub fn draw_clv_matrix<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ClvReport,
) -> Result<ClvLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;

    let m = &report.matrix;
    let rows = m.frequencies.len();
    let cols = m.recency_from.len();
    let cell = |r: usize, c: usize| {
        m.expected
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .filter(|v| v.is_finite())
    };
    let count = |r: usize, c: usize| {
        m.customers
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(0)
    };
    let line_h = SMALL_SIZE * LINE;
    let unit = if report.unit == "day" {
        tr("days")
    } else {
        tr("weeks")
    };
    let caption = say!(
        "Expected purchases in the next {} {unit} by repeat purchases x and recency (a customer first seen {} {unit} before {})",
        "按复购次数 x 与最近度的未来 {} {unit}预期购买次数（客户首次出现于 {2} 之前 {1} {unit}）",
        report.horizon,
        format_short(m.age),
        report.calibration_end
    );
    let cs = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Top, false);
    area.draw_text(
        &fit_text(&caption, SMALL_SIZE, w - 2.0 * PAD),
        &cs,
        (PAD.round() as i32, PAD.round() as i32),
    )?;
    if rows == 0 || cols == 0 {
        draw_message(
            area,
            tr("No customers to show"),
            (w / 2.0, h / 2.0),
            w - 2.0 * PAD,
        )?;
        let p = offset.rect(0, 0, 0, 0);
        return Ok(ClvLayout {
            area: offset.rect(0, 0, width as i32, height as i32),
            plot: p,
            marks: Vec::new(),
            empty: true,
        });
    }

    // Bands: caption, grid, recency labels, axis title, legend; frequency labels
    // and the axis title on the left.
    let freq_labels: Vec<String> = m.frequencies.iter().map(|f| f.to_string()).collect();
    let freq_w = freq_labels
        .iter()
        .map(|l| text_width(l, SMALL_SIZE))
        .fold(0.0, f64::max);
    let grid_x0 = PAD + freq_w.max(text_width("x", SMALL_SIZE)) + 8.0;
    let grid_top = PAD + 2.0 * line_h + 8.0;
    let footer = 2.0 * line_h + 8.0 + line_h + 8.0;
    let room_w = (w - PAD - grid_x0).max(1.0);
    let room_h = (h - PAD - footer - grid_top).max(1.0);
    let col_w = (room_w / cols as f64).min(MAX_COL);
    let row_h = (room_h / rows as f64).min(MAX_ROW);
    let grid_x1 = grid_x0 + col_w * cols as f64;
    let grid_y1 = grid_top + row_h * rows as f64;

    let max = (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .filter_map(|(r, c)| cell(r, c))
        .fold(0.0, f64::max);
    let scale = if max > 0.0 { max } else { 1.0 };

    // Frequency labels (every row that fits) and the vertical axis title.
    let fs = style::text_style(SMALL_SIZE, TEXT, HPos::Right, VPos::Center, false);
    let row_stride = label_stride(row_h, SMALL_SIZE - 8.0);
    for (r, label) in freq_labels.iter().enumerate() {
        if row_stride < usize::MAX && r % row_stride.max(1) == 0 {
            let y = (grid_top + (r as f64 + 0.5) * row_h).round() as i32;
            area.draw_text(label, &fs, ((grid_x0 - 8.0).round() as i32, y))?;
        }
    }
    // The rows' header: x, the repeat purchases.
    let vt = style::text_style(SMALL_SIZE, TEXT, HPos::Right, VPos::Bottom, true);
    area.draw_text(
        "x",
        &vt,
        (
            (grid_x0 - 8.0).round() as i32,
            (grid_top - 3.0).round() as i32,
        ),
    )?;

    let gap = i32::from(col_w >= 8.0 && row_h >= 8.0);
    let mut marks = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        let y0 = (grid_top + r as f64 * row_h).round() as i32;
        let y1 = (grid_top + (r + 1) as f64 * row_h).round() as i32;
        for c in 0..cols {
            let x0 = (grid_x0 + c as f64 * col_w).round() as i32;
            let x1 = (grid_x0 + (c + 1) as f64 * col_w).round() as i32;
            let (cx1, cy1) = ((x1 - gap).max(x0 + 1), (y1 - gap).max(y0 + 1));
            let value = cell(r, c);
            let t = value.map_or(0.0, |v| (v / scale).clamp(0.0, 1.0));
            let customers = count(r, c);
            let full = ramp(t);
            let fill = if customers > 0 {
                full
            } else {
                blend(full, 0.35)
            };
            area.draw(&Rectangle::new([(x0, y0), (cx1, cy1)], fill.filled()))?;
            if let Some(v) = value {
                let label = if v >= 9.95 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                };
                if text_width(&label, CELL_SIZE) <= f64::from(cx1 - x0) - 3.0
                    && f64::from(cy1 - y0) >= CELL_SIZE * 0.95
                {
                    let color = if customers > 0 && t > 0.5 {
                        BACKGROUND
                    } else {
                        TEXT
                    };
                    let ls = style::text_style(CELL_SIZE, color, HPos::Center, VPos::Center, false);
                    area.draw_text(&label, &ls, ((x0 + cx1) / 2, (y0 + cy1) / 2))?;
                }
            }
            marks.push(ClvMark {
                index: r,
                series: c,
                value,
                customers,
                rect: offset.rect(x0, y0, cx1, cy1),
            });
        }
    }

    // Recency labels under the grid (bin starts), then the axis title.
    let labels: Vec<String> = m.recency_from.iter().map(|v| format_short(*v)).collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, SMALL_SIZE))
        .fold(0.0, f64::max);
    let stride = label_stride(col_w, widest);
    let rs = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Top, false);
    if stride < usize::MAX {
        for (c, label) in labels.iter().enumerate().step_by(stride.max(1)) {
            let x = (grid_x0 + c as f64 * col_w).round() as i32;
            area.draw_text(label, &rs, (x, (grid_y1 + 4.0).round() as i32))?;
        }
    }
    let title = say!(
        "recency t\u{2093}: {unit} from the first to the last purchase (bins of {})",
        "最近度 t\u{2093}：首购到末次购买的{unit}数（每格 {}）",
        format_short(m.recency_width)
    );
    let ts = style::text_style(SMALL_SIZE, TEXT, HPos::Center, VPos::Top, false);
    area.draw_text(
        &fit_text(&title, SMALL_SIZE, grid_x1 - grid_x0 + grid_x0 - PAD),
        &ts,
        (
            ((grid_x0 + grid_x1) / 2.0).round() as i32,
            (grid_y1 + 4.0 + line_h).round() as i32,
        ),
    )?;
    let mut legend = vec![
        ("0".to_string(), Swatch::Fill(ramp(0.0))),
        (
            say!("{scale:.1} expected purchases", "{scale:.1} 次预期购买"),
            Swatch::Fill(ramp(1.0)),
        ),
        (
            tr("lighter: no customer there").to_string(),
            Swatch::Fill(blend(ramp(0.6), 0.35)),
        ),
    ];
    if m.customers_above > 0 {
        legend.push((
            say!(
                "{} customers with x > {} not shown",
                "另有 {} 位 x > {} 的客户未显示",
                m.customers_above,
                rows.saturating_sub(1)
            ),
            Swatch::Fill(BACKGROUND),
        ));
    }
    draw_legend(
        area,
        &legend,
        (PAD, grid_y1 + 8.0 + 2.0 * line_h),
        w - 2.0 * PAD,
        2,
    )?;
    Ok(ClvLayout {
        area: offset.rect(0, 0, width as i32, height as i32),
        plot: offset.rect(
            grid_x0.round() as i32,
            grid_top.round() as i32,
            grid_x1.round() as i32,
            grid_y1.round() as i32,
        ),
        marks,
        empty: false,
    })
}

/// The cell colour at `t` in `0..=1` (very light to [`DARK`]).
fn ramp(t: f64) -> RGBColor {
    blend(DARK, 0.06 + 0.94 * t.clamp(0.0, 1.0))
}
