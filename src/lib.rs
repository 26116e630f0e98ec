//! Tidemark: customer analytics over an event or order CSV.
//!
//! Data flows one way:
//!
//! ```text
//! bytes ─► ingest (dialect, encoding, roles, timestamps) ─► table::EventTable
//!       ─► analysis::run(&table, &Spec) ─► report::Report ─► chart / JSON
//! ```
//!
//! The modules, in reading order:
//! - [`error`]: the core error (a kind and a location), the sentence a user reads.
//! - [`progress`]: how long work reports progress and learns it was cancelled.
//! - [`ingest`]: CSV bytes in chunks → an [`table::EventTable`], with a summary of what
//!   was read, guessed and skipped.
//! - [`table`]: the event table: dictionary-encoded users and events, times, revenue,
//!   Arrow property columns, and the per-user order every analysis walks.
//! - [`spec`]: the analysis specs (the input side of the JSON contract).
//! - [`report`]: the results (the output side of the JSON contract).
//! - [`analysis`]: the analyses; they read only the event table.
//! - [`segment`]: rule segments (the expression language) and segments as
//!   filters and breakdowns of the analyses.
//! - [`chart`]: charts drawn from reports on any plotters backend.
//! - [`demo`]: the built-in, deterministic demo event log.
//! - [`ipc`]: a result table (rows of JSON cells) as an Arrow IPC file.
//! - [`zone`]: the time zone local times are read in and periods are cut in.
//!
//! Nothing outside `src/web/` names a wasm crate; the CLI lives in `src/main.rs`.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod analysis;
pub mod chart;
pub mod demo;
pub mod error;
pub mod ingest;
pub mod ipc;
pub mod progress;
pub mod report;
pub mod segment;
pub mod spec;
pub mod table;
pub mod zone;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, ErrorKind};
pub use ingest::{LoadOptions, Loader};
pub use table::EventTable;
