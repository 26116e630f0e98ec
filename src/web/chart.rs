//! `drawFunnel(canvas, report)` and the cohort charts (`drawRetention`, …): draw a
//! result on a `<canvas>` with the core's chart code (`chart::*`) through plotters'
//! canvas backend, and return where things landed (with tooltip texts from
//! `chart::tips` for the cohort charts).
//!
//! Main thread only: plotters measures text through `window.document`. The canvas is
//! sized by CSS; its backing store is set to the CSS size × `devicePixelRatio` and
//! the context scaled, so the chart is drawn in CSS pixels (the returned layout is in
//! CSS pixels too, ready for hit-testing pointer events) and stays sharp on HiDPI.
//! A canvas with `data-min-pixel-ratio="2"` gets at least that ratio: the page's PNG
//! exports and reports draw at 2× on any screen. The chart texts are in the canvas's
//! `data-lang`, else the page's `<html lang>` (`zh…` → Chinese, else English; see
//! `chart::lang`).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::convert::{json_from_js, to_js};
use super::error::{WebError, WebResult};
use crate::chart::lang::{self, Lang};
use crate::chart::tips::{self, Hit};
use crate::chart::{ChartLayout, ClvLayout, PixelRect};
use crate::report::{
    ClvReport, FunnelBucket, FunnelReport, FunnelStep, LifecycleReport, RepurchaseReport,
    RetentionReport, RfmReport,
};

/// The CSS size used when the canvas is not laid out (detached or hidden).
const FALLBACK_CSS_SIZE: (u32, u32) = (800, 420);

/// `drawFunnel(canvas: HTMLCanvasElement, report: FunnelReport): ChartLayout` —
/// clears `canvas` and draws the funnel `report` (as returned by `engine.run`) on
/// it. Returns where things were drawn, in CSS pixels. Throws when `report` is not a
/// funnel result or the canvas has no 2D context.
#[wasm_bindgen(js_name = drawFunnel, unchecked_return_type = "ChartLayout")]
pub fn draw_funnel(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "FunnelReport")] report: JsValue,
) -> WebResult<JsValue> {
    let report = report_from_js(report)?;
    let language = chart_lang(&canvas);
    let (css_w, css_h) = prepare(&canvas)?;
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| WebError::argument("drawFunnel: the canvas has no 2D context"))?;
    let root = backend.into_drawing_area();
    let area = root.shrink((0, 0), (css_w, css_h));
    let layout = lang::with(language, || draw(&area, &report))?;
    area.present()
        .map_err(|e| WebError::argument(format!("drawFunnel: {e}")))?;
    Ok(layout)
}

/// The language of the chart texts: the canvas's `data-lang`, else `<html lang>`.
fn chart_lang(canvas: &HtmlCanvasElement) -> Lang {
    let tag = canvas.get_attribute("data-lang").or_else(|| {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
    });
    Lang::from_tag(tag.as_deref().unwrap_or(""))
}

/// Sizes the backing store to CSS size × devicePixelRatio (at least the canvas's
/// `data-min-pixel-ratio`, at most 4) and scales the context so drawing happens in
/// CSS pixels. Returns the CSS size.
fn prepare(canvas: &HtmlCanvasElement) -> WebResult<(u32, u32)> {
    let screen = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|d| d.is_finite() && *d > 0.0)
        .unwrap_or(1.0);
    let asked = canvas
        .get_attribute("data-min-pixel-ratio")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|d| d.is_finite() && *d > 0.0)
        .map_or(1.0, |d| d.min(4.0));
    let dpr = screen.max(asked);
    let (cw, ch) = (canvas.client_width(), canvas.client_height());
    let (css_w, css_h) = if cw > 0 && ch > 0 {
        (cw as u32, ch as u32)
    } else {
        FALLBACK_CSS_SIZE
    };
    // Setting the size clears the canvas and resets the context's transform.
    canvas.set_width((f64::from(css_w) * dpr).round() as u32);
    canvas.set_height((f64::from(css_h) * dpr).round() as u32);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| WebError::argument("drawFunnel: the canvas has no 2D context"))?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
        .map_err(|_| WebError::argument("drawFunnel: the canvas refused a transform"))?;
    Ok((css_w, css_h))
}

/// Draws with the core's chart and converts its layout to a JS object.
fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &FunnelReport,
) -> WebResult<JsValue> {
    let layout = crate::chart::funnel::draw_funnel(area, report)
        .map_err(|e| WebError::argument(format!("drawFunnel: {e}")))?;
    to_js(&LayoutOut::from(&layout))
}

