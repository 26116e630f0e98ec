//! The built-in demo event log. PLACEHOLDER: being written.
