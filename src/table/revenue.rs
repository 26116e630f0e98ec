//! The revenue column, stored only where a row has revenue: a presence bitmap (one
//! bit per row, 64 rows a word), each word's rank (the present rows before it, a
//! `u32`), and the present values compacted in row order. About 0.19 B per row
//! plus 8 B per present value, instead of 8 B per row — most event exports carry
//! revenue only on purchases (3.4% of the benchmark's rows). One representation
//! for every density: a file where every row has revenue costs 8.19 B a row.
//!
//! [`Revenue::get`] is O(1): a bit test, the word's rank and one popcount.

/// A revenue column: `len` rows, some with a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Revenue {
    len: usize,
    /// Bit `r % 64` of word `r / 64`: row `r` has a value.
    bits: Vec<u64>,
    /// Per word, the present rows before it.
    ranks: Vec<u32>,
    /// The present values, in row order.
    values: Vec<f64>,
}

impl Revenue {
    /// An empty column.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows in the column.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Rows with a value.
    pub fn present(&self) -> usize {
        self.values.len()
    }

    /// The present values, in row order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Adds a row: its value, or none (`None` or NaN).
    #[inline]
    pub fn push(&mut self, value: Option<f64>) {
        let bit = self.len % 64;
        if bit == 0 {
            self.bits.push(0);
            self.ranks.push(self.values.len() as u32);
        }
        if let Some(v) = value.filter(|v| !v.is_nan())
            && let Some(w) = self.bits.last_mut()
        {
            *w |= 1 << bit;
            self.values.push(v);
        }
        self.len += 1;
    }

    /// Adds a row from its value's bits (NaN = none): the packed rows' and the
    /// wire's form.
    #[inline]
    pub(super) fn push_bits(&mut self, bits: u64) {
        self.push(Some(f64::from_bits(bits)));
    }

    /// Makes room for `rows` more rows' presence bits (the values grow as they
    /// come).
    pub fn reserve_exact(&mut self, rows: usize) {
        let words = (self.len + rows)
            .div_ceil(64)
            .saturating_sub(self.bits.len());
        self.bits.reserve_exact(words);
        self.ranks.reserve_exact(words);
    }

