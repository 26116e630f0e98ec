//! The funnel (ANALYSES.md, "Funnel"): how many users go through steps
//! `S1..Sn` within a conversion window, in one of three modes.
//!
//! Data flow: the spec is compiled against the table (`matcher.rs`); each user's
//! rows, in the per-user order `(time, row)`, become a small log of `Event`s
//! (a step bitmask each); the mode's walker (`ordered.rs`, `strict.rs`,
//! `unordered.rs`) returns the user's level and *timing chain*; the chains are
//! then summarised per step, for all users and per breakdown value
//! (`breakdown.rs`).
//!
//! Interpretations of the contract, where it is silent:
//! - A date range restricts where `e1` may fall (both bounds inclusive; a plain
//!   date `to` is the end of that day). In unordered mode `e1` is the anchor of
//!   the window, i.e. the first event of the timing chain, whichever step it
//!   matches: only windows anchored inside the range count.
//! - `from` later than `to` is a spec error rather than an empty funnel.
//! - A spec built in code is checked like a parsed one: 2 to 10 steps and
//!   `breakdown_limit >= 1`.
//! - Level-0 users are in no step and in no breakdown bucket.
//! - Unordered timings: step `k`'s time is the gap between the `(k-1)`-th and
//!   `k`-th events of the chain in the per-user order, whichever steps they match.
//! - A breakdown column that is a user attribute (an attached attribute file)
//!   splits by the user's value instead of the first event's; an attribute
//!   shadows an event property of the same name, as in segment rules.
//! - Breakdown ties put the missing value (`null`) after every text value; the
//!   merged bucket is `{value: null, other: true}` and is left out when empty.
//! - A filter on a column that is not a property (user, time, event, revenue) is
//!   an unknown column, like a typo.
//! - A step naming an event that no row has is a spec error naming the step and
//!   listing the events there are (as for every analysis that takes an event, see
//!   `select.rs`): a mistyped name must not read as "0 users". A step whose event
//!   exists but whose filter or date range matches nothing still counts 0.

mod breakdown;
pub(crate) mod matcher;
mod ordered;
mod strict;
mod unordered;

use crate::analysis::select::{StoredKey, per_key, unknown_event};
use crate::analysis::stats;
use crate::error::{Error, Result};
use crate::ingest::timestamp::parse_bound;
use crate::report::{FunnelReport, FunnelStep};
use crate::segment::{reference, scope};
use crate::spec::{FunnelMode, FunnelSpec};
use crate::table::{EventTable, Keys};

use breakdown::By;

use matcher::StepSet;

/// The most steps a funnel has (step masks are `u16`).
const MAX_STEPS: usize = FunnelSpec::MAX_STEPS;

/// Computes a funnel: per step, users, conversions, drop-off and timings, and
/// the same per breakdown value when the spec asks for a breakdown.
/// With a segment filter, only its members count; with named segments, the
/// report also has one funnel per segment (`by_segment`).
pub fn funnel(table: &EventTable, spec: &FunnelSpec) -> Result<FunnelReport> {
    let s = scope::run(table, spec.segment.as_ref(), &spec.segments, |t| {
        funnel_all(t, spec)
    })?;
    Ok(FunnelReport {
        segment: s.segment,
        by_segment: s.by_segment,
        ..s.result
    })
}

/// The funnel over every user of `table`.
fn funnel_all(table: &EventTable, spec: &FunnelSpec) -> Result<FunnelReport> {
    let plan = Plan::new(table, spec)?;
    let paths = plan.paths(table);
    let steps = summarize(&plan.labels, paths.iter());
    let breakdown = plan
        .breakdown
        .map(|col| breakdown::buckets(col, spec.breakdown_limit, &paths, &plan.labels));
    Ok(FunnelReport {
        mode: spec.mode.name().to_string(),
        window_seconds: spec.window.millis as f64 / 1e3,
        steps,
        breakdown,
        segment: None,
        by_segment: None,
    })
}

