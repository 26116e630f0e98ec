//! A property column: the raw cell text of one input column, as an Arrow
//! dictionary array (one key per row, null for an empty cell).

use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::{Array, DictionaryArray, Int32Array, StringArray};

use super::Role;

/// One property column (any column that is not user, time, event or revenue).
#[derive(Debug, Clone)]
pub struct PropertyColumn {
    name: String,
    role: Role,
    keys: Int32Array,
    values: StringArray,
}

impl PropertyColumn {
    /// Wraps a dictionary array built for this column.
    pub fn new(name: String, role: Role, array: DictionaryArray<Int32Type>) -> Self {
        let keys = array.keys().clone();
        let values = array.values().as_string::<i32>().clone();
        Self {
            name,
            role,
            keys,
            values,
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
    pub fn key(&self, row: u32) -> Option<i32> {
        let r = row as usize;
        (!self.keys.is_null(r)).then(|| self.keys.value(r))
    }
    /// The raw text of a row's cell, `None` for an empty cell.
    pub fn value(&self, row: u32) -> Option<&str> {
        self.key(row).map(|k| self.values.value(k as usize))
    }
    /// The distinct values, indexed by key.
    pub fn dictionary(&self) -> &StringArray {
        &self.values
    }
    /// The dictionary keys of a value, where the predicate holds (compare once per
    /// distinct value, then by key per row).
    pub fn keys_where(&self, mut keep: impl FnMut(&str) -> bool) -> Vec<bool> {
        (0..self.values.len())
            .map(|i| keep(self.values.value(i)))
            .collect()
    }
}
