//! A segment reference of a spec (a rule, an RFM segment, a value tier, a CLV tier
//! or the high-value customers at risk, a list of ids) resolved against a table into a per-user [`Mask`].
//!
//! RFM segments and tiers are computed with the same code as their analyses
//! (`{"analysis": "rfm"}` / `"tiers"` with the reference's other fields), so a
//! segment's members are exactly the users those reports list under its name.

use super::{Mask, Rule, RuleOptions};
use crate::analysis::clv;
use crate::analysis::segments::names::Segment;
use crate::analysis::segments::tiers::TIER_NAMES;
use crate::analysis::segments::{rfm, tiers};
use crate::error::{Error, Result};
use crate::spec::{RfmSpec, SegmentRef, TiersSpec};
use crate::table::EventTable;

/// A resolved segment: its members, and the compiled rule for a rule segment.
pub struct Resolved {
    /// `mask[user key]`: a member.
    pub mask: Mask,
    /// The rule, for a rule segment (its metrics serve the member export).
    pub rule: Option<Rule>,
}

/// Resolves a segment against `table`.
pub fn resolve(table: &EventTable, segment: &SegmentRef) -> Result<Resolved> {
    let from_ids = |ids: &mut dyn Iterator<Item = &str>| -> Result<Mask> {
        let mut mask = vec![false; table.user_count()];
        for id in ids {
            let key = table
                .user_key(id)
                .ok_or_else(|| Error::spec(format!("segment: no user \"{id}\" in the data")))?;
            mask[key as usize] = true;
        }
        Ok(mask)
    };
    Ok(match segment {
        SegmentRef::Rule(r) => {
            let rule = Rule::compile(
                table,
                &r.rule,
                &RuleOptions {
                    as_of: r.as_of.clone(),
                    purchase_event: r.purchase_event.clone(),
                },
            )?;
            Resolved {
                mask: rule.mask(table),
                rule: Some(rule),
            }
        }
        SegmentRef::Rfm { name, spec } => {
            let Some(seg) = Segment::ALL.iter().find(|s| s.name() == name) else {
                return Err(Error::spec(format!(
                    "segment: no RFM segment \"{name}\" (segments: {})",
                    Segment::ALL.map(|s| s.name()).join(", ")
                )));
            };
            let report = rfm(
                table,
                &RfmSpec {
                    users: true,
                    ..spec.clone()
                },
            )?;
            let users = report.users.unwrap_or_default();
            let mask = from_ids(
                &mut users
                    .iter()
                    .filter(|u| u.segment == seg.name())
                    .map(|u| u.user.as_str()),
            )?;
            Resolved { mask, rule: None }
        }
        SegmentRef::Tier { name, spec } => {
            if !TIER_NAMES.contains(&name.as_str()) {
                return Err(Error::spec(format!(
                    "segment: no tier \"{name}\" (tiers: {})",
                    TIER_NAMES.join(", ")
                )));
            }
            let report = tiers(
                table,
                &TiersSpec {
                    users: true,
                    ..spec.clone()
                },
            )?;
            let users = report.users.unwrap_or_default();
            let mask = from_ids(
                &mut users
                    .iter()
                    .filter(|u| u.tier == *name)
                    .map(|u| u.user.as_str()),
            )?;
            Resolved { mask, rule: None }
        }
        SegmentRef::Clv { name, spec } => {
            const GROUPS: [&str; 4] = ["high", "mid", "low", "at_risk"];
            if !GROUPS.contains(&name.as_str()) {
                return Err(Error::spec(format!(
                    "segment: no CLV group \"{name}\" (groups: {})",
                    GROUPS.join(", ")
                )));
            }
            let report = clv::clv(table, spec)?;
            let mask = from_ids(
                &mut report
                    .customers
                    .iter()
                    .filter(|c| {
                        if name == "at_risk" {
                            c.at_risk
                        } else {
                            c.tier == *name
                        }
                    })
                    .map(|c| c.user.as_str()),
            )?;
            Resolved { mask, rule: None }
        }
        SegmentRef::Ids(ids) => Resolved {
            mask: from_ids(&mut ids.iter().map(String::as_str))?,
            rule: None,
        },
    })
}

/// The members of a segment of `table`.
pub fn mask(table: &EventTable, segment: &SegmentRef) -> Result<Mask> {
    resolve(table, segment).map(|r| r.mask)
}
