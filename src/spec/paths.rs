//! The specs built on behaviour sequences and baskets: user paths from or to an
//! event (`{"analysis":"paths"}`), funnel drivers (`{"analysis":"funnel_drivers"}`)
//! and the market basket (`{"analysis":"basket"}`), read strictly like every spec.

use serde::{Deserialize, Deserializer};

use super::{EventSpec, FunnelSpec};
use crate::error::{Error, Result};

/// Which way a path is read from its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PathDirection {
    /// The events after the anchor.
    #[default]
    After,
    /// The events before the anchor (nearest first).
    Before,
}

impl PathDirection {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            PathDirection::After => "after",
            PathDirection::Before => "before",
        }
    }
}

/// Anchor paths on the users who dropped off after a funnel step: the funnel's
/// fields plus `dropped_after_step` (1-based, below the number of steps).
#[derive(Debug, Clone, PartialEq)]
pub struct FromFunnel {
    /// The funnel.
    pub funnel: FunnelSpec,
    /// Users who reached this step and not the next; their path is anchored on
    /// the event that filled this step.
    pub dropped_after_step: usize,
}

impl<'de> Deserialize<'de> for FromFunnel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut value = serde_json::Value::deserialize(d)?;
        let obj = value.as_object_mut().ok_or_else(|| {
            D::Error::custom("from_funnel is a funnel spec with \"dropped_after_step\"")
        })?;
        let step = obj
            .remove("dropped_after_step")
            .ok_or_else(|| D::Error::missing_field("dropped_after_step"))?;
        let dropped_after_step = step
            .as_u64()
            .ok_or_else(|| {
                D::Error::custom(format!(
                    "dropped_after_step must be a step number like 2, not {step}"
                ))
            })?
            .try_into()
            .map_err(D::Error::custom)?;
        let funnel: FunnelSpec = serde_json::from_value(value).map_err(D::Error::custom)?;
        Ok(FromFunnel {
            funnel,
            dropped_after_step,
        })
    }
}

fn default_steps() -> usize {
    5
}

fn default_top() -> usize {
    20
}

fn default_min_share() -> f64 {
    0.01
}

fn yes() -> bool {
    true
}

/// Paths: the top sequences of the next (or previous) `steps` events from each
/// user's first anchor event, or from the step where funnel users dropped off.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsSpec {
    /// The anchor event (a name, or a name with property filters); exactly one of
    /// `event` and `from_funnel`.
    #[serde(default)]
    pub event: Option<EventSpec>,
    /// After (default) or before the anchor.
    #[serde(default)]
    pub direction: PathDirection,
    /// How many events each path holds, 1 to 10 (default 5).
    #[serde(default = "default_steps")]
    pub steps: usize,
    /// Merge consecutive repeats of the same event into one (default true).
    #[serde(default = "yes")]
    pub collapse_repeats: bool,
    /// How many paths are listed (default 20); the rest are counted together.
    #[serde(default = "default_top")]
    pub top: usize,
    /// Events with less than this share of all loaded events become "other"
    /// (default 0.01; 0 keeps every event).
    #[serde(default = "default_min_share")]
    pub min_share: f64,
    /// Anchor on the users who dropped off after a funnel step instead.
    #[serde(default)]
    pub from_funnel: Option<FromFunnel>,
}

impl PathsSpec {
    /// The longest path.
    pub const MAX_STEPS: usize = 10;

    /// Checks the ranges and that exactly one anchor is given.
    pub fn validate(&self) -> Result<()> {
        if !(1..=Self::MAX_STEPS).contains(&self.steps) {
            return Err(Error::spec(format!(
                "paths: steps is the number of events per path, 1 to {}, not {}",
                Self::MAX_STEPS,
                self.steps
            )));
        }
        if self.top == 0 {
            return Err(Error::spec("paths: top must be at least 1"));
        }
        let m = self.min_share;
        if !(m.is_finite() && (0.0..=1.0).contains(&m)) {
            return Err(Error::spec(format!(
                "paths: min_share is a share of all events between 0 and 1 (e.g. 0.01), not {m}"
            )));
        }
        match (&self.event, &self.from_funnel) {
            (Some(_), Some(_)) => Err(Error::spec(
                "paths: give either \"event\" or \"from_funnel\", not both",
            )),
            (None, None) => Err(Error::spec(
                "paths: give the anchor: \"event\" (e.g. \"add_to_cart\") or \"from_funnel\"",
            )),
            (None, Some(f)) => {
                f.funnel.validate()?;
                no_segments(&f.funnel, "paths from_funnel")?;
                let n = f.funnel.steps.len();
                if f.dropped_after_step == 0 || f.dropped_after_step >= n {
                    return Err(Error::spec(format!(
                        "paths: dropped_after_step {} is not between 1 and {} (nobody drops off after the last step, {n})",
                        f.dropped_after_step,
                        n - 1
                    )));
                }
                Ok(())
            }
            (Some(_), None) => Ok(()),
        }
    }
}

