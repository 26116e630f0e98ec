//! The segment results: RFM ([`RfmReport`]) and value tiers ([`TiersReport`]).
//! The rules behind every number are in `analysis::segments`.

use serde::{Deserialize, Serialize};

/// The result of an RFM analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RfmReport {
    /// The purchase event's label.
    pub purchase_event: String,
    /// True when the purchase event was guessed (the spec left it out).
    pub purchase_event_guessed: bool,
    /// The analysis instant (ISO 8601, UTC); `null` for an empty table.
    pub as_of: Option<String>,
    /// Users with at least one purchase up to `as_of` (the scored population).
    pub buyers: u64,
    /// Users in the table without a purchase up to `as_of` (not scored).
    pub non_buyers: u64,
    /// Purchases of the buyers.
    pub purchases: u64,
    /// Revenue of the buyers.
    pub revenue: f64,
    /// Decimals the revenue was summed with exactly (fixed point); `null` when
    /// the values needed more than 6 and were summed as floating point.
    pub revenue_decimals: Option<u32>,
    /// All 11 segments in a fixed order (best first), empty ones included.
    pub segments: Vec<RfmSegment>,
    /// The rules from (R, F) to a segment name, in the order they are tried.
    pub rules: Vec<RfmRule>,
    /// The 25 (R, F) cells, R = 1..5 then F = 1..5.
    pub grid: Vec<RfmGridCell>,
    /// One per non-empty (R, F, M) score triple, sorted by R, F, M.
    pub cells: Vec<RfmCell>,
    /// What each score means: the range of values of the users who got it.
    pub scores: RfmScores,
    /// Every buyer with values and scores (only when the spec asks `users: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<RfmUser>>,
}

/// One named segment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RfmSegment {
    /// `Champions`, `Loyal`, … (see `rules`).
    pub name: String,
    /// Buyers in it.
    pub users: u64,
    /// Their revenue.
    pub revenue: f64,
    /// Their purchases.
    pub purchases: u64,
    /// users / buyers; `null` without buyers.
    pub share_users: Option<f64>,
    /// revenue / all buyers' revenue; `null` when that is 0.
    pub share_revenue: Option<f64>,
    /// revenue / purchases; `null` for an empty segment.
    pub avg_order_value: Option<f64>,
    /// Mean days (of 86,400 s) from the last purchase to `as_of`; `null` when empty.
    pub days_since_last: Option<f64>,
}

/// One rule of the (R, F) → segment mapping.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RfmRule {
    /// The segment name.
    pub name: String,
    /// The condition, e.g. `R ≤ 2 and F ≤ 2`.
    pub rule: String,
}

/// One (R, F) cell of the grid.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RfmGridCell {
    /// Recency score 1–5 (5 = most recent).
    pub r: u8,
    /// Frequency score 1–5.
    pub f: u8,
    /// Buyers in the cell.
    pub users: u64,
    /// Their revenue.
    pub revenue: f64,
    /// The segment of the cell.
    pub segment: String,
}

/// One non-empty (R, F, M) score triple.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RfmCell {
    /// Recency score.
    pub r: u8,
    /// Frequency score.
    pub f: u8,
    /// Monetary score.
    pub m: u8,
    /// Buyers with these scores.
    pub users: u64,
    /// Their revenue.
    pub revenue: f64,
    /// The segment of (R, F).
    pub segment: String,
}

/// The value ranges behind each score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RfmScores {
    /// Days since the last purchase, per R score 1–5.
    pub recency_days: Vec<ScoreRange>,
    /// Purchases, per F score 1–5.
    pub frequency: Vec<ScoreRange>,
    /// Revenue, per M score 1–5.
    pub monetary: Vec<ScoreRange>,
}

/// The users who got one score and the smallest and largest value among them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScoreRange {
    /// 1–5.
    pub score: u8,
    /// Buyers with this score.
    pub users: u64,
    /// Their smallest value; `null` when nobody has the score.
    pub min: Option<f64>,
    /// Their largest value.
    pub max: Option<f64>,
}

/// One buyer's RFM values and scores.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RfmUser {
    /// The user id.
    pub user: String,
    /// Whole seconds from the last purchase to `as_of` (both floored to the second).
    pub recency_seconds: i64,
    /// The same in days (÷ 86,400).
    pub recency_days: f64,
    /// Purchases.
    pub frequency: u64,
    /// Revenue.
    pub monetary: f64,
    /// Recency score.
    pub r: u8,
    /// Frequency score.
    pub f: u8,
    /// Monetary score.
    pub m: u8,
    /// The segment name.
    pub segment: String,
}

