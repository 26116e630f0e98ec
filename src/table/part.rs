//! A builder's rows as bytes — one *part* of a parallel load
//! ([`crate::ingest::parallel`]) — in part-local per-user order, and such bytes
//! read back against the receiving builder: its dictionaries intern the part's
//! values, and the part keeps, per column, the map from its keys to the receiver's
//! for the merge ([`super::merge`]).
//!
//! Reading parts in file order gives the receiver the dictionaries the sequential
//! load would have made: a part's dictionaries list its values in first-seen
//! order, and interning them in that order adds the values new to the receiver in
//! the order the sequential load first met them.
//!
//! The rows are written sorted by the part's user key (first-seen order), then
//! time, then input row — the part's own per-user order, made in the part's worker
//! while the sort costs nobody anything — so the merge only places each user's run.
//!
//! Layout (little-endian, [`super::wire`]): rows `u64`; the user ids (strings);
//! per user, in key order, its row count (`u32`); then the columns in that order:
//! the time per row (`i64`); the event names (strings), the key width (1, 2 or 4)
//! and the event key per row at that width; a revenue flag (`u8`) and, when 1, the
//! revenue per row (`f64` bits); the number of property columns (`u64`) and, for
//! each, its values (strings), the key width and the key per row (0 = an empty
//! cell, else 1 + the value's index). Strings are a count (`u64`), every length
//! (`u32`), then the text back to back.

use std::ops::Range;

use super::wire::{WireError, WireReader, WireWriter};
use super::{Dict, TableBuilder};

fn write_dict(w: &mut WireWriter, dict: &Dict) {
    w.strings(dict.len(), || dict.iter());
}

/// One key column of a read part: where its keys are, their width, and the map
/// from the part's keys to the receiver's.
#[derive(Debug)]
pub(super) struct KeyColumn {
    /// `map[k]`: the receiver's key for the part's key `k`.
    pub(super) map: Vec<u32>,
    /// Bytes per key: 1, 2 or 4.
    pub(super) width: usize,
    /// The keys' bytes in [`EncodedPart::bytes`].
    pub(super) at: Range<usize>,
}

impl KeyColumn {
    fn read(
        r: &mut WireReader<'_>,
        end: usize,
        rows: usize,
        map: Vec<u32>,
    ) -> Result<Self, WireError> {
        let width = usize::from(r.u8()?);
        if !matches!(width, 1 | 2 | 4) {
            return Err(format!("key width {width}"));
        }
        let from = end - r.left();
        r.take(rows * width)?;
        Ok(Self {
            map,
            width,
            at: from..end - r.left(),
        })
    }

    /// Every key of the column in the part's order, mapped, onto `push`.
    fn each(&self, bytes: &[u8], mut push: impl FnMut(u32)) -> Result<(), WireError> {
        let b = &bytes[self.at.clone()];
        let map = |k: u32| {
            self.map
                .get(k as usize)
                .copied()
                .ok_or_else(|| format!("key {k} not in a dictionary of {}", self.map.len()))
        };
        match self.width {
            1 => b.iter().try_for_each(|&k| map(u32::from(k)).map(&mut push)),
            2 => b
                .chunks_exact(2)
                .try_for_each(|c| map(u32::from(u16::from_le_bytes([c[0], c[1]]))).map(&mut push)),
            _ => b
                .chunks_exact(4)
                .try_for_each(|c| map(u32::from_le_bytes([c[0], c[1], c[2], c[3]])).map(&mut push)),
        }
    }
}

/// A part read into a receiving builder's dictionaries ([`TableBuilder::read_part`]):
/// its bytes, kept as they came, and where each column is in them. Merged by
/// [`TableBuilder::merge_parts`], or appended as rows ([`EncodedPart::append_to`]).
#[derive(Debug)]
pub struct EncodedPart {
    pub(super) bytes: Vec<u8>,
    pub(super) rows: usize,
    /// The receiver's user key of each of the part's user keys.
    pub(super) users: Vec<u32>,
    /// Each part user's row count (`u32` each).
    pub(super) counts: Range<usize>,
    pub(super) time: Range<usize>,
    pub(super) event: KeyColumn,
    pub(super) revenue: Option<Range<usize>>,
    pub(super) properties: Vec<KeyColumn>,
}

/// A little-endian `i64` or `f64` from 8 bytes.
pub(super) fn le8(c: &[u8]) -> [u8; 8] {
    let mut a = [0u8; 8];
    a.copy_from_slice(c);
    a
}

