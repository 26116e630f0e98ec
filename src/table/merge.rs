//! The merge of a load in parts: the receiving builder's own rows (the first part,
//! packed by user or already in per-user order) and later parts, each in its part-local per-user
//! order, placed into one table in per-user order with no sort of the whole — in
//! two steps, so that most of the work is done while the parts' workers still sort:
//!
//! 1. [`TableBuilder::place`], once every part's keys are read
//!    ([`TableBuilder::read_keys`]): every user's final rows are known from the row
//!    counts; the builder's columns are made for the whole table with its own rows
//!    placed, leaving each user a gap for each part's run, and the user column is
//!    written. Own rows still packed by the sort's first pass
//!    ([`TableBuilder::pack_by_user`], the first part's) are written there by its
//!    second pass directly, whole buckets of users at a time, gaps included; own
//!    rows in columns are copied run by run;
//! 2. [`TableBuilder::fill`], for each part's columns in file order: each run copied
//!    into its gap, its keys mapped to the receiver's;
//!
//! then [`TableBuilder::finish_merge`] only sorts the few users whose times go
//! backwards across a cut.
//!
//! Users keep the receiver's keys (first-seen order of the sequential load, made
//! by reading the parts in file order). A user's rows start at the sum of the
//! counts of the users before it; within a user, the first part's run comes first,
//! then the next part's, and so on — input order. Each run is sorted by `(time,
//! row)`, so the user's rows are in order when every run starts no earlier than
//! the run before it ends; a user where one does not (times going backwards across
//! a cut) has its rows sorted by time, stably, which gives `(time, input row)`.

use super::TableBuilder;
use super::keys::Keys;
use super::packed::{Placed, UserRows};
use super::part::{ColumnBlock, Head, PartKeys, le8};
use super::revenue::Revenue;
use super::wire::WireError;

/// Where a run of one user's rows goes: `(first row, rows)`. Runs are listed in
/// the order of their source, so each one's source rows follow the previous one's.
type Run = (u32, u32);

/// Copies each run of a source to its place: `copy(first source row, place)`.
fn scatter<T>(out: &mut [T], runs: &[Run], mut copy: impl FnMut(usize, &mut [T])) {
    let mut s = 0;
    for &(d, n) in runs {
        let (d, n) = (d as usize, n as usize);
        copy(s, &mut out[d..d + n]);
        s += n;
    }
}

/// The revenue column of a merge whose every part is filled: each source's
/// values moved, run by run, to where their rows' ranks say (`parts`: each part's
/// runs, in file order).
fn interleave(rows: usize, g: Gathered, parts: &[Vec<Run>]) -> Result<Revenue, WireError> {
    let Gathered {
        bits,
        own_runs,
        values,
    } = g;
    let mut column = Revenue::with_bits(rows, bits)
        .ok_or_else(|| "revenue bits beyond the table's rows".to_string())?;
    for (src, runs) in values.iter().zip(std::iter::once(&own_runs).chain(parts)) {
        let mut at = 0;
        for &(d, n) in runs {
            let (a, z) = (column.rank(d as usize), column.rank((d + n) as usize));
            let from = src
                .get(at..at + (z - a))
                .ok_or_else(|| "fewer revenue values than rows with one".to_string())?;
            column.values_mut()[a..z].copy_from_slice(from);
            at += z - a;
        }
        if at != src.len() {
            return Err("more revenue values than rows with one".into());
        }
    }
    Ok(column)
}

/// Users whose rows must be sorted by time: `(first row, order of its rows)`.
type Fixes = Vec<(usize, Vec<u32>)>;

/// Applies the fixes' orders to a column.
fn reorder<T: Copy>(v: &mut [T], fixes: &Fixes) {
    for (start, perm) in fixes {
        let span: Vec<T> = perm.iter().map(|&i| v[start + i as usize]).collect();
        v[*start..start + span.len()].copy_from_slice(&span);
    }
}

fn reorder_keys(k: &mut Keys, fixes: &Fixes) {
    match k {
        Keys::U8(v) => reorder(v, fixes),
        Keys::U16(v) => reorder(v, fixes),
        Keys::U32(v) => reorder(v, fixes),
    }
}

