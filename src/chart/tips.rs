//! Tooltips for the cohort charts: from a report and the layout its chart
//! returned, one [`Hit`] per mark — where to hover (backend pixels) and the text
//! to show, written here so the page, the tests and any other host agree.
//!
//! Hover targets are easier to hit than the marks: a bar's target spans the
//! plot's full height over the bar's columns (a short or empty bar is still
//! hoverable); a curve point's target is a square of [`POINT_RADIUS`] around it.
//! Texts name the cohort or period, the value with its base, and say when the
//! period was not over at the data end.

use super::PixelRect;
use super::lang::{self, say};
use super::lifecycle::LifecycleLayout;
use super::line::CurveLayout;
use super::repurchase::RepurchaseLayout;
use super::retention::RetentionLayout;
use super::rfm::RfmLayout;
use super::style::{format_count, format_percent};
use crate::report::{LifecycleReport, RepurchaseReport, RetentionReport, RfmReport};

/// Half the side of a curve point's hover square, in pixels.
pub const POINT_RADIUS: i32 = 7;

/// One hover target and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The cohort (index in the report's `cohorts`) of a heatmap cell or a
    /// cohort's curve; `None` for the average curve and for bars.
    pub cohort: Option<usize>,
    /// The period `k` of a cell or point; for bars, the index in the report
    /// list the chart reads (`periods`, `gap_histogram`, `by_first_month`).
    pub at: usize,
    /// Where the pointer must be, in backend pixels.
    pub rect: PixelRect,
    /// The tooltip text (plain text, one line).
    pub tip: String,
}

/// What the charts that write their own tooltips return (paths, funnel drivers,
/// basket): where the chart was drawn and one [`Hit`] per hover target.
#[derive(Debug, Clone, PartialEq)]
pub struct HitLayout {
    /// The drawing area, in backend pixels.
    pub area: PixelRect,
    /// The region the marks lie in, in backend pixels.
    pub plot: PixelRect,
    /// The hover targets, in the order the chart's module documents.
    pub hits: Vec<Hit>,
    /// True when there was nothing to draw and an empty-state message was shown.
    pub empty: bool,
}

/// `1,234.50`: an amount with two decimals and thousands separators; `–` when
/// missing or not finite.
pub fn format_money(value: Option<f64>) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return "–".to_string();
    };
    let cents = (v.abs() * 100.0).round();
    // `as` saturates for absurd amounts; a tooltip needs no more.
    let whole = format_count((cents / 100.0).trunc() as u64);
    let frac = (cents % 100.0) as u64;
    let sign = if v < 0.0 && cents > 0.0 { "-" } else { "" };
    format!("{sign}{whole}.{frac:02}")
}

/// `day`, `week`, `month` (anything else: `period`); in Chinese 日, 周, 月, 周期.
fn unit(period: &str) -> &'static str {
    let (en, zh) = match period {
        "day" => ("day", "日"),
        "week" => ("week", "周"),
        "month" => ("month", "月"),
        _ => ("period", "周期"),
    };
    if lang::zh() { zh } else { en }
}

/// `1 user`, `2 users` (`2 位用户`).
fn users(n: u64) -> String {
    if lang::zh() {
        return format!("{} 位用户", format_count(n));
    }
    format!("{} user{}", format_count(n), if n == 1 { "" } else { "s" })
}

/// The note on a period that is not over yet.
fn partial() -> &'static str {
    if lang::zh() {
        "（周期尚未结束：部分）"
    } else {
        " (period not over yet: partial)"
    }
}

/// One hit per heatmap cell, in the layout's order.
pub fn retention_hits(report: &RetentionReport, layout: &RetentionLayout) -> Vec<Hit> {
    let revenue = report.measure == "revenue";
    let unit = unit(&report.period);
    layout
        .cells
        .iter()
        .map(|cell| {
            let cohort = report.cohorts.get(cell.cohort);
            let start = cohort.map_or("?", |c| c.start.as_str());
            let head = say!(
                "Cohort {start} ({})",
                "同期群 {start}（{}）",
                users(cell.size)
            );
            let tip = if cell.size == 0 {
                say!("{head}: an empty cohort", "{head}：空同期群")
            } else {
                let share = format_percent(Some(cell.retained as f64 / cell.size as f64));
                let active = if cell.period == 0 {
                    say!("{} in the cohort", "同期群共 {}", users(cell.retained))
                } else {
                    say!(
                        "{} active ({share})",
                        "{} 位活跃（{share}）",
                        format_count(cell.retained)
                    )
                };
                let body = if revenue {
                    let total = cohort
                        .and_then(|c| c.revenue.as_ref())
                        .and_then(|r| r.get(cell.period).copied());
                    say!(
                        "revenue {} ({} per cohort user); {active}",
                        "收入 {}（每个同期群用户 {}）；{active}",
                        format_money(total),
                        format_money(cell.value)
                    )
                } else {
                    active
                };
                let partial = if cell.complete { "" } else { partial() };
                say!(
                    "{head} · {unit} {}: {body}{partial}",
                    "{head} · 第 {} {unit}：{body}{partial}",
                    cell.period
                )
            };
            Hit {
                cohort: Some(cell.cohort),
                at: cell.period,
                rect: cell.rect,
                tip,
            }
        })
        .collect()
}

