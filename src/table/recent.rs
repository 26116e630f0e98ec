//! A small cache in front of a low-cardinality [`Dict`]: the keys of recently
//! interned short strings, so that a column of a few distinct values ("pc",
//! "email", "page_view") does not hash every cell through the dictionary's index.
//!
//! Direct-mapped: a string of at most 16 bytes is read as two overlapping words
//! (which, with its length, identify it exactly) and lands in one of 64 slots; a
//! slot holds the words, the length and the key. A hit compares two words, with no
//! hashing and no byte comparison; a miss interns through the dictionary as before
//! and fills the slot. The dictionary stays the only owner of keys: they are the
//! ones it gives, in first-seen order, and a slot only remembers one it gave (keys
//! never change once given). Longer strings, and columns whose dictionary has
//! grown past a few hundred values (ids), go straight to the dictionary.

use super::Dict;

/// Slots of the cache (a power of two).
const SLOTS: usize = 64;

/// Above this many distinct values the column is not low-cardinality: skip the cache.
const MAX_VALUES: usize = 4 * SLOTS;

/// The longest string the cache holds.
const MAX_LEN: usize = 16;

/// One cached string (as its two words and length) and its key.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The string's length, or `u32::MAX` when the slot is empty.
    len: u32,
    key: u32,
    head: u64,
    tail: u64,
}

const EMPTY: Entry = Entry {
    len: u32::MAX,
    key: 0,
    head: 0,
    tail: 0,
};

/// The cache of one dictionary.
#[derive(Debug, Clone)]
pub struct Recent {
    slots: Box<[Entry]>,
}

impl Default for Recent {
    fn default() -> Self {
        Self {
            slots: vec![EMPTY; SLOTS].into_boxed_slice(),
        }
    }
}

/// `N` bytes of `b` from `at` (the caller checked the length).
#[inline]
fn word<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut w = [0u8; N];
    w.copy_from_slice(&b[at..at + N]);
    w
}

/// Two words that, together with the length (1 to 16), determine the bytes of `b`:
/// its first and last eight bytes (overlapping when shorter than 16), its first and
/// last four when shorter than 8, its first, middle and last byte when shorter than
/// 4 (which covers every byte of 1, 2 or 3).
#[inline]
fn words(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    if n >= 8 {
        (
            u64::from_le_bytes(word::<8>(b, 0)),
            u64::from_le_bytes(word::<8>(b, n - 8)),
        )
    } else if n >= 4 {
        (
            u64::from(u32::from_le_bytes(word::<4>(b, 0))),
            u64::from(u32::from_le_bytes(word::<4>(b, n - 4))),
        )
    } else {
        let (first, mid, last) = (b[0], b[n / 2], b[n - 1]);
        (
            u64::from(first) | u64::from(mid) << 8 | u64::from(last) << 16,
            0,
        )
    }
}

impl Recent {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key of `value` in `dict`, adding it when new: exactly `dict.intern(value)`.
    #[inline]
    pub fn intern(&mut self, dict: &mut Dict, value: &str) -> u32 {
        let b = value.as_bytes();
        if b.is_empty() || b.len() > MAX_LEN || dict.len() > MAX_VALUES {
            return dict.intern(value);
        }
        let (head, tail) = words(b);
        let len = b.len() as u32;
        let mix =
            (head ^ tail.rotate_left(29) ^ u64::from(len)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = &mut self.slots[(mix >> 58) as usize & (SLOTS - 1)];
        if slot.len == len && slot.head == head && slot.tail == tail {
            return slot.key;
        }
        let key = dict.intern(value);
        *slot = Entry {
            len,
            key,
            head,
            tail,
        };
        key
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A plain reference: keys in first-seen order from a `HashMap`.
    fn reference(values: &[String]) -> Vec<u32> {
        let mut seen: HashMap<&str, u32> = HashMap::new();
        values
            .iter()
            .map(|v| {
                let next = seen.len() as u32;
                *seen.entry(v.as_str()).or_insert(next)
            })
            .collect()
    }

    #[test]
    fn words_identify_short_strings() {
        // Strings that share their first and last bytes or words.
        let tricky = [
            "a",
            "aa",
            "aaa",
            "aba",
            "abca",
            "abba",
            "abcdefgh",
            "abcdxfgh",
            "abcdefghi",
            "abcdefgxi",
            "0123456789abcdef",
            "0123456789abcdeF",
            "0123456x89abcdef",
        ];
        for x in tricky {
            for y in tricky {
                if x != y && x.len() == y.len() {
                    assert_ne!(words(x.as_bytes()), words(y.as_bytes()), "{x} / {y}");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// On random columns of few values (short, long, empty, sharing prefixes and
        /// suffixes, more values than slots: collisions), the cached keys equal a
        /// plain HashMap's first-seen keys, and the dictionary holds the same strings
        /// in the same order as one filled without the cache.
        #[test]
        fn cached_keys_equal_a_plain_map(
            pool in proptest::collection::vec("[ab]{0,3}|[abc]{8,9}|x[ab]{2,14}y|[a-z]{15,18}", 1..300),
            picks in proptest::collection::vec(0usize..1000, 0..2000),
        ) {
            let values: Vec<String> = picks.iter().map(|&p| pool[p % pool.len()].clone()).collect();
            let (mut dict, mut plain, mut cache) = (Dict::new(), Dict::new(), Recent::new());
            let got: Vec<u32> = values.iter().map(|v| cache.intern(&mut dict, v)).collect();
            let want: Vec<u32> = values.iter().map(|v| plain.intern(v)).collect();
            proptest::prop_assert_eq!(&got, &reference(&values));
            proptest::prop_assert_eq!(&got, &want);
            proptest::prop_assert_eq!(dict.iter().collect::<Vec<_>>(), plain.iter().collect::<Vec<_>>());
        }
    }
}
