//! The RFM grid: recency score R (rows, 5 = most recent at the top) × frequency
//! score F (columns, 1 to 5), one cell per (R, F). A cell's colour is its number
//! of buyers on one scale for the grid; its label is the cell's segment name and
//! the count. The segment of every cell is always written, even when empty, so
//! the grid also shows the mapping from scores to names.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{LINE, Offset, PAD, Swatch, check_size, draw_legend, draw_message, svg_string};
use super::lang::say;
use super::lang::tr;
use super::lang::tr_name;
use super::style::{
    self, BACKGROUND, EMPTY_FILL, MUTED, SMALL_SIZE, TEXT, blend, fit_text, format_count,
    text_width,
};
use super::{ChartError, PixelRect};
use crate::report::RfmReport;

/// The darkest cell colour (the most buyers).
const DARK: RGBColor = RGBColor(23, 70, 130);
/// Cells are never wider than this…
const MAX_COL: f64 = 170.0;
/// … or taller than this.
const MAX_ROW: f64 = 72.0;
/// Font size of cell labels when the small size does not fit.
const TINY_SIZE: f64 = 10.0;

/// One drawn (R, F) cell.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmGridRect {
    /// Recency score.
    pub r: u8,
    /// Frequency score.
    pub f: u8,
    /// Buyers in the cell.
    pub users: u64,
    /// The cell's segment.
    pub segment: String,
    /// Where it is drawn, in backend pixels.
    pub rect: PixelRect,
}

/// Where the grid put its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The 5 × 5 grid, in backend pixels.
    pub plot: PixelRect,
    /// The 25 cells, R = 5 first (top row), each row F = 1 to 5.
    pub cells: Vec<RfmGridRect>,
    /// True when there was no buyer and an empty-state message was shown.
    pub empty: bool,
}

impl RfmLayout {
    /// The cell under the pixel `(x, y)`, if any.
    pub fn cell_at(&self, x: i32, y: i32) -> Option<&RfmGridRect> {
        self.cells.iter().find(|c| c.rect.contains(x, y))
    }
}

/// Renders the grid as an SVG document of `width` × `height` pixels.
pub fn rfm_svg(report: &RfmReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_rfm(area, report))
}