/// A key type a merged key column is stored in.
trait Key: Copy + Default {
    /// `k`, known to fit.
    fn of(k: u32) -> Self;
}

impl Key for u8 {
    #[inline]
    fn of(k: u32) -> Self {
        k as u8
    }
}

impl Key for u16 {
    #[inline]
    fn of(k: u32) -> Self {
        k as u16
    }
}

impl Key for u32 {
    #[inline]
    fn of(k: u32) -> Self {
        k
    }
}

/// The receiver's own key column (sorted) placed by its runs into a column of
/// `rows` rows as narrow as `max` (its largest key) allows — the width the
/// sequential load ends with.
fn placed_keys(rows: usize, max: u32, own: &Keys, runs: &[Run]) -> Keys {
    fn one<D: Key>(rows: usize, own: &Keys, runs: &[Run]) -> Vec<D> {
        let mut out = vec![D::default(); rows];
        match own {
            Keys::U8(v) => scatter(&mut out, runs, |s, o| {
                for (x, &k) in o.iter_mut().zip(&v[s..]) {
                    *x = D::of(u32::from(k));
                }
            }),
            Keys::U16(v) => scatter(&mut out, runs, |s, o| {
                for (x, &k) in o.iter_mut().zip(&v[s..]) {
                    *x = D::of(u32::from(k));
                }
            }),
            Keys::U32(v) => scatter(&mut out, runs, |s, o| {
                for (x, &k) in o.iter_mut().zip(&v[s..]) {
                    *x = D::of(k);
                }
            }),
        }
        out
    }
    if max <= u32::from(u8::MAX) {
        Keys::U8(one(rows, own, runs))
    } else if max <= u32::from(u16::MAX) {
        Keys::U16(one(rows, own, runs))
    } else {
        Keys::U32(one(rows, own, runs))
    }
}

/// An empty key column with room for `rows` keys, as narrow as `max` (its largest
/// key) allows.
fn keys_for(max: u32, rows: usize) -> Keys {
    if max <= u32::from(u8::MAX) {
        Keys::U8(Vec::with_capacity(rows))
    } else if max <= u32::from(u16::MAX) {
        Keys::U16(Vec::with_capacity(rows))
    } else {
        Keys::U32(Vec::with_capacity(rows))
    }
}

/// `k` cut or lengthened (with key 0) to `len` keys.
fn resize_keys(k: &mut Keys, len: usize) {
    match k {
        Keys::U8(v) => v.resize(len, 0),
        Keys::U16(v) => v.resize(len, 0),
        Keys::U32(v) => v.resize(len, 0),
    }
}

/// A block's rows split over the runs they go to: `(first row in the block, first
/// row in the table, rows)`.
type Segments = Vec<(usize, usize, usize)>;

/// Puts a block's keys (`width` bytes each), mapped by `map`, where `segs` say.
fn put_keys(
    dest: &mut Keys,
    segs: &Segments,
    src: &[u8],
    width: usize,
    map: &[u32],
) -> Result<(), WireError> {
    fn put<D: Key>(
        out: &mut [D],
        segs: &Segments,
        src: &[u8],
        width: usize,
        map: &[u32],
    ) -> Result<(), WireError> {
        if width == 1 {
            // One-byte keys through a table of all 256 (no check per key: the
            // largest key is checked once, after).
            let mut lut = [D::default(); 256];
            for (l, &m) in lut.iter_mut().zip(map) {
                *l = D::of(m);
            }
            let mut largest = 0u8;
            for &(s, d, n) in segs {
                for (x, &k) in out[d..d + n].iter_mut().zip(&src[s..s + n]) {
                    *x = lut[usize::from(k)];
                    largest = largest.max(k);
                }
            }
            return if usize::from(largest) < map.len() || segs.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "key {largest} not in a dictionary of {}",
                    map.len()
                ))
            };
        }
        let mut bad = None;
        let mut set = |x: &mut D, k: u32| match map.get(k as usize) {
            Some(&m) => *x = D::of(m),
            None => bad = Some(k),
        };
        for &(s, d, n) in segs {
            let out = &mut out[d..d + n];
            let src = &src[s * width..(s + n) * width];
            match width {
                1 => out
                    .iter_mut()
                    .zip(src)
                    .for_each(|(x, &k)| set(x, u32::from(k))),
                2 => out
                    .iter_mut()
                    .zip(src.chunks_exact(2))
                    .for_each(|(x, c)| set(x, u32::from(u16::from_le_bytes([c[0], c[1]])))),
                _ => out
                    .iter_mut()
                    .zip(src.chunks_exact(4))
                    .for_each(|(x, c)| set(x, u32::from_le_bytes([c[0], c[1], c[2], c[3]]))),
            }
        }
        match bad {
            Some(k) => Err(format!("key {k} not in a dictionary of {}", map.len())),
            None => Ok(()),
        }
    }
    match dest {
        Keys::U8(v) => put(v, segs, src, width, map),
        Keys::U16(v) => put(v, segs, src, width, map),
        Keys::U32(v) => put(v, segs, src, width, map),
    }
}

