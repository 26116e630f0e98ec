//! The funnel chart, rendered to SVG from literal reports (no analysis involved).
//!
//! Set `TIDEMARK_CHART_OUT=dir` to also write every rendered SVG to `dir` for a
//! look in a browser.

mod common;

use common::svg::{save, texts};
use plotters::prelude::*;
use tidemark::chart::{ChartError, ChartLayout, draw_funnel, funnel_svg};
use tidemark::report::{FunnelBucket, FunnelReport, FunnelStep};

const W: u32 = 900;
const H: u32 = 480;

/// A report whose steps have these labels and user counts (conversions and
/// timings derived like the engine does).
fn steps(spec: &[(&str, u64)]) -> Vec<FunnelStep> {
    let first = spec.first().map(|s| s.1).unwrap_or(0);
    let mut prev: Option<u64> = None;
    spec.iter()
        .enumerate()
        .map(|(k, &(label, users))| {
            let ratio = |base: u64| (base > 0).then(|| users as f64 / base as f64);
            let step = FunnelStep {
                event: label.split(' ').next().unwrap_or(label).to_string(),
                label: label.to_string(),
                users,
                conversion_from_previous: prev.and_then(ratio),
                conversion_from_first: ratio(first),
                dropoff: prev.map_or(0, |p| p.saturating_sub(users)),
                median_seconds_from_previous: (k > 0).then_some(7_500.0 * k as f64),
                mean_seconds_from_previous: (k > 0).then_some(9_000.0 * k as f64),
            };
            prev = Some(users);
            step
        })
        .collect()
}

fn report(spec: &[(&str, u64)]) -> FunnelReport {
    FunnelReport {
        mode: "ordered".to_string(),
        window_seconds: 7.0 * 86_400.0,
        steps: steps(spec),
        breakdown: None,
        segment: None,
        by_segment: None,
    }
}

fn bucket(value: Option<&str>, other: bool, spec: &[(&str, u64)]) -> FunnelBucket {
    FunnelBucket {
        value: value.map(str::to_string),
        other,
        steps: steps(spec),
    }
}

const SHOP: [(&str, u64); 5] = [
    ("page_view", 5_000),
    ("product_view", 3_210),
    ("add_to_cart", 1_234),
    ("checkout", 800),
    ("purchase", 452),
];

/// Renders to SVG and also returns the layout (drawing the same report twice).
fn render(report: &FunnelReport) -> (String, ChartLayout) {
    let svg = funnel_svg(report, W, H).unwrap();
    let mut again = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut again, (W, H)).into_drawing_area();
        let layout = draw_funnel(&root, report).unwrap();
        root.present().unwrap();
        layout
    };
    assert_eq!(svg, again, "funnel_svg and draw_funnel draw the same");
    save("funnel", &svg);
    (svg, layout)
}

fn rect_count(svg: &str) -> usize {
    svg.matches("<rect").count()
}

/// The SVG holds a rectangle exactly at this bar.
fn has_rect(svg: &str, r: &tidemark::chart::PixelRect) -> bool {
    svg.contains(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        r.x0,
        r.y0,
        r.width(),
        r.height()
    ))
}