/// `ChartLayout` as JS sees it: `{area, plot, bars: [{step, bucket, users, rect}],
/// empty}`, rectangles as `{x0, y0, x1, y1}` in CSS pixels (x1, y1 exclusive).
#[derive(Serialize)]
struct LayoutOut {
    area: RectOut,
    plot: RectOut,
    bars: Vec<BarOut>,
    empty: bool,
}

#[derive(Serialize)]
struct RectOut {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

#[derive(Serialize)]
struct BarOut {
    step: usize,
    bucket: Option<usize>,
    users: u64,
    rect: RectOut,
}

impl From<&PixelRect> for RectOut {
    fn from(r: &PixelRect) -> Self {
        RectOut {
            x0: r.x0,
            y0: r.y0,
            x1: r.x1,
            y1: r.y1,
        }
    }
}

impl From<&ChartLayout> for LayoutOut {
    fn from(l: &ChartLayout) -> Self {
        LayoutOut {
            area: (&l.area).into(),
            plot: (&l.plot).into(),
            bars: l
                .bars
                .iter()
                .map(|b| BarOut {
                    step: b.step,
                    bucket: b.bucket,
                    users: b.users,
                    rect: (&b.rect).into(),
                })
                .collect(),
            empty: l.empty,
        }
    }
}

/// A funnel result as `engine.run` returns it. The core's report types serialize
/// only, so the drawing side reads them back through these mirrors (unknown fields,
/// such as `analysis`, are ignored).
#[derive(Deserialize)]
struct ReportIn {
    #[serde(default)]
    analysis: Option<String>,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    window_seconds: f64,
    steps: Vec<StepIn>,
    #[serde(default)]
    breakdown: Option<Vec<BucketIn>>,
}

#[derive(Deserialize)]
struct StepIn {
    event: String,
    #[serde(default)]
    label: Option<String>,
    users: u64,
    conversion_from_previous: Option<f64>,
    conversion_from_first: Option<f64>,
    #[serde(default)]
    dropoff: u64,
    #[serde(default)]
    median_seconds_from_previous: Option<f64>,
    #[serde(default)]
    mean_seconds_from_previous: Option<f64>,
}

#[derive(Deserialize)]
struct BucketIn {
    value: Option<String>,
    #[serde(default)]
    other: bool,
    steps: Vec<StepIn>,
}

impl From<StepIn> for FunnelStep {
    fn from(s: StepIn) -> FunnelStep {
        FunnelStep {
            label: s.label.unwrap_or_else(|| s.event.clone()),
            event: s.event,
            users: s.users,
            conversion_from_previous: s.conversion_from_previous,
            conversion_from_first: s.conversion_from_first,
            dropoff: s.dropoff,
            median_seconds_from_previous: s.median_seconds_from_previous,
            mean_seconds_from_previous: s.mean_seconds_from_previous,
        }
    }
}

/// Reads a funnel result object.
fn report_from_js(value: JsValue) -> WebResult<FunnelReport> {
    let json = json_from_js(value, "drawFunnel: report")?;
    let r: ReportIn = serde_json::from_value(json)
        .map_err(|e| WebError::argument(format!("drawFunnel: not a funnel result: {e}")))?;
    if let Some(kind) = r.analysis.as_deref().filter(|k| *k != "funnel") {
        return Err(WebError::argument(format!(
            "drawFunnel: this is a {kind} result, not a funnel result"
        )));
    }
    Ok(FunnelReport {
        mode: r.mode,
        window_seconds: r.window_seconds,
        steps: r.steps.into_iter().map(FunnelStep::from).collect(),
        breakdown: r.breakdown.map(|b| {
            b.into_iter()
                .map(|b| FunnelBucket {
                    value: b.value,
                    other: b.other,
                    steps: b.steps.into_iter().map(FunnelStep::from).collect(),
                })
                .collect()
        }),
        segment: None,
        by_segment: None,
    })
}

// ---------------------------------------------------------------------------
// The cohort charts: the report types deserialize directly (no mirrors).

/// What the cohort chart exports return (`CohortLayout`): `{area, plot, empty,
/// hits: [{cohort, at, rect, tip}]}` in CSS pixels — one hover target per cell,
/// bar or curve point with its tooltip text (`chart::tips`).
#[derive(Serialize)]
struct CohortLayoutOut {
    area: RectOut,
    plot: RectOut,
    empty: bool,
    hits: Vec<HitOut>,
}

#[derive(Serialize)]
struct HitOut {
    cohort: Option<usize>,
    at: usize,
    rect: RectOut,
    tip: String,
}

/// What a cohort chart's drawing hands back: area, plot, empty, hover targets.
type Drawn = (PixelRect, PixelRect, bool, Vec<Hit>);

/// Reads a `kind` result (`retention`, `repurchase`, `lifecycle`) for `export`.
fn cohort_report<T: serde::de::DeserializeOwned>(
    value: JsValue,
    kind: &str,
    export: &str,
) -> WebResult<T> {
    let json = json_from_js(value, &format!("{export}: report"))?;
    if let Some(found) = json.get("analysis").and_then(|a| a.as_str())
        && found != kind
    {
        return Err(WebError::argument(format!(
            "{export}: this is a {found} result, not a {kind} result"
        )));
    }
    serde_json::from_value(json)
        .map_err(|e| WebError::argument(format!("{export}: not a {kind} result: {e}")))
}

/// Prepares `canvas` and runs `draw` on a CSS-pixel drawing area.
fn draw_on<F>(canvas: HtmlCanvasElement, export: &str, draw: F) -> WebResult<JsValue>
where
    F: FnOnce(&DrawingArea<CanvasBackend, Shift>) -> Result<Drawn, crate::chart::ChartError>,
{
    let language = chart_lang(&canvas);
    let (css_w, css_h) = prepare(&canvas)?;
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| WebError::argument(format!("{export}: the canvas has no 2D context")))?;
    let root = backend.into_drawing_area();
    let area = root.shrink((0, 0), (css_w, css_h));
    let (a, p, empty, hits) = lang::with(language, || draw(&area))
        .map_err(|e| WebError::argument(format!("{export}: {e}")))?;
    area.present()
        .map_err(|e| WebError::argument(format!("{export}: {e}")))?;
    to_js(&CohortLayoutOut {
        area: (&a).into(),
        plot: (&p).into(),
        empty,
        hits: hits
            .into_iter()
            .map(|h| HitOut {
                cohort: h.cohort,
                at: h.at,
                rect: (&h.rect).into(),
                tip: h.tip,
            })
            .collect(),
    })
}

