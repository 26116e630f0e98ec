//! The retention heatmap and curve, the LTV curves, the lifecycle bars and the
//! repeat-purchase charts, rendered to SVG from literal reports (plus one pass
//! over the demo log's real reports).
//!
//! Set `TIDEMARK_CHART_OUT=dir` to also write every rendered SVG to `dir` for a
//! look in a browser.

mod common;

use common::reports::{
    LIFE, cohort, lifecycle_report, repurchase_report, retention_report, weekly, weekly_compared,
    weekly_revenue,
};
use common::svg::{save, texts};
use plotters::prelude::*;
use tidemark::chart::{
    ChartError, LifecycleKind, PixelRect, draw_retention, gap_histogram_svg, lifecycle_svg,
    ltv_svg, repeat_by_month_svg, repeat_rates_svg, retention_curve_svg, retention_svg,
};
use tidemark::report::{Cohort, GapBin, MonthRate};

const W: u32 = 900;
const H: u32 = 480;

// ---------------------------------------------------------------- helpers

fn has_text(svg: &str, want: &str) -> bool {
    texts(svg).iter().any(|t| t == want)
}

#[track_caller]
fn assert_texts(svg: &str, wanted: &[&str]) {
    let found = texts(svg);
    for want in wanted {
        assert!(found.iter().any(|t| t == want), "{want:?} in {found:?}");
    }
}

fn rect_count(svg: &str) -> usize {
    svg.matches("<rect").count()
}

/// The SVG holds a rectangle exactly here.
fn has_rect(svg: &str, r: &PixelRect) -> bool {
    svg.contains(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        r.x0,
        r.y0,
        r.width(),
        r.height()
    ))
}

/// Renders with `svg_fn` and `draw_fn` (which must agree), saves, and returns both.
macro_rules! render {
    ($name:expr, $svg_fn:path, $draw_fn:path, $report:expr) => {{
        let report = $report;
        let svg = $svg_fn(report, W, H).unwrap();
        let mut again = String::new();
        let layout = {
            let root = SVGBackend::with_string(&mut again, (W, H)).into_drawing_area();
            let layout = $draw_fn(&root, report).unwrap();
            root.present().unwrap();
            layout
        };
        assert_eq!(svg, again, "the _svg helper and the draw function agree");
        save($name, &svg);
        (svg, layout)
    }};
}

// ---------------------------------------------------------------- heatmap

#[test]
fn heatmap_labels_rows_and_cells() {
    let r = weekly();
    let (svg, layout) = render!("retention", retention_svg, draw_retention, &r);
    assert!(!layout.empty);
    assert_texts(
        &svg,
        &[
            "Cohort",
            "Users",
            "2026-01-05",
            "2026-01-12",
            "2026-01-19",
            "2026-01-26",
            "1,000",
            "800",
            "500",
            "0",
            "1",
            "2",
            "3",
            "100%",
            "42.0%",
            "30.0%",
        ],
    );
    // 4 + 3 + 2 + 1 cells, each a rectangle; plus the background and the legend
    // swatches (low, high, partial, empty cohort).
    assert_eq!(layout.cells.len(), 10);
    assert_eq!(layout.cohorts_shown, 4);
    assert_eq!(rect_count(&svg), 1 + 10 + 4, "{svg}");
    for cell in &layout.cells {
        assert!(has_rect(&svg, &cell.rect), "{cell:?}");
    }
    let c = &layout.cells[1];
    assert_eq!((c.cohort, c.period, c.size, c.retained), (0, 1, 1_000, 420));
    assert_eq!(c.value, Some(0.42));
    // Tooltips: the middle of a cell finds it.
    let hit = layout
        .cell_at((c.rect.x0 + c.rect.x1) / 2, (c.rect.y0 + c.rect.y1) / 2)
        .unwrap();
    assert_eq!((hit.cohort, hit.period), (0, 1));
}

