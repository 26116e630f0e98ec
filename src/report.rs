//! The results: the output side of the JSON contract (`../shared/ANALYSES.md`).
//!
//! Every type here serializes to exactly the field names of the contract; fields
//! beyond it are additions, never renames.

use serde::{Deserialize, Serialize};

use crate::table::EventTable;

mod clv_warning;
mod paths;
mod segments;

pub use clv_warning::ClvWarning;

pub use paths::{
    BasketReport, FunnelDriver, FunnelDriversReport, ItemSet, PathLink, PathNode, PathRow,
    PathsReport, Rule,
};
pub use segments::{
    RfmCell, RfmGridCell, RfmReport, RfmRule, RfmScores, RfmSegment, RfmUser, ScoreRange,
    SegmentMember, SegmentPart, SegmentReport, SegmentSize, Tier, TierThresholds, TierUser,
    TiersReport,
};

/// What was loaded: the object of `tidemark inspect` and `engine.summary()`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// The input's name.
    pub file: String,
    /// Data rows read: always `rows` plus every skipped count.
    pub rows_read: u64,
    /// Rows loaded as events.
    pub rows: u64,
    /// Distinct users.
    pub users: u64,
    /// Text encoding used.
    pub encoding: String,
    /// Why that encoding.
    pub encoding_reason: String,
    /// Field delimiter, as a one-character string (`"\t"` for tab).
    pub delimiter: String,
    /// Day/month order used for ambiguous dates (`dmy` or `mdy`).
    pub date_order: String,
    /// Why that order.
    pub date_order_reason: String,
    /// The timestamp format recognised in the time column.
    pub time_format: String,
    /// Zone used for timestamps without an offset and for calendar periods.
    pub time_zone: String,
    /// True when the file has no event column (every row is a `purchase`).
    pub order_file: bool,
    /// Every column with its type, role and the reason for the role.
    pub columns: Vec<ColumnSummary>,
    /// Event names with their counts, most frequent first.
    pub events: Vec<EventCount>,
    /// Skipped rows by reason, with the first line numbers.
    pub skipped: Vec<SkippedRows>,
    /// First event time (ISO 8601, UTC), `null` when empty.
    pub first_time: Option<String>,
    /// Last event time (ISO 8601, UTC), `null` when empty.
    pub last_time: Option<String>,
    /// Total revenue: the sum of the revenue column over every loaded row whose
    /// cell holds a number, whatever its event (skipped rows add nothing); `null`
    /// without a revenue column.
    pub revenue_total: Option<f64>,
    /// Loaded rows whose revenue cell holds a number (0 without a revenue column).
    pub revenue_rows: u64,
    /// Bytes the loaded table holds in memory (columns, dictionaries, per-user
    /// order): divided by `rows`, the memory per event.
    pub table_bytes: u64,
}

/// One column in the summary.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ColumnSummary {
    /// Header name.
    pub name: String,
    /// Detected type: integer, number, time, boolean, text, empty.
    #[serde(rename = "type")]
    pub kind: String,
    /// Role: user, time, event, revenue, order, item, property.
    pub role: String,
    /// Why the role was chosen.
    pub reason: String,
}

/// An event name and how many rows have it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventCount {
    /// The event name.
    pub name: String,
    /// Rows with it.
    pub count: u64,
}

/// Rows skipped for one reason.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkippedRows {
    /// The reason.
    pub reason: String,
    /// How many rows.
    pub count: u64,
    /// The first physical line numbers.
    pub lines: Vec<u64>,
}

/// Formats epoch milliseconds as ISO 8601 UTC (`2024-03-01T09:30:00Z`, with
/// milliseconds only when they are not zero).
pub fn iso_utc(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) if ms % 1000 == 0 => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => ms.to_string(),
    }
}

