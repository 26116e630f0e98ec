//! The look shared by every chart: colours, fonts, text measuring, and the
//! formatting of counts, percentages and durations.
//!
//! # Text without a font engine
//!
//! plotters is built without its `ttf` feature (font-kit needs system font
//! libraries and does not build for wasm32). Natively, plotters then falls back to
//! a "naive" font whose size estimate is `0.7 em × text.len()` — *bytes*, so a
//! Chinese label is guessed three times too wide. On wasm32 plotters measures text
//! by appending a `<span>` to `window().document().body()` and unwraps each step,
//! which panics where there is no DOM (a Web Worker). Neither backend needs the
//! font to *draw*: the SVG backend writes a `<text>` element (escaped) and the
//! canvas backend calls `fillText`; the viewer's fonts render the glyphs.
//!
//! So the charts never ask plotters to measure text. [`text_width`] estimates a
//! width from per-character classes (wide East Asian characters are one em, Latin
//! letters about half an em), erring on the wide side, and the layout wraps and
//! truncates with it. The estimate is the same on every platform, so the layout
//! (and [`super::ChartLayout`]) is too.
//!
//! Font sizes are plotters sizes: the canvas backend draws them as pixels, the SVG
//! backend as `size / 1.24` pixels. Widths are estimated at the full size, which is
//! the larger of the two, so labels fit on both.

use super::lang::say;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, TextStyle};

/// The font family list: system UI fonts first, then common CJK fonts, then any
/// sans-serif. Written without quotes so it is valid both as an SVG attribute and
/// in a canvas `font` shorthand.
pub const FONT_FAMILY: &str = "system-ui, -apple-system, Segoe UI, Roboto, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif";

/// Size of the main value labels (user counts on bars).
pub const VALUE_SIZE: f64 = 15.0;
/// Size of secondary labels (percentages, times, axis labels, legend).
pub const SMALL_SIZE: f64 = 13.0;
/// Size of the empty-state message.
pub const MESSAGE_SIZE: f64 = 16.0;

/// The chart background.
pub const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
/// Main text colour.
pub const TEXT: RGBColor = RGBColor(38, 42, 51);
/// Secondary text colour (percentages, times).
pub const MUTED: RGBColor = RGBColor(107, 114, 128);
/// The baseline under the bars (and the zero line).
pub const BASELINE: RGBColor = RGBColor(209, 213, 219);
/// Horizontal grid lines behind values.
pub const GRID: RGBColor = RGBColor(236, 238, 241);
/// Fill of cells and bars that stand for nobody (an empty cohort).
pub const EMPTY_FILL: RGBColor = RGBColor(243, 244, 246);
/// Bars of a funnel without breakdown.
pub const BAR: RGBColor = RGBColor(37, 99, 160);
/// Opacity of the "dropped off" ghost above a bar.
pub const GHOST_OPACITY: f64 = 0.14;
/// The merged "Other" bucket of a breakdown.
pub const OTHER: RGBColor = RGBColor(156, 163, 175);

/// Breakdown colours, in bucket order: Tableau 10 with its grey (kept for
/// "Other") swapped for a cyan, so the default ten buckets all differ.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(89, 161, 79),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(23, 190, 207),
];

/// The colour of breakdown bucket `index`; the merged "Other" bucket is grey.
pub fn bucket_color(index: usize, other: bool) -> RGBColor {
    if other {
        OTHER
    } else {
        PALETTE[index % PALETTE.len()]
    }
}

/// `color` mixed with white: `amount` 0 gives white, 1 the colour itself.
pub fn blend(color: RGBColor, amount: f64) -> RGBColor {
    let a = if amount.is_finite() {
        amount.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * a).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}

