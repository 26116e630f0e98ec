//! Dictionary keys stored as narrow as the dictionary allows: one byte per row
//! while there are at most 256 distinct values, two up to 65,536, four beyond.
//! Event names and property values are low-cardinality in practice, so this is
//! most of the difference between 44 and ~30 bytes per event (BENCHMARKS.md).

/// A column of `u32` keys held in `u8`, `u16` or `u32`, widened on demand.
#[derive(Debug, Clone)]
pub enum Keys {
    /// Every key fits a byte.
    U8(Vec<u8>),
    /// Every key fits two bytes.
    U16(Vec<u16>),
    /// Any key.
    U32(Vec<u32>),
}

impl Default for Keys {
    fn default() -> Self {
        Keys::U8(Vec::new())
    }
}

/// A copy of `v` in a wider type, with the same spare capacity (a reservation
/// made for the whole load survives the widening).
fn widened<A, B: From<A>>(v: Vec<A>) -> Vec<B> {
    let mut out = Vec::with_capacity(v.capacity());
    out.extend(v.into_iter().map(B::from));
    out
}

/// `v` reordered: element `i` of the result is `v[perm[i]]`.
pub fn permute<T: Copy>(v: &[T], perm: &[u32]) -> Vec<T> {
    perm.iter().map(|&i| v[i as usize]).collect()
}

impl Keys {
    /// An empty column (one byte per key until a key needs more).
    pub fn new() -> Self {
        Self::default()
    }
    /// Appends a key, widening the whole column first when it does not fit.
    #[inline]
    pub fn push(&mut self, key: u32) {
        match self {
            Keys::U8(v) if key <= u32::from(u8::MAX) => v.push(key as u8),
            Keys::U16(v) if key <= u32::from(u16::MAX) => v.push(key as u16),
            Keys::U32(v) => v.push(key),
            _ => self.widen_and_push(key),
        }
    }
    /// Widens the column for `key` and appends it (rare: at most twice per column).
    #[cold]
    fn widen_and_push(&mut self, key: u32) {
        self.widen(key);
        match self {
            Keys::U8(v) => v.push(key as u8),
            Keys::U16(v) => v.push(key as u16),
            Keys::U32(v) => v.push(key),
        }
    }
    fn widen(&mut self, key: u32) {
        let old = std::mem::take(self);
        *self = match old {
            Keys::U8(v) if key <= u32::from(u16::MAX) => Keys::U16(widened(v)),
            Keys::U8(v) => Keys::U32(widened(v)),
            Keys::U16(v) => Keys::U32(widened(v)),
            Keys::U32(v) => Keys::U32(v),
        };
    }
    /// The key of row `i`. Panics when `i` is out of range (a bug).
    #[inline]
    pub fn get(&self, i: usize) -> u32 {
        match self {
            Keys::U8(v) => u32::from(v[i]),
            Keys::U16(v) => u32::from(v[i]),
            Keys::U32(v) => v[i],
        }
    }
    /// Number of keys.
    pub fn len(&self) -> usize {
        match self {
            Keys::U8(v) => v.len(),
            Keys::U16(v) => v.len(),
            Keys::U32(v) => v.len(),
        }
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Every key in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
    /// The positions holding `key`, ascending: a SIMD byte search (`memchr`) on a
    /// one-byte column, a plain scan otherwise. Analyses that need only the rows of
    /// one event (the purchases) start from these instead of testing every row.
    pub fn positions(&self, key: u32) -> Vec<u32> {
        fn scan<T: Copy + PartialEq>(v: &[T], key: Option<T>) -> Vec<u32> {
            let Some(key) = key else {
                return Vec::new();
            };
            v.iter()
                .enumerate()
                .filter(|&(_, &k)| k == key)
                .map(|(i, _)| i as u32)
                .collect()
        }
        match self {
            Keys::U8(v) => match u8::try_from(key) {
                Ok(k) => memchr::memchr_iter(k, v).map(|i| i as u32).collect(),
                Err(_) => Vec::new(),
            },
            Keys::U16(v) => scan(v, u16::try_from(key).ok()),
            Keys::U32(v) => scan(v, Some(key)),
        }
    }
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        match self {
            Keys::U8(v) => v.capacity(),
            Keys::U16(v) => v.capacity() * 2,
            Keys::U32(v) => v.capacity() * 4,
        }
    }
    /// Bytes per key at the current width (1, 2 or 4).
    pub fn width(&self) -> usize {
        match self {
            Keys::U8(_) => 1,
            Keys::U16(_) => 2,
            Keys::U32(_) => 4,
        }
    }
    /// Makes room for `n` more keys at the current width.
    pub fn reserve_exact(&mut self, n: usize) {
        match self {
            Keys::U8(v) => v.reserve_exact(n),
            Keys::U16(v) => v.reserve_exact(n),
            Keys::U32(v) => v.reserve_exact(n),
        }
    }
    /// The keys reordered: row `i` of the result is row `perm[i]` of this column.
    pub fn permuted(&self, perm: &[u32]) -> Keys {
        match self {
            Keys::U8(v) => Keys::U8(permute(v, perm)),
            Keys::U16(v) => Keys::U16(permute(v, perm)),
            Keys::U32(v) => Keys::U32(permute(v, perm)),
        }
    }
    /// Releases spare capacity once the column is complete.
    pub fn shrink_to_fit(&mut self) {
        match self {
            Keys::U8(v) => v.shrink_to_fit(),
            Keys::U16(v) => v.shrink_to_fit(),
            Keys::U32(v) => v.shrink_to_fit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_only_when_needed_and_keeps_every_key() {
        let mut k = Keys::new();
        let want: Vec<u32> = (0..300)
            .chain([70_000, 5, 255, 256, 65_535, 65_536])
            .collect();
        for (i, &x) in want.iter().enumerate() {
            k.push(x);
            let width = match &k {
                Keys::U8(_) => 1,
                Keys::U16(_) => 2,
                Keys::U32(_) => 4,
            };
            let max = *want[..=i].iter().max().expect("non-empty");
            let need = if max <= 255 {
                1
            } else if max <= 65_535 {
                2
            } else {
                4
            };
            assert_eq!(width, need, "after pushing {x}");
        }
        assert_eq!(k.iter().collect::<Vec<_>>(), want);
        assert_eq!(k.len(), want.len());
    }

    #[test]
    fn u8_straight_to_u32() {
        let mut k = Keys::new();
        k.push(3);
        k.push(1 << 20);
        assert!(matches!(k, Keys::U32(_)));
        assert_eq!(k.iter().collect::<Vec<_>>(), [3, 1 << 20]);
    }
}
