//! The analysis specs: the input side of the JSON contract (`../shared/ANALYSES.md`).
//!
//! A spec is parsed in two steps: the `analysis` field picks the kind, then the rest
//! is read strictly (an unknown field is an error naming the field), so a typo never
//! silently falls back to a default.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};

mod paths;
mod segments;

pub use paths::{BasketSpec, FromFunnel, FunnelDriversSpec, PathDirection, PathsSpec};
pub use segments::{
    NamedSegment, RfmSpec, RuleRef, SegmentRef, SegmentSpec, TierBy, TierMetric, TiersSpec,
};

/// Any analysis spec.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    /// A conversion funnel.
    Funnel(FunnelSpec),
    /// Cohort retention (users or revenue per cohort and period).
    Retention(RetentionSpec),
    /// Repeat-purchase rates, time to second purchase and behaviour drivers.
    Repurchase(RepurchaseSpec),
    /// Lifecycle: new / returning / resurrecting / dormant users per period.
    Lifecycle(LifecycleSpec),
    /// Predictive customer lifetime value: BG/NBD, Gamma-Gamma, P(alive), CLV.
    Clv(ClvSpec),
    /// RFM scores and the named segments.
    Rfm(RfmSpec),
    /// High / mid / low value tiers.
    Tiers(TiersSpec),
    /// One segment (a rule, an RFM segment, a tier): size, shares, members.
    Segment(SegmentSpec),
    /// The top event sequences after or before an anchor event.
    Paths(PathsSpec),
    /// Features over- or under-represented among a funnel's converters.
    FunnelDrivers(FunnelDriversSpec),
    /// Frequent item sets and association rules over baskets.
    Basket(BasketSpec),
}

/// The analysis names the contract defines, and whether this build computes them.
pub const ANALYSES: [(&str, bool); 11] = [
    ("funnel", true),
    ("retention", true),
    ("repurchase", true),
    ("rfm", true),
    ("tiers", true),
    ("segment", true),
    ("lifecycle", true),
    ("clv", true),
    ("paths", true),
    ("funnel_drivers", true),
    ("basket", true),
];

impl Spec {
    /// Parses a spec from JSON text.
    pub fn from_json(text: &str) -> Result<Spec> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::spec(format!("not valid JSON: {e}")))?;
        Spec::from_value(value)
    }

    /// Parses a spec from a JSON value (the JS API passes objects).
    pub fn from_value(mut value: serde_json::Value) -> Result<Spec> {
        let obj = value.as_object_mut().ok_or_else(|| {
            Error::spec("a spec is a JSON object like {\"analysis\":\"funnel\", …}")
        })?;
        let kind = match obj.remove("analysis") {
            Some(serde_json::Value::String(s)) => s,
            Some(other) => {
                return Err(Error::spec(format!(
                    "\"analysis\" must be a string, not {other}"
                )));
            }
            None => return Err(Error::spec("missing field \"analysis\" (e.g. \"funnel\")")),
        };
        match kind.as_str() {
            "funnel" => {
                let spec: FunnelSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("funnel: {e}")))?;
                spec.validate()?;
                Ok(Spec::Funnel(spec))
            }
            "retention" => {
                let spec: RetentionSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("retention: {e}")))?;
                spec.validate()?;
                Ok(Spec::Retention(spec))
            }
            "repurchase" => {
                let spec: RepurchaseSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("repurchase: {e}")))?;
                spec.validate()?;
                Ok(Spec::Repurchase(spec))
            }
            "lifecycle" => {
                let spec: LifecycleSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("lifecycle: {e}")))?;
                Ok(Spec::Lifecycle(spec))
            }
            "clv" => {
                let spec: ClvSpec =
                    serde_json::from_value(value).map_err(|e| Error::spec(format!("clv: {e}")))?;
                spec.validate()?;
                Ok(Spec::Clv(spec))
            }
            "rfm" => {
                let spec: RfmSpec =
                    serde_json::from_value(value).map_err(|e| Error::spec(format!("rfm: {e}")))?;
                Ok(Spec::Rfm(spec))
            }
            "tiers" => {
                let spec: TiersSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("tiers: {e}")))?;
                spec.validate()?;
                Ok(Spec::Tiers(spec))
            }
            "segment" => Ok(Spec::Segment(SegmentSpec::from_value(value)?)),
            "paths" => {
                let spec: PathsSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("paths: {e}")))?;
                spec.validate()?;
                Ok(Spec::Paths(spec))
            }
            "funnel_drivers" => {
                let spec: FunnelDriversSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("funnel_drivers: {e}")))?;
                spec.validate()?;
                Ok(Spec::FunnelDrivers(spec))
            }
            "basket" => {
                let spec: BasketSpec = serde_json::from_value(value)
                    .map_err(|e| Error::spec(format!("basket: {e}")))?;
                spec.validate()?;
                Ok(Spec::Basket(spec))
            }
            other => match ANALYSES.iter().find(|(n, _)| *n == other) {
                Some(_) => Err(Error::spec(format!(
                    "the \"{other}\" analysis is not available in this version yet"
                ))),
                None => Err(Error::spec(format!(
                    "unknown analysis \"{other}\" (known: {})",
                    ANALYSES.map(|(n, _)| n).join(", ")
                ))),
            },
        }
    }
}

