//! Helpers shared by several integration tests.

pub mod reports;
pub mod svg;