/// `drawRetention(canvas, report: RetentionReport): CohortLayout` — the cohort ×
/// period heatmap (incomplete cells marked); one hit per drawn cell.
#[wasm_bindgen(js_name = drawRetention, unchecked_return_type = "CohortLayout")]
pub fn draw_retention(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "RetentionReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: RetentionReport = cohort_report(report, "retention", "drawRetention")?;
    draw_on(canvas, "drawRetention", |area| {
        let l = crate::chart::draw_retention(area, &r)?;
        let hits = tips::retention_hits(&r, &l);
        Ok((l.area, l.plot, l.empty, hits))
    })
}

/// `drawRetentionCurve(canvas, report: RetentionReport): CohortLayout` — the
/// average retention curve, or one per compared segment when the report has
/// `by_segment` (named in the legend and the tooltips); one hit per point.
#[wasm_bindgen(js_name = drawRetentionCurve, unchecked_return_type = "CohortLayout")]
pub fn draw_retention_curve(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "RetentionReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: RetentionReport = cohort_report(report, "retention", "drawRetentionCurve")?;
    draw_on(canvas, "drawRetentionCurve", |area| {
        let l = crate::chart::draw_retention_curve(area, &r)?;
        let hits = tips::retention_curve_hits(&r, &l);
        Ok((l.area, l.plot, l.empty, hits))
    })
}

/// `drawLtv(canvas, report: RetentionReport): CohortLayout` — cumulative revenue
/// per user by cohort (a `measure: "revenue"` retention result); one hit per
/// point, cohort curves first, the average last.
#[wasm_bindgen(js_name = drawLtv, unchecked_return_type = "CohortLayout")]
pub fn draw_ltv(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "RetentionReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: RetentionReport = cohort_report(report, "retention", "drawLtv")?;
    draw_on(canvas, "drawLtv", |area| {
        let l = crate::chart::draw_ltv(area, &r)?;
        let hits = tips::ltv_hits(&r, &l);
        Ok((l.area, l.plot, l.empty, hits))
    })
}