/// A text style of the chart font.
pub fn text_style(size: f64, color: RGBColor, h: HPos, v: VPos, bold: bool) -> TextStyle<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    TextStyle {
        font: FontDesc::new(FontFamily::Name(FONT_FAMILY), size, style),
        color: color.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

/// `12,345`: a count with thousands separators.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `950`, `12.3k`, `4.5M`, `7.8B`: a count short enough for a narrow bar.
pub fn format_compact(n: u64) -> String {
    if n < 1_000 {
        return n.to_string();
    }
    let x = n as f64;
    let units = [("k", 1e3), ("M", 1e6), ("B", 1e9), ("T", 1e12), ("P", 1e15)];
    for (unit, size) in units {
        let v = x / size;
        // Move up a unit when rounding would print 1000 (999,950 is "1.0M").
        if v < 999.5 {
            return if v >= 99.95 {
                format!("{v:.0}{unit}")
            } else {
                format!("{v:.1}{unit}")
            };
        }
    }
    format!("{:.1}E", x / 1e18)
}

/// A fraction as a percentage: `100%`, `45.2%`, `0%`, `<0.1%`; `–` when missing
/// or not finite.
pub fn format_percent(fraction: Option<f64>) -> String {
    let Some(f) = fraction.filter(|f| f.is_finite()) else {
        return "–".to_string();
    };
    let p = f * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p > 0.0 && p < 0.05 {
        "<0.1%".to_string()
    } else if (p - 100.0).abs() < 0.05 {
        "100%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

/// `12`, `1.5`: a number with one decimal when it is not whole (to 0.05).
pub fn format_short(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{:.0}", v.round())
    } else {
        format!("{v:.1}")
    }
}

/// An amount (revenue) for a narrow label: `0.42`, `12.5`, `950`, `12.3k`, `4.5M`,
/// with a leading `-` for a negative amount; `–` when missing or not finite.
pub fn format_amount(value: Option<f64>) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return "–".to_string();
    };
    let a = v.abs();
    if a < 0.005 {
        return "0".to_string();
    }
    let body = if a >= 999.5 {
        // `as` saturates: amounts past u64::MAX print as 18.4E.
        format_compact(a.round() as u64)
    } else if a >= 99.95 {
        format!("{a:.0}")
    } else if a >= 9.995 {
        format!("{a:.1}")
    } else {
        format!("{a:.2}")
    };
    if v < 0.0 { format!("-{body}") } else { body }
}

/// A duration for people: `45s`, `12m 5s`, `2h 5m`, `3.1 d`, `120 d`; `–` when
/// missing, negative or not finite. In Chinese charts: `45秒`, `12分5秒`, `2小时5分`,
/// `3.1 天`.
pub fn format_duration(seconds: Option<f64>) -> String {
    let Some(s) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return "–".to_string();
    };
    if s < 1.0 {
        return if s == 0.0 {
            say!("0s", "0秒")
        } else {
            say!("<1s", "<1秒")
        };
    }
    let whole = s.round() as u64;
    if whole < 60 {
        return say!("{}s", "{}秒", whole);
    }
    if whole < 3_600 {
        let (m, r) = (whole / 60, whole % 60);
        return if r == 0 {
            say!("{}m", "{}分", m)
        } else {
            say!("{}m {}s", "{}分{}秒", m, r)
        };
    }
    let minutes = (s / 60.0).round() as u64;
    if minutes < 24 * 60 {
        let (h, m) = (minutes / 60, minutes % 60);
        return if m == 0 {
            say!("{}h", "{}小时", h)
        } else {
            say!("{}h {}m", "{}小时{}分", h, m)
        };
    }
    let days = s / 86_400.0;
    if days < 99.95 {
        say!("{:.1} d", "{:.1} 天", days)
    } else {
        say!("{:.0} d", "{:.0} 天", days)
    }
}

