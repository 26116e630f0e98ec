//! A small index in front of a low-cardinality [`Dict`]: the keys of its short
//! strings, so that a column of a few distinct values ("pc", "email", "page_view")
//! does not hash every cell through the dictionary's index.
//!
//! A string of at most 16 bytes is read as two overlapping words (which, with its
//! length, identify it exactly); an open-addressing table (linear probing, at most
//! half full: it doubles, from 64 slots) holds the words, the length and the key.
//! A hit compares two words, with no hashing of the text and no byte comparison; a
//! string not there yet is interned through the dictionary and added. The
//! dictionary stays the only owner of keys: they are the ones it gives, in
//! first-seen order, and a slot only remembers one it gave (keys never change once
//! given). Longer strings, and columns whose dictionary has grown past a few hundred
//! values (ids), go straight to the dictionary.
//!
//! (It was a direct-mapped cache of 64 slots: two frequent values in one slot
//! evicted each other, and on the benchmark file one cell in five missed it.)

use super::Dict;

/// Slots of a new table (a power of two).
const SLOTS: usize = 64;

/// Above this many distinct values the column is not low-cardinality: skip the index.
const MAX_VALUES: usize = 4 * SLOTS;

/// The most slots a table grows to: at most half full with `MAX_VALUES + 1` strings.
const MAX_SLOTS: usize = 16 * SLOTS;

/// The longest string the index holds.
const MAX_LEN: usize = 16;

/// One string (as its two words and length) and its key.
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

/// The index of one dictionary.
#[derive(Debug, Clone)]
pub struct Recent {
    slots: Box<[Entry]>,
    /// Slots in use.
    used: usize,
}

impl Default for Recent {
    fn default() -> Self {
        Self {
            slots: vec![EMPTY; SLOTS].into_boxed_slice(),
            used: 0,
        }
    }
}

/// Where the probe for a string's words and length starts, in `slots` slots.
#[inline]
fn home(head: u64, tail: u64, len: u32, slots: usize) -> usize {
    let mix = (head ^ tail.rotate_left(29) ^ u64::from(len)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mix >> 40) as usize & (slots - 1)
}

/// `N` bytes of `b` from `at` (the caller checked the length).
#[inline]
fn word<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut w = [0u8; N];
    w.copy_from_slice(&b[at..at + N]);
    w
}

/// `dict.intern_bytes(b)`, outlined: a value the index does not hold (empty, long,
/// or a column past [`MAX_VALUES`]).
#[inline(never)]
fn plain(dict: &mut Dict, b: &[u8]) -> u32 {
    dict.intern_bytes(b)
}