impl Summary {
    /// The summary of a loaded table.
    pub fn of(table: &EventTable) -> Summary {
        let meta = table.meta();
        let counts = table.event_counts();
        let mut events: Vec<EventCount> = table
            .event_names()
            .iter()
            .zip(&counts)
            .map(|(name, &count)| EventCount {
                name: name.to_string(),
                count,
            })
            .collect();
        events.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        let range = table.time_range();
        Summary {
            file: meta.file.clone(),
            rows_read: meta.rows_read,
            rows: table.len() as u64,
            users: table.user_count() as u64,
            encoding: meta.encoding.clone(),
            encoding_reason: meta.encoding_reason.clone(),
            delimiter: (meta.delimiter as char).to_string(),
            date_order: meta.date_order.name().to_string(),
            date_order_reason: meta.date_order_reason.clone(),
            time_format: meta.time_format.clone(),
            time_zone: meta.time_zone.name().to_string(),
            order_file: meta.order_file,
            columns: meta
                .columns
                .iter()
                .map(|c| ColumnSummary {
                    name: c.name.clone(),
                    kind: c.kind.name().to_string(),
                    role: c.role.name().to_string(),
                    reason: c.reason.clone(),
                })
                .collect(),
            events,
            skipped: meta
                .skipped
                .iter()
                .map(|s| SkippedRows {
                    reason: s.reason.clone(),
                    count: s.count,
                    lines: s.lines.clone(),
                })
                .collect(),
            first_time: range.map(|(a, _)| iso_utc(a)),
            last_time: range.map(|(_, b)| iso_utc(b)),
            revenue_total: table.revenue_total().map(|(total, _)| total),
            revenue_rows: table.revenue_total().map_or(0, |(_, rows)| rows),
            table_bytes: table.heap_bytes() as u64,
        }
    }
}

/// Any analysis result.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "analysis", rename_all = "lowercase")]
pub enum Report {
    /// A funnel's result.
    Funnel(FunnelReport),
    /// A cohort retention table.
    Retention(RetentionReport),
    /// Repeat-purchase rates and drivers.
    Repurchase(RepurchaseReport),
    /// New / returning / resurrecting / dormant users per period.
    Lifecycle(LifecycleReport),
    /// Predicted customer lifetime value.
    Clv(Box<ClvReport>),
    /// RFM scores and segments.
    Rfm(RfmReport),
    /// Value tiers.
    Tiers(TiersReport),
    /// One segment: size, shares, members.
    Segment(SegmentReport),
    /// Top event sequences from or to an anchor.
    Paths(PathsReport),
    /// Funnel drivers: converters vs drop-offs.
    #[serde(rename = "funnel_drivers")]
    FunnelDrivers(FunnelDriversReport),
    /// Frequent item sets and association rules.
    Basket(BasketReport),
}

/// The result of a funnel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelReport {
    /// ordered, strict or unordered.
    pub mode: String,
    /// The window in seconds.
    pub window_seconds: f64,
    /// Every step, for all users.
    pub steps: Vec<FunnelStep>,
    /// Per breakdown value, when a breakdown was asked for (`null` otherwise).
    pub breakdown: Option<Vec<FunnelBucket>>,
    /// The segment filter, when the spec had one: who counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<SegmentSize>,
    /// One result per named segment, when the spec asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_segment: Option<Vec<SegmentPart<FunnelReport>>>,
}

/// One step of a funnel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelStep {
    /// The step's event name.
    pub event: String,
    /// A readable label: the event name with its filters (`purchase (channel = ads)`).
    pub label: String,
    /// Users who reached this step (level >= k).
    pub users: u64,
    /// users / users of the previous step; `null` for step 1 or a zero base.
    pub conversion_from_previous: Option<f64>,
    /// users / users of step 1; `null` when step 1 has none.
    pub conversion_from_first: Option<f64>,
    /// Users lost since the previous step (previous users − users; 0 for step 1).
    pub dropoff: u64,
    /// Median seconds from the previous step over users who reached this one.
    pub median_seconds_from_previous: Option<f64>,
    /// Mean seconds from the previous step over users who reached this one.
    pub mean_seconds_from_previous: Option<f64>,
}

/// The funnel of one breakdown value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelBucket {
    /// The property's raw text on the chain's first event; `null` when missing
    /// (and for the merged "other" bucket).
    pub value: Option<String>,
    /// True for the bucket that merges every value past `breakdown_limit`.
    pub other: bool,
    /// The steps, as for all users.
    pub steps: Vec<FunnelStep>,
}

