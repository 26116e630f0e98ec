//! Charts drawn from reports on any plotters backend. Only `src/web/` knows canvases;
//! natively the same code renders SVG (tests, the CLI's `--svg`).

pub mod funnel;
