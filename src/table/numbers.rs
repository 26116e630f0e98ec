//! The keys of a dictionary's canonical decimal strings (numeric user ids), by
//! value: an open-addressing table of `(value, key)` pairs with linear probing.
//!
//! A lookup of a user id at 10M events and 553k users misses the cache: with
//! hashbrown's separate control bytes that was two misses per row (the control
//! group, then the slot); here the slot is the first thing read and its neighbours
//! share its cache line. The hash is the SplitMix64 finaliser (two multiplications,
//! native in wasm too); the table doubles at 3/4 full. Keys are the dictionary's:
//! this only finds them.
//!
//! In front of a large table, a small direct-mapped cache of recently found values
//! ([`RECENT`] slots, 64 KiB: it stays in the CPU's L2): an event log is in time
//! order and a user's events come in sessions, so most lookups repeat a value seen
//! a few thousand rows before (on the 10M benchmark file 77% hit a 4,096-slot
//! cache, against 6% that repeat the previous row's user).

/// An empty slot's key.
const EMPTY: u32 = u32::MAX;

/// One slot: a value and its key ([`EMPTY`] when unused).
#[derive(Debug, Clone, Copy)]
struct Slot {
    value: u64,
    key: u32,
}

const FREE: Slot = Slot {
    value: 0,
    key: EMPTY,
};

/// Slots of the cache of recently found values (a power of two).
const RECENT: usize = 4096;

/// The table size from which the cache is used: below it the table itself is small
/// enough to stay in the cache.
const RECENT_FROM: usize = 4 * RECENT;

/// Values → keys.
#[derive(Debug, Clone, Default)]
pub struct NumberIndex {
    slots: Vec<Slot>,
    len: usize,
    /// Recently found values, by the high bits of their hash (empty until the
    /// table has [`RECENT_FROM`] slots).
    recent: Vec<Slot>,
}

/// SplitMix64's finaliser: every input bit moves every output bit.
#[inline]
fn mix(v: u64) -> u64 {
    let mut z = v.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl NumberIndex {
    /// The slot where the probe for `value` starts (`slots` is a power of two).
    #[inline]
    fn home(&self, value: u64) -> usize {
        (mix(value) as usize) & (self.slots.len() - 1)
    }

    /// The key of `value`, if present.
    #[inline]
    pub fn get(&self, value: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(value);
        loop {
            let s = self.slots[i];
            if s.key == EMPTY {
                return None;
            }
            if s.value == value {
                return Some(s.key);
            }
            i = (i + 1) & mask;
        }
    }

    /// The key of `value`, if present, through the cache of recent values (which
    /// remembers it).
    #[inline]
    pub fn find(&mut self, value: u64) -> Option<u32> {
        if self.recent.is_empty() {
            return self.get(value);
        }
        let at = (mix(value) >> 52) as usize & (RECENT - 1);
        let r = self.recent[at];
        if r.key != EMPTY && r.value == value {
            return Some(r.key);
        }
        let key = self.get(value)?;
        self.recent[at] = Slot { value, key };
        Some(key)
    }

    /// Adds `value` (not present) with `key`.
    pub fn insert(&mut self, value: u64, key: u32) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow((self.slots.len() * 2).max(16));
            if self.slots.len() >= RECENT_FROM && self.recent.is_empty() {
                self.recent = vec![FREE; RECENT];
            }
        }
        self.place(value, key);
        self.len += 1;
        if !self.recent.is_empty() {
            self.recent[(mix(value) >> 52) as usize & (RECENT - 1)] = Slot { value, key };
        }
    }

    fn place(&mut self, value: u64, key: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(value);
        while self.slots[i].key != EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { value, key };
    }

    /// Moves every pair into a table of `slots` slots (a power of two, more than
    /// the pairs).
    fn grow(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![FREE; slots]);
        for s in old.into_iter().filter(|s| s.key != EMPTY) {
            self.place(s.value, s.key);
        }
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        (self.slots.capacity() + self.recent.capacity()) * std::mem::size_of::<Slot>()
    }

    /// Bytes the values take at the table's average fill (between 3/8 and 3/4:
    /// counted at 9/16), growing smoothly with them, for the load's memory estimate.
    pub fn used_bytes(&self) -> usize {
        (self.len * 16 / 9 + self.recent.len()) * std::mem::size_of::<Slot>()
    }

    /// Rebuilds the table at the smallest size that holds its values (once complete).
    pub fn shrink_to_fit(&mut self) {
        let mut slots = 16;
        while self.len * 4 > slots * 3 {
            slots *= 2;
        }
        if slots < self.slots.len() {
            self.grow(slots);
        }
        // Complete: no more lookups on the hot path.
        self.recent = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::Strategy;

    use super::*;

    proptest::proptest! {
        /// Values inserted in random order with keys in insertion order are found
        /// with their keys, and absent values are not, through growth and shrinking
        /// (small ranges: colliding homes; values differing in high bits only).
        #[test]
        fn finds_what_a_hash_map_finds(
            values in proptest::collection::vec(
                proptest::prop_oneof![0u64..64, proptest::num::u64::ANY, (0u64..8).prop_map(|v| v << 60)], 0..600),
            probes in proptest::collection::vec(0u64..128, 0..50),
        ) {
            let (mut index, mut plain) = (NumberIndex::default(), HashMap::new());
            for v in values {
                if index.get(v).is_none() {
                    let key = plain.len() as u32;
                    index.insert(v, key);
                    plain.insert(v, key);
                }
            }
            for shrink in [false, true] {
                // Through the cache path too (unused at this size).
                for p in &probes {
                    proptest::prop_assert_eq!(index.find(*p), plain.get(p).copied());
                }
                if shrink {
                    index.shrink_to_fit();
                }
                proptest::prop_assert_eq!(index.len, plain.len());
                for (&v, &k) in &plain {
                    proptest::prop_assert_eq!(index.get(v), Some(k));
                }
                for p in &probes {
                    proptest::prop_assert_eq!(index.get(*p), plain.get(p).copied());
                }
            }
        }
    }

    /// Enough values for the cache of recent values: lookups through it (repeats
    /// near in time, as in an event log, and absent values), interleaved with
    /// inserts and growth, find what a HashMap finds.
    #[test]
    fn the_recent_cache_finds_what_a_hash_map_finds() {
        let (mut index, mut plain) = (NumberIndex::default(), HashMap::new());
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for row in 0..300_000u64 {
            let r = next();
            // Mostly one of the last few thousand values, sometimes a new one,
            // sometimes one never inserted (odd: every inserted value is even).
            let v = match r % 10 {
                0 => (row * 2) << 8,
                1 => r | 1,
                _ => ((row.saturating_sub(r >> 40 & 4095)) * 2) << 8,
            };
            match index.find(v) {
                Some(k) => assert_eq!(plain.get(&v), Some(&k), "{v}"),
                None => {
                    assert_eq!(plain.get(&v), None, "{v}");
                    if v & 1 == 0 {
                        let key = plain.len() as u32;
                        index.insert(v, key);
                        plain.insert(v, key);
                    }
                }
            }
        }
        assert!(!index.recent.is_empty(), "the cache was used");
        index.shrink_to_fit();
        for (&v, &k) in &plain {
            assert_eq!(index.find(v), Some(k));
        }
    }
}