/// The result of a cohort retention analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RetentionReport {
    /// day, week or month.
    pub period: String,
    /// bounded or unbounded.
    pub mode: String,
    /// users or revenue.
    pub measure: String,
    /// The largest `k` asked for.
    pub periods: u32,
    /// The start event's label, `null` for any event.
    pub start_event: Option<String>,
    /// The return event's label, `null` for any event.
    pub return_event: Option<String>,
    /// The last event time in the table (ISO 8601, UTC), `null` when empty.
    pub data_end: Option<String>,
    /// One per period from the first cohort to the last, empty ones included.
    pub cohorts: Vec<Cohort>,
    /// The average curve over complete cells, weighted by cohort size.
    pub average: RetentionAverage,
    /// The segment filter, when the spec had one: who counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<SegmentSize>,
    /// One result per named segment, when the spec asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_segment: Option<Vec<SegmentPart<RetentionReport>>>,
}

/// One cohort's row of the retention table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cohort {
    /// The cohort period's first local date (`2024-03-04`).
    pub start: String,
    /// Users whose first start event lies in this period.
    pub size: u64,
    /// `retained[k]`: users returning in period `c + k` (unbounded: or later);
    /// `retained[0] = size`.
    pub retained: Vec<u64>,
    /// `retained[k] / size`, `null` for an empty cohort.
    pub retained_rate: Vec<Option<f64>>,
    /// `complete[k]`: false when period `c + k` ends after the data end.
    pub complete: Vec<bool>,
    /// Revenue measure: the cohort's revenue in period `c + k`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue: Option<Vec<f64>>,
    /// Revenue measure: `revenue[k] / size` (`null` for an empty cohort).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue_per_user: Option<Vec<Option<f64>>>,
    /// Revenue measure: revenue per user in periods `c..=c + k` (historical LTV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cumulative_revenue_per_user: Option<Vec<Option<f64>>>,
}

/// The average retention curve: per `k`, over the cohorts whose cell `k` is
/// complete, summed counts and their ratio (a size-weighted average). Point `k`
/// rests on `cohorts[k]` cohorts of `users[k]` users, fewer as `k` grows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RetentionAverage {
    /// Cohorts with a complete, non-empty cell `k`.
    pub cohorts: Vec<u64>,
    /// Their summed sizes (the base).
    pub users: Vec<u64>,
    /// Their summed `retained[k]`.
    pub retained: Vec<u64>,
    /// `retained / users`, `null` when no cohort has a complete cell `k`.
    pub rate: Vec<Option<f64>>,
    /// Revenue measure: summed revenue / summed sizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue_per_user: Option<Vec<Option<f64>>>,
    /// Revenue measure: the historical LTV curve, `Σ_{j<=k} revenue_per_user[j]`
    /// (each term over the cohorts complete at `j`, so it never decreases while
    /// revenues are not negative); `null` where `users[k] = 0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cumulative_revenue_per_user: Option<Vec<Option<f64>>>,
}

/// The result of a repeat-purchase analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RepurchaseReport {
    /// The purchase event's label.
    pub purchase_event: String,
    /// True when the purchase event was guessed (the spec left it out).
    pub purchase_event_guessed: bool,
    /// Users with at least one purchase.
    pub buyers: u64,
    /// Buyers with a second purchase (at any time).
    pub repeat_buyers: u64,
    /// The last event time in the table (ISO 8601, UTC), `null` when empty.
    pub data_end: Option<String>,
    /// One per `within_days` value, in the spec's order.
    pub rates: Vec<RepeatRate>,
    /// Median days from the first to the second purchase over repeat buyers.
    pub median_gap_days: Option<f64>,
    /// Mean of the same gaps.
    pub mean_gap_days: Option<f64>,
    /// Days from the first to the second purchase, in equal bins.
    pub gap_histogram: Vec<GapBin>,
    /// Repeat rate by the month of the first purchase (first `within_days` value).
    pub by_first_month: Vec<MonthRate>,
    /// The outcome window of `by_first_month` and of the drivers (days).
    pub outcome_days: u32,
    /// Behaviours counted when within this many days after the first purchase.
    pub drivers_within_days: u32,
    /// Groups smaller than this are hidden from `drivers`.
    pub min_group: u64,
    /// Behaviour drivers, by impact (see `analysis::repurchase`).
    pub drivers: Vec<Driver>,
    /// Candidate behaviours hidden because a group was smaller than `min_group`.
    pub hidden_small_groups: u64,
    /// The segment filter, when the spec had one: who counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<SegmentSize>,
    /// One result per named segment, when the spec asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_segment: Option<Vec<SegmentPart<RepurchaseReport>>>,
}