#[test]
fn plain_funnel_shows_labels_counts_and_percentages() {
    let (svg, layout) = render(&report(&SHOP));
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    let texts = texts(&svg);
    for (label, _) in SHOP {
        assert!(
            texts.iter().any(|t| t == label),
            "label {label} in {texts:?}"
        );
    }
    for count in ["5,000", "3,210", "1,234", "800", "452"] {
        assert!(
            texts.iter().any(|t| t == count),
            "count {count} in {texts:?}"
        );
    }
    // From first: 100%, 64.2%, 24.7%, 16.0%, 9.0%.
    for pct in ["100%", "64.2%", "24.7%", "16.0%", "9.0%"] {
        assert!(texts.iter().any(|t| t == pct), "{pct} in {texts:?}");
    }
    // From previous: 3210/5000, 1234/3210, 800/1234, 452/800.
    for pct in ["64.2%", "38.4%", "64.8%", "56.5%"] {
        assert!(texts.iter().any(|t| t == pct), "{pct} in {texts:?}");
    }
    // Median times 7,500 s × k.
    for time in ["2h 5m", "4h 10m", "6h 15m", "8h 20m"] {
        assert!(texts.iter().any(|t| t == time), "{time} in {texts:?}");
    }
    assert!(!layout.empty);
    assert_eq!(layout.bars.len(), SHOP.len());
    // The background and one rectangle per bar.
    assert_eq!(rect_count(&svg), 1 + SHOP.len(), "{svg}");
    for bar in &layout.bars {
        assert!(has_rect(&svg, &bar.rect), "{bar:?} drawn");
        assert_eq!(bar.bucket, None);
    }
}

#[test]
fn bars_run_left_to_right_with_heights_proportional_to_users() {
    let (_, layout) = render(&report(&SHOP));
    let tallest = layout.bars[0].rect.height();
    assert!(
        tallest > 200,
        "the first bar uses most of the height: {tallest}"
    );
    for (k, (bar, (_, users))) in layout.bars.iter().zip(SHOP).enumerate() {
        assert_eq!(bar.step, k);
        assert_eq!(bar.users, users);
        assert_eq!(bar.rect.y1, layout.plot.y1, "bars stand on the baseline");
        assert!(layout.plot.x0 <= bar.rect.x0 && bar.rect.x1 <= layout.plot.x1);
        let expected = tallest as f64 * users as f64 / SHOP[0].1 as f64;
        assert!(
            (bar.rect.height() as f64 - expected).abs() <= 1.0,
            "step {k}: height {} vs {expected}",
            bar.rect.height()
        );
    }
    for pair in layout.bars.windows(2) {
        assert!(pair[0].rect.x1 < pair[1].rect.x0, "{pair:?}");
        assert_eq!(pair[0].rect.width(), pair[1].rect.width());
    }
    // Tooltips: the middle of a bar finds that bar; the gap finds none.
    let b = &layout.bars[2].rect;
    let hit = layout.bar_at((b.x0 + b.x1) / 2, b.y1 - 1).unwrap();
    assert_eq!(hit.step, 2);
    assert!(layout.bar_at(b.x1 + 1, b.y1 - 1).is_none());
}

#[test]
fn breakdown_draws_grouped_bars_and_a_legend() {
    let mut r = report(&SHOP);
    let buckets = vec![
        bucket(
            Some("ads"),
            false,
            &[
                ("a", 2_000),
                ("b", 1_100),
                ("c", 300),
                ("d", 150),
                ("e", 70),
            ],
        ),
        bucket(
            Some("organic"),
            false,
            &[
                ("a", 1_500),
                ("b", 1_000),
                ("c", 500),
                ("d", 380),
                ("e", 250),
            ],
        ),
        bucket(
            None,
            false,
            &[("a", 900), ("b", 700), ("c", 300), ("d", 200), ("e", 100)],
        ),
        bucket(
            None,
            true,
            &[("a", 600), ("b", 410), ("c", 134), ("d", 70), ("e", 32)],
        ),
    ];
    r.breakdown = Some(buckets.clone());
    let (svg, layout) = render(&r);
    let texts = texts(&svg);
    for legend in ["ads", "organic", "(none)", "Other"] {
        assert!(
            texts.iter().any(|t| t == legend),
            "legend {legend} in {texts:?}"
        );
    }
    for (label, _) in SHOP {
        assert!(texts.iter().any(|t| t == label), "label {label}");
    }
    assert!(texts.iter().any(|t| t == "2,000"), "{texts:?}");
    let bars = SHOP.len() * buckets.len();
    assert_eq!(layout.bars.len(), bars);
    // Background, bars, legend swatches.
    assert_eq!(rect_count(&svg), 1 + bars + buckets.len());
    for (i, bar) in layout.bars.iter().enumerate() {
        assert_eq!(bar.step, i / buckets.len());
        assert_eq!(bar.bucket, Some(i % buckets.len()));
        assert_eq!(
            bar.users,
            buckets[i % buckets.len()].steps[i / buckets.len()].users
        );
        assert!(has_rect(&svg, &bar.rect), "{bar:?}");
    }
    for pair in layout.bars.windows(2) {
        assert!(pair[0].rect.x1 <= pair[1].rect.x0, "{pair:?}");
    }
    // One colour per bucket, "Other" grey.
    let fill = |r: &tidemark::chart::PixelRect| {
        let at = svg
            .find(&format!("<rect x=\"{}\" y=\"{}\"", r.x0, r.y0))
            .unwrap();
        let f = &svg[at..];
        let f = &f[f.find("fill=\"").unwrap() + 6..];
        f[..f.find('"').unwrap()].to_string()
    };
    let colours: Vec<String> = layout.bars[..4].iter().map(|b| fill(&b.rect)).collect();
    let mut distinct = colours.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{colours:?}");
    assert_eq!(colours[3], "#9CA3AF");
    assert_eq!(
        fill(&layout.bars[4].rect),
        colours[0],
        "same bucket, same colour"
    );
}

