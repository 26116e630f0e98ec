//! The merge of a load in parts: the receiving builder's own rows (the first part,
//! already in per-user order) and later parts, each in its part-local per-user
//! order ([`EncodedPart`]), placed into one table in per-user order with one pass
//! per column and no sort of the whole.
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
use super::part::{EncodedPart, KeyColumn, le8};
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

/// Users whose rows must be sorted by time: `(first row, order of its rows)`.
type Fixes = Vec<(usize, Vec<u32>)>;

/// Applies the fixes' orders to a column.
fn reorder<T: Copy>(v: &mut [T], fixes: &Fixes) {
    for (start, perm) in fixes {
        let span: Vec<T> = perm.iter().map(|&i| v[start + i as usize]).collect();
        v[*start..start + span.len()].copy_from_slice(&span);
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

/// A key column's sources: the receiver's own keys (already its keys) and each
/// later part's column with its runs.
struct KeySources<'a> {
    own: &'a Keys,
    own_runs: &'a [Run],
    parts: Vec<(&'a [u8], &'a KeyColumn, &'a [Run])>,
}

/// Every source's keys placed into `out`.
fn fill_keys<D: Key>(out: &mut [D], src: &KeySources<'_>) -> Result<(), WireError> {
    match src.own {
        Keys::U8(v) => scatter(out, src.own_runs, |s, o| {
            for (x, &k) in o.iter_mut().zip(&v[s..]) {
                *x = D::of(u32::from(k));
            }
        }),
        Keys::U16(v) => scatter(out, src.own_runs, |s, o| {
            for (x, &k) in o.iter_mut().zip(&v[s..]) {
                *x = D::of(u32::from(k));
            }
        }),
        Keys::U32(v) => scatter(out, src.own_runs, |s, o| {
            for (x, &k) in o.iter_mut().zip(&v[s..]) {
                *x = D::of(k);
            }
        }),
    }
    for &(bytes, col, runs) in &src.parts {
        let b = &bytes[col.at.clone()];
        let map = &col.map[..];
        let mut bad = None;
        let mut put = |x: &mut D, k: u32| match map.get(k as usize) {
            Some(&m) => *x = D::of(m),
            None => bad = Some(k),
        };
        match col.width {
            1 => scatter(out, runs, |s, o| {
                for (x, &k) in o.iter_mut().zip(&b[s..]) {
                    put(x, u32::from(k));
                }
            }),
            2 => scatter(out, runs, |s, o| {
                for (x, c) in o.iter_mut().zip(b[s * 2..].chunks_exact(2)) {
                    put(x, u32::from(u16::from_le_bytes([c[0], c[1]])));
                }
            }),
            _ => scatter(out, runs, |s, o| {
                for (x, c) in o.iter_mut().zip(b[s * 4..].chunks_exact(4)) {
                    put(x, u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
                }
            }),
        }
        if let Some(k) = bad {
            return Err(format!("key {k} not in a dictionary of {}", map.len()));
        }
    }
    Ok(())
}

/// The merged key column of `rows` rows, as narrow as `max` (its largest key)
/// allows — the width the sequential load ends with — its users' fixes applied.
fn merged_keys(
    rows: usize,
    max: u32,
    src: &KeySources<'_>,
    fixes: &Fixes,
) -> Result<Keys, WireError> {
    fn one<D: Key>(rows: usize, src: &KeySources<'_>, fixes: &Fixes) -> Result<Vec<D>, WireError> {
        let mut v = vec![D::default(); rows];
        fill_keys(&mut v, src)?;
        reorder(&mut v, fixes);
        Ok(v)
    }
    Ok(if max <= u32::from(u8::MAX) {
        Keys::U8(one(rows, src, fixes)?)
    } else if max <= u32::from(u16::MAX) {
        Keys::U16(one(rows, src, fixes)?)
    } else {
        Keys::U32(one(rows, src, fixes)?)
    })
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

impl TableBuilder {
    /// Merges `parts` (read in file order by [`TableBuilder::read_part`] into this
    /// builder) after this builder's own rows into one set of columns in per-user
    /// order, as [`TableBuilder::build`] would order them: the builder's rows
    /// are sorted first when they are not ([`TableBuilder::sort_by_user`]). Then
    /// [`TableBuilder::build`] has nothing left to sort.
    pub fn merge_parts(&mut self, parts: Vec<EncodedPart>) -> Result<(), WireError> {
        let users = self.users.len();
        // Users the parts added have no own rows: the own order stays valid.
        let own_offsets = match self.ordered.take() {
            Some(o) if o.len() <= users + 1 && o.last().copied() == Some(self.len() as u32) => o,
            _ => {
                self.sort_by_user();
                self.ordered.take().unwrap_or_default()
            }
        };
        if own_offsets.last().copied().unwrap_or(0) as usize != self.len() {
            return Err("the receiver's own rows are not in per-user order".into());
        }
        if parts.is_empty() {
            self.ordered = Some(own_offsets);
            return Ok(());
        }
        let rows = self.len() + parts.iter().map(EncodedPart::rows).sum::<usize>();
        if u32::try_from(rows).is_err() {
            return Err(format!("{rows} rows are more than a table holds"));
        }
        // Offsets: every user's rows over every source.
        let own_counts: Vec<u32> = own_offsets.windows(2).map(|w| w[1] - w[0]).collect();
        let mut offsets = vec![0u32; users + 1];
        for (u, &n) in own_counts.iter().enumerate() {
            offsets[u + 1] += n;
        }
        for p in &parts {
            for (&u, n) in p.users.iter().zip(p.counts()) {
                offsets[u as usize + 1] += n;
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
        let part_runs: Vec<Vec<Run>> = parts
            .iter()
            .map(|p| {
                runs_of(
                    p.counts(),
                    |k| p.users[k],
                    &mut fill,
                    &offsets,
                    &mut junctions,
                )
            })
            .collect();
        drop(fill);

        // Times first: they tell which users' runs overlap.
        let own_time = std::mem::take(&mut self.time);
        let mut time = vec![0i64; rows];
        scatter(&mut time, &own_runs, |s, o| {
            o.copy_from_slice(&own_time[s..s + o.len()]);
        });
        drop(own_time);
        for (p, runs) in parts.iter().zip(&part_runs) {
            let b = &p.bytes[p.time.clone()];
            scatter(&mut time, runs, |s, o| {
                for (x, c) in o.iter_mut().zip(b[s * 8..].chunks_exact(8)) {
                    *x = i64::from_le_bytes(le8(c));
                }
            });
        }
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
        reorder(&mut time, &fixes);
        self.time = time;

        let mut user = vec![0u32; rows];
        for (u, w) in offsets.windows(2).enumerate() {
            user[w[0] as usize..w[1] as usize].fill(u as u32);
        }
        self.user = user;

        if self.revenue.is_some() {
            let own = self.revenue.take().unwrap_or_default();
            let mut values = vec![0f64; rows];
            scatter(&mut values, &own_runs, |s, o| {
                o.copy_from_slice(&own[s..s + o.len()]);
            });
            drop(own);
            for (p, runs) in parts.iter().zip(&part_runs) {
                let at = p
                    .revenue
                    .clone()
                    .ok_or_else(|| "a part without the revenue column".to_string())?;
                let b = &p.bytes[at];
                scatter(&mut values, runs, |s, o| {
                    for (x, c) in o.iter_mut().zip(b[s * 8..].chunks_exact(8)) {
                        *x = f64::from_bits(u64::from_le_bytes(le8(c)));
                    }
                });
            }
            reorder(&mut values, &fixes);
            self.revenue = Some(values);
        }

        let own = std::mem::take(&mut self.event);
        let src = KeySources {
            own: &own,
            own_runs: &own_runs,
            parts: parts
                .iter()
                .zip(&part_runs)
                .map(|(p, runs)| (&p.bytes[..], &p.event, &runs[..]))
                .collect(),
        };
        let max = self.events.len().saturating_sub(1) as u32;
        self.event = merged_keys(rows, max, &src, &fixes)?;
        drop(src);
        drop(own);
        for (j, p) in self.properties.iter_mut().enumerate() {
            let (keys, dict) = p.parts_mut();
            let own = std::mem::take(keys);
            let mut cols = Vec::with_capacity(parts.len());
            for (part, runs) in parts.iter().zip(&part_runs) {
                let col = part
                    .properties
                    .get(j)
                    .ok_or_else(|| format!("a part without property column {j}"))?;
                cols.push((&part.bytes[..], col, &runs[..]));
            }
            let src = KeySources {
                own: &own,
                own_runs: &own_runs,
                parts: cols,
            };
            *keys = merged_keys(rows, dict.len() as u32, &src, &fixes)?;
        }
        self.ordered = Some(offsets);
        Ok(())
    }
}
