//! The keys of a dictionary's canonical decimal strings (numeric user ids), by
//! value: an open-addressing table of value–key pairs with linear probing.
//!
//! A lookup of a user id at 10M events and 553k users misses the cache: with
//! hashbrown's separate control bytes that was two misses per row (the control
//! group, then the slot); here the slot is the first thing read and its neighbours
//! share its cache line. The hash is the SplitMix64 finaliser (two multiplications,
//! native in wasm too); the table doubles at 3/4 full. Keys are the dictionary's:
//! this only finds them.
//!
//! While every value fits 32 bits (ids of up to 9 digits, and the 10-digit ones
//! below 4,294,967,296) a pair is one 8-byte word ([`Narrow`]): half the memory
//! of a 16-byte pair ([`Wide`]), so a table of 300k users is 4 MiB instead of 8 —
//! on this machine a random read in 4 MiB costs about half what one in 8 MiB does.
//! The first larger value moves every pair into wide slots, once.
//!
//! In front of a large table, a direct-mapped cache of recently found values
//! ([`RECENT_BYTES`], 64 KiB): an event log is in time order and a user's events
//! come in sessions, so many lookups repeat a value seen a few thousand rows
//! before. It sees only the misses of [`super::ids`]'s cache (one row in four), so
//! its lines are touched rarely: a larger one (512 KiB, 1 MiB) kept more values but
//! its own lines went cold in the L2, and measured slower (BENCHMARKS.md).

/// An empty slot's key.
const EMPTY: u32 = u32::MAX;

/// One slot of a table: a value and its key, or free.
trait Pair: Copy {
    /// A free slot.
    const FREE: Self;
    /// The largest value a slot holds.
    const MAX_VALUE: u64;
    /// A slot holding `value` (at most [`Pair::MAX_VALUE`]) and `key`.
    fn new(value: u64, key: u32) -> Self;
    /// The slot's key, [`EMPTY`] when free.
    fn key(self) -> u32;
    /// The slot's value (meaningless when free).
    fn value(self) -> u64;
}

/// A value of at most 32 bits (the low half) and its key (the high half); a free
/// slot is all ones (key [`EMPTY`]).
#[derive(Debug, Clone, Copy)]
struct Narrow(u64);

impl Pair for Narrow {
    const FREE: Self = Narrow(u64::MAX);
    const MAX_VALUE: u64 = u32::MAX as u64;
    #[inline]
    fn new(value: u64, key: u32) -> Self {
        Narrow(u64::from(key) << 32 | (value & Self::MAX_VALUE))
    }
    #[inline]
    fn key(self) -> u32 {
        (self.0 >> 32) as u32
    }
    #[inline]
    fn value(self) -> u64 {
        self.0 & Self::MAX_VALUE
    }
}

/// Any value and its key.
#[derive(Debug, Clone, Copy)]
struct Wide {
    value: u64,
    key: u32,
}

impl Pair for Wide {
    const FREE: Self = Wide {
        value: 0,
        key: EMPTY,
    };
    const MAX_VALUE: u64 = u64::MAX;
    #[inline]
    fn new(value: u64, key: u32) -> Self {
        Wide { value, key }
    }
    #[inline]
    fn key(self) -> u32 {
        self.key
    }
    #[inline]
    fn value(self) -> u64 {
        self.value
    }
}

/// Bytes of the cache of recently found values: 8,192 narrow slots or 4,096 wide
/// ones.
const RECENT_BYTES: usize = 64 << 10;

/// SplitMix64's finaliser: every input bit moves every output bit.
#[inline]
fn mix(v: u64) -> u64 {
    let mut z = v.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Values → keys in slots of one kind.
#[derive(Debug, Clone)]
struct Table<P> {
    slots: Vec<P>,
    /// Recently found values, by the high bits of their hash (empty until the
    /// table has four times as many slots: below that it is small enough itself).
    recent: Vec<P>,
}

impl<P> Default for Table<P> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            recent: Vec::new(),
        }
    }
}

impl<P: Pair> Table<P> {
    /// Slots of the cache of recent values (a power of two).
    const RECENT: usize = RECENT_BYTES / std::mem::size_of::<P>();

    /// The cache slot of a value's hash: its high bits (the table's home takes
    /// the low ones).
    #[inline]
    fn recent_slot(hash: u64) -> usize {
        (hash >> (64 - Self::RECENT.trailing_zeros())) as usize
    }

