//! Criterion benchmarks. PLACEHOLDER.
fn main() {}
