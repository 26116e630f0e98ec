//! Chart texts in Simplified Chinese: `chart::lang::with(Lang::Zh, …)` turns the
//! titles, axis titles, legends and messages of the charts into Chinese, leaves
//! English the default, is restored afterwards (also after a panic), and reads a
//! page's BCP 47 tag.

mod common;

use common::reports::{lifecycle_report, repurchase_report, weekly, weekly_revenue};
use common::svg::texts;
use plotters::prelude::*;
use tidemark::chart::lang::{self, Lang};
use tidemark::chart::tips;
use tidemark::chart::{
    draw_lifecycle, draw_retention, gap_histogram_svg, lifecycle_svg, ltv_svg, repeat_by_month_svg,
    retention_curve_svg, retention_svg,
};

const W: u32 = 900;
const H: u32 = 480;

fn lifecycle() -> tidemark::report::LifecycleReport {
    lifecycle_report(&[
        ("2026-01-05", 40, 0, 0, 0, true),
        ("2026-01-12", 25, 18, 0, -22, true),
        ("2026-01-19", 10, 20, 6, -23, false),
    ])
}

/// Every text of every chart above, drawn in `lang`.
fn all_texts(language: Lang) -> Vec<String> {
    lang::with(language, || {
        let svgs = [
            retention_svg(&weekly(), W, H).expect("heatmap"),
            retention_curve_svg(&weekly(), W, H).expect("curve"),
            ltv_svg(&weekly_revenue(), W, H).expect("ltv"),
            lifecycle_svg(&lifecycle(), W, H).expect("lifecycle"),
            gap_histogram_svg(&repurchase_report(), W, H).expect("gaps"),
            repeat_by_month_svg(&repurchase_report(), W, H).expect("by month"),
        ];
        svgs.iter().flat_map(|s| texts(s)).collect()
    })
}

#[test]
fn chinese_titles_legends_and_labels() {
    let zh = all_texts(Lang::Zh);
    for want in [
        "同期群",
        "用户数",
        "活跃用户占同期群的百分比",
        "每个同期群用户的累计收入",
        "新增",
        "回访",
        "召回",
        "沉睡",
        "复购买家：首购到第二次购买的天数",
    ] {
        assert!(zh.iter().any(|t| t == want), "{want:?} in {zh:?}");
    }
    // No English chart word is left among them (data such as dates stay as they are).
    for english in [
        "Cohort",
        "Users",
        "New",
        "Returning",
        "Resurrecting",
        "Dormant",
        "days",
    ] {
        assert!(
            !zh.iter().any(|t| t == english),
            "{english:?} left in {zh:?}"
        );
    }
    assert!(
        zh.iter().any(|t| t.starts_with("距同期群首周的周数 (k)")),
        "the heatmap's axis title in {zh:?}"
    );
}

#[test]
fn english_is_the_default_and_is_restored() {
    assert_eq!(lang::current(), Lang::En);
    let en = all_texts(Lang::En);
    assert!(en.iter().any(|t| t == "Cohort"));
    assert!(en.iter().any(|t| t == "Dormant"));
    assert!(!en.iter().any(|t| t == "同期群"));
    // Drawing without asking gives the same English texts.
    let plain = texts(&retention_svg(&weekly(), W, H).expect("heatmap"));
    assert!(plain.iter().any(|t| t == "Cohort"));
    // After `with`, and after a panic inside it, English again.
    lang::with(Lang::Zh, || assert!(lang::zh()));
    assert_eq!(lang::current(), Lang::En);
    let caught = std::panic::catch_unwind(|| lang::with(Lang::Zh, || panic!("boom")));
    assert!(caught.is_err());
    assert_eq!(lang::current(), Lang::En);
}

#[test]
fn language_from_a_page_tag() {
    for (tag, want) in [
        ("zh", Lang::Zh),
        ("zh-CN", Lang::Zh),
        ("zh-Hans-CN", Lang::Zh),
        (" ZH-cn ", Lang::Zh),
        ("en", Lang::En),
        ("en-US", Lang::En),
        ("", Lang::En),
        ("zhx", Lang::En),
        ("fr", Lang::En),
    ] {
        assert_eq!(Lang::from_tag(tag), want, "{tag:?}");
    }
}

/// The hover texts of the heatmap and the lifecycle bars, drawn in `language`.
fn tip_texts(language: Lang) -> Vec<String> {
    lang::with(language, || {
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let r = weekly();
        let heat = draw_retention(&root, &r).expect("heatmap");
        let l = lifecycle();
        let life = draw_lifecycle(&root, &l).expect("lifecycle");
        drop(root);
        let mut out: Vec<String> = tips::retention_hits(&r, &heat)
            .into_iter()
            .map(|h| h.tip)
            .collect();
        out.extend(tips::lifecycle_hits(&l, &life).into_iter().map(|h| h.tip));
        out
    })
}

#[test]
fn tooltips_in_chinese_with_the_same_numbers() {
    let zh = tip_texts(Lang::Zh);
    let en = tip_texts(Lang::En);
    assert_eq!(zh.len(), en.len());
    assert!(
        zh.contains(
            &"同期群 2026-01-05（1,000 位用户） · 第 1 周：420 位活跃（42.0%）".to_string()
        ),
        "{zh:?}"
    );
    assert!(
        en.contains(&"Cohort 2026-01-05 (1,000 users) · week 1: 420 active (42.0%)".to_string()),
        "{en:?}"
    );
    assert!(
        zh.contains(&"同期群 2026-01-12（0 位用户）：空同期群".to_string()),
        "{zh:?}"
    );
    assert!(
        zh.iter()
            .any(|t| t.starts_with("2026-01-19 这一周：") && t.ends_with("（周期尚未结束：部分）")),
        "{zh:?}"
    );
    // Same digits in the same order: only the words differ.
    let digits = |t: &String| t.chars().filter(char::is_ascii_digit).collect::<String>();
    for (z, e) in zh.iter().zip(&en) {
        assert_eq!(digits(z), digits(e), "{z} vs {e}");
    }
}
