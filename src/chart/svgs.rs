//! Every chart of a result as named SVG documents, the main chart first: what the
//! CLI's `run --svg` writes.
//!
//! | analysis | charts (main first) |
//! |---|---|
//! | funnel | `funnel` |
//! | retention | `heatmap`, `curve`, and with the revenue measure `ltv` |
//! | repurchase | `gaps` (days to the second purchase), `by-month`, `rates` |
//! | lifecycle | `lifecycle` |
//! | rfm | `rfm` (the recency × frequency grid) |
//! | paths | `paths` (the Sankey) |
//! | funnel_drivers | `drivers` (odds-ratio forest plot) |
//! | basket | `basket` (rule matrix by lift) |
//! | tiers, clv | none |
//!
//! The heatmap grows taller with the number of cohorts (up to a limit) so that a
//! file shows every row a screen would; the others use the size asked for.

use super::ChartError;
use super::funnel::funnel_svg;
use super::lifecycle::lifecycle_svg;
use super::ltv::ltv_svg;
use super::repurchase::{gap_histogram_svg, repeat_by_month_svg, repeat_rates_svg};
use super::retention::{retention_curve_svg, retention_svg};
use super::rfm::rfm_svg;
use crate::report::Report;
use crate::spec::{RetentionMeasure, Spec};

/// Height of one heatmap row when the heatmap grows, in pixels.
const HEAT_ROW: u32 = 24;
/// Room around the heatmap rows (title, period numbers, notes, legend).
const HEAT_FRAME: u32 = 130;
/// The tallest heatmap written.
const HEAT_MAX: u32 = 4_000;

/// One drawn chart.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSvg {
    /// Its name (see the module table): the suffix of its file.
    pub name: &'static str,
    /// The SVG document.
    pub svg: String,
}

/// The names of the charts a result of `spec` has, main first; empty when the
/// analysis has no chart.
pub fn chart_names(spec: &Spec) -> Vec<&'static str> {
    match spec {
        Spec::Funnel(_) => vec!["funnel"],
        Spec::Retention(r) if r.measure == RetentionMeasure::Revenue => {
            vec!["heatmap", "curve", "ltv"]
        }
        Spec::Retention(_) => vec!["heatmap", "curve"],
        Spec::Repurchase(_) => vec!["gaps", "by-month", "rates"],
        Spec::Lifecycle(_) => vec!["lifecycle"],
        Spec::Rfm(_) => vec!["rfm"],
        Spec::Clv(_) | Spec::Tiers(_) | Spec::Segment(_) => Vec::new(),
        Spec::Paths(_) => vec!["paths"],
        Spec::FunnelDrivers(_) => vec!["drivers"],
        Spec::Basket(_) => vec!["basket"],
    }
}

/// Draws every chart of `report` at `width` × `height` pixels (the heatmap may
/// be taller), main first, named as [`chart_names`] names them.
pub fn report_svgs(report: &Report, width: u32, height: u32) -> Result<Vec<NamedSvg>, ChartError> {
    let named = |name, svg| NamedSvg { name, svg };
    Ok(match report {
        Report::Funnel(f) => vec![named("funnel", funnel_svg(f, width, height)?)],
        Report::Retention(r) => {
            let rows = u32::try_from(r.cohorts.len()).unwrap_or(u32::MAX);
            let tall = rows
                .saturating_mul(HEAT_ROW)
                .saturating_add(HEAT_FRAME)
                .clamp(height, HEAT_MAX.max(height));
            let mut out = vec![
                named("heatmap", retention_svg(r, width, tall)?),
                named("curve", retention_curve_svg(r, width, height)?),
            ];
            if r.measure == "revenue" {
                out.push(named("ltv", ltv_svg(r, width, height)?));
            }
            out
        }
        Report::Repurchase(r) => vec![
            named("gaps", gap_histogram_svg(r, width, height)?),
            named("by-month", repeat_by_month_svg(r, width, height)?),
            named("rates", repeat_rates_svg(r, width, height)?),
        ],
        Report::Lifecycle(l) => vec![named("lifecycle", lifecycle_svg(l, width, height)?)],
        Report::Rfm(r) => vec![named("rfm", rfm_svg(r, width, height)?)],
        Report::Clv(_) | Report::Tiers(_) | Report::Segment(_) => Vec::new(),
        Report::Paths(p) => vec![named("paths", super::paths::paths_svg(p, width, height)?)],
        Report::FunnelDrivers(d) => {
            vec![named(
                "drivers",
                super::drivers::drivers_svg(d, width, height)?,
            )]
        }
        Report::Basket(b) => vec![named(
            "basket",
            super::basket::basket_svg(b, width, height)?,
        )],
    })
}