/// The square hover target around a curve point.
fn point_rect(x: i32, y: i32) -> PixelRect {
    PixelRect {
        x0: x - POINT_RADIUS,
        y0: y - POINT_RADIUS,
        x1: x + POINT_RADIUS + 1,
        y1: y + POINT_RADIUS + 1,
    }
}

/// `from 3 cohorts (1,800 users)`: what an average point rests on.
fn base(report: &RetentionReport, k: usize) -> String {
    let cohorts = report.average.cohorts.get(k).copied().unwrap_or(0);
    let people = report.average.users.get(k).copied().unwrap_or(0);
    if lang::zh() {
        return format!(
            "基于 {} 个完整同期群（{}）",
            format_count(cohorts),
            users(people)
        );
    }
    format!(
        "from {} complete cohort{} ({})",
        format_count(cohorts),
        if cohorts == 1 { "" } else { "s" },
        users(people)
    )
}

/// One hit per point of the average retention curve.
///
/// With compared segments (`by_segment`), a point's `cohort` is its part: the tip
/// names the segment and reads that part's average.
pub fn retention_curve_hits(report: &RetentionReport, layout: &CurveLayout) -> Vec<Hit> {
    let unit = unit(&report.period);
    let parts = report.by_segment.as_deref().unwrap_or(&[]);
    layout
        .points
        .iter()
        .map(|p| {
            if let Some(part) = p.cohort.and_then(|i| parts.get(i)) {
                let r = &part.result;
                let retained = r.average.retained.get(p.period).copied().unwrap_or(0);
                return Hit {
                    cohort: None,
                    at: p.period,
                    rect: point_rect(p.x, p.y),
                    tip: say!(
                        "{} · {unit} {}: {} active ({} users), {}",
                        "{} · 第 {} {unit}：{} 活跃（{} 位用户），{}",
                        part.segment.name,
                        p.period,
                        format_percent(Some(p.value)),
                        format_count(retained),
                        base(r, p.period)
                    ),
                };
            }
            let retained = report.average.retained.get(p.period).copied().unwrap_or(0);
            let returning = if p.period == 0 {
                String::new()
            } else {
                say!(" ({} returning)", "（{} 位回访）", format_count(retained))
            };
            Hit {
                cohort: None,
                at: p.period,
                rect: point_rect(p.x, p.y),
                tip: say!(
                    "Average · {unit} {}: {} active{returning}, {}",
                    "平均 · 第 {} {unit}：{} 活跃{returning}，{}",
                    p.period,
                    format_percent(Some(p.value)),
                    base(report, p.period)
                ),
            }
        })
        .collect()
}

/// One hit per point of the LTV curves (cohort curves and the average).
pub fn ltv_hits(report: &RetentionReport, layout: &CurveLayout) -> Vec<Hit> {
    let unit = unit(&report.period);
    layout
        .points
        .iter()
        .map(|p| {
            let tip = match p.cohort.and_then(|i| report.cohorts.get(i)) {
                Some(c) => say!(
                    "Cohort {} ({}) · {unit} {}: {} per user so far{}",
                    "同期群 {}（{}）· 第 {} {unit}：截至目前每用户 {}{}",
                    c.start,
                    users(c.size),
                    p.period,
                    format_money(Some(p.value)),
                    if p.complete { "" } else { partial() }
                ),
                None => say!(
                    "Average · {unit} {}: {} per user over {unit}s 0–{} (the sum of each \
                     {unit}'s average over the cohorts complete in it; {unit} {} {})",
                    "平均 · 第 {} {unit}：第 0–{2} {unit}每用户 {1}（各{unit}在其完整同期群上的平均值之和；第 {3} {unit}{4}）",
                    p.period,
                    format_money(Some(p.value)),
                    p.period,
                    p.period,
                    base(report, p.period)
                ),
            };
            Hit {
                cohort: p.cohort,
                at: p.period,
                rect: point_rect(p.x, p.y),
                tip,
            }
        })
        .collect()
}

/// The columns of a bar (its x range) over the plot's full height.
fn column(bar: &PixelRect, plot: &PixelRect) -> PixelRect {
    PixelRect {
        x0: bar.x0,
        y0: plot.y0.min(bar.y0),
        x1: bar.x1.max(bar.x0 + 1),
        y1: plot.y1.max(bar.y1),
    }
}

