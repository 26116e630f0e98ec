//! Helpers shared by several integration tests.

pub mod clv_sim;
pub mod reports;
pub mod svg;