/// A length of time: seconds, or text with one unit (`s`, `m`, `h`, `d`, `w`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    /// Whole milliseconds.
    pub millis: i64,
}

impl Duration {
    /// A duration of `s` seconds.
    pub fn seconds(s: i64) -> Self {
        Self {
            millis: s.saturating_mul(1000),
        }
    }

    /// Parses `"7d"`, `"90m"`, `"1.5h"`, `"3600"`, `"2 w"`: a non-negative number and
    /// at most one unit; no unit means seconds. There are no months (they vary).
    pub fn parse(text: &str) -> std::result::Result<Duration, String> {
        let t = text.trim();
        let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let num = num.trim();
        let unit_ms: f64 = match unit.trim() {
            "" | "s" => 1e3,
            "m" => 60e3,
            "h" => 3_600e3,
            "d" => 86_400e3,
            "w" => 604_800e3,
            other => {
                return Err(format!(
                    "\"{text}\" is not a duration: unknown unit \"{other}\" (use s, m, h, d or w, e.g. \"7d\")"
                ));
            }
        };
        let n: f64 = num.parse().map_err(|_| {
            format!("\"{text}\" is not a duration (write a number and a unit, e.g. \"7d\")")
        })?;
        if let Some(d) = Duration::exact(num, unit_ms as i128) {
            return Ok(d);
        }
        Duration::from_units(n, unit_ms).ok_or_else(|| {
            format!("\"{text}\" is not a duration: it must be a finite number of at least 0")
        })
    }

    /// A plain decimal (`123`, `1.5`, `.25`) times the unit, in integers: exact at
    /// any size (through `f64`, 16-digit milliseconds came out one off). `None`
    /// for other forms (`1e3`), which go through `f64`.
    fn exact(num: &str, unit_ms: i128) -> Option<Duration> {
        let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(frac) || whole.len() + frac.len() == 0 || frac.len() > 30 {
            return None;
        }
        let mantissa: i128 = format!("{whole}{frac}").parse().ok()?;
        let scale = 10i128.checked_pow(frac.len() as u32)?;
        let product = mantissa.checked_mul(unit_ms)?;
        // Round half up to whole milliseconds.
        let ms = (product + scale / 2) / scale;
        (ms <= 100_000_000_000_000_000).then_some(Duration { millis: ms as i64 })
    }

    fn from_units(n: f64, unit_ms: f64) -> Option<Duration> {
        let ms = (n * unit_ms).round();
        (n.is_finite() && n >= 0.0 && ms <= 1e17).then_some(Duration { millis: ms as i64 })
    }
}

impl fmt::Display for Duration {
    /// The largest whole unit (`2w`, `90m`), else seconds with up to three decimals
    /// (`1.5s`); in integers, so any duration prints as text that parses back to
    /// it (the fuzz target `duration` checks this; through `f64` seconds, durations
    /// above 2⁵³ ms printed one millisecond off).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.millis;
        if ms % 1000 == 0 {
            let s = ms / 1000;
            for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)] {
                if s >= size && s % size == 0 {
                    return write!(f, "{}{unit}", s / size);
                }
            }
            return write!(f, "{s}s");
        }
        let frac = format!("{:03}", (ms % 1000).abs());
        write!(f, "{}.{}s", ms / 1000, frac.trim_end_matches('0'))
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Seconds(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Seconds(n) => Duration::from_units(n, 1e3).ok_or_else(|| {
                serde::de::Error::custom(format!("{n} is not a duration: it must be at least 0"))
            }),
            Raw::Text(t) => Duration::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// How steps must follow each other in a funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FunnelMode {
    /// In order; other events may come between.
    #[default]
    Ordered,
    /// In order, with no other event of the user between.
    Strict,
    /// Any order, all within one window.
    Unordered,
}