#[test]
fn incomplete_cells_carry_the_mark_and_never_a_plain_percentage() {
    let (svg, layout) = render!("retention", retention_svg, draw_retention, &weekly());
    let partial: Vec<_> = layout.cells.iter().filter(|c| !c.complete).collect();
    assert_eq!(partial.len(), 4);
    // 250/1000, 360/800, 500/500; the empty cohort's partial cell shows "–".
    assert_texts(&svg, &["25.0%*", "45.0%*", "100%*"]);
    for plain in ["25.0%", "45.0%"] {
        assert!(!has_text(&svg, plain), "{plain} shown as final");
    }
    assert!(has_text(&svg, "* period not over yet (partial count)"));
    // Partial cells are lighter than complete cells of a similar value, and hatched.
    let fill = |r: &PixelRect| {
        let at = svg
            .find(&format!("<rect x=\"{}\" y=\"{}\"", r.x0, r.y0))
            .unwrap();
        let f = &svg[at..];
        let f = &f[f.find("fill=\"#").unwrap() + 7..];
        u32::from_str_radix(&f[..6], 16).unwrap()
    };
    let luminance = |rgb: u32| (rgb >> 16) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
    let k2_complete = layout
        .cells
        .iter()
        .find(|c| c.cohort == 0 && c.period == 2)
        .unwrap();
    let k3_partial = layout
        .cells
        .iter()
        .find(|c| c.cohort == 0 && c.period == 3)
        .unwrap();
    assert!(luminance(fill(&k3_partial.rect)) > luminance(fill(&k2_complete.rect)));
    assert!(svg.matches("<polyline").count() + svg.matches("<path").count() > 4);
}

#[test]
fn empty_cohorts_are_muted_rows() {
    let (svg, layout) = render!("retention", retention_svg, draw_retention, &weekly());
    let empty: Vec<_> = layout.cells.iter().filter(|c| c.cohort == 1).collect();
    assert_eq!(empty.len(), 3);
    assert!(empty.iter().all(|c| c.value.is_none() && c.size == 0));
    assert!(svg.contains("#F3F4F6"), "the muted fill");
    assert!(has_text(&svg, "–") && has_text(&svg, "empty cohort"));
}

#[test]
fn heatmap_cells_are_ordered_and_equal() {
    let (_, layout) = render!("retention", retention_svg, draw_retention, &weekly());
    let first = &layout.cells[0].rect;
    for pair in layout.cells.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.cohort == b.cohort {
            assert_eq!(b.period, a.period + 1);
            assert!(a.rect.x1 <= b.rect.x0 && a.rect.y0 == b.rect.y0, "{pair:?}");
        } else {
            assert!(b.cohort > a.cohort && b.period == 0);
            assert!(a.rect.y1 <= b.rect.y0, "{pair:?}");
        }
    }
    for c in &layout.cells {
        assert!((c.rect.width() - first.width()).abs() <= 1);
        assert!((c.rect.height() - first.height()).abs() <= 1);
        assert!(layout.plot.x0 <= c.rect.x0 && c.rect.x1 <= layout.plot.x1);
        assert!(layout.plot.y0 <= c.rect.y0 && c.rect.y1 <= layout.plot.y1);
    }
}

#[test]
fn revenue_heatmap_shows_amounts() {
    let r = weekly_revenue();
    let (svg, layout) = render!("retention-revenue", retention_svg, draw_retention, &r);
    assert_texts(
        &svg,
        &["10.0", "4.00", "2.50", "1.50*", "12.0", "3.00*", "9.00*"],
    );
    let c = layout
        .cells
        .iter()
        .find(|c| c.cohort == 0 && c.period == 1)
        .unwrap();
    assert_eq!(c.value, Some(4.0));
    assert!(
        texts(&svg)
            .iter()
            .any(|t| t.contains("revenue per cohort user"))
    );
}

#[test]
fn many_cohorts_show_the_latest_and_say_so() {
    let cohorts: Vec<Cohort> = (0..400)
        .map(|i| {
            let n = (400 - i).min(30);
            let retained: Vec<u64> = (0..n).map(|k| 1_000 / (k as u64 + 1)).collect();
            let mut complete = vec![true; n];
            complete[n - 1] = false;
            cohort(&format!("day {i}"), 1_000, &retained, &complete)
        })
        .collect();
    let r = retention_report(cohorts);
    let (svg, layout) = render!("retention-many", retention_svg, draw_retention, &r);
    assert!(layout.cohorts_shown < 400);
    assert!(
        layout
            .cells
            .iter()
            .all(|c| c.cohort >= 400 - layout.cohorts_shown)
    );
    let note = format!("Showing the latest {} of 400 cohorts", layout.cohorts_shown);
    assert!(texts(&svg).iter().any(|t| t.starts_with(&note)), "{note}");
}

