//! Ordered mode: `e1 < e2 < … < ek` in the user's order, `ei` matching step `i`,
//! `time(ek) - time(e1) <= W`; other events may come between.
//!
//! Algorithm. For a fixed first event `e1`, the greedy completion (each next step
//! filled by the *earliest* later event matching it) is optimal: by induction its
//! `k`-th event is no later in the order — hence no later in time — than the
//! `k`-th event of any other chain from `e1`, so it fits the window whenever any
//! chain does. The level reached from `e1` is therefore how far the greedy chain
//! gets within the window (a prefix: times only grow along it), and the user's
//! level is the best over all `e1`. The earliest `e1` reaching that level, with
//! its greedy completion, is exactly the contract's timing chain.
//!
//! Greedy chains share suffixes, so one backward pass builds them all: `tails[k]`
//! holds the greedy chain filling steps `k+1, k+2, …` that starts at the nearest
//! later event matching step `k+1`. An event matching step `k+1` gets the chain
//! "itself, then `tails[k+1]`". Steps are updated in ascending order, so
//! `tails[k+1]` still starts strictly after the event when it is read: one event
//! never fills two steps. Cost: O(events × steps²) at worst, O(steps²) memory —
//! no per-event tables, so one huge user log (a bot) costs no extra memory.
//! (A forward DP keeping the latest start per step finds the level alone in
//! O(events × steps), but not the earliest-starting chain the timings need.)

use super::MAX_STEPS;
#[cfg(test)]
use super::{Chain, Event};

/// The user's level and timing chain over a log of `Event`s, `None` when no event
/// can start a chain: the walk as first written, kept as the tests' reference for
/// [`Linked`] (which the funnel runs).
#[cfg(test)]
pub(super) fn walk(events: &[Event], n: usize, window_ms: i64) -> Option<Chain> {
    // `tails[k]`: greedy chain of positions filling steps k+1.. (level = length).
    let mut tails: [Option<Chain>; MAX_STEPS] = [None; MAX_STEPS];
    let mut best: Option<Chain> = None;
    for (i, e) in events.iter().enumerate().rev() {
        for k in 0..n {
            if e.mask & (1 << k) == 0 {
                continue;
            }
            let mut chain = Chain::start(i);
            if let Some(rest) = tails.get(k + 1).copied().flatten() {
                for &at in &rest.at[..rest.level] {
                    chain.push(at);
                }
            }
            tails[k] = Some(chain);
        }
        if !e.can_start() {
            continue;
        }
        let Some(mut chain) = tails[0] else {
            continue;
        };
        // Keep the prefix inside the window.
        chain.level = chain.at[..chain.level]
            .iter()
            .take_while(|&&at| events[at].time - e.time <= window_ms)
            .count();
        // Scanning backwards: on a tie the earlier start (seen later) wins.
        if best.as_ref().is_none_or(|b| chain.level >= b.level) {
            best = Some(chain);
        }
    }
    best
}

/// No node: the end of a chain.
const END: u32 = u32::MAX;

/// One link of the greedy chains the backward pass shares: an event (its table
/// row) and the chain filling the next steps after it.
#[derive(Debug, Clone, Copy)]
struct Node {
    row: u32,
    next: u32,
}

/// A user's best chain, as table rows: the first `level` of `rows` are meaningful.
#[derive(Debug, Clone, Copy)]
pub(super) struct RowChain {
    /// How many steps it fills (at least 1).
    pub(super) level: usize,
    /// The chain's table rows, in order.
    pub(super) rows: [u32; MAX_STEPS],
}

/// The ordered walk straight over a user's run of rows, with the chains shared
/// as linked nodes instead of copied: the same backward pass and the same
/// answer as [`walk`] (a property test checks), without building a log of
/// `Event`s first. An event matching step `k + 1` becomes one node "itself,
/// then the chain `heads[k + 1]` starts"; a start walks at most `n` nodes to
/// cut its chain at the window. Cost O(rows + matches + starts × steps); the
/// nodes (one per match) are reused from user to user.
#[derive(Debug, Default)]
pub(super) struct Linked {
    nodes: Vec<Node>,
}

