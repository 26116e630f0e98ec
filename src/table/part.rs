//! A builder's rows as bytes — one *part* of a parallel load
//! ([`crate::ingest::parallel`]) — in two messages: first its *keys* (its
//! dictionaries and each user's row count, written as soon as the part is parsed),
//! then its *columns* in part-local per-user order (written after the part's sort).
//! The receiving builder reads the keys into its dictionaries ([`PartKeys`]: the
//! maps from the part's keys to its own), places its own rows with a gap for each
//! part's run of every user ([`super::merge`]), and fills the gaps from the columns.
//!
//! Reading parts' keys in file order gives the receiver the dictionaries the
//! sequential load would have made: a part's dictionaries list its values in
//! first-seen order, and interning them in that order adds the values new to the
//! receiver in the order the sequential load first met them.
//!
//! The rows are written sorted by the part's user key (first-seen order), then
//! time, then input row — the part's own per-user order, made in the part's worker
//! while the sort costs nobody anything — so the merge only places each user's run.
//!
//! Keys (little-endian, [`super::wire`]): rows `u64`; the user ids (strings); per
//! user, in key order, its row count (`u32`); the event names (strings); the number
//! of property columns (`u64`) and each one's values (strings). Strings are a count
//! (`u64`), every length (`u32`), then the text back to back.
//!
//! Columns: rows `u64`; the event key width (1, 2 or 4); a revenue flag (`u8`); the
//! number of property columns (`u64`) and each one's key width; then the rows in
//! *blocks* of consecutive rows, each a row count (`u32`) and its columns back to
//! back: the times (`i64`), the revenue (`f64` bits, when the flag is 1), the event
//! keys and every property's keys (0 = an empty cell, else 1 + the value's index),
//! each at its width. Written block by block as the sort's second pass makes them:
//! the buffer grows at its end only, each byte written once while in cache (a
//! column-by-column layout needed the whole buffer zero-filled first) — or handed
//! out in pieces of a fixed size after each block, one buffer reused
//! ([`TableBuilder::encode_columns_in_pieces`]: a part worker posts each piece
//! while its sort writes the next).

use super::wire::{WireError, WireReader, WireWriter};
use super::{Dict, TableBuilder};

fn write_dict(w: &mut WireWriter, dict: &Dict) {
    w.strings(dict.len(), || dict.iter());
}

/// A part's keys read into a receiving builder's dictionaries
/// ([`TableBuilder::read_keys`]): what its columns need to be placed.
#[derive(Debug)]
pub struct PartKeys {
    pub(super) rows: usize,
    /// The receiver's user key of each of the part's user keys.
    pub(super) users: Vec<u32>,
    /// Each part user's row count, in the part's key order.
    pub(super) counts: Vec<u32>,
    /// The receiver's event key of each of the part's.
    pub(super) events: Vec<u32>,
    /// Per property column, the receiver's key of each of the part's (0 → 0).
    pub(super) properties: Vec<Vec<u32>>,
}

impl PartKeys {
    /// Rows in the part.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends the part's rows from its `columns` (the bytes of
    /// [`TableBuilder::encode_columns`]), in the part's order, to `b`: the builder
    /// its keys were read into (the fallback of a load in parts, which then sorts
    /// everything; rows of one user and time keep their input order, so the sort's
    /// answer is the sequential load's).
    pub fn append_to(&self, columns: &[u8], b: &mut TableBuilder) -> Result<(), WireError> {
        let cols = Columns::read(columns, self)?;
        b.user.reserve(self.rows);
        for (u, &n) in self.users.iter().zip(&self.counts) {
            b.user.extend(std::iter::repeat_n(*u, n as usize));
        }
        for block in cols.blocks() {
            let block = block?;
            b.time.extend(block.times());
            if let (Some(at), Some(values)) = (block.revenue, b.revenue.as_mut()) {
                at.chunks_exact(8)
                    .for_each(|c| values.push_bits(u64::from_le_bytes(le8(c))));
            }
            let event = &mut b.event;
            each_key(block.event, cols.head.event_width, &self.events, |k| {
                event.push(k)
            })?;
            for (j, p) in b.properties.iter_mut().enumerate() {
                let (keys, _) = p.parts_mut();
                each_key(
                    block.properties[j],
                    cols.head.widths[j],
                    &self.properties[j],
                    |k| keys.push(k),
                )?;
            }
        }
        Ok(())
    }
}