/// `drawLifecycle(canvas, report: LifecycleReport): CohortLayout` — stacked bars,
/// dormant below zero; one hit per period (its whole column).
#[wasm_bindgen(js_name = drawLifecycle, unchecked_return_type = "CohortLayout")]
pub fn draw_lifecycle(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "LifecycleReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: LifecycleReport = cohort_report(report, "lifecycle", "drawLifecycle")?;
    draw_on(canvas, "drawLifecycle", |area| {
        let l = crate::chart::draw_lifecycle(area, &r)?;
        let hits = tips::lifecycle_hits(&r, &l);
        Ok((l.area, l.plot, l.empty, hits))
    })
}

/// `drawRepeatGaps(canvas, report: RepurchaseReport): CohortLayout` — histogram
/// of days between first and second purchase; one hit per bin.
#[wasm_bindgen(js_name = drawRepeatGaps, unchecked_return_type = "CohortLayout")]
pub fn draw_repeat_gaps(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "RepurchaseReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: RepurchaseReport = cohort_report(report, "repurchase", "drawRepeatGaps")?;
    draw_on(canvas, "drawRepeatGaps", |area| {
        let l = crate::chart::draw_gap_histogram(area, &r)?;
        let hits = tips::gap_hits(&r, &l);
        Ok((l.area, l.plot, l.empty, hits))
    })
}

/// `drawRepeatByMonth(canvas, report: RepurchaseReport): CohortLayout` — repeat
/// rate by first-purchase month; one hit per month.
#[wasm_bindgen(js_name = drawRepeatByMonth, unchecked_return_type = "CohortLayout")]
pub fn draw_repeat_by_month(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "RepurchaseReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: RepurchaseReport = cohort_report(report, "repurchase", "drawRepeatByMonth")?;
    draw_on(canvas, "drawRepeatByMonth", |area| {
        let l = crate::chart::draw_repeat_by_month(area, &r)?;
        let hits = tips::by_month_hits(&r, &l);
        Ok((l.area, l.plot, l.empty, hits))
    })
}

/// `drawRfm(canvas, report: RfmReport): CohortLayout` — the recency × frequency
/// score grid, each cell labelled with its segment and buyer count; one hover
/// target per cell.
#[wasm_bindgen(js_name = drawRfm, unchecked_return_type = "CohortLayout")]
pub fn draw_rfm(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "RfmReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: RfmReport = cohort_report(report, "rfm", "drawRfm")?;
    draw_on(canvas, "drawRfm", |area| {
        let l = crate::chart::draw_rfm(area, &r)?;
        let hits = tips::rfm_hits(&r, &l);
        Ok((l.area, l.plot, l.empty, hits))
    })
}

// ---------------------------------------------------------------------------
// The CLV charts: they read the report's summaries, never its `customers`, so the
// page may pass the result without them (`{...report, customers: []}`).

/// What the CLV chart exports return: `{area, plot, marks: [{index, series,
/// value, customers, rect}], empty}` in CSS pixels.
#[derive(Serialize)]
struct ClvLayoutOut {
    area: RectOut,
    plot: RectOut,
    marks: Vec<ClvMarkOut>,
    empty: bool,
}

#[derive(Serialize)]
struct ClvMarkOut {
    index: usize,
    series: usize,
    value: Option<f64>,
    customers: u64,
    rect: RectOut,
}

impl From<&ClvLayout> for ClvLayoutOut {
    fn from(l: &ClvLayout) -> Self {
        ClvLayoutOut {
            area: (&l.area).into(),
            plot: (&l.plot).into(),
            marks: l
                .marks
                .iter()
                .map(|m| ClvMarkOut {
                    index: m.index,
                    series: m.series,
                    value: m.value,
                    customers: m.customers,
                    rect: (&m.rect).into(),
                })
                .collect(),
            empty: l.empty,
        }
    }
}

/// Reads a CLV result and draws it with `draw` on `canvas` for `export`.
fn draw_clv<F>(
    canvas: HtmlCanvasElement,
    report: JsValue,
    export: &str,
    draw: F,
) -> WebResult<JsValue>
where
    F: FnOnce(
        &DrawingArea<CanvasBackend, Shift>,
        &ClvReport,
    ) -> Result<ClvLayout, crate::chart::ChartError>,
{
    let r: ClvReport = cohort_report(report, "clv", export)?;
    let language = chart_lang(&canvas);
    let (css_w, css_h) = prepare(&canvas)?;
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| WebError::argument(format!("{export}: the canvas has no 2D context")))?;
    let root = backend.into_drawing_area();
    let area = root.shrink((0, 0), (css_w, css_h));
    let layout = lang::with(language, || draw(&area, &r))
        .map_err(|e| WebError::argument(format!("{export}: {e}")))?;
    area.present()
        .map_err(|e| WebError::argument(format!("{export}: {e}")))?;
    to_js(&ClvLayoutOut::from(&layout))
}