// ---------------------------------------------------------------- curves

#[test]
fn retention_curve_plots_the_average() {
    let r = weekly();
    let (svg, layout) = render!(
        "retention-curve",
        retention_curve_svg,
        tidemark::chart::draw_retention_curve,
        &r
    );
    assert!(!layout.empty);
    // k = 3 has no complete cell: no point.
    let values: Vec<f64> = layout.points.iter().map(|p| p.value).collect();
    assert_eq!(values, vec![1.0, 0.42, 0.3]);
    assert_texts(&svg, &["100%", "42.0%", "30.0%", "0%"]);
    for pair in layout.points.windows(2) {
        assert!(pair[0].x < pair[1].x && pair[0].y < pair[1].y, "{pair:?}");
    }
    // y proportional to the value, from the zero line.
    let unit = f64::from(layout.zero_y - layout.points[0].y);
    for p in &layout.points {
        let expected = unit * p.value;
        assert!(
            (f64::from(layout.zero_y - p.y) - expected).abs() <= 1.0,
            "{p:?}"
        );
    }
    let p = &layout.points[1];
    assert_eq!(layout.point_near(p.x + 2, p.y - 1, 6).unwrap().period, 1);
    // Point k rests on the cohorts complete at k: 2, 1, 1.
    let behind: Vec<Option<u64>> = layout.points.iter().map(|p| p.cohorts_behind).collect();
    assert_eq!(behind, vec![Some(2), Some(1), Some(1)]);
}

#[test]
fn compared_segments_draw_one_named_curve_each() {
    let r = weekly_compared();
    let (svg, layout) = render!(
        "retention-curve-compared",
        retention_curve_svg,
        tidemark::chart::draw_retention_curve,
        &r
    );
    assert!(!layout.empty);
    // Part 0: 1000/1000, 420/1000, 300/1000 (week 3 incomplete: no point);
    // part 1: 200/200, 50/200, 20/200. Hand-computed from the cohorts.
    let series: Vec<(Option<usize>, usize, f64)> = layout
        .points
        .iter()
        .map(|p| (p.cohort, p.period, p.value))
        .collect();
    assert_eq!(
        series,
        vec![
            (Some(0), 0, 1.0),
            (Some(0), 1, 0.42),
            (Some(0), 2, 0.3),
            (Some(1), 0, 1.0),
            (Some(1), 1, 0.25),
            (Some(1), 2, 0.1),
        ]
    );
    // Named in the legend; no average curve and no bases row.
    assert_texts(&svg, &["Champions", "Loyal"]);
    assert!(!has_text(
        &svg,
        "Average over complete periods, weighted by cohort size"
    ));
    assert!(layout.points.iter().all(|p| p.cohorts_behind.is_none()));
    // The two curves share the axis: equal values, equal rows.
    assert_eq!(layout.points[0].y, layout.points[3].y);
    assert!(
        layout.points[4].y > layout.points[1].y,
        "25% sits below 42%"
    );
}

#[test]
fn ltv_curves_per_cohort_with_a_bold_average() {
    let r = weekly_revenue();
    let (svg, layout) = render!("ltv", ltv_svg, tidemark::chart::draw_ltv, &r);
    assert!(!layout.empty);
    // Cohorts 0, 2, 3 (the empty one has no curve), then the average.
    let series: Vec<Option<usize>> = layout.points.iter().map(|p| p.cohort).collect();
    assert_eq!(
        series,
        vec![
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(2),
            Some(2),
            Some(3),
            None,
            None,
            None
        ]
    );
    let partial: Vec<(Option<usize>, usize)> = layout
        .points
        .iter()
        .filter(|p| !p.complete)
        .map(|p| (p.cohort, p.period))
        .collect();
    assert_eq!(partial, vec![(Some(0), 3), (Some(2), 1), (Some(3), 0)]);
    let last = layout
        .points
        .iter()
        .find(|p| p.cohort == Some(0) && p.period == 3)
        .unwrap();
    assert_eq!(last.value, 18.0);
    assert_texts(
        &svg,
        &[
            "10.9",
            "14.9",
            "17.4",
            "Each cohort",
            "period not over yet (partial)",
        ],
    );
    // Each average point says how many cohorts it rests on; cohort points do not.
    let behind: Vec<(Option<usize>, Option<u64>)> = layout
        .points
        .iter()
        .map(|p| (p.cohort, p.cohorts_behind))
        .filter(|(c, _)| c.is_none() || c == &Some(0))
        .collect();
    assert_eq!(
        behind,
        vec![
            (Some(0), None),
            (Some(0), None),
            (Some(0), None),
            (Some(0), None),
            (None, Some(2)),
            (None, Some(1)),
            (None, Some(1)),
        ]
    );
    // … and the chart writes those counts under the period numbers, and says so.
    let found = texts(&svg);
    let at = found.iter().position(|t| t == "3").unwrap();
    assert_eq!(found[at + 1..at + 5], ["2", "1", "1", "0"]);
    assert!(
        found
            .iter()
            .any(|t| t.ends_with("under each k the cohorts averaged"))
    );
    // Hollow points are white-filled circles.
    assert!(svg.contains("<circle") && svg.contains("fill=\"#FFFFFF\""));
    // Higher value, higher point; proportional to the zero line.
    let avg: Vec<_> = layout
        .points
        .iter()
        .filter(|p| p.cohort.is_none())
        .collect();
    let unit = f64::from(layout.zero_y - avg[2].y) / avg[2].value;
    for p in &layout.points {
        assert!(
            (f64::from(layout.zero_y - p.y) - unit * p.value).abs() <= 1.0,
            "{p:?}"
        );
    }
}