/// Two words that, together with the length (1 to 16), determine the bytes of `b`:
/// its first and last eight bytes (overlapping when shorter than 16), its first and
/// last four when shorter than 8, its first, middle and last byte when shorter than
/// 4 (which covers every byte of 1, 2 or 3). (Reading a fixed 16-byte window at the
/// cell's start and masking it, with no branch on the length, measured no faster
/// in wasm and cost more instructions natively: BENCHMARKS.md.)
#[inline]
pub(super) fn words(b: &[u8]) -> (u64, u64) {
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

/// [`words`] with no branch on the length from 4 to 16 bytes (one only below 4):
/// four 4-byte loads at offsets 0, `min(4, n - 4)`, `min(8, n - 4)` and `n - 4`,
/// which cover every byte of `b` and, with the length, determine it. A column's
/// values differ in length from row to row ("email", "paid_search"), so the
/// branches of [`words`] on the length were mispredicted about once per row in
/// the property lookups (BENCHMARKS.md). The index keys its entries by these.
#[inline(always)]
pub(super) fn quads(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    if n < 4 {
        return words(b);
    }
    let q = |at: usize| u64::from(u32::from_le_bytes(word::<4>(b, at)));
    let last = n - 4;
    (q(0) | q(last.min(4)) << 32, q(last.min(8)) | q(last) << 32)
}

impl Recent {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key of the text `b` (UTF-8: a loader's cell) in `dict`, adding it when
    /// new: exactly `dict.intern(text)`. The probe is inlined into the caller (a
    /// call per cell cost a prologue and epilogue saving the registers the miss
    /// path needs: BENCHMARKS.md); a string not there yet, or one the index does
    /// not hold, goes through an outlined call.
    #[inline(always)]
    pub fn intern_bytes(&mut self, dict: &mut Dict, b: &[u8]) -> u32 {
        let n = b.len();
        if n.wrapping_sub(1) >= MAX_LEN || dict.len() > MAX_VALUES {
            return plain(dict, b);
        }
        let (head, tail) = quads(b);
        let len = n as u32;
        let mask = self.slots.len() - 1;
        let mut i = home(head, tail, len, self.slots.len());
        while let Some(e) = self.slots.get(i) {
            if e.len == len && e.head == head && e.tail == tail {
                return e.key;
            }
            if e.len == EMPTY.len {
                break;
            }
            i = (i + 1) & mask;
        }
        self.add(dict, b, head, tail, i)
    }

    /// Interns `b` (not in the index: its probe ended at the empty slot `i`) and
    /// remembers its key.
    #[cold]
    #[inline(never)]
    fn add(&mut self, dict: &mut Dict, b: &[u8], head: u64, tail: u64, mut i: usize) -> u32 {
        let len = b.len() as u32;
        let key = dict.intern_bytes(b);
        let entry = Entry {
            len,
            key,
            head,
            tail,
        };
        if (self.used + 1) * 2 > self.slots.len() {
            if self.slots.len() >= MAX_SLOTS {
                // Past `MAX_VALUES` strings: the dictionary answers from now on.
                return key;
            }
            self.grow();
            i = self.free_slot(&entry);
        }
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = entry;
            self.used += 1;
        }
        key
    }

    /// The empty slot where `e`'s probe ends (the table has one: at most half full).
    fn free_slot(&self, e: &Entry) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = home(e.head, e.tail, e.len, self.slots.len());
        while self.slots[i].len != EMPTY.len {
            i = (i + 1) & mask;
        }
        i
    }

    /// Doubles the table.
    #[cold]
    fn grow(&mut self) {
        let bigger = vec![EMPTY; self.slots.len() * 2].into_boxed_slice();
        let old = std::mem::replace(&mut self.slots, bigger);
        for e in old.iter().filter(|e| e.len != EMPTY.len) {
            let i = self.free_slot(e);
            self.slots[i] = *e;
        }
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
                    assert_ne!(quads(x.as_bytes()), quads(y.as_bytes()), "{x} / {y}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Two strings of the same length (1 to 16) with equal [`quads`] are equal:
        /// random strings and the same string with one byte changed anywhere.
        #[test]
        fn quads_identify_strings_of_one_length(
            a in proptest::collection::vec(proptest::num::u8::ANY, 1..=16),
            b in proptest::collection::vec(proptest::num::u8::ANY, 16),
            at in 0usize..16,
            by in 1u8..=255,
        ) {
            let mut one_off = a.clone();
            let i = at % a.len();
            one_off[i] = one_off[i].wrapping_add(by);
            proptest::prop_assert_ne!(quads(&a), quads(&one_off));
            let b = &b[..a.len()];
            proptest::prop_assert_eq!(quads(&a) == quads(b), a.as_slice() == b);
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
            let got: Vec<u32> = values
                .iter()
                .map(|v| cache.intern_bytes(&mut dict, v.as_bytes()))
                .collect();
            let want: Vec<u32> = values.iter().map(|v| plain.intern(v)).collect();
            proptest::prop_assert_eq!(&got, &reference(&values));
            proptest::prop_assert_eq!(&got, &want);
            proptest::prop_assert_eq!(dict.iter().collect::<Vec<_>>(), plain.iter().collect::<Vec<_>>());
        }
    }
}