/// `drawClvHoldout(canvas, report: ClvReport): ClvLayout` — actual vs expected
/// holdout purchases by calibration repeat purchases (marks: series 0 actual, 1
/// expected).
#[wasm_bindgen(js_name = drawClvHoldout, unchecked_return_type = "ClvLayout")]
pub fn draw_clv_holdout(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ClvReport")] report: JsValue,
) -> WebResult<JsValue> {
    draw_clv(canvas, report, "drawClvHoldout", |a, r| {
        crate::chart::draw_clv_holdout(a, r)
    })
}

/// `drawClvPAlive(canvas, report: ClvReport): ClvLayout` — customers by P(alive),
/// the at-risk threshold marked.
#[wasm_bindgen(js_name = drawClvPAlive, unchecked_return_type = "ClvLayout")]
pub fn draw_clv_p_alive(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ClvReport")] report: JsValue,
) -> WebResult<JsValue> {
    draw_clv(canvas, report, "drawClvPAlive", |a, r| {
        crate::chart::draw_clv_p_alive(a, r)
    })
}

/// `drawClvTiers(canvas, report: ClvReport): ClvLayout` — total and mean
/// predicted CLV per value tier.
#[wasm_bindgen(js_name = drawClvTiers, unchecked_return_type = "ClvLayout")]
pub fn draw_clv_tiers(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ClvReport")] report: JsValue,
) -> WebResult<JsValue> {
    draw_clv(canvas, report, "drawClvTiers", |a, r| {
        crate::chart::draw_clv_tiers(a, r)
    })
}

/// `drawClvMatrix(canvas, report: ClvReport): ClvLayout` — expected purchases by
/// frequency and recency (marks: `index` = row, `series` = column).
#[wasm_bindgen(js_name = drawClvMatrix, unchecked_return_type = "ClvLayout")]
pub fn draw_clv_matrix(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "ClvReport")] report: JsValue,
) -> WebResult<JsValue> {
    draw_clv(canvas, report, "drawClvMatrix", |a, r| {
        crate::chart::draw_clv_matrix(a, r)
    })
}

// ---------------------------------------------------------------------------
// Paths, funnel drivers and basket: charts that write their own hover texts.

/// `drawPaths(canvas, report: PathsReport): CohortLayout` — the Sankey of a paths
/// result; hits: one per box, then one per band (users and share of anchored).
#[wasm_bindgen(js_name = drawPaths, unchecked_return_type = "CohortLayout")]
pub fn draw_paths(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "PathsReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: crate::report::PathsReport = cohort_report(report, "paths", "drawPaths")?;
    draw_on(canvas, "drawPaths", |area| {
        let l = crate::chart::draw_paths(area, &r)?;
        Ok((l.area, l.plot, l.empty, l.hits))
    })
}

/// `drawFunnelDrivers(canvas, report: FunnelDriversReport): CohortLayout` — the
/// odds-ratio forest plot; hits: one per row with the driver's sentence.
#[wasm_bindgen(js_name = drawFunnelDrivers, unchecked_return_type = "CohortLayout")]
pub fn draw_funnel_drivers(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "FunnelDriversReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: crate::report::FunnelDriversReport =
        cohort_report(report, "funnel_drivers", "drawFunnelDrivers")?;
    draw_on(canvas, "drawFunnelDrivers", |area| {
        let l = crate::chart::draw_drivers(area, &r)?;
        Ok((l.area, l.plot, l.empty, l.hits))
    })
}

/// `drawBasket(canvas, report: BasketReport): CohortLayout` — the rule matrix
/// (antecedent × consequent, coloured by lift); hits: one per rule cell.
#[wasm_bindgen(js_name = drawBasket, unchecked_return_type = "CohortLayout")]
pub fn draw_basket(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "BasketReport")] report: JsValue,
) -> WebResult<JsValue> {
    let r: crate::report::BasketReport = cohort_report(report, "basket", "drawBasket")?;
    draw_on(canvas, "drawBasket", |area| {
        let l = crate::chart::draw_basket(area, &r)?;
        Ok((l.area, l.plot, l.empty, l.hits))
    })
}
