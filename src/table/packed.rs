//! A builder's rows reordered into per-user order — user key, time, input row —
//! as whole rows packed into a few `u64` words (time, revenue, every key), so that
//! each row moves with one random memory access instead of one per column.
//!
//! At millions of rows a column no longer fits any cache, and a gather through a
//! permutation costs a cache and TLB miss per row *per column*; in wasm (no huge
//! pages) that made sorting a 5M-row part take a second (BENCHMARKS.md, "Merge and
//! order of the load in parts"). Here the keys are packed sequentially, the rows
//! are scattered once by a stable counting sort on the user key, each user's span
//! is checked for time order sequentially (and sorted, stably, when not), and
//! the columns are read back out sequentially.

use super::TableBuilder;
use super::keys::Keys;

/// Where one key column sits in a packed row's key words.
#[derive(Debug, Clone, Copy)]
struct Slot {
    word: usize,
    shift: u32,
    width: usize,
}

/// A builder's rows in per-user order, packed: per row, the time, the revenue
/// bits when there is a revenue column, then the key words (the event key and
/// every property key at their widths).
pub(super) struct UserRows {
    words: Vec<u64>,
    /// Words per row.
    width: usize,
    revenue: bool,
    /// The event key's slot first, then each property's.
    slots: Vec<Slot>,
    /// Where each user's rows start; the row count last.
    pub(super) offsets: Vec<u32>,
}

fn slots_of(widths: &[usize]) -> (Vec<Slot>, usize) {
    // Widest first, so no key straddles two words.
    let mut order: Vec<usize> = (0..widths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(widths[i]));
    let mut slots = vec![
        Slot {
            word: 0,
            shift: 0,
            width: 1
        };
        widths.len()
    ];
    let mut at = 0usize;
    for i in order {
        slots[i] = Slot {
            word: at / 8,
            shift: (at % 8 * 8) as u32,
            width: widths[i],
        };
        at += widths[i];
    }
    (slots, at.div_ceil(8))
}

/// Ors every key of `keys` into its slot of `packed` (`stride` words per row).
fn pack_keys(packed: &mut [u64], stride: usize, keys: &Keys, slot: Slot) {
    let rows = packed.chunks_exact_mut(stride).map(|r| &mut r[slot.word]);
    match keys {
        Keys::U8(v) => rows
            .zip(v)
            .for_each(|(w, &k)| *w |= u64::from(k) << slot.shift),
        Keys::U16(v) => rows
            .zip(v)
            .for_each(|(w, &k)| *w |= u64::from(k) << slot.shift),
        Keys::U32(v) => rows
            .zip(v)
            .for_each(|(w, &k)| *w |= u64::from(k) << slot.shift),
    }
}

impl UserRows {
    /// Rows.
    fn len(&self) -> usize {
        self.words.len() / self.width.max(1)
    }
    /// Every row's time, in order.
    pub(super) fn times(&self) -> impl Iterator<Item = i64> + '_ {
        self.words.chunks_exact(self.width).map(|r| r[0] as i64)
    }
    /// Every row's revenue bits, in order (none without a revenue column).
    pub(super) fn revenue_bits(&self) -> impl Iterator<Item = u64> + '_ {
        let n = if self.revenue { self.len() } else { 0 };
        self.words.chunks_exact(self.width).take(n).map(|r| r[1])
    }
    /// Every row's key of column `c` (0: the event, `1 + j`: property `j`).
    pub(super) fn keys(&self, c: usize) -> impl Iterator<Item = u32> + '_ {
        let slot = self.slots[c];
        let first = 1 + usize::from(self.revenue) + slot.word;
        let mask = if slot.width >= 4 {
            u64::from(u32::MAX)
        } else {
            (1u64 << (8 * slot.width)) - 1
        };
        self.words
            .chunks_exact(self.width)
            .map(move |r| ((r[first] >> slot.shift) & mask) as u32)
    }
    /// Writes every column little-endian into `out` in one pass over the rows (one
    /// read of the packed rows instead of one per column): the times at `time_at`,
    /// the revenue bits at `revenue_at`, and key column `c` at `keys_at[c]`, each
    /// at its width. The regions must be in `out`.
    pub(super) fn write_columns(
        &self,
        out: &mut [u8],
        time_at: usize,
        revenue_at: Option<usize>,
        keys_at: &[usize],
    ) {
        let first = 1 + usize::from(self.revenue);
        let cols: Vec<(usize, u32, usize, usize)> = self
            .slots
            .iter()
            .zip(keys_at)
            .map(|(s, &at)| (first + s.word, s.shift, s.width, at))
            .collect();
        for (i, row) in self.words.chunks_exact(self.width).enumerate() {
            let t = time_at + 8 * i;
            out[t..t + 8].copy_from_slice(&row[0].to_le_bytes());
            if let Some(r) = revenue_at {
                let r = r + 8 * i;
                out[r..r + 8].copy_from_slice(&row[1].to_le_bytes());
            }
            for &(word, shift, width, at) in &cols {
                let k = row[word] >> shift;
                match width {
                    1 => out[at + i] = k as u8,
                    2 => out[at + 2 * i..at + 2 * i + 2].copy_from_slice(&(k as u16).to_le_bytes()),
                    _ => out[at + 4 * i..at + 4 * i + 4].copy_from_slice(&(k as u32).to_le_bytes()),
                }
            }
        }
    }
    /// Column `c`'s keys as a [`Keys`] column of its width.
    pub(super) fn key_column(&self, c: usize) -> Keys {
        match self.slots[c].width {
            1 => Keys::U8(self.keys(c).map(|k| k as u8).collect()),
            2 => Keys::U16(self.keys(c).map(|k| k as u16).collect()),
            _ => Keys::U32(self.keys(c).collect()),
        }
    }
}