/// With `piece`, hands every whole piece at the start of `bytes` to `emit`, in
/// order, and drops them (the rest, less than a piece, moves to the start).
fn flush(bytes: &mut Vec<u8>, piece: Option<usize>, emit: &mut dyn FnMut(&[u8])) {
    let Some(p) = piece else {
        return;
    };
    let p = p.max(1);
    let full = bytes.len() / p * p;
    if full > 0 {
        bytes[..full].chunks(p).for_each(&mut *emit);
        bytes.drain(..full);
    }
}

/// A little-endian `i64` or `f64` from 8 bytes.
pub(super) fn le8(c: &[u8]) -> [u8; 8] {
    let mut a = [0u8; 8];
    a.copy_from_slice(c);
    a
}

/// Every key of `bytes` (`width` bytes each), mapped by `map`, onto `push`.
fn each_key(
    bytes: &[u8],
    width: usize,
    map: &[u32],
    mut push: impl FnMut(u32),
) -> Result<(), WireError> {
    let map = |k: u32| {
        map.get(k as usize)
            .copied()
            .ok_or_else(|| format!("key {k} not in a dictionary of {}", map.len()))
    };
    match width {
        1 => bytes
            .iter()
            .try_for_each(|&k| map(u32::from(k)).map(&mut push)),
        2 => bytes
            .chunks_exact(2)
            .try_for_each(|c| map(u32::from(u16::from_le_bytes([c[0], c[1]]))).map(&mut push)),
        _ => bytes
            .chunks_exact(4)
            .try_for_each(|c| map(u32::from_le_bytes([c[0], c[1], c[2], c[3]])).map(&mut push)),
    }
}

/// The header of a part's columns, checked against its keys: the widths and the
/// rows. Read on its own so that the columns may come in pieces
/// ([`super::merge::Feed`]): [`Head::need`] and [`Head::block_need`] tell how many
/// bytes the next unit (the header, a block) takes.
#[derive(Debug)]
pub(super) struct Head {
    pub(super) event_width: usize,
    pub(super) revenue: bool,
    /// Each property column's key width.
    pub(super) widths: Vec<usize>,
    pub(super) rows: usize,
}

/// The header's bytes before the property columns' widths: rows, event key width,
/// revenue flag, property column count.
const HEAD_FIXED: usize = 8 + 1 + 1 + 8;

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(le8(&bytes[at..at + 8]))
}

impl Head {
    /// The header's length, when `bytes` (the columns' start) hold enough of it to
    /// tell; else a length they must reach to tell.
    pub(super) fn need(bytes: &[u8], keys: &PartKeys) -> Result<usize, WireError> {
        if bytes.len() < HEAD_FIXED {
            return Ok(HEAD_FIXED);
        }
        let n = u64_at(bytes, 10);
        if n != keys.properties.len() as u64 {
            return Err(format!(
                "{n} property columns, {} in the keys",
                keys.properties.len()
            ));
        }
        Ok(HEAD_FIXED + keys.properties.len())
    }

    /// The header at the start of `bytes` (at least [`Head::need`] of them) and
    /// its length.
    pub(super) fn read(bytes: &[u8], keys: &PartKeys) -> Result<(Self, usize), WireError> {
        let len = Self::need(bytes, keys)?;
        if bytes.len() < len {
            return Err(format!(
                "the columns end inside their header ({} bytes)",
                bytes.len()
            ));
        }
        let rows = u64_at(bytes, 0);
        if rows != keys.rows as u64 {
            return Err(format!(
                "{rows} rows in the columns, {} in the keys",
                keys.rows
            ));
        }
        let event_width = width_of(bytes[8])?;
        let revenue = match bytes[9] {
            0 => false,
            1 => true,
            f => return Err(format!("revenue flag {f}")),
        };
        let widths = bytes[HEAD_FIXED..len]
            .iter()
            .map(|&w| width_of(w))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((
            Self {
                event_width,
                revenue,
                widths,
                rows: keys.rows,
            },
            len,
        ))
    }

    /// Bytes of one row over every column.
    fn row_bytes(&self) -> usize {
        8 + if self.revenue { 8 } else { 0 } + self.event_width + self.widths.iter().sum::<usize>()
    }

    /// The length of the block at the start of `bytes`, the blocks before it
    /// holding `seen` rows, when `bytes` hold enough of it to tell (its row count);
    /// else a length they must reach to tell.
    pub(super) fn block_need(&self, bytes: &[u8], seen: usize) -> Result<usize, WireError> {
        if bytes.len() < 4 {
            return Ok(4);
        }
        let n = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        if n == 0 || seen + n > self.rows {
            return Err(format!("a block of {n} rows after {seen} rows"));
        }
        Ok(n.saturating_mul(self.row_bytes()).saturating_add(4))
    }