#[test]
fn ltv_without_revenue_says_so() {
    let (svg, layout) = render!("ltv-empty", ltv_svg, tidemark::chart::draw_ltv, &weekly());
    assert!(layout.empty && layout.points.is_empty());
    assert!(has_text(
        &svg,
        "Run retention with the revenue measure to see LTV"
    ));
}

// ---------------------------------------------------------------- lifecycle

#[test]
fn lifecycle_stacks_active_above_and_dormant_below_zero() {
    let r = lifecycle_report(&LIFE);
    let (svg, layout) = render!(
        "lifecycle",
        lifecycle_svg,
        tidemark::chart::draw_lifecycle,
        &r
    );
    assert!(!layout.empty);
    assert_eq!(layout.bars.len(), 16);
    assert_texts(
        &svg,
        &[
            "New",
            "Returning",
            "Resurrecting",
            "Dormant",
            "2026-01-05",
            "2026-01-26*",
            "* period not over yet",
            "100",
            "140",
            "130",
            "55",
            "-40",
            "-70",
            "-90",
        ],
    );
    let zero = layout.zero_y;
    for (i, b) in layout.bars.iter().enumerate() {
        assert_eq!((b.period, b.kind), (i / 4, LifecycleKind::ALL[i % 4]));
        if b.users == 0 {
            assert_eq!(b.rect.height(), 0, "{b:?}");
            continue;
        }
        assert!(has_rect(&svg, &b.rect), "{b:?}");
        if b.kind == LifecycleKind::Dormant {
            assert!(b.users < 0);
            assert_eq!(b.rect.y0, zero, "dormant hangs from the zero line");
            assert!(b.rect.y1 > zero);
        } else {
            assert!(b.rect.y1 <= zero, "active above zero: {b:?}");
        }
    }
    // Heights proportional to the users (±1 px of rounding per edge).
    let unit = f64::from(layout.bars[0].rect.height()) / 100.0;
    for b in layout.bars.iter().filter(|b| b.users != 0) {
        let expected = unit * b.users.unsigned_abs() as f64;
        assert!(
            (f64::from(b.rect.height()) - expected).abs() <= 2.0,
            "{b:?} vs {expected}"
        );
    }
    // Periods left to right; the last one is flagged partial.
    for pair in layout.bars.chunks(4).collect::<Vec<_>>().windows(2) {
        assert!(pair[0][0].rect.x1 < pair[1][0].rect.x0);
    }
    assert!(layout.bars[12..].iter().all(|b| !b.complete));
    let b = &layout.bars[7].rect;
    assert_eq!(
        layout.bar_at((b.x0 + b.x1) / 2, b.y0 + 1).unwrap().kind,
        LifecycleKind::Dormant
    );
}