impl TableBuilder {
    /// The rows in per-user order — user key, then time, then input row —,
    /// packed, with each user's first row.
    pub(super) fn rows_by_user(&self) -> UserRows {
        let n = self.len();
        let users = self.users.len();
        let widths: Vec<usize> = std::iter::once(self.event.width())
            .chain(self.properties.iter().map(|p| p.keys().width()))
            .collect();
        let (slots, key_words) = slots_of(&widths);
        let revenue = self.revenue.is_some();
        let width = 1 + usize::from(revenue) + key_words;

        // The keys of each row, packed in input order (sequential passes).
        let mut keys = vec![0u64; n * key_words];
        if key_words > 0 {
            pack_keys(&mut keys, key_words, &self.event, slots[0]);
            for (p, &slot) in self.properties.iter().zip(&slots[1..]) {
                pack_keys(&mut keys, key_words, p.keys(), slot);
            }
        }

        // A stable counting sort by user: one random write of a whole row each.
        let mut offsets = vec![0u32; users + 1];
        for &u in &self.user {
            offsets[u as usize + 1] += 1;
        }
        for u in 0..users {
            offsets[u + 1] += offsets[u];
        }
        let mut next = offsets[..users].to_vec();
        let mut words = vec![0u64; n * width];
        for (i, &u) in self.user.iter().enumerate() {
            let slot = &mut next[u as usize];
            let at = *slot as usize * width;
            *slot += 1;
            let row = &mut words[at..at + width];
            row[0] = self.time[i] as u64;
            let mut w = 1;
            if let Some(r) = &self.revenue {
                row[1] = r[i].to_bits();
                w = 2;
            }
            row[w..].copy_from_slice(&keys[i * key_words..(i + 1) * key_words]);
        }
        drop(next);
        drop(keys);

        // Within each user, input order; sorted by time (stably) where it is not.
        for span in offsets.windows(2) {
            let (a, b) = (span[0] as usize, span[1] as usize);
            let rows = &mut words[a * width..b * width];
            let time = |i: usize| rows[i * width] as i64;
            if (1..b - a).any(|i| time(i - 1) > time(i)) {
                let mut order: Vec<usize> = (0..b - a).collect();
                order.sort_by_key(|&i| time(i));
                let sorted: Vec<u64> = order
                    .iter()
                    .flat_map(|&i| rows[i * width..(i + 1) * width].iter().copied())
                    .collect();
                rows.copy_from_slice(&sorted);
            }
        }
        UserRows {
            words,
            width,
            revenue,
            slots,
            offsets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_never_straddle_a_word() {
        let (slots, words) = slots_of(&[1, 4, 2, 1, 4, 1]);
        assert_eq!(words, 2);
        for s in &slots {
            assert!(s.shift as usize / 8 + s.width <= 8, "{s:?}");
        }
        let (_, none) = slots_of(&[]);
        assert_eq!(none, 0);
    }
}