#[test]
fn many_buckets_fold_the_legend() {
    let mut r = report(&SHOP);
    let names: Vec<String> = (0..30)
        .map(|i| format!("a rather long value {i}"))
        .collect();
    r.breakdown = Some(
        names
            .iter()
            .map(|n| {
                bucket(
                    Some(n),
                    false,
                    &[("a", 100), ("b", 50), ("c", 20), ("d", 10), ("e", 5)],
                )
            })
            .collect(),
    );
    let svg = funnel_svg(&r, 600, 400).unwrap();
    save("funnel", &svg);
    let texts = texts(&svg);
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with('+') && t.ends_with(" more")),
        "{texts:?}"
    );
}

#[test]
fn empty_funnel_shows_a_message() {
    let zero = report(&[("page_view", 0), ("purchase", 0)]);
    let (svg, layout) = render(&zero);
    assert!(layout.empty);
    assert!(
        texts(&svg)
            .iter()
            .any(|t| t == "No users reached the first step")
    );
    assert_eq!(layout.bars.len(), 2);
    assert!(layout.bars.iter().all(|b| b.rect.height() == 0));
    assert_eq!(rect_count(&svg), 1, "only the background");

    let none = report(&[]);
    let (svg, layout) = render(&none);
    assert!(layout.empty && layout.bars.is_empty());
    assert!(texts(&svg).iter().any(|t| t == "No steps to show"));

    let mut zero_breakdown = report(&[("a", 0), ("b", 0)]);
    zero_breakdown.breakdown = Some(vec![bucket(Some("x"), false, &[("a", 0), ("b", 0)])]);
    let (_, layout) = render(&zero_breakdown);
    assert!(layout.empty);
}