#[test]
fn crowded_lifecycle_dates_are_thinned() {
    let starts: Vec<String> = (0..200).map(|i| format!("2026-{:03}", i)).collect();
    let periods: Vec<(&str, u64, u64, u64, i64, bool)> = starts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.as_str(),
                10 + i as u64 % 7,
                40,
                5,
                -(i as i64 % 30),
                i < 199,
            )
        })
        .collect();
    let r = lifecycle_report(&periods);
    let (svg, layout) = render!(
        "lifecycle-crowded",
        lifecycle_svg,
        tidemark::chart::draw_lifecycle,
        &r
    );
    assert_eq!(layout.bars.len(), 800);
    let dates = texts(&svg)
        .iter()
        .filter(|t| t.starts_with("2026-"))
        .count();
    assert!(dates > 3 && dates < 40, "{dates} date labels");
    assert!(
        has_text(&svg, "2026-199*"),
        "the latest period keeps its label"
    );
}

// ---------------------------------------------------------------- repurchase

#[test]
fn gap_histogram_marks_the_median() {
    let r = repurchase_report();
    let (svg, layout) = render!(
        "gap-histogram",
        gap_histogram_svg,
        tidemark::chart::draw_gap_histogram,
        &r
    );
    assert!(!layout.empty);
    assert_eq!(layout.bars.len(), 4);
    assert_texts(&svg, &["median 9.5 d", "days", "0", "7", "14", "21", "28"]);
    let unit = f64::from(layout.bars[0].rect.height()) / 120.0;
    for (b, users) in layout.bars.iter().zip([120u64, 80, 40, 10]) {
        assert_eq!(b.users, users);
        assert!(has_rect(&svg, &b.rect));
        assert_eq!(b.rect.y1, layout.plot.y1);
        assert!((f64::from(b.rect.height()) - unit * users as f64).abs() <= 1.0);
    }
    for pair in layout.bars.windows(2) {
        assert!(pair[0].rect.x1 <= pair[1].rect.x0);
        assert!((pair[0].rect.width() - pair[1].rect.width()).abs() <= 1);
    }
    let m = layout.median_x.unwrap();
    let second = &layout.bars[1].rect;
    assert!(second.x0 < m && m < second.x1, "9.5 d lies in the 7–14 bin");
}

#[test]
fn repeat_rate_by_month_with_eligible_counts() {
    let r = repurchase_report();
    let (svg, layout) = render!(
        "repeat-by-month",
        repeat_by_month_svg,
        tidemark::chart::draw_repeat_by_month,
        &r
    );
    assert_eq!(layout.bars.len(), 4);
    assert_texts(
        &svg,
        &[
            "2026-01", "2026-04", "20.0%", "25.0%", "n = 900", "n = 300", "n = 0", "–",
        ],
    );
    assert!(
        texts(&svg)
            .iter()
            .any(|t| t.starts_with("Repeat rate within 30 days"))
    );
    let unit = f64::from(layout.bars[1].rect.height()) / 0.25;
    for b in &layout.bars[..3] {
        let v = b.value.unwrap();
        assert!(
            (f64::from(b.rect.height()) - unit * v).abs() <= 1.0,
            "{b:?}"
        );
    }
    let last = &layout.bars[3];
    assert_eq!((last.value, last.users, last.rect.height()), (None, 0, 0));
    // Background and three bars (the month without eligible buyers has none).
    assert_eq!(rect_count(&svg), 4);
}

#[test]
fn repeat_rates_as_horizontal_bars() {
    let r = repurchase_report();
    let (svg, layout) = render!(
        "repeat-rates",
        repeat_rates_svg,
        tidemark::chart::draw_repeat_rates,
        &r
    );
    assert_eq!(layout.bars.len(), 3);
    assert_texts(
        &svg,
        &[
            "within 30 days",
            "within 90 days",
            "22.0% · 440 of 2,000 · 600 not yet eligible",
            "33.3% · 300 of 900 · 1,700 not yet eligible",
        ],
    );
    let unit = f64::from(layout.bars[2].rect.width()) / (300.0 / 900.0);
    for b in &layout.bars {
        let v = b.value.unwrap();
        assert!((f64::from(b.rect.width()) - unit * v).abs() <= 1.0, "{b:?}");
        assert_eq!(b.rect.x0, layout.plot.x0);
    }
    for pair in layout.bars.windows(2) {
        assert!(pair[0].rect.y1 <= pair[1].rect.y0);
    }
}

// ---------------------------------------------------------------- edge cases