/// Where a part's revenue goes while filled: the whole table's presence bits and
/// the part's present values, in its order.
type Kept<'a> = (&'a mut Vec<u64>, &'a mut Vec<f64>);

/// A merge under way ([`TableBuilder::place`]): every user's first row, each part's
/// runs, the runs that follow an earlier run of their user, the parts filled.
#[derive(Debug)]
pub struct Placement {
    offsets: Vec<u32>,
    /// Per part, in file order, its runs in its own order.
    runs: Vec<Vec<Run>>,
    /// `(user, first row)` of each run placed after an earlier run of its user.
    junctions: Vec<(u32, u32)>,
    /// Parts whose columns are in.
    filled: usize,
    /// The revenue being placed, with a revenue column.
    revenue: Option<Gathered>,
}

/// The revenue of a merge under way: the whole table's presence bits, set as the
/// rows are placed, and each source's present values in its own order (its runs'
/// order) — interleaved once, at [`TableBuilder::finish_merge`], so that no dense
/// column of the whole table is ever made.
#[derive(Debug)]
struct Gathered {
    bits: Vec<u64>,
    /// The receiver's own runs, in its order.
    own_runs: Vec<Run>,
    /// The receiver's own present values, then each filled part's.
    values: Vec<Vec<f64>>,
}

impl Gathered {
    /// Sets row `r`'s bit.
    #[inline]
    fn set(bits: &mut [u64], r: usize) {
        bits[r / 64] |= 1 << (r % 64);
    }
}

impl Placement {
    /// Parts whose columns are in ([`TableBuilder::fill`]).
    pub fn filled(&self) -> usize {
        self.filled
    }
}

/// Places a run per user with rows in a source (`counts[k]` rows of the source's
/// user `k`, which is the receiver's user `user(k)`) after the rows placed so far
/// (`fill`). `junctions`: the runs placed after an earlier source's run of the same
/// user, as `(user, first row)`.
fn runs_of(
    counts: impl Iterator<Item = u32>,
    user: impl Fn(usize) -> u32,
    fill: &mut [u32],
    offsets: &[u32],
    junctions: &mut Vec<(u32, u32)>,
) -> Vec<Run> {
    let mut runs = Vec::new();
    for (k, n) in counts.enumerate() {
        if n == 0 {
            continue;
        }
        let u = user(k);
        let at = fill[u as usize];
        if at != offsets[u as usize] {
            junctions.push((u, at));
        }
        runs.push((at, n));
        fill[u as usize] += n;
    }
    runs
}

/// A part's columns being filled in as their pieces come
/// ([`TableBuilder::fill_piece`]): the header once read, the rows and runs filled
/// so far, and the start of a unit (the header or a block) cut by a piece's end.
#[derive(Debug, Default)]
pub struct Feed {
    head: Option<Head>,
    /// Rows of the blocks filled.
    seen: usize,
    /// The run being filled, and its rows filled.
    run: usize,
    done: u32,
    segs: Segments,
    /// The bytes of a unit begun in an earlier piece.
    carry: Vec<u8>,
    /// The part's present revenue values so far, in its order.
    values: Vec<f64>,
}

