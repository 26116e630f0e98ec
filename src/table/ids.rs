//! The keys of recently seen user ids by their text: a direct-mapped cache in front
//! of the user dictionary, for ids of 1 to 16 bytes.
//!
//! An event log is in time order and a user's events come in sessions, so most rows'
//! ids were seen a few thousand rows before (on the 10M benchmark file about three
//! rows in four hit a cache of 4,096 slots, while only 6% repeat the previous row's
//! user). A hit reads the id as two words and its length (as [`super::recent`] does:
//! together they are the id's bytes exactly), hashes them with one multiplication,
//! and compares one slot: the id is never parsed as a number, hashed through the
//! dictionary, or looked up in its (large, uncached) index. A miss takes the
//! dictionary's path and remembers its answer here. The dictionary stays the only
//! owner of keys: a slot only holds a key it gave for exactly those bytes, and keys
//! never change once given.

use super::recent::words;

/// Slots (a power of two): 4,096 × 24 bytes = 96 KiB, within the CPU's L2.
const SLOTS: usize = 4096;

/// One id (as its two words and length) and its key.
#[derive(Debug, Clone, Copy)]
struct Slot {
    head: u64,
    tail: u64,
    /// The id's length, 0 for an empty slot.
    len: u32,
    key: u32,
}

const FREE: Slot = Slot {
    head: 0,
    tail: 0,
    len: 0,
    key: 0,
};

/// Recently seen ids → their keys.
#[derive(Debug, Clone, Default)]
pub struct RecentIds {
    /// Empty until the first id is remembered.
    slots: Vec<Slot>,
}

/// The slot of an id's words and length.
#[inline]
fn slot_of(head: u64, tail: u64, len: u32) -> usize {
    let mix = (head ^ tail.rotate_left(23) ^ u64::from(len)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mix >> 52) as usize & (SLOTS - 1)
}

/// True for an id the cache holds: 1 to 16 bytes.
#[inline]
pub fn cacheable(id: &[u8]) -> bool {
    id.len().wrapping_sub(1) < 16
}

impl RecentIds {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key remembered for `id` (1 to 16 bytes, [`cacheable`]), if any.
    #[inline]
    pub fn get(&self, id: &[u8]) -> Option<u32> {
        let (head, tail) = words(id);
        let len = id.len() as u32;
        let s = self.slots.get(slot_of(head, tail, len))?;
        (s.len == len && s.head == head && s.tail == tail).then_some(s.key)
    }

    /// Remembers `key` for `id` (1 to 16 bytes, [`cacheable`]), replacing the slot's
    /// previous id.
    #[inline]
    pub fn put(&mut self, id: &[u8], key: u32) {
        if self.slots.is_empty() {
            self.slots = vec![FREE; SLOTS];
        }
        let (head, tail) = words(id);
        let len = id.len() as u32;
        if let Some(s) = self.slots.get_mut(slot_of(head, tail, len)) {
            *s = Slot {
                head,
                tail,
                len,
                key,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// After any sequence of puts, every hit gives the key last put for exactly
        /// those bytes (ids sharing prefixes, suffixes and lengths, more ids than
        /// slots: evictions), and an id put last is always found.
        #[test]
        fn hits_are_the_keys_put(
            ids in proptest::collection::vec("[0-9]{1,3}|[0-9]{9,11}|0[0-9]{7,9}|[a-c]{14,16}|é[0-9]{1,5}", 1..6000),
        ) {
            let mut cache = RecentIds::new();
            let mut truth: HashMap<&str, u32> = HashMap::new();
            for (k, id) in ids.iter().enumerate() {
                let b = id.as_bytes();
                proptest::prop_assert!(cacheable(b));
                if let Some(got) = cache.get(b) {
                    proptest::prop_assert_eq!(Some(&got), truth.get(id.as_str()), "{}", id);
                }
                let key = *truth.entry(id.as_str()).or_insert(k as u32);
                cache.put(b, key);
                proptest::prop_assert_eq!(cache.get(b), Some(key));
            }
        }
    }

    #[test]
    fn only_ids_of_1_to_16_bytes() {
        assert!(!cacheable(b""));
        assert!(cacheable(b"1"));
        assert!(cacheable(b"0123456789abcdef"));
        assert!(!cacheable(b"0123456789abcdefg"));
        assert_eq!(RecentIds::new().get(b"42"), None);
    }
}