/// The result of a value-tiers analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TiersReport {
    /// The purchase event's label.
    pub purchase_event: String,
    /// True when the purchase event was guessed.
    pub purchase_event_guessed: bool,
    /// `revenue` or `purchases`.
    pub metric: String,
    /// `share` or `value`.
    pub by: String,
    /// The purchases counted end here (ISO 8601, UTC); `null` for an empty table.
    pub as_of: Option<String>,
    /// Users with at least one purchase (the tiered population).
    pub buyers: u64,
    /// Users without a purchase (not tiered).
    pub non_buyers: u64,
    /// Revenue of the buyers.
    pub revenue: f64,
    /// The thresholds used, as metric values.
    pub thresholds: TierThresholds,
    /// `high`, `mid`, `low`, in this order.
    pub tiers: Vec<Tier>,
    /// Every buyer with value and tier (only when the spec asks `users: true`),
    /// highest value first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<TierUser>>,
}

/// The thresholds of the tiers, as metric values: a buyer whose value is at least
/// `high` is high, else at least `mid` is mid.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TierThresholds {
    /// The spec's `high` (a share or a value, after defaults).
    pub high_given: f64,
    /// The spec's `mid`.
    pub mid_given: f64,
    /// The value threshold of the high tier; `null` when the tier is empty by
    /// construction (a share of 0, or no buyers).
    pub high: Option<f64>,
    /// The value threshold of the mid tier (at or above it and not high).
    pub mid: Option<f64>,
}

/// One tier.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tier {
    /// `high`, `mid` or `low`.
    pub name: String,
    /// Buyers in it.
    pub users: u64,
    /// users / buyers; `null` without buyers.
    pub share_users: Option<f64>,
    /// Their revenue.
    pub revenue: f64,
    /// revenue / all buyers' revenue; `null` when that is 0.
    pub share_revenue: Option<f64>,
    /// Their purchases.
    pub purchases: u64,
    /// The smallest metric value in the tier; `null` when empty.
    pub min: Option<f64>,
    /// The largest.
    pub max: Option<f64>,
}

/// One buyer's tier.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TierUser {
    /// The user id.
    pub user: String,
    /// The metric value.
    pub value: f64,
    /// Purchases.
    pub purchases: u64,
    /// Revenue.
    pub revenue: f64,
    /// `high`, `mid` or `low`.
    pub tier: String,
}

/// Who a segment holds, among the table's users: the size of a filter or of one
/// breakdown part. Revenue is over every loaded row of the members.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SegmentSize {
    /// The segment's name (its label when the spec gave none).
    pub name: String,
    /// Members.
    pub users: u64,
    /// Members / users of the table (`null` for an empty table).
    pub share_users: Option<f64>,
    /// The members' revenue (`null` without a revenue column).
    pub revenue: Option<f64>,
    /// The members' revenue / all revenue (`null` without revenue).
    pub share_revenue: Option<f64>,
}

/// One part of a breakdown by segment: the segment and the analysis' result on
/// its members alone (the same as a filter by it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SegmentPart<T> {
    /// The segment.
    pub segment: SegmentSize,
    /// The result over its members.
    pub result: T,
}

/// The result of `{"analysis": "segment"}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SegmentReport {
    /// The name (the segment's label when the spec gave none).
    pub name: String,
    /// The rule text, for a rule segment.
    pub rule: Option<String>,
    /// The analysis date of the metrics (ISO 8601, UTC); `null` for an empty
    /// table or a segment that has none.
    pub as_of: Option<String>,
    /// The purchase event of the metrics, when one was resolved.
    pub purchase_event: Option<String>,
    /// Users of the table.
    pub total_users: u64,
    /// Members.
    pub users: u64,
    /// Members / users (`null` for an empty table).
    pub share_users: Option<f64>,
    /// The members' revenue up to the analysis date (`null` without a revenue
    /// column).
    pub revenue: Option<f64>,
    /// The members' revenue / everyone's, both up to the analysis date.
    pub share_revenue: Option<f64>,
    /// Every member with their metrics, by user id (only with `"users": true`).
    pub members: Option<Vec<SegmentMember>>,
}

/// A member of a segment with the rule metrics (`docs/segments.md`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SegmentMember {
    /// The user id.
    pub user: String,
    /// Events up to the analysis date.
    pub events: u64,
    /// Purchases (`null` when no purchase event was resolved).
    pub purchases: Option<u64>,
    /// Revenue (`null` without a revenue column).
    pub revenue: Option<f64>,
    /// Days since the first event.
    pub days_since_first: Option<f64>,
    /// Days since the last event.
    pub days_since_last: Option<f64>,
    /// Days since the first purchase.
    pub days_since_first_purchase: Option<f64>,
    /// Days since the last purchase.
    pub days_since_last_purchase: Option<f64>,
}
