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

use super::{Cell, Dict};

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

/// `b` (at most 16 bytes) at the start of a zeroed window: the words of a cell at
/// the end of the buffer.
#[cold]
#[inline(never)]
fn padded(b: &[u8]) -> [u8; 16] {
    let mut z = [0u8; 16];
    let n = b.len().min(16);
    z[..n].copy_from_slice(&b[..n]);
    z
}

/// The two words that, together with the length (1 to 16), are the bytes of a
/// cell: its bytes 0..8 and 8..16, each zero-padded. With a 16-byte window at the
/// cell's start (the common case: more text follows in the buffer) two loads and
/// two masks, with no branch on the length; else the bytes copied into a zeroed
/// window first. Both give the same words.
#[inline]
fn words(cell: Cell<'_>) -> (u64, u64) {
    let n = cell.bytes().len();
    let copy;
    let w = match cell.window() {
        Some(w) => w,
        None => {
            copy = padded(cell.bytes());
            &copy
        }
    };
    let head = u64::from_le_bytes(word::<8>(w, 0));
    let tail = u64::from_le_bytes(word::<8>(w, 8));
    // `n` is 1..=16: the head keeps min(n, 8) bytes, the tail n − 8 or none.
    let head_mask = u64::MAX >> (8 * (8 - n.min(8)));
    let tail_mask = u64::MAX
        .checked_shr((8 * (16 - n.clamp(8, 16))) as u32)
        .unwrap_or(0);
    (head & head_mask, tail & tail_mask)
}

impl Recent {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key of the text `b` (UTF-8: a loader's cell) in `dict`, adding it when
    /// new: exactly `dict.intern(text)`.
    #[cfg(test)]
    pub fn intern_bytes(&mut self, dict: &mut Dict, b: &[u8]) -> u32 {
        self.intern_cell(dict, Cell::new(b))
    }

    /// [`Recent::intern_bytes`] of a cell's bytes, reading its words from the
    /// window at its start when the buffer has one. The probe is inlined into the
    /// caller; a string not there yet, or one the index does not hold, goes
    /// through an outlined call.
    #[inline(always)]
    pub fn intern_cell(&mut self, dict: &mut Dict, cell: Cell<'_>) -> u32 {
        let n = cell.bytes().len();
        if n.wrapping_sub(1) >= MAX_LEN || dict.len() > MAX_VALUES {
            return plain(dict, cell.bytes());
        }
        let (head, tail) = words(cell);
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
        self.add(dict, cell.bytes(), head, tail, i)
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
                    assert_ne!(
                        words(Cell::new(x.as_bytes())),
                        words(Cell::new(y.as_bytes())),
                        "{x} / {y}"
                    );
                }
            }
        }
    }

    /// The words of a cell's bytes, byte by byte: bytes 0..8 and 8..16, zero-padded.
    fn naive_words(b: &[u8]) -> (u64, u64) {
        let mut w = [0u8; 16];
        w[..b.len()].copy_from_slice(b);
        (
            u64::from_le_bytes(w[..8].try_into().unwrap()),
            u64::from_le_bytes(w[8..].try_into().unwrap()),
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// A cell of 1–16 bytes anywhere in a buffer (at its end: no window; with
        /// 0–20 bytes of any value after it: a window that runs past the cell) has
        /// the same words as its bytes alone, and those are its bytes zero-padded.
        #[test]
        fn window_words_equal_the_padded_bytes(
            before in proptest::collection::vec(proptest::num::u8::ANY, 0..20),
            cell in proptest::collection::vec(proptest::num::u8::ANY, 1..=16),
            after in proptest::collection::vec(proptest::num::u8::ANY, 0..20),
        ) {
            let buf: Vec<u8> = [&before[..], &cell[..], &after[..]].concat();
            let at = before.len();
            let windowed = Cell::within(&buf[at..], cell.len());
            proptest::prop_assert_eq!(windowed.bytes(), &cell[..]);
            proptest::prop_assert_eq!(windowed.window().is_some(), buf.len() - at >= 16);
            let want = naive_words(&cell);
            proptest::prop_assert_eq!(words(windowed), want);
            proptest::prop_assert_eq!(words(Cell::new(&cell)), want);
        }

        /// Cells cut from one buffer of records (values followed by other values,
        /// the last at the buffer's end) get the keys of a plain first-seen map,
        /// and the dictionary the same strings in the same order as without the index.
        #[test]
        fn cells_in_a_buffer_get_first_seen_keys(
            pool in proptest::collection::vec("[ab]{1,3}|[abc]{7,9}|x[ab]{2,14}y|[a-z]{15,18}", 1..40),
            picks in proptest::collection::vec(0usize..1000, 1..400),
        ) {
            let values: Vec<String> = picks.iter().map(|&p| pool[p % pool.len()].clone()).collect();
            let text = values.join(",");
            let (mut dict, mut plain, mut cache) = (Dict::new(), Dict::new(), Recent::new());
            let mut at = 0;
            let mut got = Vec::new();
            for v in &values {
                got.push(cache.intern_cell(&mut dict, Cell::within(&text.as_bytes()[at..], v.len())));
                at += v.len() + 1;
            }
            let want: Vec<u32> = values.iter().map(|v| plain.intern(v)).collect();
            proptest::prop_assert_eq!(&got, &reference(&values));
            proptest::prop_assert_eq!(&got, &want);
            proptest::prop_assert_eq!(dict.iter().collect::<Vec<_>>(), plain.iter().collect::<Vec<_>>());
        }

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