fn default_min_group() -> u64 {
    30
}

/// Funnel drivers: which events and property values, before converting or
/// dropping off, are over- or under-represented among converters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunnelDriversSpec {
    /// The funnel (its steps, window, mode, date range).
    pub funnel: FunnelSpec,
    /// Features whose with- or without-group has fewer users are hidden (default 30).
    #[serde(default = "default_min_group")]
    pub min_group: u64,
    /// How many rows are listed (default 50); the rest are counted.
    #[serde(default = "default_drivers_top")]
    pub top: usize,
}

fn default_drivers_top() -> usize {
    50
}

impl FunnelDriversSpec {
    /// Checks the funnel and the limits.
    pub fn validate(&self) -> Result<()> {
        self.funnel.validate()?;
        no_segments(&self.funnel, "funnel_drivers")?;
        if self.top == 0 {
            return Err(Error::spec("funnel_drivers: top must be at least 1"));
        }
        Ok(())
    }
}

/// A funnel inside another analysis takes no segment filter or breakdown (yet): an
/// error rather than a filter silently ignored.
fn no_segments(funnel: &super::FunnelSpec, what: &str) -> Result<()> {
    if funnel.segment.is_some() || !funnel.segments.is_empty() {
        return Err(Error::spec(format!(
            "{what}: the funnel here takes no \"segment\" or \"segments\" (not supported yet)"
        )));
    }
    Ok(())
}

fn default_min_support() -> f64 {
    0.01
}

fn default_min_confidence() -> f64 {
    0.1
}

fn default_max_len() -> usize {
    3
}

fn default_rules_top() -> usize {
    100
}

/// Market basket: frequent item sets and association rules.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasketSpec {
    /// Only rows of this event are bought items; `null` = every row with an item.
    #[serde(default)]
    pub purchase_event: Option<EventSpec>,
    /// The item column; `null` = the column with the `item` role.
    #[serde(default)]
    pub item: Option<String>,
    /// The order id column; `null` = the column with the `order` role, and
    /// without one a basket is a user's purchases on one local day.
    #[serde(default)]
    pub order: Option<String>,
    /// Item sets in fewer than this share of the baskets are not frequent
    /// (default 0.01; above 0, at most 1).
    #[serde(default = "default_min_support")]
    pub min_support: f64,
    /// Rules below this confidence are left out (default 0.1).
    #[serde(default = "default_min_confidence")]
    pub min_confidence: f64,
    /// The largest item set, 2 to 5 (default 3).
    #[serde(default = "default_max_len")]
    pub max_len: usize,
    /// "Customers who bought this also bought": the rules from this item alone.
    #[serde(default)]
    pub for_item: Option<String>,
    /// How many rules (and item sets) are listed (default 100); all are counted.
    #[serde(default = "default_rules_top")]
    pub top: usize,
}

impl BasketSpec {
    /// The largest item set allowed.
    pub const MAX_LEN: usize = 5;

    /// Checks the thresholds.
    pub fn validate(&self) -> Result<()> {
        let s = self.min_support;
        if !(s.is_finite() && s > 0.0 && s <= 1.0) {
            return Err(Error::spec(format!(
                "basket: min_support is a share of the baskets above 0 and at most 1 (e.g. 0.01), not {s}"
            )));
        }
        let c = self.min_confidence;
        if !(c.is_finite() && (0.0..=1.0).contains(&c)) {
            return Err(Error::spec(format!(
                "basket: min_confidence is between 0 and 1 (e.g. 0.1), not {c}"
            )));
        }
        if !(2..=Self::MAX_LEN).contains(&self.max_len) {
            return Err(Error::spec(format!(
                "basket: max_len is the largest item set, 2 to {}, not {}",
                Self::MAX_LEN,
                self.max_len
            )));
        }
        if self.top == 0 {
            return Err(Error::spec("basket: top must be at least 1"));
        }
        Ok(())
    }
}