/// Estimated advance of one character, in ems.
fn char_em(c: char) -> f64 {
    match c {
        '\u{300}'..='\u{36f}' | '\u{200b}'..='\u{200f}' | '\u{fe00}'..='\u{fe0f}' => 0.0,
        'i' | 'j' | 'l' | '.' | ',' | '\'' | '|' | '!' | ':' | ';' | ' ' | 'I' => 0.3,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' | '"' => 0.4,
        'm' | 'w' | '%' | '@' => 0.9,
        'M' | 'W' => 0.95,
        '0'..='9' => 0.58,
        'a'..='z' | '_' | '=' | '+' | '<' | '>' | '?' | '#' | '$' | '*' | '&' | '~' => 0.56,
        'A'..='Z' => 0.7,
        _ if is_wide(c) => 1.0,
        _ => 0.65,
    }
}

/// True for characters drawn one em wide: CJK ideographs, kana, hangul,
/// full-width forms, and most emoji.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD)
}

/// Estimated width in pixels of `text` at font `size` (see the module docs).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * size
}

/// `text` if it fits in `max_width` pixels, else its longest prefix that fits with
/// an ellipsis (`…`), or an empty string when not even the ellipsis fits.
pub fn fit_text(text: &str, size: f64, max_width: f64) -> String {
    if text_width(text, size) <= max_width {
        return text.to_string();
    }
    let budget = max_width - text_width("…", size);
    if budget < 0.0 {
        return String::new();
    }
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += char_em(c) * size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    let trimmed = out.trim_end();
    format!("{trimmed}…")
}

