//! RFM (ANALYSES.md, "Segments"): per buyer, recency, frequency and monetary
//! value as of a date, each scored 1–5 by rank, and the named segment of (R, F).
//!
//! Recency is in whole seconds (both times floored to the second) and scored
//! reversed: the most recent get 5. Frequency is the number of purchase rows;
//! monetary the revenue summed exactly (see `money`). Ranks tie exactly on
//! equal values.

use super::buyers::Buyers;
use super::money::{Scale, Sum};
use super::names::Segment;
use super::scores::scores;
use crate::error::Result;
use crate::report::{
    RfmCell, RfmGridCell, RfmReport, RfmRule, RfmScores, RfmSegment, RfmUser, ScoreRange, iso_utc,
};
use crate::spec::RfmSpec;
use crate::table::EventTable;

/// Seconds in a day.
const DAY_S: f64 = 86_400.0;

/// One scored buyer.
struct Scored {
    /// Index in the buyers' list.
    buyer: usize,
    recency_s: i64,
    r: u8,
    f: u8,
    m: u8,
    segment: Segment,
}

/// Totals of a group of buyers.
#[derive(Default, Clone, Copy)]
struct Totals {
    users: u64,
    purchases: u64,
    revenue: Sum,
    recency_s: i128,
}

/// Computes the RFM report of `spec` on `table`.
pub fn rfm(table: &EventTable, spec: &RfmSpec) -> Result<RfmReport> {
    let buyers = Buyers::collect(
        table,
        spec.purchase_event.as_ref(),
        spec.as_of.as_deref(),
        "rfm",
    )?;
    let scale = buyers.scale;
    let list = &buyers.list;
    let recency: Vec<i64> = match buyers.as_of {
        Some(a) => list.iter().map(|b| a.recency_seconds(b.last)).collect(),
        None => Vec::new(),
    };
    // Reversed: a longer recency ranks lower, so rank by its negation.
    let r = scores(&recency.iter().map(|s| -s).collect::<Vec<_>>());
    let f = scores(&list.iter().map(|b| b.purchases).collect::<Vec<_>>());
    let money: Vec<i128> = list.iter().map(|b| scale.key(b.revenue)).collect();
    // Ranked as `i64` when every key fits (the usual case): the same order, and a
    // sort of half the width.
    let m = match money
        .iter()
        .map(|&k| i64::try_from(k))
        .collect::<std::result::Result<Vec<i64>, _>>()
    {
        Ok(narrow) => scores(&narrow),
        Err(_) => scores(&money),
    };
    drop(money);
    let scored: Vec<Scored> = (0..list.len())
        .map(|i| Scored {
            buyer: i,
            recency_s: recency[i],
            r: r[i],
            f: f[i],
            m: m[i],
            segment: Segment::of(r[i], f[i]),
        })
        .collect();

    let add = |t: &mut Totals, s: &Scored| {
        let b = &list[s.buyer];
        t.users += 1;
        t.purchases += b.purchases;
        t.revenue = scale.plus(t.revenue, b.revenue);
        t.recency_s += i128::from(s.recency_s);
    };
    let mut by_segment = [Totals::default(); 11];
    let mut by_rf = [[Totals::default(); 5]; 5];
    // Indexed by (r, f, m), each 1–5: ascending (r, f, m) order.
    let mut by_rfm = [[[Totals::default(); 5]; 5]; 5];
    for s in &scored {
        let (r, f, m) = (
            usize::from(s.r - 1),
            usize::from(s.f - 1),
            usize::from(s.m - 1),
        );
        add(&mut by_segment[s.segment.index()], s);
        add(&mut by_rf[r][f], s);
        add(&mut by_rfm[r][f][m], s);
    }
    let total = buyers.total();
    let n = list.len() as u64;
    let total_value = scale.value(total);

    let segments = Segment::ALL
        .iter()
        .zip(&by_segment)
        .map(|(seg, t)| {
            let revenue = scale.value(t.revenue);
            RfmSegment {
                name: seg.name().to_string(),
                users: t.users,
                revenue,
                purchases: t.purchases,
                share_users: (n > 0).then(|| t.users as f64 / n as f64),
                share_revenue: share(scale, t.revenue, total),
                avg_order_value: (t.purchases > 0).then(|| revenue / t.purchases as f64),
                days_since_last: (t.users > 0).then(|| t.recency_s as f64 / t.users as f64 / DAY_S),
            }
        })
        .collect();
    let grid = (1..=5u8)
        .flat_map(|r| (1..=5u8).map(move |f| (r, f)))
        .map(|(r, f)| {
            let t = by_rf[usize::from(r - 1)][usize::from(f - 1)];
            RfmGridCell {
                r,
                f,
                users: t.users,
                revenue: scale.value(t.revenue),
                segment: Segment::of(r, f).name().to_string(),
            }
        })
        .collect();
    let mut cells = Vec::new();
    for (r, by_f) in (1..=5u8).zip(&by_rfm) {
        for (f, by_m) in (1..=5u8).zip(by_f) {
            for (m, t) in (1..=5u8).zip(by_m) {
                // Only the cells that hold buyers.
                if t.users > 0 {
                    cells.push(RfmCell {
                        r,
                        f,
                        m,
                        users: t.users,
                        revenue: scale.value(t.revenue),
                        segment: Segment::of(r, f).name().to_string(),
                    });
                }
            }
        }
    }
    let score_ranges = |score: fn(&Scored) -> u8, value: &dyn Fn(&Scored) -> f64| {
        // One pass: per score, the users and the range of the values.
        let mut acc = [(0u64, None::<f64>, None::<f64>); 5];
        for s in &scored {
            let (users, lo, hi) = &mut acc[usize::from(score(s) - 1)];
            let v = value(s);
            *users += 1;
            *lo = Some(lo.map_or(v, |l| l.min(v)));
            *hi = Some(hi.map_or(v, |h| h.max(v)));
        }
        (1..=5u8)
            .zip(acc)
            .map(|(k, (users, min, max))| ScoreRange {
                score: k,
                users,
                min,
                max,
            })
            .collect()
    };
    let scores = RfmScores {
        recency_days: score_ranges(|s| s.r, &|s| s.recency_s as f64 / DAY_S),
        frequency: score_ranges(|s| s.f, &|s| list[s.buyer].purchases as f64),
        monetary: score_ranges(|s| s.m, &|s| scale.value(list[s.buyer].revenue)),
    };
    let users = spec.users.then(|| {
        scored
            .iter()
            .map(|s| {
                let b = &list[s.buyer];
                RfmUser {
                    user: table.user_id(b.user).to_string(),
                    recency_seconds: s.recency_s,
                    recency_days: s.recency_s as f64 / DAY_S,
                    frequency: b.purchases,
                    monetary: scale.value(b.revenue),
                    r: s.r,
                    f: s.f,
                    m: s.m,
                    segment: s.segment.name().to_string(),
                }
            })
            .collect()
    });
    Ok(RfmReport {
        purchase_event: buyers.label.clone(),
        purchase_event_guessed: buyers.guessed,
        as_of: buyers.as_of.map(|a| iso_utc(a.instant)),
        buyers: n,
        non_buyers: buyers.non_buyers,
        purchases: list.iter().map(|b| b.purchases).sum(),
        revenue: total_value,
        revenue_decimals: scale.decimals(),
        segments,
        rules: Segment::RULES
            .iter()
            .map(|s| RfmRule {
                name: s.name().to_string(),
                rule: s.rule().to_string(),
            })
            .collect(),
        grid,
        cells,
        scores,
        users,
    })
}

/// `part / total`, `null` when the total is 0.
pub(crate) fn share(scale: Scale, part: Sum, total: Sum) -> Option<f64> {
    let t = scale.value(total);
    (t != 0.0).then(|| scale.value(part) / t)
}
