//! Strict mode: as ordered, but `e1 … ek` are consecutive in the user's event
//! sequence. Any other event in between breaks the chain — including an event of
//! a step's name that fails the step's filter, since it is still an event of the
//! user.
//!
//! Given its first event, a strict chain is fully determined (the next events in
//! the sequence), so each candidate `e1` is extended until an event does not match
//! the next step or leaves the window: O(events × steps) per user. The first
//! candidate reaching the best level is the timing chain.

use super::{Chain, Event};

/// The user's level and timing chain, `None` when no event can start a chain.
pub(super) fn walk(events: &[Event], n: usize, window_ms: i64) -> Option<Chain> {
    let mut best: Option<Chain> = None;
    for (i, e) in events.iter().enumerate() {
        if !e.can_start() {
            continue;
        }
        let mut chain = Chain::start(i);
        for (k, next) in events.iter().enumerate().skip(i + 1).take(n - 1) {
            let step = k - i;
            if next.mask & (1 << step) == 0 || next.time - e.time > window_ms {
                break;
            }
            chain.push(k);
        }
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
