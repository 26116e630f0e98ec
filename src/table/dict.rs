//! A string dictionary: distinct strings get dense `u32` keys in first-seen order.
//!
//! The strings live once, back to back in one buffer; the hash index holds only
//! keys (foldhash, fixed seed: the input is the user's own file, so hash flooding is
//! not a threat, and results never depend on the seed). Interning a user id is on
//! the load's hot path (one lookup per row): with std's SipHash and a second copy of
//! every string as the map's key it took 12% of a native load (BENCHMARKS.md).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// Distinct strings with dense keys `0..len`, in first-seen order.
#[derive(Clone, Default)]
pub struct Dict {
    /// All strings, concatenated in key order.
    text: String,
    /// End offset in `text` of each key's string.
    ends: Vec<usize>,
    index: HashTable<u32>,
    hasher: FixedState,
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The string of `key` in a dictionary's parts (a free function so that the index
/// can be borrowed mutably at the same time).
fn string_of<'a>(text: &'a str, ends: &[usize], key: u32) -> &'a str {
    let k = key as usize;
    let start = if k == 0 { 0 } else { ends[k - 1] };
    &text[start..ends[k]]
}

impl Dict {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self::default()
    }
    /// The key of `value`, adding it when new.
    pub fn intern(&mut self, value: &str) -> u32 {
        let Self {
            text,
            ends,
            index,
            hasher,
        } = self;
        let hash = hasher.hash_one(value);
        if let Some(&k) = index.find(hash, |&k| string_of(text, ends, k) == value) {
            return k;
        }
        let k = u32::try_from(ends.len()).unwrap_or(u32::MAX);
        text.push_str(value);
        ends.push(text.len());
        index.insert_unique(hash, k, |&k| hasher.hash_one(string_of(text, ends, k)));
        k
    }
    /// The key of `value`, if present.
    pub fn key(&self, value: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(value);
        self.index.find(hash, |&k| self.get(k) == value).copied()
    }
    /// The string of a key. Panics on a key this dictionary never issued (a bug).
    pub fn get(&self, key: u32) -> &str {
        string_of(&self.text, &self.ends, key)
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// All strings, indexed by key.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|k| self.get(k))
    }
    /// Bytes held on the heap (strings, offsets and the index), for memory reports.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.index.capacity() * (std::mem::size_of::<u32>() + 1)
    }
    /// Releases spare capacity once the dictionary is complete.
    pub fn shrink_to_fit(&mut self) {
        let Self {
            text,
            ends,
            index,
            hasher,
        } = self;
        text.shrink_to_fit();
        ends.shrink_to_fit();
        index.shrink_to_fit(|&k| hasher.hash_one(string_of(text, ends, k)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_dense_in_first_seen_order_and_round_trip() {
        let mut d = Dict::new();
        let words = ["b", "a", "", "b", "ü", "a", "long string with spaces"];
        let keys: Vec<u32> = words.iter().map(|w| d.intern(w)).collect();
        assert_eq!(keys, [0, 1, 2, 0, 3, 1, 4]);
        assert_eq!(d.len(), 5);
        assert_eq!(
            d.iter().collect::<Vec<_>>(),
            ["b", "a", "", "ü", "long string with spaces"]
        );
        for w in words {
            assert_eq!(d.get(d.key(w).expect("interned")), w);
        }
        assert_eq!(d.key("c"), None);
        d.shrink_to_fit();
        assert_eq!(d.key("ü"), Some(3));
        assert!(d.heap_bytes() >= "bauelong string with spaces".len());
    }

    #[test]
    fn many_strings_survive_growth() {
        let mut d = Dict::new();
        for i in 0..50_000u32 {
            assert_eq!(d.intern(&format!("user-{i}")), i);
        }
        for i in (0..50_000u32).step_by(997) {
            assert_eq!(d.key(&format!("user-{i}")), Some(i));
            assert_eq!(d.get(i), format!("user-{i}"));
        }
    }
}
