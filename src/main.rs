//! The `tidemark` command line. PLACEHOLDER: being written.
fn main() {}