/// The user ids that reached step `step` (1-based) but not step `step + 1`,
/// sorted ascending. `step` must be in `1..n` (nobody drops off after the last).
/// With a segment filter, only its members.
pub fn dropoff_users(table: &EventTable, spec: &FunnelSpec, step: usize) -> Result<Vec<String>> {
    match &spec.segment {
        Some(s) => dropoff_all(&table.restrict(&reference::mask(table, s)?), spec, step),
        None => dropoff_all(table, spec, step),
    }
}

fn dropoff_all(table: &EventTable, spec: &FunnelSpec, step: usize) -> Result<Vec<String>> {
    let n = spec.steps.len();
    if step == 0 || step >= n {
        return Err(Error::spec(format!(
            "funnel drop-off: step {step} is not between 1 and {} (steps are numbered from 1; \
             nobody drops off after the last step, {n})",
            n.saturating_sub(1)
        )));
    }
    let plan = Plan::new(table, spec)?;
    let mut users: Vec<String> = plan
        .paths(table)
        .iter()
        .filter(|p| p.level == step)
        .map(|p| table.user_id(p.user).to_string())
        .collect();
    users.sort_unstable();
    Ok(users)
}

/// Where one user's funnel chain starts and ends, for the analyses built on a
/// funnel (paths from a drop-off, funnel drivers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChainEnds {
    /// The user key.
    pub(crate) user: u32,
    /// The largest step reached (at least 1).
    pub(crate) level: usize,
    /// The row of the event filling step 1 (the chain's first event).
    pub(crate) first_row: u32,
    /// The row of the event filling step `level` (the chain's last event).
    pub(crate) last_row: u32,
}

/// The step labels and the chain of every user reaching at least step 1, in
/// user-key order: the same chains `funnel` and `dropoff_users` count.
pub(crate) fn chain_ends(
    table: &EventTable,
    spec: &FunnelSpec,
) -> Result<(Vec<String>, i64, Vec<ChainEnds>)> {
    let plan = Plan::new(table, spec)?;
    let ends = plan
        .paths(table)
        .iter()
        .map(|p| ChainEnds {
            user: p.user,
            level: p.level,
            first_row: p.first_row,
            last_row: p.last_row,
        })
        .collect();
    let labels = plan.labels.into_iter().map(|(_, l)| l).collect();
    Ok((labels, plan.window_ms, ends))
}

/// One event of a user's log, as the walkers see it.
#[derive(Debug, Clone, Copy)]
struct Event {
    /// The table row.
    row: u32,
    /// Its time (ms).
    time: i64,
    /// The steps it matches: bit `k` for step `k + 1`.
    mask: u16,
    /// True when it lies in the spec's date range (where `e1` may fall).
    in_range: bool,
}

impl Event {
    /// True when this event may be the first event of an ordered/strict chain.
    fn can_start(&self) -> bool {
        self.in_range && self.mask & 1 != 0
    }
}

/// A chain of event positions (indices into a user's log), in order.
#[derive(Debug, Clone, Copy)]
struct Chain {
    /// How many steps it fills.
    level: usize,
    /// The positions; only the first `level` are meaningful.
    at: [usize; MAX_STEPS],
}

impl Chain {
    /// A chain of one event.
    fn start(position: usize) -> Self {
        let mut at = [0; MAX_STEPS];
        at[0] = position;
        Chain { level: 1, at }
    }
    /// Appends the next event.
    fn push(&mut self, position: usize) {
        if let Some(slot) = self.at.get_mut(self.level) {
            *slot = position;
            self.level += 1;
        }
    }
}

/// What one converted user (level >= 1) contributes to the report.
#[derive(Debug, Clone, Copy)]
struct Path {
    /// The user key.
    user: u32,
    /// The largest step reached.
    level: usize,
    /// The row of the timing chain's first event (for the breakdown value).
    first_row: u32,
    /// The row of the chain's last event (the one filling step `level`).
    last_row: u32,
    /// `gaps_ms[k - 1]`: ms from chain event `k` to `k + 1`; the first
    /// `level - 1` are meaningful.
    gaps_ms: [i64; MAX_STEPS - 1],
}

