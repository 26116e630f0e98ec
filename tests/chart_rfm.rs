//! The RFM grid chart, rendered to SVG from reports the engine computed on small
//! logs (plus odd, hand-edited reports).
//!
//! Set `TIDEMARK_CHART_OUT=dir` to also write every rendered SVG to `dir`.

mod common;

use common::svg::{save, texts};
use plotters::prelude::*;
use tidemark::analysis::segments::rfm;
use tidemark::chart::{ChartError, PixelRect, draw_rfm, rfm_svg};
use tidemark::report::RfmReport;
use tidemark::spec::RfmSpec;
use tidemark::table::{TableBuilder, TableMeta};

const W: u32 = 900;
const H: u32 = 480;
const DAY: i64 = 86_400_000;

/// Ten buyers: user `i` bought `i % 4 + 1` times, last `i` days before the end.
fn report() -> RfmReport {
    let mut b = TableBuilder::new(true, &[]);
    for i in 0..10i64 {
        for k in 0..(i % 4 + 1) {
            b.push(
                &format!("u{i}"),
                100 * DAY - i * DAY - k * 7 * DAY,
                "purchase",
                Some(10.0),
                &[],
            );
        }
    }
    b.push("late", 100 * DAY, "view", None, &[]);
    let t = b.build(TableMeta::synthetic("t.csv"));
    let spec = RfmSpec {
        purchase_event: None,
        as_of: None,
        users: false,
    };
    rfm(&t, &spec).unwrap()
}

fn has_rect(svg: &str, r: &PixelRect) -> bool {
    svg.contains(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        r.x0,
        r.y0,
        r.width(),
        r.height()
    ))
}

#[test]
fn the_grid_has_25_cells_labelled_with_segment_and_count() {
    let report = report();
    let svg = rfm_svg(&report, W, H).unwrap();
    save("rfm", &svg);
    let mut again = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut again, (W, H)).into_drawing_area();
        let layout = draw_rfm(&root, &report).unwrap();
        root.present().unwrap();
        layout
    };
    assert_eq!(svg, again, "rfm_svg and draw_rfm agree");
    assert!(!layout.empty);
    assert_eq!(layout.cells.len(), 25);
    // Row by row from R5 at the top, F1 to F5 left to right.
    assert_eq!((layout.cells[0].r, layout.cells[0].f), (5, 1));
    assert_eq!((layout.cells[24].r, layout.cells[24].f), (1, 5));
    assert!(layout.cells[0].rect.y0 < layout.cells[5].rect.y0);
    assert!(layout.cells[0].rect.x0 < layout.cells[1].rect.x0);
    let found = texts(&svg);
    for c in &layout.cells {
        assert!(has_rect(&svg, &c.rect), "cell {c:?} drawn");
        let g = report
            .grid
            .iter()
            .find(|g| (g.r, g.f) == (c.r, c.f))
            .unwrap();
        assert_eq!((c.users, c.segment.as_str()), (g.users, g.segment.as_str()));
        assert!(found.contains(&c.segment), "{} in {found:?}", c.segment);
    }
    let counts: u64 = layout.cells.iter().map(|c| c.users).sum();
    assert_eq!(counts, 10);
    for t in [
        "F1",
        "F5",
        "R1",
        "R5",
        "Champions",
        "Lost",
        "10 buyers scored; colour = buyers in the cell",
    ] {
        assert!(found.iter().any(|f| f == t), "{t:?} in {found:?}");
    }
    let busiest = layout.cells.iter().max_by_key(|c| c.users).unwrap();
    let mid = (
        (busiest.rect.x0 + busiest.rect.x1) / 2,
        (busiest.rect.y0 + busiest.rect.y1) / 2,
    );
    assert_eq!(layout.cell_at(mid.0, mid.1), Some(busiest));
    // The busiest cell takes the darkest colour.
    assert!(svg.contains("fill=\"#174682\""), "the darkest fill is used");
}

#[test]
fn no_buyers_draws_the_empty_state() {
    let mut report = report();
    report.buyers = 0;
    for c in &mut report.grid {
        c.users = 0;
    }
    let svg = rfm_svg(&report, W, H).unwrap();
    assert_eq!(texts(&svg), ["No buyers to score"]);
}

#[test]
fn odd_reports_and_small_areas_never_panic() {
    let mut report = report();
    report.grid.truncate(7);
    let svg = rfm_svg(&report, W, H).unwrap();
    assert!(texts(&svg).iter().any(|t| t == "F5"));
    report.grid.clear();
    rfm_svg(&report, 64, 64).unwrap();
    rfm_svg(&report, 64, 2000).unwrap();
    assert_eq!(
        rfm_svg(&report, 63, 100),
        Err(ChartError::AreaSize {
            width: 63,
            height: 100
        })
    );
}

#[test]
fn the_grid_draws_in_a_sub_area_with_offsets() {
    let report = report();
    let mut svg = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut svg, (W + 100, H + 50)).into_drawing_area();
        let area = root.margin(50, 0, 100, 0);
        let layout = draw_rfm(&area, &report).unwrap();
        root.present().unwrap();
        layout
    };
    assert_eq!(layout.area.x0, 100);
    assert_eq!(layout.area.y0, 50);
    for c in &layout.cells {
        assert!(has_rect(&svg, &c.rect), "{c:?}");
        assert!(c.rect.x0 >= 100 && c.rect.y0 >= 50);
    }
}

#[test]
fn every_cell_is_a_hover_target_with_its_numbers() {
    let r = report();
    let mut svg = String::new();
    let layout = {
        let area = SVGBackend::with_string(&mut svg, (640, 480)).into_drawing_area();
        draw_rfm(&area, &r).expect("draws")
    };
    let hits = tidemark::chart::tips::rfm_hits(&r, &layout);
    assert_eq!(hits.len(), 25);
    for (hit, cell) in hits.iter().zip(&layout.cells) {
        assert_eq!(hit.rect, cell.rect);
        let want = r
            .grid
            .iter()
            .find(|g| g.r == cell.r && g.f == cell.f)
            .expect("the report has the cell");
        assert!(
            hit.tip
                .starts_with(&format!("R {} · F {}: {}", want.r, want.f, want.segment)),
            "{}",
            hit.tip
        );
        let count = want.users.to_string();
        let digits: String = hit.tip.chars().filter(|c| c.is_ascii_digit()).collect();
        assert!(hit.tip.contains(" user"), "{}", hit.tip);
        assert!(digits.contains(&count), "{count} in {}", hit.tip);
    }
}

#[test]
fn the_grid_names_its_segments_in_chinese() {
    let report = report();
    let en = texts(&rfm_svg(&report, W, H).unwrap());
    let zh = tidemark::chart::lang::with(tidemark::chart::lang::Lang::Zh, || {
        texts(&rfm_svg(&report, W, H).unwrap())
    });
    for (english, chinese) in [
        ("Champions", "冠军客户"),
        ("New", "新客户"),
        ("At risk", "有流失风险"),
        ("Lost", "已流失"),
    ] {
        assert!(en.iter().any(|t| t == english), "{english:?} in {en:?}");
        assert!(zh.iter().any(|t| t == chinese), "{chinese:?} in {zh:?}");
        assert!(
            !zh.iter().any(|t| t == english),
            "{english:?} left in {zh:?}"
        );
    }
}