impl Feed {
    /// The length of the unit at the start of `bytes` (or a length they must
    /// reach to tell).
    fn need(&self, bytes: &[u8], part: &PartKeys) -> Result<usize, WireError> {
        match &self.head {
            None => Head::need(bytes, part),
            Some(head) => head.block_need(bytes, self.seen),
        }
    }

    /// A complete unit: the header read, or a block filled into `b`.
    fn unit(
        &mut self,
        b: &mut TableBuilder,
        (runs, bits): (&[Run], Option<&mut Vec<u64>>),
        part: &PartKeys,
        unit: &[u8],
    ) -> Result<(), WireError> {
        let Some(head) = &self.head else {
            let (head, _) = Head::read(unit, part)?;
            if head.revenue != b.revenue.is_some() {
                return Err("the revenue column does not match".into());
            }
            self.head = Some(head);
            return Ok(());
        };
        let block = head.block(unit);
        self.seen += block.rows;
        b.fill_block(
            runs,
            (&mut self.run, &mut self.done),
            &mut self.segs,
            (head, bits.map(|bits| (bits, &mut self.values))),
            part,
            &block,
        )
    }
}

impl TableBuilder {
    /// The first step of the merge, once the keys of every part are read in file
    /// order ([`TableBuilder::read_keys`]): this builder's columns remade for all
    /// rows, its own rows (sorted first when they are not,
    /// [`TableBuilder::sort_by_user`]) placed, each part's runs left as gaps; the
    /// user column written. Then [`TableBuilder::fill`] each part's columns, in
    /// the same order, and [`TableBuilder::finish_merge`].
    pub fn place(&mut self, parts: &[PartKeys]) -> Result<Placement, WireError> {
        let users = self.users.len();
        let own_rows = self.len();
        // Users the parts added have no own rows: the own order stays valid.
        let packed = self.packed.take();
        let own_offsets = match (&packed, self.ordered.take()) {
            (Some(rows), _) => rows.offsets.clone(),
            (None, Some(o))
                if o.len() <= users + 1 && o.last().copied() == Some(self.len() as u32) =>
            {
                o
            }
            _ => {
                self.sort_by_user();
                self.ordered.take().unwrap_or_default()
            }
        };
        if own_offsets.len() > users + 1 {
            return Err("more users in the receiver's rows than in its dictionary".into());
        }
        if own_offsets.last().copied().unwrap_or(0) as usize != own_rows {
            return Err("the receiver's own rows are not in per-user order".into());
        }
        let rows = own_rows + parts.iter().map(PartKeys::rows).sum::<usize>();
        if u32::try_from(rows).is_err() {
            return Err(format!("{rows} rows are more than a table holds"));
        }
        // Offsets: every user's rows over every source.
        let own_counts: Vec<u32> = own_offsets.windows(2).map(|w| w[1] - w[0]).collect();
        let mut offsets = vec![0u32; users + 1];
        for (u, &n) in own_counts.iter().enumerate() {
            offsets[u + 1] += n;
        }
        for p in parts {
            for (&u, &n) in p.users.iter().zip(&p.counts) {
                let slot = offsets
                    .get_mut(u as usize + 1)
                    .ok_or_else(|| format!("user key {u} of {users}"))?;
                *slot += n;
            }
        }
        for u in 0..users {
            offsets[u + 1] += offsets[u];
        }
        // Runs: the own rows first, then each part's, in file order.
        let mut fill = offsets[..users].to_vec();
        let mut junctions = Vec::new();
        let own_runs = runs_of(
            own_counts.iter().copied(),
            |k| k as u32,
            &mut fill,
            &offsets,
            &mut junctions,
        );
        let runs: Vec<Vec<Run>> = parts
            .iter()
            .map(|p| {
                runs_of(
                    p.counts.iter().copied(),
                    |k| p.users[k],
                    &mut fill,
                    &offsets,
                    &mut junctions,
                )
            })
            .collect();
        drop(fill);
        if let Some(packed) = packed {
            let values = self.place_packed(packed, &offsets, &own_counts, rows);
            let revenue = values.map(|(bits, own)| Gathered {
                bits,
                own_runs,
                values: vec![own],
            });
            return Ok(Placement {
                offsets,
                runs,
                junctions,
                filled: 0,
                revenue,
            });
        }

        let own_time = std::mem::take(&mut self.time);
        let mut time = vec![0i64; rows];
        scatter(&mut time, &own_runs, |s, o| {
            o.copy_from_slice(&own_time[s..s + o.len()]);
        });
        drop(own_time);
        self.time = time;
        // The own rows' presence bits at their places; their values, in the
        // own order, wait for the parts' (`finish_merge`).
        let revenue = self.revenue.take().map(|own| {
            let mut bits = vec![0u64; rows.div_ceil(64)];
            let mut s = 0;
            for &(d, n) in &own_runs {
                for i in 0..n as usize {
                    if own.has(s + i) {
                        Gathered::set(&mut bits, d as usize + i);
                    }
                }
                s += n as usize;
            }
            self.revenue = Some(Revenue::new());
            Gathered {
                bits,
                own_runs: own_runs.clone(),
                values: vec![own.into_values()],
            }
        });
        let own = std::mem::take(&mut self.event);
        let max = self.events.len().saturating_sub(1) as u32;
        self.event = placed_keys(rows, max, &own, &own_runs);
        drop(own);
        for p in &mut self.properties {
            let (keys, dict) = p.parts_mut();
            let own = std::mem::take(keys);
            *keys = placed_keys(rows, dict.len() as u32, &own, &own_runs);
        }
        let mut user = Vec::with_capacity(rows);
        for (u, w) in offsets.windows(2).enumerate() {
            user.extend(std::iter::repeat_n(u as u32, (w[1] - w[0]) as usize));
        }
        self.user = user;
        Ok(Placement {
            offsets,
            runs,
            junctions,
            filled: 0,
            revenue,
        })
    }

