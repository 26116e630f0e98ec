//! The language of the texts the charts draw: English (the default) or Simplified
//! Chinese.
//!
//! The charts keep their English texts in place and pass each through [`tr`]; texts
//! with numbers in them ask [`zh`] and format one of two sentences. The language is a
//! per-thread setting scoped by [`with`], so no chart signature changes: the web
//! layer draws inside `with(Lang::from_tag(<html lang>), …)`, and everything else
//! (the CLI, the tests) draws in English unless it asks otherwise. Data (event
//! names, segment names, property values) is drawn as it is.

use std::cell::Cell;

/// A language the charts can draw in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The language of a BCP 47 tag: `zh`, `zh-CN`, `zh-Hans`… are Chinese; anything
    /// else (including an empty tag) is English.
    pub fn from_tag(tag: &str) -> Lang {
        let tag = tag.trim().to_ascii_lowercase();
        if tag == "zh" || tag.starts_with("zh-") || tag.starts_with("zh_") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Restores the previous language when dropped (also when drawing panics).
struct Restore(Lang);

impl Drop for Restore {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// Runs `f` with the charts drawing their texts in `lang`, then restores the
/// language that was set before.
pub fn with<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let _restore = Restore(CURRENT.with(|c| c.replace(lang)));
    f()
}

/// The language charts draw in on this thread now.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// True when charts draw in Chinese now.
pub fn zh() -> bool {
    current() == Lang::Zh
}

/// `en` in the current language: its Chinese text when drawing in Chinese and one
/// is known, else `en` itself.
pub fn tr(en: &'static str) -> &'static str {
    if !zh() {
        return en;
    }
    chinese(en).unwrap_or(en)
}

/// A name that comes in a report (an RFM segment's), in the current language:
/// its Chinese text when drawing in Chinese and one is known, else the name.
pub fn tr_name(en: &str) -> &str {
    if !zh() {
        return en;
    }
    match en {
        // Lifecycle's "New" (新增) is a different word.
        "New" => "新客户",
        _ => chinese(en).unwrap_or(en),
    }
}

/// The Chinese text of a fixed English chart text.
fn chinese(en: &str) -> Option<&'static str> {
    Some(match en {
        // Funnel.
        "No steps to show" => "没有可显示的步骤",
        "No users reached the first step" => "没有用户到达第一步",
        "All users" => "全部用户",
        "Other" => "其他",
        "(none)" => "（无）",
        "(empty)" => "（空）",
        // Lifecycle.
        "New" => "新增",
        "Returning" => "回访",
        "Resurrecting" => "召回",
        "Dormant" => "沉睡",
        "* period not over yet" => "* 周期尚未结束",
        "No periods to show" => "没有可显示的周期",
        "No activity in any period" => "各周期均无活动",
        // Retention, the average curve and LTV.
        "Active users, % of the cohort" => "活跃用户占同期群的百分比",
        "Average over complete periods, weighted by cohort size" => {
            "完整周期的平均值（按同期群人数加权）"
        }
        "No complete period yet" => "尚无完整周期",
        "Day" => "日",
        "Week" => "周",
        "Month" => "月",
        "Period" => "周期",
        "Cohort" => "同期群",
        "Users" => "用户数",
        "No cohorts to show" => "没有可显示的同期群",
        "No users in any cohort" => "各同期群均无用户",
        "revenue per cohort user" => "每个同期群用户的收入",
        "% of the cohort active" => "同期群活跃占比",
        "* period not over yet (partial count)" => "* 周期尚未结束（部分计数）",
        "empty cohort" => "空同期群",
        "Average (sum of per-period averages)" => "平均（各周期平均值之和）",
        "Each cohort" => "各同期群",
        "period not over yet (partial)" => "周期尚未结束（部分）",
        "Cumulative revenue per cohort user" => "每个同期群用户的累计收入",
        "No revenue per user to show yet" => "暂无每用户收入",
        "Run retention with the revenue measure to see LTV" => "以收入口径运行留存即可查看 LTV",
        // Repeat purchase.
        "Repeat buyers by days from the first to the second purchase" => {
            "复购买家：首购到第二次购买的天数"
        }
        "days" => "天",
        "weeks" => "周",
        "No repeat buyers yet" => "暂无复购买家",
        "No first purchases to show" => "没有可显示的首购",
        "No repeat windows asked for" => "未指定复购时间窗",
        "Nobody has been a buyer long enough yet" => "尚无买家满足所需时长",
        // RFM.
        "No buyers to score" => "没有可评分的买家",
        "Recency score R (rows, 5 = most recent) × frequency score F (columns)" => {
            "最近度得分 R（行，5 = 最近）× 频次得分 F（列）"
        }
        "1 buyer" => "1 位买家",
        "no buyer" => "无买家",
        // RFM segment names (identifiers in specs and exports; shown in Chinese).
        "Champions" => "冠军客户",
        "Loyal" => "忠诚客户",
        "Potential loyalist" => "潜在忠诚客户",
        "Promising" => "有潜力客户",
        "Need attention" => "需要关注",
        "About to sleep" => "即将沉睡",
        "Cannot lose" => "不能流失",
        "At risk" => "有流失风险",
        "Hibernating" => "休眠客户",
        "Lost" => "已流失",
        // CLV.
        "Holdout check: actual vs expected purchases after the calibration end" => {
            "留出期检验：校准期结束后的实际与预期购买次数"
        }
        "actual (mean per customer)" => "实际（每客户均值）",
        "expected by BG/NBD" => "BG/NBD 预期",
        "No holdout: choose a calibration end before the data end" => {
            "没有留出期：请选择早于数据截止的校准结束日期"
        }
        "No customers in the holdout check" => "留出期检验中没有客户",
        "No customers to show" => "没有可显示的客户",
        "lighter: no customer there" => "浅色：该处没有客户",
        // --- section 9: paths, funnel drivers, basket ---
        "after" => "之后",
        "before" => "之前",
        "No user has the anchor event" => "没有用户有起点事件",
        "No events after the anchor" => "起点之后没有事件",
        "No driver with groups large enough to compare" => "没有分组足够大、可比较的因素",
        "Odds ratio of converting, with vs without (95% interval, log scale)" => {
            "有与没有时的转化优势比（95% 区间，对数刻度）"
        }
        "Fisher exact" => "Fisher 精确检验",
        "chi-square" => "卡方检验",
        "No rule passes the support and confidence thresholds" => "没有规则达到支持度和置信度门槛",
        // --- end of section 9 ---
        _ => return None,
    })
}

/// `say!("English {}", "中文 {}", args…)`: `format!` of the sentence in the current
/// language (both take the same arguments).
macro_rules! say {
    ($en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        if $crate::chart::lang::zh() {
            format!($zh $(, $arg)*)
        } else {
            format!($en $(, $arg)*)
        }
    };
}
pub(crate) use say;
