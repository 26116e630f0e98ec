//! Cohort retention (ANALYSES.md, "Cohort retention"), with the revenue variant
//! (historical LTV).
//!
//! Data flow: each user's rows, in the per-user order, give the first start event
//! (the cohort period `c`) and the periods of the return events; these are
//! tallied per cohort into `retained[k]` (and revenue per `k`); then each cohort
//! row is cut to its length and flagged, and the average curve is summed over
//! complete cells.
//!
//! Interpretations of the contract, where it is silent:
//! - The data end is the last event time in the whole table, whatever the start
//!   and return events. A cell is complete when its period ends at or before the
//!   data end, i.e. when the data end's period is later than `c + k`; so exactly
//!   the cell holding the data end is incomplete (and, for the newest cohort, that
//!   may be `k = 0`).
//! - Cohorts run from the first cohort period to the last one that has a user;
//!   every period in between is listed, empty ones with size 0 and zero cells.
//! - A return in period `c + k`, `k >= 1`, counts whatever its position relative
//!   to the start event (it is necessarily later in time). Unbounded mode counts a
//!   user in every `k` up to their last return period, even one beyond `periods`.
//! - Revenue measure: `revenue[k]` sums the revenue of the cohort users' *return*
//!   events in period `c + k`; for `k = 0` only events from the first start event
//!   on (in the per-user order) count, so revenue before joining the cohort is
//!   left out. Rows without a revenue number add nothing. The mode changes
//!   `retained` only; revenue is always per period. The table must have a revenue
//!   column.
//! - The average curve sums, over the cohorts whose cell `k` is complete, the
//!   sizes and the retained counts (and revenues), then divides: a size-weighted
//!   average. Empty cohorts add nothing. `average.cohorts[k]` and
//!   `average.users[k]` say what point `k` rests on; later points rest on fewer,
//!   older cohorts (the cohorts complete at `k` are among those complete at every
//!   earlier `j`).
//! - The average *cumulative* revenue per user (the LTV curve) is the running sum
//!   of the average revenue per user of each period: `Σ_{j<=k}
//!   revenue_per_user[j]`, each term over the cohorts complete at `j`. Averaging
//!   each cohort's cumulative value over the cohorts complete at `k` instead lets
//!   the curve go *down* when the older cohorts that remain at large `k` spent
//!   less early on; the running sum uses all the data each period has, never
//!   decreases while revenues are not negative, and is defined exactly where
//!   `average.users[k] > 0`.

use crate::analysis::period::Calendar;
use crate::analysis::select::{Selector, StoredKey, per_key};
use crate::error::{Error, Result};
use crate::report::{Cohort, RetentionAverage, RetentionReport, iso_utc};
use crate::segment::scope;
use crate::spec::{RetentionMeasure, RetentionMode, RetentionSpec};
use crate::table::{EventTable, Keys};

/// One cohort's tallies while users are walked.
#[derive(Debug, Clone, Default)]
struct Tally {
    size: u64,
    /// `retained[k]` for `k >= 1` (index 0 unused).
    retained: Vec<u64>,
    /// Revenue per `k`.
    revenue: Vec<f64>,
}

impl Tally {
    fn new(cells: usize) -> Self {
        Self {
            size: 0,
            retained: vec![0; cells],
            revenue: vec![0.0; cells],
        }
    }
}

/// Computes the retention table of `spec` on `table`: over the members of its
/// segment filter, and per named segment (`by_segment`) when asked.
pub fn retention(table: &EventTable, spec: &RetentionSpec) -> Result<RetentionReport> {
    let s = scope::run(table, spec.segment.as_ref(), &spec.segments, |t| {
        retention_all(t, spec)
    })?;
    Ok(RetentionReport {
        segment: s.segment,
        by_segment: s.by_segment,
        ..s.result
    })
}

/// The retention table over every user of `table`.
fn retention_all(table: &EventTable, spec: &RetentionSpec) -> Result<RetentionReport> {
    if !(1..=RetentionSpec::MAX_PERIODS).contains(&spec.periods) {
        return Err(Error::spec(format!(
            "retention: periods must be between 1 and {}, not {}",
            RetentionSpec::MAX_PERIODS,
            spec.periods
        )));
    }
    let revenue = spec.measure == RetentionMeasure::Revenue;
    if revenue && !table.has_revenue() {
        return Err(Error::spec(
            "retention: the revenue measure needs a revenue column (map one with the revenue role)",
        ));
    }
    let start = Selector::compile(table, spec.start_event.as_ref(), "retention start_event")?;
    let back = Selector::compile(table, spec.return_event.as_ref(), "retention return_event")?;
    let cal = Calendar::new(table.meta().time_zone.clone(), spec.period);
    let data_end = table.time_range().map(|(_, end)| end);
    let end_period = data_end.map_or(0, |t| cal.index(t));
    let max_k = spec.periods as i64;
    // Cells of cohort c: k = 0..=min(periods, end_period − c).
    let cells_of = |c: i64| (max_k.min(end_period - c).max(0) + 1) as usize;

    let walk = Walk {
        table,
        cal: &cal,
        cells_of: &cells_of,
        start: (start.by_event(table.event_names().len()), &start),
        back: (back.by_event(table.event_names().len()), &back),
        mode: spec.mode,
        revenue,
        cells: (max_k + 1) as usize,
    };
    let tallies = match table.event_keys() {
        Keys::U8(keys) => walk.users(keys),
        Keys::U16(keys) => walk.users(keys),
        Keys::U32(keys) => walk.users(keys),
    };
    let cohorts = tallies.into_cohorts(&cells_of, |c, tally| {
        cohort_row(&cal, c, end_period, tally, revenue)
    });
    let average = average(&cohorts, revenue);
    Ok(RetentionReport {
        period: spec.period.name().to_string(),
        mode: spec.mode.name().to_string(),
        measure: spec.measure.name().to_string(),
        periods: spec.periods,
        start_event: start.label(),
        return_event: back.label(),
        data_end: data_end.map(iso_utc),
        cohorts,
        average,
        segment: None,
        by_segment: None,
    })
}