    /// [`TableBuilder::place`] of rows still packed ([`TableBuilder::pack_by_user`]):
    /// the sort's second pass writes them straight into the columns for all
    /// `rows` rows, user `u`'s rows at `offsets[u]` (the gaps between hold rows of
    /// no meaning until [`TableBuilder::fill`] writes the parts' runs there), so
    /// neither the own sorted columns nor their copy into place are made. The
    /// columns are appended in order, never zero-filled first; the user column
    /// last, once the packed rows are freed. With revenue, its presence bits for
    /// all rows (the own rows' set: user `u`'s first `own[u]` rows) and the own
    /// present values in order.
    fn place_packed(
        &mut self,
        mut packed: UserRows,
        offsets: &[u32],
        own: &[u32],
        rows: usize,
    ) -> Option<(Vec<u64>, Vec<f64>)> {
        let own_users = packed.offsets.len().saturating_sub(1);
        let mut time: Vec<i64> = Vec::with_capacity(rows);
        let mut revenue: Option<(Vec<u64>, Vec<f64>)> = self
            .revenue
            .as_ref()
            .map(|_| (vec![0u64; rows.div_ceil(64)], Vec::new()));
        // The user of the last row with a value (rows come in order).
        let mut user = 0usize;
        let mut keys: Vec<Keys> = std::iter::once(self.events.len())
            .chain(self.properties.iter().map(|p| p.dictionary().len() + 1))
            .map(|values| keys_for(values.saturating_sub(1) as u32, rows))
            .collect();
        packed.each_placed(&offsets[..=own_users], |piece| match piece {
            Placed::Rows(block) => {
                let first = time.len();
                time.extend(block.times());
                if let Some((bits, values)) = revenue.as_mut() {
                    // Only the own rows: the gaps' rows mean nothing yet.
                    for (i, b) in block.revenue_bits().enumerate() {
                        let v = f64::from_bits(b);
                        if v.is_nan() {
                            continue;
                        }
                        let r = first + i;
                        while offsets[user + 1] as usize <= r {
                            user += 1;
                        }
                        if own
                            .get(user)
                            .is_some_and(|&n| r < (offsets[user] + n) as usize)
                        {
                            Gathered::set(bits, r);
                            values.push(v);
                        }
                    }
                }
                for (c, k) in keys.iter_mut().enumerate() {
                    block.append_keys(c, k);
                }
            }
            Placed::Gap(n) => {
                let to = time.len() + n;
                time.resize(to, 0);
                for k in &mut keys {
                    resize_keys(k, to);
                }
            }
        });
        drop(packed);
        // The rows of users with none of the own rows (only in parts).
        time.resize(rows, 0);
        for k in &mut keys {
            resize_keys(k, rows);
        }
        self.time = time;
        // A mark that the table has revenue: made at `finish_merge`.
        self.revenue = revenue.as_ref().map(|_| Revenue::new());
        let mut keys = keys.into_iter();
        self.event = keys.next().unwrap_or_default();
        for (p, k) in self.properties.iter_mut().zip(keys) {
            *p.parts_mut().0 = k;
        }
        let mut user = Vec::with_capacity(rows);
        for (u, w) in offsets.windows(2).enumerate() {
            user.extend(std::iter::repeat_n(u as u32, (w[1] - w[0]) as usize));
        }
        self.user = user;
        revenue
    }

