//! A builder's rows reordered into per-user order — user key, time, input row —
//! as whole rows packed into a few `u64` words (time, revenue, every key), so that
//! each row moves with one memory access instead of one per column.
//!
//! At millions of rows a column no longer fits any cache: a gather through a
//! permutation costs a cache and TLB miss per row *per column*, and even a
//! counting sort of whole packed rows straight to their places costs one per row
//! (in wasm, without huge pages, that was most of sorting a 5M-row part;
//! BENCHMARKS.md, "The tail of the load in parts"). So the sort has two passes:
//!
//! 1. rows are packed a small block at a time (column by column, sequentially)
//!    and scattered, stably, to their *bucket* — a range of `2^shift` user keys —,
//!    whose rows are already where the bucket's users' rows will end; with at most
//!    [`MAX_BUCKETS`] buckets, every bucket's write position stays in cache;
//! 2. bucket by bucket, its rows (a few hundred KB) are placed by user into a
//!    scratch buffer in cache, each user's span is checked for time order (and
//!    sorted, stably, when it is not), and the columns are written out from there
//!    ([`UserRows::each_block`]) — sequential writes, never a second pass over the
//!    whole.
//!
//! With few users (at most [`MAX_BUCKETS`]) a bucket is one user and the first
//! pass already leaves every row in its place.

use super::TableBuilder;
use super::keys::Keys;

/// Most buckets of the first pass: the write positions it keeps open.
pub(super) const MAX_BUCKETS: usize = 512;

/// Rows packed at a time in the first pass (a block of a few KB, in L1).
const BLOCK: usize = 1024;

/// Rows written out at a time when a bucket is one user (columns written in
/// tiles of the packed rows that stay in cache).
const TILE: usize = 8192;

/// Where one key column sits in a packed row's key words.
#[derive(Debug, Clone, Copy)]
struct Slot {
    word: usize,
    shift: u32,
    width: usize,
}

impl Slot {
    /// The bits of a key at this slot's width.
    fn mask(&self) -> u64 {
        if self.width >= 4 {
            u64::from(u32::MAX)
        } else {
            (1u64 << (8 * self.width)) - 1
        }
    }
}

/// What a packed row holds: the time, the revenue bits when there is a revenue
/// column, then the key words (the event key, every property key, and — with
/// buckets of several users — the user's key within its bucket, each at its
/// width).
#[derive(Debug)]
struct Layout {
    /// Words per row.
    width: usize,
    revenue: bool,
    /// The event key's slot first, then each property's.
    slots: Vec<Slot>,
    /// The user's key within its bucket (only with more than one user a bucket).
    user: Option<Slot>,
}

