//! Rule segments: user-level rules in a small expression language
//! (`purchases >= 2 and days_since_last < 30`, `country = "CN"`,
//! `did("add_to_cart", within = "7d") and not did("purchase")`), and segments
//! (rules, RFM segments, value tiers) as per-user masks that the funnel,
//! retention and repeat-purchase analyses take as a filter or a breakdown.
//!
//! Data flow: `lexer.rs` (text → tokens with columns) → `parser.rs` (recursive
//! descent → syntax tree) → `eval.rs` (names resolved against the table, types
//! checked, every error at its column) → `metrics.rs` (the per-user values the
//! rule reads, in ONE pass over the per-user order) → a [`Mask`]. `reference.rs`
//! turns any segment reference of a spec into a mask; `scope.rs` runs an analysis
//! on the users of a mask, or once per named segment.
//!
//! The grammar and every metric's definition: `docs/segments.md`.

mod eval;
mod lexer;
mod metrics;
mod parser;
pub mod reference;
pub mod scope;

use std::fmt;

pub use eval::{Rule, RuleOptions};
pub use metrics::{MetricValues, UserMetrics};

/// A per-user membership: `mask[user key]` is true for a member.
pub type Mask = Vec<bool>;

/// A mistake in a rule: the 1-based column (in characters) where it is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// 1-based column, in characters of the rule text.
    pub column: usize,
    /// What is wrong, as a sentence.
    pub message: String,
}

impl RuleError {
    pub(crate) fn new(column: usize, message: impl Into<String>) -> Self {
        Self {
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for RuleError {}

/// Checks the syntax of a rule, without a table (names are not resolved).
pub fn check_syntax(text: &str) -> Result<(), RuleError> {
    parser::parse(text).map(|_| ())
}