    /// The second step: the next part's `columns` (file order; the bytes of
    /// [`TableBuilder::encode_columns`], whose keys are `part`) copied into its
    /// gaps, block by block, every key mapped to this builder's. The same as
    /// [`TableBuilder::fill_piece`] with all of them, then
    /// [`TableBuilder::fill_end`].
    pub fn fill(
        &mut self,
        placement: &mut Placement,
        part: &PartKeys,
        columns: &[u8],
    ) -> Result<(), WireError> {
        let mut feed = Feed::default();
        self.fill_piece(placement, part, &mut feed, columns)?;
        self.fill_end(placement, feed)
    }

    /// The second step with the next part's columns coming in pieces (`bytes`:
    /// the next ones, of any length), so that they need not be copied whole into
    /// this memory first: each block is copied into its gaps as soon as it is
    /// complete (a block cut by a piece's end is kept in `feed` until the rest
    /// comes). After the last piece, [`TableBuilder::fill_end`].
    pub fn fill_piece(
        &mut self,
        placement: &mut Placement,
        part: &PartKeys,
        feed: &mut Feed,
        mut bytes: &[u8],
    ) -> Result<(), WireError> {
        let runs = placement
            .runs
            .get(placement.filled)
            .ok_or_else(|| "columns of a part that was not placed".to_string())?;
        let mut bits = placement.revenue.as_mut().map(|g| &mut g.bits);
        // A unit (the header, a block) begun in an earlier piece: completed first.
        while !feed.carry.is_empty() {
            let need = feed.need(&feed.carry, part)?;
            if feed.carry.len() == need {
                let unit = std::mem::take(&mut feed.carry);
                let done = feed.unit(self, (runs, bits.as_deref_mut()), part, &unit);
                feed.carry = unit;
                feed.carry.clear();
                done?;
                break;
            }
            let take = (need - feed.carry.len()).min(bytes.len());
            feed.carry.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if bytes.is_empty() && feed.carry.len() < need {
                return Ok(());
            }
        }
        while !bytes.is_empty() {
            let need = feed.need(bytes, part)?;
            if bytes.len() < need {
                feed.carry.extend_from_slice(bytes);
                break;
            }
            let (unit, rest) = bytes.split_at(need);
            feed.unit(self, (runs, bits.as_deref_mut()), part, unit)?;
            bytes = rest;
        }
        Ok(())
    }

    /// After the last piece of a part's columns ([`TableBuilder::fill_piece`]):
    /// an error when they ended early or held other rows than the part's users.
    pub fn fill_end(&mut self, placement: &mut Placement, feed: Feed) -> Result<(), WireError> {
        let runs = placement
            .runs
            .get(placement.filled)
            .ok_or_else(|| "columns of a part that was not placed".to_string())?;
        let head = feed
            .head
            .as_ref()
            .ok_or_else(|| "the columns end inside their header".to_string())?;
        if !feed.carry.is_empty() {
            return Err(format!(
                "the columns end inside a block ({} bytes of it)",
                feed.carry.len()
            ));
        }
        head.check_rows(feed.seen)?;
        if feed.run != runs.len() {
            return Err("fewer rows than the part's users have".into());
        }
        if let Some(g) = placement.revenue.as_mut() {
            g.values.push(feed.values);
        }
        placement.filled += 1;
        Ok(())
    }