    /// The key of `value` (at most [`Pair::MAX_VALUE`]), if present, probing from
    /// the home slot of its hash.
    #[inline]
    fn get_hashed(&self, value: u64, hash: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let s = self.slots[i];
            if s.key() == EMPTY {
                return None;
            }
            if s.value() == value {
                return Some(s.key());
            }
            i = (i + 1) & mask;
        }
    }

    /// The key of `value`, if present, through the cache of recent values (which
    /// remembers it).
    #[inline]
    fn find(&mut self, value: u64) -> Option<u32> {
        let hash = mix(value);
        if self.recent.is_empty() {
            return self.get_hashed(value, hash);
        }
        let at = Self::recent_slot(hash);
        let r = self.recent[at];
        if r.key() != EMPTY && r.value() == value {
            return Some(r.key());
        }
        let key = self.get_hashed(value, hash)?;
        self.recent[at] = P::new(value, key);
        Some(key)
    }

    /// Adds `value` (not present) with `key`; `len` pairs are already in.
    fn insert(&mut self, value: u64, key: u32, len: usize) {
        if (len + 1) * 4 > self.slots.len() * 3 {
            self.grow((self.slots.len() * 2).max(16));
            if self.slots.len() >= 4 * Self::RECENT && self.recent.is_empty() {
                self.recent = vec![P::FREE; Self::RECENT];
            }
        }
        let hash = mix(value);
        self.place(value, key, hash);
        if !self.recent.is_empty() {
            self.recent[Self::recent_slot(hash)] = P::new(value, key);
        }
    }

    fn place(&mut self, value: u64, key: u32, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i].key() != EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = P::new(value, key);
    }

    /// Every pair, in slot order.
    fn pairs(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.key() != EMPTY)
            .map(|s| (s.value(), s.key()))
    }

    /// Moves every pair into a table of `slots` slots (a power of two, more than
    /// the pairs).
    fn grow(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![P::FREE; slots]);
        for s in old.into_iter().filter(|s| s.key() != EMPTY) {
            self.place(s.value(), s.key(), mix(s.value()));
        }
    }

    /// Bytes held on the heap.
    fn heap_bytes(&self) -> usize {
        (self.slots.capacity() + self.recent.capacity()) * std::mem::size_of::<P>()
    }

    /// Bytes the pairs take at the table's average fill (between 3/8 and 3/4:
    /// counted at 9/16), and the cache.
    fn used_bytes(&self, len: usize) -> usize {
        (len * 16 / 9 + self.recent.len()) * std::mem::size_of::<P>()
    }

    /// Rebuilds the table at the smallest size that holds its `len` values, and
    /// drops the cache.
    fn shrink_to_fit(&mut self, len: usize) {
        let mut slots = 16;
        while len * 4 > slots * 3 {
            slots *= 2;
        }
        if slots < self.slots.len() {
            self.grow(slots);
        }
        self.recent = Vec::new();
    }
}

/// The table, in narrow slots while every value fits them.
#[derive(Debug, Clone)]
enum Slots {
    Narrow(Table<Narrow>),
    Wide(Table<Wide>),
}

impl Default for Slots {
    fn default() -> Self {
        Slots::Narrow(Table::default())
    }
}

/// Values → keys.
#[derive(Debug, Clone, Default)]
pub struct NumberIndex {
    slots: Slots,
    len: usize,
}

impl NumberIndex {
    /// The key of `value`, if present.
    #[inline]
    pub fn get(&self, value: u64) -> Option<u32> {
        match &self.slots {
            Slots::Narrow(t) if value <= Narrow::MAX_VALUE => t.get_hashed(value, mix(value)),
            Slots::Narrow(_) => None,
            Slots::Wide(t) => t.get_hashed(value, mix(value)),
        }
    }

    /// The key of `value`, if present, through the cache of recent values (which
    /// remembers it).
    #[inline]
    pub fn find(&mut self, value: u64) -> Option<u32> {
        match &mut self.slots {
            Slots::Narrow(t) if value <= Narrow::MAX_VALUE => t.find(value),
            // No narrow slot holds a larger value.
            Slots::Narrow(_) => None,
            Slots::Wide(t) => t.find(value),
        }
    }

    /// Adds `value` (not present) with `key`.
    pub fn insert(&mut self, value: u64, key: u32) {
        if let Slots::Narrow(t) = &self.slots
            && value > Narrow::MAX_VALUE
        {
            self.slots = Slots::Wide(widened(t));
        }
        match &mut self.slots {
            Slots::Narrow(t) => t.insert(value, key, self.len),
            Slots::Wide(t) => t.insert(value, key, self.len),
        }
        self.len += 1;
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        match &self.slots {
            Slots::Narrow(t) => t.heap_bytes(),
            Slots::Wide(t) => t.heap_bytes(),
        }
    }

    /// Bytes the values take at the table's average fill (between 3/8 and 3/4:
    /// counted at 9/16), growing smoothly with them, for the load's memory estimate.
    pub fn used_bytes(&self) -> usize {
        match &self.slots {
            Slots::Narrow(t) => t.used_bytes(self.len),
            Slots::Wide(t) => t.used_bytes(self.len),
        }
    }

    /// Rebuilds the table at the smallest size that holds its values (once complete).
    pub fn shrink_to_fit(&mut self) {
        // Complete: no more lookups on the hot path, so no cache.
        match &mut self.slots {
            Slots::Narrow(t) => t.shrink_to_fit(self.len),
            Slots::Wide(t) => t.shrink_to_fit(self.len),
        }
    }
}

