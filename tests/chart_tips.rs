//! Tooltips of the cohort charts (`chart::tips`): one hover target per heatmap
//! cell, bar or curve point, inside the chart, under its mark, with the values
//! of the report in its text.

mod common;

use common::reports::{
    LIFE, lifecycle_report, repurchase_report, weekly, weekly_compared, weekly_revenue,
};
use plotters::prelude::*;
use tidemark::chart::tips::{self, Hit, POINT_RADIUS};
use tidemark::chart::{
    PixelRect, draw_gap_histogram, draw_lifecycle, draw_ltv, draw_repeat_by_month, draw_retention,
    draw_retention_curve,
};

const W: u32 = 900;
const H: u32 = 480;

/// Draws with `draw` on an SVG of W × H and returns its layout.
macro_rules! layout {
    ($draw:path, $report:expr) => {{
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let layout = $draw(&root, $report).unwrap();
        root.present().unwrap();
        drop(root);
        layout
    }};
}

fn inside(inner: &PixelRect, outer: &PixelRect) -> bool {
    inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 && inner.y1 <= outer.y1
}

fn centre(r: &PixelRect) -> (i32, i32) {
    ((r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2)
}

/// No two targets overlap.
#[track_caller]
fn disjoint(hits: &[Hit]) {
    for (i, a) in hits.iter().enumerate() {
        for b in &hits[i + 1..] {
            let apart = a.rect.x1 <= b.rect.x0
                || b.rect.x1 <= a.rect.x0
                || a.rect.y1 <= b.rect.y0
                || b.rect.y1 <= a.rect.y0;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn heatmap_has_one_tip_per_cell_inside_the_grid() {
    let r = weekly();
    let layout = layout!(draw_retention, &r);
    let hits = tips::retention_hits(&r, &layout);
    assert_eq!(hits.len(), layout.cells.len());
    assert_eq!(hits.len(), 10);
    for (hit, cell) in hits.iter().zip(&layout.cells) {
        assert_eq!((hit.cohort, hit.at), (Some(cell.cohort), cell.period));
        assert_eq!(hit.rect, cell.rect);
        assert!(inside(&hit.rect, &layout.plot), "{hit:?}");
    }
    disjoint(&hits);
    let tip = |cohort: usize, k: usize| {
        hits.iter()
            .find(|h| h.cohort == Some(cohort) && h.at == k)
            .unwrap()
            .tip
            .clone()
    };
    assert_eq!(
        tip(0, 1),
        "Cohort 2026-01-05 (1,000 users) · week 1: 420 active (42.0%)"
    );
    assert_eq!(
        tip(0, 0),
        "Cohort 2026-01-05 (1,000 users) · week 0: 1,000 users in the cohort"
    );
    assert_eq!(
        tip(2, 1),
        "Cohort 2026-01-19 (800 users) · week 1: 360 active (45.0%) (period not over yet: partial)"
    );
    assert_eq!(tip(1, 0), "Cohort 2026-01-12 (0 users): an empty cohort");
}

#[test]
fn revenue_heatmap_tips_show_revenue_and_its_share_per_user() {
    let r = weekly_revenue();
    let layout = layout!(draw_retention, &r);
    let hits = tips::retention_hits(&r, &layout);
    assert_eq!(hits.len(), 10);
    let h = hits
        .iter()
        .find(|h| h.cohort == Some(0) && h.at == 1)
        .unwrap();
    assert_eq!(
        h.tip,
        "Cohort 2026-01-05 (1,000 users) · week 1: revenue 4,000.00 (4.00 per cohort user); 420 active (42.0%)"
    );
}

#[test]
fn retention_curve_tips_sit_on_the_points_and_name_their_base() {
    let r = weekly();
    let layout = layout!(draw_retention_curve, &r);
    let hits = tips::retention_curve_hits(&r, &layout);
    assert_eq!(hits.len(), layout.points.len());
    assert_eq!(hits.len(), 3);
    for (hit, p) in hits.iter().zip(&layout.points) {
        assert_eq!(centre(&hit.rect), (p.x, p.y));
        assert_eq!(hit.rect.width(), 2 * POINT_RADIUS + 1);
        assert!(layout.plot.contains(p.x, p.y), "{p:?}");
    }
    disjoint(&hits);
    assert_eq!(
        hits[1].tip,
        "Average · week 1: 42.0% active (420 returning), from 1 complete cohort (1,000 users)"
    );
    assert_eq!(
        hits[0].tip,
        "Average · week 0: 100% active, from 2 complete cohorts (1,800 users)"
    );
}

#[test]
fn compared_curve_tips_name_their_segment() {
    let r = weekly_compared();
    let layout = layout!(draw_retention_curve, &r);
    let hits = tips::retention_curve_hits(&r, &layout);
    assert_eq!(hits.len(), 6);
    for (hit, p) in hits.iter().zip(&layout.points) {
        assert_eq!(centre(&hit.rect), (p.x, p.y));
    }
    assert_eq!(
        hits[1].tip,
        "Champions · week 1: 42.0% active (420 users), from 1 complete cohort (1,000 users)"
    );
    assert_eq!(
        hits[4].tip,
        "Loyal · week 1: 25.0% active (50 users), from 1 complete cohort (200 users)"
    );
}

#[test]
fn ltv_tips_for_cohort_curves_and_the_average() {
    let r = weekly_revenue();
    let layout = layout!(draw_ltv, &r);
    let hits = tips::ltv_hits(&r, &layout);
    assert_eq!(hits.len(), layout.points.len());
    for (hit, p) in hits.iter().zip(&layout.points) {
        assert_eq!((hit.cohort, hit.at), (p.cohort, p.period));
        assert_eq!(centre(&hit.rect), (p.x, p.y));
    }
    let cohort = hits
        .iter()
        .find(|h| h.cohort == Some(0) && h.at == 3)
        .unwrap();
    assert_eq!(
        cohort.tip,
        "Cohort 2026-01-05 (1,000 users) · week 3: 18.00 per user so far (period not over yet: partial)"
    );
    let avg = hits
        .iter()
        .find(|h| h.cohort.is_none() && h.at == 2)
        .unwrap();
    assert!(
        avg.tip
            .starts_with("Average · week 2: 17.39 per user over weeks 0–2"),
        "{}",
        avg.tip
    );
    assert!(
        avg.tip
            .ends_with("week 2 from 1 complete cohort (1,000 users))"),
        "{}",
        avg.tip
    );
}

#[test]
fn lifecycle_tips_cover_each_period_column() {
    let r = lifecycle_report(&LIFE);
    let layout = layout!(draw_lifecycle, &r);
    let hits = tips::lifecycle_hits(&r, &layout);
    assert_eq!(hits.len(), 4);
    disjoint(&hits);
    for (i, hit) in hits.iter().enumerate() {
        assert_eq!((hit.cohort, hit.at), (None, i));
        // The column spans the plot's height and holds every segment of the period.
        assert_eq!((hit.rect.y0, hit.rect.y1), (layout.plot.y0, layout.plot.y1));
        for b in layout.bars.iter().filter(|b| b.period == i) {
            assert!(inside(&b.rect, &hit.rect), "{b:?} in {hit:?}");
        }
    }
    assert_eq!(
        hits[2].tip,
        "Week of 2026-01-19: 130 active — 50 new, 70 returning, 10 resurrecting; 70 dormant"
    );
    assert!(hits[3].tip.ends_with("(period not over yet: partial)"));
}

#[test]
fn repurchase_tips_per_bin_and_per_month() {
    let r = repurchase_report();
    let gaps = layout!(draw_gap_histogram, &r);
    let hits = tips::gap_hits(&r, &gaps);
    assert_eq!(hits.len(), r.gap_histogram.len());
    disjoint(&hits);
    for (hit, bar) in hits.iter().zip(&gaps.bars) {
        assert!(inside(&bar.rect, &hit.rect));
        assert!(inside(&hit.rect, &gaps.area));
    }
    assert_eq!(
        hits[1].tip,
        "80 users came back 7–14 days after their first purchase (32.0% of 250 repeat buyers)"
    );

    let months = layout!(draw_repeat_by_month, &r);
    let hits = tips::by_month_hits(&r, &months);
    assert_eq!(hits.len(), 4);
    disjoint(&hits);
    assert_eq!(
        hits[2].tip,
        "First purchase in 2026-03: 20.0% bought again within 30 days (60 of 300 eligible; 700 buyers)"
    );
    // A month with nobody eligible has no bar but still a target.
    assert!(hits[3].rect.height() > 0);
    assert_eq!(
        hits[3].tip,
        "First purchase in 2026-04: 600 buyers, none with 30 days of data yet"
    );
}

#[test]
fn money_is_written_with_cents_and_separators() {
    assert_eq!(tips::format_money(Some(1234.5)), "1,234.50");
    assert_eq!(tips::format_money(Some(-0.004)), "0.00");
    assert_eq!(tips::format_money(Some(-12.345)), "-12.35");
    assert_eq!(tips::format_money(Some(f64::NAN)), "–");
    assert_eq!(tips::format_money(None), "–");
}
