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
/// Ids of 9 to 16 digits (the common numeric ids) are read eight digits at a time
/// ([`eight_digits`]); a property test checks this against [`canonical_plain`].
#[inline]
pub(super) fn canonical_number(b: &[u8]) -> Option<u64> {
    let n = b.len();
    if n == 0 || n > 19 || (b[0] == b'0' && n > 1) {
        return None;
    }
    if (9..=16).contains(&n) {
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[at..at + 8]);
            u64::from_le_bytes(w)
        };
        // The last eight bytes overlap the first eight by `16 - n`: those low bytes
        // (the first characters) become '0's, leaving the digits after the eighth.
        let keep = !0u64 << ((16 - n) * 8);
        let last = (word(n - 8) & keep) | (ZEROS & !keep);
        return Some(eight_digits(word(0))? * POW10[n - 8] + eight_digits(last)?);
    }
    canonical_plain(b)
}

/// [`canonical_number`] one byte at a time (short and very long ids; the tests'
/// reference).
#[inline]
fn canonical_plain(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    b.iter().try_fold(0u64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u64::from(c - b'0'))
    })
}

/// `'0'` in every byte of a word.
const ZEROS: u64 = 0x3030_3030_3030_3030;

/// 10^0 ..= 10^8.
const POW10: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The value of eight ASCII digits read as a little-endian word (the first digit
/// in the low byte), `None` when a byte is not a digit: the digit test on every
/// byte at once (high nibble 3, and still 3 after adding 6: `0`–`9` only), then
/// pairs, quads and the halves combined by three multiplications.
#[inline]
fn eight_digits(w: u64) -> Option<u64> {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    if w & HIGH != ZEROS || (w.wrapping_add(0x0606_0606_0606_0606) & HIGH) != ZEROS {
        return None;
    }
    let v = w - ZEROS;
    // Each byte pair (a, b) → 10a + b in the low byte of the pair.
    let v = (v * 10 + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    // Each pair of pairs → 100p + q in the low half of the quad.
    let v = (v * 100 + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    // The two quads → 10,000 h + l.
    Some((v & 0xFFFF) * 10_000 + (v >> 32))
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
        if let Some(n) = canonical_number(value.as_bytes()) {
            return self.intern_number(n, value.as_bytes());
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
    /// [`Dict::intern`] of text given as its bytes (UTF-8: a loader's cell; were
    /// it not, its invalid sequences would be interned as U+FFFD).
    #[inline]
    pub fn intern_bytes(&mut self, value: &[u8]) -> u32 {
        match canonical_number(value) {
            Some(n) => self.intern_number(n, value),
            None => self.intern(&String::from_utf8_lossy(value)),
        }
    }

    /// The key of `text`, a canonical decimal whose value is `n`
    /// ([`canonical_number`]), adding it when new.
    #[inline]
    pub(super) fn intern_number(&mut self, n: u64, text: &[u8]) -> u32 {
        if let Some(key) = self.numbers.find(n) {
            return key;
        }
        let key = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        // ASCII digits: every byte is a character.
        self.text.extend(text.iter().map(|&b| char::from(b)));
        self.ends.push(self.text.len());
        self.numbers.insert(n, key);
        key
    }

    /// The key of `value`, if present.
    pub fn key(&self, value: &str) -> Option<u32> {
        if let Some(n) = canonical_number(value.as_bytes()) {
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
        assert_eq!(canonical_number(b"042"), None);
        assert_eq!(canonical_number(b"0"), Some(0));
        assert_eq!(
            canonical_number(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(
            canonical_number(b"18446744073709551615"),
            None,
            "20 digits go by text"
        );
        assert_eq!(d.key("7"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Eight digits at a time reads what the byte loop reads, on ids of every
        /// length up to 22 with leading zeros, and with bytes next to the digits
        /// (`/`, `:`, space, `0x80`+) anywhere.
        #[test]
        fn canonical_number_equals_the_byte_loop(
            digits in proptest::collection::vec(0u8..10, 0..23),
            lead_zero in proptest::bool::ANY,
            odd in proptest::option::of((0usize..23, proptest::sample::select(vec![b'/', b':', b' ', b'a', 0x80u8, 0xFF, 0x3F, 0x40, 0x00]))),
        ) {
            let mut b: Vec<u8> = digits.iter().map(|d| b'0' + d).collect();
            if lead_zero && !b.is_empty() {
                b[0] = b'0';
            }
            if let Some((at, c)) = odd && at < b.len() {
                b[at] = c;
            }
            let want = canonical_plain(&b);
            proptest::prop_assert_eq!(canonical_number(&b), want, "{:?}", String::from_utf8_lossy(&b));
            if let Ok(text) = std::str::from_utf8(&b) {
                let plain: Option<u64> = (!text.is_empty() && text.len() <= 19 && !(text.starts_with('0') && text.len() > 1))
                    .then(|| text.parse().ok()).flatten().filter(|_| text.bytes().all(|c| c.is_ascii_digit()));
                proptest::prop_assert_eq!(want, plain, "{}", text);
            }
        }
    }

    #[test]
    fn canonical_number_edges() {
        for (text, want) in [
            ("123456789", Some(123_456_789)),
            ("1000000000000000", Some(1_000_000_000_000_000)),
            ("9999999999999999", Some(9_999_999_999_999_999)),
            ("3006369229", Some(3_006_369_229)),
            ("0000000001", None),
            ("12345678/", None),
            ("1234567:9", None),
            ("99999999999999999", Some(99_999_999_999_999_999)),
            ("10000000000000000000", None),
        ] {
            assert_eq!(canonical_number(text.as_bytes()), want, "{text}");
        }
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