/// One cohort's tallies by period, from the first cohort that has a user on.
#[derive(Debug, Default)]
struct Cohorts {
    /// The period of `slots[0]`.
    first: i64,
    /// `None` for a cohort no user has (yet).
    slots: Vec<Option<Tally>>,
}

impl Cohorts {
    /// Cohort `c`'s tallies, made with `cells` cells for its first user.
    fn get(&mut self, c: i64, cells: usize) -> &mut Tally {
        if self.slots.is_empty() {
            self.first = c;
        } else if c < self.first {
            // Earlier than every cohort so far (rare: users come in first-seen
            // order): shift the slots.
            let more = (self.first - c) as usize;
            self.slots
                .splice(0..0, std::iter::repeat_with(|| None).take(more));
            self.first = c;
        }
        let at = (c - self.first) as usize;
        if at >= self.slots.len() {
            self.slots.resize_with(at + 1, || None);
        }
        self.slots[at].get_or_insert_with(|| Tally::new(cells))
    }

    /// The report's cohorts, from the first cohort that has a user to the last,
    /// an empty one (`Tally::new(cells_of(c))`) where none has.
    fn into_cohorts(
        self,
        cells_of: &impl Fn(i64) -> usize,
        row: impl Fn(i64, Tally) -> Cohort,
    ) -> Vec<Cohort> {
        let first = self.first;
        self.slots
            .into_iter()
            .enumerate()
            .map(|(at, tally)| {
                let c = first + at as i64;
                row(c, tally.unwrap_or_else(|| Tally::new(cells_of(c))))
            })
            .collect()
    }
}

/// An event selection as the walk reads it: per event key when no filter needs
/// the row (`Selector::by_event`), else the selector row by row.
type Pick<'s, 't> = (Option<Vec<bool>>, &'s Selector<'t>);

/// The walk over every user's run of rows that tallies the cohorts.
struct Walk<'a, 't, F: Fn(i64) -> usize> {
    table: &'t EventTable,
    cal: &'a Calendar,
    /// Cells of cohort `c`.
    cells_of: &'a F,
    start: Pick<'a, 't>,
    back: Pick<'a, 't>,
    mode: RetentionMode,
    revenue: bool,
    /// The most cells a cohort has (`periods + 1`).
    cells: usize,
}

impl<F: Fn(i64) -> usize> Walk<'_, '_, F> {
    /// True when `row` (key `key`) is picked by `pick`.
    #[inline]
    fn picks<K: StoredKey>(&self, pick: &Pick<'_, '_>, keys: &[K], row: usize) -> bool {
        match &pick.0 {
            Some(by_key) => per_key(keys, by_key, row),
            None => pick.1.matches(self.table, row as u32),
        }
    }