impl FunnelMode {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            FunnelMode::Ordered => "ordered",
            FunnelMode::Strict => "strict",
            FunnelMode::Unordered => "unordered",
        }
    }
}

/// A value a property filter accepts: text, a number, or a list of either (any of).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FilterValue {
    /// Equal to this text.
    Text(String),
    /// Equal to this number (compared as a number when the cell parses as one).
    Number(f64),
    /// Equal to any of these.
    AnyOf(Vec<FilterValue>),
}

impl FilterValue {
    /// True when the raw cell text `cell` matches.
    pub fn matches(&self, cell: &str) -> bool {
        match self {
            FilterValue::Text(t) => t == cell,
            FilterValue::Number(n) => cell.trim().parse::<f64>().is_ok_and(|c| c == *n),
            FilterValue::AnyOf(list) => list.iter().any(|v| v.matches(cell)),
        }
    }
}

/// One funnel step: an event name, optionally with property filters (all must hold).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// The event name.
    pub event: String,
    /// Property filters: column name → accepted value(s).
    #[serde(default, rename = "where")]
    pub filter: Option<BTreeMap<String, FilterValue>>,
}

fn default_window() -> Duration {
    Duration::seconds(7 * 86_400)
}

fn default_breakdown_limit() -> usize {
    10
}

/// A funnel: steps, window, mode, optional breakdown and date range of step 1.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunnelSpec {
    /// 2 to 10 steps.
    pub steps: Vec<StepSpec>,
    /// Conversion window from step 1 to the last step (inclusive); default 7 days.
    #[serde(default = "default_window")]
    pub window: Duration,
    /// Ordered (default), strict or unordered.
    #[serde(default)]
    pub mode: FunnelMode,
    /// A property column to split users by (its value on the chain's first event).
    #[serde(default)]
    pub breakdown: Option<String>,
    /// How many breakdown values are listed before the rest become "other" (default 10).
    #[serde(default = "default_breakdown_limit")]
    pub breakdown_limit: usize,
    /// Earliest time of step 1 (ISO 8601 date or time; in the table's zone without offset).
    #[serde(default)]
    pub from: Option<String>,
    /// Latest time of step 1 (a plain date includes that whole day).
    #[serde(default)]
    pub to: Option<String>,
    /// Only the users of this segment count (`docs/segments.md`); `null` = all.
    #[serde(default)]
    pub segment: Option<SegmentRef>,
    /// One result per named segment, side by side (`by_segment` in the result).
    #[serde(default)]
    pub segments: Vec<NamedSegment>,
}

impl FunnelSpec {
    /// The most steps a funnel may have.
    pub const MAX_STEPS: usize = 10;

    fn validate(&self) -> Result<()> {
        let n = self.steps.len();
        if !(2..=Self::MAX_STEPS).contains(&n) {
            return Err(Error::spec(format!(
                "funnel: a funnel has 2 to {} steps, this one has {n}",
                Self::MAX_STEPS
            )));
        }
        if self.breakdown_limit == 0 {
            return Err(Error::spec("funnel: breakdown_limit must be at least 1"));
        }
        Ok(())
    }
}

/// A calendar period, cut in the table's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodUnit {
    /// A local calendar day (23, 24 or 25 hours around daylight-saving shifts).
    Day,
    /// An ISO week, Monday to Sunday.
    #[default]
    Week,
    /// A calendar month.
    Month,
}

impl PeriodUnit {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            PeriodUnit::Day => "day",
            PeriodUnit::Week => "week",
            PeriodUnit::Month => "month",
        }
    }
}

/// Which events an analysis counts: an event name, or a name with property
/// filters like a funnel step (`{"event": "purchase", "where": {"channel": "ads"}}`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum EventSpec {
    /// Every event of this name.
    Name(String),
    /// Events of a name whose properties pass the filters.
    Filtered(StepSpec),
}

impl EventSpec {
    /// The event name.
    pub fn event(&self) -> &str {
        match self {
            EventSpec::Name(n) => n,
            EventSpec::Filtered(s) => &s.event,
        }
    }
    /// As a funnel step (a name alone has no filter).
    pub fn to_step(&self) -> StepSpec {
        match self {
            EventSpec::Name(n) => StepSpec {
                event: n.clone(),
                filter: None,
            },
            EventSpec::Filtered(s) => s.clone(),
        }
    }
}

/// Bounded or unbounded (rolling) retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RetentionMode {
    /// A return in period `c + k` exactly.
    #[default]
    Bounded,
    /// A return in period `c + k` or later.
    Unbounded,
}