/// A spec compiled against a table.
struct Plan<'t> {
    steps: StepSet<'t>,
    /// `(event, label)` per step.
    labels: Vec<(String, String)>,
    mode: FunnelMode,
    window_ms: i64,
    /// Where `e1` may fall, inclusive (ms).
    range: (i64, i64),
    breakdown: Option<By<'t>>,
}

impl<'t> Plan<'t> {
    fn new(table: &'t EventTable, spec: &FunnelSpec) -> Result<Self> {
        let n = spec.steps.len();
        if !(2..=MAX_STEPS).contains(&n) {
            return Err(Error::spec(format!(
                "funnel: a funnel has 2 to {MAX_STEPS} steps, this one has {n}"
            )));
        }
        if spec.breakdown_limit == 0 {
            return Err(Error::spec("funnel: breakdown_limit must be at least 1"));
        }
        for (i, step) in spec.steps.iter().enumerate() {
            if table.event_key(&step.event).is_none() {
                return Err(unknown_event(
                    table,
                    &format!("funnel step {}", i + 1),
                    &step.event,
                ));
            }
        }
        let steps = StepSet::compile(table, &spec.steps)?;
        // A user attribute of that name first (as in segment rules), else an
        // event property.
        let breakdown = spec
            .breakdown
            .as_deref()
            .map(|col| match table.attributes().and_then(|a| a.column(col)) {
                Some(attr) => Ok(By::User(attr)),
                None => matcher::property(table, col, "funnel breakdown").map(By::Event),
            })
            .transpose()?;
        let tz = &table.meta().time_zone;
        let bound = |field: &str, text: &Option<String>, end: bool| -> Result<Option<i64>> {
            text.as_deref()
                .map(|t| {
                    parse_bound(t, tz, end)
                        .map_err(|e| Error::spec(format!("funnel \"{field}\": {e}")))
                })
                .transpose()
        };
        let from = bound("from", &spec.from, false)?;
        let to = bound("to", &spec.to, true)?;
        if let (Some(f), Some(t), Some(ft), Some(tt)) = (from, to, &spec.from, &spec.to)
            && f > t
        {
            return Err(Error::spec(format!(
                "funnel: \"from\" ({ft}) is after \"to\" ({tt})"
            )));
        }
        Ok(Plan {
            steps,
            labels: spec
                .steps
                .iter()
                .map(|s| (s.event.clone(), matcher::label(s)))
                .collect(),
            mode: spec.mode,
            window_ms: spec.window.millis,
            range: (from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)),
            breakdown,
        })
    }

    /// The path of every user reaching at least step 1, in user-key order.
    fn paths(&self, table: &EventTable) -> Vec<Path> {
        let n = self.labels.len();
        match self.mode {
            FunnelMode::Ordered => match (self.steps.by_event(), table.event_keys()) {
                (Some(masks), Keys::U8(keys)) => self.ordered_paths(table, by_key(keys, masks)),
                (Some(masks), Keys::U16(keys)) => self.ordered_paths(table, by_key(keys, masks)),
                (Some(masks), Keys::U32(keys)) => self.ordered_paths(table, by_key(keys, masks)),
                (None, _) => self.ordered_paths(table, |row| self.steps.mask(table, row as u32)),
            },
            FunnelMode::Strict => self.log_paths(table, |log| strict::walk(log, n, self.window_ms)),
            FunnelMode::Unordered => {
                let mut scratch = unordered::Scratch::default();
                self.log_paths(table, |log| {
                    unordered::walk(log, n, self.window_ms, &mut scratch)
                })
            }
        }
    }

    /// The strict and unordered modes' paths: each user's rows become a log of
    /// `Event`s, which `walk` turns into the user's chain.
    fn log_paths(
        &self,
        table: &EventTable,
        mut walk: impl FnMut(&[Event]) -> Option<Chain>,
    ) -> Vec<Path> {
        let mut log: Vec<Event> = Vec::new();
        let mut out = Vec::new();
        // Rows matching no step take no part in an unordered chain; a strict
        // chain is broken by them, so it keeps every row.
        let every_row = self.mode == FunnelMode::Strict;
        for (user, rows) in table.order().iter() {
            log.clear();
            log.extend(rows.iter().filter_map(|row| {
                let mask = self.steps.mask(table, row);
                if mask == 0 && !every_row {
                    return None;
                }
                let time = table.time(row);
                Some(Event {
                    row,
                    time,
                    mask,
                    in_range: self.range.0 <= time && time <= self.range.1,
                })
            }));
            if let Some(c) = walk(&log) {
                let mut gaps_ms = [0; MAX_STEPS - 1];
                for k in 1..c.level {
                    gaps_ms[k - 1] = log[c.at[k]].time - log[c.at[k - 1]].time;
                }
                out.push(Path {
                    user,
                    level: c.level,
                    first_row: log[c.at[0]].row,
                    last_row: log[c.at[c.level - 1]].row,
                    gaps_ms,
                });
            }
        }
        out
    }
}

