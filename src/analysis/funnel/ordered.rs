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

use super::{Chain, Event, MAX_STEPS};

/// The user's level and timing chain, `None` when no event can start a chain.
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
