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

/// Users in a tip "… — 1,234 users (…)" or "…: 1,234 users (…)".
fn tip_users(tip: &str) -> u64 {
    let before = tip.split(" users").next().unwrap();
    let n = before.rsplit([' ']).next().unwrap();
    n.replace(',', "").parse().unwrap()
}

#[test]
fn sankey_aggregates_the_smaller_events_of_a_column_so_flows_add_up() {
    // 12 events after `start`, e0 done by 24 users, e1 by 22, …, e11 by 2 (156
    // users); then `end` for everyone. Depth 1 shows e0–e6 and one box for e7–e11.
    let mut b = TableBuilder::new(false, &[]);
    let mut u = 0;
    for k in 0..12usize {
        for _ in 0..(12 - k) * 2 {
            let user = format!("u{u}");
            b.push(&user, 1000, "start", None, &[]);
            b.push(&user, 2000, &format!("e{k}"), None, &[]);
            b.push(&user, 3000, "end", None, &[]);
            u += 1;
        }
    }
    let table = b.build(TableMeta::synthetic("wide.csv"));
    let Spec::Paths(s) =
        Spec::from_json(r#"{"analysis":"paths","event":"start","steps":2,"min_share":0}"#).unwrap()
    else {
        panic!()
    };
    let r = paths(&table, &s).unwrap();
    assert_eq!(r.users, 156);
    let mut svg = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        draw_paths(&root, &r).unwrap()
    };
    let step1: Vec<&str> = layout
        .hits
        .iter()
        .map(|h| h.tip.as_str())
        .filter(|t| t.starts_with("Step 1:"))
        .collect();
    assert_eq!(step1.len(), MAX_NODES, "{step1:?}");
    let rest_users = (7..12).map(|k| (12 - k as u64) * 2).sum::<u64>();
    assert_eq!(
        step1[MAX_NODES - 1],
        format!(
            "Step 1: 5 more events together (e7, e8, e9, e10, e11) — {rest_users} users ({} of anchored)",
            tidemark::chart::style::format_percent(Some(rest_users as f64 / 156.0))
        )
    );
    // The boxes of every column, and the bands into every column, add up.
    assert_eq!(step1.iter().map(|t| tip_users(t)).sum::<u64>(), 156);
    let bands: Vec<&str> = layout
        .hits
        .iter()
        .map(|h| h.tip.as_str())
        .filter(|t| t.contains(" → "))
        .collect();
    assert_eq!(bands.len(), 2 * MAX_NODES, "{bands:?}");
    let into = |to: &str| -> u64 {
        bands
            .iter()
            .filter(|t| t.split(": ").next().unwrap().ends_with(to))
            .map(|t| tip_users(t))
            .sum()
    };
    assert_eq!(into("end"), 156);
    assert!(
        bands.contains(
            &format!("start → 5 more events: {rest_users} users (19.2% of anchored)").as_str()
        ),
        "{bands:?}"
    );
    assert!(bands.contains(
        &format!("5 more events → end: {rest_users} users (19.2% of anchored)").as_str()
    ));
    let all: u64 = bands
        .iter()
        .filter(|t| t.starts_with("start → "))
        .map(|t| tip_users(t))
        .sum();
    assert_eq!(all, 156);
    assert!(texts(&svg).iter().any(|t| t.starts_with("5 more events")));
}

#[test]
fn the_three_charts_in_chinese() {
    use tidemark::chart::lang::{self, Lang};
    let (p, d, b) = (paths_report(), drivers_report(), basket_report());
    let zh = lang::with(Lang::Zh, || {
        [
            paths_svg(&p, W, H).unwrap(),
            drivers_svg(&d, W, H).unwrap(),
            basket_svg(&b, W, H).unwrap(),
        ]
    });
    let t: Vec<String> = zh.iter().flat_map(|s| texts(s)).collect();
    for want in [
        "view之后的路径（40 位用户；每步最多 8 个事件，更多时显示最大的 7 个，其余合并为一个）",
        "有与没有时的转化优势比（95% 区间，对数刻度）",
    ] {
        assert!(t.iter().any(|s| s == want), "{want:?} in {t:?}");
    }
    assert!(
        t.iter()
            .any(|s| s.starts_with("购买（行）→ 同时购买（列）：提升度；")),
        "{t:?}"
    );
    let tips = lang::with(Lang::Zh, || {
        let mut s = String::new();
        let root = SVGBackend::with_string(&mut s, (W, H)).into_drawing_area();
        let mut tips: Vec<String> = draw_paths(&root, &p)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.tip)
            .collect();
        tips.extend(
            draw_drivers(&root, &d)
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.tip),
        );
        tips.extend(
            draw_basket(&root, &b)
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.tip),
        );
        tips
    });
    assert!(
        tips.iter()
            .any(|t| t == "第 1 步：cart — 20 位用户（占起点用户的 50.0%）"),
        "{tips:?}"
    );
    assert!(
        tips.iter()
            .any(|t| t.contains("的转化率为") && t.contains("优势比")),
        "{tips:?}"
    );
    assert!(
        tips.iter()
            .any(|t| t.starts_with("购买 ") && t.contains("提升度")),
        "{tips:?}"
    );
    // No English sentence is left in the tips (event names are data and stay).
    assert!(
        !tips
            .iter()
            .any(|t| t.contains(" users") || t.contains("baskets") || t.contains("converted")),
        "{tips:?}"
    );
}
