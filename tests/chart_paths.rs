//! The paths Sankey, the funnel-drivers forest plot and the basket rule matrix,
//! rendered to SVG from reports the engine computed on small hand-made logs:
//! what is drawn, the hover targets and their texts, and the empty states.
//!
//! Set `TIDEMARK_CHART_OUT=dir` to also write every rendered SVG to `dir`.

mod common;

use common::svg::{save, texts};
use plotters::prelude::*;
use tidemark::analysis::{basket::basket, funnel_drivers::funnel_drivers, paths::paths};
use tidemark::chart::paths::MAX_NODES;
use tidemark::chart::{basket_svg, draw_basket, draw_drivers, draw_paths, drivers_svg, paths_svg};
use tidemark::report::{BasketReport, FunnelDriversReport, PathsReport};
use tidemark::spec::Spec;
use tidemark::table::{EventTable, Role, TableBuilder, TableMeta};

const W: u32 = 900;
const H: u32 = 480;

/// 40 users: view, then cart (every other user), then buy (every fourth); a
/// `help` before buying for users divisible by 8; a channel property.
fn log() -> EventTable {
    let mut b = TableBuilder::new(
        false,
        &[
            ("channel".to_string(), Role::Property),
            ("sku".to_string(), Role::Item),
        ],
    );
    for u in 0..40i64 {
        let user = format!("u{u}");
        let ch = if u % 3 == 0 { "ads" } else { "seo" };
        b.push(&user, u * 1000, "view", None, &[Some(ch), None]);
        if u % 2 == 0 {
            b.push(&user, u * 1000 + 10, "cart", None, &[Some(ch), None]);
            if u % 8 == 0 {
                b.push(&user, u * 1000 + 15, "help", None, &[Some(ch), None]);
            }
            if u % 4 == 0 {
                b.push(&user, u * 1000 + 20, "buy", None, &[Some(ch), Some("tea")]);
                b.push(&user, u * 1000 + 20, "buy", None, &[Some(ch), Some("cup")]);
            }
        }
    }
    b.build(TableMeta::synthetic("log.csv"))
}

fn run<T>(json: &str, pick: impl Fn(Spec, &EventTable) -> T) -> T {
    pick(Spec::from_json(json).unwrap(), &log())
}

fn paths_report() -> PathsReport {
    run(
        r#"{"analysis":"paths","event":"view","steps":3,"min_share":0}"#,
        |s, t| {
            let Spec::Paths(s) = s else { panic!() };
            paths(t, &s).unwrap()
        },
    )
}

fn drivers_report() -> FunnelDriversReport {
    run(
        r#"{"analysis":"funnel_drivers","funnel":{"steps":[{"event":"view"},{"event":"cart"},{"event":"buy"}]},"min_group":1}"#,
        |s, t| {
            let Spec::FunnelDrivers(s) = s else { panic!() };
            funnel_drivers(t, &s).unwrap()
        },
    )
}

fn basket_report() -> BasketReport {
    run(
        r#"{"analysis":"basket","min_support":0.1,"min_confidence":0.1}"#,
        |s, t| {
            let Spec::Basket(s) = s else { panic!() };
            basket(t, &s).unwrap()
        },
    )
}

#[test]
fn sankey_boxes_bands_and_tips() {
    let r = paths_report();
    // view → cart (20) → buy (10) / help (5, then buy) ; view → nothing (20).
    assert_eq!(r.users, 40);
    let svg = paths_svg(&r, W, H).unwrap();
    save("paths", &svg);
    let t = texts(&svg);
    assert!(
        t.iter()
            .any(|s| s.starts_with("Paths after view (40 users")),
        "{t:?}"
    );
    assert!(t.iter().any(|s| s == "cart 20"), "{t:?}");
    let mut s = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut s, (W, H)).into_drawing_area();
        draw_paths(&root, &r).unwrap()
    };
    let boxes: usize = (0..=r.steps)
        .map(|d| {
            r.nodes
                .iter()
                .filter(|n| n.depth == d)
                .count()
                .min(MAX_NODES)
        })
        .sum();
    assert_eq!(layout.hits.len(), boxes + r.links.len());
    assert_eq!(layout.hits[0].tip, "view: 40 users (the anchor)");
    let tips: Vec<&str> = layout.hits.iter().map(|h| h.tip.as_str()).collect();
    assert!(
        tips.contains(&"Step 1: cart — 20 users (50.0% of anchored)"),
        "{tips:?}"
    );
    assert!(
        layout
            .hits
            .iter()
            .any(|h| h.tip == "view → cart: 20 users (50.0% of anchored)")
    );
    // Every target lies in the area.
    assert!(
        layout
            .hits
            .iter()
            .all(|h| h.rect.x0 >= 0 && h.rect.x1 <= W as i32 + 1)
    );
}

#[test]
fn forest_rows_and_tips() {
    let r = drivers_report();
    assert!(!r.drivers.is_empty());
    let svg = drivers_svg(&r, W, H).unwrap();
    save("drivers", &svg);
    let t = texts(&svg);
    assert!(
        t.iter().any(|s| s == "1"),
        "the no-association line is labelled: {t:?}"
    );
    let mut s = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut s, (W, H)).into_drawing_area();
        draw_drivers(&root, &r).unwrap()
    };
    assert_eq!(layout.hits.len(), r.drivers.len().min(15));
    for (hit, d) in layout.hits.iter().zip(&r.drivers) {
        assert!(hit.tip.starts_with(&d.sentence), "{}", hit.tip);
        assert!(hit.tip.contains("95% interval"));
    }
}

#[test]
fn rule_matrix_cells_and_tips() {
    let r = basket_report();
    // Ten baskets (users 0, 4, …, 36) of {tea, cup}: tea → cup and cup → tea,
    // confidence 1, lift 1.
    assert_eq!(r.baskets, 10);
    assert_eq!(r.rules.len(), 2);
    let svg = basket_svg(&r, W, H).unwrap();
    save("basket", &svg);
    let mut s = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut s, (W, H)).into_drawing_area();
        draw_basket(&root, &r).unwrap()
    };
    assert_eq!(layout.hits.len(), 2);
    assert!(
        layout.hits.iter().any(|h| h.tip
            == "Bought cup → also bought tea: 10 baskets (support 100%), confidence 100%, lift 1.00"),
        "{:?}",
        layout.hits
    );
}

#[test]
fn empty_states() {
    let mut p = paths_report();
    p.users = 0;
    p.nodes.clear();
    p.links.clear();
    let mut d = drivers_report();
    d.drivers.clear();
    let mut b = basket_report();
    b.rules.clear();
    for (svg, message) in [
        (paths_svg(&p, W, H).unwrap(), "No user has the anchor event"),
        (
            drivers_svg(&d, W, H).unwrap(),
            "No driver with groups large enough to compare",
        ),
        (
            basket_svg(&b, W, H).unwrap(),
            "No rule passes the support and confidence thresholds",
        ),
    ] {
        assert!(texts(&svg).iter().any(|t| t == message), "{message}");
    }
    assert!(paths_svg(&p, 10, H).is_err());
}