#[test]
fn odd_reports_never_panic() {
    // Steps with no users in the middle, NaN and infinite conversions, a bucket
    // with fewer steps than the funnel, an empty breakdown, u64::MAX users.
    let mut r = report(&[("a", 10), ("b", 0), ("c", 0)]);
    r.steps[1].conversion_from_previous = Some(f64::NAN);
    r.steps[2].median_seconds_from_previous = Some(f64::INFINITY);
    let (svg, layout) = render(&r);
    assert!(!layout.empty);
    assert_eq!(rect_count(&svg), 2, "zero bars are not drawn");
    assert!(texts(&svg).iter().any(|t| t == "0"));

    r.breakdown = Some(vec![bucket(Some("short"), false, &[("a", 3)])]);
    let (_, layout) = render(&r);
    assert_eq!(layout.bars.len(), 3);
    assert_eq!(layout.bars[1].users, 0);

    r.breakdown = Some(Vec::new());
    let (_, layout) = render(&r);
    assert_eq!(layout.bars.len(), 3);

    let huge = report(&[("a", u64::MAX), ("b", 1)]);
    let (_, layout) = render(&huge);
    assert_eq!(layout.bars[1].rect.height(), 1, "a tiny bar stays visible");

    let ten: Vec<(String, u64)> = (0..10)
        .map(|k| (format!("step {k}"), 1_000_000 - k * 1000))
        .collect();
    let ten: Vec<(&str, u64)> = ten.iter().map(|(l, u)| (l.as_str(), *u)).collect();
    for (w, h) in [(64, 64), (200, 120), (320, 240), (1600, 900)] {
        let svg = funnel_svg(&report(&ten), w, h).unwrap();
        assert!(svg.contains("</svg>"));
    }
}

#[test]
fn area_size_is_checked() {
    let r = report(&SHOP);
    for (w, h) in [(0, 0), (10, 400), (900, 63), (20_000, 400)] {
        let e = funnel_svg(&r, w, h).unwrap_err();
        assert_eq!(
            e,
            ChartError::AreaSize {
                width: w,
                height: h
            }
        );
        assert!(e.to_string().contains(&format!("{w}×{h} pixels")), "{e}");
    }
}

#[test]
fn labels_are_escaped() {
    let r = report(&[("<script>alert(1)</script>", 10), ("a & \"b\" 'c'", 5)]);
    let (svg, _) = render(&r);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;"));
    assert!(svg.contains("&amp; &quot;b&quot;"));

    let mut r = report(&SHOP);
    r.breakdown = Some(vec![bucket(Some("<script>x</script>"), false, &SHOP)]);
    let (svg, _) = render(&r);
    assert!(!svg.contains("<script"), "{svg}");
}

#[test]
fn cjk_labels_survive() {
    let r = report(&[("浏览页面", 1_000), ("加入购物车", 400), ("购买", 120)]);
    let (svg, _) = render(&r);
    let found = texts(&svg);
    for label in ["浏览页面", "加入购物车", "购买"] {
        assert!(found.iter().any(|t| t == label), "{label} in {found:?}");
    }
    // A long CJK label is wrapped and cut by width, not by bytes.
    let long = "将商品加入购物车然后继续浏览其他商品最后结账";
    let r = report(&[
        (long, 10),
        ("购买", 5),
        ("c", 4),
        ("d", 3),
        ("e", 2),
        ("f", 1),
    ]);
    let (svg, _) = render(&r);
    let found = texts(&svg);
    assert!(found.iter().any(|t| t.starts_with("将商品")), "{found:?}");
    assert!(found.iter().any(|t| t.ends_with('…')), "{found:?}");
    let mut r = report(&SHOP);
    r.breakdown = Some(vec![
        bucket(Some("北京"), false, &SHOP),
        bucket(Some("上海"), false, &SHOP),
    ]);
    let found = texts(&render(&r).0);
    assert!(found.iter().any(|t| t == "北京") && found.iter().any(|t| t == "上海"));
}

#[test]
fn draws_in_a_sub_area_with_offsets() {
    let mut svg = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut svg, (1000, 600)).into_drawing_area();
        let (_, right) = root.split_horizontally(100);
        let right = right.margin(50, 0, 0, 0);
        let layout = draw_funnel(&right, &report(&SHOP)).unwrap();
        root.present().unwrap();
        layout
    };
    assert_eq!((layout.area.x0, layout.area.y0), (100, 50));
    assert!(layout.bars[0].rect.x0 > 100 && layout.bars[0].rect.y0 > 50);
    for bar in &layout.bars {
        assert!(
            has_rect(&svg, &bar.rect),
            "layout is in backend pixels: {bar:?}"
        );
    }
}
