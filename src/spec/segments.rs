//! The segment specs: RFM (`{"analysis":"rfm"}`) and value tiers
//! (`{"analysis":"tiers"}`), read strictly like every spec.

use serde::Deserialize;

use super::{ClvSpec, EventSpec};
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

/// A segment, as specs name it: a rule, an RFM segment, a value tier, or a list
/// of user ids. In JSON: `{"rule": "purchases >= 2", "as_of": null,
/// "purchase_event": null}`, `{"rfm": "Champions"}` (with any field of the RFM
/// spec), `{"tier": "high"}` (with any field of the tiers spec: `metric`, `by`,
/// `high`, `mid`, `as_of`), `{"ids": ["u1", "u2"]}`.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmentRef {
    /// Users matching a rule (`docs/segments.md`).
    Rule(RuleRef),
    /// Buyers in one named RFM segment.
    Rfm {
        /// The segment name (`Champions`, `At risk`, …).
        name: String,
        /// How RFM is computed.
        spec: RfmSpec,
    },
    /// Buyers in one value tier.
    Tier {
        /// `high`, `mid` or `low`.
        name: String,
        /// How the tiers are cut.
        spec: TiersSpec,
    },
    /// These user ids (an id not in the data is an error).
    Ids(Vec<String>),
    /// Customers in one predicted-value tier (`high`, `mid`, `low`) or at risk
    /// (`at_risk`: high value with P(alive) below `at_risk_below`), as the CLV
    /// analysis with the reference's other fields reports them.
    Clv {
        /// `high`, `mid`, `low` or `at_risk`.
        name: String,
        /// How CLV is computed.
        spec: ClvSpec,
    },
}

/// A rule segment's fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleRef {
    /// The rule text.
    pub rule: String,
    /// The analysis date of the rule's metrics (as RFM's); `null` = the data end.
    #[serde(default)]
    pub as_of: Option<String>,
    /// The purchase event of `purchases` and the `*_purchase` metrics; `null` =
    /// guessed.
    #[serde(default)]
    pub purchase_event: Option<EventSpec>,
}

impl SegmentRef {
    /// Reads a segment reference from a JSON value; `what` names the field in errors.
    pub fn from_value(value: serde_json::Value, what: &str) -> Result<SegmentRef> {
        let serde_json::Value::Object(mut map) = value else {
            return Err(Error::spec(format!(
                "{what}: a segment is an object like {{\"rule\": \"purchases >= 2\"}}, {{\"rfm\": \"Champions\"}}, {{\"tier\": \"high\"}}, {{\"clv\": \"at_risk\"}} or {{\"ids\": [\"u1\"]}}"
            )));
        };
        let kinds: Vec<&str> = ["rule", "rfm", "tier", "clv", "ids"]
            .into_iter()
            .filter(|k| map.contains_key(*k))
            .collect();
        let text = |map: &mut serde_json::Map<String, serde_json::Value>, key: &str| match map
            .remove(key)
        {
            Some(serde_json::Value::String(s)) => Ok(s),
            _ => Err(Error::spec(format!("{what}: \"{key}\" must be a text"))),
        };
        match kinds.as_slice() {
            ["rule"] => serde_json::from_value(serde_json::Value::Object(map))
                .map(SegmentRef::Rule)
                .map_err(|e| Error::spec(format!("{what}: {e}"))),
            ["rfm"] => {
                let name = text(&mut map, "rfm")?;
                let spec: RfmSpec = serde_json::from_value(serde_json::Value::Object(map))
                    .map_err(|e| Error::spec(format!("{what} (rfm): {e}")))?;
                Ok(SegmentRef::Rfm { name, spec })
            }
            ["tier"] => {
                let name = text(&mut map, "tier")?;
                let spec: TiersSpec = serde_json::from_value(serde_json::Value::Object(map))
                    .map_err(|e| Error::spec(format!("{what} (tier): {e}")))?;
                spec.validate()?;
                Ok(SegmentRef::Tier { name, spec })
            }
            ["clv"] => {
                let name = text(&mut map, "clv")?;
                let spec: ClvSpec = serde_json::from_value(serde_json::Value::Object(map))
                    .map_err(|e| Error::spec(format!("{what} (clv): {e}")))?;
                spec.validate()?;
                Ok(SegmentRef::Clv { name, spec })
            }
            ["ids"] => {
                let ids = map.remove("ids").unwrap_or_default();
                if let Some(extra) = map.keys().next() {
                    return Err(Error::spec(format!(
                        "{what}: unknown field `{extra}` beside \"ids\""
                    )));
                }
                serde_json::from_value(ids)
                    .map(SegmentRef::Ids)
                    .map_err(|_| Error::spec(format!("{what}: \"ids\" is a list of user ids")))
            }
            [] => Err(Error::spec(format!(
                "{what}: a segment needs one of \"rule\", \"rfm\", \"tier\", \"clv\" or \"ids\""
            ))),
            many => Err(Error::spec(format!(
                "{what}: a segment has one of \"rule\", \"rfm\", \"tier\", \"clv\" or \"ids\", not {}",
                many.join(" and ")
            ))),
        }
    }

    /// A readable name: the rule text, `RFM Champions`, `high tier`, `3 users`.
    pub fn label(&self) -> String {
        match self {
            SegmentRef::Rule(r) => r.rule.clone(),
            SegmentRef::Rfm { name, .. } => format!("RFM {name}"),
            SegmentRef::Tier { name, .. } => format!("{name} tier"),
            SegmentRef::Clv { name, .. } => format!("CLV {name}"),
            SegmentRef::Ids(ids) => format!(
                "{} user{}",
                ids.len(),
                if ids.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

impl<'de> Deserialize<'de> for SegmentRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        SegmentRef::from_value(value, "segment")
            .map_err(|e| serde::de::Error::custom(e.to_string().trim_start_matches("bad spec: ")))
    }
}

/// A named segment of a breakdown: `{"name": "China", "segment": {"rule": "country = \"CN\""}}`
/// (`name` defaults to the segment's label).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedSegment {
    /// The name shown for this segment.
    #[serde(default)]
    pub name: Option<String>,
    /// The segment.
    pub segment: SegmentRef,
}

impl NamedSegment {
    /// The name, or the segment's label.
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.segment.label())
    }
}

/// A segment's size, share of users and of revenue, and optionally its members
/// with their metrics: `{"analysis": "segment", "rule": "…", "users": true}`
/// (any segment reference's fields, plus `name` and `users`).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSpec {
    /// The name shown (default: the segment's label).
    pub name: Option<String>,
    /// The segment.
    pub segment: SegmentRef,
    /// Also list every member with their metrics (default false).
    pub users: bool,
}

impl SegmentSpec {
    /// Reads the spec's fields (the `analysis` field already removed).
    pub fn from_value(value: serde_json::Value) -> Result<SegmentSpec> {
        let serde_json::Value::Object(mut map) = value else {
            return Err(Error::spec("segment: a spec is a JSON object"));
        };
        let name = match map.remove("name") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s),
            Some(_) => return Err(Error::spec("segment: \"name\" must be a text")),
        };
        let users = match map.remove("users") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => b,
            Some(_) => return Err(Error::spec("segment: \"users\" must be true or false")),
        };
        let segment = SegmentRef::from_value(serde_json::Value::Object(map), "segment")?;
        Ok(SegmentSpec {
            name,
            segment,
            users,
        })
    }
}