/// Wraps `text` into at most `max_lines` lines of at most `max_width` pixels.
///
/// Lines break after a space, `_`, `-` or `/`, or next to a wide (CJK) character;
/// a run with no break that is too long is cut anywhere. The last line is
/// truncated with an ellipsis when text remains.
pub fn wrap_text(text: &str, size: f64, max_width: f64, max_lines: usize) -> Vec<String> {
    let text = text.trim();
    if max_lines == 0 || text.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        if lines.len() + 1 == max_lines {
            let rest: String = chars[start..].iter().collect();
            lines.push(fit_text(rest.trim(), size, max_width));
            break;
        }
        // Grow the line while it fits, remembering the last place it may break.
        let mut width = 0.0;
        let mut end = start;
        let mut last_break = None;
        while end < chars.len() {
            let w = char_em(chars[end]) * size;
            if width + w > max_width && end > start {
                break;
            }
            width += w;
            end += 1;
            let here = chars[end - 1];
            let next_wide = chars.get(end).is_some_and(|&n| is_wide(n));
            if matches!(here, ' ' | '_' | '-' | '/') || is_wide(here) || next_wide {
                last_break = Some(end);
            }
        }
        if end < chars.len()
            && let Some(b) = last_break.filter(|&b| b > start)
        {
            end = b;
        }
        let line: String = chars[start..end].iter().collect();
        lines.push(line.trim().to_string());
        start = end;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_drop_the_decimal_only_when_whole() {
        assert_eq!(format_short(12.0), "12");
        assert_eq!(format_short(12.04), "12");
        assert_eq!(format_short(1.5), "1.5");
        assert_eq!(format_short(0.06), "0.1");
        assert_eq!(format_short(-3.0), "-3");
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_000), "1,000");
        assert_eq!(format_count(12_345_678), "12,345,678");
        assert_eq!(format_count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn compact_counts() {
        assert_eq!(format_compact(950), "950");
        assert_eq!(format_compact(12_345), "12.3k");
        assert_eq!(format_compact(999_950), "1.0M");
        assert_eq!(format_compact(4_500_000), "4.5M");
        assert_eq!(format_compact(123_456), "123k");
        assert_eq!(format_compact(u64::MAX), "18.4E");
    }

    #[test]
    fn percents() {
        assert_eq!(format_percent(Some(1.0)), "100%");
        assert_eq!(format_percent(Some(0.452)), "45.2%");
        assert_eq!(format_percent(Some(0.0)), "0%");
        assert_eq!(format_percent(Some(0.0001)), "<0.1%");
        assert_eq!(format_percent(Some(0.9999)), "100%");
        assert_eq!(format_percent(None), "–");
        assert_eq!(format_percent(Some(f64::NAN)), "–");
    }

    #[test]
    fn amounts() {
        assert_eq!(format_amount(Some(0.0)), "0");
        assert_eq!(format_amount(Some(0.001)), "0");
        assert_eq!(format_amount(Some(0.424)), "0.42");
        assert_eq!(format_amount(Some(12.46)), "12.5");
        assert_eq!(format_amount(Some(949.6)), "950");
        assert_eq!(format_amount(Some(12_345.0)), "12.3k");
        assert_eq!(format_amount(Some(-3.5)), "-3.50");
        assert_eq!(format_amount(Some(f64::MAX)), "18.4E");
        assert_eq!(format_amount(Some(f64::NAN)), "–");
        assert_eq!(format_amount(None), "–");
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(format_duration(Some(0.0)), "0s");
        assert_eq!(format_duration(Some(0.4)), "<1s");
        assert_eq!(format_duration(Some(45.0)), "45s");
        assert_eq!(format_duration(Some(725.0)), "12m 5s");
        assert_eq!(format_duration(Some(600.0)), "10m");
        assert_eq!(format_duration(Some(7_500.0)), "2h 5m");
        assert_eq!(format_duration(Some(3_600.0)), "1h");
        assert_eq!(format_duration(Some(3.1 * 86_400.0)), "3.1 d");
        assert_eq!(format_duration(Some(150.0 * 86_400.0)), "150 d");
        assert_eq!(format_duration(Some(-1.0)), "–");
        assert_eq!(format_duration(None), "–");
        assert_eq!(format_duration(Some(f64::INFINITY)), "–");
    }

    #[test]
    fn durations_in_chinese_charts() {
        use crate::chart::lang::{Lang, with};
        let zh = |s: f64| with(Lang::Zh, || format_duration(Some(s)));
        assert_eq!(zh(0.4), "<1秒");
        assert_eq!(zh(45.0), "45秒");
        assert_eq!(zh(725.0), "12分5秒");
        assert_eq!(zh(600.0), "10分");
        assert_eq!(zh(7_500.0), "2小时5分");
        assert_eq!(zh(3_600.0), "1小时");
        assert_eq!(zh(3.1 * 86_400.0), "3.1 天");
        assert_eq!(zh(150.0 * 86_400.0), "150 天");
        assert_eq!(with(Lang::Zh, || format_duration(None)), "–");
    }

    #[test]
    fn cjk_is_wider_than_latin() {
        assert!(text_width("购买", 10.0) > text_width("ab", 10.0));
        assert_eq!(text_width("购买商品", 10.0), 40.0);
    }

    #[test]
    fn fit_truncates_with_ellipsis() {
        assert_eq!(fit_text("short", 10.0, 100.0), "short");
        let cut = fit_text("a very long step label indeed", 10.0, 60.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(text_width(&cut, 10.0) <= 60.0);
        let cjk = fit_text("将商品加入购物车然后结账", 10.0, 50.0);
        assert_eq!(cjk, "将商品加…");
        assert_eq!(fit_text("abc", 10.0, 2.0), "");
    }

    #[test]
    fn wrap_breaks_at_separators_and_cjk() {
        assert_eq!(
            wrap_text("add_to_cart (channel = ads)", 10.0, 80.0, 3),
            vec!["add_to_cart", "(channel = ads)"]
        );
        let lines = wrap_text("将商品加入购物车然后结账", 10.0, 50.0, 2);
        assert_eq!(lines, vec!["将商品加入", "购物车然…"]);
        let one = wrap_text("checkout", 10.0, 200.0, 2);
        assert_eq!(one, vec!["checkout"]);
        assert!(wrap_text("", 10.0, 50.0, 2).is_empty());
        assert!(wrap_text("x", 10.0, 50.0, 0).is_empty());
        // A box narrower than one character still makes progress.
        assert_eq!(wrap_text("abc", 10.0, 1.0, 5).len(), 3);
    }
}
