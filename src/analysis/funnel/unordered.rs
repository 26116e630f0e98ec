//! Unordered mode: the level is the largest number of *distinct* steps matched by
//! distinct events that all lie in one window of length `W`, in any order.
//!
//! Windows. A window is anchored at an event matching at least one step (and, with
//! a date range, lying in it): it holds that event and every later one (in the
//! per-user order) at most `W` after it. Any set of events within `W` of each other
//! fits in the window anchored at its earliest member, so these windows suffice.
//!
//! Level of a window = a maximum bipartite matching steps × events (≤ 10 steps),
//! found with augmenting paths (Kuhn). The matching only depends on how many
//! events of each *step mask* (the set of steps an event matches) the window
//! holds, and no more than `popcount(mask)` events of one mask can ever be matched.
//! So the anchors are swept with a sliding window that keeps a count per mask, and
//! each anchor's matching runs on at most `popcount(mask)` copies per distinct mask
//! — independent of how many events the window holds.
//!
//! Timing chain. The earliest anchor reaching the user's level; its events are
//! then chosen greedily in order, adding an event when the matching grows (an
//! augmenting path from it exists). Event sets that can be matched form a
//! (transversal) matroid, so this greedy reaches the window's full level and picks
//! the order-wise earliest such set; the anchor itself is always its first event.
//! The chosen events are in order already; the gaps are between consecutive ones.

use super::{Chain, Event, MAX_STEPS};

/// Reusable buffers for [`walk`].
#[derive(Default)]
pub(super) struct Scratch {
    /// Positions of the events matching at least one step.
    hits: Vec<usize>,
    /// Events of each step mask in the current window (indexed by mask).
    count: Vec<u32>,
    /// The masks seen in this user's windows (to reset `count` cheaply).
    masks: Vec<u16>,
}

/// The user's level and timing chain, `None` when no event can anchor a window.
pub(super) fn walk(events: &[Event], n: usize, window_ms: i64, s: &mut Scratch) -> Option<Chain> {
    s.hits.clear();
    s.hits
        .extend((0..events.len()).filter(|&i| events[i].mask != 0));
    if s.count.len() < 1 << n {
        s.count.resize(1 << n, 0);
    }
    for &m in &s.masks {
        s.count[m as usize] = 0;
    }
    s.masks.clear();

    // Sweep the anchors; `end` is one past the last hit inside the anchor's window
    // (non-decreasing, since anchors come in time order).
    let mut best: Option<(usize, usize)> = None; // (level, index in hits)
    let mut end = 0;
    for a in 0..s.hits.len() {
        let anchor = &events[s.hits[a]];
        while end < s.hits.len() && events[s.hits[end]].time - anchor.time <= window_ms {
            let m = events[s.hits[end]].mask;
            if s.count[m as usize] == 0 && !s.masks.contains(&m) {
                s.masks.push(m);
            }
            s.count[m as usize] += 1;
            end += 1;
        }
        if anchor.in_range {
            let level = window_level(&s.masks, &s.count);
            // Strictly greater: the earliest anchor wins ties.
            if best.is_none_or(|(l, _)| level > l) {
                best = Some((level, a));
                if level == n {
                    break;
                }
            }
        }
        s.count[anchor.mask as usize] -= 1;
    }
    let (level, a) = best?;

    // Greedy chain in the best window. An event that fails to grow the matching
    // lies in the span of the events chosen so far; any later event with the same
    // mask (the same neighbours) lies in that span too, and the span only grows as
    // events are added. So a failed mask fails for good: remember it and skip the
    // augmenting search for it (tested against brute force in
    // tests/funnel_reference.rs).
    let anchor_time = events[s.hits[a]].time;
    let mut matching = Matching::default();
    let mut failed: Vec<u16> = Vec::new();
    let mut chain: Option<Chain> = None;
    for &i in &s.hits[a..] {
        let e = &events[i];
        if e.time - anchor_time > window_ms || chain.as_ref().is_some_and(|c| c.level == level) {
            break;
        }
        if failed.contains(&e.mask) {
            continue;
        }
        if matching.add(e.mask) {
            match chain.as_mut() {
                Some(c) => c.push(i),
                None => chain = Some(Chain::start(i)),
            }
        } else {
            failed.push(e.mask);
        }
    }
    chain
}

/// The maximum matching of one window, from its per-mask event counts.
fn window_level(masks: &[u16], count: &[u32]) -> usize {
    let mut matching = Matching::default();
    let mut size = 0;
    for &m in masks {
        let copies = count[m as usize].min(m.count_ones());
        for _ in 0..copies {
            if matching.add(m) {
                size += 1;
            }
        }
    }
    size
}

/// A bipartite matching between steps and events, grown by augmenting paths.
#[derive(Default)]
struct Matching {
    /// The step mask of each event vertex added so far (matched or not).
    masks: Vec<u16>,
    /// For each step, the event vertex it is matched to.
    owner: [Option<usize>; MAX_STEPS],
}

impl Matching {
    /// Adds an event matching the steps in `mask`; true when the matching grew
    /// (the event is then matched, possibly after re-assigning others).
    fn add(&mut self, mask: u16) -> bool {
        let v = self.masks.len();
        self.masks.push(mask);
        let mut seen = 0u16;
        if self.augment(v, &mut seen) {
            true
        } else {
            // A failed search changes no assignment, so the vertex can just go.
            self.masks.pop();
            false
        }
    }

    /// Kuhn's search for an augmenting path from event vertex `v`; the recursion
    /// is at most one level per step (each step is visited once).
    fn augment(&mut self, v: usize, seen: &mut u16) -> bool {
        let mask = self.masks[v];
        for k in 0..MAX_STEPS {
            let bit = 1u16 << k;
            if mask & bit == 0 || *seen & bit != 0 {
                continue;
            }
            *seen |= bit;
            let free = match self.owner[k] {
                None => true,
                Some(w) => self.augment(w, seen),
            };
            if free {
                self.owner[k] = Some(v);
                return true;
            }
        }
        false
    }
}