/// One hit per period of the lifecycle chart (its whole stacked bar), with the
/// four counts.
pub fn lifecycle_hits(report: &LifecycleReport, layout: &LifecycleLayout) -> Vec<Hit> {
    let unit = unit(&report.period);
    let mut hits: Vec<Hit> = Vec::new();
    for (i, p) in report.periods.iter().enumerate() {
        let segments: Vec<&PixelRect> = layout
            .bars
            .iter()
            .filter(|b| b.period == i)
            .map(|b| &b.rect)
            .collect();
        let Some(first) = segments.first() else {
            continue;
        };
        let bar = segments.iter().fold(**first, |a, r| PixelRect {
            x0: a.x0.min(r.x0),
            y0: a.y0.min(r.y0),
            x1: a.x1.max(r.x1),
            y1: a.y1.max(r.y1),
        });
        let complete = layout
            .bars
            .iter()
            .find(|b| b.period == i)
            .is_none_or(|b| b.complete);
        hits.push(Hit {
            cohort: None,
            at: i,
            rect: column(&bar, &layout.plot),
            tip: say!(
                "{} of {}: {} active — {} new, {} returning, {} resurrecting; {} dormant{}",
                "{1} 这一{0}：{2} 位活跃 — 新增 {3}、回访 {4}、召回 {5}；沉睡 {6}{7}",
                capitalised(unit),
                p.start,
                format_count(p.active),
                format_count(p.new),
                format_count(p.returning),
                format_count(p.resurrecting),
                format_count(p.dormant.unsigned_abs()),
                if complete { "" } else { partial() }
            ),
        });
    }
    hits
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `3`, `2.5`: days as written in a tooltip.
fn days(d: f64) -> String {
    if d.fract() == 0.0 {
        format!("{d:.0}")
    } else {
        format!("{d:.1}")
    }
}

/// One hit per bin of the gap histogram.
pub fn gap_hits(report: &RepurchaseReport, layout: &RepurchaseLayout) -> Vec<Hit> {
    layout
        .bars
        .iter()
        .filter_map(|b| {
            let bin = report.gap_histogram.get(b.index)?;
            let share = format_percent(
                (report.repeat_buyers > 0).then(|| bin.users as f64 / report.repeat_buyers as f64),
            );
            Some(Hit {
                cohort: None,
                at: b.index,
                rect: column(&b.rect, &layout.plot),
                tip: say!(
                    "{} came back {}–{} days after their first purchase ({share} of {} repeat buyers)",
                    "{} 在首购后 {}–{} 天内回购（占 {3} 位复购买家的 {share}）",
                    users(bin.users),
                    days(bin.from_days),
                    days(bin.to_days),
                    format_count(report.repeat_buyers)
                ),
            })
        })
        .collect()
}

/// One hit per month of the repeat-rate-by-first-month chart.
pub fn by_month_hits(report: &RepurchaseReport, layout: &RepurchaseLayout) -> Vec<Hit> {
    layout
        .bars
        .iter()
        .filter_map(|b| {
            let m = report.by_first_month.get(b.index)?;
            let tip = if m.eligible == 0 {
                say!(
                    "First purchase in {}: {} buyers, none with {} days of data yet",
                    "首购于 {}：{} 位买家，尚无人满 {} 天数据",
                    m.month,
                    format_count(m.buyers),
                    report.outcome_days
                )
            } else {
                say!(
                    "First purchase in {}: {} bought again within {} days ({} of {} eligible; {} buyers)",
                    "首购于 {}：{} 在 {} 天内再次购买（{4} 位合格买家中 {3} 位；共 {5} 位买家）",
                    m.month,
                    format_percent(m.rate),
                    report.outcome_days,
                    format_count(m.repeaters),
                    format_count(m.eligible),
                    format_count(m.buyers)
                )
            };
            Some(Hit {
                cohort: None,
                at: b.index,
                rect: column(&b.rect, &layout.plot),
                tip,
            })
        })
        .collect()
}

/// One hit per cell of the RFM grid (`at` = the cell's index in the layout: R = 5
/// first, then F = 1 to 5): its scores, segment, buyers and their share.
pub fn rfm_hits(report: &RfmReport, layout: &RfmLayout) -> Vec<Hit> {
    layout
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let share =
                format_percent((report.buyers > 0).then(|| c.users as f64 / report.buyers as f64));
            Hit {
                cohort: None,
                at: i,
                rect: c.rect,
                tip: say!(
                    "R {} · F {}: {} ({}, {share} of buyers)",
                    "R {} · F {}：{}（{}，占买家 {share}）",
                    c.r,
                    c.f,
                    c.segment,
                    users(c.users)
                ),
            }
        })
        .collect()
}