#[test]
fn empty_reports_draw_an_empty_state() {
    let none = retention_report(Vec::new());
    let svg = retention_svg(&none, W, H).unwrap();
    assert!(has_text(&svg, "No cohorts to show"));
    let zeros = retention_report(vec![cohort("2026-01-05", 0, &[0, 0], &[true, false])]);
    let svg = retention_svg(&zeros, W, H).unwrap();
    assert!(has_text(&svg, "No users in any cohort"));
    assert_eq!(rect_count(&svg), 1);
    let svg = retention_curve_svg(&none, W, H).unwrap();
    assert!(has_text(&svg, "No complete period yet"));
    let mut revenue = none.clone();
    revenue.measure = "revenue".to_string();
    let svg = ltv_svg(&revenue, W, H).unwrap();
    assert!(has_text(&svg, "No revenue per user to show yet"));

    let svg = lifecycle_svg(&lifecycle_report(&[]), W, H).unwrap();
    assert!(has_text(&svg, "No periods to show"));
    let idle = lifecycle_report(&[("2026-01-05", 0, 0, 0, 0, false)]);
    let svg = lifecycle_svg(&idle, W, H).unwrap();
    assert!(has_text(&svg, "No activity in any period"));

    let mut r = repurchase_report();
    r.gap_histogram.clear();
    r.by_first_month.clear();
    r.rates.clear();
    r.median_gap_days = None;
    save("gap-empty", &gap_histogram_svg(&r, W, H).unwrap());
    assert!(has_text(
        &gap_histogram_svg(&r, W, H).unwrap(),
        "No repeat buyers yet"
    ));
    assert!(has_text(
        &repeat_by_month_svg(&r, W, H).unwrap(),
        "No first purchases to show"
    ));
    assert!(has_text(
        &repeat_rates_svg(&r, W, H).unwrap(),
        "No repeat windows asked for"
    ));
    let mut young = repurchase_report();
    young.by_first_month.truncate(0);
    young.by_first_month.push(MonthRate {
        month: "2026-04".to_string(),
        buyers: 10,
        eligible: 0,
        repeaters: 0,
        rate: None,
    });
    let svg = repeat_by_month_svg(&young, W, H).unwrap();
    assert!(has_text(&svg, "No buyer has had 30 days to come back yet"));
}

#[test]
fn odd_reports_never_panic() {
    // NaN and infinite rates, u64::MAX sizes, i64::MIN dormant, ragged vectors.
    let mut r = weekly_revenue();
    r.cohorts[0].retained_rate[1] = Some(f64::NAN);
    r.cohorts[0].complete.truncate(1);
    r.cohorts[2].size = u64::MAX;
    r.cohorts[2].retained = vec![u64::MAX, u64::MAX / 2];
    if let Some(v) = r.cohorts[0].cumulative_revenue_per_user.as_mut() {
        v[2] = Some(f64::INFINITY);
        v.push(Some(-1e308));
    }
    r.average.rate = vec![Some(f64::NAN), Some(2.0), None, Some(-0.5)];
    let mut users = r.clone();
    users.measure = "users".to_string();
    let life = lifecycle_report(&[
        ("a", u64::MAX, u64::MAX, 1, i64::MIN, true),
        ("b", 0, 0, 0, 5, false),
    ]);
    let mut rep = repurchase_report();
    rep.gap_histogram.push(GapBin {
        from_days: f64::NAN,
        to_days: 3.0,
        users: 7,
    });
    rep.gap_histogram.push(GapBin {
        from_days: 28.0,
        to_days: 1e300,
        users: u64::MAX,
    });
    rep.median_gap_days = Some(f64::INFINITY);
    rep.rates[0].rate = Some(f64::NAN);
    rep.rates[1].rate = Some(7.0);
    rep.by_first_month[0].rate = Some(-1.0);
    // Huge: 1,000 periods × 300 cohorts.
    let huge = retention_report(
        (0..300)
            .map(|i| {
                let retained: Vec<u64> = (0..1_000).map(|k| 1_000 - k).collect();
                cohort(&format!("{i}"), 1_000, &retained, &vec![true; 1_000])
            })
            .collect(),
    );
    for (w, h) in [(64, 64), (200, 120), (320, 240), (1600, 900)] {
        for svg in [
            retention_svg(&r, w, h),
            retention_svg(&users, w, h),
            retention_svg(&huge, w, h),
            retention_curve_svg(&r, w, h),
            retention_curve_svg(&huge, w, h),
            ltv_svg(&r, w, h),
            lifecycle_svg(&life, w, h),
            gap_histogram_svg(&rep, w, h),
            repeat_by_month_svg(&rep, w, h),
            repeat_rates_svg(&rep, w, h),
        ] {
            assert!(svg.unwrap().contains("</svg>"));
        }
    }
}

