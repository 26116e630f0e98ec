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

use super::numbers::NumberIndex;

/// One slot of the hash index: the key and where its string is, so that a lookup
/// touches the slot and the text, not the offsets too (at 10M rows and 553k users
/// each extra random access showed: the lookup was a third of the load).
#[derive(Clone, Copy)]
struct Slot {
    key: u32,
    len: u32,
    start: usize,
}

impl Slot {
    #[inline]
    fn is(&self, text: &str, value: &str) -> bool {
        self.len as usize == value.len()
            && text.as_bytes().get(self.start..self.start + value.len()) == Some(value.as_bytes())
    }
}

/// The value of a canonical decimal (`0` or digits without a leading zero, at most
/// 19 of them): such strings are looked up by number, with no text comparison.
#[inline]
fn canonical_number(value: &str) -> Option<u64> {
    let b = value.as_bytes();
    if b.is_empty() || b.len() > 19 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    b.iter().try_fold(0u64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u64::from(c - b'0'))
    })
}

/// Distinct strings with dense keys `0..len`, in first-seen order.
#[derive(Clone, Default)]
pub struct Dict {
    /// All strings, concatenated in key order.
    text: String,
    /// End offset in `text` of each key's string.
    ends: Vec<usize>,
    index: HashTable<Slot>,
    /// Canonical decimal strings (numeric user ids are the common case) by value:
    /// one random memory access per lookup instead of two or three.
    numbers: NumberIndex,
    hasher: FixedState,
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The string of `key` in a dictionary's parts (a free function so that the index
/// can be borrowed mutably at the same time).
#[inline]
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
    #[inline]
    pub fn intern(&mut self, value: &str) -> u32 {
        if let Some(n) = canonical_number(value) {
            if let Some(key) = self.numbers.find(n) {
                return key;
            }
            let key = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
            self.text.push_str(value);
            self.ends.push(self.text.len());
            self.numbers.insert(n, key);
            return key;
        }
        let Self {
            text,
            ends,
            index,
            hasher,
            ..
        } = self;
        let hash = hasher.hash_one(value);
        if let Some(slot) = index.find(hash, |s| s.is(text, value)) {
            return slot.key;
        }
        let key = u32::try_from(ends.len()).unwrap_or(u32::MAX);
        let slot = Slot {
            key,
            len: u32::try_from(value.len()).unwrap_or(u32::MAX),
            start: text.len(),
        };
        text.push_str(value);
        ends.push(text.len());
        index.insert_unique(hash, slot, |s| {
            hasher.hash_one(&text[s.start..s.start + s.len as usize])
        });
        key
    }
    /// The key of `value`, if present.
    pub fn key(&self, value: &str) -> Option<u32> {
        if let Some(n) = canonical_number(value) {
            return self.numbers.get(n);
        }
        let hash = self.hasher.hash_one(value);
        self.index
            .find(hash, |s| s.is(&self.text, value))
            .map(|s| s.key)
    }
    /// The string of a key. Panics on a key this dictionary never issued (a bug).
    #[inline]
    pub fn get(&self, key: u32) -> &str {
        string_of(&self.text, &self.ends, key)
    }
    /// Number of distinct strings.
    #[inline]
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
            + self.index.capacity() * (std::mem::size_of::<Slot>() + 1)
            + self.numbers.heap_bytes()
    }
    /// Bytes the strings take by count, not capacity (the strings, their offsets, and
    /// the index at hashbrown's 7/8 load): grows smoothly as values are added, for
    /// the load's memory estimate ([`crate::ingest::memory`]).
    pub fn used_bytes(&self) -> usize {
        let slots = self.index.len() * (std::mem::size_of::<Slot>() + 1) * 8 / 7;
        self.text.len()
            + self.ends.len() * std::mem::size_of::<usize>()
            + slots
            + self.numbers.used_bytes()
    }
    /// Releases spare capacity once the dictionary is complete.
    pub fn shrink_to_fit(&mut self) {
        let Self {
            text,
            ends,
            index,
            numbers,
            hasher,
        } = self;
        numbers.shrink_to_fit();
        text.shrink_to_fit();
        ends.shrink_to_fit();
        let _ = ends;
        index.shrink_to_fit(|s| hasher.hash_one(&text[s.start..s.start + s.len as usize]));
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
    fn numbers_and_text_share_one_key_space() {
        let mut d = Dict::new();
        let words = [
            "42",
            "042",
            "x",
            "0",
            "00",
            "42",
            "18446744073709551615",
            "9999999999999999999",
            "-1",
            "42 ",
        ];
        let keys: Vec<u32> = words.iter().map(|w| d.intern(w)).collect();
        assert_eq!(keys, [0, 1, 2, 3, 4, 0, 5, 6, 7, 8]);
        for (w, k) in words.iter().zip(&keys) {
            assert_eq!(d.get(*k), *w);
            assert_eq!(d.key(w), Some(*k));
        }
        assert_eq!(canonical_number("042"), None);
        assert_eq!(canonical_number("0"), Some(0));
        assert_eq!(
            canonical_number("9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(
            canonical_number("18446744073709551615"),
            None,
            "20 digits go by text"
        );
        assert_eq!(d.key("7"), None);
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