/// The repeat rate within one number of days.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RepeatRate {
    /// N.
    pub days: u32,
    /// Buyers whose first purchase is at least N days before the data end.
    pub eligible: u64,
    /// Eligible buyers whose next purchase is at most N days after the first.
    pub repeaters: u64,
    /// repeaters / eligible, `null` when nobody is eligible.
    pub rate: Option<f64>,
    /// Buyers with less than N days of data.
    pub not_yet_eligible: u64,
}

/// One bin of the gap histogram: `from_days <= gap < to_days`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GapBin {
    /// Lower bound (days, inclusive).
    pub from_days: f64,
    /// Upper bound (days, exclusive).
    pub to_days: f64,
    /// Repeat buyers with a gap in the bin.
    pub users: u64,
}

/// The repeat rate of the buyers whose first purchase fell in one month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MonthRate {
    /// `2024-03` (in the table's time zone).
    pub month: String,
    /// Buyers whose first purchase is in the month.
    pub buyers: u64,
    /// Of them, eligible for the outcome window.
    pub eligible: u64,
    /// Eligible repeaters.
    pub repeaters: u64,
    /// repeaters / eligible, `null` when nobody is eligible.
    pub rate: Option<f64>,
}

/// One behaviour driver: the repeat rate with vs without a behaviour.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Driver {
    /// Readable: `review` or `review (rating = 5)`.
    pub behaviour: String,
    /// The event name.
    pub event: String,
    /// The property column, for a property-value behaviour.
    pub property: Option<String>,
    /// The property value (raw cell text).
    pub value: Option<String>,
    /// Eligible buyers who did it.
    pub with_users: u64,
    /// Their repeat rate.
    pub with_rate: f64,
    /// Eligible buyers who did not.
    pub without_users: u64,
    /// Their repeat rate.
    pub without_rate: f64,
    /// with_rate / without_rate, `null` when without_rate is 0.
    pub lift: Option<f64>,
    /// 95% Wald interval of with_rate − without_rate: low.
    pub ci_low: f64,
    /// … and high.
    pub ci_high: f64,
    /// Two-sided two-proportion z-test.
    pub p_value: f64,
    /// "Buyers who did review within 7 days repeat 31% vs 6% (n = 120 vs 2,400)".
    pub sentence: String,
}

/// The result of a lifecycle analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LifecycleReport {
    /// day, week or month.
    pub period: String,
    /// The activity event's label, `null` for any event.
    pub event: Option<String>,
    /// The last event time in the table (ISO 8601, UTC), `null` when empty.
    pub data_end: Option<String>,
    /// From the first period with activity to the one holding the data end.
    pub periods: Vec<LifecyclePeriod>,
}

/// One period of the lifecycle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LifecyclePeriod {
    /// The period's first local date.
    pub start: String,
    /// Users whose first activity is in this period.
    pub new: u64,
    /// Active in this and the previous period.
    pub returning: u64,
    /// Active in this period, not the previous one, but before.
    pub resurrecting: u64,
    /// Active in the previous period, not this one: negative (or 0).
    pub dormant: i64,
    /// Active users: new + returning + resurrecting.
    pub active: u64,
    /// False for the period holding the data end (it is still running).
    pub complete: bool,
}

