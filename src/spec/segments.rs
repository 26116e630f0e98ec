//! The segment specs: RFM (`{"analysis":"rfm"}`) and value tiers
//! (`{"analysis":"tiers"}`), read strictly like every spec.

use serde::Deserialize;

use super::EventSpec;
use crate::error::{Error, Result};

/// RFM: recency, frequency and monetary scores 1–5 and the 11 named segments.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmSpec {
    /// The purchase event; `null` = guessed from the event names.
    #[serde(default)]
    pub purchase_event: Option<EventSpec>,
    /// The analysis date: a date (`2024-03-31`, its whole day counts) or a time,
    /// in the table's zone without an offset; `null` = the last event time.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Also list every buyer with their values and scores (default false).
    #[serde(default)]
    pub users: bool,
}

/// The user metric value tiers rank by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TierMetric {
    /// Total revenue of the user's purchases.
    #[default]
    Revenue,
    /// Number of purchases.
    Purchases,
}

impl TierMetric {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            TierMetric::Revenue => "revenue",
            TierMetric::Purchases => "purchases",
        }
    }
}

/// How tier thresholds are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TierBy {
    /// `high` and `mid` are shares of the buyers, counted from the top.
    #[default]
    Share,
    /// `high` and `mid` are metric values (a user at or above one is in that tier).
    Value,
}

impl TierBy {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            TierBy::Share => "share",
            TierBy::Value => "value",
        }
    }
}

/// Value tiers: high / mid / low buyers by a metric.
///
/// By share (the default), `high` is the top share of the buyers (default 0.2) and
/// `mid` the top share reaching down to the end of the mid tier (default 0.5, so
/// mid is the next 30%); ties at a boundary stay together, in the upper tier. By
/// value, a buyer whose metric is at least `high` is high, else at least `mid` is
/// mid, else low; both are required.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TiersSpec {
    /// The purchase event; `null` = guessed from the event names.
    #[serde(default)]
    pub purchase_event: Option<EventSpec>,
    /// Revenue (default) or purchases.
    #[serde(default)]
    pub metric: TierMetric,
    /// Share (default) or value.
    #[serde(default)]
    pub by: TierBy,
    /// The high threshold (a share or a value).
    #[serde(default)]
    pub high: Option<f64>,
    /// The mid threshold (a share or a value).
    #[serde(default)]
    pub mid: Option<f64>,
    /// Only purchases up to this date or time count (as in RFM); `null` = all.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Also list every buyer with their value and tier (default false).
    #[serde(default)]
    pub users: bool,
}

impl TiersSpec {
    /// The default top share of the high tier.
    pub const DEFAULT_HIGH_SHARE: f64 = 0.2;
    /// The default top share reaching the end of the mid tier.
    pub const DEFAULT_MID_SHARE: f64 = 0.5;

    /// `(high, mid)` after defaults (by share) — validated by `from_json`.
    pub fn thresholds(&self) -> Result<(f64, f64)> {
        match self.by {
            TierBy::Share => {
                let high = self.high.unwrap_or(Self::DEFAULT_HIGH_SHARE);
                let mid = self.mid.unwrap_or(Self::DEFAULT_MID_SHARE);
                for (name, v) in [("high", high), ("mid", mid)] {
                    if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                        return Err(Error::spec(format!(
                            "tiers: by share, \"{name}\" is a share of the buyers between 0 and 1 (e.g. 0.2), not {v}"
                        )));
                    }
                }
                if mid < high {
                    return Err(Error::spec(format!(
                        "tiers: by share, \"mid\" ({mid}) is the top share down to the end of the mid tier and cannot be below \"high\" ({high})"
                    )));
                }
                Ok((high, mid))
            }
            TierBy::Value => {
                let (Some(high), Some(mid)) = (self.high, self.mid) else {
                    return Err(Error::spec(format!(
                        "tiers: by value, give both \"high\" and \"mid\" as {} values (e.g. \"high\": 500, \"mid\": 100)",
                        self.metric.name()
                    )));
                };
                if !(high.is_finite() && mid.is_finite()) || mid > high {
                    return Err(Error::spec(format!(
                        "tiers: by value, \"high\" ({high}) must be a number at least \"mid\" ({mid})"
                    )));
                }
                Ok((high, mid))
            }
        }
    }

    pub(super) fn validate(&self) -> Result<()> {
        self.thresholds().map(|_| ())
    }
}