/// A narrow table's pairs in as many wide slots (with a cache if it had one or is
/// large enough for one).
fn widened(t: &Table<Narrow>) -> Table<Wide> {
    let mut wide = Table {
        slots: vec![Wide::FREE; t.slots.len()],
        recent: Vec::new(),
    };
    for (value, key) in t.pairs() {
        wide.place(value, key, mix(value));
    }
    if !t.recent.is_empty() || wide.slots.len() >= 4 * Table::<Wide>::RECENT {
        wide.recent = vec![Wide::FREE; Table::<Wide>::RECENT];
    }
    wide
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::Strategy;

    use super::*;

    impl NumberIndex {
        /// True while the pairs are narrow.
        fn is_narrow(&self) -> bool {
            matches!(self.slots, Slots::Narrow(_))
        }
        /// True when the cache of recent values is in use.
        fn caches(&self) -> bool {
            match &self.slots {
                Slots::Narrow(t) => !t.recent.is_empty(),
                Slots::Wide(t) => !t.recent.is_empty(),
            }
        }
    }

    /// Values on both sides of the narrow slots' bound.
    fn near_the_bound() -> impl Strategy<Value = u64> {
        (0u64..64).prop_map(|d| (u64::from(u32::MAX) - 31).wrapping_add(d))
    }

    proptest::proptest! {
        /// Values inserted in random order with keys in insertion order are found
        /// with their keys, and absent values are not, through growth, widening and
        /// shrinking (small ranges: colliding homes; values differing in high bits
        /// only; values at the narrow slots' 32-bit bound).
        #[test]
        fn finds_what_a_hash_map_finds(
            values in proptest::collection::vec(
                proptest::prop_oneof![0u64..64, proptest::num::u64::ANY, (0u64..8).prop_map(|v| v << 60), near_the_bound(), proptest::num::u32::ANY.prop_map(u64::from)], 0..600),
            probes in proptest::collection::vec(proptest::prop_oneof![0u64..128, near_the_bound()], 0..50),
        ) {
            let (mut index, mut plain) = (NumberIndex::default(), HashMap::new());
            for v in values {
                if index.get(v).is_none() {
                    let key = plain.len() as u32;
                    index.insert(v, key);
                    plain.insert(v, key);
                }
                proptest::prop_assert_eq!(index.is_narrow(), plain.keys().all(|&v| v <= u64::from(u32::MAX)));
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
    /// near in time, as in an event log, values sharing a cache slot, and absent
    /// values), interleaved with inserts and growth, find what a HashMap finds —
    /// narrow throughout, or widened midway by a value past 32 bits (`widen_at`).
    fn the_recent_cache_finds_what_a_hash_map_finds(widen_at: Option<u64>) {
        let (mut index, mut plain) = (NumberIndex::default(), HashMap::new());
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // Values whose hashes share the high bits that pick a cache slot.
        let slot_of = |v: u64| mix(v) >> 48;
        let twins: Vec<u64> = (0..4_000_000u64)
            .map(|v| v * 2)
            .filter(|&v| slot_of(v) == slot_of(0))
            .collect();
        assert!(twins.len() >= 8, "{}", twins.len());
        // Even values are inserted, scaled past 32 bits from `widen_at` on.
        let scale = |v: u64, row: u64| match widen_at {
            Some(at) if row >= at => v << 8 | 1 << 40,
            _ => v << 8,
        };
        for row in 0..400_000u64 {
            let r = next();
            // Mostly one of the last few thousand values, sometimes a new one,
            // sometimes one never inserted (odd: every inserted value is even),
            // sometimes one of the values sharing a cache slot.
            let v = match r % 20 {
                0 | 1 => scale(row * 2, row),
                2 | 3 => r | 1,
                4 => twins[(r >> 32) as usize % twins.len()],
                _ => {
                    let back = row.saturating_sub(r >> 40 & 4095);
                    scale(back * 2, back)
                }
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
        assert!(index.caches(), "the cache was used");
        assert_eq!(index.is_narrow(), widen_at.is_none());
        index.shrink_to_fit();
        for (&v, &k) in &plain {
            assert_eq!(index.find(v), Some(k));
        }
    }

    #[test]
    fn the_recent_cache_finds_what_a_hash_map_finds_narrow() {
        the_recent_cache_finds_what_a_hash_map_finds(None);
    }

    #[test]
    fn the_recent_cache_finds_what_a_hash_map_finds_widened_midway() {
        the_recent_cache_finds_what_a_hash_map_finds(Some(300_000));
    }

    /// Narrow slots hold every value up to 32 bits, keys up to the last before
    /// [`EMPTY`], and a free slot is neither.
    #[test]
    fn narrow_slots_round_trip() {
        for value in [0, 1, 4_294_967_295] {
            for key in [0, 1, 77, EMPTY - 1] {
                let s = Narrow::new(value, key);
                assert_eq!((s.value(), s.key()), (value, key));
            }
        }
        assert_eq!(Narrow::FREE.key(), EMPTY);
        assert_eq!(Table::<Narrow>::RECENT, 8_192);
        assert_eq!(Table::<Wide>::RECENT, 4_096);
    }
}
