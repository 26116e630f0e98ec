//! The browser layer (wasm32 only): a thin `#[wasm_bindgen]` façade over the core.
//!
//! One delegating function per export, documented in JS terms. Nothing here computes
//! a number; it converts JS values to the core's types and back, and core errors to
//! JS `Error`s whose message is the core error's sentence (`file:line: reason`).
//!
//! ```js
//! import init, { Engine, CsvLoader, drawFunnel, demoCsv, lastPanic } from '/pkg/tidemark.js';
//! await init();
//! const engine = Engine.fromCsv(bytes, { time_zone: 'UTC' }, 'orders.csv');
//! engine.summary();              // what was loaded
//! const report = engine.run({ analysis: 'funnel', steps: [{ event: 'a' }, { event: 'b' }] });
//! drawFunnel(canvas, report);    // main thread only (text measuring needs `window`)
//! ```
//!
//! The modules: [`engine`] (`Engine`), [`loader`] (`CsvLoader`, streaming),
//! [`parallel`] (`PartLoader`, `PartMerger`: a load in parts in several workers),
//! [`chart`] (`drawFunnel`), [`convert`] (JS ⇄ JSON values), [`error`] (the one
//! error type of this layer), [`panic`] (the hook and `lastPanic`), [`types`] (the
//! TypeScript declarations of the option, spec and result objects).

#![deny(clippy::unwrap_used)]

pub mod chart;
pub mod convert;
pub mod engine;
pub mod error;
pub mod export;
pub mod loader;
pub mod panic;
pub mod parallel;
pub mod types;

use wasm_bindgen::prelude::*;

pub use engine::Engine;
pub use error::WebError;
pub use loader::CsvLoader;

/// Runs once when the module is initialised (`await init()`), in the page and in
/// each worker: installs the panic hook (see [`panic`]).
#[wasm_bindgen(start)]
fn start() {
    panic::install();
}

/// `demoCsv(): Uint8Array` — the built-in demo event log as UTF-8 CSV bytes, ready
/// for `Engine.fromCsv` or `CsvLoader.push`.
#[wasm_bindgen(js_name = demoCsv)]
pub fn demo_csv() -> Vec<u8> {
    crate::demo::demo_csv().into_bytes()
}
