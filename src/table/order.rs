//! The per-user order: each user's rows sorted by `(time, input row)`. Every table
//! stores its rows in that order (the builder sorts them, a load in parts places
//! them so, a restricted table keeps them so), so a user's rows are a run of row
//! numbers and the order is only where each user's run starts: no permutation of
//! all rows is kept (at 10M rows that was 40 MB, written at every load).

use std::ops::Range;

/// For each user key, where its rows start: user `u`'s rows, sorted by `(time,
/// row)`, are rows `offsets[u]..offsets[u + 1]`.
#[derive(Debug, Clone, Default)]
pub struct UserOrder {
    offsets: Vec<u32>,
}

/// One user's rows in order: a run of row numbers (the table is stored user by
/// user). Iterates as the row numbers (`u32`), first to last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rows {
    start: u32,
    end: u32,
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    /// The row numbers, first to last.
    pub fn iter(&self) -> Range<u32> {
        self.start..self.end
    }
    /// The `i`-th row (from 0), if there is one.
    pub fn get(&self, i: usize) -> Option<u32> {
        (i < self.len()).then(|| self.start + i as u32)
    }
    /// The first `n` rows (all of them when there are fewer).
    pub fn before(&self, n: usize) -> Rows {
        Rows {
            start: self.start,
            end: self.start + n.min(self.len()) as u32,
        }
    }
    /// The rows from the `n`-th on (none when there are fewer).
    pub fn from(&self, n: usize) -> Rows {
        Rows {
            start: self.start + n.min(self.len()) as u32,
            end: self.end,
        }
    }
    /// The number of leading rows for which `pred` holds (`pred` holds for a
    /// prefix of the rows), as `slice::partition_point`.
    pub fn partition_point(&self, mut pred: impl FnMut(u32) -> bool) -> usize {
        let (mut lo, mut hi) = (self.start, self.end);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(mid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo - self.start) as usize
    }
}

impl IntoIterator for Rows {
    type Item = u32;
    type IntoIter = Range<u32>;
    fn into_iter(self) -> Range<u32> {
        self.iter()
    }
}

impl UserOrder {
    /// The order of a table stored user by user: user `u`'s rows are
    /// `offsets[u]..offsets[u + 1]` (`offsets` starts at 0, ends at the row count,
    /// never decreases; one more entry than users).
    pub fn from_offsets(offsets: Vec<u32>) -> Self {
        Self { offsets }
    }
    /// Where each user's rows start (all rows, user by user), and the row count
    /// last (one more entry than users).
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }
    /// The first row of user `user`.
    pub fn first_row(&self, user: u32) -> u32 {
        self.offsets[user as usize]
    }
    /// The rows of one user, in order.
    pub fn rows_of(&self, user: u32) -> Rows {
        let u = user as usize;
        Rows {
            start: self.offsets[u],
            end: self.offsets[u + 1],
        }
    }
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
    }
    /// Number of users.
    pub fn users(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// Every user key with its ordered rows.
    pub fn iter(&self) -> impl Iterator<Item = (u32, Rows)> + '_ {
        self.offsets.windows(2).enumerate().map(|(u, w)| {
            (
                u as u32,
                Rows {
                    start: w[0],
                    end: w[1],
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest::proptest! {
        /// A user's `Rows` answer as the slice of its row numbers would.
        #[test]
        fn rows_answer_as_the_slice_of_their_numbers(
            counts in proptest::collection::vec(0u32..12, 1..8),
            i in 0usize..15,
            cut in 0u32..200,
        ) {
            let mut offsets = vec![0u32];
            for c in &counts {
                offsets.push(offsets.last().copied().unwrap_or(0) + c);
            }
            let order = UserOrder::from_offsets(offsets.clone());
            prop_assert_eq!(order.users(), counts.len());
            let mut seen = 0;
            for (u, rows) in order.iter() {
                let slice: Vec<u32> = (offsets[u as usize]..offsets[u as usize + 1]).collect();
                prop_assert_eq!(rows, order.rows_of(u));
                prop_assert_eq!(order.first_row(u), offsets[u as usize]);
                prop_assert_eq!(rows.iter().collect::<Vec<_>>(), slice.clone());
                prop_assert_eq!(rows.into_iter().count(), slice.len());
                prop_assert_eq!(rows.len(), slice.len());
                prop_assert_eq!(rows.is_empty(), slice.is_empty());
                prop_assert_eq!(rows.get(i), slice.get(i).copied());
                prop_assert_eq!(rows.before(i).iter().collect::<Vec<_>>(), slice[..i.min(slice.len())].to_vec());
                prop_assert_eq!(rows.from(i).iter().collect::<Vec<_>>(), slice[i.min(slice.len())..].to_vec());
                // A prefix predicate: the row numbers below `cut`.
                prop_assert_eq!(rows.partition_point(|r| r < cut), slice.partition_point(|&r| r < cut));
                seen += slice.len();
            }
            prop_assert_eq!(seen as u32, offsets.last().copied().unwrap_or(0));
        }
    }
}
