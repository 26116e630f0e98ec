//! A builder's rows as bytes — one *part* of a parallel load
//! ([`crate::ingest::parallel`]) — and such bytes appended to another builder, every
//! dictionary key remapped through the receiving builder's dictionaries.
//!
//! Appending parts in file order gives the builder the sequential load would have
//! made: a part's dictionaries list its values in first-seen order, and interning
//! them in that order adds the values new to the receiver in the order the
//! sequential load first met them.
//!
//! Layout (little-endian, [`super::wire`]): rows `u64`; the user ids (strings),
//! the user key per row (`u32`); the time per row (`i64`); the event names
//! (strings), the key width (1, 2 or 4) and the event key per row at that width;
//! a revenue flag (`u8`) and, when 1, the revenue per row (`f64` bits); the number
//! of property columns (`u64`) and, for each, its values (strings), the key width
//! and the key per row (0 = an empty cell, else 1 + the value's index). Strings are
//! a count (`u64`), every length (`u32`), then the text back to back.

use super::keys::Keys;
use super::wire::{WireError, WireReader, WireWriter};
use super::{Dict, TableBuilder};

fn write_keys(w: &mut WireWriter, keys: &Keys) {
    match keys {
        Keys::U8(v) => {
            w.u8(1);
            w.bytes.extend_from_slice(v);
        }
        Keys::U16(v) => {
            w.u8(2);
            for k in v {
                w.bytes.extend_from_slice(&k.to_le_bytes());
            }
        }
        Keys::U32(v) => {
            w.u8(4);
            for k in v {
                w.u32(*k);
            }
        }
    }
}

fn write_dict(w: &mut WireWriter, dict: &Dict) {
    w.strings(dict.len(), || dict.iter());
}

/// Reads `rows` keys of the width written before them and pushes each mapped
/// through `map` onto `push`.
fn read_keys(
    r: &mut WireReader<'_>,
    rows: usize,
    map: &[u32],
    mut push: impl FnMut(u32),
) -> Result<(), WireError> {
    let width = usize::from(r.u8()?);
    if !matches!(width, 1 | 2 | 4) {
        return Err(format!("key width {width}"));
    }
    let bytes = r.take(rows * width)?;
    let bad = |k: u32| format!("key {k} not in a dictionary of {}", map.len());
    match width {
        1 => {
            for &b in bytes {
                push(*map.get(usize::from(b)).ok_or_else(|| bad(u32::from(b)))?);
            }
        }
        2 => {
            for c in bytes.chunks_exact(2) {
                let k = u16::from_le_bytes([c[0], c[1]]);
                push(*map.get(usize::from(k)).ok_or_else(|| bad(u32::from(k)))?);
            }
        }
        _ => {
            for c in bytes.chunks_exact(4) {
                let k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                push(*map.get(k as usize).ok_or_else(|| bad(k))?);
            }
        }
    }
    Ok(())
}

impl TableBuilder {
    /// Writes every row pushed so far and the dictionaries (the layout above).
    pub fn encode(&self, w: &mut WireWriter) {
        let rows = self.len();
        w.count(rows);
        write_dict(w, &self.users);
        for &u in &self.user {
            w.u32(u);
        }
        for &t in &self.time {
            w.bytes.extend_from_slice(&t.to_le_bytes());
        }
        write_dict(w, &self.events);
        write_keys(w, &self.event);
        match &self.revenue {
            Some(values) => {
                w.u8(1);
                for v in values {
                    w.u64(v.to_bits());
                }
            }
            None => w.u8(0),
        }
        w.count(self.properties.len());
        for p in &self.properties {
            write_dict(w, p.dictionary());
            write_keys(w, p.keys());
        }
    }

    /// Appends the rows written by [`TableBuilder::encode`] of a builder with the
    /// same columns, after this builder's rows. An error (a corrupted part, or one
    /// of other columns) may leave some of the part's values in the dictionaries;
    /// the load is then abandoned.
    pub fn append_encoded(&mut self, r: &mut WireReader<'_>) -> Result<(), WireError> {
        let rows = r.count(12)?;
        let users: Vec<u32> = r
            .strings()?
            .into_iter()
            .map(|s| self.users.intern(s))
            .collect();
        let user_bytes = r.take(rows * 4)?;
        let time_bytes = r.take(rows * 8)?;
        self.user.reserve(rows);
        for c in user_bytes.chunks_exact(4) {
            let k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            let mapped = users
                .get(k as usize)
                .ok_or_else(|| format!("user key {k} not in a dictionary of {}", users.len()))?;
            self.user.push(*mapped);
        }
        self.time.reserve(rows);
        self.time.extend(time_bytes.chunks_exact(8).map(|c| {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            i64::from_le_bytes(a)
        }));
        let events: Vec<u32> = r
            .strings()?
            .into_iter()
            .map(|s| self.events.intern(s))
            .collect();
        let event = &mut self.event;
        read_keys(r, rows, &events, |k| event.push(k))?;
        match (r.u8()?, self.revenue.as_mut()) {
            (0, None) => {}
            (1, Some(values)) => {
                values.reserve(rows);
                values.extend(r.take(rows * 8)?.chunks_exact(8).map(|c| {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(c);
                    f64::from_bits(u64::from_le_bytes(a))
                }));
            }
            (flag, _) => return Err(format!("revenue flag {flag} does not match the columns")),
        }
        let n = r.count(1)?;
        if n != self.properties.len() {
            return Err(format!(
                "{n} property columns, expected {}",
                self.properties.len()
            ));
        }
        for p in &mut self.properties {
            let values = r.strings()?;
            let (keys, dict) = p.parts_mut();
            let map: Vec<u32> = std::iter::once(0)
                .chain(values.into_iter().map(|s| dict.intern(s).saturating_add(1)))
                .collect();
            read_keys(r, rows, &map, |k| keys.push(k))?;
        }
        Ok(())
    }
}