    /// Every user's first start event (the cohort) and return events, tallied.
    ///
    /// Per user, straight over its run of the key and time columns: a return's
    /// period comes from a [`Cursor`](crate::analysis::period::Cursor) (no
    /// calendar arithmetic while the rows stay in one period), a bounded
    /// return is counted once per period by stamping the period with the user
    /// (no list of returns to sort). Where the period never decreases along
    /// the user's rows (`Calendar::ascends_over`), the rows before the start
    /// event (periods `<= c`, nothing to count) are skipped and the walk stops
    /// at the first return past the cohort's last cell.
    fn users<K: StoredKey>(&self, keys: &[K]) -> Cohorts {
        let table = self.table;
        let times = table.times();
        let mut cursor = self.cal.cursor();
        let mut cohorts = Cohorts::default();
        // `stamps[k]`: the last user (+ 1) counted as retained in cell k.
        let mut stamps: Vec<u64> = vec![0; self.cells];
        for (user, rows) in table.order().iter() {
            let run = rows.iter();
            let (s, e) = (run.start as usize, run.end as usize);
            let Some(user_times) = times.get(s..e) else {
                continue;
            };
            let Some(first) = (s..e).position(|row| self.picks(&self.start, keys, row)) else {
                continue;
            };
            let (Some(&joined), Some(&last_time)) = (user_times.get(first), user_times.last())
            else {
                continue;
            };
            let c = cursor.index(joined);
            let cells = (self.cells_of)(c);
            let tally = cohorts.get(c, cells);
            tally.size += 1;
            let stamp = u64::from(user) + 1;
            let ascending = self.cal.ascends_over(joined, last_time);
            let from = if ascending { first } else { 0 };
            // Unbounded: the latest return period.
            let mut latest = 0i64;
            for (i, &time) in user_times.iter().enumerate().skip(from) {
                let row = s + i;
                if !self.picks(&self.back, keys, row) {
                    continue;
                }
                let k = cursor.index(time) - c;
                if ascending && k >= cells as i64 {
                    // Every later return is past the last cell too: nothing to
                    // count, but an unbounded user is retained in every cell.
                    latest = latest.max(k);
                    break;
                }
                if k >= 1 {
                    match self.mode {
                        RetentionMode::Bounded => {
                            if let (Some(seen), Some(slot)) = (
                                stamps.get_mut(k as usize),
                                tally.retained.get_mut(k as usize),
                            ) && *seen != stamp
                            {
                                *seen = stamp;
                                *slot += 1;
                            }
                        }
                        RetentionMode::Unbounded => latest = latest.max(k),
                    }
                }
                if self.revenue
                    && (k >= 1 || (k == 0 && i >= first))
                    && let (Some(slot), Some(v)) =
                        (tally.revenue.get_mut(k as usize), table.revenue(row as u32))
                {
                    *slot += v;
                }
            }
            if self.mode == RetentionMode::Unbounded {
                for slot in tally.retained.iter_mut().take(latest as usize + 1).skip(1) {
                    *slot += 1;
                }
            }
        }
        cohorts
    }
}

/// The report row of cohort `c` from its tallies.
fn cohort_row(cal: &Calendar, c: i64, end_period: i64, tally: Tally, revenue: bool) -> Cohort {
    let size = tally.size;
    let mut retained = tally.retained;
    if let Some(first) = retained.first_mut() {
        *first = size;
    }
    let per_user = |v: f64| (size > 0).then(|| v / size as f64);
    let complete = (0..retained.len() as i64)
        .map(|k| c + k < end_period)
        .collect();
    let (rev, rev_pu, cum) = if revenue {
        let mut running = 0.0;
        let cum = tally
            .revenue
            .iter()
            .map(|&v| {
                running += v;
                per_user(running)
            })
            .collect();
        let pu = tally.revenue.iter().map(|&v| per_user(v)).collect();
        (Some(tally.revenue), Some(pu), Some(cum))
    } else {
        (None, None, None)
    };
    Cohort {
        start: cal.start_iso(c),
        size,
        retained_rate: retained.iter().map(|&r| per_user(r as f64)).collect(),
        retained,
        complete,
        revenue: rev,
        revenue_per_user: rev_pu,
        cumulative_revenue_per_user: cum,
    }
}

/// The size-weighted average curve over complete, non-empty cells.
fn average(cohorts: &[Cohort], revenue: bool) -> RetentionAverage {
    let len = cohorts.iter().map(|c| c.retained.len()).max().unwrap_or(0);
    let mut avg = RetentionAverage {
        cohorts: vec![0; len],
        users: vec![0; len],
        retained: vec![0; len],
        rate: Vec::with_capacity(len),
        revenue_per_user: None,
        cumulative_revenue_per_user: None,
    };
    let mut rev = vec![0.0; len];
    for c in cohorts.iter().filter(|c| c.size > 0) {
        for (k, &retained) in c.retained.iter().enumerate() {
            if !c.complete.get(k).copied().unwrap_or(false) {
                continue;
            }
            avg.cohorts[k] += 1;
            avg.users[k] += c.size;
            avg.retained[k] += retained;
            rev[k] += c
                .revenue
                .as_ref()
                .and_then(|v| v.get(k))
                .copied()
                .unwrap_or(0.0);
        }
    }
    let ratio = |num: f64, k: usize, users: &[u64]| (users[k] > 0).then(|| num / users[k] as f64);
    avg.rate = (0..len)
        .map(|k| ratio(avg.retained[k] as f64, k, &avg.users))
        .collect();
    if revenue {
        let per_user: Vec<Option<f64>> = (0..len).map(|k| ratio(rev[k], k, &avg.users)).collect();
        // The running sum of the per-period averages (see the module notes); the
        // bases shrink with k, so a point without a base ends the curve.
        let mut running = Some(0.0);
        let cumulative = per_user
            .iter()
            .map(|v| {
                running = running.zip(*v).map(|(a, b)| a + b);
                running
            })
            .collect();
        avg.revenue_per_user = Some(per_user);
        avg.cumulative_revenue_per_user = Some(cumulative);
    }
    avg
}