impl Plan<'_> {
    /// The ordered mode's paths, walked straight over each user's run of rows
    /// (`ordered::Linked`); `mask` gives a row's step mask.
    fn ordered_paths(&self, table: &EventTable, mask: impl Fn(usize) -> u16) -> Vec<Path> {
        let n = self.labels.len();
        let times = table.times();
        let mut linked = ordered::Linked::default();
        let mut out = Vec::new();
        for (user, rows) in table.order().iter() {
            let run = rows.iter();
            let Some(chain) = linked.walk(
                run.start as usize..run.end as usize,
                times,
                &mask,
                n,
                self.window_ms,
                self.range,
            ) else {
                continue;
            };
            let time = |at: usize| {
                chain
                    .rows
                    .get(at)
                    .and_then(|&r| times.get(r as usize))
                    .copied()
                    .unwrap_or(0)
            };
            let mut gaps_ms = [0; MAX_STEPS - 1];
            for (k, gap) in gaps_ms.iter_mut().enumerate().take(chain.level - 1) {
                *gap = time(k + 1) - time(k);
            }
            out.push(Path {
                user,
                level: chain.level,
                first_row: chain.rows[0],
                last_row: chain.rows[chain.level - 1],
                gaps_ms,
            });
        }
        out
    }
}

/// A row's step mask from its event-name key: `masks[key]`, read from the key
/// column as stored.
fn by_key<K: StoredKey>(keys: &[K], masks: &[u16]) -> impl Fn(usize) -> u16 {
    move |row| per_key(keys, masks, row)
}

/// The report's steps for a group of users (`steps` holds `(event, label)`).
fn summarize<'p>(
    steps: &[(String, String)],
    paths: impl Iterator<Item = &'p Path>,
) -> Vec<FunnelStep> {
    let n = steps.len();
    let mut users = vec![0u64; n];
    // Gaps in whole ms, sorted as integers: `ms as f64 / 1e3` never decreases
    // as `ms` grows, so the seconds come out in the order `f64::total_cmp`
    // sorts them in — the median and the mean (summed in that order, as
    // before) are exactly those of the seconds, at the cost of an integer sort.
    let mut gaps: Vec<Vec<i64>> = vec![Vec::new(); n];
    for p in paths {
        for k in 0..p.level.min(n) {
            users[k] += 1;
            if k > 0 {
                gaps[k].push(p.gaps_ms[k - 1]);
            }
        }
    }
    let seconds = |ms: &mut Vec<i64>| -> Vec<f64> {
        ms.sort_unstable();
        ms.iter().map(|&g| g as f64 / 1e3).collect()
    };
    let mut gaps: Vec<Vec<f64>> = gaps.iter_mut().map(seconds).collect();
    let ratio = |num: u64, den: u64| (den > 0).then(|| num as f64 / den as f64);
    steps
        .iter()
        .enumerate()
        .map(|(k, (event, label))| {
            let first = k == 0;
            FunnelStep {
                event: event.clone(),
                label: label.clone(),
                users: users[k],
                conversion_from_previous: if first {
                    None
                } else {
                    ratio(users[k], users[k - 1])
                },
                conversion_from_first: ratio(users[k], users[0]),
                dropoff: if first { 0 } else { users[k - 1] - users[k] },
                median_seconds_from_previous: stats::median(&mut gaps[k]),
                mean_seconds_from_previous: stats::mean(&gaps[k]),
            }
        })
        .collect()
}