/// Draws the R × F grid of `report` on `area`.
///
/// Never panics: a report without buyers draws an empty state; a grid missing
/// cells draws them empty (with the segment the report gives, or none).
pub fn draw_rfm<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RfmReport,
) -> Result<RfmLayout, ChartError> {
    let (width, height) = area.dim_in_pixel();
    check_size(width, height)?;
    let (w, h) = (f64::from(width), f64::from(height));
    let offset = Offset::of(area);
    area.fill(&BACKGROUND)?;
    let whole = offset.rect(0, 0, width as i32, height as i32);

    if report.buyers == 0 {
        draw_message(
            area,
            tr("No buyers to score"),
            (w / 2.0, h / 2.0),
            w - 2.0 * PAD,
        )?;
        return Ok(RfmLayout {
            area: whole,
            plot: offset.rect(0, 0, 0, 0),
            cells: Vec::new(),
            empty: true,
        });
    }

    let line_h = SMALL_SIZE * LINE;
    let cell = |r: u8, f: u8| report.grid.iter().find(|c| c.r == r && c.f == f);
    let max_users = report
        .grid
        .iter()
        .map(|c| c.users)
        .max()
        .unwrap_or(0)
        .max(1);

    // Bands: title, column numbers, grid, column title, legend.
    let title_h = line_h + 4.0;
    let numbers_h = line_h + 2.0;
    let footer_h = line_h + 4.0 + SMALL_SIZE * LINE + 8.0;
    let grid_top = PAD + title_h + numbers_h;
    let label_w = text_width("R5", SMALL_SIZE) + 10.0;
    let grid_x0 = PAD + label_w;
    let col_w = ((w - PAD - grid_x0) / 5.0).clamp(0.0, MAX_COL);
    let row_h = ((h - PAD - footer_h - grid_top) / 5.0).clamp(0.0, MAX_ROW);
    let grid_x1 = grid_x0 + 5.0 * col_w;
    let grid_y1 = grid_top + 5.0 * row_h;

    let head = style::text_style(SMALL_SIZE, TEXT, HPos::Left, VPos::Center, true);
    let title = fit_text(
        tr("Recency score R (rows, 5 = most recent) × frequency score F (columns)"),
        SMALL_SIZE,
        w - 2.0 * PAD,
    );
    area.draw_text(
        &title,
        &head,
        (PAD.round() as i32, (PAD + line_h / 2.0).round() as i32),
    )?;
    let numbers = style::text_style(SMALL_SIZE, MUTED, HPos::Center, VPos::Center, false);
    let numbers_y = (grid_top - numbers_h / 2.0).round() as i32;
    for f in 1..=5u8 {
        let x = (grid_x0 + (f64::from(f) - 0.5) * col_w).round() as i32;
        area.draw_text(&format!("F{f}"), &numbers, (x, numbers_y))?;
    }
    let row_label = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);

    let mut cells = Vec::with_capacity(25);
    for (i, r) in (1..=5u8).rev().enumerate() {
        let y0 = (grid_top + i as f64 * row_h).round() as i32;
        let y1 = (grid_top + (i + 1) as f64 * row_h).round() as i32;
        area.draw_text(
            &format!("R{r}"),
            &row_label,
            (PAD.round() as i32, (y0 + y1) / 2),
        )?;
        for f in 1..=5u8 {
            let x0 = (grid_x0 + f64::from(f - 1) * col_w).round() as i32;
            let x1 = (grid_x0 + f64::from(f) * col_w).round() as i32;
            let (cx1, cy1) = ((x1 - 2).max(x0 + 1), (y1 - 2).max(y0 + 1));
            let (users, segment) =
                cell(r, f).map_or((0, String::new()), |c| (c.users, c.segment.clone()));
            let t = users as f64 / max_users as f64;
            let fill = if users == 0 { EMPTY_FILL } else { ramp(t) };
            area.draw(&Rectangle::new([(x0, y0), (cx1, cy1)], fill.filled()))?;
            let color = if users == 0 {
                MUTED
            } else if t > 0.5 {
                BACKGROUND
            } else {
                TEXT
            };
            draw_label(area, tr_name(&segment), users, (x0, y0, cx1, cy1), color)?;
            cells.push(RfmGridRect {
                r,
                f,
                users,
                segment,
                rect: offset.rect(x0, y0, cx1, cy1),
            });
        }
    }

    let note = fit_text(
        &say!(
            "{} buyers scored; colour = buyers in the cell",
            "已评分 {} 位买家；颜色 = 格内买家数",
            format_count(report.buyers)
        ),
        SMALL_SIZE,
        w - 2.0 * PAD,
    );
    let muted_left = style::text_style(SMALL_SIZE, MUTED, HPos::Left, VPos::Center, false);
    let note_y = grid_y1 + 6.0 + line_h / 2.0;
    area.draw_text(
        &note,
        &muted_left,
        (PAD.round() as i32, note_y.round() as i32),
    )?;
    let legend = [
        (
            tr("1 buyer").to_string(),
            Swatch::Fill(ramp(1.0 / max_users as f64)),
        ),
        (
            say!("{} buyers", "{} 位买家", format_count(max_users)),
            Swatch::Fill(ramp(1.0)),
        ),
        (tr("no buyer").to_string(), Swatch::Fill(EMPTY_FILL)),
    ];
    draw_legend(
        area,
        &legend,
        (PAD, grid_y1 + 6.0 + line_h + 2.0),
        w - 2.0 * PAD,
        1,
    )?;

    Ok(RfmLayout {
        area: whole,
        plot: offset.rect(
            grid_x0.round() as i32,
            grid_top.round() as i32,
            grid_x1.round() as i32,
            grid_y1.round() as i32,
        ),
        cells,
        empty: false,
    })
}

/// The segment name over the count, centred in the cell, at the largest size
/// that fits; the count alone when only one line fits; nothing when none does.
fn draw_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    segment: &str,
    users: u64,
    (x0, y0, x1, y1): (i32, i32, i32, i32),
    color: RGBColor,
) -> Result<(), ChartError> {
    let room = f64::from(x1 - x0) - 6.0;
    let tall = f64::from(y1 - y0);
    let count = format_count(users);
    let cx = (x0 + x1) / 2;
    let cy = f64::from(y0 + y1) / 2.0;
    for size in [SMALL_SIZE, TINY_SIZE] {
        let line = size * LINE;
        if tall >= 2.0 * line && text_width(&count, size) <= room && room > 0.0 {
            let name = fit_text(segment, size, room);
            let s = style::text_style(size, color, HPos::Center, VPos::Center, false);
            let b = style::text_style(size, color, HPos::Center, VPos::Center, true);
            area.draw_text(&name, &s, (cx, (cy - line / 2.0).round() as i32))?;
            area.draw_text(&count, &b, (cx, (cy + line / 2.0).round() as i32))?;
            return Ok(());
        }
    }
    for size in [SMALL_SIZE, TINY_SIZE] {
        if tall >= size && text_width(&count, size) <= room {
            let b = style::text_style(size, color, HPos::Center, VPos::Center, true);
            area.draw_text(&count, &b, (cx, cy.round() as i32))?;
            return Ok(());
        }
    }
    Ok(())
}

/// The cell colour at `t` in `0..=1` (very light to [`DARK`]).
fn ramp(t: f64) -> RGBColor {
    blend(DARK, 0.08 + 0.92 * t.clamp(0.0, 1.0))
}
