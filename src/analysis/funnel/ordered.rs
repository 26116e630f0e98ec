//! Ordered mode: `e1 < e2 < … < ek` in the user's order, `ei` matching step `i`,
//! `time(ek) - time(e1) <= W`; other events may come between.
//!
//! Algorithm. For a fixed first event `e1`, the greedy completion (each next step
//! filled by the *earliest* later event matching it) is optimal: by induction its
//! `k`-th event is no later in the order — hence no later in time — than the
//! `k`-th event of any other chain from `e1`, so it fits the window whenever any
//! chain does. The level reached from `e1` is therefore how far the greedy chain
//! gets within the window, and the user's level is the best over all `e1`.
//!
//! To make each greedy step O(1), a backward pass fills `next[k][i]`: the first
//! position after `i` that matches step `k`. Each candidate `e1` then costs at most
//! `n` lookups: O(events × steps) per user, never quadratic. Scanning candidates
//! in order and keeping the first that reaches the best level gives the contract's
//! timing chain (earliest-starting, completed greedily) for free. Because `next`
//! points strictly after a position, one event never fills two steps.

use super::{Chain, Event};

/// Marks "no later position" in `next`.
const NONE: u32 = u32::MAX;

/// Reusable buffers for [`walk`].
#[derive(Default)]
pub(super) struct Scratch {
    /// `next[k * len + i]`: first position after `i` matching step `k`.
    next: Vec<u32>,
}

/// The user's level and timing chain, `None` when no event can start a chain.
pub(super) fn walk(events: &[Event], n: usize, window_ms: i64, s: &mut Scratch) -> Option<Chain> {
    let len = events.len();
    s.next.clear();
    s.next.resize(n * len, NONE);
    let mut upcoming = [NONE; super::MAX_STEPS];
    for i in (0..len).rev() {
        for (k, up) in upcoming.iter_mut().enumerate().take(n) {
            s.next[k * len + i] = *up;
            if events[i].mask & (1 << k) != 0 {
                *up = i as u32;
            }
        }
    }
    let mut best: Option<Chain> = None;
    for (i, e) in events.iter().enumerate() {
        if !e.can_start() {
            continue;
        }
        let mut chain = Chain::start(i);
        let mut at = i;
        for k in 1..n {
            let next = s.next[k * len + at];
            if next == NONE || events[next as usize].time - e.time > window_ms {
                break;
            }
            at = next as usize;
            chain.push(at);
        }
        // Strictly greater: the first (earliest-starting) chain wins ties.
        if best.as_ref().is_none_or(|b| chain.level > b.level) {
            let full = chain.level == n;
            best = Some(chain);
            if full {
                break;
            }
        }
    }
    best
}