/// The result of a predictive CLV analysis (see `analysis::clv` for the rules).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClvReport {
    /// The purchase event's label.
    pub purchase_event: String,
    /// True when the purchase event was guessed (the spec left it out).
    pub purchase_event_guessed: bool,
    /// day or week.
    pub unit: String,
    /// The last local date of the calibration period.
    pub calibration_end: String,
    /// The local date of the last event in the table.
    pub data_end: String,
    /// The prediction horizon in units.
    pub horizon: u32,
    /// The discount rate per unit.
    pub discount_rate: f64,
    /// Customers with a purchase on or before the calibration end.
    pub customers_fitted: u64,
    /// Of them, customers with at least one repeat purchase day (`x > 0`).
    pub repeat_buyers: u64,
    /// Users whose first purchase is after the calibration end (not fitted).
    pub customers_after_calibration: u64,
    /// The BG/NBD fit.
    pub bgnbd: BgNbdFit,
    /// The Gamma-Gamma fit; `null` when it could not be fitted (see `gamma_gamma_note`).
    pub gamma_gamma: Option<GammaGammaFit>,
    /// Why `gamma_gamma` is `null`.
    pub gamma_gamma_note: Option<String>,
    /// Pearson correlation of spend and frequency over the Gamma-Gamma customers
    /// (the model assumes independence).
    pub spend_frequency_correlation: Option<f64>,
    /// Repeat calibration purchase days left out of Gamma-Gamma: revenue zero,
    /// negative or missing (they still count for BG/NBD).
    pub zero_value_purchases_excluded: u64,
    /// Length of the holdout (calibration end to data end) in units; `null`
    /// without one.
    pub holdout_length: Option<f64>,
    /// Actual vs predicted holdout purchases by calibration frequency; `null`
    /// when the data ends at the calibration end.
    pub holdout: Option<Vec<HoldoutRow>>,
    /// Why the results deserve caution, as sentences.
    pub warnings: Vec<String>,
    /// The same warnings in the same order, as data: a `code` and the numbers
    /// each sentence quotes (a reader in another language writes its own).
    #[serde(default)]
    pub warning_details: Vec<ClvWarning>,
    /// What the tiers rank by: `clv`, or `expected_purchases` without a
    /// Gamma-Gamma fit.
    pub tier_metric: String,
    /// The high tier's nominal share of the customers.
    pub high_share: f64,
    /// The mid tier's nominal share.
    pub mid_share: f64,
    /// High-value customers with a P(alive) below this are at risk.
    pub at_risk_below: f64,
    /// The value tiers, high, mid, low (see `analysis::clv::tiers`).
    pub tiers: Vec<ClvTier>,
    /// High-value customers at risk (`P(alive) < at_risk_below`).
    pub at_risk: u64,
    /// Customers by P(alive), in equal bins over `[0, 1]`.
    pub p_alive_histogram: Vec<PAliveBin>,
    /// Expected purchases by frequency and recency (see `analysis::clv::views`).
    pub matrix: FrequencyRecencyMatrix,
    /// One per fitted customer, in user order of first appearance (charts do not
    /// need it: an object without it still draws).
    #[serde(default)]
    pub customers: Vec<ClvCustomer>,
}

/// One value tier of the CLV customers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClvTier {
    /// `high`, `mid` or `low`.
    pub name: String,
    /// Customers in the tier.
    pub customers: u64,
    /// Their share of all fitted customers.
    pub share: f64,
    /// Their total predicted CLV; `null` without CLV.
    pub clv_total: Option<f64>,
    /// Their mean predicted CLV; `null` without CLV.
    pub clv_mean: Option<f64>,
    /// Their mean expected purchases over the horizon; `null` for an empty tier.
    pub expected_purchases_mean: Option<f64>,
    /// Their mean P(alive); `null` for an empty tier.
    pub p_alive_mean: Option<f64>,
    /// Of them, at risk.
    pub at_risk: u64,
}

/// One bin of the P(alive) histogram.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PAliveBin {
    /// Lower bound (inclusive).
    pub from: f64,
    /// Upper bound (exclusive, except 1 for the last bin).
    pub to: f64,
    /// Customers in the bin.
    pub customers: u64,
}

/// The model's expected purchases by frequency and recency, for one customer of
/// the longest age, with the actual customers per cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FrequencyRecencyMatrix {
    /// The age `T` (in units) the values assume: the longest age.
    pub age: f64,
    /// Width of a recency bin, in units.
    pub recency_width: f64,
    /// The rows: frequencies `0, 1, …`.
    pub frequencies: Vec<u32>,
    /// The columns: each recency bin's lower bound, in units.
    pub recency_from: Vec<f64>,
    /// `expected[row][column]`: expected purchases over the horizon.
    pub expected: Vec<Vec<f64>>,
    /// `customers[row][column]`: customers with that frequency and recency.
    pub customers: Vec<Vec<u64>>,
    /// Customers with a frequency above the last row (not in any cell).
    pub customers_above: u64,
}