impl Linked {
    /// The level and timing chain of the user whose rows are `rows` (a run of
    /// the table, in per-user order): `times` is the whole time column, `mask`
    /// gives a row's step mask (bit `k` for step `k + 1`, only bits below `n`),
    /// `range` where the first event may fall (inclusive). `None` when no event
    /// can start a chain.
    #[inline]
    pub(super) fn walk(
        &mut self,
        rows: std::ops::Range<usize>,
        times: &[i64],
        mask: impl Fn(usize) -> u16,
        n: usize,
        window_ms: i64,
        range: (i64, i64),
    ) -> Option<RowChain> {
        let nodes = &mut self.nodes;
        nodes.clear();
        let user_times = times.get(rows.clone())?;
        // `heads[k]`: the first node of the greedy chain filling steps k+1..;
        // `heads[n]` stays END.
        let mut heads = [END; MAX_STEPS + 1];
        // The best start so far: its node and level (backwards, so a tie goes
        // to the earlier start, seen later).
        let mut best: Option<(u32, usize)> = None;
        let steps = ((1u32 << n.min(MAX_STEPS)) - 1) as u16;
        for (i, &time) in user_times.iter().enumerate().rev() {
            let row = rows.start + i;
            let mut bits = mask(row) & steps;
            if bits == 0 {
                continue;
            }
            let starts = bits & 1 != 0;
            // Ascending steps: `heads[k + 1]` is read before this event updates
            // it, so one event never fills two steps of a chain.
            while bits != 0 {
                let k = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let next = heads.get(k + 1).copied().unwrap_or(END);
                let at = nodes.len() as u32;
                nodes.push(Node {
                    row: row as u32,
                    next,
                });
                if let Some(h) = heads.get_mut(k) {
                    *h = at;
                }
            }
            if !starts || time < range.0 || time > range.1 {
                continue;
            }
            // The prefix of the greedy chain inside the window.
            let mut level = 0;
            let mut at = heads[0];
            while let Some(node) = nodes.get(at as usize) {
                let t = times.get(node.row as usize).copied().unwrap_or(i64::MAX);
                if t.saturating_sub(time) > window_ms {
                    break;
                }
                level += 1;
                at = node.next;
            }
            if best.is_none_or(|(_, b)| level >= b) {
                best = Some((heads[0], level));
            }
        }
        let (mut at, level) = best?;
        if level == 0 {
            return None;
        }
        let mut chain = RowChain {
            level,
            rows: [0; MAX_STEPS],
        };
        for slot in chain.rows.iter_mut().take(level) {
            let node = nodes.get(at as usize)?;
            *slot = node.row;
            at = node.next;
        }
        Some(chain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The linked walk over rows gives the chain the log walk gives: random
        /// runs of rows (one row to many, times with ties, rows matching no step,
        /// one step or several, steps repeated), windows from 0, date ranges,
        /// and a run that starts inside the table.
        #[test]
        fn the_linked_walk_equals_the_log_walk(
            n in 2usize..=MAX_STEPS,
            rows in proptest::collection::vec((0i64..6, 0u16..1024, 0u8..4), 1..60),
            offset in 0usize..3,
            window_ms in prop_oneof![Just(0i64), 0i64..20, Just(i64::MAX)],
            range in (0i64..40, 0i64..200),
            sparse in any::<bool>(),
        ) {
            // Times ascend with ties; masks keep only the funnel's steps, and
            // most rows match one step or none when `sparse`.
            let mut time = 0;
            let mut times = vec![-7i64; offset];
            let mut masks = vec![0u16; offset];
            for (dt, bits, pick) in &rows {
                time += dt;
                times.push(time);
                let all = ((1u32 << n) - 1) as u16;
                masks.push(if sparse {
                    match pick { 0 => 0, _ => 1 << (bits % n as u16) }
                } else {
                    bits & all
                });
            }
            let range = (range.0, range.0 + range.1);
            let log: Vec<Event> = (offset..times.len())
                .filter(|&r| masks[r] != 0)
                .map(|r| Event {
                    row: r as u32,
                    time: times[r],
                    mask: masks[r],
                    in_range: range.0 <= times[r] && times[r] <= range.1,
                })
                .collect();
            let want = walk(&log, n, window_ms)
                .map(|c| (c.level, c.at[..c.level].iter().map(|&at| log[at].row).collect::<Vec<_>>()));
            let got = Linked::default()
                .walk(offset..times.len(), &times, |r| masks[r], n, window_ms, range)
                .map(|c| (c.level, c.rows[..c.level].to_vec()));
            prop_assert_eq!(got, want);
        }
    }
}
