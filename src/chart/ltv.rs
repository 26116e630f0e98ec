//! Historical LTV: cumulative revenue per cohort user over the periods since the
//! cohort's first period, one thin muted curve per cohort and the average bold
//! on top: the running sum of the per-period revenue per user, each period over
//! the cohorts complete in it (see `analysis::retention`), with the number of
//! cohorts behind each point written under its period.
//!
//! It reads a retention report run with the revenue measure
//! (`cumulative_revenue_per_user`). Points whose period was not over at the data
//! end are hollow and reached by a dashed segment: a curve still growing, not a
//! final value. A report without the revenue measure, or without any value,
//! draws an empty state saying so.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::DrawingBackend;

use super::ChartError;
use super::frame::{Swatch, TickFormat, svg_string};
use super::lang::tr;
use super::line::{CurveLayout, LineChart, Series, draw_lines};
use super::retention::unit_name;
use super::style::{BAR, MUTED, PALETTE, TEXT};
use crate::report::RetentionReport;

/// Renders the LTV curves as an SVG document of `width` × `height` pixels.
pub fn ltv_svg(report: &RetentionReport, width: u32, height: u32) -> Result<String, ChartError> {
    svg_string(width, height, |area| draw_ltv(area, report))
}

/// Draws the historical LTV curves of `report` on `area` and returns where their
/// points landed (cohort curves first, in report order; the average last, with
/// `cohort: None`).
///
/// Never panics: empty cohorts have no curve; a report without revenue values
/// draws an empty state.
pub fn draw_ltv<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &RetentionReport,
) -> Result<CurveLayout, ChartError> {
    let mut series: Vec<Series> = report
        .cohorts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.size > 0)
        .filter_map(|(i, c)| {
            let values = c.cumulative_revenue_per_user.as_ref()?;
            let points = values
                .iter()
                .enumerate()
                .map(|(k, v)| v.map(|v| (v, c.complete.get(k).copied().unwrap_or(false))))
                .collect();
            Some(Series {
                cohort: Some(i),
                color: PALETTE[i % PALETTE.len()],
                bold: false,
                points,
            })
        })
        .collect();
    let average = report
        .average
        .cumulative_revenue_per_user
        .as_ref()
        .map(|values| {
            // The average sums complete cells only; every point is final.
            values.iter().map(|v| v.map(|v| (v, true))).collect()
        });
    let has_average = average.is_some();
    if let Some(points) = average {
        series.push(Series {
            cohort: None,
            color: TEXT,
            bold: true,
            points,
        });
    }
    let mut legend = vec![
        (
            tr("Average (sum of per-period averages)").to_string(),
            Swatch::Line(TEXT, 3),
        ),
        (tr("Each cohort").to_string(), Swatch::Line(BAR, 1)),
    ];
    let partial = series
        .iter()
        .any(|s| s.points.iter().any(|p| matches!(p, Some((_, false)))));
    if partial {
        legend.push((
            tr("period not over yet (partial)").to_string(),
            Swatch::Partial(MUTED),
        ));
    }
    let revenue = report.measure == "revenue" || has_average;
    let chart = LineChart {
        series,
        unit: unit_name(&report.period),
        format: TickFormat::Amount,
        y_title: tr("Cumulative revenue per cohort user").to_string(),
        legend,
        empty_message: if revenue {
            tr("No revenue per user to show yet")
        } else {
            tr("Run retention with the revenue measure to see LTV")
        }
        .to_string(),
        bases: if has_average {
            report.average.cohorts.clone()
        } else {
            Vec::new()
        },
    };
    draw_lines(area, &chart)
}