#[test]
fn area_size_is_checked() {
    for (w, h) in [(0, 0), (10, 400), (900, 63), (20_000, 400)] {
        let e = ChartError::AreaSize {
            width: w,
            height: h,
        };
        assert_eq!(retention_svg(&weekly(), w, h).unwrap_err(), e);
        assert_eq!(retention_curve_svg(&weekly(), w, h).unwrap_err(), e);
        assert_eq!(ltv_svg(&weekly(), w, h).unwrap_err(), e);
        assert_eq!(
            lifecycle_svg(&lifecycle_report(&LIFE), w, h).unwrap_err(),
            e
        );
        let r = repurchase_report();
        assert_eq!(gap_histogram_svg(&r, w, h).unwrap_err(), e);
        assert_eq!(repeat_by_month_svg(&r, w, h).unwrap_err(), e);
        assert_eq!(repeat_rates_svg(&r, w, h).unwrap_err(), e);
    }
}

#[test]
fn data_text_is_escaped() {
    let evil = "<script>alert(1)</script>";
    let mut r = weekly();
    r.cohorts[0].start = evil.to_string();
    r.period = evil.to_string();
    let mut life = lifecycle_report(&LIFE);
    life.periods[0].start = format!("{evil} & \"x\"");
    let mut rep = repurchase_report();
    rep.by_first_month[0].month = evil.to_string();
    for svg in [
        retention_svg(&r, W, H).unwrap(),
        retention_curve_svg(&r, W, H).unwrap(),
        lifecycle_svg(&life, W, H).unwrap(),
        repeat_by_month_svg(&rep, W, H).unwrap(),
    ] {
        assert!(!svg.contains("<script"), "{svg}");
    }
    let svg = lifecycle_svg(&life, W, H).unwrap();
    assert!(svg.contains("&lt;script&gt;") && svg.contains("&amp; &quot;x&quot;"));
}

#[test]
fn cjk_text_survives() {
    let mut r = weekly();
    r.cohorts[0].start = "第一周".to_string();
    r.cohorts[2].start = "第三周".to_string();
    let (svg, _) = render!("retention-cjk", retention_svg, draw_retention, &r);
    assert_texts(&svg, &["第一周", "第三周"]);
    let life = lifecycle_report(&[("一月", 10, 0, 0, 0, true), ("二月", 8, 5, 0, -5, true)]);
    assert_texts(&lifecycle_svg(&life, W, H).unwrap(), &["一月", "二月"]);
    let mut rep = repurchase_report();
    rep.by_first_month[0].month = "二〇二六年一月".to_string();
    assert_texts(
        &repeat_by_month_svg(&rep, W, H).unwrap(),
        &["二〇二六年一月"],
    );
    // A long CJK cohort label is cut by width, not by bytes.
    r.cohorts[0].start = "二〇二六年一月第一周星期一开始的新客户".repeat(3);
    let found = texts(&retention_svg(&r, W, H).unwrap());
    assert!(
        found
            .iter()
            .any(|t| t.starts_with("二〇二六") && t.ends_with('…')),
        "{found:?}"
    );
}

#[test]
fn heatmap_draws_in_a_sub_area_with_offsets() {
    let mut svg = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut svg, (1000, 600)).into_drawing_area();
        let (_, right) = root.split_horizontally(100);
        let right = right.margin(50, 0, 0, 0);
        let layout = draw_retention(&right, &weekly()).unwrap();
        root.present().unwrap();
        layout
    };
    assert_eq!((layout.area.x0, layout.area.y0), (100, 50));
    for cell in &layout.cells {
        assert!(
            has_rect(&svg, &cell.rect),
            "layout in backend pixels: {cell:?}"
        );
    }
}

// ---------------------------------------------------------------- the demo