    /// The block that is all of `bytes` (of its [`Head::block_need`]).
    pub(super) fn block<'a>(&self, bytes: &'a [u8]) -> ColumnBlock<'a> {
        let n = (bytes.len() - 4) / self.row_bytes();
        let (time, rest) = bytes[4..].split_at(8 * n);
        let (revenue, mut rest) = if self.revenue {
            let (a, b) = rest.split_at(8 * n);
            (Some(a), b)
        } else {
            (None, rest)
        };
        let (event, r2) = rest.split_at(self.event_width * n);
        rest = r2;
        let mut properties = Vec::with_capacity(self.widths.len());
        for &w in &self.widths {
            let (p, r2) = rest.split_at(w * n);
            properties.push(p);
            rest = r2;
        }
        ColumnBlock {
            rows: n,
            time,
            revenue,
            event,
            properties,
        }
    }

    /// The error of columns whose blocks end after `seen` rows.
    pub(super) fn check_rows(&self, seen: usize) -> Result<(), WireError> {
        if seen == self.rows {
            Ok(())
        } else {
            Err(format!(
                "{seen} rows in the blocks, {} in the part",
                self.rows
            ))
        }
    }
}

/// A part's columns, whole: the header and the blocks.
pub(super) struct Columns<'a> {
    pub(super) head: Head,
    blocks: &'a [u8],
}

/// One block of a part's columns: consecutive rows, each column's bytes.
pub(super) struct ColumnBlock<'a> {
    pub(super) rows: usize,
    pub(super) time: &'a [u8],
    pub(super) revenue: Option<&'a [u8]>,
    pub(super) event: &'a [u8],
    pub(super) properties: Vec<&'a [u8]>,
}

impl ColumnBlock<'_> {
    /// The block's times, in order.
    pub(super) fn times(&self) -> impl Iterator<Item = i64> + '_ {
        self.time
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(le8(c)))
    }
}

fn width_of(w: u8) -> Result<usize, WireError> {
    match w {
        1 | 2 | 4 => Ok(usize::from(w)),
        _ => Err(format!("key width {w}")),
    }
}

impl<'a> Columns<'a> {
    /// The header of `bytes`, checked against the part's `keys`.
    pub(super) fn read(bytes: &'a [u8], keys: &PartKeys) -> Result<Self, WireError> {
        let (head, at) = Head::read(bytes, keys)?;
        Ok(Self {
            head,
            blocks: &bytes[at..],
        })
    }

    /// The blocks in order; an error when they do not hold exactly the rows.
    pub(super) fn blocks(&self) -> impl Iterator<Item = Result<ColumnBlock<'a>, WireError>> + '_ {
        let mut rest = self.blocks;
        let mut seen = 0usize;
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            if rest.is_empty() {
                done = true;
                return self.head.check_rows(seen).err().map(Err);
            }
            let block = match self.head.block_need(rest, seen) {
                Ok(need) if need <= rest.len() => {
                    let (b, r) = rest.split_at(need);
                    rest = r;
                    let b = self.head.block(b);
                    seen += b.rows;
                    Ok(b)
                }
                Ok(need) => Err(format!("{need} bytes needed, {} left", rest.len())),
                Err(e) => Err(e),
            };
            if block.is_err() {
                done = true;
            }
            Some(block)
        })
    }
}

impl TableBuilder {
    /// Writes the keys of every row pushed so far (the layout above): the
    /// dictionaries and each user's row count.
    pub fn encode_keys(&self, w: &mut WireWriter) {
        let mut counts = vec![0u32; self.users.len()];
        for &u in &self.user {
            counts[u as usize] += 1;
        }
        w.count(self.len());
        write_dict(w, &self.users);
        w.bytes.reserve(counts.len() * 4);
        for c in counts {
            w.u32(c);
        }
        write_dict(w, &self.events);
        w.count(self.properties.len());
        for p in &self.properties {
            write_dict(w, p.dictionary());
        }
    }

    /// Writes every row pushed, in the builder's per-user order (user key, time,
    /// input row), as the columns of the layout above, block by block. The builder
    /// is used up: its columns are freed once the rows are packed (the sort's first
    /// pass), so that the bytes written can reuse their memory instead of fresh
    /// pages.
    pub fn encode_columns(self, w: &mut WireWriter) {
        self.write_columns(w, None, &mut |_| {});
    }