impl RetentionMode {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            RetentionMode::Bounded => "bounded",
            RetentionMode::Unbounded => "unbounded",
        }
    }
}

/// What a retention cell measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RetentionMeasure {
    /// Retained users (always reported).
    #[default]
    Users,
    /// Also revenue per period, per cohort user, and cumulative (historical LTV).
    Revenue,
}

impl RetentionMeasure {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            RetentionMeasure::Users => "users",
            RetentionMeasure::Revenue => "revenue",
        }
    }
}

fn default_periods() -> u32 {
    12
}

/// Cohort retention: cohorts by the period of the first start event, returns per
/// later period.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSpec {
    /// Day, week (default) or month.
    #[serde(default)]
    pub period: PeriodUnit,
    /// The event that places a user in a cohort; `null` = any event.
    #[serde(default)]
    pub start_event: Option<EventSpec>,
    /// The event that counts as a return; `null` = any event.
    #[serde(default)]
    pub return_event: Option<EventSpec>,
    /// The largest `k` reported (default 12).
    #[serde(default = "default_periods")]
    pub periods: u32,
    /// Bounded (default) or unbounded.
    #[serde(default)]
    pub mode: RetentionMode,
    /// Users (default) or revenue.
    #[serde(default)]
    pub measure: RetentionMeasure,
    /// Only the users of this segment count (`docs/segments.md`); `null` = all.
    #[serde(default)]
    pub segment: Option<SegmentRef>,
    /// One result per named segment, side by side (`by_segment` in the result).
    #[serde(default)]
    pub segments: Vec<NamedSegment>,
}

impl RetentionSpec {
    /// The most periods a retention table may have.
    pub const MAX_PERIODS: u32 = 1000;

    fn validate(&self) -> Result<()> {
        if !(1..=Self::MAX_PERIODS).contains(&self.periods) {
            return Err(Error::spec(format!(
                "retention: periods must be between 1 and {}, not {}",
                Self::MAX_PERIODS,
                self.periods
            )));
        }
        Ok(())
    }
}

fn default_within_days() -> Vec<u32> {
    vec![30, 60, 90]
}

fn default_drivers_within_days() -> u32 {
    7
}

fn default_min_group() -> u64 {
    30
}

/// Repeat purchase: rates within N days, time to second purchase, drivers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepurchaseSpec {
    /// The purchase event; `null` = guessed from the event names.
    #[serde(default)]
    pub purchase_event: Option<EventSpec>,
    /// The repeat windows in days (default 30, 60, 90); the first is also the
    /// outcome window of the drivers and of the by-month rates.
    #[serde(default = "default_within_days")]
    pub within_days: Vec<u32>,
    /// Behaviours count when done within this many days after the first purchase
    /// (default 7; 0 = no drivers: the rates, gaps and months only).
    #[serde(default = "default_drivers_within_days")]
    pub drivers_within_days: u32,
    /// Driver groups (with or without) smaller than this are hidden (default 30).
    #[serde(default = "default_min_group")]
    pub min_group: u64,
    /// Only the users of this segment count (`docs/segments.md`); `null` = all.
    #[serde(default)]
    pub segment: Option<SegmentRef>,
    /// One result per named segment, side by side (`by_segment` in the result).
    #[serde(default)]
    pub segments: Vec<NamedSegment>,
}

impl RepurchaseSpec {
    fn validate(&self) -> Result<()> {
        if self.within_days.is_empty() {
            return Err(Error::spec(
                "repurchase: within_days needs at least one number of days, e.g. [30, 60, 90]",
            ));
        }
        Ok(())
    }
}

/// Lifecycle: per period, new / returning / resurrecting / dormant users.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleSpec {
    /// Day, week (default) or month.
    #[serde(default)]
    pub period: PeriodUnit,
    /// Only these events count as activity; `null` = any event.
    #[serde(default)]
    pub event: Option<EventSpec>,
}

/// The time unit of the CLV models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClvUnit {
    /// One local calendar day.
    Day,
    /// Seven days.
    #[default]
    Week,
}

impl ClvUnit {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            ClvUnit::Day => "day",
            ClvUnit::Week => "week",
        }
    }
    /// Days in one unit.
    pub fn days(self) -> i64 {
        match self {
            ClvUnit::Day => 1,
            ClvUnit::Week => 7,
        }
    }
    /// The default horizon: 52 weeks or 365 days.
    pub fn default_horizon(self) -> u32 {
        match self {
            ClvUnit::Day => 365,
            ClvUnit::Week => 52,
        }
    }
}

fn yes() -> bool {
    true
}