impl Layout {
    /// The first key word.
    fn first_key(&self) -> usize {
        1 + usize::from(self.revenue)
    }
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

/// Ors keys `from..from + rows.len() / width` of `keys` into their slot (key word
/// `first + slot.word`) of `rows` (`width` words a row).
fn pack_keys(rows: &mut [u64], width: usize, first: usize, keys: &Keys, from: usize, slot: Slot) {
    let words = rows
        .chunks_exact_mut(width)
        .map(|r| &mut r[first + slot.word]);
    match keys {
        Keys::U8(v) => words
            .zip(&v[from..])
            .for_each(|(w, &k)| *w |= u64::from(k) << slot.shift),
        Keys::U16(v) => words
            .zip(&v[from..])
            .for_each(|(w, &k)| *w |= u64::from(k) << slot.shift),
        Keys::U32(v) => words
            .zip(&v[from..])
            .for_each(|(w, &k)| *w |= u64::from(k) << slot.shift),
    }
}

/// Moves each row of `rows` (`width` words each, `keys` giving each row's
/// destination key) to the next free row of its key in `out` (`next[key]`, in
/// rows), keeping the rows of one key in order. `#[inline(always)]` with a
/// constant `width` at each call ([`scatter`]): the row copy becomes a few stores.
#[inline(always)]
fn scatter_rows(
    rows: &[u64],
    width: usize,
    keys: impl Iterator<Item = usize>,
    next: &mut [u32],
    out: &mut [u64],
) {
    for (r, k) in rows.chunks_exact(width).zip(keys) {
        let slot = &mut next[k];
        let at = *slot as usize * width;
        *slot += 1;
        out[at..at + width].copy_from_slice(r);
    }
}

/// [`scatter_rows`] with the row copy specialised for the common widths.
fn scatter(
    rows: &[u64],
    width: usize,
    keys: impl Iterator<Item = usize>,
    next: &mut [u32],
    out: &mut [u64],
) {
    match width {
        1 => scatter_rows(rows, 1, keys, next, out),
        2 => scatter_rows(rows, 2, keys, next, out),
        3 => scatter_rows(rows, 3, keys, next, out),
        4 => scatter_rows(rows, 4, keys, next, out),
        5 => scatter_rows(rows, 5, keys, next, out),
        w => scatter_rows(rows, w, keys, next, out),
    }
}

/// The most rows any bucket of `per` consecutive users spans, where user `u`'s
/// rows start at `starts[u]` (one more entry than users: the end).
fn largest_bucket(starts: &[u32], per: usize) -> usize {
    let users = starts.len().saturating_sub(1);
    (0..users)
        .step_by(per.max(1))
        .map(|lo| starts[(lo + per).min(users)] - starts[lo])
        .max()
        .unwrap_or(0) as usize
}

/// Sorts, stably by time, the rows of each user span of `rows` (`width` words a
/// row; `starts` the spans' first rows, relative to `rows`, the end last) whose
/// times are not in order already.
fn order_times(rows: &mut [u64], width: usize, starts: &[u32]) {
    order_spans(
        rows,
        width,
        starts.windows(2).map(|s| (s[0] as usize, s[1] as usize)),
    );
}

/// [`order_times`] for spans given as `(first row, end)`, relative to `rows`.
fn order_spans(rows: &mut [u64], width: usize, spans: impl Iterator<Item = (usize, usize)>) {
    for (a, b) in spans {
        let rows = &mut rows[a * width..b * width];
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
}

/// A builder's rows after the first pass: bucket by bucket, each bucket's rows
/// where its users' rows will be, in input order within the bucket.
pub(super) struct UserRows {
    words: Vec<u64>,
    layout: Layout,
    /// A bucket holds users `b << shift .. (b + 1) << shift`.
    shift: u32,
    /// Where each user's rows start; the row count last.
    pub(super) offsets: Vec<u32>,
}

/// Consecutive rows in per-user order, packed ([`UserRows::each_block`]).
pub(super) struct Block<'a> {
    rows: &'a [u64],
    layout: &'a Layout,
}

impl Block<'_> {
    /// Rows in the block.
    pub(super) fn rows(&self) -> usize {
        self.rows.len() / self.layout.width
    }
    /// Every row's time, in order.
    pub(super) fn times(&self) -> impl Iterator<Item = i64> + '_ {
        self.rows
            .chunks_exact(self.layout.width)
            .map(|r| r[0] as i64)
    }
    /// Every row's revenue bits, in order (none without a revenue column).
    pub(super) fn revenue_bits(&self) -> impl Iterator<Item = u64> + '_ {
        let n = if self.layout.revenue {
            self.rows.len()
        } else {
            0
        };
        self.rows[..n].chunks_exact(self.layout.width).map(|r| r[1])
    }
    /// Every row's key of column `c` (0: the event, `1 + j`: property `j`).
    pub(super) fn keys(&self, c: usize) -> impl Iterator<Item = u32> + '_ {
        let slot = self.layout.slots[c];
        let word = self.layout.first_key() + slot.word;
        let mask = slot.mask();
        self.rows
            .chunks_exact(self.layout.width)
            .map(move |r| ((r[word] >> slot.shift) & mask) as u32)
    }
    /// Writes every column little-endian into `out`, this block's rows at row
    /// `start` of each column: the times at `time_at`, the revenue bits at
    /// `revenue_at`, and key column `c` at `keys_at[c]` with `widths[c]` bytes a
    /// key. The regions must be in `out`.
    pub(super) fn write_le(
        &self,
        out: &mut [u8],
        start: usize,
        time_at: usize,
        revenue_at: Option<usize>,
        keys_at: &[(usize, usize)],
    ) {
        let o = &mut out[time_at + 8 * start..];
        for (o, t) in o.chunks_exact_mut(8).zip(self.times()) {
            o.copy_from_slice(&t.to_le_bytes());
        }
        if let Some(at) = revenue_at {
            let o = &mut out[at + 8 * start..];
            for (o, r) in o.chunks_exact_mut(8).zip(self.revenue_bits()) {
                o.copy_from_slice(&r.to_le_bytes());
            }
        }
        for (c, &(at, width)) in keys_at.iter().enumerate() {
            let o = &mut out[at + width * start..];
            let keys = self.keys(c);
            match width {
                1 => o.iter_mut().zip(keys).for_each(|(o, k)| *o = k as u8),
                2 => o
                    .chunks_exact_mut(2)
                    .zip(keys)
                    .for_each(|(o, k)| o.copy_from_slice(&(k as u16).to_le_bytes())),
                _ => o
                    .chunks_exact_mut(4)
                    .zip(keys)
                    .for_each(|(o, k)| o.copy_from_slice(&k.to_le_bytes())),
            }
        }
    }
    /// Appends column `c`'s keys to `out` (which has the column's width).
    pub(super) fn append_keys(&self, c: usize, out: &mut Keys) {
        let keys = self.keys(c);
        match out {
            Keys::U8(v) => v.extend(keys.map(|k| k as u8)),
            Keys::U16(v) => v.extend(keys.map(|k| k as u16)),
            Keys::U32(v) => v.extend(keys),
        }
    }
}