impl EncodedPart {
    /// Rows in the part.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Each of the part's users' row count, in the part's key order.
    pub(super) fn counts(&self) -> impl Iterator<Item = u32> + '_ {
        self.bytes[self.counts.clone()]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// Appends the part's rows, in the part's order, to `b`: the builder it was
    /// read into (the fallback of a load in parts, which then sorts everything;
    /// rows of one user and time keep their input order, so the sort's answer is
    /// the sequential load's).
    pub fn append_to(&self, b: &mut TableBuilder) -> Result<(), WireError> {
        b.user.reserve(self.rows);
        for (u, n) in self.users.iter().zip(self.counts()) {
            b.user.extend(std::iter::repeat_n(*u, n as usize));
        }
        b.time.extend(
            self.bytes[self.time.clone()]
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes(le8(c))),
        );
        let event = &mut b.event;
        self.event.each(&self.bytes, |k| event.push(k))?;
        if let (Some(at), Some(values)) = (&self.revenue, b.revenue.as_mut()) {
            values.extend(
                self.bytes[at.clone()]
                    .chunks_exact(8)
                    .map(|c| f64::from_bits(u64::from_le_bytes(le8(c)))),
            );
        }
        for (p, col) in b.properties.iter_mut().zip(&self.properties) {
            let (keys, _) = p.parts_mut();
            col.each(&self.bytes, |k| keys.push(k))?;
        }
        Ok(())
    }
}

impl TableBuilder {
    /// Writes every row pushed so far, in the builder's per-user order (user key,
    /// time, input row), and the dictionaries (the layout above).
    pub fn encode(&self, w: &mut WireWriter) {
        let rows = self.len();
        let mut order = self.rows_by_user();
        // Written once, into a buffer sized once (a part is hundreds of MB): the
        // dictionaries and counts, room for each column, then every column in one
        // pass over the ordered rows.
        w.bytes
            .reserve(rows * self.row_bytes() + 4 * self.users.len() + self.dictionary_bytes() + 64);
        let hole = |w: &mut WireWriter, n: usize| {
            let at = w.bytes.len();
            w.bytes.resize(at + n, 0);
            at
        };
        w.count(rows);
        write_dict(w, &self.users);
        for c in order.offsets.windows(2) {
            w.u32(c[1] - c[0]);
        }
        let time_at = hole(w, rows * 8);
        write_dict(w, &self.events);
        let mut keys_at = Vec::with_capacity(1 + self.properties.len());
        let width = self.event.width();
        w.u8(width as u8);
        keys_at.push((hole(w, rows * width), width));
        w.u8(u8::from(self.revenue.is_some()));
        let revenue_at = self.revenue.is_some().then(|| hole(w, rows * 8));
        w.count(self.properties.len());
        for p in &self.properties {
            write_dict(w, p.dictionary());
            let width = p.keys().width();
            w.u8(width as u8);
            keys_at.push((hole(w, rows * width), width));
        }
        // Every column written block by block from the sort's second pass.
        order.each_block(|start, block| {
            block.write_le(&mut w.bytes, start, time_at, revenue_at, &keys_at);
        });
    }

    /// Reads the part [`TableBuilder::encode`] wrote (of a builder with the same
    /// columns) from `bytes[from..]`: its values interned into this builder's
    /// dictionaries, its columns left in `bytes` for [`TableBuilder::merge_parts`].
    /// An error (a corrupted part, or one of other columns) may leave some of the
    /// part's values in the dictionaries; the load is then abandoned.
    pub fn read_part(&mut self, bytes: Vec<u8>, from: usize) -> Result<EncodedPart, WireError> {
        let end = bytes.len();
        let body = bytes
            .get(from..)
            .ok_or_else(|| format!("a part starts at byte {from} of {end}"))?;
        let mut r = WireReader::new(body);
        let at = |r: &WireReader<'_>| end - r.left();
        let rows = r.count(8)?;
        let users: Vec<u32> = r
            .strings()?
            .into_iter()
            .map(|s| self.users.intern(s))
            .collect();
        let counts = at(&r)..at(&r) + users.len() * 4;
        let listed: u64 = r
            .take(users.len() * 4)?
            .chunks_exact(4)
            .map(|c| u64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .sum();
        if listed != rows as u64 {
            return Err(format!("{listed} rows listed by user, {rows} in the part"));
        }
        let time = at(&r)..at(&r) + rows * 8;
        r.take(rows * 8)?;
        let events: Vec<u32> = r
            .strings()?
            .into_iter()
            .map(|s| self.events.intern(s))
            .collect();
        let event = KeyColumn::read(&mut r, end, rows, events)?;
        let revenue = match (r.u8()?, self.revenue.is_some()) {
            (0, false) => None,
            (1, true) => {
                let span = at(&r)..at(&r) + rows * 8;
                r.take(rows * 8)?;
                Some(span)
            }
            (flag, _) => return Err(format!("revenue flag {flag} does not match the columns")),
        };
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
            let map: Vec<u32> = std::iter::once(0)
                .chain(values.into_iter().map(|s| dict.intern(s).saturating_add(1)))
                .collect();
            properties.push(KeyColumn::read(&mut r, end, rows, map)?);
        }
        if !r.is_empty() {
            return Err("bytes left after the columns".into());
        }
        Ok(EncodedPart {
            bytes,
            rows,
            users,
            counts,
            time,
            event,
            revenue,
            properties,
        })
    }
}