    /// One complete block of a part's columns copied into its gaps: `runs` from
    /// `*run` (`*done` of its rows already filled) on, both moved past its rows.
    #[allow(clippy::too_many_arguments)]
    fn fill_block(
        &mut self,
        runs: &[Run],
        (run, done): (&mut usize, &mut u32),
        segs: &mut Segments,
        (head, revenue): (&Head, Option<Kept<'_>>),
        part: &PartKeys,
        block: &ColumnBlock<'_>,
    ) -> Result<(), WireError> {
        segs.clear();
        let mut s = 0;
        while s < block.rows {
            let &(d, n) = runs
                .get(*run)
                .ok_or_else(|| "more rows than the part's users have".to_string())?;
            let take = ((n - *done) as usize).min(block.rows - s);
            segs.push((s, (d + *done) as usize, take));
            s += take;
            *done += take as u32;
            if *done == n {
                *run += 1;
                *done = 0;
            }
        }
        for &(s, d, n) in segs.iter() {
            let src = block.time[s * 8..(s + n) * 8].chunks_exact(8);
            for (x, c) in self.time[d..d + n].iter_mut().zip(src) {
                *x = i64::from_le_bytes(le8(c));
            }
        }
        // Revenue: the rows with a value get their bit; the values are kept in
        // the part's order.
        if let (Some((bits, values)), Some(src)) = (revenue, block.revenue) {
            for &(s, d, n) in segs.iter() {
                let src = src[s * 8..(s + n) * 8].chunks_exact(8);
                for (i, c) in src.enumerate() {
                    let v = f64::from_bits(u64::from_le_bytes(le8(c)));
                    if !v.is_nan() {
                        Gathered::set(bits, d + i);
                        values.push(v);
                    }
                }
            }
        }
        put_keys(
            &mut self.event,
            segs,
            block.event,
            head.event_width,
            &part.events,
        )?;
        for (j, p) in self.properties.iter_mut().enumerate() {
            let (keys, _) = p.parts_mut();
            put_keys(
                keys,
                segs,
                block.properties[j],
                head.widths[j],
                &part.properties[j],
            )?;
        }
        Ok(())
    }

    /// The end of the merge, every part filled: the users whose times go backwards
    /// across a cut sorted by time (stably); then [`TableBuilder::build`] has
    /// nothing left to sort.
    pub fn finish_merge(&mut self, placement: Placement) -> Result<(), WireError> {
        let Placement {
            offsets,
            runs,
            junctions,
            filled,
            revenue,
        } = placement;
        if filled != runs.len() {
            return Err(format!(
                "{} of {} parts' columns are in",
                filled,
                runs.len()
            ));
        }
        let time = &self.time;
        let mut late: Vec<u32> = junctions
            .iter()
            .filter(|&&(_, at)| time[at as usize - 1] > time[at as usize])
            .map(|&(u, _)| u)
            .collect();
        late.sort_unstable();
        late.dedup();
        let fixes: Fixes = late
            .iter()
            .map(|&u| {
                let (a, b) = (
                    offsets[u as usize] as usize,
                    offsets[u as usize + 1] as usize,
                );
                let mut perm: Vec<u32> = (0..(b - a) as u32).collect();
                perm.sort_by_key(|&i| time[a + i as usize]);
                (a, perm)
            })
            .collect();
        reorder(&mut self.time, &fixes);
        if let Some(g) = revenue {
            let mut column = interleave(self.time.len(), g, &runs)?;
            for (start, perm) in &fixes {
                column.reorder(*start, perm);
            }
            self.revenue = Some(column);
        }
        reorder_keys(&mut self.event, &fixes);
        for p in &mut self.properties {
            reorder_keys(p.parts_mut().0, &fixes);
        }
        self.ordered = Some(offsets);
        Ok(())
    }
}