    /// [`TableBuilder::encode_columns`] handed out in pieces as the sort's second
    /// pass writes them: whenever `w` holds `piece` bytes or more (whatever it held
    /// before counts), `emit` gets them in pieces of exactly `piece` bytes (at
    /// least 1) and they leave `w`, whose memory is reused for the next ones; the
    /// rest (less than `piece` bytes) stays in `w` for the caller. The pieces, in
    /// order, with that rest are the bytes `encode_columns` writes; the columns of
    /// hundreds of MB never exist whole.
    pub fn encode_columns_in_pieces(
        self,
        w: &mut WireWriter,
        piece: usize,
        emit: &mut dyn FnMut(&[u8]),
    ) {
        self.write_columns(w, Some(piece.max(1)), emit);
    }

    /// The columns, written into `w` whole (`piece` none) or handed to `emit` in
    /// pieces of `piece` bytes after each block.
    fn write_columns(
        mut self,
        w: &mut WireWriter,
        piece: Option<usize>,
        emit: &mut dyn FnMut(&[u8]),
    ) {
        let rows = self.len();
        let mut order = self.rows_by_user();
        let properties = self.properties.len();
        let (widths, revenue) = self.release_columns();
        let row_bytes = 8 + if revenue { 8 } else { 0 } + widths.iter().sum::<usize>();
        // Sized once (a part is hundreds of MB), with room for the blocks' counts
        // (at most one per bucket of the sort, or per tile of rows); in pieces,
        // a piece and a block's room grow it at most once or twice.
        let blocks = super::packed::MAX_BUCKETS + rows / 1024 + 1;
        w.bytes.reserve(match piece {
            None => rows * row_bytes + 4 * blocks + 64 + widths.len(),
            Some(p) => p.saturating_mul(2).min(rows * row_bytes + 4 * blocks + 64),
        });
        w.count(rows);
        w.u8(widths[0] as u8);
        w.u8(u8::from(revenue));
        w.count(properties);
        for &k in &widths[1..] {
            w.u8(k as u8);
        }
        flush(&mut w.bytes, piece, emit);
        order.each_block(|_, block| {
            let n = block.rows();
            if n == 0 {
                return;
            }
            w.u32(n as u32);
            // The block's room, zero-filled while it is in cache, then written.
            let at = w.bytes.len();
            w.bytes.resize(at + n * row_bytes, 0);
            let revenue_at = revenue.then_some(at + 8 * n);
            let mut next = at + 8 * n * (1 + usize::from(revenue));
            let keys_at: Vec<(usize, usize)> = widths
                .iter()
                .map(|&k| {
                    let a = next;
                    next += k * n;
                    (a, k)
                })
                .collect();
            block.write_le(&mut w.bytes, 0, at, revenue_at, &keys_at);
            flush(&mut w.bytes, piece, emit);
        });
    }

    /// Reads the keys [`TableBuilder::encode_keys`] wrote (of a builder with the
    /// same columns) from `bytes`: its values interned into this builder's
    /// dictionaries, in order. An error (a corrupted part, or one of other
    /// columns) may leave some of the part's values in the dictionaries; the load
    /// is then abandoned.
    pub fn read_keys(&mut self, bytes: &[u8]) -> Result<PartKeys, WireError> {
        let mut r = WireReader::new(bytes);
        let rows = usize::try_from(r.u64()?).map_err(|e| e.to_string())?;
        let users: Vec<u32> = r
            .strings()?
            .into_iter()
            .map(|s| self.users.intern(s))
            .collect();
        let counts: Vec<u32> = r
            .take(users.len() * 4)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let listed: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        if listed != rows as u64 {
            return Err(format!("{listed} rows listed by user, {rows} in the part"));
        }
        let events: Vec<u32> = r
            .strings()?
            .into_iter()
            .map(|s| self.events.intern(s))
            .collect();
        let n = r.count(1)?;
        if n != self.properties.len() {
            return Err(format!(
                "{n} property columns, expected {}",
                self.properties.len()
            ));
        }
        let mut properties = Vec::with_capacity(n);
        for p in &mut self.properties {
            let values = r.strings()?;
            let (_, dict) = p.parts_mut();
            properties.push(
                std::iter::once(0)
                    .chain(values.into_iter().map(|s| dict.intern(s).saturating_add(1)))
                    .collect(),
            );
        }
        if !r.is_empty() {
            return Err("bytes left after the keys".into());
        }
        Ok(PartKeys {
            rows,
            users,
            counts,
            events,
            properties,
        })
    }
}
