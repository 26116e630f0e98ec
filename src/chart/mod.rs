//! Charts drawn from reports on any plotters backend.
//!
//! Every chart is a function generic over [`plotters::prelude::DrawingBackend`] that
//! draws on a [`DrawingArea`] it is given and returns a [`ChartLayout`]: where
//! the marks landed, in pixels, so the page can hit-test tooltips. Only `src/web/`
//! knows canvases; natively the same code renders SVG (tests, the CLI's `--svg`).
//! [`tips`] turns a cohort chart's layout into hover targets with their text.
//!
//! Invariants:
//! - charts never panic on any report (odd reports draw an empty state);
//! - charts never ask plotters to measure text (see [`style`]): the layout is the
//!   same on every backend and platform, and nothing touches the DOM.
//!
//! [`DrawingArea`]: plotters::drawing::DrawingArea

mod bar_frame;
pub mod basket;
pub mod clv;
pub mod clv_matrix;
pub mod drivers;
mod frame;
pub mod funnel;
pub mod lang;
pub mod lifecycle;
pub mod line;
pub mod ltv;
pub mod paths;
pub mod repurchase;
pub mod retention;
pub mod rfm;
pub mod style;
pub mod svgs;
pub mod tips;

use std::fmt;

use plotters::drawing::DrawingAreaErrorKind;

pub use basket::{basket_svg, draw_basket};
pub use clv::{
    ClvLayout, ClvMark, clv_holdout_svg, clv_p_alive_svg, clv_tiers_svg, draw_clv_holdout,
    draw_clv_p_alive, draw_clv_tiers,
};
pub use clv_matrix::{clv_matrix_svg, draw_clv_matrix};
pub use drivers::{draw_drivers, drivers_svg};
pub use funnel::{draw_funnel, funnel_svg};
pub use lifecycle::{LifecycleBar, LifecycleKind, LifecycleLayout, draw_lifecycle, lifecycle_svg};
pub use line::{CurveLayout, CurvePoint};
pub use ltv::{draw_ltv, ltv_svg};
pub use paths::{draw_paths, paths_svg};
pub use repurchase::{
    RepurchaseLayout, ValueBar, draw_gap_histogram, draw_repeat_by_month, draw_repeat_rates,
    gap_histogram_svg, repeat_by_month_svg, repeat_rates_svg,
};
pub use retention::{
    HeatCell, RetentionLayout, draw_retention, draw_retention_curve, retention_curve_svg,
    retention_svg,
};
pub use rfm::{RfmGridRect, RfmLayout, draw_rfm, rfm_svg};

/// The smallest width or height a chart draws in, in pixels.
pub const MIN_SIDE: u32 = 64;
/// The largest width or height a chart draws in, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    /// The drawing area is smaller than [`MIN_SIDE`] or larger than [`MAX_SIDE`].
    AreaSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The drawing backend failed (its message).
    Drawing(String),
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::AreaSize { width, height } => write!(
                f,
                "the chart area is {width}×{height} pixels; each side must be between {MIN_SIDE} and {MAX_SIDE}"
            ),
            ChartError::Drawing(message) => write!(f, "drawing failed: {message}"),
        }
    }
}

impl std::error::Error for ChartError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Drawing(e.to_string())
    }
}

/// A rectangle in backend pixels: `x0 <= x < x1`, `y0 <= y < y1`, y growing down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelRect {
    /// Left edge.
    pub x0: i32,
    /// Top edge.
    pub y0: i32,
    /// Right edge (exclusive).
    pub x1: i32,
    /// Bottom edge (exclusive).
    pub y1: i32,
}

impl PixelRect {
    /// Width in pixels.
    pub fn width(&self) -> i32 {
        self.x1 - self.x0
    }
    /// Height in pixels.
    pub fn height(&self) -> i32 {
        self.y1 - self.y0
    }
    /// True when the pixel `(x, y)` lies inside.
    pub fn contains(&self, x: i32, y: i32) -> bool {
        (self.x0..self.x1).contains(&x) && (self.y0..self.y1).contains(&y)
    }
}

/// One bar of a chart and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRect {
    /// Index of the step (0-based, in report order).
    pub step: usize,
    /// Index of the breakdown bucket (in report order), `None` without breakdown.
    pub bucket: Option<usize>,
    /// The users the bar stands for.
    pub users: u64,
    /// Where it is drawn, in backend pixels (the area's offset included). A bar of
    /// zero users has zero height and is not drawn.
    pub rect: PixelRect,
}

/// Where a chart put its marks, for tooltips and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The region bars grow in (its bottom is the baseline), in backend pixels.
    pub plot: PixelRect,
    /// Every bar: step by step, and within a step bucket by bucket.
    pub bars: Vec<BarRect>,
    /// True when there was nothing to draw and an empty-state message was shown.
    pub empty: bool,
}

impl ChartLayout {
    /// The bar under the pixel `(x, y)`, if any.
    pub fn bar_at(&self, x: i32, y: i32) -> Option<&BarRect> {
        self.bars.iter().find(|b| b.rect.contains(x, y))
    }
}