    /// Releases spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.bits.shrink_to_fit();
        self.ranks.shrink_to_fit();
        self.values.shrink_to_fit();
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.bits.capacity() * 8 + self.ranks.capacity() * 4 + self.values.capacity() * 8
    }

    /// The present rows before row `row` (at most `len`): the index of its value,
    /// when it has one.
    #[inline]
    pub(super) fn rank(&self, row: usize) -> usize {
        let (w, b) = (row / 64, row % 64);
        match (self.ranks.get(w), self.bits.get(w)) {
            (Some(&r), Some(&bits)) => {
                r as usize + (bits & ((1u64 << b) - 1)).count_ones() as usize
            }
            _ => self.values.len(),
        }
    }

    /// The value of row `row`, if it has one.
    #[inline]
    pub fn get(&self, row: usize) -> Option<f64> {
        let word = *self.bits.get(row / 64)?;
        if row >= self.len || word >> (row % 64) & 1 == 0 {
            return None;
        }
        self.values.get(self.rank(row)).copied()
    }

    /// Every row's value or none, in row order, from row `from` on.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = Option<f64>> + '_ {
        let mut next = self.rank(from.min(self.len));
        (from.min(self.len)..self.len).map(move |r| {
            if self.bits[r / 64] >> (r % 64) & 1 == 0 {
                None
            } else {
                let v = self.values.get(next).copied();
                next += 1;
                v
            }
        })
    }

    /// Every row's value or none, in row order.
    pub fn iter(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        self.iter_from(0)
    }

    /// The column of rows `rows` of this one, in that order.
    pub fn permuted(&self, rows: &[u32]) -> Revenue {
        let mut out = Revenue::new();
        out.reserve_exact(rows.len());
        for &r in rows {
            out.push(self.get(r as usize));
        }
        out.values.shrink_to_fit();
        out
    }

    /// A column of `len` rows from its presence bits (`len.div_ceil(64)` words,
    /// no bit set at or past `len`), its values 0 until written
    /// ([`Revenue::values_mut`], at [`Revenue::rank`]s); `None` when the bits do
    /// not fit `len`.
    pub(super) fn with_bits(len: usize, bits: Vec<u64>) -> Option<Self> {
        let tail = len % 64;
        let clean = tail == 0 || bits.last().is_some_and(|w| w >> tail == 0);
        if bits.len() != len.div_ceil(64) || !clean {
            return None;
        }
        let ranks = ranks_of(&bits);
        let present = ranks
            .last()
            .zip(bits.last())
            .map_or(0, |(&r, &w)| r as usize + w.count_ones() as usize);
        Some(Self {
            len,
            bits,
            ranks,
            values: vec![0.0; present],
        })
    }

    /// The present values, in row order, to write.
    pub(super) fn values_mut(&mut self) -> &mut [f64] {
        &mut self.values
    }

    /// True when row `row` has a value.
    #[inline]
    pub(super) fn has(&self, row: usize) -> bool {
        row < self.len && self.bits[row / 64] >> (row % 64) & 1 == 1
    }

    /// The present values, in row order, the rest of the column dropped.
    pub(super) fn into_values(self) -> Vec<f64> {
        self.values
    }

    /// Rows `start..start + perm.len()` reordered: row `start + i` takes the value
    /// (or none) row `start + perm[i]` had (`perm` a permutation of
    /// `0..perm.len()`, the rows in the column).
    pub(super) fn reorder(&mut self, start: usize, perm: &[u32]) {
        let old: Vec<Option<f64>> = (0..perm.len()).map(|i| self.get(start + i)).collect();
        let mut at = self.rank(start);
        for (i, &p) in perm.iter().enumerate() {
            let r = start + i;
            let (w, b) = (r / 64, r % 64);
            match old.get(p as usize).copied().flatten() {
                Some(v) => {
                    self.bits[w] |= 1 << b;
                    self.values[at] = v;
                    at += 1;
                }
                None => self.bits[w] &= !(1 << b),
            }
        }
        // The ranks of the words that start inside the range.
        let end = (start + perm.len()).min(self.len);
        for w in start / 64 + 1..end.div_ceil(64) {
            self.ranks[w] = self.ranks[w - 1] + self.bits[w - 1].count_ones();
        }
    }
}

