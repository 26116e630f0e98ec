//! The `tidemark` command line: the same engine as the page, on files.
//!
//! ```text
//! tidemark inspect DATA.csv [--roles user=COL,time=COL,…] [--tz ZONE] [--date-order auto|dmy|mdy] [--encoding LABEL] [--delimiter C]
//! tidemark run DATA.csv --spec SPEC.json [same loading flags] [--svg CHART.svg]
//! tidemark dropoff DATA.csv --spec SPEC.json --step K [same loading flags]
//! tidemark demo [> demo.csv]
//! ```
//! Results are JSON on stdout; errors go to stderr as `file:line: reason` with exit 1
//! (2 for bad command-line usage).

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
