//! The built-in demo event log. PLACEHOLDER: being written.
pub fn demo_csv() -> String {
    String::new()
}