/// Each word's rank: the set bits in the words before it.
fn ranks_of(bits: &[u64]) -> Vec<u32> {
    let mut at = 0u32;
    bits.iter()
        .map(|w| {
            let r = at;
            at += w.count_ones();
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Columns as a naive `Vec<Option<f64>>`: none, all, random or runs of rows
    /// with a value, at lengths around the words' edges.
    fn cells() -> impl Strategy<Value = Vec<Option<f64>>> {
        let len = prop_oneof![
            0usize..3,
            62usize..67,
            126usize..131,
            510usize..515,
            0usize..1100
        ];
        (len, 0u8..4, any::<u64>()).prop_map(|(len, mode, seed)| {
            let mut x = seed | 1;
            let mut next = move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let mut on = false;
            (0..len)
                .map(|_| {
                    let has = match mode {
                        0 => false,
                        1 => true,
                        2 => next() % 3 == 0,
                        _ => {
                            if next() % 40 == 0 {
                                on = !on;
                            }
                            on
                        }
                    };
                    // Negative zero and tiny values keep their bits.
                    has.then(|| match next() % 5 {
                        0 => -0.0,
                        1 => f64::from_bits(1),
                        _ => (next() % 100_000) as f64 / 100.0 - 10.0,
                    })
                })
                .collect()
        })
    }

    fn column(cells: &[Option<f64>]) -> Revenue {
        let mut c = Revenue::new();
        c.reserve_exact(cells.len() / 2);
        for &v in cells {
            c.push(v);
        }
        c
    }

    fn bits(v: &[Option<f64>]) -> Vec<Option<u64>> {
        v.iter().map(|v| v.map(f64::to_bits)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Every read equals the naive column's: each row, the rows in order from
        /// any row on, the present values and their sum, a permutation.
        #[test]
        fn reads_equal_a_naive_column(
            cells in cells(),
            from in 0usize..1200,
            perm_seed in any::<u64>(),
        ) {
            let c = column(&cells);
            prop_assert_eq!(c.len(), cells.len());
            let got: Vec<Option<f64>> = (0..cells.len() + 70).map(|r| c.get(r)).collect();
            let mut want = cells.clone();
            want.resize(cells.len() + 70, None);
            prop_assert_eq!(bits(&got), bits(&want));
            let from = from.min(cells.len() + 3);
            let tail: Vec<Option<f64>> = c.iter_from(from).collect();
            prop_assert_eq!(bits(&tail), bits(cells.get(from..).unwrap_or(&[])));
            let present: Vec<f64> = cells.iter().flatten().copied().collect();
            prop_assert_eq!(c.present(), present.len());
            let got: Vec<u64> = c.values().iter().map(|v| v.to_bits()).collect();
            let want: Vec<u64> = present.iter().map(|v| v.to_bits()).collect();
            prop_assert_eq!(got, want);
            let sum = c.values().iter().fold(0.0, |s, v| s + v);
            let naive = cells.iter().fold(0.0, |s, v| s + v.unwrap_or(0.0));
            prop_assert_eq!(sum.to_bits(), naive.to_bits());
            for r in 0..=cells.len() {
                prop_assert_eq!(c.rank(r), cells[..r].iter().flatten().count());
            }
            // Rows picked in a random order, some twice, some not: `permuted`.
            let mut x = perm_seed | 1;
            let rows: Vec<u32> = (0..cells.len())
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((x >> 33) % cells.len() as u64) as u32
                })
                .collect();
            let p = c.permuted(&rows);
            let want: Vec<Option<f64>> = rows.iter().map(|&r| cells[r as usize]).collect();
            prop_assert_eq!(&p, &column(&want));
        }

        /// A column made from its bits with its values written at their ranks, then
        /// ranges reordered (the merge's end), equals the naive column so reordered.
        #[test]
        fn bits_then_values_and_reorders_equal_a_naive_column(
            cells in cells(),
            cuts in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0, any::<u64>()), 0..4),
        ) {
            let c = column(&cells);
            let mut m = Revenue::with_bits(c.len(), c.bits.clone()).expect("bits fit");
            for (r, v) in cells.iter().enumerate() {
                if let Some(v) = v {
                    let at = m.rank(r);
                    m.values_mut()[at] = *v;
                }
            }
            prop_assert_eq!(&m, &c);
            let mut want = cells.clone();
            for (a, b, seed) in cuts {
                let n = cells.len();
                let (a, b) = ((a * n as f64) as usize, (b * n as f64) as usize);
                let (start, end) = (a.min(b), a.max(b));
                let mut perm: Vec<u32> = (0..(end - start) as u32).collect();
                let mut x = seed | 1;
                for i in (1..perm.len()).rev() {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    perm.swap(i, ((x >> 33) % (i as u64 + 1)) as usize);
                }
                m.reorder(start, &perm);
                let span: Vec<Option<f64>> = perm.iter().map(|&i| want[start + i as usize]).collect();
                want[start..end].copy_from_slice(&span);
            }
            prop_assert_eq!(&m, &column(&want));
            // Bits past the end, or too few words, are refused.
            if !c.len().is_multiple_of(64) {
                let mut bad = c.bits.clone();
                if let Some(w) = bad.last_mut() {
                    *w |= 1 << 63;
                }
                prop_assert!(Revenue::with_bits(c.len(), bad).is_none());
            }
            prop_assert!(Revenue::with_bits(c.len() + 64, c.bits.clone()).is_none());
        }
    }
}