/// The demo log's real reports draw every chart with something on it.
#[test]
fn demo_reports_draw() {
    use tidemark::analysis::run;
    use tidemark::report::Report;
    use tidemark::spec::Spec;
    let csv = tidemark::demo::demo_csv();
    let mut loader = tidemark::Loader::new("demo.csv", tidemark::LoadOptions::default()).unwrap();
    loader.push(csv.as_bytes()).unwrap();
    let table = loader.finish().unwrap();
    let spec = |json: &str| Spec::from_json(json).unwrap();
    let week = spec(r#"{"analysis":"retention","period":"week","periods":12}"#);
    let Report::Retention(week) = run(&table, &week).unwrap() else {
        panic!("retention")
    };
    let month = spec(
        r#"{"analysis":"retention","period":"month","periods":6,"measure":"revenue","start_event":"purchase","return_event":"purchase"}"#,
    );
    let Report::Retention(month) = run(&table, &month).unwrap() else {
        panic!("retention")
    };
    let life = spec(r#"{"analysis":"lifecycle","period":"week"}"#);
    let Report::Lifecycle(life) = run(&table, &life).unwrap() else {
        panic!("lifecycle")
    };
    let rep = spec(r#"{"analysis":"repurchase","purchase_event":"purchase"}"#);
    let Report::Repurchase(rep) = run(&table, &rep).unwrap() else {
        panic!("repurchase")
    };
    let charts = [
        ("demo-retention", retention_svg(&week, 1000, 560)),
        ("demo-retention-revenue", retention_svg(&month, 900, 360)),
        ("demo-retention-curve", retention_curve_svg(&week, W, H)),
        ("demo-ltv", ltv_svg(&month, W, H)),
        ("demo-lifecycle", lifecycle_svg(&life, W, H)),
        ("demo-gap-histogram", gap_histogram_svg(&rep, W, H)),
        ("demo-repeat-by-month", repeat_by_month_svg(&rep, W, H)),
        ("demo-repeat-rates", repeat_rates_svg(&rep, W, 220)),
    ];
    for (name, svg) in charts {
        let svg = svg.unwrap();
        save(name, &svg);
        for empty in [
            "No cohorts to show",
            "No complete period yet",
            "No periods to show",
            "No repeat buyers yet",
            "No revenue per user to show yet",
        ] {
            assert!(!has_text(&svg, empty), "{name}: {empty}");
        }
    }
}

#[test]
fn report_svgs_draw_the_charts_chart_names_promise() {
    use tidemark::analysis::run;
    use tidemark::chart::svgs::{chart_names, report_svgs};
    use tidemark::spec::Spec;
    let csv = tidemark::demo::demo_csv();
    let mut loader = tidemark::Loader::new("demo.csv", tidemark::LoadOptions::default()).unwrap();
    loader.push(csv.as_bytes()).unwrap();
    let table = loader.finish().unwrap();
    for (json, want) in [
        (
            r#"{"analysis":"funnel","steps":[{"event":"page_view"},{"event":"purchase"}]}"#,
            &["funnel"][..],
        ),
        (
            r#"{"analysis":"retention","period":"week"}"#,
            &["heatmap", "curve"][..],
        ),
        (
            r#"{"analysis":"retention","period":"month","measure":"revenue"}"#,
            &["heatmap", "curve", "ltv"][..],
        ),
        (
            r#"{"analysis":"repurchase"}"#,
            &["gaps", "by-month", "rates"][..],
        ),
        (r#"{"analysis":"lifecycle"}"#, &["lifecycle"][..]),
    ] {
        let spec = Spec::from_json(json).unwrap();
        assert_eq!(chart_names(&spec), want, "{json}");
        let report = run(&table, &spec).unwrap();
        let svgs = report_svgs(&report, W, H).unwrap();
        let names: Vec<&str> = svgs.iter().map(|s| s.name).collect();
        assert_eq!(names, want, "{json}");
        for s in &svgs {
            assert!(s.svg.starts_with("<svg"), "{}", s.name);
        }
    }
    // A week heatmap of the demo's ~26 cohorts grows taller to show every row.
    let spec = Spec::from_json(r#"{"analysis":"retention","period":"week"}"#).unwrap();
    let report = run(&table, &spec).unwrap();
    let heatmap = &report_svgs(&report, W, H).unwrap()[0].svg;
    assert!(
        !texts(heatmap)
            .iter()
            .any(|t| t.starts_with("Showing the latest"))
    );
    let clv = Spec::from_json(
        r#"{"analysis":"clv","unit":"week","calibration_end":"2024-01-01","horizon":4}"#,
    )
    .unwrap();
    assert!(chart_names(&clv).is_empty());
}
