//! A string dictionary: distinct strings get dense `u32` keys in first-seen order.

use std::collections::HashMap;

/// Distinct strings with dense keys `0..len`, in first-seen order.
#[derive(Debug, Default, Clone)]
pub struct Dict {
    values: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Dict {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self::default()
    }
    /// The key of `value`, adding it when new.
    pub fn intern(&mut self, value: &str) -> u32 {
        if let Some(&k) = self.index.get(value) {
            return k;
        }
        let k = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.values.push(value.into());
        self.index.insert(value.into(), k);
        k
    }
    /// The key of `value`, if present.
    pub fn key(&self, value: &str) -> Option<u32> {
        self.index.get(value).copied()
    }
    /// The string of a key. Panics on a key this dictionary never issued (a bug).
    pub fn get(&self, key: u32) -> &str {
        &self.values[key as usize]
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.values.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
    /// All strings, indexed by key.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|s| &**s)
    }
}
