//! Who bought what up to the analysis date: the per-buyer purchase count, last
//! purchase time and revenue that RFM and value tiers are computed from.

use super::money::{Scale, Sum};
use crate::analysis::repurchase::guess;
use crate::analysis::select::Selector;
use crate::error::{Error, Result};
use crate::ingest::timestamp::parse_bound;
use crate::spec::EventSpec;
use crate::table::EventTable;

/// The analysis date: purchases at or before `cutoff` count; recency is measured
/// to `instant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AsOf {
    /// Recency is measured to this instant (ms).
    pub instant: i64,
    /// The last millisecond that counts.
    pub cutoff: i64,
}

impl AsOf {
    /// Resolves a spec's `as_of`: `None` = the last event time of the table (and
    /// `None` back when the table is empty); a time = that instant; a plain date =
    /// the end of that local day (the next local midnight, every purchase of the
    /// day counting).
    pub(crate) fn resolve(
        table: &EventTable,
        text: Option<&str>,
        what: &str,
    ) -> Result<Option<AsOf>> {
        let Some(text) = text else {
            return Ok(table.time_range().map(|(_, end)| AsOf {
                instant: end,
                cutoff: end,
            }));
        };
        let tz = &table.meta().time_zone;
        let bad = |e: String| Error::spec(format!("{what} \"as_of\": {e}"));
        let start = parse_bound(text, tz, false).map_err(bad)?;
        let cutoff = parse_bound(text, tz, true).map_err(bad)?;
        let instant = if cutoff > start {
            cutoff.saturating_add(1)
        } else {
            cutoff
        };
        Ok(Some(AsOf { instant, cutoff }))
    }

    /// Whole seconds from `last` (ms) to the instant, each first floored to
    /// whole seconds (as the peer's `epoch_ms(t) // 1000`).
    pub(crate) fn recency_seconds(&self, last: i64) -> i64 {
        self.instant.div_euclid(1000) - last.div_euclid(1000)
    }
}

/// One user with at least one purchase up to the cutoff.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Buyer {
    /// The user key.
    pub user: u32,
    /// Purchase rows.
    pub purchases: u64,
    /// Time of the last purchase (ms).
    pub last: i64,
    /// Revenue of the purchases (missing revenue counts 0).
    pub revenue: Sum,
}

/// The buyers, in user-key order, and how their revenue was summed.
#[derive(Debug)]
pub(crate) struct Buyers {
    /// One per buyer.
    pub list: Vec<Buyer>,
    /// The revenue scale (see `money`).
    pub scale: Scale,
    /// Users of the table who are not buyers.
    pub non_buyers: u64,
    /// The analysis date; `None` for an empty table.
    pub as_of: Option<AsOf>,
    /// The purchase event's label.
    pub label: String,
    /// True when the purchase event was guessed.
    pub guessed: bool,
}

impl Buyers {
    /// Collects the buyers of `table`: purchases matching `event` (guessed when
    /// `None`) at or before the resolved `as_of`. `what` names the analysis in
    /// errors.
    pub(crate) fn collect(
        table: &EventTable,
        event: Option<&EventSpec>,
        as_of: Option<&str>,
        what: &str,
    ) -> Result<Buyers> {
        let (event, guessed) = match event {
            Some(e) => (e.clone(), false),
            None => (
                EventSpec::Name(guess::purchase_event_for(table, what)?),
                true,
            ),
        };
        let select = Selector::compile(table, Some(&event), &format!("{what} purchase_event"))?;
        let as_of = AsOf::resolve(table, as_of, what)?;
        let cutoff = as_of.map_or(i64::MIN, |a| a.cutoff);
        // One pass reads the three columns at the purchase rows (the rows are a
        // sparse subset: reading each column once, in one loop, is what costs);
        // the scale and the sums then work on this compact copy.
        let rows = select.rows(table);
        let mut purchases: Vec<(u32, i64, f64)> = Vec::with_capacity(rows.len());
        for &r in &rows {
            let time = table.time(r);
            if time <= cutoff {
                purchases.push((table.user(r), time, table.revenue(r).unwrap_or(f64::NAN)));
            }
        }
        drop(rows);
        let scale = Scale::of(purchases.iter().map(|p| p.2).filter(|v| !v.is_nan()));

        let mut slot = vec![u32::MAX; table.user_count()];
        let mut list: Vec<Buyer> = Vec::new();
        for &(user, time, revenue) in &purchases {
            let i = match slot[user as usize] {
                u32::MAX => {
                    slot[user as usize] = list.len() as u32;
                    list.push(Buyer {
                        user,
                        purchases: 0,
                        last: i64::MIN,
                        revenue: Sum::default(),
                    });
                    list.len() - 1
                }
                i => i as usize,
            };
            let b = &mut list[i];
            b.purchases += 1;
            b.last = b.last.max(time);
            if !revenue.is_nan() {
                scale.add(&mut b.revenue, revenue);
            }
        }
        list.sort_unstable_by_key(|b| b.user);
        Ok(Buyers {
            non_buyers: (table.user_count() - list.len()) as u64,
            list,
            scale,
            as_of,
            label: select.label().unwrap_or_default(),
            guessed,
        })
    }

    /// The total revenue of all buyers.
    pub(crate) fn total(&self) -> Sum {
        self.list
            .iter()
            .fold(Sum::default(), |acc, b| self.scale.plus(acc, b.revenue))
    }
}
