//! Segments (ANALYSES.md, "Segments"): RFM scores with the 11 named segments
//! ([`rfm`]), high / mid / low value tiers ([`tiers`]) and any one segment's
//! size, shares and members ([`segment`], `members.rs`; rules in
//! [`crate::segment`]).
//!
//! Data flow: the purchase event is resolved (given, or guessed as for repeat
//! purchase); the purchases up to the analysis date give each buyer's count,
//! last time and revenue (`buyers.rs`, summed exactly in `money.rs`); [`rfm`]
//! scores them by rank (`scores.rs`) and names (R, F) (`names.rs`); [`tiers`]
//! cuts them by a metric.
//!
//! Interpretations of the contract, where it is silent:
//! - The population is the users with at least one purchase at or before the
//!   analysis date; everyone else is counted as `non_buyers`, unscored.
//! - `as_of`: `null` is the last event time of the whole table (any event); a
//!   time is that instant; a plain date is the end of that local day (every
//!   purchase of the day counts, recency runs to the next midnight). Purchases
//!   after it are left out.
//! - Recency is whole seconds (each time floored to the second) and shown in
//!   days of 86,400 s; a segment's `days_since_last` is the mean.
//! - Frequency counts purchase rows (two at the same instant are two); a missing
//!   revenue counts 0 toward monetary.
//! - Revenue is summed exactly in fixed point when every value has at most 6
//!   decimals (`money.rs`), so equal spend ties; the peer (DuckDB on
//!   `DECIMAL(12,2)`) gets the same cells.

pub(crate) mod buyers;
mod members;
mod money;
pub mod names;
pub mod rfm;
mod scores;
pub mod tiers;

pub use members::segment;
pub use names::Segment;
pub use rfm::rfm;
pub use tiers::tiers;