/// Predictive customer lifetime value (BG/NBD + Gamma-Gamma).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClvSpec {
    /// The purchase event; `null` = guessed from the event names.
    #[serde(default)]
    pub purchase_event: Option<EventSpec>,
    /// Day or week (default).
    #[serde(default)]
    pub unit: ClvUnit,
    /// The last local date of the calibration period (`1997-09-30`); `null` = the
    /// date of the last event. Purchases after it form the holdout.
    #[serde(default)]
    pub calibration_end: Option<String>,
    /// The prediction horizon in units (default 52 weeks or 365 days).
    #[serde(default)]
    pub horizon: Option<u32>,
    /// The discount rate per unit (default 0).
    #[serde(default)]
    pub discount_rate: f64,
    /// Fit Gamma-Gamma on the revenue column (default true).
    #[serde(default = "yes")]
    pub revenue: bool,
    /// Share of customers in the high value tier (default 0.2: the top 20% by
    /// predicted CLV).
    #[serde(default = "default_high_share")]
    pub high_share: f64,
    /// Share of customers in the mid tier, after the high one (default 0.3); the
    /// rest are low.
    #[serde(default = "default_mid_share")]
    pub mid_share: f64,
    /// A high-value customer with P(alive) below this is at risk (default 0.5).
    #[serde(default = "default_at_risk_below")]
    pub at_risk_below: f64,
}

fn default_high_share() -> f64 {
    0.2
}

fn default_mid_share() -> f64 {
    0.3
}

fn default_at_risk_below() -> f64 {
    0.5
}

impl ClvSpec {
    /// The longest horizon, in units.
    pub const MAX_HORIZON: u32 = 10_000;

    /// The calibration end as a date, when given (validated by `from_json`).
    pub fn calibration_end_date(&self) -> Result<Option<chrono::NaiveDate>> {
        let Some(text) = &self.calibration_end else {
            return Ok(None);
        };
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                Error::spec(format!(
                    "clv: calibration_end \"{text}\" is not a date like \"1997-09-30\""
                ))
            })
    }

    /// The horizon in units.
    pub fn horizon_units(&self) -> u32 {
        self.horizon.unwrap_or(self.unit.default_horizon())
    }

    fn validate(&self) -> Result<()> {
        self.calibration_end_date()?;
        let h = self.horizon_units();
        if !(1..=Self::MAX_HORIZON).contains(&h) {
            return Err(Error::spec(format!(
                "clv: horizon must be between 1 and {} {}s, not {h}",
                Self::MAX_HORIZON,
                self.unit.name()
            )));
        }
        let d = self.discount_rate;
        if !(d.is_finite() && (0.0..=1.0).contains(&d)) {
            return Err(Error::spec(format!(
                "clv: discount_rate is a rate per {} between 0 and 1 (e.g. 0.01), not {d}",
                self.unit.name()
            )));
        }
        let (high, mid) = (self.high_share, self.mid_share);
        let share = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        if !(share(high) && share(mid) && high + mid <= 1.0 + 1e-12) {
            return Err(Error::spec(format!(
                "clv: high_share and mid_share are shares of the customers between 0 and 1 that add up to at most 1 (e.g. 0.2 and 0.3), not {high} and {mid}"
            )));
        }
        let p = self.at_risk_below;
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            return Err(Error::spec(format!(
                "clv: at_risk_below is a probability of being alive between 0 and 1 (e.g. 0.5), not {p}"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_every_unit() {
        assert_eq!(Duration::parse("7d").unwrap().millis, 7 * 86_400_000);
        assert_eq!(Duration::parse("90m").unwrap().millis, 90 * 60_000);
        assert_eq!(Duration::parse("2 w").unwrap().millis, 14 * 86_400_000);
        assert_eq!(Duration::parse("1.5h").unwrap().millis, 5_400_000);
        assert_eq!(Duration::parse("30s").unwrap().millis, 30_000);
        assert_eq!(Duration::parse("3600").unwrap().millis, 3_600_000);
    }

    #[test]
    fn durations_errored() {
        assert!(
            Duration::parse("7 months")
                .unwrap_err()
                .contains("unknown unit \"months\"")
        );
        assert!(Duration::parse("-1d").unwrap_err().contains("at least 0"));
        assert!(Duration::parse("d").unwrap_err().contains("not a duration"));
        assert!(Duration::parse("1M").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn unknown_field_is_named() {
        let e = Spec::from_json(
            r#"{"analysis":"funnel","steps":[{"event":"a"},{"event":"b"}],"windw":"7d"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `windw`"), "{e}");
    }
}
