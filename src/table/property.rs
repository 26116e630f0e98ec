//! A property column: the raw cell text of one input column, dictionary-encoded
//! (one narrow key per row, see [`Keys`]; key 0 is an empty cell).

use super::keys::Keys;
use super::recent::Recent;
use super::{Dict, Role};

/// One property column (any column that is not user, time, event or revenue).
#[derive(Debug, Clone)]
pub struct PropertyColumn {
    name: String,
    role: Role,
    /// Per row: 0 for an empty cell, else 1 + the value's key in `values`.
    keys: Keys,
    values: Dict,
    /// The keys of recent values: a low-cardinality column skips the dictionary's hash.
    recent: Recent,
}

impl PropertyColumn {
    /// An empty column, to be filled with [`PropertyColumn::push`].
    pub fn new(name: String, role: Role) -> Self {
        Self {
            name,
            role,
            keys: Keys::new(),
            values: Dict::new(),
            recent: Recent::new(),
        }
    }
    /// Appends a row's cell; `None` or an empty string is an empty cell.
    #[inline]
    pub fn push(&mut self, cell: Option<&str>) {
        self.push_bytes(cell.map_or(&[], str::as_bytes));
    }
    /// Appends one row's cell given as its bytes (UTF-8: a loader's cell); empty
    /// is an empty cell.
    #[inline]
    pub fn push_bytes(&mut self, cell: &[u8]) {
        if cell.is_empty() {
            self.keys.push(0);
        } else {
            let k = self.recent.intern_bytes(&mut self.values, cell);
            self.keys.push(k.saturating_add(1));
        }
    }
    /// The header name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its role (`Property`, `Order` or `Item`).
    pub fn role(&self) -> Role {
        self.role
    }
    /// The dictionary key of a row's cell, `None` for an empty cell.
    #[inline]
    pub fn key(&self, row: u32) -> Option<u32> {
        self.keys.get(row as usize).checked_sub(1)
    }
    /// The raw text of a row's cell, `None` for an empty cell.
    pub fn value(&self, row: u32) -> Option<&str> {
        self.key(row).map(|k| self.values.get(k))
    }
    /// The distinct values, indexed by key.
    pub fn dictionary(&self) -> &Dict {
        &self.values
    }
    /// For every dictionary key, whether the predicate holds for its value (compare
    /// once per distinct value, then by key per row).
    pub fn keys_where(&self, mut keep: impl FnMut(&str) -> bool) -> Vec<bool> {
        self.values.iter().map(&mut keep).collect()
    }
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.keys.heap_bytes() + self.values.heap_bytes() + self.name.capacity()
    }
    /// Bytes per row of its keys now (1, 2 or 4).
    pub fn key_width(&self) -> usize {
        self.keys.width()
    }
    /// Bytes its distinct values take (see [`Dict::used_bytes`]).
    pub fn dictionary_bytes(&self) -> usize {
        self.values.used_bytes()
    }
    /// The column with its rows reordered (row `i` becomes row `perm[i]`).
    pub fn permute(&mut self, perm: &[u32]) {
        self.keys = self.keys.permuted(perm);
    }
    /// The key of every row (0 = an empty cell, else 1 + the value's key).
    pub(super) fn keys(&self) -> &Keys {
        &self.keys
    }
    /// The keys and the values, to append rows ([`super::part`]).
    pub(super) fn parts_mut(&mut self) -> (&mut Keys, &mut Dict) {
        (&mut self.keys, &mut self.values)
    }
    /// Makes room for `n` more rows.
    pub fn reserve_exact(&mut self, n: usize) {
        self.keys.reserve_exact(n);
    }
    /// Releases spare capacity once the column is complete.
    pub fn shrink_to_fit(&mut self) {
        self.keys.shrink_to_fit();
        self.values.shrink_to_fit();
    }
}