/// Fitted BG/NBD parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BgNbdFit {
    /// Shape of the purchase-rate Gamma.
    pub r: f64,
    /// Rate of the purchase-rate Gamma (per unit).
    pub alpha: f64,
    /// Dropout Beta, first shape.
    pub a: f64,
    /// Dropout Beta, second shape.
    pub b: f64,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Standard errors; `null` when the Hessian is not positive definite.
    pub std_errors: Option<BgNbdErrors>,
    /// True when the optimiser met its gradient test.
    pub converged: bool,
    /// Optimiser iterations of the best start.
    pub iterations: u32,
    /// Starting points tried.
    pub starts: u32,
    /// True when every start reached the same optimum.
    pub starts_agree: bool,
}

/// Standard errors of the BG/NBD parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BgNbdErrors {
    /// SE of r.
    pub r: f64,
    /// SE of alpha.
    pub alpha: f64,
    /// SE of a.
    pub a: f64,
    /// SE of b.
    pub b: f64,
}

/// Fitted Gamma-Gamma parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GammaGammaFit {
    /// Shape of a transaction's value.
    pub p: f64,
    /// Shape of the customers' scale distribution.
    pub q: f64,
    /// Rate of the customers' scale distribution.
    pub v: f64,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Standard errors; `null` when the Hessian is not positive definite.
    pub std_errors: Option<GammaGammaErrors>,
    /// True when the optimiser met its gradient test.
    pub converged: bool,
    /// Optimiser iterations of the best start.
    pub iterations: u32,
    /// Customers fitted (with a positive repeat spend).
    pub customers: u64,
    /// Population mean spend per transaction `pv/(q−1)`; `null` when `q ≤ 1`.
    pub mean_spend: Option<f64>,
}

/// Standard errors of the Gamma-Gamma parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GammaGammaErrors {
    /// SE of p.
    pub p: f64,
    /// SE of q.
    pub q: f64,
    /// SE of v.
    pub v: f64,
}

/// One customer's summary and predictions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClvCustomer {
    /// The user id.
    pub user: String,
    /// Repeat purchase days in calibration (`x`).
    pub frequency: u32,
    /// Last − first purchase day, in units (`t_x`).
    pub recency: f64,
    /// Calibration end − first purchase day, in units.
    #[serde(rename = "T")]
    pub age: f64,
    /// Expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Probability of being alive at the calibration end (churn risk = 1 − it).
    pub p_alive: f64,
    /// Observed mean revenue of the positive repeat purchase days.
    pub spend: Option<f64>,
    /// Expected spend per purchase (Gamma-Gamma); `null` without a fit.
    pub expected_spend: Option<f64>,
    /// expected_spend × discounted expected purchases over the horizon.
    pub clv: Option<f64>,
    /// Purchase days after the calibration end.
    pub holdout_purchases: u32,
    /// The value tier: `high`, `mid` or `low`.
    pub tier: String,
    /// `1 − p_alive`.
    pub churn_risk: f64,
    /// High value with `p_alive` below the report's `at_risk_below`.
    pub at_risk: bool,
}

/// Holdout check for one calibration frequency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HoldoutRow {
    /// Calibration repeat purchases `x` (with `and_more`, this or more).
    pub frequency: u32,
    /// True for the last row, which gathers every larger frequency.
    pub and_more: bool,
    /// Customers in the row.
    pub customers: u64,
    /// Their mean holdout purchase days.
    pub actual_mean: f64,
    /// Their mean predicted purchases over the holdout length.
    pub predicted_mean: f64,
}

/// One CSV cell as exports write it: quoted when needed, and a leading `=`, `+`, `-`,
/// `@`, tab or carriage return neutralised with `'` (OWASP's list) so a spreadsheet
/// never runs it as a formula.
pub fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(csv_cell("\r=1"), "\"'\r=1\"");
    }

    #[test]
    fn iso_times() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_500), "1970-01-01T00:00:01.500Z");
        assert_eq!(iso_utc(-86_400_000), "1969-12-31T00:00:00Z");
    }
}
