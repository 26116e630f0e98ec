//! User attributes: columns of a second file keyed by user id (plan, region,
//! signup source), one value per user of the event table, usable in segment
//! rules like event properties.

use super::Dict;

/// One attribute column: a value (or none) per user key.
#[derive(Debug, Clone)]
pub struct AttributeColumn {
    name: String,
    values: Dict,
    /// Per user key: 0 for no value, else 1 + the value's key.
    per_user: Vec<u32>,
}

impl AttributeColumn {
    /// A column with no value for any of `users` users.
    pub fn new(name: String, users: usize) -> Self {
        Self {
            name,
            values: Dict::new(),
            per_user: vec![0; users],
        }
    }
    /// Sets the value of user `user` (an empty cell leaves no value).
    pub fn set(&mut self, user: u32, cell: &str) {
        if let Some(slot) = self.per_user.get_mut(user as usize) {
            *slot = if cell.is_empty() {
                0
            } else {
                self.values.intern(cell).saturating_add(1)
            };
        }
    }
    /// The header name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The distinct values, indexed by key.
    pub fn dictionary(&self) -> &Dict {
        &self.values
    }
    /// The value key of a user, `None` without a value.
    pub fn key_of(&self, user: u32) -> Option<u32> {
        self.per_user.get(user as usize)?.checked_sub(1)
    }
    /// The value of a user, `None` without a value.
    pub fn value_of(&self, user: u32) -> Option<&str> {
        self.key_of(user).map(|k| self.values.get(k))
    }
    /// The same column over a subset of users: `keep[i]` is the old key of new
    /// user `i`.
    pub(crate) fn select(&self, keep: &[u32]) -> Self {
        Self {
            name: self.name.clone(),
            values: self.values.clone(),
            per_user: keep.iter().map(|&u| self.per_user[u as usize]).collect(),
        }
    }
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.values.heap_bytes() + self.per_user.capacity() * 4 + self.name.capacity()
    }
}

/// The attribute file attached to a table: its name, the id column and the
/// attribute columns.
#[derive(Debug, Clone)]
pub struct UserAttributes {
    /// The file's name.
    pub file: String,
    /// The header of the user-id column.
    pub id_column: String,
    columns: Vec<AttributeColumn>,
}

impl UserAttributes {
    /// Attributes read from `file`, keyed by `id_column`.
    pub fn new(file: String, id_column: String, columns: Vec<AttributeColumn>) -> Self {
        Self {
            file,
            id_column,
            columns,
        }
    }
    /// The attribute columns.
    pub fn columns(&self) -> &[AttributeColumn] {
        &self.columns
    }
    /// A column by its header name.
    pub fn column(&self, name: &str) -> Option<&AttributeColumn> {
        self.columns.iter().find(|c| c.name() == name)
    }
    /// The same attributes over a subset of users (see [`AttributeColumn::select`]).
    pub(crate) fn select(&self, keep: &[u32]) -> Self {
        Self {
            file: self.file.clone(),
            id_column: self.id_column.clone(),
            columns: self.columns.iter().map(|c| c.select(keep)).collect(),
        }
    }
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(AttributeColumn::heap_bytes).sum()
    }
}
