//! The predicted-CLV charts (holdout check, P(alive) histogram, value tiers,
//! frequency × recency heatmap) rendered to SVG from the CDNOW sample's real
//! report, from the same report without its customers, and from odd reports.
//!
//! Set `TIDEMARK_CHART_OUT=dir` to also write every rendered SVG to `dir`.

mod common;

use common::svg::{save, texts};
use plotters::prelude::*;
use tidemark::analysis::clv;
use tidemark::chart::{
    ChartError, ClvLayout, PixelRect, clv_holdout_svg, clv_matrix_svg, clv_p_alive_svg,
    clv_tiers_svg, draw_clv_holdout, draw_clv_matrix, draw_clv_p_alive, draw_clv_tiers,
};
use tidemark::report::ClvReport;
use tidemark::spec::Spec;

const W: u32 = 900;
const H: u32 = 480;

fn cdnow(fields: &str) -> ClvReport {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow_sample.csv");
    let bytes = std::fs::read(path).unwrap();
    let table = tidemark::ingest::load(
        "cdnow_sample.csv",
        &bytes,
        tidemark::LoadOptions::default(),
        &mut tidemark::progress::Silent,
    )
    .unwrap();
    let Spec::Clv(spec) = Spec::from_json(&format!(r#"{{"analysis":"clv",{fields}}}"#)).unwrap()
    else {
        panic!("not clv")
    };
    clv::clv(&table, &spec).unwrap()
}

/// Weekly, calibration to 1997-09-30: a 39-week holdout.
fn with_holdout() -> ClvReport {
    cdnow(
        r#""purchase_event":"purchase","unit":"week","calibration_end":"1997-09-30","horizon":39,"discount_rate":0.01"#,
    )
}

#[track_caller]
fn assert_texts(svg: &str, wanted: &[&str]) {
    let found = texts(svg);
    for want in wanted {
        assert!(found.iter().any(|t| t == want), "{want:?} in {found:?}");
    }
}

fn has_text_containing(svg: &str, part: &str) -> bool {
    texts(svg).iter().any(|t| t.contains(part))
}

/// The SVG holds a filled rectangle exactly here.
fn has_rect(svg: &str, r: &PixelRect) -> bool {
    svg.contains(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        r.x0,
        r.y0,
        r.width(),
        r.height()
    ))
}

type Svg = fn(&ClvReport, u32, u32) -> Result<String, ChartError>;

/// Renders with `svg_fn` and `draw_fn` (which must agree), saves, returns both.
macro_rules! render {
    ($name:expr, $svg_fn:path, $draw_fn:path, $report:expr) => {{
        let report: &ClvReport = $report;
        let svg = $svg_fn(report, W, H).unwrap();
        let mut again = String::new();
        let layout: ClvLayout = {
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

/// Every mark with a positive value is a drawn rectangle inside the plot.
#[track_caller]
fn marks_drawn(svg: &str, layout: &ClvLayout) {
    let mut drawn = 0;
    for m in &layout.marks {
        if m.value.is_some_and(|v| v > 0.0) && m.rect.height() > 0 {
            assert!(has_rect(svg, &m.rect), "{m:?} drawn");
            assert!(
                m.rect.x0 >= layout.plot.x0 && m.rect.x1 <= layout.plot.x1 + 1,
                "{m:?} in {:?}",
                layout.plot
            );
            drawn += 1;
        }
    }
    assert!(drawn > 0, "not blank");
    assert!(!layout.empty);
}

#[test]
fn holdout_has_two_bars_per_row_with_their_labels() {
    let r = with_holdout();
    let (svg, layout) = render!("clv-holdout", clv_holdout_svg, draw_clv_holdout, &r);
    let rows = r.holdout.as_ref().unwrap();
    assert_eq!(rows.len(), 8);
    assert_eq!(layout.marks.len(), 2 * rows.len());
    for (i, row) in rows.iter().enumerate() {
        let actual = &layout.marks[2 * i];
        let expected = &layout.marks[2 * i + 1];
        assert_eq!((actual.index, actual.series), (i, 0));
        assert_eq!((expected.index, expected.series), (i, 1));
        assert_eq!(actual.value, Some(row.actual_mean));
        assert_eq!(expected.value, Some(row.predicted_mean));
        assert_eq!(actual.customers, row.customers);
        // The larger mean has the taller bar.
        if row.actual_mean > row.predicted_mean {
            assert!(actual.rect.height() >= expected.rect.height(), "{row:?}");
        } else {
            assert!(actual.rect.height() <= expected.rect.height(), "{row:?}");
        }
    }
    marks_drawn(&svg, &layout);
    assert_texts(
        &svg,
        &[
            "0",
            "1",
            "6",
            "7+",
            "n = 1,411",
            "actual (mean per customer)",
            "expected by BG/NBD",
        ],
    );
    assert!(has_text_containing(
        &svg,
        "in the 39 weeks after 1997-09-30"
    ));
    // The hit test finds the bar of row 2.
    let m = &layout.marks[4];
    let found = layout.mark_at(m.rect.x0, m.rect.y1 - 1).unwrap();
    assert_eq!((found.index, found.series), (2, 0));
}

#[test]
fn without_a_holdout_the_check_says_how_to_get_one() {
    let r = cdnow(r#""purchase_event":"purchase","unit":"week""#);
    assert!(r.holdout.is_none());
    let (svg, layout) = render!("clv-holdout-none", clv_holdout_svg, draw_clv_holdout, &r);
    assert!(layout.empty && layout.marks.is_empty());
    assert_texts(
        &svg,
        &["No holdout: choose a calibration end before the data end"],
    );
}

#[test]
fn p_alive_histogram_has_a_bar_per_bin_and_the_risk_line() {
    let r = with_holdout();
    let (svg, layout) = render!("clv-p-alive", clv_p_alive_svg, draw_clv_p_alive, &r);
    assert_eq!(layout.marks.len(), r.p_alive_histogram.len());
    for (m, bin) in layout.marks.iter().zip(&r.p_alive_histogram) {
        assert_eq!(m.customers, bin.customers);
        assert_eq!(m.rect.height() > 0, bin.customers > 0);
    }
    marks_drawn(&svg, &layout);
    // Bars left to right, the tallest the fullest bin.
    assert!(layout.marks.windows(2).all(|p| p[0].rect.x0 < p[1].rect.x0));
    let fullest = r
        .p_alive_histogram
        .iter()
        .enumerate()
        .max_by_key(|(_, b)| b.customers)
        .unwrap()
        .0;
    let tallest = layout.marks.iter().max_by_key(|m| m.rect.height()).unwrap();
    assert_eq!(tallest.index, fullest);
    assert_texts(&svg, &["0%", "50%", "100%", "P(alive)"]);
    assert!(has_text_containing(
        &svg,
        &format!("{} high-value customers at risk", r.at_risk)
    ));
    assert!(svg.contains("stroke=\"#E15759\""), "dashed risk line");
}

#[test]
fn tiers_have_one_bar_each_ordered_by_value() {
    let r = with_holdout();
    let (svg, layout) = render!("clv-tiers", clv_tiers_svg, draw_clv_tiers, &r);
    assert_eq!(layout.marks.len(), 3);
    for (m, t) in layout.marks.iter().zip(&r.tiers) {
        assert_eq!(m.value, t.clv_total);
        assert_eq!(m.customers, t.customers);
    }
    marks_drawn(&svg, &layout);
    assert_texts(&svg, &["High value", "Mid value", "Low value"]);
    let high = &r.tiers[0];
    assert!(has_text_containing(
        &svg,
        &format!("{} customers (", high.customers)
    ));
    assert!(has_text_containing(&svg, "· mean "));
    assert!(has_text_containing(
        &svg,
        "Predicted CLV over 39 weeks by value tier"
    ));
}

#[test]
fn tiers_without_clv_show_expected_purchases() {
    let mut r = with_holdout();
    r.tier_metric = "expected_purchases".to_string();
    for t in &mut r.tiers {
        t.clv_total = None;
        t.clv_mean = None;
    }
    let (svg, layout) = render!("clv-tiers-purchases", clv_tiers_svg, draw_clv_tiers, &r);
    marks_drawn(&svg, &layout);
    assert!(has_text_containing(
        &svg,
        "Expected purchases over 39 weeks"
    ));
    let want = r.tiers[0].expected_purchases_mean.unwrap() * r.tiers[0].customers as f64;
    assert!((layout.marks[0].value.unwrap() - want).abs() < 1e-9);
}

#[test]
fn matrix_has_a_cell_per_frequency_and_recency_bin() {
    let r = with_holdout();
    let (svg, layout) = render!("clv-matrix", clv_matrix_svg, draw_clv_matrix, &r);
    let m = &r.matrix;
    assert_eq!(
        layout.marks.len(),
        m.frequencies.len() * m.recency_from.len()
    );
    for mark in &layout.marks {
        assert_eq!(mark.value, Some(m.expected[mark.index][mark.series]));
        assert_eq!(mark.customers, m.customers[mark.index][mark.series]);
        assert!(has_rect(&svg, &mark.rect), "{mark:?}");
    }
    assert!(!layout.empty);
    // Distinct colours: not a blank grid.
    let fills: std::collections::BTreeSet<&str> = svg
        .split("fill=\"")
        .skip(1)
        .filter_map(|s| s.get(..7))
        .collect();
    assert!(fills.len() > 10, "{fills:?}");
    assert_texts(&svg, &["x", "0", "1", "10"]);
    assert!(has_text_containing(&svg, "recency"));
    assert!(has_text_containing(
        &svg,
        "Expected purchases in the next 39 weeks"
    ));
    // Rows top to bottom by frequency; columns left to right.
    let cols = m.recency_from.len();
    assert!(layout.marks[0].rect.y0 < layout.marks[cols].rect.y0);
    assert!(layout.marks[0].rect.x0 < layout.marks[1].rect.x0);
}

#[test]
fn charts_read_no_customers() {
    let r = with_holdout();
    let mut bare = r.clone();
    bare.customers.clear();
    for (name, f) in [
        ("holdout", clv_holdout_svg as Svg),
        ("p_alive", clv_p_alive_svg),
        ("tiers", clv_tiers_svg),
        ("matrix", clv_matrix_svg),
    ] {
        assert_eq!(f(&r, W, H).unwrap(), f(&bare, W, H).unwrap(), "{name}");
    }
}

#[test]
fn odd_reports_draw_empty_states_and_small_areas() {
    let mut r = with_holdout();
    r.customers.clear();
    r.holdout = Some(Vec::new());
    r.p_alive_histogram.clear();
    for t in &mut r.tiers {
        t.customers = 0;
        t.clv_total = None;
    }
    r.matrix.frequencies.clear();
    r.matrix.recency_from.clear();
    for (name, f) in [
        ("holdout", clv_holdout_svg as Svg),
        ("p_alive", clv_p_alive_svg),
        ("tiers", clv_tiers_svg),
        ("matrix", clv_matrix_svg),
    ] {
        let svg = f(&r, W, H).unwrap();
        assert!(
            has_text_containing(&svg, "No customers") || has_text_containing(&svg, "No holdout"),
            "{name}: {:?}",
            texts(&svg)
        );
        save(&format!("clv-empty-{name}"), &svg);
    }
    // Mismatched matrix rows are read as missing cells, not a panic.
    let mut r = with_holdout();
    r.matrix.expected.truncate(1);
    r.matrix.customers.clear();
    clv_matrix_svg(&r, W, H).unwrap();
    // Tiny and huge areas.
    let r = with_holdout();
    for f in [
        clv_holdout_svg as Svg,
        clv_p_alive_svg,
        clv_tiers_svg,
        clv_matrix_svg,
    ] {
        f(&r, 64, 64).unwrap();
        assert!(matches!(f(&r, 10, 400), Err(ChartError::AreaSize { .. })));
    }
}