/// What [`UserRows::each_placed`] gives, in the order of the larger table's rows.
pub(super) enum Placed<'a> {
    /// Consecutive rows of the larger table: this builder's rows where they go,
    /// rows of no meaning (left over in the scratch) in the gaps between them.
    Rows(Block<'a>),
    /// Rows of the larger table with none of this builder's rows.
    Gap(usize),
}

impl UserRows {
    /// The rows sorted (every user's first row; the row count last).
    pub(super) fn rows(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0) as usize
    }

    /// The second pass with every user's rows placed in a larger table, where
    /// user `u`'s rows start at row `at[u]` and others' rows (a gap) follow them
    /// up to `at[u + 1]` (`at`: one entry per user of these rows and one more,
    /// rising, each span at least the user's row count; checked by the caller):
    /// calls `emit` with every row of the larger table from `at[0]` to the last
    /// entry, in order. A bucket's rows are placed at once into a scratch laid out
    /// as the larger table is, gaps included, so each column is written
    /// sequentially, whole bucket by whole bucket: no copy per user's run.
    pub(super) fn each_placed(&mut self, at: &[u32], mut emit: impl FnMut(Placed<'_>)) {
        let width = self.layout.width;
        let users = self.offsets.len().saturating_sub(1);
        let Some(user) = self.layout.user else {
            // A bucket per user: its rows are in place, in input order.
            order_times(&mut self.words, width, &self.offsets);
            for u in 0..users {
                let (a, z) = (self.offsets[u] as usize, self.offsets[u + 1] as usize);
                for rows in self.words[a * width..z * width].chunks(TILE * width) {
                    emit(Placed::Rows(Block {
                        rows,
                        layout: &self.layout,
                    }));
                }
                let gap = (at[u + 1] - at[u]) as usize - (z - a);
                if gap > 0 {
                    emit(Placed::Gap(gap));
                }
            }
            return;
        };
        let per = 1usize << self.shift;
        let mask = user.mask();
        let word = self.layout.first_key() + user.word;
        let mut scratch = vec![0u64; largest_bucket(at, per) * width];
        let mut next = vec![0u32; per + 1];
        for lo in (0..users).step_by(per) {
            let hi = (lo + per).min(users);
            let (a, z) = (self.offsets[lo], self.offsets[hi]);
            let base = at[lo];
            for (n, &o) in next.iter_mut().zip(&at[lo..=hi]) {
                *n = o - base;
            }
            let rows = &self.words[a as usize * width..z as usize * width];
            let out = &mut scratch[..(at[hi] - base) as usize * width];
            let local = rows
                .chunks_exact(width)
                .map(|r| ((r[word] >> user.shift) & mask) as usize);
            scatter(rows, width, local, &mut next, out);
            // Each user's span: from its place to where the scatter left it.
            let spans = (lo..hi).map(|u| ((at[u] - base) as usize, next[u - lo] as usize));
            order_spans(out, width, spans);
            emit(Placed::Rows(Block {
                rows: out,
                layout: &self.layout,
            }));
        }
    }

    /// Calls `emit(first row, block)` with every row in per-user order, block by
    /// block in order (a block of a few thousand rows: its columns written from
    /// cache): the second pass.
    pub(super) fn each_block(&mut self, mut emit: impl FnMut(usize, Block<'_>)) {
        let width = self.layout.width;
        let users = self.offsets.len().saturating_sub(1);
        let Some(user) = self.layout.user else {
            // A bucket per user: the rows are in place, in input order.
            order_times(&mut self.words, width, &self.offsets);
            for (t, rows) in self.words.chunks(TILE * width).enumerate() {
                emit(
                    t * TILE,
                    Block {
                        rows,
                        layout: &self.layout,
                    },
                );
            }
            return;
        };
        let per = 1usize << self.shift;
        let mask = user.mask();
        let word = self.layout.first_key() + user.word;
        let mut scratch = vec![0u64; largest_bucket(&self.offsets, per) * width];
        let mut next = vec![0u32; per + 1];
        for lo in (0..users).step_by(per) {
            let hi = (lo + per).min(users);
            let (a, z) = (self.offsets[lo], self.offsets[hi]);
            for (n, &o) in next.iter_mut().zip(&self.offsets[lo..=hi]) {
                *n = o - a;
            }
            let rows = &self.words[a as usize * width..z as usize * width];
            let out = &mut scratch[..rows.len()];
            let local = rows
                .chunks_exact(width)
                .map(|r| ((r[word] >> user.shift) & mask) as usize);
            scatter(rows, width, local, &mut next, out);
            // `next` now holds each user's end: its spans start at `o - a`.
            for (n, &o) in next.iter_mut().zip(&self.offsets[lo..=hi]) {
                *n = o - a;
            }
            order_times(out, width, &next[..=hi - lo]);
            emit(
                a as usize,
                Block {
                    rows: out,
                    layout: &self.layout,
                },
            );
        }
    }
}

impl TableBuilder {
    /// The first pass of the rows' sort into per-user order — user key, then
    /// time, then input row — ([`UserRows::each_block`] is the second), with each
    /// user's first row.
    pub(super) fn rows_by_user(&self) -> UserRows {
        self.rows_by_user_in(MAX_BUCKETS)
    }

    /// [`TableBuilder::rows_by_user`] with at most `max_buckets` buckets (a test
    /// makes buckets of several users out of a few users).
    pub(super) fn rows_by_user_in(&self, max_buckets: usize) -> UserRows {
        let n = self.len();
        let users = self.users.len();
        let mut offsets = vec![0u32; users + 1];
        for &u in &self.user {
            offsets[u as usize + 1] += 1;
        }
        for u in 0..users {
            offsets[u + 1] += offsets[u];
        }
        let mut shift = 0u32;
        while shift < 31 && users.div_ceil(1 << shift) > max_buckets.max(1) {
            shift += 1;
        }

        let mut widths: Vec<usize> = std::iter::once(self.event.width())
            .chain(self.properties.iter().map(|p| p.keys().width()))
            .collect();
        if shift > 0 {
            widths.push(match shift {
                0..=8 => 1,
                9..=16 => 2,
                _ => 4,
            });
        }
        let (mut slots, key_words) = slots_of(&widths);
        let user = (shift > 0).then(|| slots.pop()).flatten();
        let revenue = self.revenue.is_some();
        let layout = Layout {
            width: 1 + usize::from(revenue) + key_words,
            revenue,
            slots,
            user,
        };
        let width = layout.width;
        let first = layout.first_key();

        // Each bucket's next row: its first user's first row.
        let mut next: Vec<u32> = (0..users).step_by(1 << shift).map(|u| offsets[u]).collect();
        let mut words = vec![0u64; n * width];
        let mut block = vec![0u64; BLOCK * width];
        let local = ((1u64 << shift) - 1) as u32;
        for from in (0..n).step_by(BLOCK) {
            let to = (from + BLOCK).min(n);
            let rows = &mut block[..(to - from) * width];
            // Packed column by column (sequential reads), in L1.
            for (r, &t) in rows.chunks_exact_mut(width).zip(&self.time[from..to]) {
                r[0] = t as u64;
                r[1..].fill(0);
            }
            if let Some(values) = &self.revenue {
                for (r, v) in rows.chunks_exact_mut(width).zip(values.iter_from(from)) {
                    r[1] = v.unwrap_or(f64::NAN).to_bits();
                }
            }
            pack_keys(rows, width, first, &self.event, from, layout.slots[0]);
            for (p, &slot) in self.properties.iter().zip(&layout.slots[1..]) {
                pack_keys(rows, width, first, p.keys(), from, slot);
            }
            let users = &self.user[from..to];
            if let Some(slot) = layout.user {
                for (r, &u) in rows.chunks_exact_mut(width).zip(users) {
                    r[first + slot.word] |= u64::from(u & local) << slot.shift;
                }
            }
            // Then each row to its bucket: one of a few hundred write positions.
            let buckets = users.iter().map(|&u| (u >> shift) as usize);
            scatter(rows, width, buckets, &mut next, &mut words);
        }
        UserRows {
            words,
            layout,
            shift,
            offsets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Role;

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

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n.max(1)
        }
    }

    /// One row of the reference: user key, time, event key, revenue bits, keys
    /// of the two properties (0 = empty).
    type Row = (u32, i64, u32, u64, u32, u32);

    /// A builder of `n` random rows over `users` users, `events` event names and
    /// properties of `wide` and 3 values; times mostly rising, sometimes going
    /// backwards, with ties. Its rows as the reference sees them.
    fn random(seed: u64, n: usize, users: u64, events: u64, wide: u64) -> (TableBuilder, Vec<Row>) {
        let mut rng = Rng(seed | 1);
        let props = [
            ("wide".to_string(), Role::Property),
            ("narrow".to_string(), Role::Property),
        ];
        let mut b = TableBuilder::new(true, &props);
        let names: Vec<String> = (0..wide.max(events).max(4))
            .map(|v| format!("v{v}"))
            .collect();
        let mut t = 0i64;
        for _ in 0..n {
            t += rng.next(5) as i64 - 1;
            let time = if rng.next(20) == 0 {
                t - rng.next(50) as i64
            } else {
                t
            };
            let w = rng.next(wide + 1);
            let c = rng.next(4);
            b.push(
                &format!("u{}", rng.next(users)),
                time,
                &names[rng.next(events) as usize],
                (rng.next(3) > 0).then(|| rng.next(1000) as f64 / 4.0),
                &[
                    (w > 0).then(|| names[w as usize - 1].as_str()),
                    (c > 0).then(|| names[c as usize].as_str()),
                ],
            );
        }
        let rows = (0..n)
            .map(|i| {
                (
                    b.user[i],
                    b.time[i],
                    b.event.get(i),
                    b.revenue
                        .as_ref()
                        .map_or(0, |r| r.get(i).unwrap_or(f64::NAN).to_bits()),
                    b.properties[0].keys().get(i),
                    b.properties[1].keys().get(i),
                )
            })
            .collect();
        (b, rows)
    }

    /// The rows sorted naively: stably by user, then time (input order on ties).
    fn naive(rows: &[Row]) -> Vec<Row> {
        let mut v = rows.to_vec();
        v.sort_by_key(|r| (r.0, r.1));
        v
    }

    /// The rows the two passes give, read back from the blocks, and the offsets.
    fn two_passes(b: &TableBuilder, max_buckets: usize) -> (Vec<Row>, Vec<u32>) {
        let mut order = b.rows_by_user_in(max_buckets);
        let mut rows = Vec::new();
        let offsets = order.offsets.clone();
        order.each_block(|start, block| {
            assert_eq!(start, rows.len(), "blocks in order, none skipped");
            let keys: Vec<Vec<u32>> = (0..3).map(|c| block.keys(c).collect()).collect();
            let revenue: Vec<u64> = block.revenue_bits().collect();
            for (i, t) in block.times().enumerate() {
                rows.push((0, t, keys[0][i], revenue[i], keys[1][i], keys[2][i]));
            }
        });
        // Users from the offsets.
        for (u, w) in offsets.windows(2).enumerate() {
            for r in &mut rows[w[0] as usize..w[1] as usize] {
                r.0 = u as u32;
            }
        }
        (rows, offsets)
    }

    #[test]
    fn both_passes_equal_a_naive_stable_sort_by_user_and_time() {
        // Buckets of one user and of many; keys of 1, 2 and 4 bytes (event
        // names and the wide property past 256 and 65,536 values; users within
        // a bucket past 256 and 65,536).
        let cases = [
            (0usize, 10u64, 3u64, 3u64, MAX_BUCKETS),
            (1, 10, 3, 3, MAX_BUCKETS),
            (1, 10, 3, 3, 1),
            (500, 7, 3, 5, MAX_BUCKETS),
            (2_000, 300, 5, 20, 4),
            (2_000, 300, 5, 20, 1),
            (5_000, 1_000, 300, 400, 3),
            (5_000, 40, 2, 3, 7),
            (150_000, 100_000, 9, 200_000, 1),
            (30_000, 2_000, 70_000, 2, 3),
        ];
        for (seed, &(n, users, events, wide, buckets)) in cases.iter().enumerate() {
            let (b, rows) = random(seed as u64 + 7, n, users, events, wide);
            let want = naive(&rows);
            let (got, offsets) = two_passes(&b, buckets);
            assert_eq!(got.len(), want.len(), "case {seed}");
            assert!(got == want, "case {seed}: the rows differ");
            assert_eq!(offsets.len(), b.users.len() + 1, "case {seed}");
            assert_eq!(offsets.last().copied(), Some(n as u32), "case {seed}");
        }
    }

    #[test]
    fn placed_rows_are_the_sorted_rows_at_each_users_place() {
        // Buckets of one user and of many; every user given a random gap after
        // its rows (none, or up to twice its rows), as a merge leaves for the
        // parts' runs, and rows beyond the last user's (users only in parts).
        let cases = [
            (0usize, 10u64, MAX_BUCKETS),
            (1, 10, MAX_BUCKETS),
            (500, 7, MAX_BUCKETS),
            (2_000, 300, 4),
            (2_000, 300, 1),
            (5_000, 1_000, 3),
            (20_000, 3_000, MAX_BUCKETS),
            (40_000, 40, 7),
        ];
        for (seed, &(n, users, buckets)) in cases.iter().enumerate() {
            let (b, rows) = random(seed as u64 + 11, n, users, 5, 20);
            let want = naive(&rows);
            let mut order = b.rows_by_user_in(buckets);
            let own = order.offsets.clone();
            let mut rng = Rng(seed as u64 * 31 + 5);
            let mut at = vec![0u32];
            for w in own.windows(2) {
                let count = w[1] - w[0];
                let gap = match rng.next(3) {
                    0 => 0,
                    _ => rng.next(2 * u64::from(count) + 2) as u32,
                };
                at.push(at.last().copied().unwrap_or(0) + count + gap);
            }
            // (time, event, revenue bits, wide, narrow) of every row of the
            // larger table, `None` in the gaps.
            type Cells = (i64, u32, u64, u32, u32);
            let mut got: Vec<Option<Cells>> = Vec::new();
            order.each_placed(&at, |piece| match piece {
                Placed::Rows(block) => {
                    let keys: Vec<Vec<u32>> = (0..3).map(|c| block.keys(c).collect()).collect();
                    let revenue: Vec<u64> = block.revenue_bits().collect();
                    for (i, t) in block.times().enumerate() {
                        got.push(Some((t, keys[0][i], revenue[i], keys[1][i], keys[2][i])));
                    }
                }
                Placed::Gap(g) => got.extend(std::iter::repeat_n(None, g)),
            });
            let end = at.last().copied().unwrap_or(0) as usize;
            assert_eq!(got.len(), end, "case {seed}: every row of the larger table");
            for (u, w) in own.windows(2).enumerate() {
                let (a, z) = (w[0] as usize, w[1] as usize);
                for (i, r) in want[a..z].iter().enumerate() {
                    let place = at[u] as usize + i;
                    assert_eq!(
                        got[place],
                        Some((r.1, r.2, r.3, r.4, r.5)),
                        "case {seed}: user {u}, row {i}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_columns_written_as_bytes_are_the_rows_in_order() {
        let (b, rows) = random(3, 3_000, 200, 300, 5);
        let want = naive(&rows);
        let n = want.len();
        let mut order = b.rows_by_user_in(8);
        let (time_at, revenue_at) = (3, 3 + 8 * n);
        let widths = [
            b.event.width(),
            b.properties[0].keys().width(),
            b.properties[1].keys().width(),
        ];
        assert_eq!(widths, [2, 1, 1], "the case has 2-byte event keys");
        let keys_at = [(3 + 16 * n, 2), (3 + 18 * n, 1), (3 + 19 * n, 1)];
        let mut out = vec![0u8; 3 + 20 * n + 5];
        order.each_block(|start, block| {
            block.write_le(&mut out, start, time_at, Some(revenue_at), &keys_at);
        });
        for (i, r) in want.iter().enumerate() {
            let at = |a: usize, w: usize| &out[a + w * i..a + w * (i + 1)];
            assert_eq!(at(time_at, 8), r.1.to_le_bytes(), "row {i}");
            assert_eq!(at(revenue_at, 8), r.3.to_le_bytes(), "row {i}");
            assert_eq!(at(keys_at[0].0, 2), (r.2 as u16).to_le_bytes(), "row {i}");
            assert_eq!(at(keys_at[1].0, 1), [r.4 as u8], "row {i}");
            assert_eq!(at(keys_at[2].0, 1), [r.5 as u8], "row {i}");
        }
        assert_eq!(&out[..3], &[0, 0, 0]);
        assert_eq!(&out[3 + 20 * n..], &[0; 5]);
    }
}
